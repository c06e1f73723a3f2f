"""Backoff for rate limiting (RESOURCE_EXHAUSTED), done in agentrt's code.

UNAVAILABLE is retried by gRPC itself (service config, see :mod:`agentrt.xai.transport`).
Rate limiting is retried by the transport with this policy: exponential backoff
with full jitter, starting at ``base`` seconds and capped at ``cap``, or exactly
the server's hint when it sent ``grpc-retry-pushback-ms`` (see
:mod:`agentrt.xai.rpc_errors`). The transport never starts a retry when the wait
would outlast the call's deadline; "message larger than max" is never retried.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

__all__ = ["RateLimitPolicy"]


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
