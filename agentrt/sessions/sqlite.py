"""SqliteStore: sessions in one SQLite file, the default store.

::

    from agentrt.sessions.sqlite import SqliteStore

    store = SqliteStore("chats.db")
    reply = await agent.run("Hi, I am Ada.", client=client, session=(store, "chat-1"))
    await store.close()

The event loop never waits on the disk: the store's one worker thread owns the
connection and does every read, write and JSON encoding. The file is in WAL mode
(readers never wait for a writer) with a busy timeout, and each write is one
``BEGIN IMMEDIATE`` transaction, so several processes may write one file at once: of
two appends with the same ``expected_turns`` exactly one wins, the other raises
:class:`~agentrt.errors.SessionConflict`. The file is marked as an agentrt session
store with a schema version; any other file is refused with a UsageError naming it.
"""

from __future__ import annotations

import asyncio
import builtins
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from agentrt.agents.session import SessionInfo, SessionTurn, check_session_id
from agentrt.errors import UsageError
from agentrt.sessions.codec import encode_turn
from agentrt.sessions.sqlite_db import SessionDb

__all__ = ["SqliteStore"]

T = TypeVar("T")


class SqliteStore:
    """A :class:`~agentrt.agents.session.SessionStore` in a SQLite file.

    The file (and its folder) is made on first use. Errors about the file itself (not a
    database, another program's database, a folder that cannot be written) surface as
    a :class:`~agentrt.errors.UsageError` naming the path on the first call.

    Args:
        path: the database file.
        busy_timeout: seconds a write waits for another process's write to finish
            before raising :class:`~agentrt.errors.Unavailable`.
    """

    def __init__(self, path: str | Path, *, busy_timeout: float = 10.0) -> None:
        if not str(path).strip():
            raise UsageError("SqliteStore: give the path of the session database file")
        self.path = Path(path).expanduser()
        self._busy_timeout = busy_timeout
        self._db: SessionDb | None = None
        self._closed = False
        # One thread: SQLite has one writer per file anyway, and the connection stays
        # in the thread that made it.
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="agentrt-sessions-sqlite")

    def __repr__(self) -> str:
        return f"SqliteStore({str(self.path)!r})"

    async def _call(self, work: Callable[..., T], *args: Any) -> T:
        """``work(db, *args)`` on the worker thread, the database opened on first use."""
        if self._closed:
            raise UsageError(f"session store {self.path} is closed")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._thread, functools.partial(self._run, work, *args))

    def _run(self, work: Callable[..., T], *args: Any) -> T:
        if self._closed:  # closed while this call waited its turn
            raise UsageError(f"session store {self.path} is closed")
        if self._db is None:
            self._db = SessionDb(self.path, self._busy_timeout)
        return work(self._db, *args)

    async def load(self, session_id: str) -> tuple[SessionTurn, ...]:
        """See :meth:`agentrt.agents.session.SessionStore.load`."""
        return await self._call(SessionDb.load, check_session_id(session_id))

    async def append(self, session_id: str, turn: SessionTurn, *, expected_turns: int) -> None:
        """See :meth:`agentrt.agents.session.SessionStore.append`."""
        check_session_id(session_id)
        _check_index(turn, expected_turns)
        await self._call(_append, session_id, turn, expected_turns)

    async def list(
        self, *, limit: int = 100, after: str | None = None
    ) -> builtins.list[SessionInfo]:
        """See :meth:`agentrt.agents.session.SessionStore.list`."""
        if limit < 1:
            raise UsageError(f"list(limit={limit}): limit must be at least 1")
        return await self._call(SessionDb.list, limit, after)

    async def delete(self, session_id: str) -> bool:
        """See :meth:`agentrt.agents.session.SessionStore.delete`."""
        return await self._call(SessionDb.delete, check_session_id(session_id))

    async def branch(self, session_id: str, *, at_turn: int, new_id: str) -> None:
        """See :meth:`agentrt.agents.session.SessionStore.branch`."""
        check_session_id(session_id)
        await self._call(SessionDb.branch, session_id, at_turn, check_session_id(new_id))

    async def trim(self, session_id: str, *, keep_last: int) -> int:
        """See :meth:`agentrt.agents.session.SessionStore.trim`."""
        if keep_last < 0:
            raise UsageError(f"trim: keep_last must be 0 or more, got {keep_last}")
        return await self._call(SessionDb.trim, check_session_id(session_id), keep_last)

    async def close(self) -> None:
        """Close the file (everything appended is committed); calls after this raise."""
        if self._closed:
            return
        self._closed = True  # calls queued behind this one refuse (see _run)
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(self._thread, self._close)
        finally:
            self._thread.shutdown(wait=False)

    def _close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


def _append(db: SessionDb, session_id: str, turn: SessionTurn, expected: int) -> None:
    db.append(session_id, encode_turn(turn), expected)


def _check_index(turn: SessionTurn, expected_turns: int) -> None:
    if turn.index != expected_turns:
        raise UsageError(
            f"session turn index {turn.index} must equal expected_turns {expected_turns}"
        )
