"""Telemetry that never raises, never leaks content or keys, and always ends its spans.

Against the in-process simulator with injected in-memory providers (see
tests/test_tracing.py for the fixtures' shape); one test runs in a fresh
interpreter to show agentrt loads no OpenTelemetry when nobody uses it.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest
from opentelemetry.trace import StatusCode

from agentrt.agents.agent import Agent
from agentrt.agents.events import TextDelta
from agentrt.agents.tools import tool
from agentrt.errors import RPCError, StreamInterrupted
from agentrt.sim import Realism
from agentrt.telemetry.content import dumps, tool_definitions, truncate
from agentrt.telemetry.names import CAPTURE_CONTENT_ENV, MAX_CONTENT_CHARS, OPERATION_DURATION
from agentrt.telemetry.tracing import Telemetry
from agentrt.testing import simulator
from agentrt.xai.chat_request import ChatRequest
from agentrt.xai.messages import user
from tests.test_tracing import MODEL, QUESTION, Otel, attrs, make_otel, parent_of, weather_agent

pytestmark = pytest.mark.e2e

CONTENT_KEYS = {
    "gen_ai.input.messages",
    "gen_ai.output.messages",
    "gen_ai.system_instructions",
    "gen_ai.tool.definitions",
    "gen_ai.tool.call.arguments",
    "gen_ai.tool.call.result",
}
STORY = ChatRequest(model=MODEL, messages=(user("Tell me a long story"),))


@pytest.fixture
def otel(monkeypatch: pytest.MonkeyPatch) -> Iterator[Otel]:
    monkeypatch.delenv(CAPTURE_CONTENT_ENV, raising=False)
    with make_otel() as found:
        yield found


@pytest.fixture
def content_otel() -> Iterator[Otel]:
    with make_otel(capture_content=True) as found:
        yield found


def faulty(fault: str) -> tuple[tuple[str, str], ...]:
    session = f"{fault}-{time.monotonic_ns()}"
    return (("x-sim-session", session), ("x-sim-fault", fault), ("x-sim-fault-on", "1"))


async def run_weather(otel: Otel, **sim_options: Any) -> Any:
    async with simulator(**sim_options) as sim, sim.connect(telemetry=otel.telemetry) as client:
        return await weather_agent().run(QUESTION, client=client)


# -- content --------------------------------------------------------------------------------


async def test_content_is_off_by_default(otel: Otel) -> None:
    await run_weather(otel)
    assert otel.finished()
    for span in otel.finished():
        assert not CONTENT_KEYS & set(attrs(span)), span.name


async def test_content_on_when_asked_as_convention_json(content_otel: Otel) -> None:
    result = await run_weather(content_otel)
    (run,) = content_otel.named("invoke_agent")
    assert json.loads(attrs(run)["gen_ai.system_instructions"]) == [
        {"type": "text", "content": "Answer exactly."}
    ]
    first, _ = sorted(content_otel.named("chat "), key=lambda s: s.start_time or 0)
    a = attrs(first)
    messages = json.loads(a["gen_ai.input.messages"])
    assert messages == [
        {"role": "system", "parts": [{"type": "text", "content": "Answer exactly."}]},
        {"role": "user", "parts": [{"type": "text", "content": QUESTION}]},
    ]
    (out,) = json.loads(a["gen_ai.output.messages"])
    assert out["role"] == "assistant"
    assert out["finish_reason"] == "tool_calls"
    calls = [p for p in out["parts"] if p["type"] == "tool_call"]
    assert {c["name"] for c in calls} == {"get_weather", "get_time"}
    assert all(c["arguments"] == {"city": "Paris"} for c in calls)
    definitions = {d["name"]: d for d in json.loads(a["gen_ai.tool.definitions"])}
    assert definitions["get_weather"]["parameters"]["required"] == ["city"]
    records = {r.call_id: r for r in result.tool_calls}
    assert len(content_otel.named("execute_tool")) == len(records) == 2
    for span in content_otel.named("execute_tool"):
        t = attrs(span)
        record = records[t["gen_ai.tool.call.id"]]
        assert t["gen_ai.tool.call.arguments"] == record.arguments
        assert t["gen_ai.tool.call.result"] == record.output


async def test_content_on_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CAPTURE_CONTENT_ENV, "true")
    with make_otel() as otel:
        await run_weather(otel)
        assert all("gen_ai.input.messages" in attrs(s) for s in otel.named("chat "))


async def test_the_api_key_appears_nowhere(content_otel: Otel) -> None:
    key = "xai-very-secret-key-123"
    await run_weather(content_otel, api_key=key, observer=content_otel.telemetry.observer())
    spans = content_otel.finished()
    assert any(s.name.startswith("xai_api.") for s in spans)
    for span in spans:
        text = repr(attrs(span)) + repr(span.events) + span.name
        assert key not in text
        assert "authorization" not in text.lower()
    assert key not in repr(content_otel.metrics())


async def test_malformed_arguments_and_odd_results_never_raise(content_otel: Otel) -> None:
    async with (
        simulator() as sim,
        sim.connect(*faulty("malformed_args"), telemetry=content_otel.telemetry) as client,
    ):
        result = await weather_agent().run("What is the weather in Paris?", client=client)
    record = result.tool_calls[0]
    assert record.error is not None
    (span,) = content_otel.named("execute_tool")
    a = attrs(span)
    assert span.status.status_code == StatusCode.ERROR
    assert a["gen_ai.tool.call.arguments"] == record.arguments  # the raw, malformed text
    assert a["error.type"] == "InvalidArguments"
    first = min(content_otel.named("chat "), key=lambda s: s.start_time or 0)
    (out,) = json.loads(attrs(first)["gen_ai.output.messages"])
    assert [p["arguments"] for p in out["parts"] if p["type"] == "tool_call"] == [record.arguments]


class Opaque:
    def __repr__(self) -> str:
        return "<opaque>"


@tool
def odd(kind: str) -> Any:
    """Return something awkward.

    Args:
        kind: huge or opaque.
    """
    return "x" * (MAX_CONTENT_CHARS * 3) if kind == "huge" else {"thing": Opaque()}


async def test_huge_and_non_json_results_are_captured_safely(content_otel: Otel) -> None:
    script = [
        {
            "tool_calls": [
                {"name": "odd", "arguments": {"kind": "huge"}},
                {"name": "odd", "arguments": {"kind": "opaque"}},
            ]
        },
        {"text": "ok"},
    ]
    agent = Agent(name="odd", model=MODEL, tools=[odd])
    async with (
        simulator(script=script) as sim,
        sim.connect(telemetry=content_otel.telemetry) as client,
    ):
        result = await agent.run("go", client=client)
    assert result.output == "ok"
    results = sorted(attrs(s)["gen_ai.tool.call.result"] for s in content_otel.named("execute"))
    opaque, huge = sorted(results, key=len)
    assert "opaque" in opaque
    assert huge.endswith(f"…[truncated {MAX_CONTENT_CHARS * 2} chars]")
    assert len(huge) < MAX_CONTENT_CHARS + 40


def test_content_helpers_survive_odd_input() -> None:
    loop: list[Any] = []
    loop.append(loop)
    assert isinstance(dumps(loop), str)
    assert truncate("abc", 2) == "ab…[truncated 1 chars]"
    from agentrt_protos.xai.api.v1 import chat_pb2

    request = chat_pb2.GetCompletionsRequest(
        tools=[
            chat_pb2.Tool(mcp=chat_pb2.MCP(server_label="m", authorization="Bearer sk-mcp")),
            chat_pb2.Tool(function=chat_pb2.Function(name="f", parameters="{not json")),
        ]
    )
    text = tool_definitions(request)
    assert "sk-mcp" not in text
    assert json.loads(text) == [
        {"type": "mcp", "name": "m"},
        {"type": "function", "name": "f", "description": "", "parameters": "{not json"},
    ]


# -- spans end with the right status ------------------------------------------------------------


async def test_a_consumer_breaking_early_ends_the_span_without_error(otel: Otel) -> None:
    async with (
        simulator(realism=Realism(itl_ms=5), observer=otel.telemetry.observer()) as sim,
        sim.connect(telemetry=otel.telemetry) as client,
    ):
        async with client.chat.stream(STORY) as stream:
            async for _ in stream:
                break
        (span,) = otel.named("chat ")
        assert span.end_time is not None
        assert span.status.status_code == StatusCode.UNSET
        assert "error.type" not in attrs(span)
        assert attrs(span)["gen_ai.response.time_to_first_chunk"] > 0
        for _ in range(100):  # the server sees the cancellation a moment later
            if otel.named("xai_api."):
                break
            await asyncio.sleep(0.01)
        assert otel.named("xai_api.")[0].context.trace_id == span.context.trace_id
    (point,) = otel.metrics()[OPERATION_DURATION].data.data_points
    assert "error.type" not in point.attributes


async def test_an_agent_stream_left_early_ends_every_span(otel: Otel) -> None:
    async with (
        simulator(realism=Realism(itl_ms=5)) as sim,
        sim.connect(telemetry=otel.telemetry) as client,
        weather_agent().stream("Tell me a long story", client=client) as events,
    ):
        async for event in events:
            if isinstance(event, TextDelta):
                break
    (run,) = otel.named("invoke_agent")
    (chat,) = otel.named("chat ")
    assert run.status.status_code == chat.status.status_code == StatusCode.UNSET
    assert parent_of(chat) == run.context.span_id


async def test_cancelling_the_consumer_ends_the_span_as_an_error(otel: Otel) -> None:
    got_one = asyncio.Event()

    async def consume(client: Any) -> None:
        async with client.chat.stream(STORY) as stream:
            async for _ in stream:
                got_one.set()

    async with (
        simulator(realism=Realism(itl_ms=20)) as sim,
        sim.connect(telemetry=otel.telemetry) as client,
    ):
        task = asyncio.create_task(consume(client))
        await got_one.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert asyncio.all_tasks() == {asyncio.current_task()}  # nothing left running
    (span,) = otel.named("chat ")
    assert span.status.status_code == StatusCode.ERROR
    assert attrs(span)["error.type"] == "CancelledError"


async def test_a_failed_stream_and_a_failed_call_are_errors(otel: Otel) -> None:
    async with simulator() as sim:
        async with sim.connect(*faulty("abort"), telemetry=otel.telemetry) as client:
            with pytest.raises(StreamInterrupted):
                await client.chat.stream(STORY).collect()
        no_retry = {"internal_retries": 0}  # one call, one span: the failure itself
        async with sim.connect(*faulty("internal"), telemetry=otel.telemetry, **no_retry) as client:
            with pytest.raises(RPCError) as info:
                await client.chat.complete(STORY)
    stream_span, unary_span = sorted(otel.named("chat "), key=lambda s: s.start_time or 0)
    assert stream_span.status.status_code == unary_span.status.status_code == StatusCode.ERROR
    assert attrs(stream_span)["error.type"] == "StreamInterrupted"
    assert attrs(unary_span)["error.type"] == type(info.value).__name__
    errors = {
        p.attributes.get("error.type") for p in otel.metrics()[OPERATION_DURATION].data.data_points
    }
    assert errors == {"StreamInterrupted", type(info.value).__name__}


# -- wiring -------------------------------------------------------------------------------------


async def test_every_call_carries_the_current_trace_context(otel: Otel) -> None:
    tracer = otel.telemetry.tracer_provider.get_tracer("app")
    async with (
        simulator(observer=otel.telemetry.observer()) as sim,
        sim.connect(telemetry=otel.telemetry) as client,
    ):
        with tracer.start_as_current_span("app work") as app:
            await client.models.list()
    (server,) = otel.named("xai_api.Models/ListLanguageModels")
    assert server.context.trace_id == app.get_span_context().trace_id
    assert parent_of(server) == app.get_span_context().span_id


async def test_disabled_or_broken_telemetry_records_nothing_and_changes_nothing(
    otel: Otel,
) -> None:
    class Broken:
        def get_tracer(self, *args: Any, **kwargs: Any) -> Any:
            raise RuntimeError("broken provider")

    async with simulator() as sim, sim.connect() as client:
        plain = await weather_agent().run(QUESTION, client=client)
    injected = otel.telemetry
    meters = injected.meter_provider
    for telemetry in (
        Telemetry(enabled=False, tracer_provider=injected.tracer_provider, meter_provider=meters),
        Telemetry(tracer_provider=Broken(), meter_provider=meters),
    ):
        async with simulator() as sim, sim.connect(telemetry=telemetry) as client:
            result = await weather_agent().run(QUESTION, client=client)
        assert (result.output, result.turns) == (plain.output, plain.turns)
        assert [(r.name, r.output) for r in result.tool_calls] == [
            (r.name, r.output) for r in plain.tool_calls
        ]
    # the providers were handed over, yet not one span or data point reached them
    assert otel.finished() == []
    assert otel.reader.get_metrics_data() is None or otel.metrics() == {}


def test_no_opentelemetry_is_loaded_when_nobody_uses_it() -> None:
    code = """
