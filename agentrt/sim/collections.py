"""The simulator's ``collections.Collections`` and ``xai_api.Documents`` services.

A document (an uploaded file added to a collection) is chunked and indexed when it is
added, and reports DOCUMENT_STATUS_PROCESSING until ``index_delay_s`` has passed, then
DOCUMENT_STATUS_PROCESSED; only then do searches see it. Status is computed from the
time it was added, so no background task exists to outlive a call.

``UpdateCollection`` changes the name, the description, the chunking (documents added
or re-indexed afterwards are chunked the new way; GetCollectionMetadata shows it) and
the field definitions (added, or deleted with their values from every document; a
``unique`` field's value belongs to one document at a time): see
:mod:`agentrt.sim.collection_fields`.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from typing import Any

import grpc
from agentrt_protos.xai.api.v1 import (
    collections_pb2 as cpb,
)
from agentrt_protos.xai.api.v1 import (
    documents_pb2,
    shared_pb2,
    types_pb2,
)
from google.protobuf import empty_pb2

from agentrt.sim import retrieval
from agentrt.sim.collection_fields import apply_field_updates, check_document_fields
from agentrt.sim.files import next_token, page_bounds, timestamp
from agentrt.sim.filters import COLLECTION_KEYS, DOCUMENT_KEYS, Record, compile_filter
from agentrt.sim.ragstore import RagStore
from agentrt.sim.status import SimStatus

__all__ = ["MAX_QUERY", "CollectionsService", "check_searchable"]

_DEFAULT_CHUNK_CHARS = 1000
_MAX_CHUNK_CHARS = 100_000
_MAX_SEARCHED = 100
MAX_QUERY = 10_000  # characters of a search query (a longer one holds the event loop for long)
_COLLECTION_SORT = {cpb.COLLECTIONS_SORT_BY_NAME: "name", cpb.COLLECTIONS_SORT_BY_AGE: "created"}
_DOCUMENT_SORT = {
    cpb.DOCUMENTS_SORT_BY_NAME: "f.name",
    cpb.DOCUMENTS_SORT_BY_SIZE: "f.size",
    cpb.DOCUMENTS_SORT_BY_AGE: "d.added",
}
_EMPTY = empty_pb2.Empty()


def _invalid(details: str) -> SimStatus:
    return SimStatus(grpc.StatusCode.INVALID_ARGUMENT, details)


def _window(config: types_pb2.ChunkConfiguration) -> tuple[int, int]:
    """(chunk size, overlap) in characters; tokens count as four characters."""
    kind = config.WhichOneof("config")
    size, overlap = _DEFAULT_CHUNK_CHARS, 0
    if kind == "chars_configuration":
        c = config.chars_configuration
        size, overlap = c.max_chunk_size_chars, c.chunk_overlap_chars
    elif kind == "tokens_configuration":
        t = config.tokens_configuration
        size, overlap = 4 * t.max_chunk_size_tokens, 4 * t.chunk_overlap_tokens
    elif kind == "bytes_configuration":
        b = config.bytes_configuration
        size, overlap = b.max_chunk_size_bytes, b.chunk_overlap_bytes
    if not 16 <= size <= _MAX_CHUNK_CHARS or not 0 <= overlap < size:
        raise _invalid(
            f"chunk_configuration: chunk size {size} must be 16..{_MAX_CHUNK_CHARS} characters "
            "and overlap 0..size-1"
        )
    return size, overlap


def _seconds(stamp: Any) -> float:
    return float(stamp.seconds + stamp.nanos / 1e9)


def _collection_record(m: cpb.CollectionMetadata) -> Record:
    """What a filter sees of a collection."""
    return {
        "collection_id": m.collection_id,
        "collection_name": m.collection_name,
        "collection_description": m.collection_description,
        "created_at": _seconds(m.created_at),
        "documents_count": float(m.documents_count),
    }


def _document_record(d: cpb.DocumentMetadata) -> Record:
    """What a filter sees of a document: its file's metadata, status and fields."""
    meta = d.file_metadata
    record: dict[str, str | float | None] = {
        "file_id": meta.file_id,
        "name": meta.name,
        "size_bytes": float(meta.size_bytes),
        "content_type": meta.content_type,
        "status": cpb.DocumentStatus.Name(d.status),
        "created_at": _seconds(meta.created_at),
    }
    record.update((f"fields.{k}", v) for k, v in d.fields.items())
    return record


