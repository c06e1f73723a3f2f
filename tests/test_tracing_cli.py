"""``--trace`` / ``--metrics`` as a user runs them: real subprocesses, a real simulator,
and for ``otlp`` a real OTLP/gRPC collector on 127.0.0.1 (configured by the standard env vars).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import grpc
import pytest
from opentelemetry.proto.collector.metrics.v1 import (
    metrics_service_pb2,
    metrics_service_pb2_grpc,
)
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2, trace_service_pb2_grpc

from tests.conftest import clean_env, run_agentrt, running_sim

pytestmark = pytest.mark.e2e

MODEL = "grok-4-1-fast-reasoning"
TRIP = Path(__file__).resolve().parent.parent / "examples" / "trip_planner" / "trip_planner.yaml"


def json_objects(text: str) -> list[dict[str, Any]]:
    """The JSON objects the console exporters wrote, one after another (other lines skipped)."""
    decoder = json.JSONDecoder()
    found, i = [], 0
    while (start := text.find("{", i)) != -1:
        try:
            obj, i = decoder.raw_decode(text, start)
        except ValueError:
            i = start + 1
            continue
        if isinstance(obj, dict):
            found.append(obj)
    return found


def spans_in(text: str) -> list[dict[str, Any]]:
    return [o for o in json_objects(text) if "context" in o and "kind" in o]


async def test_chat_and_sim_trace_to_the_console_as_one_trace() -> None:
    with running_sim("--trace", "console") as sim:
        code, out, err = await run_agentrt(
            "chat",
            "--endpoint",
            sim.address,
            "--stream",
            "--trace",
            "console",
            "--metrics",
            "console",
            "Tell me a story",
        )
        assert code == 0, err
        assert out.strip()  # the answer on stdout, telemetry on stderr only
        assert "{" not in out
    (chat,) = [s for s in spans_in(err) if s["name"] == f"chat {MODEL}"]
    assert chat["kind"] == "SpanKind.CLIENT"
    assert chat["attributes"]["gen_ai.provider.name"] == "x_ai"
    assert chat["attributes"]["gen_ai.request.stream"] is True
    metric_names = {
        m["name"]
        for o in json_objects(err)
        for rm in o.get("resource_metrics", [])
        for sm in rm["scope_metrics"]
        for m in sm["metrics"]
    }
    assert {"gen_ai.client.operation.duration", "gen_ai.client.token.usage"} <= metric_names
    assert "gen_ai.client.operation.time_to_first_chunk" in metric_names
    (server,) = [s for s in spans_in(sim.stderr) if s["name"].startswith("xai_api.Chat/")]
    assert server["kind"] == "SpanKind.SERVER"
    assert server["context"]["trace_id"] == chat["context"]["trace_id"]
    assert server["parent_id"] == chat["context"]["span_id"]


async def test_run_traces_the_agent_tree_to_the_console() -> None:
    with running_sim() as sim:
        code, _, err = await run_agentrt(
            "run",
            str(TRIP),
            "Plan a day in Lisbon: check the weather and find places to visit.",
            "--endpoint",
            sim.address,
            "--quiet",
            "--trace",
            "console",
        )
    assert code == 0, err
    spans = spans_in(err)
    (run,) = [s for s in spans if s["name"].startswith("invoke_agent ")]
    chats = [s for s in spans if s["name"].startswith("chat ")]
    tools = [s for s in spans if s["name"].startswith("execute_tool ")]
    assert len(chats) >= 2
    assert tools
    assert {s["parent_id"] for s in chats + tools} == {run["context"]["span_id"]}


class _Collector(
    trace_service_pb2_grpc.TraceServiceServicer, metrics_service_pb2_grpc.MetricsServiceServicer
):
    def __init__(self) -> None:
        self.span_names: list[str] = []
        self.metric_names: set[str] = set()

    async def Export(self, request: Any, context: Any) -> Any:
        if isinstance(request, trace_service_pb2.ExportTraceServiceRequest):
            for rs in request.resource_spans:
                for ss in rs.scope_spans:
                    self.span_names.extend(s.name for s in ss.spans)
            return trace_service_pb2.ExportTraceServiceResponse()
        for rm in request.resource_metrics:
            for sm in rm.scope_metrics:
                self.metric_names.update(m.name for m in sm.metrics)
        return metrics_service_pb2.ExportMetricsServiceResponse()


@asynccontextmanager
async def collector() -> AsyncIterator[tuple[_Collector, int]]:
    found = _Collector()
    server = grpc.aio.server()
    trace_service_pb2_grpc.add_TraceServiceServicer_to_server(found, server)
    metrics_service_pb2_grpc.add_MetricsServiceServicer_to_server(found, server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    try:
        yield found, port
    finally:
        await server.stop(None)


async def test_otlp_export_honours_the_standard_environment() -> None:
    with running_sim() as sim:
        async with collector() as (found, port):
            env = clean_env(
                OTEL_EXPORTER_OTLP_ENDPOINT=f"http://127.0.0.1:{port}",
                OTEL_EXPORTER_OTLP_INSECURE="true",
            )
            code, _, err = await run_agentrt(
                "chat",
                "--endpoint",
                sim.address,
                "--trace",
                "otlp",
                "--metrics",
                "otlp",
                "Hi",
                env=env,
            )
    assert code == 0, err
    assert found.span_names == [f"chat {MODEL}"]
    assert {"gen_ai.client.operation.duration", "gen_ai.client.token.usage"} <= found.metric_names


async def test_a_bad_exporter_name_is_a_usage_error() -> None:
    code, _, err = await run_agentrt("chat", "--trace", "jaeger", "Hi")
    assert code == 2
    assert "invalid choice" in err