import asyncio, sys
from agentrt.agents.agent import Agent
from agentrt.xai.chat_request import ChatRequest
from agentrt.xai.messages import user
from agentrt.testing import simulator
from agentrt.agents.tools import tool

@tool
def get_weather(city: str) -> str:
    \"\"\"Get the weather.

    Args:
        city: The city.
    \"\"\"
    return "sunny"

async def main():
    agent = Agent(name="w", model="grok-4-1-fast-reasoning", tools=[get_weather])
    async with simulator() as sim:
        result = await agent.run("What is the weather in Paris?", client=sim.client)
        assert result.tool_calls, result
        request = ChatRequest(model="grok-4-1-fast-reasoning", messages=(user("hi"),))
        async with sim.client.chat.stream(request) as s:
            async for _ in s:
                pass

asyncio.run(main())
print(sorted(m for m in sys.modules if m.startswith("opentelemetry")))
"""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("streaming", [False, True])
async def test_retries_stay_inside_one_chat_span(otel: Otel, streaming: bool) -> None:
    limited = (*faulty("resource_exhausted"), ("x-sim-retry-after-ms", "10"))
    async with (
        simulator(observer=otel.telemetry.observer()) as sim,
        sim.connect(*limited, telemetry=otel.telemetry) as client,
    ):
        if streaming:
            await client.chat.stream(STORY).collect()
        else:
            await client.chat.complete(STORY)
    (chat,) = otel.named("chat ")
    assert chat.status.status_code == StatusCode.UNSET
    attempts = otel.named("xai_api.Chat/")
    assert len(attempts) == 2  # rate limited once, then answered
    assert {parent_of(a) for a in attempts} == {chat.context.span_id}
    assert [a.status.status_code for a in sorted(attempts, key=lambda s: s.start_time or 0)] == [
        StatusCode.ERROR,
        StatusCode.UNSET,
    ]


def test_without_opentelemetry_installed_runs_work_and_trace_flags_say_what_to_install() -> None:
    code = """
