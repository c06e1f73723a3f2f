"""One asyncio event loop per Locust process, on its own OS thread; greenlets wait on it.

agentrt's client is asyncio and ``grpc.aio``; Locust's users are gevent greenlets. The
two meet here: a real OS thread runs an asyncio loop (uvloop when installed) for the
whole test, each user submits its request's coroutine to it and waits for the outcome
on a gevent primitive that a libev *async* watcher (the one thread-safe way to wake a
gevent hub) sets. Work the loop hands back to the hub (:meth:`LoopThread.post`) queues
behind that one watcher, whose wake-ups coalesce: one wakes the hub for every request
that finished meanwhile.

This needs the standard library's threads unpatched (``LOCUST_SKIP_MONKEY_PATCH=1``):
with gevent's ``threading`` patched in, ``grpc.aio`` starts its completion-queue poller
as a greenlet of the loop thread, which then blocks in C and never returns.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
from collections import deque
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import gevent  # type: ignore[import-untyped]
import gevent.event  # type: ignore[import-untyped]

from agentrt.errors import UsageError

__all__ = ["SKIP_PATCH", "LoopThread"]

SKIP_PATCH = "LOCUST_SKIP_MONKEY_PATCH"
"""Locust's switch that leaves the standard library unpatched (set to ``1``)."""

T = TypeVar("T")

STOP_TIMEOUT = 5.0
"""Seconds the loop thread may take to cancel what still runs on it and end."""


def _new_loop() -> asyncio.AbstractEventLoop:
    """uvloop when installed (as ``agentrt load``'s ``--loop auto``), else asyncio's own."""
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


class LoopThread:
    """An asyncio event loop on a daemon OS thread, with a gevent-friendly :meth:`call`.

    Create and use it on the gevent hub's thread (Locust's main thread).
    """

    def __init__(self) -> None:
        from gevent import monkey

        if monkey.is_module_patched("threading"):
            raise UsageError(
                f"gevent has patched threading in this Locust process: start the processes "
                f"that run users (workers) as `{SKIP_PATCH}=1 locust -f ...` (docs/locust.md)"
            )
        self._loop = _new_loop()
        self._thread = threading.Thread(target=self._run, name="agentrt-loop", daemon=True)
        self._posted: deque[tuple[Callable[..., None], tuple[Any, ...]]] = deque()
        self._wake = gevent.get_hub().loop.async_()
        # Referenced (gevent's default): a greenlet waiting on the loop is waiting on this
        # watcher, and without a reference the hub would call that blocking forever.
        self._wake.start(self._deliver)
        self._thread.start()

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_forever()
        finally:
            pending = asyncio.all_tasks(self._loop)
            for task in pending:
                task.cancel()
            self._loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            self._loop.run_until_complete(self._loop.shutdown_asyncgens())
            self._loop.close()

    def _deliver(self) -> None:
        """On the hub: run everything posted since the last wake-up, in order."""
        posted = self._posted
        while posted:
            fn, args = posted.popleft()
            fn(*args)

    def post(self, fn: Callable[..., None], *args: Any) -> None:
        """From the loop thread: run ``fn(*args)`` on the hub, soon (thread-safe, coalesced)."""
        self._posted.append((fn, args))
        self._wake.send()

    def call(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run ``coro`` on the loop; block this greenlet (not the hub) until it ends.

        A greenlet killed while waiting (Locust stopping its users) cancels ``coro``.
        """
        result = gevent.event.AsyncResult()
        future = asyncio.run_coroutine_threadsafe(coro, self._loop)

        def settle(f: concurrent.futures.Future[Any]) -> None:  # on the hub
            if f.cancelled():
                result.set_exception(asyncio.CancelledError())
            elif (exc := f.exception()) is not None:
                result.set_exception(exc)
            else:
                result.set(f.result())

        future.add_done_callback(lambda f: self.post(settle, f))
        try:
            value: T = result.get()
        finally:
            if not future.done():
                future.cancel()
        return value

    def close(self) -> None:
        """Cancel what still runs on the loop, stop it and join its thread."""
        with contextlib.suppress(RuntimeError):  # already closed
            self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(STOP_TIMEOUT)
        self._wake.stop()
        self._wake.close()
        self._posted.clear()  # handed back too late: nobody counts them
