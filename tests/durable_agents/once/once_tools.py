"""The tool of the durable canceller agent: not idempotent, always fails, each call counted.

Like ``../durable_tools.py``: one line per call (the worker's pid and the
call's idempotency key) in ``$AGENTRT_DURABLE_DIR/calls-cancel_booking.txt``.
"""

from __future__ import annotations

import os
from pathlib import Path

from agentrt.agents.tools import ToolContext
from agentrt.durable.idempotency import idempotency_key

__all__ = ["cancel_booking"]


def cancel_booking(city: str, ctx: ToolContext) -> str:
    """Cancel a restaurant booking in a city.

    Args:
        city: City name, e.g. "Lisbon".
    """
    path = Path(os.environ["AGENTRT_DURABLE_DIR"]) / "calls-cancel_booking.txt"
    with open(path, "a", encoding="utf-8") as f:
        f.write(f"{os.getpid()} {idempotency_key(ctx)}\n")
    raise RuntimeError("the booking service is down")
