"""The Files service (``client.files``): upload, download, list, delete, public URLs.

Uploads stream: a path is read chunk by chunk off the event loop (never whole in
memory), bytes are sent in chunks, an async iterable as it yields. A rate-limited
upload is retried when its source can be read again (a path, bytes), never for an
async iterable. :meth:`Files.download_to` writes a temporary file next to the
target and renames it only once the download is complete.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import tempfile
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from contextlib import suppress
from dataclasses import replace
from pathlib import Path
from typing import IO, Any, Literal

from agentrt_protos.xai.api.v1 import files_pb2, files_pb2_grpc

from agentrt.errors import AgentrtError, UsageError
from agentrt.xai.deadline import Timeout
from agentrt.xai.file_types import FileInfo, Progress, PublicUrl, UploadOutcome, UploadSource
from agentrt.xai.file_wire import (
    file_info,
    list_request,
    public_url,
    upload_messages,
    upload_messages_async,
)
from agentrt.xai.paging import paged
from agentrt.xai.transport import Transport
from agentrt.xai.upload_source import Source, check_expires, open_source

__all__ = ["Files"]

_STUB = files_pb2_grpc.FilesStub
ManySource = str | os.PathLike[str] | tuple[str, bytes | AsyncIterable[bytes]]
FileSort = Literal["created_at", "filename", "size"]
Order = Literal["asc", "desc"]


class Files:
    """Files stored by xAI (``client.files``), over the API channel.

    Args:
        transport: the client's API transport.
    """

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    async def _call(self, method: str, request: Any, timeout: Timeout) -> Any:  # noqa: ASYNC109 - the gRPC deadline
        return await self._transport.unary(_STUB, method, request, timeout=timeout)

    async def upload(
        self,
        source: UploadSource,
        *,
        filename: str | None = None,
        expires_after: float | dt.timedelta | None = None,
        progress: Progress | None = None,
        timeout: Timeout = None,  # noqa: ASYNC109 - it becomes the gRPC deadline
    ) -> FileInfo:
        """Store ``source`` as a file.

        Args:
            source: a path, bytes, or an async iterable of bytes (read once, as it comes).
            filename: the stored name; default the path's name (required for bytes and streams).
            expires_after: seconds (or a timedelta) until the service deletes the file.
            progress: called on the event loop with (bytes sent, total or ``None``).
            timeout: the deadline of the whole upload.

        Raises:
            UsageError: a bad source, a missing ``filename``, a non-positive ``expires_after``.
            RPCError: the upload failed (nothing is stored then).
        """
        checked = open_source(source, filename)
        return await self._upload(checked, check_expires(expires_after), progress, timeout)

    async def _upload(
        self,
        source: Source,
        expires: int | None,
        progress: Progress | None,
        timeout: Timeout,  # noqa: ASYNC109 - the gRPC deadline
    ) -> FileInfo:
        loop = asyncio.get_running_loop()
        total = source.total

        def report(sent: int) -> None:
            if progress is not None:
                progress(sent, total)

        def report_from_thread(sent: int) -> None:  # gRPC's thread reads a path or bytes
            if progress is not None:
                with suppress(RuntimeError):  # the loop is closed: nobody is listening
                    loop.call_soon_threadsafe(progress, sent, total)

        def messages() -> Iterator[Any] | AsyncIterator[Any]:
            if source.replayable:
                return upload_messages(source.filename, expires, source.chunks(report_from_thread))
            return upload_messages_async(source.filename, expires, source.stream(report))

        reply = await self._transport.stream_unary(
            _STUB, "UploadFile", messages, replayable=source.replayable, timeout=timeout
        )
        return file_info(reply)

    async def upload_many(
        self,
        sources: Iterable[ManySource],
        *,
        concurrency: int = 4,
        progress: Progress | None = None,
        timeout: Timeout = None,  # noqa: ASYNC109 - the deadline of each upload
    ) -> list[UploadOutcome]:
        """Upload every source, ``concurrency`` at a time; one outcome per source, in order.

        A source is a path, or a ``(filename, bytes or async iterable)`` pair. A failed
        upload (a missing file included) is its outcome's ``error``; it never stops or
        loses the others. ``progress``: (bytes sent by all uploads so far, their total
        or ``None`` when one is a stream).

        Raises:
            UsageError: ``concurrency < 1``.
        """
        if concurrency < 1:
            raise UsageError(f"concurrency must be >= 1, got {concurrency}")
        checked = [_checked(s) for s in sources]
        outcomes = [_pending(c) for c in checked]
        sent = [0] * len(checked)
        sizes = [c.total if isinstance(c, Source) else 0 for c in checked]
        total = None if None in sizes else sum(s or 0 for s in sizes)
        gate = asyncio.Semaphore(concurrency)

        async def one(i: int, source: Source) -> None:
            def mine(done: int, _: int | None) -> None:
                sent[i] = done
                if progress is not None:
                    progress(sum(sent), total)

            async with gate:
                try:
                    info = await self._upload(source, None, mine, timeout)
                    outcomes[i] = UploadOutcome(source=source.label, file=info)
                except AgentrtError as exc:
                    outcomes[i] = UploadOutcome(source=source.label, error=exc)
                except OSError as exc:  # the file changed or vanished while it was read
                    error = UsageError(f"cannot read {source.label!r}: {exc.strerror or exc}")
                    outcomes[i] = UploadOutcome(source=source.label, error=error)

        async with asyncio.TaskGroup() as tg:
            for i, source in enumerate(checked):
                if isinstance(source, Source):
                    tg.create_task(one(i, source))
        return outcomes

    async def download(
        self,
        file_id: str,
        *,
        as_text: bool = False,
        timeout: Timeout = None,  # noqa: ASYNC109 - it becomes the gRPC deadline
    ) -> AsyncIterator[bytes]:
        """Yield the file's content as it arrives (``as_text``: its extracted text).

        Raises:
            NotFound: no file ``file_id``.
            StreamInterrupted: the download broke off after its first chunk.
        """
        req = files_pb2.RetrieveFileContentRequest(file_id=file_id)
        if as_text:
            req.format = files_pb2.DOWNLOAD_FORMAT_TEXT
        # grpc.aio, not a reader thread: its flow control keeps a slow consumer's
        # memory flat (a thread would read up to MAX_QUEUED chunks ahead).
        async for chunk in self._transport.stream(
            _STUB, "RetrieveFileContent", req, timeout=timeout, threaded=False
        ):
            yield chunk.data

    async def download_to(
        self,
        file_id: str,
        path: str | os.PathLike[str],
        *,
        progress: Progress | None = None,
        timeout: Timeout = None,  # noqa: ASYNC109 - it becomes the gRPC deadline
    ) -> int:
        """Write the file to ``path``; the number of bytes written.

        The bytes go to a temporary file in ``path``'s directory (written off the
        event loop), renamed to ``path`` only once complete: on any failure or
        cancellation nothing is left behind and an existing ``path`` is untouched.
        ``progress``: (bytes written, the file's size).

        Raises:
            UsageError: ``path``'s directory does not exist or cannot be written.
            NotFound: no file ``file_id``.
            StreamInterrupted: the download broke off.
        """
        target = Path(path)
        if not target.parent.is_dir():
            raise UsageError(f"cannot write {str(target)!r}: its directory does not exist")
        total = (await self.get(file_id, timeout=timeout)).size if progress else None
        try:
            fd, tmp = await asyncio.to_thread(
                tempfile.mkstemp, dir=target.parent, prefix=f".{target.name}.", suffix=".part"
            )
        except OSError as e:
            raise UsageError(f"cannot write {str(target)!r}: {e.strerror or e}") from None
        try:
            with os.fdopen(fd, "wb") as out:
                written = await self._write(file_id, out, progress, total, timeout)
            await asyncio.to_thread(os.replace, tmp, target)
        except BaseException as e:
            with suppress(OSError):
                os.unlink(tmp)
            if isinstance(e, OSError):  # a full disk, a target that is a directory
                raise UsageError(f"cannot write {str(target)!r}: {e.strerror or e}") from None
            raise
        return written

    async def _write(
        self,
        file_id: str,
        out: IO[bytes],
        progress: Progress | None,
        total: int | None,
        timeout: Timeout,  # noqa: ASYNC109 - the gRPC deadline
    ) -> int:
        written = 0
        loop = asyncio.get_running_loop()
        pending: asyncio.Future[Any] | None = None
        try:
            async for data in self.download(file_id, timeout=timeout):
                pending = loop.run_in_executor(None, out.write, data)
                await asyncio.shield(pending)
                written += len(data)
                if progress is not None:
                    progress(written, total)
        finally:
            if pending is not None and not pending.done():
                await asyncio.wait({pending})  # a write in flight ends before the file is removed
        return written

    async def content(
        self,
        file_id: str,
        *,
        timeout: Timeout = None,  # noqa: ASYNC109 - it becomes the gRPC deadline
    ) -> bytes:
        """The whole file, in memory (use :meth:`download_to` for large ones)."""
        return b"".join([c async for c in self.download(file_id, timeout=timeout)])

    async def get(
        self,
        file_id: str,
        *,
        timeout: Timeout = None,  # noqa: ASYNC109 - it becomes the gRPC deadline
    ) -> FileInfo:
        """One file's metadata. Raises NotFound when there is no such file."""
        req = files_pb2.RetrieveFileRequest(file_id=file_id)
        return file_info(await self._call("RetrieveFile", req, timeout))

    def list(
        self,
        *,
        page_size: int = 100,
        order: Order = "desc",
        sort_by: FileSort = "created_at",
        filter: str = "",
        timeout: Timeout = None,
    ) -> AsyncIterator[FileInfo]:
        """Every file, fetched ``page_size`` at a time as the iteration goes.

        Raises:
            UsageError: a bad ``page_size``, ``order`` or ``sort_by`` (at the call).
        """
        req = list_request(page_size, order, sort_by, filter)
        return paged(lambda r: self._call("ListFiles", r, timeout), req, "data", file_info)

    async def delete(
        self,
        file_id: str,
        *,
        timeout: Timeout = None,  # noqa: ASYNC109 - it becomes the gRPC deadline
    ) -> None:
        """Delete the file (and remove it from every collection). Raises NotFound."""
        await self._call("DeleteFile", files_pb2.DeleteFileRequest(file_id=file_id), timeout)

    async def create_public_url(
        self,
        file_id: str,
        *,
        expires_after: float | dt.timedelta | None = None,
        timeout: Timeout = None,  # noqa: ASYNC109 - it becomes the gRPC deadline
    ) -> PublicUrl:
        """A public URL of the file, valid ``expires_after`` seconds (default: until revoked)."""
        req = files_pb2.CreatePublicUrlRequest(
            file_id=file_id, expires_after=check_expires(expires_after)
        )
        return public_url(await self._call("CreatePublicUrl", req, timeout))

    async def revoke_public_url(
        self,
        file_id: str,
        *,
        timeout: Timeout = None,  # noqa: ASYNC109 - it becomes the gRPC deadline
    ) -> None:
        """Revoke the file's public URL."""
        req = files_pb2.RevokePublicUrlRequest(file_id=file_id)
        await self._call("RevokePublicUrl", req, timeout)


def _checked(source: ManySource) -> Source | UploadOutcome:
    """``source`` checked, or the outcome of a source that cannot be uploaded."""
    label = str(source[0]) if isinstance(source, tuple) else str(source)
    try:
        if isinstance(source, tuple):
            return replace(open_source(source[1], source[0]), label=label)
        return open_source(source, None)
    except UsageError as exc:
        return UploadOutcome(source=label, error=exc)


def _pending(checked: Source | UploadOutcome) -> UploadOutcome:
    """The outcome slot of a source: its final outcome already when it could not be checked."""
    if isinstance(checked, UploadOutcome):
        return checked
    return UploadOutcome(source=checked.label, error=UsageError("the upload did not run"))
