"""The pooled transport end to end against a real grpc.aio server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator

import grpc
import pytest

from agentrt.errors import (
    AuthenticationError,
    Cancelled,
    DeadlineExceeded,
    RateLimited,
    ResponseTooLarge,
    ServerError,
    StreamInterrupted,
    Unavailable,
)
from agentrt.xai.chat_request import ChatRequest
from agentrt.xai.client import Client
from agentrt.xai.config import ClientConfig
from agentrt.xai.deadline import Deadline, budget
from agentrt.xai.messages import user
from agentrt.xai.rpc_errors import RETRY_PUSHBACK_KEY
from agentrt.xai.transport import USER_AGENT, channel_options
from tests.fake_xai import FakeXai, Fault, serve_fake

REQ = ChatRequest(model="m", messages=(user("hi"),))
KEY = "xai-SECRET-key-do-not-leak-0123456789"
FAST_PUSHBACK = ((RETRY_PUSHBACK_KEY, "1"),)


@pytest.fixture
async def fake() -> AsyncIterator[tuple[FakeXai, str]]:
    async with serve_fake() as served:
        yield served


@pytest.fixture(params=[0, 4], ids=["aio", "threaded"])
def threads(request: pytest.FixtureRequest) -> int:
    """Stream tests run on both stream readers: grpc.aio and the threaded sync reader."""
    return int(request.param)


def client_for(address: str, **kwargs: object) -> Client:
    return Client(api_key=KEY, endpoint=address, **kwargs)  # type: ignore[arg-type]


async def test_unary_and_stream_round_trip_send_key_and_user_agent(fake, threads: int) -> None:
    state, address = fake
    async with client_for(address, stream_threads=threads) as client:
        resp = await client.chat.complete(REQ)
        deltas = [d.content async for d in client.chat.stream(REQ)]
    assert resp.content == "Hello world"
    assert deltas == ["Hel", "lo", " world"]
    assert len(state.metadata) == 2
    for md in state.metadata:
        assert md["authorization"] == f"Bearer {KEY}"
        assert md["user-agent"].startswith(USER_AGENT)


def test_channel_options_pool_keepalive_limits_and_retry_buffer() -> None:
    opts = dict(channel_options(ClientConfig(endpoint="127.0.0.1:1")))
    assert opts["grpc.use_local_subchannel_pool"] == 1
    assert opts["grpc.keepalive_time_ms"] == 30_000
    assert opts["grpc.keepalive_timeout_ms"] == 10_000
    assert opts["grpc.max_receive_message_length"] == 20 * 1024 * 1024
    assert opts["grpc.per_rpc_retry_buffer_size"] >= 20 * 1024 * 1024
    assert '"UNAVAILABLE"' in str(opts["grpc.service_config"])
    assert "retryThrottling" in str(opts["grpc.service_config"])


def test_tls_by_default_plaintext_for_loopback() -> None:
    assert ClientConfig(endpoint="api.x.ai:443").use_tls
    assert not ClientConfig(endpoint="127.0.0.1:5").use_tls
    assert not ClientConfig(endpoint="localhost:5").use_tls
    assert ClientConfig(endpoint="localhost:5", secure=True).use_tls


async def test_per_call_timeout_beats_a_shorter_client_default(fake) -> None:
    state, address = fake
    state.delay = 0.3
    async with client_for(address, timeout=0.05) as client:
        with pytest.raises(DeadlineExceeded):
            await client.chat.complete(REQ)
        resp = await client.chat.complete(REQ, timeout=20)
    assert resp.content == "Hello world"


async def test_per_call_timeout_beats_a_longer_client_default(fake) -> None:
    state, address = fake
    state.hang = True
    async with client_for(address, timeout=3600) as client:
        with pytest.raises(DeadlineExceeded) as info:
            await client.chat.complete(REQ, timeout=0.1)
        with pytest.raises(DeadlineExceeded):
            await client.chat.complete(REQ, timeout=Deadline.after(0.1))
    assert info.value.code == "DEADLINE_EXCEEDED"
    assert isinstance(info.value.__cause__, grpc.aio.AioRpcError)


async def test_stream_deadline_is_the_per_call_timeout(fake, threads: int) -> None:
    state, address = fake
    state.hang = True
    async with client_for(address, timeout=3600, stream_threads=threads) as client:
        with pytest.raises(DeadlineExceeded):
            await client.chat.stream(REQ, timeout=0.1).collect()
        with budget(0.1), pytest.raises(DeadlineExceeded):
            await client.chat.stream(REQ).collect()
    await wait_reader_threads_end()


async def test_budget_caps_calls_and_an_expired_one_makes_no_call(fake, threads: int) -> None:
    state, address = fake
    state.hang = True
    async with client_for(address, stream_threads=threads) as client:
        with budget(0.1), pytest.raises(DeadlineExceeded):
            await client.chat.complete(REQ, timeout=60)
        calls = sum(state.calls.values())
        with budget(Deadline.after(-1)), pytest.raises(DeadlineExceeded):
            await client.chat.complete(REQ)
        with budget(Deadline.after(-1)), pytest.raises(DeadlineExceeded):
            async for _ in client.chat.stream(REQ):
                pass
    assert sum(state.calls.values()) == calls


async def test_unavailable_then_success_is_retried_by_grpc(fake, threads: int) -> None:
    state, address = fake
    state.faults = [Fault(grpc.StatusCode.UNAVAILABLE), Fault(grpc.StatusCode.UNAVAILABLE)]
    async with client_for(address, stream_threads=threads) as client:
        resp = await client.chat.complete(REQ)
        state.faults = [Fault(grpc.StatusCode.UNAVAILABLE)]
        stream = client.chat.stream(REQ)
        streamed = await stream.collect()
    assert resp.content == "Hello world"
    assert streamed.content == "Hello world"
    assert state.calls["GetCompletion"] == 3
    assert state.calls["GetCompletionChunk"] == 2


async def test_rate_limit_is_retried_with_backoff_then_succeeds(fake, threads: int) -> None:
    state, address = fake
    limited = Fault(grpc.StatusCode.RESOURCE_EXHAUSTED, "rate limited", FAST_PUSHBACK)
    state.faults = [limited, limited]
    async with client_for(address, stream_threads=threads) as client:
        resp = await client.chat.complete(REQ)
        state.faults = [limited]
        streamed = await client.chat.stream(REQ).collect()
    assert resp.content == streamed.content == "Hello world"
    assert state.calls["GetCompletion"] == 3
    assert state.calls["GetCompletionChunk"] == 2


async def test_rate_limit_gives_up_after_the_configured_retries(fake) -> None:
    state, address = fake
    limited = Fault(grpc.StatusCode.RESOURCE_EXHAUSTED, "rate limited", FAST_PUSHBACK)
    state.faults = [limited] * 10
    async with client_for(address, rate_limit_retries=2) as client:
        with pytest.raises(RateLimited) as info:
            await client.chat.complete(REQ)
    assert state.calls["GetCompletion"] == 3
    assert info.value.retry_after == 0.001


async def test_rate_limit_wait_longer_than_the_deadline_is_not_attempted(fake) -> None:
    state, address = fake
    state.faults = [
        Fault(grpc.StatusCode.RESOURCE_EXHAUSTED, "later", ((RETRY_PUSHBACK_KEY, "60000"),))
    ]
    async with client_for(address) as client:
        with pytest.raises(RateLimited):
            await client.chat.complete(REQ, timeout=5)
    assert state.calls["GetCompletion"] == 1


async def test_oversized_response_is_not_retried(fake, threads: int) -> None:
    state, address = fake
    state.tokens = ["x" * 5000]
    config = ClientConfig(
        endpoint=address, api_key=KEY, max_message_bytes=1024, stream_threads=threads
    )
    async with Client(config=config) as client:
        with pytest.raises(ResponseTooLarge):
            await client.chat.complete(REQ)
        state.faults = [
            Fault(grpc.StatusCode.RESOURCE_EXHAUSTED, "Received message larger than max")
        ]
        with pytest.raises(ResponseTooLarge):
            await client.chat.stream(REQ).collect()
    assert state.calls["GetCompletion"] == 1
    assert state.calls["GetCompletionChunk"] == 1


async def test_failure_after_first_chunk_raises_stream_interrupted_with_count(
    fake, threads: int
) -> None:
    state, address = fake
    state.tokens = ["a", "b", "c", "d"]
    state.fail_after = 2
    got: list[str] = []
    async with client_for(address, stream_threads=threads) as client:

        async def consume() -> None:
            async for delta in client.chat.stream(REQ):
                got.append(delta.content)

        with pytest.raises(StreamInterrupted) as info:
            await consume()
        state.fail_after_fault = Fault(grpc.StatusCode.RESOURCE_EXHAUSTED, "rate", FAST_PUSHBACK)
        with pytest.raises(StreamInterrupted) as info2:
            await client.chat.stream(REQ).collect()
    assert got == ["a", "b"]
    assert info.value.chunks_received == 2
    assert isinstance(info.value.error, ServerError)
    assert isinstance(info2.value.error, RateLimited)
    assert state.calls["GetCompletionChunk"] == 2  # never replayed


def client_tasks() -> set[str]:
    """Pending tasks that are not the test itself or the in-process server's."""
    names = set()
    for task in asyncio.all_tasks():
        name = getattr(task.get_coro(), "__qualname__", "")
        if task is not asyncio.current_task() and not name.startswith("AioServer."):
            names.add(name)
    return names


