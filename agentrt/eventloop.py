"""Choosing and starting the event loop for agentrt's command-line entry points.

The library never installs a loop policy behind the application's back; only
the entry points (the CLI, the simulator, serve and load) call :func:`run`.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Literal, TypeVar

from agentrt.errors import UsageError

__all__ = ["LOOP_CHOICES", "LoopName", "run", "stop_on_signals"]

T = TypeVar("T")
LoopName = Literal["auto", "uvloop", "asyncio"]
LOOP_CHOICES: tuple[LoopName, ...] = ("auto", "uvloop", "asyncio")


def run(main: Coroutine[Any, Any, T], *, loop: LoopName = "auto") -> T:
    """Run ``main`` to completion on uvloop when available (``auto``), or as asked.

    On Ctrl-C (KeyboardInterrupt) it does not wait for the default executor's
    threads (a sync tool still running cannot be cancelled); the CLI then exits
    without joining them.
    """
    factory: Callable[[], asyncio.AbstractEventLoop] | None = None
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
            factory = uvloop.new_event_loop
    with asyncio.Runner(loop_factory=factory) as runner:
        try:
            return runner.run(main)
        except KeyboardInterrupt:
            # Closing the runner would join the busy executor; give it an idle one instead.
            runner.get_loop().set_default_executor(ThreadPoolExecutor(max_workers=1))
            raise


@contextlib.contextmanager
def stop_on_signals() -> Iterator[asyncio.Event]:
    """An event that SIGINT or SIGTERM sets while the block runs: a server's cue to stop.

    Call it inside the running event loop; the signal handlers are removed on exit.
    """
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    signals = (signal.SIGINT, signal.SIGTERM)
    for sig in signals:
        loop.add_signal_handler(sig, stop.set)
    try:
        yield stop
    finally:
        for sig in signals:
            loop.remove_signal_handler(sig)
