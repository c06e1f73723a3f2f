"""Sessions: a conversation kept between runs, turn by turn, in a store.

::

    store = MemoryStore()                        # tests; SqliteStore / RedisStore in agentrt.sessions
    first = await agent.run("Hi, I am Ada.", client=client, session=(store, "chat-1"))
    again = await agent.run("What is my name?", client=client, session=(store, "chat-1"))

A run on a session loads its turns, sends their messages as the history, and
appends ONE :class:`SessionTurn` when it succeeds (a failed or cancelled run
appends nothing). The append is conditional: the store refuses it with
:class:`~agentrt.errors.SessionConflict` when another run appended first, so two
runs on one session never both write (optimistic concurrency).

This module is the model and the :class:`SessionStore` protocol (no storage but
:class:`MemoryStore`); every store keeps these rules:

- a session exists while it has at least one turn: ``load`` of an unknown id is
  ``()``, ``list`` shows only sessions with turns, ``trim(keep_last=0)`` removes it;
- ``turn.index`` is the turn's position (0-based): ``append`` needs
  ``turn.index == expected_turns``, and ``trim`` renumbers the turns it keeps from 0;
- ``list`` is ordered by session id; ``after`` is an exclusive cursor (the last id seen);
- ``branch`` copies turns ``[0, at_turn)`` to a new id that must not exist yet;
- session ids match ``[A-Za-z0-9._:@-]{1,128}`` (:func:`check_session_id`); bad
  arguments raise :class:`~agentrt.errors.UsageError`.
"""

from __future__ import annotations

import builtins
import math
import re
import time
from dataclasses import dataclass, field, replace
from typing import Any, Protocol, runtime_checkable

from agentrt.agents.message_json import messages_from_json, messages_to_json
from agentrt.errors import SessionConflict, UsageError
from agentrt.xai.messages import Message

__all__ = [
    "TURN_FORMAT_VERSION",
    "MemoryStore",
    "Session",
    "SessionInfo",
    "SessionStore",
    "SessionTurn",
    "check_session_id",
    "turn_from_json",
    "turn_to_json",
]

TURN_FORMAT_VERSION = 1
"""The ``"v"`` of :func:`turn_to_json`; :func:`turn_from_json` refuses any other."""

_SESSION_ID = re.compile(r"^[A-Za-z0-9._:@-]{1,128}$")


def check_session_id(session_id: str) -> str:
    """``session_id`` when it is a valid id, else a UsageError saying what is allowed."""
    if not isinstance(session_id, str) or not _SESSION_ID.match(session_id):
        shown = session_id[:40] if isinstance(session_id, str) else type(session_id).__name__
        raise UsageError(
            f"session id {shown!r} must be 1-128 characters of letters, digits and ._:@-"
        )
    return session_id


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionTurn:
    """One run of a session.

    Attributes:
        index: the turn's position in the session, 0-based.
        input: the user's text that started the run.
        messages: the messages the run added after the history: the user message,
            assistant messages with tool calls, tool results, the final answer.
        response_id: the last model response's id (to continue by ``previous_response_id``).
        created_at: when the turn was made (unix seconds).
        partial: the turn did not finish (never written by ``Agent.run`` today).
        usage: token counts of the run (``prompt_tokens``, ``completion_tokens``, ...).
    """

    index: int
    input: str
    messages: tuple[Message, ...]
    response_id: str | None
    created_at: float
    partial: bool = False
    usage: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionInfo:
    """A session as ``SessionStore.list`` shows it."""

    session_id: str
    turns: int
    created_at: float
    updated_at: float


def turn_to_json(turn: SessionTurn) -> dict[str, Any]:
    """``turn`` as a dict of JSON values, with the format version ``"v"``."""
    return {
        "v": TURN_FORMAT_VERSION,
        "index": turn.index,
        "input": turn.input,
        "messages": messages_to_json(turn.messages),
        "response_id": turn.response_id,
        "created_at": turn.created_at,
        "partial": turn.partial,
        "usage": dict(turn.usage),
    }


