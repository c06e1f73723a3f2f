"""xAI's Batch API (``client.batch``): many requests processed offline, at a lower price.

::

    batch = await client.batch.create("nightly")
    await client.batch.add(batch.id, [BatchItem("q1", chat_request), BatchItem("i1", image_request)])
    info = await client.batch.wait(batch.id, progress=lambda b: print(b.counts))
    async for result in client.batch.results(batch.id):
        result.request_id, result.response, result.error   # ChatResponse / ImageResult, or an RPCError

``add`` sends the items in as many ``AddBatchRequests`` calls as the message limit
(``ClientConfig.max_message_bytes``, 20 MiB) needs, one after another; when one call
fails, the requests of the calls before it are in the batch (``list_requests`` says
which). Listing methods return async iterators that fetch ``page_size`` items at a
time as the iteration goes; a bad argument is a UsageError at the call, before any
network call. Every method takes ``timeout=`` (``wait``'s is its whole polling budget).
"""

from __future__ import annotations

import asyncio
import functools
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from typing import Any

from agentrt_protos.xai.api.v1 import batch_pb2, batch_pb2_grpc

from agentrt.errors import DeadlineExceeded, UsageError
from agentrt.xai.batch_types import BatchInfo, BatchItem, BatchRequestInfo, BatchResult
from agentrt.xai.batch_wire import (
    add_messages,
    batch_info,
    batch_result,
    check_page_size,
    request_info,
    state_filter,
)
from agentrt.xai.deadline import Timeout
from agentrt.xai.paging import paged
from agentrt.xai.polling import poll_until
from agentrt.xai.transport import Transport

__all__ = ["Batches"]

_STUB = batch_pb2_grpc.BatchMgmtStub
Progress = Callable[[BatchInfo], None]


def _check_id(what: str, value: str) -> str:
    if not isinstance(value, str) or not value:
        raise UsageError(f"{what} must be a non-empty string, got {value!r}")
    return value


