"""Ephemeral client secrets: :class:`TokenStore` mints and checks them.

A backend mints a token with the API key (``POST /v1/realtime/client_secrets``) and hands
it to a browser, which connects with it instead of the key. A token lives from 10 s to
2 h; it carries the session settings it was minted with. The store is bounded: expired
tokens are kept (to say ``token_expired`` rather than ``invalid_api_key``) only while
there is room, and a full store of live tokens refuses to mint more.
"""

from __future__ import annotations

import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from agentrt.sim.realtime.config import SessionConfig

__all__ = [
    "DEFAULT_TTL_S",
    "MAX_TOKENS",
    "MAX_TTL_S",
    "MIN_TTL_S",
    "TOKEN_PREFIX",
    "Minted",
    "StoreFull",
    "TokenStore",
    "now",
]

MIN_TTL_S, MAX_TTL_S, DEFAULT_TTL_S = 10, 7200, 600
"""A token's life, in seconds: from, to, and when the request names none."""
MAX_TOKENS = 10_000
"""Tokens (live or recently expired) the store holds."""
TOKEN_PREFIX = "ek_"
"""How every ephemeral token starts (so an unknown one is never taken for an API key)."""

Check = Literal["ok", "expired", "unknown"]


def now() -> float:
    """The time tokens are checked against (UNIX seconds): a seam for tests."""
    return time.time()


class StoreFull(Exception):
    """Every slot holds a live token: wait for some to expire."""


@dataclass(frozen=True, slots=True)
class Minted:
    """A token's value, its expiry (UNIX seconds) and the session it opens."""

    value: str
    expires_at: float
    session: SessionConfig

    def __repr__(self) -> str:
        return f"Minted(expires_at={self.expires_at}, value=<hidden>)"


class TokenStore:
    """Live (and recently expired) ephemeral tokens, at most :data:`MAX_TOKENS`."""

    def __init__(
        self, *, capacity: int = MAX_TOKENS, clock: Callable[[], float] | None = None
    ) -> None:
        self._tokens: OrderedDict[str, Minted] = OrderedDict()  # in minting order
        self._capacity = capacity
        self._clock = clock

    def _now(self) -> float:
        return self._clock() if self._clock is not None else now()

    def __len__(self) -> int:
        return len(self._tokens)

    def mint(self, ttl_s: int, session: SessionConfig) -> Minted:
        """A new token living ``ttl_s`` seconds.

        Raises:
            StoreFull: the store holds its capacity of live tokens.
        """
        at = self._now()
        self._make_room(at)
        minted = Minted(
            value=TOKEN_PREFIX + secrets.token_urlsafe(24), expires_at=at + ttl_s, session=session
        )
        self._tokens[minted.value] = minted
        return minted

    def check(self, value: str) -> tuple[Check, Minted | None]:
        """Whether ``value`` is a live token (and which), an expired one, or unknown."""
        minted = self._tokens.get(value)
        if minted is None:
            return "unknown", None
        if minted.expires_at <= self._now():
            return "expired", None
        return "ok", minted

    def _make_room(self, at: float) -> None:
        if len(self._tokens) < self._capacity:
            return
        expired = [k for k, t in self._tokens.items() if t.expires_at <= at]
        for key in expired:
            del self._tokens[key]
        if len(self._tokens) >= self._capacity:
            raise StoreFull(
                f"{self._capacity:,} ephemeral tokens are live: mint again when some expire"
            )
