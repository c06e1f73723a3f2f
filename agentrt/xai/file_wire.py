"""Files values to and from the wire (``files_pb2``): the only place they meet protobuf."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from typing import Any

from agentrt_protos.xai.api.v1 import files_pb2

from agentrt.errors import UsageError
from agentrt.xai.file_types import FileInfo, PublicUrl

__all__ = [
    "ORDERS",
    "check_choice",
    "file_info",
    "list_request",
    "public_url",
    "timestamp",
    "upload_messages",
    "upload_messages_async",
]

ORDERS = {"asc": files_pb2.ASCENDING, "desc": files_pb2.DESCENDING}
_SORT = {
    "created_at": files_pb2.FILES_SORT_BY_CREATED_AT,
    "filename": files_pb2.FILES_SORT_BY_FILENAME,
    "size": files_pb2.FILES_SORT_BY_SIZE,
}


def check_choice(what: str, value: str, choices: Iterable[str]) -> str:
    """``value`` when it is one of ``choices``; else a UsageError listing them."""
    allowed = list(choices)
    if value not in allowed:
        raise UsageError(f"{what} must be one of {', '.join(allowed)}; got {value!r}")
    return value


def timestamp(message: Any, name: str) -> dt.datetime | None:
    """A ``Timestamp`` field as an aware UTC datetime, ``None`` when unset."""
    if not message.HasField(name):
        return None
    return getattr(message, name).ToDatetime(tzinfo=dt.UTC)  # type: ignore[no-any-return]


def file_info(m: files_pb2.File) -> FileInfo:
    """A ``File`` message as a :class:`FileInfo`."""
    return FileInfo(
        id=m.id,
        filename=m.filename,
        size=m.size,
        created_at=timestamp(m, "created_at") or dt.datetime.fromtimestamp(0, dt.UTC),
        expires_at=timestamp(m, "expires_at"),
        public_url=m.public_url,
        public_url_expires_at=timestamp(m, "public_url_expires_at"),
    )


def public_url(m: files_pb2.CreatePublicUrlResponse) -> PublicUrl:
    """A ``CreatePublicUrlResponse`` as a :class:`PublicUrl`."""
    return PublicUrl(url=m.public_url, expires_at=timestamp(m, "expires_at"))


def list_request(
    page_size: int, order: str, sort_by: str, filter: str
) -> files_pb2.ListFilesRequest:
    """The first ``ListFiles`` page request; UsageError on a bad argument."""
    if page_size < 1:
        raise UsageError(f"page_size must be >= 1, got {page_size}")
    req = files_pb2.ListFilesRequest(
        limit=page_size,
        order=ORDERS[check_choice("order", order, ORDERS)],
        sort_by=_SORT[check_choice("sort_by", sort_by, _SORT)],
    )
    if filter:
        req.filter = filter
    return req


def _init(name: str, expires_after: int | None) -> files_pb2.UploadFileChunk:
    init = files_pb2.UploadFileInit(name=name, expires_after=expires_after)
    return files_pb2.UploadFileChunk(init=init)


def upload_messages(
    name: str, expires_after: int | None, chunks: Iterable[bytes]
) -> Iterator[files_pb2.UploadFileChunk]:
    """The ``UploadFile`` stream: the ``init`` message, then one message per chunk."""
    yield _init(name, expires_after)
    for data in chunks:
        yield files_pb2.UploadFileChunk(data=data)


async def upload_messages_async(
    name: str, expires_after: int | None, chunks: AsyncIterable[bytes]
) -> AsyncIterator[files_pb2.UploadFileChunk]:
    """:func:`upload_messages` of an async iterable."""
    yield _init(name, expires_after)
    async for data in chunks:
        yield files_pb2.UploadFileChunk(data=data)
