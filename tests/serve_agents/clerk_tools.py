"""Tools of the serve tests' clerk agent: a refund that needs a person's approval, a lookup that
does not, and a note that a serve test's guardrail trips on.

``refund`` writes ``refund-<order>`` into ``$SERVE_PROBE_DIR`` when it runs, so a test sees from
outside the server whether an approved (or denied) call ran.
"""

from __future__ import annotations

import os
from pathlib import Path

from agentrt.agents.tools import tool

__all__ = ["lookup", "refund"]


@tool(needs_approval=True)
def refund(order: str) -> str:
    """Refund an order (a person approves each refund)."""
    folder = os.environ.get("SERVE_PROBE_DIR")
    if folder:
        Path(folder, f"refund-{order}").write_text(order)
    return f"refunded {order}"


def lookup(order: str) -> str:
    """Look up an order's state."""
    return f"order {order} is shipped"