class Batches:
    """Batches of chat and image requests (``client.batch``), over the API channel.

    Args:
        transport: the client's API transport.
    """

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    async def _call(self, method: str, request: Any, timeout: Timeout) -> Any:  # noqa: ASYNC109 - the gRPC deadline
        return await self._transport.unary(_STUB, method, request, timeout=timeout)

    async def create(
        self,
        name: str,
        *,
        input_file_id: str | None = None,
        timeout: Timeout = None,  # noqa: ASYNC109 - it becomes the gRPC deadline
    ) -> BatchInfo:
        """Create a batch, empty or (``input_file_id``) from an uploaded JSONL file.

        A batch made from a file holds the file's requests and takes no more.

        Raises:
            UsageError: ``name`` is not a string, or ``input_file_id`` is empty.
        """
        if not isinstance(name, str):
            raise UsageError(f"batch name must be a string, got {type(name).__name__}")
        req = batch_pb2.CreateBatchRequest(name=name)
        if input_file_id is not None:
            req.input_file_id = _check_id("input_file_id", input_file_id)
        return batch_info(await self._call("CreateBatch", req, timeout))

    async def add(
        self,
        batch_id: str,
        items: Sequence[BatchItem],
        *,
        timeout: Timeout = None,  # noqa: ASYNC109 - the deadline of all the calls
    ) -> None:
        """Add ``items`` to the batch, in order (every item is checked before the first call).

        Raises:
            UsageError: no items, an id that is empty, longer than 200 characters or
                repeated, a request that is not a ChatRequest or ImageRequest, or one
                larger than the message limit on its own (named by its id).
            NotFound: no batch ``batch_id``.
            InvalidRequest: the batch takes no more requests (cancelled, or made from a file).
        """
        limit = self._transport.config.max_message_bytes
        messages = add_messages(_check_id("batch_id", batch_id), list(items), limit)
        deadline = self._transport.deadline(timeout)
        for message in messages:
            await self._call("AddBatchRequests", message, deadline)

    async def get(
        self,
        batch_id: str,
        *,
        timeout: Timeout = None,  # noqa: ASYNC109 - it becomes the gRPC deadline
    ) -> BatchInfo:
        """The batch and its counts now. Raises NotFound when there is no such batch."""
        req = batch_pb2.GetBatchRequest(batch_id=_check_id("batch_id", batch_id))
        return batch_info(await self._call("GetBatch", req, timeout))

    def list(self, *, page_size: int = 100, timeout: Timeout = None) -> AsyncIterator[BatchInfo]:
        """Every batch of the team, fetched ``page_size`` at a time as the iteration goes.

        Raises:
            UsageError: ``page_size`` < 1 (at the call).
        """
        req = batch_pb2.ListBatchesRequest(limit=check_page_size(page_size))
        return paged(lambda r: self._call("ListBatches", r, timeout), req, "batches", batch_info)

    async def cancel(
        self,
        batch_id: str,
        *,
        timeout: Timeout = None,  # noqa: ASYNC109 - it becomes the gRPC deadline
    ) -> BatchInfo:
        """Cancel every request of the batch not started yet; the batch afterwards."""
        req = batch_pb2.CancelBatchRequest(batch_id=_check_id("batch_id", batch_id))
        return batch_info(await self._call("CancelBatch", req, timeout))

    def list_requests(
        self,
        batch_id: str,
        *,
        states: Iterable[str] = (),
        page_size: int = 100,
        timeout: Timeout = None,
    ) -> AsyncIterator[BatchRequestInfo]:
        """The batch's requests (only those in ``states`` when given), page by page.

        ``states``: any of ``pending``, ``succeeded``, ``failed``, ``cancelled``.

        Raises:
            UsageError: an unknown state, ``page_size`` < 1 (at the call).
        """
        req = batch_pb2.ListBatchRequestMetadataRequest(
            batch_id=_check_id("batch_id", batch_id),
            limit=check_page_size(page_size),
            status=state_filter(states),
        )
        return paged(
            lambda r: self._call("ListBatchRequestMetadata", r, timeout),
            req,
            "batch_request_metadata",
            request_info,
        )

    def results(
        self, batch_id: str, *, page_size: int = 100, timeout: Timeout = None
    ) -> AsyncIterator[BatchResult]:
        """The results of the batch's finished requests, page by page (as far as listable now).

        Raises:
            UsageError: ``page_size`` < 1 (at the call).
        """
        req = batch_pb2.ListBatchResultsRequest(
            batch_id=_check_id("batch_id", batch_id), limit=check_page_size(page_size)
        )
        return paged(
            lambda r: self._call("ListBatchResults", r, timeout), req, "results", batch_result
        )

    async def result(
        self,
        batch_id: str,
        request_id: str,
        *,
        timeout: Timeout = None,  # noqa: ASYNC109 - it becomes the gRPC deadline
    ) -> BatchResult:
        """One request's result. Raises NotFound for an unknown batch or request id."""
        req = batch_pb2.GetBatchRequestResultRequest(
            batch_id=_check_id("batch_id", batch_id),
            batch_request_id=_check_id("request_id", request_id),
        )
        return batch_result((await self._call("GetBatchRequestResult", req, timeout)).result)

    async def wait(
        self,
        batch_id: str,
        *,
        timeout: float | None = None,  # noqa: ASYNC109 - the whole polling budget
        progress: Progress | None = None,
        poll_interval: float = 0.5,
        max_poll_interval: float = 10.0,
    ) -> BatchInfo:
        """Poll :meth:`get` until no request is pending; the batch then.

        Polls ``poll_interval`` seconds apart at first, doubling up to ``max_poll_interval``;
        ``progress(info)`` is called after every poll.

        Raises:
            UsageError: a non-positive ``timeout`` or interval.
            DeadlineExceeded: still pending after ``timeout`` seconds (naming the counts).
        """
        if timeout is not None and timeout <= 0:
            raise UsageError(f"timeout must be > 0 seconds, got {timeout}")
        if poll_interval <= 0 or max_poll_interval < poll_interval:
            raise UsageError(
                f"need 0 < poll_interval <= max_poll_interval, got {poll_interval}, {max_poll_interval}"
            )
        _check_id("batch_id", batch_id)
        last: deque[BatchInfo] = deque(maxlen=1)  # the latest poll, for the timeout's message
        scope = asyncio.timeout(timeout)
        try:
            async with scope:
                return await poll_until(
                    lambda: self.get(batch_id),
                    lambda info: info.done,
                    first=poll_interval,
                    cap=max_poll_interval,
                    progress=functools.partial(_seen, last, progress),
                )
        except TimeoutError:
            if not scope.expired():  # not our budget: someone else's timeout
                raise
            counts = f": {_counts(last[-1])}" if last else ""
            raise DeadlineExceeded(
                f"batch {batch_id} still pending after {timeout} s{counts}",
                code="DEADLINE_EXCEEDED",
            ) from None


def _seen(last: deque[BatchInfo], progress: Progress | None, info: BatchInfo) -> None:
    """Keep the latest state (for a timeout's message) and report it."""
    last.append(info)
    if progress is not None:
        progress(info)


def _counts(info: BatchInfo) -> str:
    c = info.counts
    return (
        f"{c.total} requests, {c.pending} pending, {c.succeeded} succeeded, "
        f"{c.failed} failed, {c.cancelled} cancelled"
    )
