"""The simulator's SQLite stores (files and collections; batches): one connection, in memory
or in a file under ``--data-dir``, autocommit, with small helpers for one-value reads and
multi-statement transactions."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from agentrt.errors import UsageError

__all__ = ["SqliteStore"]


class SqliteStore:
    """A database made from ``schema`` (``:memory:`` without ``data_dir``).

    Raises:
        UsageError: ``data_dir`` cannot hold it (``what`` says what it was to keep).
    """

    def __init__(self, data_dir: Path | None, name: str, schema: str, what: str) -> None:
        try:
            path = ":memory:"
            if data_dir is not None:
                data_dir.mkdir(parents=True, exist_ok=True)
                path = str(data_dir / name)
            self._db = sqlite3.connect(path, isolation_level=None)
            self._db.executescript(schema)
        except (OSError, sqlite3.Error) as exc:
            raise UsageError(f"--data-dir {data_dir}: cannot keep {what} there ({exc})") from None

    def close(self) -> None:
        """Close the database (an on-disk one keeps everything committed)."""
        self._db.close()

    def _one(self, sql: str, *args: Any) -> Any:
        row = self._db.execute(sql, args).fetchone()
        return None if row is None else row[0]

    def _write(self, statements: Sequence[tuple[str, tuple[Any, ...]]]) -> None:
        """Run ``statements`` in one transaction."""
        with self._db:
            self._db.execute("BEGIN")
            for sql, args in statements:
                self._db.execute(sql, args)
