"""What the REST door remembers beside the simulator's stores: :class:`Records`.

OpenAI's files and batches carry fields xAI's gRPC messages have no place for: a file's
``purpose``, a batch's ``endpoint``, ``completion_window``, ``metadata`` and its output
and error files. The door keeps them here, in memory: a file uploaded over gRPC (or
before a ``--data-dir`` restart) reports ``assistants``, a batch its defaults. Entries go
with their file or batch, and their number is bounded by the stores' own limits.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["DEFAULT_PURPOSE", "BatchRecord", "Records"]

DEFAULT_PURPOSE = "assistants"  # xAI's conventional label; it does not interpret purposes


@dataclass(kw_only=True)
class BatchRecord:
    """OpenAI's fields of one batch, and the files its results were written to."""

    endpoint: str = "/v1/chat/completions"
    completion_window: str = "24h"
    metadata: dict[str, str] | None = None
    output_expires_after: int | None = None
    finalizing: bool = False
    completed_at: int | None = None
    output_file_id: str | None = None
    error_file_id: str | None = None


@dataclass
class Records:
    """File purposes and batch records, by id."""

    purposes: dict[str, str] = field(default_factory=dict)
    batches: dict[str, BatchRecord] = field(default_factory=dict)

    def purpose(self, file_id: str) -> str:
        """The purpose ``file_id`` was uploaded with (:data:`DEFAULT_PURPOSE` when not known)."""
        return self.purposes.get(file_id, DEFAULT_PURPOSE)

    def keep_purposes(self, live: set[str]) -> None:
        """Forget the purposes of files no longer in the store (expired, deleted over gRPC)."""
        self.purposes = {k: v for k, v in self.purposes.items() if k in live}

    def batch(self, batch_id: str) -> BatchRecord:
        """The record of ``batch_id`` (made with the defaults if it has none)."""
        record = self.batches.get(batch_id)
        if record is None:
            record = self.batches[batch_id] = BatchRecord()
        return record
