"""Unit tests of the Batch client: its wire mapping (``batch_wire``, ``rpc_errors.from_status``) and ``wait``'s backoff."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools

import grpc
import pytest
from agentrt_protos.xai.api.v1 import batch_pb2, chat_pb2, image_pb2, video_pb2

from agentrt import errors
from agentrt.xai.batch_types import BatchCounts, BatchInfo, BatchItem
from agentrt.xai.batch_wire import add_messages, batch_info, batch_result, request_info
from agentrt.xai.batches import Batches
from agentrt.xai.chat_proto import request_to_proto
from agentrt.xai.chat_request import ChatRequest
from agentrt.xai.image_types import ImageRequest
from agentrt.xai.messages import user
from agentrt.xai.rpc_errors import from_status

EPOCH = dt.datetime.fromtimestamp(0, dt.UTC)

CODES = [
    (grpc.StatusCode.NOT_FOUND, "no such model", errors.NotFound),
    (grpc.StatusCode.INVALID_ARGUMENT, "bad", errors.InvalidRequest),
    (grpc.StatusCode.FAILED_PRECONDITION, "pending", errors.InvalidRequest),
    (grpc.StatusCode.CANCELLED, "cancelled", errors.Cancelled),
    (grpc.StatusCode.RESOURCE_EXHAUSTED, "slow down", errors.RateLimited),
    (grpc.StatusCode.RESOURCE_EXHAUSTED, "message larger than max", errors.ResponseTooLarge),
    (grpc.StatusCode.PERMISSION_DENIED, "no", errors.PermissionDenied),
    (grpc.StatusCode.INTERNAL, "boom", errors.ServerError),
]


@pytest.mark.parametrize(
    ("code", "message", "cls"), CODES, ids=[f"{c[0].name}-{c[1]}" for c in CODES]
)
def test_a_status_becomes_the_class_of_its_code_with_the_message_kept(
    code: grpc.StatusCode, message: str, cls: type[errors.RPCError]
) -> None:
    error = from_status(code.value[0], message)
    assert type(error) is cls
    assert (error.code, error.details) == (code.name, message)


def test_an_unknown_status_code_is_a_server_error_naming_it() -> None:
    error = from_status(99, "what")
    assert type(error) is errors.ServerError
    assert error.code == "CODE_99"


def test_results_decode_each_kind() -> None:
    chat = chat_pb2.GetChatCompletionResponse(id="r", model="grok-4")
    chat.outputs.add().message.content = "hello"
    ok = batch_pb2.BatchResult(batch_request_id="a")
    ok.response.completion_response.CopyFrom(chat)
    image = batch_pb2.BatchResult(batch_request_id="i")
    image.response.image_response.images.add(url="http://x/1.png")
    video = batch_pb2.BatchResult(batch_request_id="v")
    video.response.video_response.CopyFrom(video_pb2.VideoResponse())
    failed = batch_pb2.BatchResult(batch_request_id="f")
    failed.error.code, failed.error.message = grpc.StatusCode.NOT_FOUND.value[0], "gone"
    got = [batch_result(m) for m in (ok, image, video, failed)]
    assert got[0].response.content == "hello"  # type: ignore[union-attr]
    assert got[1].response.images[0].url == "http://x/1.png"  # type: ignore[union-attr]
    assert (got[2].response, got[2].error, got[2].ok) == (None, None, True)
    assert isinstance(got[3].error, errors.NotFound)
    assert (got[3].response, got[3].ok) == (None, False)


def test_batch_and_request_metadata_map_every_field() -> None:
    m = batch_pb2.Batch(batch_id="b", name="n", input_file_id="file_1")
    m.create_time.FromSeconds(100)
    m.cancel_time.FromSeconds(200)
    m.state.num_requests, m.state.num_pending, m.state.num_success = 6, 1, 2
    m.state.num_error, m.state.num_cancelled = 1, 2
    m.cost_breakdown.total_cost_usd_ticks = 25_000_000_000
    info = batch_info(m)
    assert (info.id, info.name, info.input_file_id, info.cost_usd) == ("b", "n", "file_1", 2.5)
    assert (info.created_at.timestamp(), info.expires_at) == (100, None)
    assert info.cancelled_at is not None
    assert info.cancelled_at.timestamp() == 200
    c = info.counts
    assert (c.total, c.pending, c.succeeded, c.failed, c.cancelled) == (6, 1, 2, 1, 2)
    assert not info.done
    assert batch_info(batch_pb2.Batch(batch_id="e")).input_file_id is None
    State = batch_pb2.BatchRequestMetadata.State
    meta = batch_pb2.BatchRequestMetadata(batch_request_id="q", model="m", state=State.STATE_FAILED)
    assert (request_info(meta).state, request_info(meta).finished_at) == ("failed", None)
    assert request_info(batch_pb2.BatchRequestMetadata(state=77)).state == "unknown"  # type: ignore[arg-type]


def test_add_messages_fill_each_call_up_to_the_limit_exactly() -> None:
    items = [
        BatchItem(f"r{i}", ChatRequest(model="grok-4", messages=(user("y" * (900 + i)),)))
        for i in range(40)
    ]
    limit = 5_000
    messages = add_messages("batch_1", items, limit)
    sizes = [m.ByteSize() for m in messages]
    assert len(messages) > 5
    assert max(sizes) <= limit
    ids = [r.batch_request_id for m in messages for r in m.batch_requests]
    assert ids == [item.id for item in items]
    assert {m.batch_id for m in messages} == {"batch_1"}
    for m, nxt in itertools.pairwise(messages):  # each call took all that fit
        assert m.ByteSize() + nxt.batch_requests[0].ByteSize() + 3 > limit
    first = messages[0].batch_requests[0]
    assert first.completion_request == request_to_proto(items[0].request)  # type: ignore[arg-type]


def test_an_image_item_is_chats_image_request() -> None:
    [m] = add_messages(
        "b",
        [BatchItem("i", ImageRequest(prompt="p", model="im", n=2, image_format="base64"))],
        1 << 20,
    )
    got = m.batch_requests[0].image_request
    assert (got.prompt, got.model, got.n, got.format) == ("p", "im", 2, image_pb2.IMG_FORMAT_BASE64)


async def test_wait_backs_off_doubling_up_to_the_cap_and_reports_every_poll(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    polls = iter([5, 5, 4, 4, 3, 2, 1, 0])
    slept: list[float] = []
    seen: list[int] = []

    async def get(batch_id: str) -> BatchInfo:
        return BatchInfo(
            id=batch_id, name="n", created_at=EPOCH, counts=BatchCounts(pending=next(polls))
        )

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    batches = Batches(None)  # type: ignore[arg-type]
    monkeypatch.setattr(batches, "get", get)
    monkeypatch.setattr(asyncio, "sleep", sleep)
    done = await batches.wait(
        "b", progress=lambda i: seen.append(i.counts.pending), max_poll_interval=3
    )
    assert done.done
    assert seen == [5, 5, 4, 4, 3, 2, 1, 0]
    assert slept == [0.5, 1.0, 2.0, 3, 3, 3, 3]
