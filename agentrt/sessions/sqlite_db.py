"""The SQLite side of :class:`~agentrt.sessions.sqlite.SqliteStore`: blocking, one thread.

Every method runs on the store's one worker thread, never on the event loop. Each write
is one ``BEGIN IMMEDIATE`` transaction: it takes the file's write lock before it reads,
so the check of ``expected_turns`` and the insert cannot interleave with another
process's. A turn's row is keyed by ``seq`` (never reused within a session); its index is
``seq - first``, so a trim moves ``first`` instead of rewriting the turns it keeps.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from agentrt.agents.session import SessionInfo, SessionTurn
from agentrt.errors import SessionConflict, Unavailable, UsageError
from agentrt.sessions.codec import decode_turn

__all__ = ["APPLICATION_ID", "SCHEMA_VERSION", "SessionDb"]

APPLICATION_ID = 0x61727373  # "arss": marks the file as an agentrt session store
SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE sessions (
    id TEXT PRIMARY KEY, first INTEGER NOT NULL, turns INTEGER NOT NULL,
    created_at REAL NOT NULL, updated_at REAL NOT NULL
) WITHOUT ROWID;
CREATE TABLE turns (
    session TEXT NOT NULL, seq INTEGER NOT NULL, data BLOB NOT NULL,
    PRIMARY KEY (session, seq)
);
"""

T = TypeVar("T")


