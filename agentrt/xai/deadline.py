"""Time budgets passed down to every call.

Python does not propagate gRPC deadlines, so agentrt does it explicitly. Every
call's timeout is, in order: the per-call ``timeout`` (seconds or a
:class:`Deadline`), else the client's default; then capped by the innermost
:func:`budget` scope that is active in the calling task. An agent run opens
``with budget(run_timeout):`` once, and every model and tool call inside it
gets at most what is left::

    with budget(120):
        r = await client.chat.complete(req)              # <= 120 s
        r = await client.chat.complete(req, timeout=5)   # <= min(5, what is left)

A call that starts with no time left raises :class:`~agentrt.errors.DeadlineExceeded`
without touching the network.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from agentrt.errors import DeadlineExceeded, UsageError

__all__ = ["Deadline", "Timeout", "budget", "current_deadline", "effective_timeout"]


@dataclass(frozen=True, slots=True)
class Deadline:
    """A point in time (``time.monotonic()`` seconds) by which work must end."""

    at: float

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        """The deadline ``seconds`` from now."""
        return cls(time.monotonic() + seconds)

    def remaining(self) -> float:
        """Seconds left (negative once passed)."""
        return self.at - time.monotonic()

    @property
    def expired(self) -> bool:
        """Whether the deadline has passed."""
        return self.remaining() <= 0


Timeout = float | Deadline | None
"""What a per-call ``timeout=`` accepts: seconds, a :class:`Deadline`, or ``None`` (default)."""

_current: ContextVar[Deadline | None] = ContextVar("agentrt_deadline", default=None)


def current_deadline() -> Deadline | None:
    """The innermost active :func:`budget` deadline of this task, if any."""
    return _current.get()


@contextmanager
def budget(limit: float | Deadline) -> Iterator[Deadline]:
    """Cap every call made inside the block by ``limit`` (seconds or a Deadline).

    Nested budgets never extend an outer one: the earlier deadline wins.
    """
    deadline = limit if isinstance(limit, Deadline) else Deadline.after(limit)
    outer = _current.get()
    if outer is not None and outer.at < deadline.at:
        deadline = outer
    token = _current.set(deadline)
    try:
        yield deadline
    finally:
        _current.reset(token)


def effective_timeout(timeout: Timeout, default: float) -> float:
    """Seconds a call may take: per-call ``timeout`` or ``default``, capped by the budget.

    Raises:
        DeadlineExceeded: no time is left.
        UsageError: ``timeout`` is not positive.
    """
    if timeout is None:
        seconds = default
    elif isinstance(timeout, Deadline):
        seconds = timeout.remaining()
    elif timeout > 0:
        seconds = float(timeout)
    else:
        raise UsageError(f"timeout must be > 0 seconds, got {timeout}")
    scope = _current.get()
    if scope is not None:
        seconds = min(seconds, scope.remaining())
    if seconds <= 0:
        raise DeadlineExceeded("no time budget left to start the call", code="DEADLINE_EXCEEDED")
    return seconds
