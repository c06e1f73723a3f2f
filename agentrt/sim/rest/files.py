"""The HTTP door's files endpoints: OpenAI's (and xAI's) files REST over the simulator's store.

``POST /v1/files`` (multipart ``file``, optional ``purpose`` and expiry) stores the file
read in pieces (:mod:`agentrt.sim.rest.uploads`); ``GET /v1/files``
lists them newest first (``order``, ``limit``, ``after``, ``purpose``);
``GET /v1/files/{id}`` describes one, ``GET /v1/files/{id}/content`` streams its bytes a
piece at a time, ``DELETE /v1/files/{id}`` deletes it. The same store and service as
gRPC's ``Files``: a file uploaded through one door is listed and downloaded through the
other. Each request is admitted and gets its planned fault as the gRPC calls do.
"""

from __future__ import annotations

import contextlib
import mimetypes
from collections.abc import AsyncGenerator
from typing import TYPE_CHECKING, Any, cast

import grpc
from agentrt_protos.xai.api.v1 import files_pb2

from agentrt.sim.rest.admission import begin
from agentrt.sim.rest.body import BadRequest
from agentrt.sim.rest.context import HttpContext
from agentrt.sim.rest.cursor import cursor_page
from agentrt.sim.rest.params import choice
from agentrt.sim.rest.records import DEFAULT_PURPOSE
from agentrt.sim.rest.uploads import read_upload
from agentrt.sim.status import SimStatus

if TYPE_CHECKING:
    from aiohttp import web

    from agentrt.sim.files import FilesService
    from agentrt.sim.rest.deps import RestDeps
    from agentrt.sim.rest.records import Records

__all__ = ["add_routes", "check_id", "file_json"]

_MAX_ID = 256
_MAX_EXPIRY_S = 30 * 86_400


def check_id(value: str, kind: str) -> str:
    """``value`` if it could be an id; a 404 naming it (cut short) otherwise."""
    if not value or len(value) > _MAX_ID or not value.isprintable():
        raise SimStatus(grpc.StatusCode.NOT_FOUND, f"{kind} {value[:64]!r} not found")
    return value


def file_json(message: files_pb2.File, purpose: str) -> dict[str, Any]:
    """OpenAI's file object of a ``File`` message."""
    return {
        "id": message.id,
        "object": "file",
        "bytes": message.size,
        "created_at": message.created_at.seconds,
        "filename": message.filename,
        "purpose": purpose,
        "status": "processed",
        "expires_at": message.expires_at.seconds if message.HasField("expires_at") else None,
        "status_details": None,
    }


def _expiry(fields: dict[str, str]) -> int | None:
    """Seconds from xAI's ``expires_after`` or the ``openai`` SDK's anchor and seconds."""
    anchor = fields.get("expires_after[anchor]")
    seconds = fields.get("expires_after[seconds]")
    plain = fields.get("expires_after")
    if anchor is None and seconds is None and plain is None:
        return None
    if plain is not None:
        if anchor is not None or seconds is not None:
            raise BadRequest(
                "send expires_after, or expires_after[anchor] and [seconds], not both",
                param="expires_after",
            )
        anchor, seconds = "created_at", plain
    if anchor != "created_at" or not (seconds and seconds.isascii() and seconds.isdigit()):
        raise BadRequest(
            "expires_after needs anchor 'created_at' and a whole number of seconds",
            param="expires_after",
        )
    if not 0 < int(seconds) <= _MAX_EXPIRY_S:
        raise BadRequest(
            f"expires_after[seconds] must be 1..{_MAX_EXPIRY_S}", param="expires_after"
        )
    return int(seconds)


_SORTS = {
    "created_at": files_pb2.FILES_SORT_BY_CREATED_AT,
    "filename": files_pb2.FILES_SORT_BY_FILENAME,
    "size": files_pb2.FILES_SORT_BY_SIZE,
}


async def _every_file(
    files: FilesService, descending: bool, sort_by: str = "created_at"
) -> list[files_pb2.File]:
    """Every live file, sorted as asked, read a page at a time from the service."""
    order = files_pb2.DESCENDING if descending else files_pb2.ASCENDING
    out: list[files_pb2.File] = []
    token = ""
    while True:
        reply = await files.list_files(
            files_pb2.ListFilesRequest(
                limit=files.store.limits.max_page,
                order=order,
                sort_by=_SORTS[sort_by],
                pagination_token=token,
            )
        )
        out.extend(reply.data)
        token = reply.pagination_token
        if not token or not reply.data:
            return out


