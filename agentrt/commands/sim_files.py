"""``agentrt sim`` flags of the Files, Collections and Documents services."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

__all__ = ["FILES_HELP", "add_file_flags", "file_options"]

FILES_HELP = """
Files, Collections and Documents are served on the same port (point xai-sdk's
api_host and management_api_host both at it). Uploads are kept in memory, or in
DIR/sim-files.sqlite3 with --data-dir (they then survive a restart); a cut-off
upload stores nothing. Documents are chunked and indexed when added, stay
DOCUMENT_STATUS_PROCESSING for --index-delay-ms, then are searchable: keyword
(SQLite FTS5, bm25), semantic (cosine of the simulator's embeddings of word
stems) or hybrid (reciprocal-rank fusion, k=60). Faults apply to them as to
model calls; 'abort' cuts an upload or download after K chunks.

Chat uses the same store: a request offering collections_search searches those
collections with the question and, when chunks match its words, answers quoting
and citing them (collections://COLLECTION/files/FILE); a file part (file_id or
inline bytes) is read and quoted (binary files described, unknown ids
NOT_FOUND). Public file URLs are served at http://HOST:PORT/files/TOKEN until
they expire or are revoked. List filters take KEY OP VALUE (= != > >= < <=),
KEY:VALUE (contains), KEY:!VALUE, null, AND, OR, NOT and parentheses.

Batches (BatchMgmt; xai-sdk's client.batch) are kept beside the files (in
DIR/sim-batches.sqlite3 with --data-dir). Their requests queue and are answered
in order by the same model as Chat and Image, --batch-rate a second (0: no
pause); results are listable as each finishes, counts are exact at every moment,
cancel stops what has not started, and after a restart pending requests resume.
A batch may be created from an uploaded JSONL file: one BatchRequest a line, in
protobuf JSON ({"batch_request_id": ..., "completion_request": {...}}), as
{"batch_request_id": ..., "batch_request": {"chat_get_completion": {...}}}, or in
OpenAI's batch form ({"custom_id": ..., "url": "/v1/chat/completions", "body":
{...}}); a bad line fails alone (INVALID_ARGUMENT naming the line).
"""


def add_file_flags(group: Any) -> None:
    """Add the storage and indexing flags."""
    group.add_argument(
        "--data-dir",
        metavar="DIR",
        type=Path,
        default=None,
        help="keep files, collections and batches in DIR",
    )
    group.add_argument(
        "--max-file-bytes",
        type=int,
        default=100 << 20,
        metavar="N",
        help="largest file accepted (default 100 MiB)",
    )
    group.add_argument(
        "--index-delay-ms",
        type=float,
        default=200.0,
        metavar="MS",
        help="how long a new document stays PROCESSING (default 200)",
    )


def file_options(args: argparse.Namespace) -> dict[str, Any]:
    """SimOptions fields from the flags; UsageError on a bad value."""
    from agentrt.errors import UsageError
    from agentrt.sim.ragstore import RagLimits

    if args.max_file_bytes < 1:
        raise UsageError("--max-file-bytes must be at least 1")
    if args.index_delay_ms < 0:
        raise UsageError("--index-delay-ms must not be negative")
    data_dir: Path | None = args.data_dir
    if data_dir is not None and data_dir.exists() and not data_dir.is_dir():
        raise UsageError(f"--data-dir {data_dir}: not a directory")
    limits = RagLimits(
        max_file_bytes=args.max_file_bytes,
        max_total_bytes=max(args.max_file_bytes, RagLimits().max_total_bytes),
        index_delay_s=args.index_delay_ms / 1000,
    )
    return {"data_dir": data_dir, "files": limits}
