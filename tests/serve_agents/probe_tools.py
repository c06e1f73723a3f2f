"""Tools of the serve tests' probe agent: what a run sees, a short nap, a hang.

``hang`` writes ``hang-started`` and, when it is cancelled, ``hang-cancelled``
into the folder named by ``$SERVE_PROBE_DIR``, so a test can see from outside
the server that a client's cancel reached the tool.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

from agentrt.agents.tools import ToolContext

__all__ = ["hang", "nap", "whoami"]


def _mark(name: str) -> None:
    folder = os.environ.get("SERVE_PROBE_DIR")
    if folder:
        Path(folder, name).write_text(name)


async def whoami(ctx: ToolContext) -> dict[str, Any]:
    """Who is calling: the run id and the caller's metadata."""
    return {"run_id": ctx.run_id, "metadata": dict(ctx.metadata)}


async def nap() -> str:
    """Rest for a moment and say so."""
    await asyncio.sleep(1.5)
    return "rested"


async def hang() -> str:
    """Wait for a very long time."""
    _mark("hang-started")
    try:
        await asyncio.sleep(60)
    except asyncio.CancelledError:
        _mark("hang-cancelled")
        raise
    return "done"
