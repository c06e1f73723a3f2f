"""Batch values to and from the wire (``batch_pb2``): the only place they meet protobuf.

Chat requests and responses go through :mod:`agentrt.xai.chat_proto` (the same
conversion ``client.chat`` uses), so a batched request is the request Chat sends.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from agentrt_protos.xai.api.v1 import batch_pb2

from agentrt.errors import UsageError
from agentrt.xai.batch_types import (
    MAX_REQUEST_ID,
    BatchCounts,
    BatchInfo,
    BatchItem,
    BatchRequestInfo,
    BatchResult,
    RequestState,
)
from agentrt.xai.chat_proto import request_to_proto, response_from_proto
from agentrt.xai.chat_request import ChatRequest
from agentrt.xai.chat_response import USD_PER_TICK
from agentrt.xai.file_wire import timestamp
from agentrt.xai.image_types import ImageRequest
from agentrt.xai.image_wire import image_request_to_proto, image_result_from_proto
from agentrt.xai.rpc_errors import from_status

__all__ = [
    "add_messages",
    "batch_info",
    "batch_request",
    "batch_result",
    "check_page_size",
    "request_info",
    "state_filter",
]

_EPOCH = dt.datetime.fromtimestamp(0, dt.UTC)
_State = batch_pb2.BatchRequestMetadata.State
_STATES: dict[batch_pb2.BatchRequestMetadata.State, RequestState] = {
    _State.STATE_UNKNOWN: "unknown",
    _State.STATE_PENDING: "pending",
    _State.STATE_SUCCEEDED: "succeeded",
    _State.STATE_FAILED: "failed",
    _State.STATE_CANCELLED: "cancelled",
}
_BY_NAME = {name: value for value, name in _STATES.items() if name != "unknown"}


def check_page_size(page_size: int) -> int:
    """``page_size`` when it is at least 1; else a UsageError."""
    if isinstance(page_size, bool) or not isinstance(page_size, int) or page_size < 1:
        raise UsageError(f"page_size must be an integer >= 1, got {page_size!r}")
    return page_size


def state_filter(states: Iterable[str]) -> list[batch_pb2.BatchRequestMetadata.State]:
    """The ``status`` filter of ``ListBatchRequestMetadata``; UsageError naming a bad state."""
    if isinstance(states, str):
        states = (states,)
    out = []
    for state in states:
        if state not in _BY_NAME:
            raise UsageError(f"state must be one of {', '.join(_BY_NAME)}; got {state!r}")
        out.append(_BY_NAME[state])
    return out


def batch_info(m: batch_pb2.Batch) -> BatchInfo:
    """A ``Batch`` message as a :class:`BatchInfo`."""
    s = m.state
    counts = BatchCounts(
        total=s.num_requests,
        pending=s.num_pending,
        succeeded=s.num_success,
        failed=s.num_error,
        cancelled=s.num_cancelled,
    )
    return BatchInfo(
        id=m.batch_id,
        name=m.name,
        created_at=timestamp(m, "create_time") or _EPOCH,
        expires_at=timestamp(m, "expire_time"),
        cancelled_at=timestamp(m, "cancel_time"),
        input_file_id=m.input_file_id if m.HasField("input_file_id") else None,
        counts=counts,
        cost_usd=m.cost_breakdown.total_cost_usd_ticks * USD_PER_TICK,
    )


def request_info(m: batch_pb2.BatchRequestMetadata) -> BatchRequestInfo:
    """A ``BatchRequestMetadata`` message as a :class:`BatchRequestInfo`."""
    return BatchRequestInfo(
        id=m.batch_request_id,
        model=m.model,
        endpoint=m.endpoint,
        state=_STATES.get(m.state, "unknown"),
        created_at=timestamp(m, "create_time"),
        finished_at=timestamp(m, "finish_time"),
    )


def batch_result(m: batch_pb2.BatchResult) -> BatchResult:
    """A ``BatchResult`` message: its response decoded, or its status as an agentrt error."""
    if m.WhichOneof("result") == "error":
        error = from_status(m.error.code, m.error.message)
        return BatchResult(request_id=m.batch_request_id, error=error)
    data = m.response
    kind = data.WhichOneof("response")
    response: Any = None
    if kind == "completion_response":
        response = response_from_proto(data.completion_response)
    elif kind == "image_response":
        response = image_result_from_proto(data.image_response)
    return BatchResult(request_id=m.batch_request_id, response=response)


def batch_request(item: BatchItem) -> batch_pb2.BatchRequest:
    """The ``BatchRequest`` of ``item``; UsageError on a bad id or request type."""
    if not isinstance(item, BatchItem):
        raise UsageError(f"batch items must be BatchItem, got {type(item).__name__}")
    if not isinstance(item.id, str) or not item.id or len(item.id) > MAX_REQUEST_ID:
        raise UsageError(
            f"batch request id {str(item.id)[:40]!r} must be 1..{MAX_REQUEST_ID} characters"
        )
    req = item.request
    if isinstance(req, ChatRequest):
        return batch_pb2.BatchRequest(
            batch_request_id=item.id, completion_request=request_to_proto(req)
        )
    if isinstance(req, ImageRequest):
        return batch_pb2.BatchRequest(
            batch_request_id=item.id, image_request=image_request_to_proto(req)
        )
    raise UsageError(
        f"batch item {item.id!r}: expected a ChatRequest or ImageRequest, got {type(req).__name__}"
    )


def _field_size(n: int) -> int:
    """Bytes of one length-delimited field of ``n`` bytes with a one-byte tag."""
    return 1 + len(_varint(n)) + n


def _varint(n: int) -> bytes:
    out = bytearray()
    while n > 0x7F:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def add_messages(
    batch_id: str, items: Sequence[BatchItem], limit: int
) -> list[batch_pb2.AddBatchRequestsRequest]:
    """``items`` as ``AddBatchRequests`` messages of at most ``limit`` bytes each, in order.

    Raises:
        UsageError: no items, a repeated or bad id, a bad request, or one request
            that alone does not fit in ``limit`` bytes (named by its id).
    """
    if not items:
        raise UsageError("add needs at least one BatchItem; got none")
    head = _field_size(len(batch_id.encode())) if batch_id else 0
    seen: set[str] = set()
    messages: list[batch_pb2.AddBatchRequestsRequest] = []
    chunk: list[batch_pb2.BatchRequest] = []
    size = head
    for item in items:
        request = batch_request(item)
        if item.id in seen:
            raise UsageError(f"batch request id {item.id!r} is given twice: ids must be unique")
        seen.add(item.id)
        need = _field_size(request.ByteSize())
        if head + need > limit:
            raise UsageError(
                f"batch request {item.id!r} is {need} bytes: more than the {limit}-byte message limit"
            )
        if size + need > limit:
            messages.append(
                batch_pb2.AddBatchRequestsRequest(batch_id=batch_id, batch_requests=chunk)
            )
            chunk, size = [], head
        chunk.append(request)
        size += need
    messages.append(batch_pb2.AddBatchRequestsRequest(batch_id=batch_id, batch_requests=chunk))
    return messages
