"""Choosing and starting the event loop for agentrt's command-line entry points.

The library never installs a loop policy behind the application's back; only
the entry points (the CLI, the simulator, serve and load) call :func:`run`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, Literal, TypeVar

from agentrt.errors import UsageError

__all__ = ["LOOP_CHOICES", "LoopName", "run"]

T = TypeVar("T")
LoopName = Literal["auto", "uvloop", "asyncio"]
LOOP_CHOICES: tuple[LoopName, ...] = ("auto", "uvloop", "asyncio")


def run(main: Coroutine[Any, Any, T], *, loop: LoopName = "auto") -> T:
    """Run ``main`` to completion on uvloop when available (``auto``), or as asked."""
    if loop != "asyncio":
        try:
            import uvloop
        except ImportError:
            if loop == "uvloop":
                main.close()
                raise UsageError(
                    "--loop uvloop: uvloop is not installed (pip install uvloop)"
                ) from None
        else:
            result: T = uvloop.run(main)
            return result
    return asyncio.run(main)