import asyncio, sys
sys.modules["opentelemetry"] = None  # as if opentelemetry-api were not installed
from agentrt.xai.chat_request import ChatRequest
from agentrt.xai.messages import user
from agentrt.testing import simulator
from agentrt.telemetry.tracing import Telemetry

async def main():
    telemetry = Telemetry(tracer_provider=object(), capture_content=True)
    async with simulator() as sim, sim.connect(telemetry=telemetry) as client:
        request = ChatRequest(model="grok-4-1-fast-reasoning", messages=(user("hi"),))
        assert (await client.chat.stream(request).collect()).content
    assert telemetry.instruments() is None

asyncio.run(main())
from agentrt.commands.main import main
main(["chat", "--endpoint", "127.0.0.1:1", "--trace", "console", "hi"])
"""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60
    )
    assert out.returncode == 2, out.stderr
    assert out.stderr.strip() == (
        "agentrt: error: --trace needs the OpenTelemetry SDK: pip install 'agentrt[otel]'"
    )


GLOBAL_PROVIDERS = """
import sys
import opentelemetry.metrics as metrics
import opentelemetry.trace as trace
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.trace import TracerProvider
from agentrt.telemetry.tracing import Telemetry

telemetry = Telemetry()
assert telemetry.instruments() is None, "API loaded, nothing installed: no spans"
assert telemetry.instruments() is None, "asked again (the probe is cached): still none"
if sys.argv[1] == "tracer":
    trace.set_tracer_provider(TracerProvider())
