"""The Collections service (``client.collections``): collections, their documents, indexing.

Collection and document calls go over the management channel (its own endpoint
and key, see :mod:`agentrt.xai.config`), opened on first use; uploading a
document's bytes goes over the API channel (:class:`~agentrt.xai.files.Files`).
Search is :meth:`agentrt.xai.services.Documents.search`.
"""

from __future__ import annotations

import asyncio
import builtins
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import suppress
from typing import Any, Literal

from agentrt_protos.xai.api.v1 import collections_pb2 as cpb
from agentrt_protos.xai.api.v1 import collections_pb2_grpc, types_pb2

from agentrt.errors import (
    AgentrtError,
    DeadlineExceeded,
    IndexingFailed,
    InvalidRequest,
    NotFound,
    UsageError,
)
from agentrt.xai.collection_types import (
    ChunkConfig,
    CollectionInfo,
    DocumentInfo,
    FieldDefinition,
    Metric,
)
from agentrt.xai.collection_wire import (
    METRICS,
    check_fields,
    chunk_config,
    collection_info,
    document_info,
    field_definition,
    field_updates,
    list_collections_request,
    list_documents_request,
)
from agentrt.xai.deadline import Deadline, Timeout
from agentrt.xai.file_types import Progress, UploadSource
from agentrt.xai.file_wire import check_choice
from agentrt.xai.files import Files
from agentrt.xai.paging import paged
from agentrt.xai.transport import Transport

__all__ = ["Collections"]

_STUB = collections_pb2_grpc.CollectionsStub
_BATCH = 100  # file ids per BatchGetDocuments call
_POLL_FIRST, _POLL_MAX = 0.05, 2.0  # seconds between wait_indexed polls: doubling, capped
Order = Literal["asc", "desc"]