async def wait_stream_end(state: FakeXai) -> None:
    async with asyncio.timeout(10):
        while state.streams_active:
            state.stream_ended.clear()
            await state.stream_ended.wait()


@pytest.mark.parametrize("how", ["break_in_async_with", "break_bare", "task_cancel", "timeout"])
async def test_cancelling_the_consumer_ends_the_server_side_call(
    fake, how: str, threads: int
) -> None:
    state, address = fake
    state.tokens = [str(i) for i in range(1000)]
    state.chunk_delay = 0.01
    async with client_for(address, stream_threads=threads) as client:
        before = client_tasks()

        started = asyncio.Event()

        async def consume() -> None:
            if how == "break_in_async_with":
                async with client.chat.stream(REQ) as stream:
                    async for _ in stream:
                        break
            elif how == "break_bare":
                async for _ in client.chat.stream(REQ):
                    break
            elif how == "timeout":
                async with asyncio.timeout(None) as scope:
                    async for _ in client.chat.stream(REQ):
                        if not started.is_set():
                            started.set()
                            scope.reschedule(asyncio.get_running_loop().time() + 0.05)
            else:
                async for _ in client.chat.stream(REQ):
                    started.set()

        if how == "task_cancel":
            task = asyncio.create_task(consume())
            await started.wait()
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
        elif how == "timeout":
            with pytest.raises(TimeoutError):
                await consume()
        else:
            await consume()
        await wait_stream_end(state)
        await asyncio.sleep(0)  # let gRPC's own bookkeeping callbacks run
        assert state.streams_cancelled == 1
        assert client_tasks() <= before, client_tasks() - before
        assert all(s.in_flight == 0 for s in client.transport._pool().slots)
        assert client.transport._threaded == 0
        await wait_reader_threads_end()


