"""Choosing and starting the event loop for agentrt's command-line entry points.

The library never installs a loop policy behind the application's back; only
the entry points (the CLI, the simulator, serve and load) call :func:`run`.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import threading
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from types import FrameType
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
            return runner.run(_exit_if_cancel_hangs(main))
        except KeyboardInterrupt:
            # Closing the runner would join the busy executor; give it an idle one instead.
            runner.get_loop().set_default_executor(ThreadPoolExecutor(max_workers=1))
            raise


CANCEL_GRACE_S = 5.0
"""After the first Ctrl-C, how long cancelling may take before the process exits anyway."""


async def _exit_if_cancel_hangs(main: Coroutine[Any, Any, T]) -> T:
    """Run ``main``; after the first SIGINT, exit with 130 if cancelling it hangs.

    ``asyncio.Runner`` turns Ctrl-C into cancelling the main task and waits for it
    to finish. A call that does not honour cancellation (a library's RPC, a
    blocking wait) would keep the process alive; this bounds that wait. Handlers
    installed later (a server's graceful :func:`stop_on_signals`) take precedence.
    """
    previous = signal.getsignal(signal.SIGINT)
    if not callable(previous):  # not the Runner's handler: leave signals alone
        return await main

    def on_sigint(signum: int, frame: FrameType | None) -> None:
        timer = threading.Timer(CANCEL_GRACE_S, _force_exit)
        timer.daemon = True
        timer.start()
        signal.signal(signal.SIGINT, previous)  # a second Ctrl-C behaves as before
        previous(signum, frame)

    signal.signal(signal.SIGINT, on_sigint)
    try:
        return await main
    finally:
        if signal.getsignal(signal.SIGINT) is on_sigint:
            signal.signal(signal.SIGINT, previous)


def _force_exit() -> None:
    os.write(2, b"agentrt: interrupted (cancelling took too long)\n")
    os._exit(130)


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