class Collections:
    """Document collections (``client.collections``).

    Args:
        transport: the client's API transport (document uploads).
        management: makes (once) and returns the management channel's transport;
            it raises UsageError when x.ai's management API has no key.
    """

    def __init__(self, transport: Transport, management: Callable[[], Transport]) -> None:
        self._files = Files(transport)
        self._management = management

    async def _call(self, method: str, request: Any, timeout: Timeout) -> Any:  # noqa: ASYNC109 - the gRPC deadline
        return await self._management().unary(_STUB, method, request, timeout=timeout)

    async def create(
        self,
        name: str,
        *,
        description: str = "",
        chunking: ChunkConfig | None = None,
        metric: Metric | None = None,
        index_model: str | None = None,
        fields: Sequence[FieldDefinition] = (),
        timeout: Timeout = None,  # noqa: ASYNC109 - it becomes the gRPC deadline
    ) -> CollectionInfo:
        """Create a collection (names need not be unique; the id is what identifies it).

        Raises:
            UsageError: an empty name or an unknown ``metric``.
        """
        if not name.strip():
            raise UsageError("a collection needs a name")
        req = cpb.CreateCollectionRequest(
            collection_name=name,
            field_definitions=[field_definition(f) for f in fields],
            collection_description=description or None,
        )
        if metric is not None:
            req.metric_space = METRICS[check_choice("metric", metric, METRICS)]
        if chunking is not None:
            req.chunk_configuration.CopyFrom(chunk_config(chunking))
        if index_model:
            req.index_configuration.CopyFrom(types_pb2.IndexConfiguration(model_name=index_model))
        return collection_info(await self._call("CreateCollection", req, timeout))

    def list(
        self,
        *,
        page_size: int = 100,
        order: Order = "desc",
        sort_by: Literal["age", "name"] = "age",
        filter: str = "",
        timeout: Timeout = None,
    ) -> AsyncIterator[CollectionInfo]:
        """Every collection, fetched ``page_size`` at a time as the iteration goes.

        Raises:
            UsageError: a bad ``page_size``, ``order`` or ``sort_by`` (at the call).
        """
        req = list_collections_request(page_size, order, sort_by, filter)
        return paged(
            lambda r: self._call("ListCollections", r, timeout), req, "collections", collection_info
        )

    async def get(
        self,
        collection_id: str,
        *,
        timeout: Timeout = None,  # noqa: ASYNC109 - it becomes the gRPC deadline
    ) -> CollectionInfo:
        """One collection by id. Raises NotFound when there is none."""
        req = cpb.GetCollectionMetadataRequest(collection_id=collection_id)
        return collection_info(await self._call("GetCollectionMetadata", req, timeout))

    async def resolve(
        self,
        name_or_id: str,
        *,
        timeout: Timeout = None,  # noqa: ASYNC109 - the gRPC deadline of each call
    ) -> CollectionInfo:
        """The collection with id ``name_or_id``, else the one collection with that exact name.

        Raises:
            NotFound: no collection has that id or name.
            UsageError: several collections have that name (use an id).
        """
        with suppress(NotFound, InvalidRequest):  # a name may not even look like an id
            return await self.get(name_or_id, timeout=timeout)
        named = [
            c async for c in self.list(sort_by="name", timeout=timeout) if c.name == name_or_id
        ]
        if not named:
            raise NotFound(f"no collection has the id or name {name_or_id!r}", code="NOT_FOUND")
        if len(named) > 1:
            ids = ", ".join(c.id for c in named)
            raise UsageError(
                f"{len(named)} collections are named {name_or_id!r}: use an id ({ids})"
            )
        return named[0]

    async def update(
        self,
        collection_id: str,
        *,
        name: str | None = None,
        description: str | None = None,
        chunking: ChunkConfig | None = None,
        add_fields: Sequence[FieldDefinition] = (),
        remove_fields: Sequence[str] = (),
        timeout: Timeout = None,  # noqa: ASYNC109 - it becomes the gRPC deadline
    ) -> CollectionInfo:
        """Change what is given (``None`` leaves it as it is); the collection as it is now."""
        if name is not None and not name.strip():
            raise UsageError("a collection's new name must not be empty")
        req = cpb.UpdateCollectionRequest(
            collection_id=collection_id,
            collection_name=name,
            collection_description=description,
            field_definition_updates=field_updates(add_fields, remove_fields),
        )
        if chunking is not None:
            req.chunk_configuration.CopyFrom(chunk_config(chunking))
        return collection_info(await self._call("UpdateCollection", req, timeout))

    async def delete(
        self,
        collection_id: str,
        *,
        timeout: Timeout = None,  # noqa: ASYNC109 - it becomes the gRPC deadline
    ) -> None:
        """Delete the collection (its files stay in Files). Raises NotFound."""
        req = cpb.DeleteCollectionRequest(collection_id=collection_id)
        await self._call("DeleteCollection", req, timeout)

    async def upload_document(
        self,
        collection_id: str,
        source: UploadSource,
        *,
        filename: str | None = None,
        fields: Mapping[str, str] | None = None,
        progress: Progress | None = None,
        wait: bool = False,
        wait_timeout: float = 120.0,
        timeout: Timeout = None,  # noqa: ASYNC109 - the deadline of each call
    ) -> DocumentInfo:
        """Upload ``source`` (as :meth:`Files.upload`) and add it to the collection.

        When adding fails, the uploaded file is deleted again. ``wait``: return only
        once it is indexed (:meth:`wait_indexed`, at most ``wait_timeout`` seconds).

        Raises:
            UsageError: a bad source or field values (before anything is sent).
            IndexingFailed: ``wait`` and indexing failed.
        """
        values = check_fields(fields)
        file = await self._files.upload(
            source, filename=filename, progress=progress, timeout=timeout
        )
        try:
            await self.add_document(collection_id, file.id, fields=values, timeout=timeout)
        except BaseException:
            await asyncio.shield(self._forget(file.id))
            raise
        if wait:
            return (await self.wait_indexed(collection_id, [file.id], timeout=wait_timeout))[0]
        return await self.get_document(collection_id, file.id, timeout=timeout)

    async def _forget(self, file_id: str) -> None:
        """Delete a file that could not be added (best effort: the add's error is what matters)."""
        with suppress(AgentrtError):  # the add's error is raised instead
            await self._files.delete(file_id, timeout=10.0)

    async def add_document(
        self,
        collection_id: str,
        file_id: str,
        *,
        fields: Mapping[str, str] | None = None,
        timeout: Timeout = None,  # noqa: ASYNC109 - it becomes the gRPC deadline
    ) -> None:
        """Add a stored file to the collection (indexing starts; see :meth:`wait_indexed`)."""
        req = cpb.AddDocumentToCollectionRequest(
            collection_id=collection_id, file_id=file_id, fields=check_fields(fields)
        )
        await self._call("AddDocumentToCollection", req, timeout)

    async def remove_document(
        self,
        collection_id: str,
        file_id: str,
        *,
        timeout: Timeout = None,  # noqa: ASYNC109 - it becomes the gRPC deadline
    ) -> None:
        """Remove a document from the collection (the file stays in Files)."""
        req = cpb.RemoveDocumentFromCollectionRequest(collection_id=collection_id, file_id=file_id)
        await self._call("RemoveDocumentFromCollection", req, timeout)

    def list_documents(
        self,
        collection_id: str,
        *,
        page_size: int = 100,
        order: Order = "desc",
        sort_by: Literal["age", "name", "size"] = "age",
        filter: str = "",
        name: str = "",
        timeout: Timeout = None,
    ) -> AsyncIterator[DocumentInfo]:
        """Every document of the collection, ``page_size`` at a time as the iteration goes.

        Raises:
            UsageError: a bad ``page_size``, ``order`` or ``sort_by`` (at the call).
        """
        req = list_documents_request(collection_id, page_size, order, sort_by, filter, name)
        return paged(
            lambda r: self._call("ListDocuments", r, timeout), req, "documents", document_info
        )

    async def get_document(
        self,
        collection_id: str,
        file_id: str,
        *,
        timeout: Timeout = None,  # noqa: ASYNC109 - it becomes the gRPC deadline
    ) -> DocumentInfo:
        """One document with its indexing status. Raises NotFound."""
        req = cpb.GetDocumentMetadataRequest(collection_id=collection_id, file_id=file_id)
        return document_info(await self._call("GetDocumentMetadata", req, timeout))

    async def batch_get_documents(
        self,
        collection_id: str,
        file_ids: Sequence[str],
        *,
        timeout: Timeout = None,  # noqa: ASYNC109 - the gRPC deadline of each call
    ) -> builtins.list[DocumentInfo]:
        """Several documents (asked ``_BATCH`` at a time), in the order the service returns."""
        found: builtins.list[DocumentInfo] = []
        for start in range(0, len(file_ids), _BATCH):
            req = cpb.BatchGetDocumentsRequest(
                collection_id=collection_id, file_ids=file_ids[start : start + _BATCH]
            )
            found += [
                document_info(d)
                for d in (await self._call("BatchGetDocuments", req, timeout)).documents
            ]
        return found

    async def update_document(
        self,
        collection_id: str,
        file_id: str,
        *,
        name: str | None = None,
        data: bytes | None = None,
        content_type: str | None = None,
        fields: Mapping[str, str] | None = None,
        timeout: Timeout = None,  # noqa: ASYNC109 - it becomes the gRPC deadline
    ) -> DocumentInfo:
        """Change a document's name, content, content type or fields; it as it is now."""
        req = cpb.UpdateDocumentRequest(
            collection_id=collection_id,
            file_id=file_id,
            name=name,
            data=data,
            content_type=content_type,
            fields=check_fields(fields),
        )
        return document_info(await self._call("UpdateDocument", req, timeout))

    async def reindex_document(
        self,
        collection_id: str,
        file_id: str,
        *,
        timeout: Timeout = None,  # noqa: ASYNC109 - it becomes the gRPC deadline
    ) -> None:
        """Index the document again (after the collection's chunking changed, say)."""
        req = cpb.ReIndexDocumentRequest(collection_id=collection_id, file_id=file_id)
        await self._call("ReIndexDocument", req, timeout)

    async def wait_indexed(
        self,
        collection_id: str,
        file_ids: Sequence[str],
        *,
        timeout: float = 120.0,  # noqa: ASYNC109 - the whole wait, named in the error
    ) -> builtins.list[DocumentInfo]:
        """Poll until every document is processed (searchable); them, in ``file_ids`` order.

        Polls with backoff (0.05 s doubling to 2 s).

        Raises:
            IndexingFailed: a document's status became "failed" (its ``error_message`` says why).
            DeadlineExceeded: some were still processing after ``timeout`` seconds.
        """
        if timeout <= 0:
            raise UsageError(f"wait timeout must be > 0 seconds, got {timeout}")
        ids = list(dict.fromkeys(file_ids))
        deadline, pause = Deadline.after(timeout), _POLL_FIRST
        while True:
            docs, waiting = await self._indexing(collection_id, ids, deadline)
            if not waiting:
                return docs
            if deadline.remaining() <= pause:
                raise DeadlineExceeded(
                    f"{len(waiting)} document(s) still not indexed after {timeout:g} s: "
                    f"{', '.join(waiting[:5])}",
                    code="DEADLINE_EXCEEDED",
                )
            await asyncio.sleep(pause)
            pause = min(pause * 2, _POLL_MAX)

    async def _indexing(
        self, collection_id: str, ids: builtins.list[str], deadline: Deadline
    ) -> tuple[builtins.list[DocumentInfo], builtins.list[str]]:
        """The documents in ``ids`` order and the ids not processed yet.

        Raises:
            NotFound: an id is not a document of the collection.
            IndexingFailed: a document's indexing failed.
        """
        found = await self.batch_get_documents(collection_id, ids, timeout=deadline)
        got = {d.file_id: d for d in found}
        missing = [i for i in ids if i not in got]
        if missing:
            raise NotFound(
                f"not documents of collection {collection_id}: {', '.join(missing)}",
                code="NOT_FOUND",
            )
        docs = [got[i] for i in ids]
        failed = tuple(d for d in docs if d.status == "failed")
        if failed:
            why = "; ".join(f"{d.file_id}: {d.error_message or 'no reason given'}" for d in failed)
            raise IndexingFailed(f"indexing failed for {why}", documents=failed)
        return docs, [d.file_id for d in docs if d.status != "processed"]

    async def generate_description(
        self,
        collection_id: str,
        *,
        timeout: Timeout = None,  # noqa: ASYNC109 - it becomes the gRPC deadline
    ) -> str:
        """A description of the collection written by the service from its documents."""
        req = cpb.GenerateCollectionDescriptionRequest(collection_id=collection_id)
        return str(
            (await self._call("GenerateCollectionDescription", req, timeout)).collection_description
        )
