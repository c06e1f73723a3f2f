"""The in-process simulator: lifecycle, API key, keepalive, scripts, unimplemented methods."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import grpc
import pytest
from agentrt_protos.xai.api.v1 import (
    chat_pb2,
    chat_pb2_grpc,
    models_pb2_grpc,
    sample_pb2,
    sample_pb2_grpc,
    tokenize_pb2,
    tokenize_pb2_grpc,
)
from google.protobuf import empty_pb2

from agentrt.errors import UsageError
from agentrt.sim import Simulator
from agentrt.sim.faults import Realism
from agentrt.sim.tokens import count_tokens

KEY = "sim-secret-key-123"


def _request(text: str = "Hello") -> chat_pb2.GetCompletionsRequest:
    return chat_pb2.GetCompletionsRequest(
        model="grok-3",
        messages=[chat_pb2.Message(role=chat_pb2.ROLE_USER, content=[chat_pb2.Content(text=text)])],
    )


async def _code(call: Any) -> tuple[grpc.StatusCode, str]:
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await call
    return info.value.code(), info.value.details() or ""


async def test_context_manager_serves_then_releases_everything() -> None:
    before = asyncio.all_tasks()
    async with Simulator() as sim:
        assert sim.address == f"127.0.0.1:{sim.port}"
        assert sim.port > 0
        async with grpc.aio.insecure_channel(sim.address) as channel:
            reply = await chat_pb2_grpc.ChatStub(channel).GetCompletion(_request(), timeout=10)
            assert "Hello" in reply.outputs[0].message.content
    assert asyncio.all_tasks() == before
    async with grpc.aio.insecure_channel(sim.address) as channel:
        code, _ = await _code(chat_pb2_grpc.ChatStub(channel).GetCompletion(_request(), timeout=2))
        assert code == grpc.StatusCode.UNAVAILABLE  # nothing listens any more


async def test_fixed_port_in_use_is_a_usage_error() -> None:
    async with Simulator() as first:
        with pytest.raises(UsageError, match=f"cannot listen on 127.0.0.1:{first.port}"):
            async with Simulator(port=first.port):
                pass


async def test_api_key_is_required_and_never_echoed() -> None:
    async with Simulator(api_key=KEY) as sim:
        assert KEY not in repr(sim)
        assert KEY not in repr(sim.options)
        async with grpc.aio.insecure_channel(sim.address) as channel:
            stub = tokenize_pb2_grpc.TokenizeStub(channel)
            request = tokenize_pb2.TokenizeTextRequest(text="hi", model="grok-3")
            for md in ((), (("authorization", "Bearer wrong"),), (("authorization", KEY),)):
                code, details = await _code(stub.TokenizeText(request, metadata=md, timeout=10))
                assert code == grpc.StatusCode.UNAUTHENTICATED
                assert KEY not in details
            ok = await stub.TokenizeText(
                request, metadata=(("authorization", f"Bearer {KEY}"),), timeout=10
            )
            assert [t.string_token for t in ok.tokens] == ["hi"]
            chat = chat_pb2_grpc.ChatStub(channel)
            code, _ = await _code(chat.GetCompletionChunk(_request(), timeout=10).read())
            assert code == grpc.StatusCode.UNAUTHENTICATED
            sample = sample_pb2_grpc.SampleStub(channel)  # auth comes before UNIMPLEMENTED
            code, _ = await _code(sample.SampleText(sample_pb2.SampleTextRequest(), timeout=10))
            assert code == grpc.StatusCode.UNAUTHENTICATED


async def test_unimplemented_methods_say_so_at_once() -> None:
    async with Simulator() as sim, grpc.aio.insecure_channel(sim.address) as channel:
        started = time.monotonic()
        sample = sample_pb2_grpc.SampleStub(channel)  # the legacy API, never simulated
        code, details = await _code(sample.SampleText(sample_pb2.SampleTextRequest(), timeout=10))
        assert code == grpc.StatusCode.UNIMPLEMENTED
        assert "xai_api.Sample/SampleText" in details
        assert time.monotonic() - started < 5  # answered, not left to the deadline


async def _stays_connected(address: str, seconds: float) -> bool:
    options = [
        ("grpc.keepalive_time_ms", 500),
        ("grpc.keepalive_timeout_ms", 1000),
        ("grpc.keepalive_permit_without_calls", 1),
        ("grpc.http2.max_pings_without_data", 0),
    ]
    async with grpc.aio.insecure_channel(address, options=options) as channel:
        await asyncio.wait_for(channel.channel_ready(), 5)
        try:
            async with asyncio.timeout(seconds):
                await channel.wait_for_state_change(grpc.ChannelConnectivity.READY)
        except TimeoutError:
            return True
        return False


async def test_aggressive_keepalive_pings_get_no_goaway() -> None:
    # Control: a gRPC server with default options sends GOAWAY too_many_pings after ~3 s.
    plain = grpc.aio.server()
    port = plain.add_insecure_port("127.0.0.1:0")
    await plain.start()
    try:
        async with Simulator() as sim, asyncio.TaskGroup() as tg:
            ours = tg.create_task(_stays_connected(sim.address, 4.5))
            control = tg.create_task(_stays_connected(f"127.0.0.1:{port}", 4.5))
    finally:
        await plain.stop(None)
    assert ours.result()
    assert not control.result()


async def test_script_replays_turns_then_fails_loudly() -> None:
    script = [
        {"text": "first answer", "reasoning": "thinking"},
        {"tool_calls": [{"name": "get_weather", "arguments": {"city": "Oslo"}, "id": "c1"}]},
        {"error": "resource_exhausted", "message": "scripted limit"},
        {"text": "late", "delay_ms": 50, "finish": "length"},
    ]
    async with Simulator(script=script) as sim, grpc.aio.insecure_channel(sim.address) as channel:
        stub = chat_pb2_grpc.ChatStub(channel)
        first = (await stub.GetCompletion(_request(), timeout=10)).outputs[0]
        assert (first.message.content, first.message.reasoning_content) == (
            "first answer",
            "thinking",
        )
        chunks = [c async for c in stub.GetCompletionChunk(_request(), timeout=10)]
        calls = [t for c in chunks for o in c.outputs for t in o.delta.tool_calls]
        assert [(t.id, t.function.name, json.loads(t.function.arguments)) for t in calls] == [
            ("c1", "get_weather", {"city": "Oslo"})
        ]
        assert await _code(stub.GetCompletion(_request(), timeout=10)) == (
            grpc.StatusCode.RESOURCE_EXHAUSTED,
            "scripted limit",
        )
        assert sim.script is not None
        assert sim.script.remaining == 1
        late = (await stub.GetCompletion(_request(), timeout=10)).outputs[0]
        assert (late.message.content, late.finish_reason) == ("late", 1)  # REASON_MAX_LEN
        code, details = await _code(stub.GetCompletion(_request(), timeout=10))
        assert code == grpc.StatusCode.FAILED_PRECONDITION
        assert "script <inline script> ran out" in details


async def test_stop_lets_in_flight_streams_finish_within_grace() -> None:
    sim = Simulator(realism=Realism(itl_ms=20, output_tokens=20), grace_s=5)
    await sim.start()
    async with grpc.aio.insecure_channel(sim.address) as channel:
        call = chat_pb2_grpc.ChatStub(channel).GetCompletionChunk(_request(), timeout=10)
        chunks = [await call.read()]
        async with asyncio.TaskGroup() as tg:
            tg.create_task(sim.stop())
            while (chunk := await call.read()) is not grpc.aio.EOF:
                chunks.append(chunk)
    rest = chunks[1:]
    text = "".join(c.outputs[0].delta.content for c in chunks)
    assert rest[-1].usage.completion_tokens == 20
    assert count_tokens(text) == 20  # every token arrived although the server was stopping


async def test_models_service_lists_the_catalogue() -> None:
    async with Simulator() as sim, grpc.aio.insecure_channel(sim.address) as channel:
        stub = models_pb2_grpc.ModelsStub(channel)
        names = [
            m.name for m in (await stub.ListLanguageModels(empty_pb2.Empty(), timeout=10)).models
        ]
        assert "grok-4-1-fast-reasoning" in names
        images = (await stub.ListImageGenerationModels(empty_pb2.Empty(), timeout=10)).models
        assert images
        assert images[0].output_modalities == [2]  # IMAGE


async def test_url_images_are_served_over_http_and_nothing_else() -> None:
    import urllib.error
    import urllib.request

    from agentrt_protos.xai.api.v1 import image_pb2, image_pb2_grpc

    def fetch(url: str) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            exc.close()
            return exc.code, b""

    async with Simulator() as sim, grpc.aio.insecure_channel(sim.address) as channel:
        stub = image_pb2_grpc.ImageStub(channel)
        request = image_pb2.GenerateImageRequest(
            prompt="a fox", model="grok-2-image", format=image_pb2.IMG_FORMAT_URL
        )
        url = (await stub.GenerateImage(request, timeout=10)).images[0].url
        status, body = await asyncio.to_thread(fetch, url)
        assert status == 200
        assert body.startswith(b"\x89PNG\r\n\x1a\n")
        missing = url.rsplit("/", 1)[0] + "/0123456789abcdef0123456789abcdef.png"
        assert (await asyncio.to_thread(fetch, missing))[0] == 404


async def test_observer_wraps_every_implemented_call() -> None:
    import contextlib
    from collections.abc import Iterator, Mapping

    seen: list[tuple[str, str | None, str]] = []

    @contextlib.contextmanager
    def observer(method: str, metadata: Mapping[str, str]) -> Iterator[None]:
        seen.append((method, metadata.get("traceparent"), "enter"))
        yield
        seen.append((method, metadata.get("traceparent"), "exit"))

    parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    md = (("traceparent", parent),)
    async with (
        Simulator(observer=observer) as sim,
        grpc.aio.insecure_channel(sim.address) as channel,
    ):
        stub = chat_pb2_grpc.ChatStub(channel)
        await stub.GetCompletion(_request(), metadata=md, timeout=10)
        chunks = [c async for c in stub.GetCompletionChunk(_request(), metadata=md, timeout=10)]
    assert chunks
    assert seen == [
        ("xai_api.Chat/GetCompletion", parent, "enter"),
        ("xai_api.Chat/GetCompletion", parent, "exit"),
        ("xai_api.Chat/GetCompletionChunk", parent, "enter"),
        ("xai_api.Chat/GetCompletionChunk", parent, "exit"),
    ]


async def test_deferred_completion_is_pending_for_its_generation_time() -> None:
    from agentrt_protos.xai.api.v1 import deferred_pb2

    md = (("x-sim-ttft-ms", "300"),)
    async with Simulator() as sim, grpc.aio.insecure_channel(sim.address) as channel:
        stub = chat_pb2_grpc.ChatStub(channel)
        started = await stub.StartDeferredCompletion(_request("later"), metadata=md, timeout=10)
        poll = deferred_pb2.GetDeferredRequest(request_id=started.request_id)
        assert (await stub.GetDeferredCompletion(poll, timeout=10)).status == deferred_pb2.PENDING
        await asyncio.sleep(0.35)
        done = await stub.GetDeferredCompletion(poll, timeout=10)
        assert done.status == deferred_pb2.DONE
        assert "later" in done.response.outputs[0].message.content
        unknown = deferred_pb2.GetDeferredRequest(request_id="nope")
        code, _ = await _code(stub.GetDeferredCompletion(unknown, timeout=10))
        assert code == grpc.StatusCode.NOT_FOUND


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"messages": []}, "at least one message"),
        (
            {"tools": [chat_pb2.Tool(function=chat_pb2.Function(name="f", parameters="{oops"))]},
            "not valid JSON",
        ),
        ({"tool_choice": chat_pb2.ToolChoice(function_name="ghost")}, "'ghost'"),
        ({"max_tokens": 0}, "max_tokens must be positive"),
        (
            {
                "response_format": chat_pb2.ResponseFormat(
                    format_type=chat_pb2.FORMAT_TYPE_JSON_SCHEMA, schema="[]"
                )
            },
            "must be a JSON object",
        ),
    ],
)
async def test_bad_requests_are_invalid_argument(change: dict[str, Any], message: str) -> None:
    request = _request()
    for field, value in change.items():
        request.ClearField(field)
        if isinstance(value, list):
            getattr(request, field).extend(value)
        elif isinstance(value, int):
            setattr(request, field, value)
        else:
            getattr(request, field).CopyFrom(value)
    async with Simulator() as sim, grpc.aio.insecure_channel(sim.address) as channel:
        code, details = await _code(
            chat_pb2_grpc.ChatStub(channel).GetCompletion(request, timeout=10)
        )
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert message in details


async def test_streaming_methods_answer_at_once() -> None:
    from agentrt_protos.xai.api.v1 import files_pb2, files_pb2_grpc, sample_pb2, sample_pb2_grpc

    async def endless() -> AsyncIterator[files_pb2.UploadFileChunk]:
        while True:  # the server must answer without reading all of this
            yield files_pb2.UploadFileChunk()
            await asyncio.sleep(0.01)

    async with Simulator() as sim, grpc.aio.insecure_channel(sim.address) as channel:
        files = files_pb2_grpc.FilesStub(channel)
        code, details = await _code(files.UploadFile(endless(), timeout=10))
        assert code == grpc.StatusCode.INVALID_ARGUMENT
        assert "first UploadFileChunk must be 'init'" in details
        sample = sample_pb2_grpc.SampleStub(channel)
        stream = sample.SampleTextStreaming(sample_pb2.SampleTextRequest(), timeout=10)
        code, details = await _code(stream.read())
        assert code == grpc.StatusCode.UNIMPLEMENTED
        assert "SampleTextStreaming" in details


async def test_a_burst_of_streams_queues_instead_of_being_cancelled() -> None:
    # gRPC core cancels new calls beyond 1000 pending by default; the simulator must not.
    md = (("x-sim-output-tokens", "5"),)
    async with Simulator() as sim, grpc.aio.insecure_channel(sim.address) as channel:
        stub = chat_pb2_grpc.ChatStub(channel)

        async def one() -> int:
            return len(
                [c async for c in stub.GetCompletionChunk(_request(), metadata=md, timeout=60)]
            )

        counts = await asyncio.gather(*(one() for _ in range(2000)))
    assert counts == [6] * 2000  # five tokens and the closing chunk, every time


async def test_repr_shows_the_address_with_an_ipv6_host_in_brackets() -> None:
    assert repr(Simulator(host="::1")) == "<Simulator stopped [::1]:0>"
    async with Simulator() as sim:
        assert repr(sim) == f"<Simulator serving 127.0.0.1:{sim.port}>"
