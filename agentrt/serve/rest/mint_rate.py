"""How many ephemeral tokens each caller may mint: :class:`MintRate`.

A sliding window of one minute per caller token: the ``N+1``-th mint within
60 seconds is refused with a 429 whose ``retry-after`` says when the oldest
mint leaves the window. Callers are told apart by their bearer token (kept
only as a hash); without a key file every caller shares one window. The
table is bounded by the key file's tokens, since an unknown token never
gets this far.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections import deque
from collections.abc import Callable

from agentrt.errors import UsageError
from agentrt.serve.rest.errors import ApiError

__all__ = ["DEFAULT_MINTS_PER_MINUTE", "WINDOW_S", "MintRate"]

DEFAULT_MINTS_PER_MINUTE = 60
WINDOW_S = 60.0


class MintRate:
    """At most ``per_minute`` mints per caller in any 60 seconds.

    Args:
        per_minute: mints allowed per caller per minute (``--max-token-mints-per-minute``).
        clock: monotonic seconds (tests move it).

    Raises:
        UsageError: ``per_minute`` below 1.
    """

    def __init__(
        self,
        per_minute: int = DEFAULT_MINTS_PER_MINUTE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if isinstance(per_minute, bool) or not isinstance(per_minute, int) or per_minute < 1:
            raise UsageError(
                f"--max-token-mints-per-minute must be a whole number >= 1, got {per_minute!r}"
            )
        self.per_minute = per_minute
        self._clock = clock
        self._mints: dict[bytes, deque[float]] = {}

    def __repr__(self) -> str:
        return f"MintRate(per_minute={self.per_minute}, callers={len(self._mints)})"

    def take(self, caller: str) -> None:
        """Count one mint for ``caller`` (its Authorization header, or ``""``).

        Raises:
            ApiError: 429 when ``caller`` has minted ``per_minute`` tokens in the last minute.
        """
        key = hashlib.sha256(caller.encode()).digest()
        now = self._clock()
        times = self._mints.setdefault(key, deque())
        while times and times[0] <= now - WINDOW_S:
            times.popleft()
        if len(times) >= self.per_minute:
            wait = max(1, math.ceil(times[0] + WINDOW_S - now))
            raise ApiError(
                429,
                f"this caller has minted {len(times)} tokens in the last minute, the server's "
                f"limit (--max-token-mints-per-minute {self.per_minute}); retry in {wait}s",
                code="rate_limit_exceeded",
                retry_after=wait,
            )
        times.append(now)
