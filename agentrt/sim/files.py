"""The simulator's ``xai_api.Files`` service: upload, list, retrieve, download, delete,
and public URLs.

An upload is kept only once its stream has ended normally: a stream cut off by the
client, by a fault or by the size limit stores nothing. A public URL is served by the
simulator's HTTP host (see ``imagehost``); its token is kept in the store, so it
survives a restart under ``--data-dir`` (at the new HTTP port).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import functools
import mimetypes
from collections.abc import AsyncIterator, Callable
from typing import Any

import grpc
from agentrt_protos.xai.api.v1 import files_pb2

from agentrt.sim.filters import FILE_KEYS, Record, compile_filter
from agentrt.sim.ragstore import RagStore
from agentrt.sim.status import SimStatus

__all__ = ["FilesService", "page_bounds", "timestamp"]

_SORT = {
    files_pb2.FILES_SORT_BY_CREATED_AT: "created",
    files_pb2.FILES_SORT_BY_FILENAME: "name",
    files_pb2.FILES_SORT_BY_SIZE: "size",
}
_MAX_NAME = 1024
_MAX_URL_SECONDS = 10 * 365 * 86_400


def _invalid(details: str) -> SimStatus:
    return SimStatus(grpc.StatusCode.INVALID_ARGUMENT, details)


def timestamp(message: Any, seconds: float) -> None:
    """Set a ``google.protobuf.Timestamp`` field's value."""
    message.seconds = int(seconds)
    message.nanos = int((seconds % 1) * 1e9)


def page_bounds(limit: int, token: str, max_page: int, prefix: str = "offset:") -> tuple[int, int]:
    """(offset, limit) of a page request; INVALID_ARGUMENT on a bad token or limit."""
    if limit < 0:
        raise _invalid(f"limit {limit} is negative: ask for 1..{max_page} items (0 = 100)")
    offset = 0
    if token:
        try:
            offset = int(base64.urlsafe_b64decode(token.encode()).decode().removeprefix(prefix))
        except (ValueError, UnicodeDecodeError):
            offset = -1
        if not 0 <= offset < 2**62:
            raise _invalid(f"pagination_token {token[:40]!r} is not one this server returned")
    return offset, min(limit or 100, max_page)


def next_token(offset: int, limit: int, got: int) -> str | None:
    """The token of the page after this one, None when this one was the last."""
    if got < limit:
        return None
    return base64.urlsafe_b64encode(f"offset:{offset + got}".encode()).decode()


def _seconds(stamp: Any) -> float:
    return float(stamp.seconds + stamp.nanos / 1e9)


def _record(m: files_pb2.File) -> Record:
    """What a filter sees of a file."""
    return {
        "file_id": m.id,
        "name": m.filename,
        "file_name": m.filename,
        "size_bytes": float(m.size),
        "content_type": mimetypes.guess_type(m.filename)[0] or "application/octet-stream",
        "created_at": _seconds(m.created_at),
        "expires_at": _seconds(m.expires_at) if m.HasField("expires_at") else None,
        "upload_status": "UPLOAD_STATUS_COMPLETE",
        "user_defined_id": None,
        "public_url": m.public_url if m.HasField("public_url") else None,
        "public_url_expires_at": (
            _seconds(m.public_url_expires_at) if m.HasField("public_url_expires_at") else None
        ),
    }


