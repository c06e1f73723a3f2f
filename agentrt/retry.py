"""Backoff for rate limiting (RESOURCE_EXHAUSTED), done in agentrt's code.

UNAVAILABLE is retried by gRPC itself (service config, see :mod:`agentrt.transport`).
Rate limiting is retried here: exponential backoff with full jitter, starting
at ``base`` seconds and capped at ``cap``, or exactly the server's hint when it
sent ``grpc-retry-pushback-ms`` (see :mod:`agentrt.rpc_errors`). A retry is
never started when the wait would outlast the call's deadline; "message larger
than max" is never retried.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from agentrt.deadline import Deadline
from agentrt.errors import RateLimited

__all__ = ["RateLimitPolicy", "retry_rate_limited"]

T = TypeVar("T")


@dataclass(frozen=True, kw_only=True, slots=True)
class RateLimitPolicy:
    """How often and how long to back off when rate limited.

    Attributes:
        retries: extra attempts after the first.
        base: first backoff in seconds; doubles per attempt.
        cap: longest single backoff in seconds.
    """

    retries: int = 3
    base: float = 0.5
    cap: float = 16.0

    def delay(self, attempt: int, hint: float | None) -> float:
        """Seconds to wait before retry number ``attempt`` (0-based)."""
        if hint is not None:
            return hint
        return random.uniform(0.0, min(self.cap, self.base * (2.0**attempt)))


async def retry_rate_limited(
    attempt_fn: Callable[[float], Awaitable[T]],
    policy: RateLimitPolicy,
    deadline: Deadline,
) -> T:
    """Run ``attempt_fn(seconds_left)``, backing off on :class:`RateLimited`.

    Raises:
        RateLimited: still rate limited after ``policy.retries`` retries, or the
            next wait would not fit before ``deadline``.
    """
    attempt = 0
    while True:
        try:
            return await attempt_fn(deadline.remaining())
        except RateLimited as exc:
            if attempt >= policy.retries:
                raise
            wait = policy.delay(attempt, exc.retry_after)
            if wait >= deadline.remaining():
                raise
            attempt += 1
            await asyncio.sleep(wait)
