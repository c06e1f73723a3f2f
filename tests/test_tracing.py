"""Telemetry end to end: agentrt's client and agents against the simulator, spans and metrics
read back from in-memory exporters on injected providers (the global provider is never set).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from agentrt.agents.agent import Agent
from agentrt.agents.events import RunFinished
from agentrt.agents.tools import tool
from agentrt.telemetry.names import (
    AGENT_DURATION,
    CAPTURE_CONTENT_ENV,
    DURATION_BUCKETS,
    OPERATION_DURATION,
    TIME_PER_OUTPUT_CHUNK,
    TIME_TO_FIRST_CHUNK,
    TOKEN_BUCKETS,
    TOKEN_USAGE,
    TOOL_DURATION,
)
from agentrt.telemetry.tracing import Telemetry
from agentrt.testing import simulator
from agentrt.xai.chat_request import ChatRequest
from agentrt.xai.messages import user

pytestmark = pytest.mark.e2e

MODEL = "grok-4-1-fast-reasoning"
QUESTION = "What are the weather and the time in Paris?"


@tool
async def get_weather(city: str) -> dict[str, Any]:
    """Get the current weather for a city.

    Args:
        city: The city name.
    """
    return {"city": city, "temp_c": 21}


@tool
def get_time(city: str) -> str:
    """Get the local time in a city.

    Args:
        city: The city name.
    """
    return "14:05"


def weather_agent() -> Agent[Any]:
    return Agent(
        name="weather", model=MODEL, instructions="Answer exactly.", tools=[get_weather, get_time]
    )


@dataclass
class Otel:
    """Injected SDK providers with in-memory exporters, and a Telemetry using them."""

    spans: InMemorySpanExporter
    reader: InMemoryMetricReader
    telemetry: Telemetry

    def finished(self) -> list[ReadableSpan]:
        return list(self.spans.get_finished_spans())

    def named(self, prefix: str) -> list[ReadableSpan]:
        return [s for s in self.finished() if s.name.startswith(prefix)]

    def metrics(self) -> dict[str, Any]:
        data = self.reader.get_metrics_data()
        assert data is not None
        return {
            m.name: m for rm in data.resource_metrics for sm in rm.scope_metrics for m in sm.metrics
        }


@contextmanager
def make_otel(**options: Any) -> Iterator[Otel]:
    """Injected providers with in-memory exporters (``options`` go to Telemetry), shut down after."""
    exporter = InMemorySpanExporter()
    tracer_provider = TracerProvider(shutdown_on_exit=False)
    tracer_provider.add_span_processor(SimpleSpanProcessor(exporter))
    reader = InMemoryMetricReader()
    meter_provider = MeterProvider(metric_readers=[reader], shutdown_on_exit=False)
    telemetry = Telemetry(tracer_provider=tracer_provider, meter_provider=meter_provider, **options)
    try:
        yield Otel(exporter, reader, telemetry)
    finally:
        tracer_provider.shutdown()
        meter_provider.shutdown()


@pytest.fixture
def otel(monkeypatch: pytest.MonkeyPatch) -> Iterator[Otel]:
    monkeypatch.delenv(CAPTURE_CONTENT_ENV, raising=False)
    with make_otel() as found:
        yield found


@pytest.fixture
def otel_content() -> Iterator[Otel]:
    with make_otel(capture_content=True) as found:
        yield found


def parent_of(span: ReadableSpan) -> int | None:
    return span.parent.span_id if span.parent is not None else None


def attrs(span: ReadableSpan) -> dict[str, Any]:
    return dict(span.attributes or {})


# -- the span tree ---------------------------------------------------------------------------


@pytest.mark.parametrize("streaming", [False, True])
async def test_multi_tool_agent_run_is_one_nested_trace_with_server_spans(
    otel: Otel, streaming: bool
) -> None:
    async with (
        simulator(observer=otel.telemetry.observer()) as sim,
        sim.connect(telemetry=otel.telemetry) as client,
    ):
        agent = weather_agent()
        if streaming:
            async with agent.stream(QUESTION, client=client) as events:
                async for _ in events:
                    pass
            result = events.result
        else:
            result = await agent.run(QUESTION, client=client)
    (run,) = otel.named("invoke_agent")
    chats = otel.named("chat ")
    tools = otel.named("execute_tool")
    method = "GetCompletionChunk" if streaming else "GetCompletion"
    servers = otel.named(f"xai_api.Chat/{method}")
    assert run.name == "invoke_agent weather"
    assert run.kind == SpanKind.INTERNAL
    assert run.parent is None
    assert len({s.context.trace_id for s in otel.finished()}) == 1
    assert [c.name for c in chats] == [f"chat {MODEL}"] * 2 == [f"chat {MODEL}"] * result.turns
    assert all(c.kind == SpanKind.CLIENT and parent_of(c) == run.context.span_id for c in chats)
    assert sorted(t.name for t in tools) == ["execute_tool get_time", "execute_tool get_weather"]
    assert all(t.kind == SpanKind.INTERNAL and parent_of(t) == run.context.span_id for t in tools)
    # each server span is the child of the chat span whose traceparent it received
    assert len(servers) == 2
    assert {parent_of(s) for s in servers} == {c.context.span_id for c in chats}
    assert all(s.kind == SpanKind.SERVER for s in servers)
    # tools ran between the two model calls
    first, second = sorted(chats, key=lambda s: s.start_time or 0)
    assert all((first.end_time or 0) <= (t.start_time or 0) for t in tools)
    assert all((t.end_time or 0) <= (second.start_time or 0) for t in tools)
    assert all(attrs(s)["gen_ai.request.stream"] is streaming for s in chats)


async def test_span_attributes_carry_the_conventions_values(otel: Otel) -> None:
    async with (
        simulator() as sim,
        sim.connect(telemetry=otel.telemetry) as client,
    ):
        result = await weather_agent().run(QUESTION, client=client)
    host, port = sim.address.rsplit(":", 1)
    (run,) = otel.named("invoke_agent")
    a = attrs(run)
    assert a["gen_ai.operation.name"] == "invoke_agent"
    assert a["gen_ai.provider.name"] == "x_ai"
    assert a["gen_ai.agent.name"] == "weather"
    assert a["gen_ai.request.model"] == MODEL
    assert a["gen_ai.conversation.id"] == result.run_id
    assert a["gen_ai.usage.input_tokens"] == result.usage.prompt_tokens
    chats = sorted(otel.named("chat "), key=lambda s: s.start_time or 0)
    for span, response_id in zip(chats, result.response_ids, strict=True):
        c = attrs(span)
        assert c["gen_ai.operation.name"] == "chat"
        assert c["gen_ai.provider.name"] == "x_ai"
        assert c["gen_ai.request.model"] == MODEL
        assert c["gen_ai.response.model"]
        assert c["gen_ai.response.id"] == response_id
        assert c["server.address"] == host
        assert c["server.port"] == int(port)
        assert c["gen_ai.conversation.id"] == result.run_id
        assert c["gen_ai.request.stream"] is False
        assert "gen_ai.response.time_to_first_chunk" not in c
    assert attrs(chats[0])["gen_ai.response.finish_reasons"] == ("tool_calls",)
    assert attrs(chats[1])["gen_ai.response.finish_reasons"] == ("stop",)
    inputs = sum(attrs(c)["gen_ai.usage.input_tokens"] for c in chats)
    outputs = sum(attrs(c)["gen_ai.usage.output_tokens"] for c in chats)
    reasoning = sum(attrs(c)["gen_ai.usage.reasoning.output_tokens"] for c in chats)
    assert inputs == result.usage.prompt_tokens
    assert reasoning == result.usage.reasoning_tokens > 0
    assert outputs == result.usage.completion_tokens + result.usage.reasoning_tokens
    costs = [attrs(c)["agentrt.usage.cost_usd"] for c in chats]
    assert all(cost > 0 for cost in costs)
    assert sum(costs) == pytest.approx(a["agentrt.usage.cost_usd"])
    assert a["agentrt.usage.cost_usd"] == pytest.approx(result.usage.cost_usd)
    records = {r.call_id: r for r in result.tool_calls}
    assert len(otel.named("execute_tool")) == len(records) == 2
    for span in otel.named("execute_tool"):
        t = attrs(span)
        assert t["gen_ai.operation.name"] == "execute_tool"
        assert t["gen_ai.tool.type"] == "function"
        assert records[t["gen_ai.tool.call.id"]].name == t["gen_ai.tool.name"]
        assert span.status.status_code == StatusCode.UNSET


async def test_request_settings_and_stream_timing_attributes(otel: Otel) -> None:
    request = ChatRequest(
        model=MODEL,
        messages=(user("Tell me a story"),),
        temperature=0.25,
        top_p=0.5,
        max_tokens=64,
        seed=7,
        stop=("END",),
    )
    async with (
        simulator() as sim,
        sim.connect(telemetry=otel.telemetry) as client,
        client.chat.stream(request) as stream,
    ):
        async for _ in stream:
            pass
    (span,) = otel.named("chat ")
    a = attrs(span)
    assert a["gen_ai.request.temperature"] == 0.25
    assert a["gen_ai.request.top_p"] == 0.5
    assert a["gen_ai.request.max_tokens"] == 64
    assert a["gen_ai.request.seed"] == 7
    assert a["gen_ai.request.stop_sequences"] == ("END",)
    assert a["gen_ai.request.stream"] is True
    ttfc = a["gen_ai.response.time_to_first_chunk"]
    duration = ((span.end_time or 0) - (span.start_time or 0)) / 1e9
    assert 0 < ttfc <= duration
    assert a["gen_ai.response.id"] == stream.response.id


async def test_a_sub_agent_nests_under_the_tool_call_that_ran_it(otel: Otel) -> None:
    script = [
        {"tool_calls": [{"name": "helper", "arguments": {"input": "find it"}}]},
        {"text": "found"},
        {"text": "done"},
    ]
    helper = Agent(name="helper", model=MODEL, instructions="Help.")
    parent = Agent(name="boss", model=MODEL, tools=[helper.as_tool()])
    async with simulator(script=script) as sim, sim.connect(telemetry=otel.telemetry) as client:
        result = await parent.run("Ask the helper.", client=client)
    assert result.output == "done"
    boss = next(s for s in otel.named("invoke_agent") if s.name == "invoke_agent boss")
    child = next(s for s in otel.named("invoke_agent") if s.name == "invoke_agent helper")
    (call,) = otel.named("execute_tool helper")
    assert parent_of(call) == boss.context.span_id
    assert parent_of(child) == call.context.span_id
    child_chats = [s for s in otel.named("chat ") if parent_of(s) == child.context.span_id]
    assert len(child_chats) == 1


# -- metrics ------------------------------------------------------------------------------------


async def test_metrics_with_the_conventions_buckets(otel: Otel) -> None:
    async with (
        simulator() as sim,
        sim.connect(telemetry=otel.telemetry) as client,
        weather_agent().stream(QUESTION, client=client) as events,
    ):
        async for event in events:
            if isinstance(event, RunFinished):
                result = event.result
    metrics = otel.metrics()
    duration = metrics[OPERATION_DURATION]
    assert duration.unit == "s"
    (point,) = duration.data.data_points
    assert point.count == 2
    assert tuple(point.explicit_bounds) == DURATION_BUCKETS
    assert point.attributes["gen_ai.operation.name"] == "chat"
    assert point.attributes["gen_ai.provider.name"] == "x_ai"
    assert point.attributes["gen_ai.request.model"] == MODEL
    assert "server.port" in point.attributes
    tokens = {p.attributes["gen_ai.token.type"]: p for p in metrics[TOKEN_USAGE].data.data_points}
    assert metrics[TOKEN_USAGE].unit == "{token}"
    assert tuple(tokens["input"].explicit_bounds) == TOKEN_BUCKETS
    assert tokens["input"].sum == result.usage.prompt_tokens
    assert tokens["output"].sum == result.usage.completion_tokens + result.usage.reasoning_tokens
    for name in (TIME_TO_FIRST_CHUNK, TIME_PER_OUTPUT_CHUNK):
        (p,) = metrics[name].data.data_points
        assert p.count == 2
        assert tuple(p.explicit_bounds) == DURATION_BUCKETS
    (agent_point,) = metrics[AGENT_DURATION].data.data_points
    assert agent_point.count == 1
    assert agent_point.attributes["gen_ai.agent.name"] == "weather"
    assert tuple(agent_point.explicit_bounds) == DURATION_BUCKETS
    tool_points = {
        p.attributes["gen_ai.tool.name"]: p for p in metrics[TOOL_DURATION].data.data_points
    }
    assert set(tool_points) == {"get_weather", "get_time"}
    assert all(p.count == 1 for p in tool_points.values())


async def test_unary_calls_record_no_stream_metrics(otel: Otel) -> None:
    async with simulator() as sim, sim.connect(telemetry=otel.telemetry) as client:
        await client.chat.complete(ChatRequest(model=MODEL, messages=(user("Hi"),)))
    metrics = otel.metrics()
    assert metrics[OPERATION_DURATION].data.data_points[0].count == 1
    assert TIME_TO_FIRST_CHUNK not in metrics
    assert TIME_PER_OUTPUT_CHUNK not in metrics


def test_every_telemetry_name_lives_in_telemetry_names() -> None:
    import re
    from pathlib import Path

    import agentrt.telemetry.names

    package = Path(__file__).resolve().parent.parent / "agentrt"
    home = Path(agentrt.telemetry.names.__file__).resolve()
    for path in package.rglob("*.py"):
        if path.resolve() == home:
            continue
        text = path.read_text()
        found = re.findall(r"[\"'](?:gen_ai\.|agentrt\.(?:agent|tool)\.duration)[^\"']*[\"']", text)
        assert not found, f"{path.name} spells telemetry names itself: {found}"
