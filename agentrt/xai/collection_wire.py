"""Collections values to and from the wire (``collections_pb2``, ``types_pb2``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from agentrt_protos.xai.api.v1 import collections_pb2 as cpb
from agentrt_protos.xai.api.v1 import shared_pb2, types_pb2

from agentrt.errors import UsageError
from agentrt.xai.collection_types import (
    ChunkConfig,
    CollectionInfo,
    DocumentInfo,
    DocumentStatus,
    FieldDefinition,
)
from agentrt.xai.file_wire import check_choice, timestamp

__all__ = [
    "METRICS",
    "check_fields",
    "chunk_config",
    "collection_info",
    "document_info",
    "field_definition",
    "field_updates",
    "list_collections_request",
    "list_documents_request",
]

METRICS = {
    "cosine": types_pb2.HNSW_METRIC_COSINE,
    "euclidean": types_pb2.HNSW_METRIC_EUCLIDEAN,
    "inner_product": types_pb2.HNSW_METRIC_INNER_PRODUCT,
}
_ORDERS = {"asc": shared_pb2.ORDERING_ASCENDING, "desc": shared_pb2.ORDERING_DESCENDING}
_COLLECTION_SORT = {"age": cpb.COLLECTIONS_SORT_BY_AGE, "name": cpb.COLLECTIONS_SORT_BY_NAME}
_DOCUMENT_SORT = {
    "age": cpb.DOCUMENTS_SORT_BY_AGE,
    "name": cpb.DOCUMENTS_SORT_BY_NAME,
    "size": cpb.DOCUMENTS_SORT_BY_SIZE,
}
_STATUS: dict[int, DocumentStatus] = {
    cpb.DOCUMENT_STATUS_PROCESSING: "processing",
    cpb.DOCUMENT_STATUS_CHUNKED: "processing",
    cpb.DOCUMENT_STATUS_EMBEDDING: "processing",
    cpb.DOCUMENT_STATUS_WRITING: "processing",
    cpb.DOCUMENT_STATUS_PROCESSED: "processed",
    cpb.DOCUMENT_STATUS_FAILED: "failed",
}


def chunk_config(c: ChunkConfig) -> types_pb2.ChunkConfiguration:
    """A :class:`ChunkConfig` as a ``ChunkConfiguration`` message."""
    out = types_pb2.ChunkConfiguration(
        strip_whitespace=c.strip_whitespace, inject_name_into_chunks=c.inject_name_into_chunks
    )
    if c.unit == "chars":
        out.chars_configuration.max_chunk_size_chars = c.max_size
        out.chars_configuration.chunk_overlap_chars = c.overlap
    elif c.unit == "bytes":
        out.bytes_configuration.max_chunk_size_bytes = c.max_size
        out.bytes_configuration.chunk_overlap_bytes = c.overlap
    else:
        out.tokens_configuration.max_chunk_size_tokens = c.max_size
        out.tokens_configuration.chunk_overlap_tokens = c.overlap
        out.tokens_configuration.encoding_name = c.encoding_name
    return out


def _chunking(m: types_pb2.ChunkConfiguration) -> ChunkConfig | None:
    kind = m.WhichOneof("config")
    flags: dict[str, Any] = {
        "strip_whitespace": m.strip_whitespace,
        "inject_name_into_chunks": m.inject_name_into_chunks,
    }
    try:
        if kind == "chars_configuration":
            c = m.chars_configuration
            return ChunkConfig(
                unit="chars",
                max_size=c.max_chunk_size_chars,
                overlap=c.chunk_overlap_chars,
                **flags,
            )
        if kind == "bytes_configuration":
            b = m.bytes_configuration
            return ChunkConfig(
                unit="bytes",
                max_size=b.max_chunk_size_bytes,
                overlap=b.chunk_overlap_bytes,
                **flags,
            )
        if kind == "tokens_configuration":
            t = m.tokens_configuration
            return ChunkConfig(
                unit="tokens",
                max_size=t.max_chunk_size_tokens,
                overlap=t.chunk_overlap_tokens,
                encoding_name=t.encoding_name,
                **flags,
            )
    except UsageError:  # the service's own config is not ours to reject
        return None
    return None


def field_definition(f: FieldDefinition) -> cpb.FieldDefinition:
    """A :class:`FieldDefinition` as its message."""
    return cpb.FieldDefinition(
        key=f.key,
        required=f.required,
        inject_into_chunk=f.inject_into_chunk,
        unique=f.unique,
        description=f.description or None,
    )


def _field(m: cpb.FieldDefinition) -> FieldDefinition:
    return FieldDefinition(
        key=m.key,
        required=m.required,
        inject_into_chunk=m.inject_into_chunk,
        unique=m.unique,
        description=m.description,
    )


def collection_info(m: cpb.CollectionMetadata) -> CollectionInfo:
    """A ``CollectionMetadata`` message as a :class:`CollectionInfo`."""
    return CollectionInfo(
        id=m.collection_id,
        name=m.collection_name,
        description=m.collection_description,
        created_at=timestamp(m, "created_at"),
        documents_count=m.documents_count,
        total_file_size=m.total_file_size,
        chunking=_chunking(m.chunk_configuration),
        fields=tuple(_field(f) for f in m.field_definitions),
        index_model=m.index_configuration.model_name,
    )


def document_info(m: cpb.DocumentMetadata) -> DocumentInfo:
    """A ``DocumentMetadata`` message as a :class:`DocumentInfo`."""
    f = m.file_metadata
    return DocumentInfo(
        file_id=f.file_id,
        name=f.name,
        size=f.size_bytes,
        content_type=f.content_type,
        created_at=timestamp(f, "created_at"),
        status=_STATUS.get(m.status, "unknown"),
        error_message=m.error_message,
        chunk_count=m.chunk_count,
        chunks_processed_count=m.chunks_processed_count,
        fields=dict(m.fields),
        hash=f.hash,
        last_indexed_at=timestamp(m, "last_indexed_at"),
    )


def _page(page_size: int, order: str) -> int:
    if page_size < 1:
        raise UsageError(f"page_size must be >= 1, got {page_size}")
    return _ORDERS[check_choice("order", order, _ORDERS)]


def list_collections_request(
    page_size: int, order: str, sort_by: str, filter: str
) -> cpb.ListCollectionsRequest:
    """The first ``ListCollections`` page request; UsageError on a bad argument."""
    req = cpb.ListCollectionsRequest(
        limit=page_size,
        order=_page(page_size, order),  # type: ignore[arg-type]
        sort_by=_COLLECTION_SORT[check_choice("sort_by", sort_by, _COLLECTION_SORT)],
    )
    if filter:
        req.filter = filter
    return req


def list_documents_request(
    collection_id: str, page_size: int, order: str, sort_by: str, filter: str, name: str
) -> cpb.ListDocumentsRequest:
    """The first ``ListDocuments`` page request; UsageError on a bad argument."""
    req = cpb.ListDocumentsRequest(
        collection_id=collection_id,
        limit=page_size,
        order=_page(page_size, order),  # type: ignore[arg-type]
        sort_by=_DOCUMENT_SORT[check_choice("sort_by", sort_by, _DOCUMENT_SORT)],
    )
    if filter:
        req.filter = filter
    if name:
        req.name = name
    return req


def field_updates(
    add: Sequence[FieldDefinition], remove: Iterable[str]
) -> list[cpb.FieldDefinitionUpdate]:
    """``UpdateCollection``'s field changes: additions, then removals by key."""
    adds = [
        cpb.FieldDefinitionUpdate(
            field_definition=field_definition(f), operation=cpb.FIELD_DEFINITION_ADD
        )
        for f in add
    ]
    removes = [
        cpb.FieldDefinitionUpdate(
            field_definition=cpb.FieldDefinition(key=key), operation=cpb.FIELD_DEFINITION_DELETE
        )
        for key in remove
    ]
    return adds + removes


def check_fields(fields: Mapping[str, str] | None) -> dict[str, str]:
    """Document field values as a plain dict; UsageError when one is not text."""
    out = dict(fields or {})
    for key, value in out.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise UsageError(f"document fields map text to text; {key!r} -> {value!r} is not")
    return out
