"""benchmarks/stream_server.py, the hand-written HTTP/2 server of the streaming benchmarks.

It must be a correct gRPC server for the clients it is measured with: grpc.aio,
gRPC's sync single-threaded reader (agentrt's threaded path) and xai-sdk, over a
real socket in its own process — whole streams well past the flow-control
window, many streams at once, many calls on one connection, unary calls, and an
unknown method.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import grpc
import pytest
from agentrt_protos.xai.api.v1 import chat_pb2, chat_pb2_grpc
from grpc import aio

from benchmarks.bench_stream import stream_server
from benchmarks.stream_server import TOKEN


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with stream_server() as address:
        yield address


def _request(n: int) -> chat_pb2.GetCompletionsRequest:
    return chat_pb2.GetCompletionsRequest(model="m", max_tokens=n)


async def _count(stub: chat_pb2_grpc.ChatStub, n: int) -> tuple[int, int]:
    got, last = 0, chat_pb2.GetChatCompletionChunk()
    async for chunk in stub.GetCompletionChunk(_request(n)):
        got, last = got + 1, chunk
    return got, last.usage.completion_tokens


async def test_a_stream_far_past_the_flow_control_window_arrives_whole(endpoint: str) -> None:
    async with aio.insecure_channel(endpoint) as channel:
        got, reported = await _count(chat_pb2_grpc.ChatStub(channel), 30_000)
    assert (got, reported) == (30_000, 30_000)  # ≈1.1 MB against a 64 KiB initial window


async def test_concurrent_streams_and_many_calls_share_one_connection(endpoint: str) -> None:
    async with aio.insecure_channel(endpoint) as channel:
        stub = chat_pb2_grpc.ChatStub(channel)
        results = await asyncio.gather(*(_count(stub, 2_000) for _ in range(150)))
        assert set(results) == {(2_000, 2_000)}
        for _ in range(1_500):  # request bodies must not use up the connection's window
            assert await _count(stub, 1) == (1, 1)


async def test_unary_and_an_unknown_method(endpoint: str) -> None:
    async with aio.insecure_channel(endpoint) as channel:
        response = await chat_pb2_grpc.ChatStub(channel).GetCompletion(_request(9_000))
        assert response.outputs[0].message.content == TOKEN * 9_000  # more than one DATA frame
        with pytest.raises(aio.AioRpcError) as err:
            await channel.unary_unary("/xai_api.Chat/Nope")(b"")
        assert err.value.code() == grpc.StatusCode.UNIMPLEMENTED


def test_the_sync_single_threaded_reader(endpoint: str) -> None:
    from agentrt.xai.stream_thread import SINGLE_THREADED_OPTION

    with grpc.insecure_channel(endpoint, options=[(SINGLE_THREADED_OPTION, 1)]) as channel:
        chunks = list(chat_pb2_grpc.ChatStub(channel).GetCompletionChunk(_request(50_000)))
    assert len(chunks) == 50_000
    assert chunks[-1].usage.completion_tokens == 50_000


async def test_xai_sdk_streams_from_it(endpoint: str) -> None:
    from xai_sdk import AsyncClient
    from xai_sdk.chat import user

    client = AsyncClient(api_key="k", api_host=endpoint, use_insecure_channel=True)
    try:
        chat = client.chat.create(model="m", messages=[user("go")], max_tokens=3_000)
        got = 0
        async for response, _chunk in chat.stream():  # noqa: B007 - the last one is checked
            got += 1
    finally:
        await client.close()
    assert got == 3_000
    assert response.usage.completion_tokens == 3_000
