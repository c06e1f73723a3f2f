"""The simulator's batches and their requests, in one SQLite database.

In memory by default; under ``--data-dir DIR`` the database is ``DIR/sim-batches.sqlite3``
(beside the files' database), so batches, queued requests and finished results survive
a restart and the queue resumes where it stopped. Every change of a request's state
and its batch's counts is one transaction, so ``num_requests = pending + success +
error + cancelled`` holds at every moment, and a request finishes at most once.
"""

from __future__ import annotations

import sqlite3
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import grpc

from agentrt.sim.ragstore import not_found
from agentrt.sim.sqlite_store import SqliteStore
from agentrt.sim.status import SimStatus

__all__ = [
    "CANCELLED",
    "DB_NAME",
    "FAILED",
    "PENDING",
    "SUCCEEDED",
    "BatchLimits",
    "BatchRow",
    "BatchStore",
    "NewRequest",
    "RequestRow",
]

DB_NAME = "sim-batches.sqlite3"
# the values of BatchRequestMetadata.State
PENDING, SUCCEEDED, CANCELLED, FAILED = 1, 2, 3, 4

_SCHEMA = """
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
CREATE TABLE IF NOT EXISTS batches (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
  created REAL NOT NULL, expires REAL NOT NULL, cancelled REAL, input_file_id TEXT,
  sealed INTEGER NOT NULL, total INTEGER NOT NULL DEFAULT 0,
  pending INTEGER NOT NULL DEFAULT 0, success INTEGER NOT NULL DEFAULT 0,
  error INTEGER NOT NULL DEFAULT 0, cancelled_count INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS requests (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, batch_id TEXT NOT NULL, request_id TEXT NOT NULL,
  endpoint TEXT NOT NULL, model TEXT NOT NULL, state INTEGER NOT NULL, created REAL NOT NULL,
  finished REAL, done_seq INTEGER, request BLOB NOT NULL, result BLOB, cost INTEGER,
  UNIQUE (batch_id, request_id));
CREATE INDEX IF NOT EXISTS requests_queue ON requests (state, seq);
CREATE INDEX IF NOT EXISTS requests_state ON requests (batch_id, state, seq);
CREATE INDEX IF NOT EXISTS requests_done ON requests (batch_id, done_seq);
CREATE TABLE IF NOT EXISTS costs (
  batch_id TEXT NOT NULL, endpoint TEXT NOT NULL, ticks INTEGER NOT NULL,
  count INTEGER NOT NULL, PRIMARY KEY (batch_id, endpoint));
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT OR IGNORE INTO counters VALUES ('done', 0);
"""


@dataclass(frozen=True, kw_only=True)
class BatchLimits:
    """Bounds and pace of the batch service (all configurable, all enforced).

    ``rate``: requests processed per second by the one background worker (0: as fast
    as the model answers). ``expire_s``: how long after creation a batch reports it
    expires (reported, not enforced).
    """

    rate: float = 200.0
    max_batches: int = 10_000
    max_requests: int = 1_000_000  # per batch
    max_page: int = 1_000
    expire_s: float = 30 * 86_400


class NewRequest(NamedTuple):
    """A request to queue (``error``: a serialized ``google.rpc.Status`` fails it at once)."""

    request_id: str
    endpoint: str
    model: str
    request: bytes
    error: bytes | None = None


class BatchRow(NamedTuple):
    """One batch, its counts and its cost."""

    seq: int
    id: str
    name: str
    created: float
    expires: float
    cancelled: float | None
    input_file_id: str | None
    sealed: bool
    total: int
    pending: int
    success: int
    error: int
    cancelled_count: int


class RequestRow(NamedTuple):
    """One request's metadata (what ``ListBatchRequestMetadata`` reports)."""

    seq: int
    batch_id: str
    request_id: str
    endpoint: str
    model: str
    state: int
    created: float
    finished: float | None


_BATCH_COLUMNS = (
    "seq, id, name, created, expires, cancelled, input_file_id, sealed, total, pending, "
    "success, error, cancelled_count"
)
_REQUEST_COLUMNS = "seq, batch_id, request_id, endpoint, model, state, created, finished"


