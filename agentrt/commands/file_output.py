"""How ``agentrt files`` and ``agentrt collections`` print what they get back.

On a terminal: tables and ``key: value`` lines for people. Otherwise plain
lines, one record per line, fields separated by tabs and no header, so
``cut -f1`` gives the ids. ``--json`` gives the records below (their keys are
documented in docs/files-and-collections.md).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agentrt.xai.collection_types import CollectionInfo, DocumentInfo
    from agentrt.xai.file_types import FileInfo
    from agentrt.xai.service_types import SearchMatch

__all__ = [
    "collection_record",
    "document_record",
    "file_record",
    "match_record",
    "print_fields",
    "print_json",
    "print_table",
    "shortened",
    "size_text",
    "time_text",
]


def time_text(when: datetime | None) -> str:
    """ISO 8601 in UTC to the second (``2026-12-04T06:00:55Z``), or ``""`` for none."""
    if when is None:
        return ""
    if when.tzinfo is not None:
        when = when.astimezone(UTC).replace(tzinfo=None)
    return when.isoformat(timespec="seconds") + "Z"


def _time_or_none(when: datetime | None) -> str | None:
    return time_text(when) or None


def size_text(size: int) -> str:
    """A byte count for people: ``512 B``, ``10.0 KiB``, ``3.2 MiB``."""
    if size < 1024:
        return f"{size} B"
    value, unit = float(size), "B"
    for unit in ("KiB", "MiB", "GiB", "TiB"):  # noqa: B007 - the last unit reached is the one
        value /= 1024
        if value < 1024:
            break
    return f"{value:.1f} {unit}"


def shortened(text: str, width: int) -> str:
    """``text`` on one line, cut to ``width`` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: max(width - 1, 0)] + "…"


def file_record(info: FileInfo) -> dict[str, Any]:
    """A file as JSON: id, filename, size, created_at, expires_at, public_url(_expires_at)."""
    return {
        "id": info.id,
        "filename": info.filename,
        "size": info.size,
        "created_at": _time_or_none(info.created_at),
        "expires_at": _time_or_none(info.expires_at),
        "public_url": info.public_url or None,
        "public_url_expires_at": _time_or_none(info.public_url_expires_at),
    }


def collection_record(info: CollectionInfo) -> dict[str, Any]:
    """A collection as JSON: id, name, description, created_at, documents_count, ..."""
    chunking = info.chunking
    return {
        "id": info.id,
        "name": info.name,
        "description": info.description,
        "created_at": _time_or_none(info.created_at),
        "documents_count": info.documents_count,
        "total_file_size": info.total_file_size,
        "chunking": None
        if chunking is None
        else {"unit": chunking.unit, "size": chunking.max_size, "overlap": chunking.overlap},
        "fields": [
            {
                "key": f.key,
                "required": f.required,
                "unique": f.unique,
                "inject": f.inject_into_chunk,
            }
            for f in info.fields
        ],
        "index_model": info.index_model or None,
    }


def document_record(doc: DocumentInfo) -> dict[str, Any]:
    """A document as JSON: file_id, name, size, status, chunks, fields, ..."""
    return {
        "file_id": doc.file_id,
        "name": doc.name,
        "size": doc.size,
        "content_type": doc.content_type,
        "created_at": _time_or_none(doc.created_at),
        "status": doc.status,
        "error_message": doc.error_message or None,
        "chunk_count": doc.chunk_count,
        "chunks_processed_count": doc.chunks_processed_count,
        "fields": dict(doc.fields),
    }


def match_record(rank: int, match: SearchMatch, name: str) -> dict[str, Any]:
    """A search match as JSON: rank (from 1), score, file_id, filename, chunk_id, text, ..."""
    return {
        "rank": rank,
        "score": match.score,
        "file_id": match.file_id,
        "filename": name,
        "chunk_id": match.chunk_id,
        "collection_ids": list(match.collection_ids),
        "text": match.chunk_content,
    }


def print_json(value: Any) -> None:
    """``value`` as one line of JSON on stdout."""
    print(json.dumps(value, ensure_ascii=False))


def print_table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    """Aligned columns under a header on a terminal; tab-separated lines without one otherwise.

    On a terminal every column but the last is kept whole (ids can be copied); the
    last one (a name, a chunk's text) is cut with an ellipsis to fit the width.
    """
    cells = [[" ".join(cell.split()) for cell in row] for row in rows]
    if not sys.stdout.isatty():
        for row in cells:
            print("\t".join(row))
        return
    import shutil

    widths = [max([len(h), *(len(row[i]) for row in cells)]) for i, h in enumerate(headers)]
    room = max(shutil.get_terminal_size().columns - sum(w + 2 for w in widths[:-1]), 10)
    for row in [list(headers), *cells]:
        line = "  ".join(cell.ljust(w) for cell, w in zip(row[:-1], widths, strict=False))
        print(f"{line}  {shortened(row[-1], room)}" if line else shortened(row[-1], room))


def print_fields(pairs: Iterable[tuple[str, str]]) -> None:
    """``key: value`` lines (values on one line each), aligned on a terminal."""
    items = list(pairs)
    width = max((len(k) for k, _ in items), default=0) if sys.stdout.isatty() else 0
    for key, value in items:
        print(f"{key + ':':<{width + 1}} {' '.join(value.split())}")
