"""Model fallback end to end: ``agentrt run`` (a subprocess) with ``model: [a, b]``
against ``agentrt sim --fail-model a=...``; the client over gRPC and REST; traces."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from agentrt.agents.agent import Agent
from agentrt.agents.fallback import FALLBACK_EVENT
from agentrt.xai.client import Client
from tests.conftest import SimProcess, run_agentrt, running_server, running_sim

pytestmark = pytest.mark.e2e

PRIMARY, FALLBACK = "grok-4-1-fast-reasoning", "grok-3-mini"
SPEC = f"""version: 1
name: steady
model: [{PRIMARY}, {FALLBACK}]
instructions: Be brief.
"""


@pytest.fixture(scope="module")
def failing_sim() -> Iterator[SimProcess]:
    """A simulator whose primary model is always INTERNAL (REST door too)."""
    with running_sim("--fail-model", f"{PRIMARY}=internal", "--http-port", "0") as sim:
        yield sim


async def test_agentrt_run_answers_with_the_fallback_and_json_shows_it(
    failing_sim: SimProcess, tmp_path: Path
) -> None:
    spec = tmp_path / "steady.yaml"
    spec.write_text(SPEC)
    code, out, err = await run_agentrt(
        "run", str(spec), "Say hello", "--json", "--endpoint", failing_sim.address
    )
    assert code == 0, err
    summary = json.loads(out)
    assert summary["output"]
    (taken,) = summary["fallbacks"]
    assert (taken["turn"], taken["from_model"], taken["to_model"]) == (1, PRIMARY, FALLBACK)
    assert taken["error"].startswith("ServerError: INTERNAL")


async def test_agentrt_run_fails_as_before_when_every_model_fails(tmp_path: Path) -> None:
    spec = tmp_path / "steady.yaml"
    spec.write_text(SPEC)
    with running_sim(
        "--fail-model", f"{PRIMARY}=internal", "--fail-model", f"{FALLBACK}=internal"
    ) as sim:
        code, _out, err = await run_agentrt("run", str(spec), "hi", "--endpoint", sim.address)
    assert code == 3  # an RPC error, as without fallbacks
    assert "INTERNAL" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("protocol", ["grpc", "rest"])
async def test_the_client_falls_back_over_either_protocol(
    failing_sim: SimProcess, protocol: str
) -> None:
    endpoint = failing_sim.address if protocol == "grpc" else failing_sim.rest_url
    agent = Agent(name="steady", model=PRIMARY, models=[FALLBACK])
    async with Client(endpoint=endpoint, internal_retries=0) as client:
        result = await agent.run("hi", client=client)
        async with agent.stream("hi", client=client) as events:
            async for _ in events:
                pass
    assert [f.to_model for f in result.fallbacks] == [FALLBACK]
    assert [f.to_model for f in events.result.fallbacks] == [FALLBACK]
    assert result.output


async def test_a_fallback_is_an_event_on_the_run_span(failing_sim: SimProcess) -> None:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from agentrt.telemetry.tracing import Telemetry

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    agent = Agent(name="steady", model=PRIMARY, models=[FALLBACK])
    telemetry = Telemetry(tracer_provider=provider)
    async with Client(endpoint=failing_sim.address, telemetry=telemetry) as client:
        await agent.run("hi", client=client)
    (run,) = [s for s in exporter.get_finished_spans() if s.name.startswith("invoke_agent")]
    (event,) = [e for e in run.events if e.name == FALLBACK_EVENT]
    assert dict(event.attributes or {}) == {
        "agentrt.fallback.turn": 1,
        "agentrt.fallback.from_model": PRIMARY,
        "agentrt.fallback.to_model": FALLBACK,
        "error.type": "ServerError",
    }
    chats = [s for s in exporter.get_finished_spans() if s.name.startswith("chat ")]
    assert [s.name for s in chats] == [f"chat {PRIMARY}", f"chat {FALLBACK}"]


async def test_serve_runs_on_the_fallback_and_the_result_lists_it(
    failing_sim: SimProcess, tmp_path: Path
) -> None:
    import grpc
    from agentrt_protos.agentrt.v1 import agent_pb2 as pb
    from agentrt_protos.agentrt.v1 import agent_pb2_grpc

    spec = tmp_path / "steady.yaml"
    spec.write_text(SPEC)
    with running_server(
        "serve", str(spec), "--endpoint", failing_sim.address, "--quiet",
        drop=("XAI_API_KEY", "AGENTRT_ENDPOINT"),
    ) as served:  # fmt: skip
        async with grpc.aio.insecure_channel(served.address) as channel:
            stub = agent_pb2_grpc.AgentsStub(channel)
            request = pb.RunAgentRequest(agent="steady", input="hi")
            answer = await stub.RunAgent(request, timeout=30)
    assert answer.status.state == pb.RunStatus.SUCCEEDED
    assert answer.result.model == PRIMARY  # the spec's model; where the run went is below
    (taken,) = answer.result.fallbacks
    assert (taken.turn, taken.from_model, taken.to_model) == (1, PRIMARY, FALLBACK)
