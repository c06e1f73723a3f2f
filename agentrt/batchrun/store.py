"""What a batched agent run keeps on disk, so a rerun resumes and runs no tool twice.

One SQLite file beside the results (``OUT.xbatch.sqlite``), written as things happen:

- ``runs``: each unfinished run's conversation as of its last model call;
- ``requests``: which batch carries which request (a rerun waits on that batch
  rather than asking again);
- ``calls``: every tool call, marked started before it runs and recorded after
  (the run's :class:`~agentrt.agents.dispatch.ToolJournal`).

Commits are synchronous (WAL, ``synchronous=NORMAL`` on top of the results file's fsync):
each is well under a millisecond, once per model turn or tool call.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from agentrt.agents.dispatch import STARTED, ToolCallRecord
from agentrt.durable.codec import decode_message, decode_record, encode_message, encode_record
from agentrt.errors import UsageError

if TYPE_CHECKING:
    from agentrt.xai.messages import Message, ToolCall

__all__ = ["RunStore", "run_tag", "state_path"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (run TEXT PRIMARY KEY, messages TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS requests (rid TEXT PRIMARY KEY, batch_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS calls (
    run TEXT NOT NULL, call TEXT NOT NULL, record TEXT, PRIMARY KEY (run, call)
);
"""


def run_tag(run: str) -> str:
    """A short, fixed-length name for ``run``: ids of any length fit a request id."""
    return hashlib.sha256(run.encode()).hexdigest()[:20]


def state_path(results: str | Path) -> Path:
    """Where the state of the batch writing ``results`` lives: beside it."""
    path = Path(results)
    return path.with_name(path.name + ".xbatch.sqlite")


class RunStore:
    """The state of one ``--xai-batch`` job (see the module docstring); a ToolJournal too.

    Args:
        path: the SQLite file (made when missing).
        job: what the job is (the spec's agent and the endpoint); a state file of
            another job is refused rather than mixed in.

    Raises:
        UsageError: the file is not a state file, or belongs to another job.
    """

    def __init__(self, path: str | Path, job: str) -> None:
        self.path = Path(path)
        try:
            self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
        except sqlite3.DatabaseError as e:
            raise UsageError(f"{self.path}: not a batch state file ({e}); move it away") from None
        row = self._db.execute("SELECT v FROM meta WHERE k = 'job'").fetchone()
        if row is None:
            self._db.execute("INSERT INTO meta VALUES ('job', ?)", (job,))
        elif row[0] != job:
            self._db.close()
            agent = str(row[0]).split(" ")[0]
            raise UsageError(
                f"{self.path} holds the state of another batch (agent {agent!r}, or another "
                "endpoint); use another --out, or delete it to start over"
            )

    def close(self) -> None:
        self._db.close()

    # -- conversations ------------------------------------------------------------------

    def messages(self, run: str) -> list[Message] | None:
        """The run's conversation as of its last model call, if it made one."""
        row = self._db.execute("SELECT messages FROM runs WHERE run = ?", (run,)).fetchone()
        return None if row is None else [decode_message(m) for m in json.loads(row[0])]

    def keep_messages(self, run: str, messages: list[Message]) -> None:
        text = json.dumps([encode_message(m) for m in messages], ensure_ascii=False)
        self._db.execute("INSERT OR REPLACE INTO runs VALUES (?, ?)", (run, text))

    def forget(self, run: str) -> None:
        """A finished run (its result is written): its conversation and calls go."""
        with self._db:
            self._db.execute("BEGIN")
            self._db.execute("DELETE FROM runs WHERE run = ?", (run,))
            self._db.execute("DELETE FROM calls WHERE run = ?", (run,))
            self._db.execute("DELETE FROM requests WHERE rid LIKE ?", (run_tag(run) + "-%",))

    # -- requests -------------------------------------------------------------------------

    def batch_of(self, rid: str) -> str | None:
        row = self._db.execute("SELECT batch_id FROM requests WHERE rid = ?", (rid,)).fetchone()
        return None if row is None else str(row[0])

    def keep_requests(self, batch_id: str, rids: list[str]) -> None:
        with self._db:
            self._db.execute("BEGIN")
            self._db.executemany(
                "INSERT OR REPLACE INTO requests VALUES (?, ?)", [(r, batch_id) for r in rids]
            )

    def drop_request(self, rid: str) -> None:
        self._db.execute("DELETE FROM requests WHERE rid = ?", (rid,))

    def batches(self) -> list[str]:
        """Every batch some unfinished request is in (for the summary)."""
        return [r[0] for r in self._db.execute("SELECT DISTINCT batch_id FROM requests")]

    # -- the tool journal -----------------------------------------------------------------

    def recorded(self, run_id: str, call_id: str) -> ToolCallRecord | Literal["started"] | None:
        row = self._db.execute(
            "SELECT record FROM calls WHERE run = ? AND call = ?", (run_id, call_id)
        ).fetchone()
        if row is None:
            return None
        return STARTED if row[0] is None else decode_record(json.loads(row[0]))

    def begin(self, run_id: str, call: ToolCall) -> None:
        self._db.execute("INSERT OR REPLACE INTO calls VALUES (?, ?, NULL)", (run_id, call.id))

    def finish(self, run_id: str, record: ToolCallRecord) -> None:
        text = json.dumps(encode_record(record), ensure_ascii=False)
        self._db.execute(
            "INSERT OR REPLACE INTO calls VALUES (?, ?, ?)", (run_id, record.call_id, text)
        )
