"""``--records``: one JSON line per request, written (and flushed) as each request completes.

A run stopped by a signal, or killed outright, keeps every record written so
far: at most the line being written is lost. At the end of a run the file is
replaced by the sorted, final records (:func:`~agentrt.load.report.write_jsonl`).
"""

from __future__ import annotations

import json
from types import TracebackType
from typing import IO

from agentrt.errors import UsageError
from agentrt.load.records import RequestRecord

__all__ = ["RecordLog"]


class RecordLog:
    """An open ``--records`` file that takes one record at a time (a context manager)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.written = 0
        self._file: IO[str] | None = None

    def __enter__(self) -> RecordLog:
        try:  # line-buffered: each record reaches the OS when its line ends
            self._file = open(self.path, "w", encoding="utf-8", buffering=1)
        except OSError as exc:
            raise UsageError(f"cannot write {self.path}: {exc.strerror}") from None
        return self

    def write(self, record: RequestRecord) -> None:
        """Append ``record`` as one JSON line."""
        if self._file is not None:
            self._file.write(json.dumps(record.as_dict()) + "\n")
            self.written += 1

    def write_dict(self, record: dict[str, object]) -> None:
        """Append a record already in its :meth:`RequestRecord.as_dict` form."""
        if self._file is not None:
            self._file.write(json.dumps(record) + "\n")
            self.written += 1

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
