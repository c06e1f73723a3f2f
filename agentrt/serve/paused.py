"""Runs paused for approval, kept in memory until resumed or expired: :class:`PausedRuns`.

A paused run's :class:`~agentrt.agents.run_state.RunState` stays on the server
(never sent to the caller, so a caller cannot edit it), keyed by the caller's
token digest and the run id: another token asking for the same run id finds
nothing, and is told nothing more than an unknown id would be. The store is
bounded (the oldest paused run is dropped when it is full) and entries expire
after ``ttl_s``; an expired entry is remembered, for a while, as expired so the
owner is told why.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agentrt.agents.run_state import RunState

__all__ = ["Expired", "Paused", "PausedRuns"]


@dataclass(frozen=True, kw_only=True)
class Paused:
    """One paused run and what resuming it needs beside the state.

    Attributes:
        agent: the served agent's name.
        state: the run state.
        variables: the run's instruction variables.
        metadata: the run's tool metadata.
        session_id: the namespaced session id, or ``""``.
        expires_at: ``time.monotonic()`` time it expires.
    """

    agent: str
    state: RunState
    variables: dict[str, str]
    metadata: dict[str, str]
    session_id: str
    expires_at: float


class Expired(Exception):
    """The paused run existed but was kept longer than the TTL allows."""


class PausedRuns:
    """At most ``capacity`` paused runs, each kept ``ttl_s`` seconds.

    Args:
        ttl_s: how long a paused run can wait for its decisions (``--approval-ttl``).
        capacity: the most paused runs kept at once (the oldest goes first).
        clock: ``time.monotonic`` (tests pass their own).
    """

    def __init__(
        self,
        ttl_s: float = 900.0,
        capacity: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl_s = ttl_s
        self.capacity = capacity
        self._clock = clock
        # a run that expired keeps its key (its state dropped: the float is when it expired)
        # for another ttl_s, so its owner is told it expired rather than that it never was
        self._runs: OrderedDict[tuple[str, str], Paused | float] = OrderedDict()

    def __len__(self) -> int:
        return sum(1 for v in self._runs.values() if isinstance(v, Paused))

    def _sweep(self) -> None:
        """Drop the states of expired runs (oldest first: they expire in the order kept)."""
        now = self._clock()
        for key, value in list(self._runs.items()):
            expires_at = value.expires_at if isinstance(value, Paused) else value
            if expires_at > now:
                break
            if expires_at <= now - self.ttl_s:
                del self._runs[key]
            else:
                self._runs[key] = expires_at

    def put(self, owner: str, run_id: str, paused_without_expiry: Paused) -> Paused:
        """Keep a paused run for ``owner`` (a token digest); returns it with its expiry."""
        from dataclasses import replace

        paused = replace(paused_without_expiry, expires_at=self._clock() + self.ttl_s)
        self._sweep()
        key = (owner, run_id)
        self._runs.pop(key, None)
        self._runs[key] = paused
        while len(self._runs) > self.capacity:
            self._runs.popitem(last=False)
        return paused

    def peek(self, owner: str, run_id: str) -> Paused | None:
        """The owner's paused run, or ``None`` when unknown (or another owner's).

        Raises:
            Expired: it was kept longer than the TTL (it is forgotten now).
        """
        key = (owner, run_id)
        if key not in self._runs:
            return None
        paused = self._runs[key]
        if not isinstance(paused, Paused):
            raise Expired(run_id)
        if paused.expires_at <= self._clock():
            self._runs[key] = paused.expires_at  # without its state, so the owner learns why
            raise Expired(run_id)
        return paused

    def take(self, owner: str, run_id: str) -> Paused | None:
        """Remove and return the owner's paused run (one resume per pause)."""
        paused = self.peek(owner, run_id)
        if paused is not None:
            del self._runs[(owner, run_id)]
        return paused