async def wait_reader_threads_end() -> None:
    for thread in [t for t in threading.enumerate() if t.name == "agentrt-stream"]:
        await asyncio.to_thread(thread.join, 10)
    assert not any(t.name == "agentrt-stream" for t in threading.enumerate())


async def test_pool_opens_n_distinct_connections(fake) -> None:
    state, address = fake
    state.chunk_delay = 0.05
    client = client_for(address, pool_size=3, stream_threads=0)
    async with client, asyncio.TaskGroup() as tg:
        for _ in range(6):
            tg.create_task(client.chat.stream(REQ).collect())
    assert len(state.peers) == 3


async def test_sequential_calls_reuse_one_connection(fake) -> None:
    state, address = fake
    async with client_for(address, pool_size=4) as client:
        for _ in range(3):
            await client.chat.complete(REQ)
    assert len(state.peers) == 1


async def test_channels_are_per_event_loop(fake) -> None:
    state, address = fake
    client = client_for(address, pool_size=1)

    async def use_and_close() -> str:
        resp = await client.chat.complete(REQ)
        await client.close()
        return resp.content

    results: list[str] = []
    thread = threading.Thread(target=lambda: results.append(asyncio.run(use_and_close())))
    thread.start()
    await asyncio.to_thread(thread.join)
    assert await use_and_close() == results[0] == "Hello world"
    assert len(state.peers) == 2