class BatchStore(SqliteStore):
    """Rows of batches and requests; every method is one transaction."""

    def __init__(
        self,
        limits: BatchLimits,
        data_dir: Path | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(data_dir, DB_NAME, _SCHEMA, "batches")
        self.limits = limits
        self.clock = clock

    # batches

    def create(self, name: str, input_file_id: str | None) -> str:
        """A new batch's id (sealed, no more requests, when made from a file)."""
        if self._one("SELECT COUNT(*) FROM batches") >= self.limits.max_batches:
            raise SimStatus(
                grpc.StatusCode.RESOURCE_EXHAUSTED,
                f"the simulator holds at most {self.limits.max_batches} batches",
            )
        batch_id = f"batch_{uuid.uuid4()}"
        now = self.clock()
        with self._db:
            self._db.execute("BEGIN")
            self._db.execute(
                "INSERT INTO batches (id, name, created, expires, input_file_id, sealed) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (batch_id, name, now, now + self.limits.expire_s, input_file_id, 0),
            )
        return batch_id

    def batch(self, batch_id: str) -> BatchRow:
        """A batch; NOT_FOUND naming it otherwise."""
        row = self._db.execute(
            f"SELECT {_BATCH_COLUMNS} FROM batches WHERE id = ?", (batch_id,)
        ).fetchone()
        if row is None:
            raise not_found("batch", batch_id)
        return BatchRow(*row)

    def batches(self, after: int, limit: int) -> list[BatchRow]:
        """A page of batches, oldest first, after the one numbered ``after``."""
        rows = self._db.execute(
            f"SELECT {_BATCH_COLUMNS} FROM batches WHERE seq > ? ORDER BY seq LIMIT ?",
            (after, limit),
        ).fetchall()
        return [BatchRow(*r) for r in rows]

    def costs(self, batch_id: str) -> list[tuple[str, int, int]]:
        """(endpoint, ticks, requests) of the batch's finished requests, by endpoint."""
        rows = self._db.execute(
            "SELECT endpoint, ticks, count FROM costs WHERE batch_id = ? ORDER BY endpoint",
            (batch_id,),
        ).fetchall()
        return [(str(e), int(t), int(c)) for e, t, c in rows]

    def seal(self, batch_id: str) -> None:
        """No more requests may be added to the batch."""
        with self._db:
            self._db.execute("BEGIN")
            self._db.execute("UPDATE batches SET sealed = 1 WHERE id = ?", (batch_id,))

    def _check_open(self, batch_id: str, more: int) -> None:
        """FAILED_PRECONDITION unless the batch takes ``more`` requests; RESOURCE_EXHAUSTED
        past the bound."""
        batch = self.batch(batch_id)
        if batch.cancelled is not None:
            raise SimStatus(
                grpc.StatusCode.FAILED_PRECONDITION,
                f"batch {batch_id!r} was cancelled: create a new batch for more requests",
            )
        if batch.sealed:
            raise SimStatus(
                grpc.StatusCode.FAILED_PRECONDITION,
                f"batch {batch_id!r} was made from input file {batch.input_file_id!r} and is "
                "sealed: create a new batch for more requests",
            )
        if batch.total + more > self.limits.max_requests:
            raise SimStatus(
                grpc.StatusCode.RESOURCE_EXHAUSTED,
                f"a batch holds at most {self.limits.max_requests:,} requests "
                f"(batch {batch_id!r} has {batch.total:,}, {more:,} more were sent)",
            )

    def add(self, batch_id: str, requests: Sequence[NewRequest]) -> None:
        """Queue requests (all or none): FAILED_PRECONDITION on a cancelled or sealed batch,
        INVALID_ARGUMENT on a request id the batch already holds."""
        self._check_open(batch_id, len(requests))
        now = self.clock()
        failed = sum(1 for r in requests if r.error is not None)
        with self._db:
            self._db.execute("BEGIN")
            try:
                self._db.executemany(
                    "INSERT INTO requests (batch_id, request_id, endpoint, model, state, created, "
                    "finished, request, result) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        (
                            batch_id,
                            r.request_id,
                            r.endpoint,
                            r.model,
                            PENDING if r.error is None else FAILED,
                            now,
                            None if r.error is None else now,
                            r.request,
                            r.error,
                        )
                        for r in requests
                    ),
                )
            except sqlite3.IntegrityError:
                repeated = self._repeated(batch_id, requests)
                raise SimStatus(
                    grpc.StatusCode.INVALID_ARGUMENT,
                    f"batch_request_id {repeated!r} is repeated (in this call or batch "
                    f"{batch_id!r}): give each request of a batch its own id, or leave it empty",
                ) from None
            if failed:
                self._list_failed(batch_id)
            self._db.execute(
                "UPDATE batches SET total = total + ?, pending = pending + ?, error = error + ? "
                "WHERE id = ?",
                (len(requests), len(requests) - failed, failed, batch_id),
            )

    def _repeated(self, batch_id: str, requests: Sequence[NewRequest]) -> str:
        """The first request id of ``requests`` that is repeated in them or in the batch."""
        rows = self._db.execute("SELECT request_id FROM requests WHERE batch_id = ?", (batch_id,))
        seen = {r[0] for r in rows}
        for r in requests:
            if r.request_id in seen:
                return r.request_id
            seen.add(r.request_id)
        return ""

    def _list_failed(self, batch_id: str) -> None:
        """Make requests failed on arrival listable results, after every one listed so far."""
        base = self._one("SELECT value FROM counters WHERE name = 'done'")
        self._db.execute(
            "UPDATE requests SET done_seq = ? + seq WHERE batch_id = ? AND state = ? "
            "AND done_seq IS NULL",
            (base, batch_id, FAILED),
        )
        self._db.execute(
            "UPDATE counters SET value = ? + (SELECT MAX(seq) FROM requests) WHERE name = 'done'",
            (base,),
        )

    def cancel(self, batch_id: str) -> None:
        """Cancel every pending request; a no-op on a batch with none pending."""
        batch = self.batch(batch_id)
        if batch.pending == 0 or batch.cancelled is not None:
            return
        now = self.clock()
        with self._db:
            self._db.execute("BEGIN")
            n = self._db.execute(
                "UPDATE requests SET state = ?, finished = ? WHERE batch_id = ? AND state = ?",
                (CANCELLED, now, batch_id, PENDING),
            ).rowcount
            self._db.execute(
                "UPDATE batches SET cancelled = ?, pending = pending - ?, "
                "cancelled_count = cancelled_count + ? WHERE id = ?",
                (now, n, n, batch_id),
            )

    # requests

    def next_pending(self, after: int, limit: int) -> list[tuple[int, str, bytes]]:
        """Up to ``limit`` queued requests (seq, batch id, request bytes) after ``after``."""
        rows = self._db.execute(
            "SELECT seq, batch_id, request FROM requests WHERE state = ? AND seq > ? "
            "ORDER BY seq LIMIT ?",
            (PENDING, after, limit),
        ).fetchall()
        return [(int(s), str(b), bytes(q)) for s, b, q in rows]

    def is_pending(self, seq: int) -> bool:
        """Whether the request numbered ``seq`` is still queued (not cancelled meanwhile)."""
        return bool(self._one("SELECT state FROM requests WHERE seq = ?", seq) == PENDING)

    def finish(self, seq: int, batch_id: str, ok: bool, result: bytes, cost: int) -> bool:
        """Record a processed request's result; False when it was cancelled meanwhile."""
        with self._db:
            self._db.execute("BEGIN")
            # done_seq orders results by finishing time: a page token stays valid
            changed = self._db.execute(
                "UPDATE requests SET state = ?, finished = ?, result = ?, cost = ?, "
                "done_seq = (SELECT value + 1 FROM counters WHERE name = 'done') "
                "WHERE seq = ? AND state = ?",
                (SUCCEEDED if ok else FAILED, self.clock(), result, cost, seq, PENDING),
            ).rowcount
            if not changed:
                return False
            self._db.execute("UPDATE counters SET value = value + 1 WHERE name = 'done'")
            column = "success" if ok else "error"
            self._db.execute(
                f"UPDATE batches SET pending = pending - 1, {column} = {column} + 1 WHERE id = ?",
                (batch_id,),
            )
            if ok:
                self._db.execute(
                    "INSERT INTO costs SELECT batch_id, endpoint, ?, 1 FROM requests WHERE seq = ? "
                    "ON CONFLICT (batch_id, endpoint) DO UPDATE SET ticks = ticks + excluded.ticks, "
                    "count = count + 1",
                    (cost, seq),
                )
        return True

    def requests(
        self, batch_id: str, states: Sequence[int], after: int, limit: int
    ) -> list[RequestRow]:
        """A page of a batch's requests (in the order added), only ``states`` if any given."""
        self.batch(batch_id)
        where = "batch_id = ? AND seq > ?"
        args: list[Any] = [batch_id, after]
        if states:
            where += f" AND state IN ({', '.join('?' * len(states))})"
            args.extend(states)
        rows = self._db.execute(
            f"SELECT {_REQUEST_COLUMNS} FROM requests WHERE {where} ORDER BY seq LIMIT ?",
            (*args, limit),
        ).fetchall()
        return [RequestRow(*r) for r in rows]

    def results(self, batch_id: str, after: int, limit: int) -> list[tuple[int, bytes]]:
        """A page of (order, serialized BatchResult) of processed requests, in finishing order."""
        self.batch(batch_id)
        rows = self._db.execute(
            "SELECT done_seq, result FROM requests WHERE batch_id = ? AND done_seq > ? "
            "AND result IS NOT NULL ORDER BY done_seq LIMIT ?",
            (batch_id, after, limit),
        ).fetchall()
        return [(int(d), bytes(r)) for d, r in rows]

    def request(self, batch_id: str, request_id: str) -> tuple[RequestRow, bytes, bytes | None]:
        """(metadata, request bytes, result bytes or None) of one request; NOT_FOUND naming it."""
        self.batch(batch_id)
        row = self._db.execute(
            f"SELECT {_REQUEST_COLUMNS}, request, result FROM requests "
            "WHERE batch_id = ? AND request_id = ?",
            (batch_id, request_id),
        ).fetchone()
        if row is None:
            raise not_found(f"request in batch {batch_id!r}:", request_id)
        return RequestRow(*row[:8]), bytes(row[8]), None if row[9] is None else bytes(row[9])
