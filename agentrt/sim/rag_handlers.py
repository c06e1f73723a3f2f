"""gRPC handlers of the simulator's Files, Collections and Documents services, with faults.

Each call is admitted (API key), then planned by the fault injector exactly like a
chat call (the ``--fault`` flags and ``x-sim-fault*`` headers): ``unavailable``,
``resource_exhausted``, ``internal``, ``too_large`` and ``deadline`` end the call
before it does anything; ``abort`` cuts an upload after K received chunks (nothing
is stored) or a download after K sent chunks. Collections are served on the same port
as everything else, so xai-sdk works with ``api_host`` and ``management_api_host``
both set to the simulator.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any, Protocol, cast

import grpc
from agentrt_protos.xai.api.v1 import collections_pb2, documents_pb2, files_pb2

from agentrt.sim.collections import CollectionsService
from agentrt.sim.faults import FaultConfig, FaultInjector, Realism
from agentrt.sim.files import FilesService
from agentrt.sim.handlers import Admit, Observer
from agentrt.sim.ragstore import RagLimits, RagStore
from agentrt.sim.service_handlers import Context, ServiceHandlers, without_plan
from agentrt.sim.status import SimStatus

__all__ = ["RagHandlers"]


class _Options(Protocol):
    """What :meth:`RagHandlers.open` reads of the simulator's options."""

    @property
    def data_dir(self) -> Path | None: ...
    @property
    def files(self) -> RagLimits: ...
    @property
    def faults(self) -> FaultConfig: ...
    @property
    def realism(self) -> Realism: ...
    @property
    def observer(self) -> Observer | None: ...


def _when_done(context: Context, finish: Callable[[bool], None]) -> None:
    """Call ``finish(succeeded)`` when the call has ended (sent its status, or was cancelled)."""
    callback = cast("grpc.aio.DoneCallback[Any, Any]", lambda _: finish(not context.cancelled()))
    context.add_done_callback(callback)  # the stubs' DoneCallback is a class, not a protocol


class RagHandlers(ServiceHandlers):
    """One generic handler for the Files, Collections and Documents methods it implements."""

    def __init__(
        self,
        files: FilesService,
        collections: CollectionsService,
        *,
        admit: Admit,
        injector: FaultInjector,
        observer: Observer | None = None,
    ) -> None:
        super().__init__(admit=admit, injector=injector, observer=observer)
        self.store = files.store
        self.files = files
        f, c, fpb, cpb = files, collections, files_pb2, collections_pb2
        self._unary("/xai_api.Files/ListFiles", fpb.ListFilesRequest, f.list_files)
        self._unary("/xai_api.Files/RetrieveFile", fpb.RetrieveFileRequest, f.retrieve_file)
        self._unary("/xai_api.Files/DeleteFile", fpb.DeleteFileRequest, f.delete_file)
        self._unary(
            "/xai_api.Files/CreatePublicUrl", fpb.CreatePublicUrlRequest, f.create_public_url
        )
        self._unary(
            "/xai_api.Files/RevokePublicUrl", fpb.RevokePublicUrlRequest, f.revoke_public_url
        )
        self._unary("/xai_api.Documents/Search", documents_pb2.SearchRequest, c.search)
        for method, request_type, fn in (
            ("CreateCollection", cpb.CreateCollectionRequest, c.create_collection),
            ("ListCollections", cpb.ListCollectionsRequest, c.list_collections),
            ("GetCollectionMetadata", cpb.GetCollectionMetadataRequest, c.get_collection_metadata),
            ("UpdateCollection", cpb.UpdateCollectionRequest, c.update_collection),
            ("DeleteCollection", cpb.DeleteCollectionRequest, c.delete_collection),
            ("AddDocumentToCollection", cpb.AddDocumentToCollectionRequest, c.add_document),
            ("GetDocumentMetadata", cpb.GetDocumentMetadataRequest, c.get_document_metadata),
            ("ListDocuments", cpb.ListDocumentsRequest, c.list_documents),
            ("BatchGetDocuments", cpb.BatchGetDocumentsRequest, c.batch_get_documents),
            (
                "RemoveDocumentFromCollection",
                cpb.RemoveDocumentFromCollectionRequest,
                c.remove_document,
            ),
            ("ReIndexDocument", cpb.ReIndexDocumentRequest, c.reindex_document),
            ("UpdateDocument", cpb.UpdateDocumentRequest, c.update_document),
            (
                "GenerateCollectionDescription",
                cpb.GenerateCollectionDescriptionRequest,
                c.generate_description,
            ),
        ):
            self._unary(f"/collections.Collections/{method}", request_type, fn)
        self._handlers["/xai_api.Files/UploadFile"] = grpc.stream_unary_rpc_method_handler(
            self._upload_handler(f),
            request_deserializer=fpb.UploadFileChunk.FromString,
            response_serializer=fpb.File.SerializeToString,
        )
        self._handlers["/xai_api.Files/RetrieveFileContent"] = grpc.unary_stream_rpc_method_handler(
            self._download_handler(f),
            request_deserializer=fpb.RetrieveFileContentRequest.FromString,
            response_serializer=fpb.FileContentChunk.SerializeToString,
        )

    @classmethod
    def open(cls, options: _Options, admit: Admit) -> RagHandlers:
        """Handlers over a new store (in memory, or under ``options.data_dir``)."""
        store = RagStore(options.files, options.data_dir)
        return cls(
            FilesService(store),
            CollectionsService(store),
            admit=admit,
            injector=FaultInjector(options.faults, options.realism),
            observer=options.observer,
        )

    def close(self) -> None:
        """Close the store (one on disk keeps everything committed)."""
        self.store.close()

    def _unary(self, path: str, request_type: Any, fn: Callable[[Any], Awaitable[Any]]) -> None:
        self.unary(path, request_type, without_plan(fn))

    def _upload_handler(self, files: FilesService) -> Any:
        async def handler(requests: AsyncIterator[Any], context: Context) -> Any:
            try:
                plan, _ = await self.begin("xai_api.Files/UploadFile", context)
                return await files.upload_file(
                    requests, plan.abort_after, functools.partial(_when_done, context)
                )
            except SimStatus as status:
                await context.abort(
                    status.code, status.details, trailing_metadata=status.trailing_metadata()
                )

        return handler

    def _download_handler(self, files: FilesService) -> Any:
        async def handler(request: Any, context: Context) -> AsyncIterator[Any]:
            try:
                plan, _ = await self.begin("xai_api.Files/RetrieveFileContent", context)
                async for chunk in files.retrieve_file_content(request, plan.abort_after):
                    yield chunk
            except SimStatus as status:
                await context.abort(
                    status.code, status.details, trailing_metadata=status.trailing_metadata()
                )

        return handler