async def test_key_never_appears_in_repr_str_logs_or_exceptions(fake, caplog) -> None:
    state, address = fake
    caplog.set_level(logging.DEBUG)
    state.faults = [Fault(grpc.StatusCode.UNAUTHENTICATED, "bad key")]
    client = client_for(address)
    texts = [repr(client), str(client), repr(client.config), repr(client.transport)]
    async with client:
        with pytest.raises(AuthenticationError) as info:
            await client.chat.complete(REQ)
    err: BaseException | None = info.value
    while err is not None:
        texts += [str(err), repr(err), repr(err.args)]
        err = err.__cause__
    texts += [r.getMessage() for r in caplog.records]
    assert state.calls["GetCompletion"] == 1
    for text in texts:
        assert KEY not in text


async def test_thousand_concurrent_streams_on_servers_capped_at_100_streams() -> None:
    options = [("grpc.max_concurrent_streams", 100)]
    async with serve_fake(options=options) as (state, address):
        state.tokens = ["a", "b"]
        async with client_for(address, pool_size=10) as client:
            results = []

            async def one() -> None:
                results.append(await client.chat.stream(REQ).collect())

            async with asyncio.TaskGroup() as tg:
                for _ in range(1000):
                    tg.create_task(one())
    assert len(results) == 1000
    assert all(r.content == "ab" for r in results)
    assert state.calls["GetCompletionChunk"] == 1000
    assert 1 < len(state.peers) <= 10 + 1  # the pool, and the threaded streams' channel


async def test_streams_beyond_stream_threads_use_the_aio_pool(fake) -> None:
    state, address = fake
    state.chunk_delay = 0.05
    async with client_for(address, pool_size=1, stream_threads=2) as client:
        async with asyncio.TaskGroup() as tg:
            for _ in range(5):
                tg.create_task(client.chat.stream(REQ).collect())
        assert client.transport._threaded == 0
    assert len(state.peers) == 2  # one sync channel for 2 threaded streams, one aio channel
    await wait_reader_threads_end()


async def test_closing_the_client_mid_stream_ends_the_stream(fake, threads: int) -> None:
    state, address = fake
    state.tokens = [str(i) for i in range(1000)]
    state.chunk_delay = 0.01
    client = client_for(address, stream_threads=threads)
    stream = client.chat.stream(REQ)
    got = 0

    async def consume() -> None:
        nonlocal got
        async for _ in stream:
            got += 1
            if got == 2:
                await client.close()

    with pytest.raises(StreamInterrupted) as info:
        await consume()
    assert info.value.chunks_received >= 2
    await wait_stream_end(state)
    await wait_reader_threads_end()


async def test_closing_the_client_during_a_unary_call_raises_cancelled(fake) -> None:
    state, address = fake
    state.hang = True
    client = client_for(address)
    task = asyncio.create_task(client.chat.complete(REQ))
    async with asyncio.timeout(10):
        await state.call_started.wait()
    await client.close()
    with pytest.raises(Cancelled):
        await task


async def test_connect_opens_every_pooled_connection_before_any_call(fake) -> None:
    state, address = fake
    async with client_for(address, pool_size=3) as client:
        await client.connect(timeout=10)
        channels = [slot.channel for slot in client._transport._pool().slots]
        states = {channel.get_state(try_to_connect=False) for channel in channels}
        assert states == {grpc.ChannelConnectivity.READY}
        assert state.requests == []  # no call was made to get there
        assert (await client.chat.complete(REQ)).content == "Hello world"


async def test_connect_to_nothing_listening_is_unavailable_within_the_timeout() -> None:
    import socket

    with socket.socket() as sock:  # a port that was free a moment ago: nothing listens
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    async with client_for(f"127.0.0.1:{port}") as client:
        with pytest.raises(Unavailable) as err:
            await client.connect(timeout=0.5)
    assert str(err.value) == f"UNAVAILABLE: could not connect to 127.0.0.1:{port} within 0.5 s"
    assert not [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
