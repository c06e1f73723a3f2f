"""The threads sync tools run on: :class:`ToolThreads`, a bounded pool of its own.

Sync tools never share the event loop's default executor (a handful of threads
that DNS lookups and ``asyncio.to_thread`` also need). A call's timeout starts
when a thread begins running the function, not while it waits for one.

What cannot be interrupted: a sync function already running on its thread.
Python has no way to stop a thread, so when its call times out or is cancelled
the caller moves on (the tool's result is an error) but the thread runs on
until the function returns. Such an *abandoned* call keeps holding its thread:
:attr:`ToolThreads.abandoned` counts them, a warning is logged for each, and
``agentrt serve``'s status RPC and ``agentrt run --json`` report the count.
While abandoned calls hold every thread of the pool, a new sync call fails at
once with :class:`ToolThreadsExhausted` (an error result the model reads)
rather than waiting for a thread that may never come back. Give blocking tools
a timeout of their own inside (sockets, subprocesses) so their threads return.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

__all__ = [
    "DEFAULT_TOOL_THREADS",
    "MAX_TOOL_THREADS",
    "ThreadEscape",
    "ToolThreads",
    "ToolThreadsExhausted",
    "ToolTimedOut",
    "default_tool_threads",
    "set_default_tool_threads",
]

DEFAULT_TOOL_THREADS = max(32, 4 * (os.cpu_count() or 1))
"""Threads of the process's pool unless an entry point sizes it (``serve`` does)."""

MAX_TOOL_THREADS = 1024
"""The most threads any pool may have, whatever the caps it is sized from."""

_log = logging.getLogger("agentrt.tools")


class ThreadEscape(Exception):
    """A sync tool raised a ``BaseException`` that is not an ``Exception`` (``SystemExit`` ...).

    It crosses back to the event loop wrapped: thrown into a coroutine as itself, a
    ``GeneratorExit`` would close the awaiting frames instead of reaching their handlers.

    Attributes:
        original: what the tool raised.
    """

    def __init__(self, original: BaseException) -> None:
        super().__init__(type(original).__name__)
        self.original = original


class ToolTimedOut(TimeoutError):
    """A tool ran for longer than its own timeout (not a ``TimeoutError`` the tool raised)."""


class ToolThreadsExhausted(RuntimeError):
    """Every thread of the pool is held by a sync call that timed out or was cancelled."""


class ToolThreads:
    """A bounded pool for sync tools that counts the calls it could not stop.

    Args:
        max_threads: threads at most; calls beyond wait (untimed) for a free one.
    """

    def __init__(self, max_threads: int = DEFAULT_TOOL_THREADS) -> None:
        self.max_threads = max(1, min(max_threads, MAX_TOOL_THREADS))
        self._pool = ThreadPoolExecutor(self.max_threads, thread_name_prefix="agentrt-tool")
        self._lock = threading.Lock()
        self._abandoned = 0
        # calls waiting for a thread: failed at once if abandoned calls take them all
        self._waiting: dict[Future[Any], Callable[[], None]] = {}

    @property
    def abandoned(self) -> int:
        """Threads still running a call whose caller gave up (timeout or cancellation)."""
        return self._abandoned

    async def call(self, name: str, fn: Callable[[], Any], limit_s: float | None) -> Any:
        """Run the tool ``name``'s ``fn`` on a thread, for ``limit_s`` seconds from when it starts.

        Raises:
            ToolTimedOut: ``fn`` ran for longer than ``limit_s``.
            ThreadEscape: ``fn`` raised a ``BaseException`` that is not an ``Exception``.
            ToolThreadsExhausted: abandoned calls hold every thread.
        """
        loop = asyncio.get_running_loop()
        started: asyncio.Future[None] = loop.create_future()
        ctx = contextvars.copy_context()

        def body() -> Any:
            loop.call_soon_threadsafe(_settle, started, None)
            try:
                return ctx.run(fn)
            except Exception:
                raise
            except BaseException as e:
                raise ThreadEscape(e) from None

        job = self._submit(body, loop, started)
        done = asyncio.wrap_future(job, loop=loop)  # cancelling it cancels a job not yet started
        limit: asyncio.Timeout | None = None
        try:
            await started
            limit = asyncio.timeout(limit_s)  # its deadline is fixed when it is made: now
            async with limit:
                return await done
        except BaseException as e:
            self._forget(job)
            if not job.done() and not job.cancel():
                self._abandon(name, job)
            if isinstance(e, TimeoutError) and limit is not None and limit.expired():
                raise ToolTimedOut(limit_s) from None
            raise

    def _submit(self, body: Callable[[], Any], loop: Any, started: asyncio.Future[None]) -> Any:
        with self._lock:
            if self._abandoned >= self.max_threads:
                raise ToolThreadsExhausted(self._exhausted())
            job = self._pool.submit(body)
            self._waiting[job] = lambda: loop.call_soon_threadsafe(
                _settle, started, ToolThreadsExhausted(self._exhausted())
            )
        job.add_done_callback(self._forget)
        return job

    def _forget(self, job: Future[Any]) -> None:
        with self._lock:
            self._waiting.pop(job, None)

    def _abandon(self, name: str, job: Future[Any]) -> None:
        with self._lock:
            self._abandoned += 1
            held = self._abandoned
            stranded = list(self._waiting.items()) if held >= self.max_threads else []
        _log.warning(
            "agentrt: sync tool %r still runs on its thread after its call ended; "
            "%d of %d tool threads are held by such calls",
            name,
            held,
            self.max_threads,
        )
        for waiting, fail in stranded:
            if waiting.cancel():  # not started: it never will be while every thread is held
                fail()
        job.add_done_callback(self._returned)

    def _returned(self, job: Future[Any]) -> None:
        with self._lock:
            self._abandoned -= 1

    def _exhausted(self) -> str:
        return (
            f"all {self.max_threads} sync tool threads are held by tool calls that timed out "
            "or were cancelled and are still running; this call was not run"
        )


def _settle(future: asyncio.Future[None], error: BaseException | None) -> None:
    if future.done():
        return
    if error is None:
        future.set_result(None)
    else:
        future.set_exception(error)


_default: ToolThreads | None = None
_default_lock = threading.Lock()


def default_tool_threads() -> ToolThreads:
    """The process's pool, made on first use with :data:`DEFAULT_TOOL_THREADS` threads."""
    global _default
    with _default_lock:
        if _default is None:
            _default = ToolThreads()
        return _default


def set_default_tool_threads(threads: ToolThreads) -> None:
    """Make ``threads`` the process's pool (an entry point sizing it from its caps)."""
    global _default
    with _default_lock:
        _default = threads
