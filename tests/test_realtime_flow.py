"""The realtime client's flow control: back-pressure, cancellation, telemetry, no heavy imports."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import tracemalloc

import pytest

from agentrt.xai.client import Client
from agentrt.xai.realtime.events import AudioDelta, Event, ResponseDone
from tests.realtime_server import Knobs, ScriptedRealtime
from tests.test_tracing import make_otel

FLOOD = 50 * 1024 * 1024
MEMORY_BOUND = 8 * 1024 * 1024


def rest_client(server: ScriptedRealtime, **kw: object) -> Client:
    return Client(protocol="rest", endpoint=server.url, api_key=server.key, **kw)  # type: ignore[arg-type]


async def test_a_slow_consumer_does_not_grow_memory_while_the_server_floods_audio() -> None:
    async with (
        ScriptedRealtime(Knobs(flood_bytes=FLOOD)) as server,
        rest_client(server) as client,
        client.realtime.connect() as live,
    ):
        tracemalloc.start()
        try:
            first = await live.__anext__()
            await asyncio.sleep(1.0)  # the consumer sleeps; the server has 50 MB to send
            sent_while_asleep = server.flood_sent
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        more = [await live.__anext__() for _ in range(20)]  # it resumes as it is asked
    assert isinstance(first, AudioDelta)
    assert all(isinstance(e, AudioDelta) for e in more)
    # the server was held back by TCP: only the kernel's socket buffers' worth left it
    # (≈7 MB on loopback here), not the 50 MB it had
    assert sent_while_asleep < FLOOD // 2, sent_while_asleep
    # and this process (client and server together) never held more than a bounded amount
    # (≈1.4 MB measured: aiohttp's 64 KiB read buffer, one event, the server's frame)
    assert peak < MEMORY_BOUND, peak
    assert server.closes == [1000]


async def _settled(server: ScriptedRealtime) -> None:
    await asyncio.wait_for(server.ended.wait(), 5)


@pytest.mark.parametrize("flood", [0, FLOOD])
async def test_cancelling_the_consumer_closes_the_socket_and_leaves_nothing(flood: int) -> None:
    before = asyncio.all_tasks()
    async with ScriptedRealtime(Knobs(flood_bytes=flood)) as server, rest_client(server) as client:
        ready = asyncio.Event()

        async def consume() -> None:
            async with client.realtime.connect() as live:
                ready.set()
                async for _ in live:
                    await asyncio.sleep(0.05)  # slow; with no flood it waits for events forever

        task = asyncio.create_task(consume())
        await asyncio.wait_for(ready.wait(), 5)
        await asyncio.sleep(0.2)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await _settled(server)
        assert server.closes == [1000]  # the server saw a close frame, not a vanished peer
        assert asyncio.all_tasks() - before - {asyncio.current_task()} == set()


async def test_break_then_leaving_the_block_closes_the_socket() -> None:
    async with ScriptedRealtime(Knobs(flood_bytes=FLOOD)) as server, rest_client(server) as client:
        async with client.realtime.connect() as live:
            async for _ in live:
                break
        await _settled(server)
        assert server.closes == [1000]
        with pytest.raises(Exception, match="closed"):
            await live.commit_audio()


async def test_one_realtime_span_per_session() -> None:
    with make_otel() as otel:
        async with (
            ScriptedRealtime() as server,
            rest_client(server, telemetry=otel.telemetry) as client,
            client.realtime.connect(model="grok-voice-t") as live,
        ):
            await live.send_text("hi")
    spans = [s for s in otel.spans.get_finished_spans() if s.name.startswith("realtime")]
    assert [s.name for s in spans] == ["realtime grok-voice-t"]
    attributes = dict(spans[0].attributes or {})
    assert attributes["gen_ai.request.model"] == "grok-voice-t"
    assert attributes["server.address"] == "127.0.0.1"
    assert server.key not in str(attributes)


def test_import_agentrt_and_the_grpc_path_never_import_aiohttp_or_numpy() -> None:
    code = (
        "import sys, agentrt\n"
        "from agentrt.xai.client import Client\n"
        "c = Client(endpoint='127.0.0.1:9', api_key='k')\n"
        "from agentrt.xai.realtime import audio, config, events\n"
        "for m in ('aiohttp', 'numpy'):\n"
        "    assert m not in sys.modules, m + ' imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr


async def test_one_task_feeds_audio_while_another_consumes_events() -> None:
    async with (
        ScriptedRealtime() as server,
        rest_client(server) as client,
        client.realtime.connect() as live,
    ):
        seen: list[Event] = []

        async def feed() -> None:
            for _ in range(20):
                await live.append_audio(b"\x10\x00" * 2400)
                await asyncio.sleep(0)
            await live.commit_audio()  # server VAD's scripted end of turn: a response follows

        async def consume() -> None:
            async for event in live:
                seen.append(event)
                if isinstance(event, ResponseDone):
                    return

        async with asyncio.timeout(10), asyncio.TaskGroup() as group:
            group.create_task(consume())
            group.create_task(feed())
    appended = [e for e in server.received if e["type"] == "input_audio_buffer.append"]
    assert len(appended) == 20
    assert isinstance(seen[-1], ResponseDone)
