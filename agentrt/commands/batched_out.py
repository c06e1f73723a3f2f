"""Streamed text written to stdout in batches: one write and flush per turn of the event loop.

Why: a write and a flush per delta is a system call per token, which costs a fast
stream more than everything else the CLI does per token. Text is gathered instead and
flushed when the event loop next gets to run (``call_soon``): at once when deltas
trickle in (the consumer waits for each one, so the loop runs between them) and once
per batch when they arrive in bursts. ``MAX_PARTS`` bounds what waits for a loop turn
that a consumer never yields.
"""

from __future__ import annotations

import asyncio
from typing import TextIO

__all__ = ["MAX_PARTS", "BatchedWriter"]

MAX_PARTS = 4096  # pieces gathered before a flush without waiting for the loop


class BatchedWriter:
    """Gathers text for ``out`` and flushes it once the running loop is idle.

    Args:
        out: the text stream (stdout); written and flushed only by :meth:`flush`.
    """

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._parts: list[str] = []
        self._pending: asyncio.Handle | None = None

    def write(self, text: str) -> None:
        """Queue ``text``; it is written at the next turn of the loop (or by :meth:`flush`)."""
        parts = self._parts
        parts.append(text)
        if len(parts) >= MAX_PARTS:
            self.flush()
        elif self._pending is None:
            self._pending = asyncio.get_running_loop().call_soon(self.flush)

    def flush(self) -> None:
        """Write what is queued, in one write, and flush ``out``."""
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None
        if self._parts:
            self._out.write("".join(self._parts))
            self._parts.clear()
            self._out.flush()
