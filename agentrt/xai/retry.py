"""Backoff for the failures agentrt itself retries: rate limiting and INTERNAL.

UNAVAILABLE is retried by gRPC itself (service config, see :mod:`agentrt.xai.transport`).
Rate limiting (RESOURCE_EXHAUSTED, HTTP 429) is retried by the transport with
:class:`RateLimitPolicy`: exponential backoff with full jitter, starting at ``base``
seconds and capped at ``cap``, or exactly the server's hint when it sent
``grpc-retry-pushback-ms`` (see :mod:`agentrt.xai.rpc_errors`).

INTERNAL (HTTP 500 over REST) is retried with :class:`RetryPolicy`
(``ClientConfig.internal_retries``; default 2 retries, 0.2 s doubling to 2 s, full
jitter; ``RetryPolicy(retries=0)`` turns it off): a unary call, or a stream before its
first message (never after: that is :class:`~agentrt.errors.StreamInterrupted`). Each
kind counts its own retries. The transport never starts a retry when the wait would
outlast the call's deadline; "message larger than max" is never retried.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from agentrt import errors

__all__ = ["DEFAULT_INTERNAL_RETRIES", "RateLimitPolicy", "RetryPolicy", "is_internal"]


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


@dataclass(frozen=True, kw_only=True, slots=True)
class RetryPolicy:
    """How often and how long to back off after an INTERNAL error (HTTP 500).

    Attributes:
        retries: extra attempts after the first (0: none).
        base: first backoff bound in seconds; doubles per attempt (full jitter:
            the wait is uniform between 0 and the bound).
        cap: largest bound of one backoff, in seconds.

    Raises:
        UsageError: a negative or non-integer ``retries``, or a negative or
            non-finite ``base`` / ``cap``.
    """

    retries: int = 2
    base: float = 0.2
    cap: float = 2.0

    def __post_init__(self) -> None:
        if isinstance(self.retries, bool) or not isinstance(self.retries, int):
            raise errors.UsageError(f"retries must be a whole number >= 0, got {self.retries!r}")
        if self.retries < 0:
            raise errors.UsageError(
                f"retries must be >= 0 (0 turns retries off), got {self.retries}"
            )
        for name in ("base", "cap"):
            value = getattr(self, name)
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            if not ok or not math.isfinite(value) or value < 0:
                raise errors.UsageError(f"{name} must be a number of seconds >= 0, got {value!r}")

    def delay(self, attempt: int) -> float:
        """Seconds to wait before retry number ``attempt`` (0-based)."""
        return random.uniform(0.0, min(self.cap, self.base * (2.0**attempt)))


DEFAULT_INTERNAL_RETRIES = RetryPolicy()
"""The default of ``ClientConfig.internal_retries``: 2 retries, 0.2 s doubling to 2 s."""


def is_internal(error: errors.RPCError) -> bool:
    """Whether ``error`` is the service's INTERNAL (gRPC) or HTTP 500 (REST)."""
    return type(error) is errors.ServerError and error.code in ("INTERNAL", "500")