class _Files:
    """The endpoints, over the simulator's Files service and the door's records."""

    def __init__(self, deps: RestDeps) -> None:
        self.deps = deps
        self.files = deps.rag.files
        self.records: Records = deps.records

    async def upload(self, request: web.Request) -> web.Response:
        from aiohttp import web

        plan = await begin(self.deps.rag, HttpContext(request))
        store = self.files.store
        upload = await read_upload(request, store.limits.max_file_bytes, plan.abort_after)
        purpose = upload.fields.get("purpose", DEFAULT_PURPOSE)  # a label xAI does not enforce
        file_id = store.add_file(upload.filename, upload.pieces, _expiry(upload.fields))
        store.finish_upload(file_id, True)  # the whole body has arrived: list it at once
        self.records.purposes[file_id] = purpose
        if len(self.records.purposes) > 2 * store.limits.max_files:
            self.records.keep_purposes({m.id for m in await _every_file(self.files, False)})
        return web.json_response(file_json(self.files.message(file_id), purpose))

    async def list(self, request: web.Request) -> web.Response:
        """OpenAI's cursor page (``after``), or xAI's (``pagination_token``, ``sort_by``)."""
        from aiohttp import web

        await begin(self.deps.rag, HttpContext(request))
        query = dict(request.query)
        order = choice(query, "order", ("asc", "desc"), "desc")
        sort_by = choice(query, "sort_by", tuple(_SORTS), "created_at")
        if "pagination_token" in query:  # xAI's cursor is the last id of the page before
            query.setdefault("after", query["pagination_token"])
        listed = [
            file_json(m, self.records.purpose(m.id))
            for m in await _every_file(self.files, order == "desc", sort_by)
        ]
        if "purpose" in query:
            listed = [f for f in listed if f["purpose"] == query["purpose"]]
        limit = self.files.store.limits.max_files
        page, more = cursor_page(
            listed, query, lambda f: str(f["id"]), default=limit, maximum=limit
        )
        last = page[-1]["id"] if page else None
        return web.json_response(
            {
                "object": "list",
                "data": page,
                "first_id": page[0]["id"] if page else None,
                "last_id": last,
                "has_more": more,
                "pagination_token": last if more else None,
            }
        )

    async def retrieve(self, request: web.Request) -> web.Response:
        from aiohttp import web

        await begin(self.deps.rag, HttpContext(request))
        file_id = check_id(request.match_info["file_id"], "file")
        message = await self.files.retrieve_file(files_pb2.RetrieveFileRequest(file_id=file_id))
        return web.json_response(file_json(message, self.records.purpose(file_id)))

    async def delete(self, request: web.Request) -> web.Response:
        from aiohttp import web

        await begin(self.deps.rag, HttpContext(request))
        file_id = check_id(request.match_info["file_id"], "file")
        await self.files.delete_file(files_pb2.DeleteFileRequest(file_id=file_id))
        self.records.purposes.pop(file_id, None)
        return web.json_response({"id": file_id, "object": "file", "deleted": True})

    async def content(self, request: web.Request) -> web.StreamResponse:
        """The file's bytes, a piece at a time; a failure after the first is a cut connection."""
        from aiohttp import web

        plan = await begin(self.deps.rag, HttpContext(request))
        file_id = check_id(request.match_info["file_id"], "file")
        message = self.files.message(file_id)  # NOT_FOUND as an error body
        pieces = cast(
            "AsyncGenerator[files_pb2.FileContentChunk, None]",
            self.files.retrieve_file_content(
                files_pb2.RetrieveFileContentRequest(file_id=file_id), plan.abort_after
            ),
        )
        async with contextlib.aclosing(pieces):
            first = await anext(pieces)
            kind = mimetypes.guess_type(message.filename)[0] or "application/octet-stream"
            response = web.StreamResponse(headers={"content-type": kind})
            response.content_length = message.size
            await response.prepare(request)
            try:
                await response.write(first.data)
                async for piece in pieces:
                    await response.write(piece.data)
            except SimStatus:
                # the status line has gone: a short body on a closed connection tells the client
                if request.transport is not None:
                    request.transport.close()
                return response
            await response.write_eof()
        return response


def add_routes(router: web.UrlDispatcher, deps: RestDeps) -> None:
    """Mount this module's endpoints on ``router``."""
    files = _Files(deps)
    router.add_post("/v1/files", files.upload)
    router.add_get("/v1/files", files.list)
    router.add_get("/v1/files/{file_id}", files.retrieve)
    router.add_delete("/v1/files/{file_id}", files.delete)
    router.add_get("/v1/files/{file_id}/content", files.content)