class SessionDb:
    """One connection to the session file (see the module docstring).

    Raises:
        UsageError: the path cannot hold a database, or the file is not a session store.
    """

    def __init__(self, path: Path, busy_timeout: float) -> None:
        self.path = path
        self.busy_timeout = busy_timeout
        self._db = self._guard(self._open)

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None)
        try:
            db.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")
            self._check_schema(db)  # first: another program's file is left as it was
            if db.execute("PRAGMA journal_mode = WAL").fetchone()[0].lower() != "wal":
                raise UsageError(f"session store {self.path}: cannot use WAL mode here")
            db.execute("PRAGMA synchronous = NORMAL")
        except BaseException:
            db.close()
            raise
        return db

    def _check_schema(self, db: sqlite3.Connection) -> None:
        """Make the tables in a new file; refuse a foreign file or a newer schema."""
        with _transaction(db):
            app = db.execute("PRAGMA application_id").fetchone()[0]
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if app == 0 and db.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0] == 0:
                for statement in _SCHEMA.split(";")[:-1]:
                    db.execute(statement)
                db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            elif app != APPLICATION_ID:
                raise UsageError(
                    f"{self.path} is a database of something else, not an agentrt session "
                    "store: give another path"
                )
            elif version > SCHEMA_VERSION:
                raise UsageError(
                    f"session store {self.path} has schema v{version}, newer than this "
                    f"agentrt's v{SCHEMA_VERSION}: upgrade agentrt"
                )

    def _guard(self, work: Callable[[], T]) -> T:
        """Run ``work``; SQLite's and the OS's errors become agentrt's, naming the file."""
        try:
            return work()
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise Unavailable(
                    f"session store {self.path} stayed locked by another writer for "
                    f"{self.busy_timeout:g} s",
                    code="UNAVAILABLE",
                ) from None
            raise UsageError(f"session store {self.path}: {exc}") from None
        except (sqlite3.Error, OSError) as exc:
            raise UsageError(f"session store {self.path}: {_what(exc)}") from None

    def close(self) -> None:
        """Close the connection (everything committed stays)."""
        self._db.close()

    # -- reads ----------------------------------------------------------------------------

    def load(self, session_id: str) -> tuple[SessionTurn, ...]:
        """The session's turns, numbered by position (one SELECT: one consistent snapshot)."""
        rows = self._guard(
            lambda: self._db.execute(
                "SELECT data FROM turns WHERE session = ? ORDER BY seq", (session_id,)
            ).fetchall()
        )
        where = f"session store {self.path}, session {session_id!r}"
        return tuple(decode_turn(row[0], i, where) for i, row in enumerate(rows))

    def list(self, limit: int, after: str | None) -> list[SessionInfo]:
        """Up to ``limit`` sessions with ids after ``after``, by id."""
        rows = self._guard(
            lambda: self._db.execute(
                "SELECT id, turns, created_at, updated_at FROM sessions WHERE id > ? "
                "ORDER BY id LIMIT ?",
                ("" if after is None else after, limit),
            ).fetchall()
        )
        return [
            SessionInfo(session_id=r[0], turns=r[1], created_at=r[2], updated_at=r[3]) for r in rows
        ]

    # -- writes ---------------------------------------------------------------------------

    def append(self, session_id: str, data: bytes, expected: int) -> None:
        """Add the encoded turn when the session has ``expected`` turns, else SessionConflict."""
        self._write(self._append, session_id, data, expected)

    def _append(self, session_id: str, data: bytes, expected: int) -> None:
        row = self._row(session_id)
        found = 0 if row is None else row[1]
        if found != expected:
            raise SessionConflict(session_id, expected=expected, found=found)
        now = time.time()
        if row is None:
            self._db.execute("INSERT INTO sessions VALUES (?, 0, 1, ?, ?)", (session_id, now, now))
        else:
            self._db.execute(
                "UPDATE sessions SET turns = turns + 1, updated_at = ? WHERE id = ?",
                (now, session_id),
            )
        seq = 0 if row is None else row[0] + row[1]
        self._db.execute("INSERT INTO turns VALUES (?, ?, ?)", (session_id, seq, data))

    def delete(self, session_id: str) -> bool:
        """Remove the session and its turns; False when there was none."""
        return self._write(self._delete, session_id)

    def _delete(self, session_id: str) -> bool:
        self._db.execute("DELETE FROM turns WHERE session = ?", (session_id,))
        return self._db.execute("DELETE FROM sessions WHERE id = ?", (session_id,)).rowcount > 0

    def branch(self, session_id: str, at_turn: int, new_id: str) -> None:
        """Copy turns ``[0, at_turn)`` to ``new_id`` (UsageError: no source, bad range, taken)."""
        self._write(self._branch, session_id, at_turn, new_id)

    def _branch(self, session_id: str, at_turn: int, new_id: str) -> None:
        row = self._row(session_id)
        if row is None:
            raise UsageError(f"branch: there is no session {session_id!r}")
        if not 1 <= at_turn <= row[1]:
            raise UsageError(f"branch: at_turn must be 1..{row[1]}, got {at_turn}")
        if self._row(new_id) is not None:
            raise UsageError(f"branch: session {new_id!r} exists already")
        now = time.time()
        self._db.execute("INSERT INTO sessions VALUES (?, 0, ?, ?, ?)", (new_id, at_turn, now, now))
        self._db.execute(
            "INSERT INTO turns SELECT ?, seq - ?, data FROM turns WHERE session = ? AND seq < ?",
            (new_id, row[0], session_id, row[0] + at_turn),
        )

    def trim(self, session_id: str, keep_last: int) -> int:
        """Keep the last ``keep_last`` turns (none: the session goes); the number removed."""
        return self._write(self._trim, session_id, keep_last)

    def _trim(self, session_id: str, keep_last: int) -> int:
        row = self._row(session_id)
        if row is None or row[1] <= keep_last:
            return 0
        first, turns = row
        if keep_last == 0:
            self._delete(session_id)
            return int(turns)
        removed = turns - keep_last
        self._db.execute(
            "DELETE FROM turns WHERE session = ? AND seq < ?", (session_id, first + removed)
        )
        self._db.execute(
            "UPDATE sessions SET first = ?, turns = ?, updated_at = ? WHERE id = ?",
            (first + removed, keep_last, time.time(), session_id),
        )
        return int(removed)

    def _row(self, session_id: str) -> tuple[int, int] | None:
        row = self._db.execute(
            "SELECT first, turns FROM sessions WHERE id = ?", (session_id,)
        ).fetchone()
        return None if row is None else (int(row[0]), int(row[1]))

    def _write(self, work: Callable[..., T], *args: Any) -> T:
        """``work(*args)`` in one BEGIN IMMEDIATE transaction: all of it, or none."""

        def run() -> T:
            with _transaction(self._db):
                return work(*args)

        return self._guard(run)


class _transaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``, or ``ROLLBACK`` when the block raises."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if kind is None:
            self._db.execute("COMMIT")
        elif self._db.in_transaction:
            self._db.execute("ROLLBACK")


def _what(exc: BaseException) -> str:
    """What went wrong, in words (``file is not a database``, ``Permission denied``)."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__