class FilesService:
    """Handlers of ``xai_api.Files`` over a :class:`RagStore`."""

    def __init__(self, store: RagStore) -> None:
        self.store = store
        self.link: Callable[[str], str] | None = None  # a public URL token -> its URL

    def message(self, file_id: str) -> files_pb2.File:
        """The ``File`` message of a stored file."""
        fid, name, size, created, expires = self.store.file(file_id)
        out = files_pb2.File(id=fid, filename=name, size=size)
        timestamp(out.created_at, created)
        if expires is not None:
            timestamp(out.expires_at, expires)
        public = self.store.public_url(file_id) if self.link is not None else None
        if public is not None and self.link is not None:
            out.public_url = self.link(public[0])
            if public[1] is not None:
                timestamp(out.public_url_expires_at, public[1])
        return out

    async def create_public_url(
        self, request: files_pb2.CreatePublicUrlRequest
    ) -> files_pb2.CreatePublicUrlResponse:
        """``CreatePublicUrl``: the file's URL (its current one, expiry updated if asked)."""
        if self.link is None:
            raise SimStatus(
                grpc.StatusCode.UNIMPLEMENTED, "this simulator serves no HTTP host for public URLs"
            )
        expires_after = request.expires_after if request.HasField("expires_after") else None
        if expires_after is not None and not 0 < expires_after <= _MAX_URL_SECONDS:
            raise _invalid(
                f"expires_after {expires_after} must be 1..{_MAX_URL_SECONDS} seconds "
                "(or left out: the URL then expires with the file)"
            )
        token, expires = self.store.make_public(request.file_id, expires_after)
        out = files_pb2.CreatePublicUrlResponse(public_url=self.link(token))
        if expires is not None:
            timestamp(out.expires_at, expires)
        return out

    async def revoke_public_url(
        self, request: files_pb2.RevokePublicUrlRequest
    ) -> files_pb2.RevokePublicUrlResponse:
        """``RevokePublicUrl``: the URL answers 404 from now on (a no-op without one)."""
        token = self.store.revoke_public(request.file_id)
        out = files_pb2.RevokePublicUrlResponse(file_id=request.file_id, revoked=token is not None)
        if token is not None and self.link is not None:
            out.public_url = self.link(token)
        return out

    async def upload_file(
        self,
        requests: AsyncIterator[files_pb2.UploadFileChunk],
        abort_after: int | None,
        on_done: Callable[[Callable[[bool], None]], None],
    ) -> files_pb2.File:
        """``UploadFile``: an ``init`` chunk, then data chunks; stored once the stream ends.

        When a client's request stream fails, gRPC cancels the call, but the server first
        sees a clean-looking end of stream and the cancellation a moment later. So the
        upload waits ``upload_settle_s`` (cancelled meanwhile: nothing is stored), and the
        file is listed only once the call has succeeded: ``on_done(finish)`` must call
        ``finish(succeeded)`` when the call ends.
        """
        init: files_pb2.UploadFileInit | None = None
        parts: list[bytes] = []
        total, count, limit = 0, 0, self.store.limits.max_file_bytes
        async for chunk in requests:
            count += 1
            if abort_after is not None and count > abort_after:
                raise SimStatus(
                    grpc.StatusCode.UNAVAILABLE,
                    f"simulated fault: upload interrupted after {abort_after} chunk(s); "
                    "nothing was stored",
                )
            kind = chunk.WhichOneof("chunk")
            if init is None:
                if kind != "init":
                    raise _invalid("the first UploadFileChunk must be 'init' (the file's name)")
                init = self._check_init(chunk.init)
                continue
            if kind == "init":
                raise _invalid("a second 'init' chunk: send one init, then only data chunks")
            total += len(chunk.data)
            if total > limit:
                raise _invalid(
                    f"file {init.name!r} is larger than the simulator's limit of {limit} bytes "
                    "(--max-file-bytes); nothing was stored"
                )
            parts.append(chunk.data)
        if init is None:
            raise _invalid("empty upload: send an 'init' chunk (the name), then data chunks")
        await asyncio.sleep(self.store.limits.upload_settle_s)
        expires = init.expires_after if init.HasField("expires_after") else None
        file_id = self.store.add_file(init.name, parts, expires)
        on_done(functools.partial(self.store.finish_upload, file_id))
        return self.message(file_id)

    @staticmethod
    def _check_init(init: files_pb2.UploadFileInit) -> files_pb2.UploadFileInit:
        if not init.name or len(init.name) > _MAX_NAME:
            raise _invalid(f"file name must be 1..{_MAX_NAME} characters")
        if init.HasField("expires_after") and init.expires_after <= 0:
            raise _invalid(
                f"expires_after {init.expires_after} must be a positive number of seconds"
            )
        return init

    async def list_files(self, request: files_pb2.ListFilesRequest) -> files_pb2.ListFilesResponse:
        """``ListFiles``: a page, sorted as asked."""
        offset, limit = page_bounds(
            request.limit, request.pagination_token, self.store.limits.max_page
        )
        match = compile_filter(request.filter, FILE_KEYS)
        order = (_SORT.get(request.sort_by, "created"), request.order == files_pb2.DESCENDING)
        if match is None:
            page = [self.message(r[0]) for r in self.store.files(*order, offset, limit)]
        else:  # every file is looked at (at most max_files), then the page is cut
            every = [
                self.message(r[0]) for r in self.store.files(*order, 0, self.store.limits.max_files)
            ]
            page = [m for m in every if match(_record(m))][offset : offset + limit]
        out = files_pb2.ListFilesResponse(data=page)
        token = next_token(offset, limit, len(page))
        if token is not None:
            out.pagination_token = token
        return out

    async def retrieve_file(self, request: files_pb2.RetrieveFileRequest) -> files_pb2.File:
        """``RetrieveFile``."""
        return self.message(request.file_id)

    async def delete_file(
        self, request: files_pb2.DeleteFileRequest
    ) -> files_pb2.DeleteFileResponse:
        """``DeleteFile``: the file, and it as a document of every collection."""
        self.store.delete_file(request.file_id)
        return files_pb2.DeleteFileResponse(id=request.file_id, deleted=True)

    async def retrieve_file_content(
        self, request: files_pb2.RetrieveFileContentRequest, abort_after: int | None
    ) -> AsyncIterator[files_pb2.FileContentChunk]:
        """``RetrieveFileContent``: the bytes in chunks of ``download_chunk_bytes``."""
        pieces = self.store.file_pieces(request.file_id, self.store.limits.download_chunk_bytes)
        with contextlib.closing(pieces):
            for n, piece in enumerate(pieces):
                if abort_after is not None and n >= abort_after:
                    raise SimStatus(
                        grpc.StatusCode.UNAVAILABLE,
                        f"simulated fault: download interrupted after {abort_after} chunk(s)",
                    )
                yield files_pb2.FileContentChunk(data=piece)