else:
    metrics.set_meter_provider(MeterProvider())
assert telemetry.instruments() is not None, "a global provider installed later is used"
print("ok")
"""


@pytest.mark.parametrize("installed", ["tracer", "meter"])
def test_the_api_loaded_without_providers_costs_nothing_until_one_is_installed(
    installed: str,
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", GLOBAL_PROVIDERS, installed],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


PROVIDER_FROM_ENV = """
import opentelemetry.trace
from agentrt.telemetry.tracing import Telemetry

assert Telemetry().instruments() is not None, "the provider the environment names is used"
print("ok")
"""


def test_a_tracer_provider_named_by_the_environment_turns_telemetry_on() -> None:
    env = {**os.environ, "OTEL_PYTHON_TRACER_PROVIDER": "sdk_tracer_provider"}
    done = subprocess.run(
        [sys.executable, "-c", PROVIDER_FROM_ENV],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_trace_headers_send_the_current_span_and_nothing_for_an_empty_context() -> None:
    from opentelemetry import trace
    from opentelemetry.sdk.trace import TracerProvider

    from agentrt.telemetry.tracing import trace_headers

    assert trace_headers() == (), "no span, no baggage: nothing to propagate"
    tracer = TracerProvider().get_tracer("test")  # not the global provider
    with tracer.start_as_current_span("outer") as span:
        headers = dict(trace_headers())
    trace_id = format(span.get_span_context().trace_id, "032x")
    assert headers["traceparent"].split("-")[1] == trace_id
    assert trace.get_current_span() is trace.INVALID_SPAN
    assert trace_headers() == ()


def test_trace_headers_send_baggage_without_a_span() -> None:
    from opentelemetry import baggage, context

    from agentrt.telemetry.tracing import trace_headers

    token = context.attach(baggage.set_baggage("tenant", "acme"))
    try:
        headers = dict(trace_headers())
    finally:
        context.detach(token)
    assert headers == {"baggage": "tenant=acme"}
    assert trace_headers() == ()