def turn_from_json(data: Any) -> SessionTurn:
    """The turn :func:`turn_to_json` made.

    Raises:
        UsageError: another format version, or a field missing or of the wrong type.
    """
    if not isinstance(data, dict):
        raise UsageError(f"session turn: expected an object, got {type(data).__name__}")
    if data.get("v") != TURN_FORMAT_VERSION:
        raise UsageError(
            f"session turn format v={data.get('v')!r} is not supported "
            f"(this agentrt reads v={TURN_FORMAT_VERSION}): upgrade agentrt"
        )
    index, created, usage = data.get("index"), data.get("created_at"), data.get("usage", {})
    if not isinstance(index, int) or isinstance(index, bool) or index < 0:
        raise UsageError(f"session turn.index: {index!r} is not a count")
    if not isinstance(created, (int, float)) or isinstance(created, bool):
        raise UsageError(f"session turn.created_at: {created!r} is not a time")
    if not math.isfinite(created):
        raise UsageError("session turn.created_at: not a finite time")
    if not isinstance(usage, dict) or not all(
        isinstance(k, str) and _is_int(v) for k, v in usage.items()
    ):
        raise UsageError("session turn.usage: expected an object of integer counts")
    response_id = data.get("response_id")
    if response_id is not None and not isinstance(response_id, str):
        raise UsageError("session turn.response_id: expected a string or null")
    text, partial = data.get("input"), data.get("partial", False)
    if not isinstance(text, str) or not isinstance(partial, bool):
        raise UsageError("session turn: input must be a string and partial a boolean")
    return SessionTurn(
        index=index,
        input=text,
        messages=messages_from_json(data.get("messages"), "session turn.messages"),
        response_id=response_id,
        created_at=float(created),
        partial=partial,
        usage=dict(usage),
    )


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@runtime_checkable
class SessionStore(Protocol):
    """Where sessions live (see the module docstring for the rules every store keeps)."""

    async def load(self, session_id: str) -> tuple[SessionTurn, ...]:
        """The session's turns in order; ``()`` for an unknown id."""
        ...

    async def append(self, session_id: str, turn: SessionTurn, *, expected_turns: int) -> None:
        """Add ``turn`` atomically when the session has exactly ``expected_turns`` turns.

        Raises:
            SessionConflict: it has another count (another run appended first).
            UsageError: ``turn.index != expected_turns`` or a bad session id.
        """
        ...

    async def list(
        self, *, limit: int = 100, after: str | None = None
    ) -> builtins.list[SessionInfo]:
        """Up to ``limit`` sessions with ids after ``after``, ordered by id."""
        ...

    async def delete(self, session_id: str) -> bool:
        """Remove the session; False when there was none."""
        ...

    async def branch(self, session_id: str, *, at_turn: int, new_id: str) -> None:
        """Make session ``new_id`` of turns ``[0, at_turn)`` of ``session_id``.

        Raises:
            UsageError: ``session_id`` unknown, ``at_turn`` not in ``1..turns``, or
                ``new_id`` taken.
        """
        ...

    async def trim(self, session_id: str, *, keep_last: int) -> int:
        """Keep the last ``keep_last`` turns (renumbered from 0); the number removed."""
        ...

    async def close(self) -> None:
        """Release connections and files (the store is not used after)."""
        ...


@dataclass(frozen=True, slots=True)
class Session:
    """A session to run in: a store and an id (``session=(store, id)`` means the same)."""

    store: SessionStore
    session_id: str

    def __post_init__(self) -> None:
        check_session_id(self.session_id)

    @classmethod
    def of(cls, value: Session | tuple[SessionStore, str]) -> Session:
        """``value`` as a Session (a ``(store, id)`` tuple is accepted)."""
        if isinstance(value, Session):
            return value
        if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], SessionStore):
            return cls(value[0], value[1])
        raise UsageError("session= takes a Session or a (store, session_id) tuple")


@dataclass(slots=True)
class _Stored:
    turns: list[SessionTurn]
    created_at: float
    updated_at: float


class MemoryStore:
    """A :class:`SessionStore` in a dict, for tests and one-process tools (lost on exit)."""

    def __init__(self) -> None:
        self._sessions: dict[str, _Stored] = {}

    async def load(self, session_id: str) -> tuple[SessionTurn, ...]:
        """See :meth:`SessionStore.load`."""
        stored = self._sessions.get(check_session_id(session_id))
        return () if stored is None else tuple(stored.turns)

    async def append(self, session_id: str, turn: SessionTurn, *, expected_turns: int) -> None:
        """See :meth:`SessionStore.append` (no await between the check and the write)."""
        check_session_id(session_id)
        if turn.index != expected_turns:
            raise UsageError(
                f"session turn index {turn.index} must equal expected_turns {expected_turns}"
            )
        stored = self._sessions.get(session_id)
        found = 0 if stored is None else len(stored.turns)
        if found != expected_turns:
            raise SessionConflict(session_id, expected=expected_turns, found=found)
        now = time.time()
        if stored is None:
            self._sessions[session_id] = _Stored([turn], now, now)
        else:
            stored.turns.append(turn)
            stored.updated_at = now

    async def list(
        self, *, limit: int = 100, after: str | None = None
    ) -> builtins.list[SessionInfo]:
        """See :meth:`SessionStore.list`."""
        if limit < 1:
            raise UsageError(f"list(limit={limit}): limit must be at least 1")
        ids = sorted(k for k in self._sessions if after is None or k > after)[:limit]
        return [
            SessionInfo(
                session_id=k,
                turns=len(s.turns),
                created_at=s.created_at,
                updated_at=s.updated_at,
            )
            for k in ids
            for s in (self._sessions[k],)
        ]

    async def delete(self, session_id: str) -> bool:
        """See :meth:`SessionStore.delete`."""
        return self._sessions.pop(check_session_id(session_id), None) is not None

    async def branch(self, session_id: str, *, at_turn: int, new_id: str) -> None:
        """See :meth:`SessionStore.branch`."""
        stored = self._sessions.get(check_session_id(session_id))
        check_session_id(new_id)
        if stored is None:
            raise UsageError(f"branch: there is no session {session_id!r}")
        if not 1 <= at_turn <= len(stored.turns):
            raise UsageError(f"branch: at_turn must be 1..{len(stored.turns)}, got {at_turn}")
        if new_id in self._sessions:
            raise UsageError(f"branch: session {new_id!r} exists already")
        now = time.time()
        self._sessions[new_id] = _Stored(list(stored.turns[:at_turn]), now, now)

    async def trim(self, session_id: str, *, keep_last: int) -> int:
        """See :meth:`SessionStore.trim`."""
        if keep_last < 0:
            raise UsageError(f"trim: keep_last must be 0 or more, got {keep_last}")
        stored = self._sessions.get(check_session_id(session_id))
        if stored is None or len(stored.turns) <= keep_last:
            return 0
        removed = len(stored.turns) - keep_last
        if keep_last == 0:
            del self._sessions[session_id]
            return removed
        kept = stored.turns[removed:]
        stored.turns = [replace(t, index=i) for i, t in enumerate(kept)]
        stored.updated_at = time.time()
        return removed

    async def close(self) -> None:
        """Nothing to release."""
