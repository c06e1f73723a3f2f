"""Hostile input to the rest of the response: logprobs, image options, compaction.

Two tables: what the simulator refuses (a raw protobuf request, so nothing on the
client side can catch it first: INVALID_ARGUMENT with words that say what to fix),
and what agentrt's client refuses locally (a one-line UsageError, nothing sent).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import grpc
import pytest
from agentrt_protos.xai.api.v1 import chat_pb2, chat_pb2_grpc, image_pb2, image_pb2_grpc

from agentrt.errors import UsageError
from agentrt.testing import simulator
from agentrt.xai.chat_request import ChatRequest
from agentrt.xai.client import Client
from agentrt.xai.image_types import ImageStorage
from agentrt.xai.messages import user

pytestmark = pytest.mark.e2e

MODEL = "grok-4-1-fast-reasoning"
RawCall = Callable[[grpc.aio.Channel], Awaitable[Any]]


def _chat(**fields: Any) -> RawCall:
    request = chat_pb2.GetCompletionsRequest(
        model=MODEL, messages=[chat_pb2.Message(role=chat_pb2.ROLE_USER)], **fields
    )
    request.messages[0].content.add(text="hi")
    return lambda channel: chat_pb2_grpc.ChatStub(channel).GetCompletion(request)


def _compact(model: str, *messages: chat_pb2.Message) -> RawCall:
    request = chat_pb2.CompactContextRequest(model=model, input=messages)
    return lambda channel: chat_pb2_grpc.ChatStub(channel).CompactContext(request)


def _image(**fields: Any) -> RawCall:
    request = image_pb2.GenerateImageRequest(prompt="a fox", model="grok-2-image", **fields)
    return lambda channel: image_pb2_grpc.ImageStub(channel).GenerateImage(request)


_URL = image_pb2.ImageUrlContent


SIM_CASES: list[tuple[str, RawCall, str]] = [
    ("top_logprobs above 8", _chat(logprobs=True, top_logprobs=9), "0 to 8"),
    ("top_logprobs negative", _chat(logprobs=True, top_logprobs=-1), "0 to 8"),
    ("top_logprobs without logprobs", _chat(top_logprobs=2), "needs logprobs"),
    ("compact an empty conversation", _compact(MODEL), "nothing to compact"),
    ("aspect ratio out of the enum", _image(aspect_ratio=99), "aspect_ratio"),  # type: ignore[arg-type]
    ("resolution out of the enum", _image(resolution=7), "resolution"),  # type: ignore[arg-type]
    ("quality out of the enum", _image(quality=42), "quality"),  # type: ignore[arg-type]
    (
        "image and images",
        _image(image=_URL(image_url="https://x/a.png"), images=[_URL()]),
        "not both",
    ),
    ("storage without a filename", _image(storage_options={"expires_after": 5}), "filename"),
    ("input image not base64", _image(image=_URL(image_url="data:image/png;base64,@@")), "base64"),
    ("input image not a URL", _image(image=_URL(image_url="ftp://x/a.png")), "http(s)"),
    ("n above 10", _image(n=11), "between 1 and 10"),
]


@pytest.mark.parametrize(("case", "call", "words"), SIM_CASES, ids=[c[0] for c in SIM_CASES])
async def test_the_simulator_refuses_with_invalid_argument(
    case: str, call: RawCall, words: str
) -> None:
    async with simulator() as sim, grpc.aio.insecure_channel(sim.address) as channel:
        with pytest.raises(grpc.aio.AioRpcError) as info:
            await call(channel)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT, case
    assert words in (info.value.details() or ""), info.value.details()


ClientCall = Callable[[Client], Awaitable[Any]]


def _complete(**fields: Any) -> ClientCall:
    request = ChatRequest(model=MODEL, messages=(user("hi"),), **fields)
    return lambda client: client.chat.complete(request)


def _generate(**options: Any) -> ClientCall:
    return lambda client: client.images.generate("a fox", model="grok-2-image", **options)


CLIENT_CASES: list[tuple[str, ClientCall, str]] = [
    ("top_logprobs above 8", _complete(logprobs=True, top_logprobs=9), "0 to 8"),
    ("top_logprobs negative", _complete(logprobs=True, top_logprobs=-3), "0 to 8"),
    ("top_logprobs without logprobs", _complete(top_logprobs=1), "needs logprobs"),
    ("compact no message", lambda c: c.chat.compact([], model=MODEL), "nothing to compact"),
    ("compact an empty request", lambda c: c.chat.compact(ChatRequest(model=MODEL)), "nothing"),
    ("compact without a model", lambda c: c.chat.compact([user("hi")]), "needs model"),
    ("compact a string", lambda c: c.chat.compact("hello", model=MODEL), "sequence of Messages"),
    ("image aspect ratio", _generate(aspect_ratio="5:4"), "aspect_ratio must be one of"),
    ("image resolution", _generate(resolution="4k"), "resolution must be one of"),
    ("image quality", _generate(quality="ultra"), "quality must be one of"),
    ("image n zero", _generate(n=0), "n must be 1 to 10"),
    ("image n above 10", _generate(n=11), "n must be 1 to 10"),
    ("image format", _generate(image_format="jpeg"), "image_format must be one of"),
    ("image url scheme", _generate(image_urls=("file:///etc/passwd",)), "http"),
    (
        "image empty prompt",
        lambda c: c.images.generate("", model="grok-2-image"),
        "prompt is empty",
    ),
    ("storage no filename", _generate(storage=ImageStorage(filename="")), "filename is required"),
    ("storage expiry", _generate(storage=ImageStorage(filename="a", expires_after=-1)), "positive"),
]


@pytest.mark.parametrize(("case", "call", "words"), CLIENT_CASES, ids=[c[0] for c in CLIENT_CASES])
async def test_the_client_refuses_locally_with_a_usage_error(
    case: str, call: ClientCall, words: str
) -> None:
    # nothing listens at this address: a request that were sent would fail otherwise
    async with Client(api_key="k", endpoint="127.0.0.1:9", timeout=2) as client:
        with pytest.raises(UsageError, match=words) as info:
            await call(client)
    assert "\n" not in str(info.value), case