def check_searchable(store: RagStore, cids: Sequence[str]) -> None:
    """NOT_FOUND naming the first missing collection; FAILED_PRECONDITION when every
    document of these collections is still being indexed (some indexed: they are searched)."""
    for cid in cids:
        store.collection(cid)
    indexed, pending = store.pending(cids)
    if not indexed and pending:
        raise SimStatus(
            grpc.StatusCode.FAILED_PRECONDITION,
            f"no document is indexed yet: {pending} document(s) still "
            "DOCUMENT_STATUS_PROCESSING; retry once GetDocumentMetadata reports "
            "DOCUMENT_STATUS_PROCESSED",
        )


class CollectionsService:
    """Handlers of ``collections.Collections`` and ``xai_api.Documents/Search``."""

    def __init__(self, store: RagStore) -> None:
        self.store = store

    def _config(self, cid: str) -> cpb.CollectionMetadata:
        return cpb.CollectionMetadata.FromString(self.store.collection(cid)[4])

    def metadata(self, cid: str) -> cpb.CollectionMetadata:
        """The ``CollectionMetadata`` of a stored collection."""
        _, name, description, created, _ = self.store.collection(cid)
        out = self._config(cid)
        out.collection_id, out.collection_name = cid, name
        if description is not None:
            out.collection_description = description
        timestamp(out.created_at, created)
        out.documents_count, out.total_file_size = self.store.collection_totals(cid)
        return out

    async def create_collection(
        self, request: cpb.CreateCollectionRequest
    ) -> cpb.CollectionMetadata:
        """``CreateCollection``."""
        if not request.collection_name.strip():
            raise _invalid("collection_name is empty: give the collection a name")
        _window(request.chunk_configuration)
        config = cpb.CollectionMetadata(
            index_configuration=request.index_configuration,
            chunk_configuration=request.chunk_configuration,
            field_definitions=request.field_definitions,
        )
        if not config.index_configuration.model_name:
            config.index_configuration.model_name = "grok-embedding-small"
        description = (
            request.collection_description if request.HasField("collection_description") else None
        )
        cid = self.store.add_collection(
            request.collection_name, description, config.SerializeToString()
        )
        return self.metadata(cid)

    async def list_collections(
        self, request: cpb.ListCollectionsRequest
    ) -> cpb.ListCollectionsResponse:
        """``ListCollections``: a page, sorted as asked."""
        offset, limit = page_bounds(
            request.limit, request.pagination_token, self.store.limits.max_page
        )
        match = compile_filter(request.filter, COLLECTION_KEYS)
        order = (
            _COLLECTION_SORT.get(request.sort_by, "name"),
            request.order == shared_pb2.ORDERING_DESCENDING,
        )
        if match is None:
            page = [self.metadata(c) for c in self.store.collections(*order, offset, limit)]
        else:  # every collection is looked at (at most max_collections), then the page is cut
            every = self.store.collections(*order, 0, self.store.limits.max_collections)
            kept = [m for m in map(self.metadata, every) if match(_collection_record(m))]
            page = kept[offset : offset + limit]
        out = cpb.ListCollectionsResponse(collections=page)
        token = next_token(offset, limit, len(page))
        if token is not None:
            out.pagination_token = token
        return out

    async def get_collection_metadata(
        self, request: cpb.GetCollectionMetadataRequest
    ) -> cpb.CollectionMetadata:
        """``GetCollectionMetadata``."""
        return self.metadata(request.collection_id)

    async def update_collection(
        self, request: cpb.UpdateCollectionRequest
    ) -> cpb.CollectionMetadata:
        """``UpdateCollection``: name, description, chunking and field definitions.

        A new ``chunk_configuration`` (validated as at creation) applies to documents
        added or re-indexed from now on; ``field_definition_updates``: see
        :mod:`agentrt.sim.collection_fields`. All of it is applied, or none.
        """
        cid = request.collection_id
        name = request.collection_name if request.HasField("collection_name") else None
        if name is not None and not name.strip():
            raise _invalid("collection_name is empty: give the collection a name")
        description = (
            request.collection_description if request.HasField("collection_description") else None
        )
        config = self._config(cid)
        if request.HasField("chunk_configuration"):
            _window(request.chunk_configuration)
            config.chunk_configuration.CopyFrom(request.chunk_configuration)
        dropped = apply_field_updates(config, request.field_definition_updates)
        changed = request.HasField("chunk_configuration") or bool(request.field_definition_updates)
        serialized = config.SerializeToString() if changed else None
        self.store.update_collection(cid, name, description, serialized, dropped)
        return self.metadata(cid)

    async def delete_collection(self, request: cpb.DeleteCollectionRequest) -> empty_pb2.Empty:
        """``DeleteCollection``: its documents go too; their files stay."""
        self.store.delete_collection(request.collection_id)
        return _EMPTY

    async def add_document(self, request: cpb.AddDocumentToCollectionRequest) -> empty_pb2.Empty:
        """``AddDocumentToCollection``: chunk and index the file; searchable after the delay."""
        cid, file_id, fields = request.collection_id, request.file_id, dict(request.fields)
        check_document_fields(self.store, cid, file_id, self._config(cid), fields)
        self._index(cid, file_id, fields)
        return _EMPTY

    def _index(self, cid: str, file_id: str, fields: dict[str, str]) -> None:
        """Chunk the file with the collection's chunking as it is now, and store it."""
        config = self._config(cid)
        _, name, size, _, _ = self.store.file(file_id)
        limit, error = self.store.limits.max_indexed_bytes, None
        chunks: list[tuple[str, bytes]] = []
        if size > limit:
            error = f"document is {size} bytes; the simulator indexes documents of at most {limit}"
        else:
            chunks = self._chunks(config, name, fields, self.store.file_data(file_id))
        self.store.put_document(cid, file_id, fields, chunks, error)

    @staticmethod
    def _chunks(
        config: cpb.CollectionMetadata, name: str, fields: dict[str, str], data: bytes
    ) -> list[tuple[str, bytes]]:
        size, overlap = _window(config.chunk_configuration)
        chunk_config = config.chunk_configuration
        prefix = "".join(
            f"{d.key}: {fields[d.key]}\n"
            for d in config.field_definitions
            if d.inject_into_chunk and d.key in fields
        )
        if chunk_config.inject_name_into_chunks:
            prefix = f"{name}\n{prefix}"
        text = data.decode("utf-8", errors="replace")
        pieces = retrieval.chunk_text(text, size, overlap, chunk_config.strip_whitespace)
        return [(prefix + p, retrieval.embed(prefix + p)) for p in pieces]

    def document(self, cid: str, file_id: str) -> cpb.DocumentMetadata:
        """The ``DocumentMetadata`` of a document, its status as of now."""
        _, fields, _added, ready, error, chunk_count = self.store.document(cid, file_id)
        _, name, size, created, _ = self.store.file(file_id)
        status = cpb.DOCUMENT_STATUS_PROCESSED
        if error is not None:
            status = cpb.DOCUMENT_STATUS_FAILED
        elif self.store.clock() < ready:
            status = cpb.DOCUMENT_STATUS_PROCESSING
        out = cpb.DocumentMetadata(
            fields=json.loads(fields), status=status, chunk_count=chunk_count
        )
        meta = out.file_metadata
        meta.file_id, meta.name, meta.size_bytes = file_id, name, size
        meta.content_type = "text/plain"
        meta.hash = hashlib.sha256(f"{file_id}:{size}".encode()).hexdigest()
        meta.processing_status = cpb.DocumentStatus.Name(status)
        timestamp(meta.created_at, created)
        if error is not None:
            out.error_message = error
        elif status == cpb.DOCUMENT_STATUS_PROCESSED:
            timestamp(out.last_indexed_at, ready)
            out.chunks_processed_count = chunk_count
        return out

    async def get_document_metadata(
        self, request: cpb.GetDocumentMetadataRequest
    ) -> cpb.DocumentMetadata:
        """``GetDocumentMetadata``."""
        return self.document(request.collection_id, request.file_id)

    async def list_documents(self, request: cpb.ListDocumentsRequest) -> cpb.ListDocumentsResponse:
        """``ListDocuments``: a page, sorted as asked."""
        offset, limit = page_bounds(
            request.limit, request.pagination_token, self.store.limits.max_page
        )
        cid = request.collection_id
        match = compile_filter(request.filter, DOCUMENT_KEYS)
        name = request.name.lower()
        order = (
            _DOCUMENT_SORT.get(request.sort_by, "f.name"),
            request.order == shared_pb2.ORDERING_DESCENDING,
        )
        if match is None and not name:
            page = [self.document(cid, f) for f in self.store.documents(cid, *order, offset, limit)]
        else:  # every document is looked at (at most max_documents), then the page is cut
            every = self.store.documents(cid, *order, 0, self.store.limits.max_documents)
            kept = [
                d
                for d in (self.document(cid, f) for f in every)
                if name in d.file_metadata.name.lower()
                and (match is None or match(_document_record(d)))
            ]
            page = kept[offset : offset + limit]
        out = cpb.ListDocumentsResponse(documents=page)
        token = next_token(offset, limit, len(page))
        if token is not None:
            out.pagination_token = token
        return out

    async def batch_get_documents(
        self, request: cpb.BatchGetDocumentsRequest
    ) -> cpb.BatchGetDocumentsResponse:
        """``BatchGetDocuments``: every id must be a document of the collection."""
        if len(request.file_ids) > self.store.limits.max_page:
            raise _invalid(f"at most {self.store.limits.max_page} file_ids per call")
        return cpb.BatchGetDocumentsResponse(
            documents=[self.document(request.collection_id, f) for f in request.file_ids]
        )

    async def remove_document(
        self, request: cpb.RemoveDocumentFromCollectionRequest
    ) -> empty_pb2.Empty:
        """``RemoveDocumentFromCollection``: the file stays."""
        self.store.remove_document(request.collection_id, request.file_id)
        return _EMPTY

    async def reindex_document(self, request: cpb.ReIndexDocumentRequest) -> empty_pb2.Empty:
        """``ReIndexDocument``: chunk and index again with the collection's chunking and
        fields as they are now (PROCESSING for the delay again); its fields are kept as
        they are, not checked against definitions added since."""
        cid, file_id = request.collection_id, request.file_id
        _, fields, *_ = self.store.document(cid, file_id)
        self._index(cid, file_id, json.loads(fields))
        return _EMPTY

    async def update_document(self, request: cpb.UpdateDocumentRequest) -> cpb.DocumentMetadata:
        """``UpdateDocument``: new name, bytes or fields, then indexed again (PROCESSING anew).

        New fields are checked (required, unique) before anything changes.
        """
        cid, file_id = request.collection_id, request.file_id
        _, stored, *_ = self.store.document(cid, file_id)
        name = request.name if request.HasField("name") else None
        if name is not None and not name.strip():
            raise _invalid("name is empty: give the document a name, or leave it out")
        data = request.data if request.HasField("data") else None
        limit = self.store.limits.max_file_bytes
        if data is not None and len(data) > limit:
            raise _invalid(f"data is larger than the simulator's limit of {limit} bytes")
        fields = dict(request.fields) if request.fields else json.loads(stored)
        if request.fields:
            check_document_fields(self.store, cid, file_id, self._config(cid), fields)
        self.store.replace_file(file_id, name, data)
        self._index(cid, file_id, fields)
        return self.document(cid, file_id)

    async def generate_description(
        self, request: cpb.GenerateCollectionDescriptionRequest
    ) -> cpb.GenerateCollectionDescriptionResponse:
        """``GenerateCollectionDescription``: its size and most frequent words, deterministically."""
        cid = request.collection_id
        _, name, *_ = self.store.collection(cid)
        documents, _ = self.store.collection_totals(cid)
        words = retrieval.frequent_words(self.store.indexed_chunks([cid]), 5)
        about = f"; about {', '.join(words)}" if words else ""
        return cpb.GenerateCollectionDescriptionResponse(
            collection_description=f"{name}: {documents} document(s){about}"
        )

    async def search(self, request: documents_pb2.SearchRequest) -> documents_pb2.SearchResponse:
        """``Documents/Search`` with the retrieval mode asked (hybrid when none is)."""
        cids = self._searched(request)
        limits = self.store.limits
        limit = request.limit if request.HasField("limit") else 10
        if not 1 <= limit <= limits.max_search_limit:
            raise _invalid(f"limit {limit} must be 1..{limits.max_search_limit}")
        hits = self._rank(request, cids, limit)
        return documents_pb2.SearchResponse(
            matches=[
                documents_pb2.SearchMatch(
                    file_id=h.chunk.file_id,
                    chunk_id=h.chunk.chunk_id,
                    chunk_content=h.chunk.content,
                    score=h.score,
                    collection_ids=[h.chunk.collection_id],
                )
                for h in hits
            ]
        )

    def _searched(self, request: documents_pb2.SearchRequest) -> Sequence[str]:
        if not request.query.strip():
            raise _invalid("query is empty: say what to search for")
        if len(request.query) > MAX_QUERY:
            raise _invalid(
                f"query is {len(request.query):,} characters; the simulator searches at most "
                f"{MAX_QUERY:,}: shorten it"
            )
        cids = list(dict.fromkeys(request.source.collection_ids))
        if not 1 <= len(cids) <= _MAX_SEARCHED:
            raise _invalid(f"source.collection_ids: name 1..{_MAX_SEARCHED} collections")
        check_searchable(self.store, cids)
        return cids

    def _rank(
        self, request: documents_pb2.SearchRequest, cids: Sequence[str], limit: int
    ) -> list[retrieval.Hit]:
        mode: Any = request.WhichOneof("retrieval_mode")
        if mode == "keyword_retrieval":
            return retrieval.keyword(self.store, request.query, cids, limit)
        if mode == "semantic_retrieval":
            hits = retrieval.semantic(self.store, request.query, cids, limit)
            if request.ranking_metric == documents_pb2.RANKING_METRIC_L2_DISTANCE:
                # distance between unit vectors, from their cosine: lower is nearer
                return [retrieval.Hit(h.chunk, math.sqrt(max(0.0, 2 - 2 * h.score))) for h in hits]
            return hits
        h = request.hybrid_retrieval
        rrf = h.reciprocal_rank_fusion
        text_w, embed_w = (rrf.text_weight, rrf.embedding_weight)
        if text_w < 0 or embed_w < 0:
            raise _invalid("reciprocal_rank_fusion weights must be >= 0")
        if text_w == embed_w == 0:
            text_w = embed_w = 0.5
        k = rrf.k if rrf.HasField("k") else retrieval.RRF_K
        multiplier = h.search_multiplier if h.HasField("search_multiplier") else 2
        if not 1 <= k <= 10_000 or not 1 <= multiplier <= 10:
            raise _invalid("hybrid_retrieval: k must be 1..10000 and search_multiplier 1..10")
        return retrieval.hybrid(
            self.store,
            request.query,
            cids,
            limit,
            k=k,
            text_weight=text_w,
            embedding_weight=embed_w,
            multiplier=multiplier,
        )
