"""Plain values of the Collections service (``client.collections``): no protobuf in them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from agentrt.errors import UsageError

__all__ = [
    "ChunkConfig",
    "ChunkUnit",
    "CollectionInfo",
    "DocumentInfo",
    "DocumentStatus",
    "FieldDefinition",
    "Metric",
]

ChunkUnit = Literal["chars", "tokens", "bytes"]
Metric = Literal["cosine", "euclidean", "inner_product"]
DocumentStatus = Literal["processing", "processed", "failed", "unknown"]
_UNITS = ("chars", "tokens", "bytes")


@dataclass(frozen=True, kw_only=True, slots=True)
class ChunkConfig:
    """How a collection cuts documents into chunks.

    Attributes:
        unit: what ``max_size`` and ``overlap`` count: ``chars``, ``tokens`` or ``bytes``.
        max_size: the longest chunk, in ``unit``.
        overlap: how much consecutive chunks share, in ``unit``.
        encoding_name: the tokenizer of ``unit="tokens"`` (the service's default when "").
        strip_whitespace: strip leading and trailing whitespace of each chunk.
        inject_name_into_chunks: prefix each chunk with the document's name.

    Raises:
        UsageError: an unknown unit, ``max_size < 1`` or an overlap outside ``0..max_size-1``.
    """

    unit: ChunkUnit
    max_size: int
    overlap: int = 0
    encoding_name: str = ""
    strip_whitespace: bool = False
    inject_name_into_chunks: bool = False

    def __post_init__(self) -> None:
        if self.unit not in _UNITS:
            raise UsageError(f"chunk unit must be 'chars', 'tokens' or 'bytes', got {self.unit!r}")
        if self.max_size < 1:
            raise UsageError(f"chunk max_size must be >= 1, got {self.max_size}")
        if not 0 <= self.overlap < self.max_size:
            raise UsageError(
                f"chunk overlap must be 0..{self.max_size - 1} (below max_size), got {self.overlap}"
            )


@dataclass(frozen=True, kw_only=True, slots=True)
class FieldDefinition:
    """A metadata field documents of a collection carry.

    Attributes:
        key: the field's name.
        required: every document must set it.
        inject_into_chunk: its value is prefixed to each chunk (so it is searchable).
        unique: no two documents may share a value.
        description: what it means.
    """

    key: str
    required: bool = False
    inject_into_chunk: bool = False
    unique: bool = False
    description: str = ""


@dataclass(frozen=True, kw_only=True, slots=True)
class CollectionInfo:
    """A collection of documents.

    Attributes:
        id: the collection id, what every other call takes.
        name: its name (not necessarily unique).
        description: its description ("" when none).
        created_at: when it was created (UTC).
        documents_count: how many documents it holds.
        total_file_size: their total size in bytes.
        chunking: how it chunks documents (``None`` when the service's default).
        fields: its metadata fields.
        index_model: the embedding model of its index.
    """

    id: str
    name: str
    description: str = ""
    created_at: datetime | None = None
    documents_count: int = 0
    total_file_size: int = 0
    chunking: ChunkConfig | None = None
    fields: tuple[FieldDefinition, ...] = ()
    index_model: str = ""


@dataclass(frozen=True, kw_only=True, slots=True)
class DocumentInfo:
    """A file as a document of a collection, with its indexing status.

    Attributes:
        file_id: the file's id (a document is a file added to a collection).
        name: the file's name.
        size: its size in bytes.
        content_type: its MIME type, as the service detected it.
        created_at: when the file was uploaded (UTC).
        status: ``processing``, ``processed`` (searchable), ``failed`` or ``unknown``.
        error_message: why indexing failed ("" otherwise).
        chunk_count: how many chunks it was cut into.
        chunks_processed_count: how many of them are indexed so far.
        fields: its metadata field values.
        hash: the service's hash of its content.
        last_indexed_at: when it was last indexed, if it was.
    """

    file_id: str
    name: str = ""
    size: int = 0
    content_type: str = ""
    created_at: datetime | None = None
    status: DocumentStatus = "unknown"
    error_message: str = ""
    chunk_count: int = 0
    chunks_processed_count: int = 0
    fields: Mapping[str, str] = field(default_factory=dict)
    hash: str = ""
    last_indexed_at: datetime | None = None
