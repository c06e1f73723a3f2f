"""``agentrt serve`` end to end: a client using only the generated stubs, against ``agentrt serve``
started as a subprocess, which talks to ``agentrt sim`` (also a subprocess) over real sockets.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import re
import signal
import subprocess
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from agentrt_protos.agentrt.v1 import agent_pb2 as pb
from agentrt_protos.agentrt.v1 import agent_pb2_grpc
from google.protobuf import json_format
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from tests.conftest import (
    RESEARCH_INPUT,
    TRIAGE_INPUT,
    TRIP_INPUT,
    ListeningProcess,
    SimProcess,
    agentrt_command,
    running_server,
    running_sim,
)

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
PROBE = Path(__file__).resolve().parent / "serve_agents" / "probe.yaml"
PROBE_CAPPED = PROBE.with_name("probe_capped.yaml")
TOKEN = "caller-token-1"
UPSTREAM_KEY = "upstream-key-for-the-simulator"

# agent -> (input, variables, the tools its run calls)
EXAMPLE_RUNS: dict[str, tuple[str, dict[str, str], set[str]]] = {
    "trip_planner": (TRIP_INPUT, {}, {"get_weather", "find_places"}),
    "support_triage": (TRIAGE_INPUT, {"company": "Acme"}, {"lookup_order", "draft_reply"}),
    "research": (RESEARCH_INPUT, {}, {"researcher"}),
    "researcher": ("Find notes on the Lisbon trams", {}, {"search_notes"}),
}


ServeProcess = ListeningProcess


def serve_command(*args: str) -> list[str]:
    """The command line of ``agentrt serve ARGS``."""
    return agentrt_command("serve", *args)


def running_serve(
    *args: str, env: dict[str, str] | None = None
) -> contextlib.AbstractContextManager[ListeningProcess]:
    """Start ``agentrt serve ARGS`` without the caller's upstream key or endpoint."""
    return running_server(
        "serve", *args, env=env, drop=("XAI_API_KEY", "AGENTRT_ENDPOINT"), stop_s=20
    )


def serve_probe(
    keyed_sim: SimProcess, key_file: Path
) -> contextlib.AbstractContextManager[ListeningProcess]:
    """A server of its own for the probe agent, behind bearer tokens (for tests that stop it)."""
    return running_serve(
        str(PROBE),
        "--endpoint",
        keyed_sim.address,
        "--api-key-file",
        str(key_file),
        env={"XAI_API_KEY": UPSTREAM_KEY},
    )


@pytest.fixture(scope="module")
def keyed_sim() -> Iterator[SimProcess]:
    """A simulator that wants the upstream key."""
    with running_sim("--api-key", UPSTREAM_KEY) as sim:
        yield sim


@pytest.fixture(scope="module")
def key_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("serve") / "tokens.txt"
    path.write_text(f"# callers\nsomeone-else-token\n{TOKEN}\n")
    return path


@pytest.fixture(scope="module")
def probe_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("probe")


@pytest.fixture(scope="module")
def server(keyed_sim: SimProcess, key_file: Path, probe_dir: Path) -> Iterator[ServeProcess]:
    """Every example agent and the probe agent, behind bearer tokens, at most 2 runs at once."""
    specs = [str(EXAMPLES / name) for name in ("trip_planner", "support_triage", "research")]
    with running_serve(
        *specs,
        str(PROBE),
        str(PROBE_CAPPED),
        "--endpoint",
        keyed_sim.address,
        "--api-key-file",
        str(key_file),
        "--max-concurrent-runs",
        "2",
        env={"XAI_API_KEY": UPSTREAM_KEY, "SERVE_PROBE_DIR": str(probe_dir)},
    ) as served:
        yield served


AUTH = (("authorization", f"Bearer {TOKEN}"),)


@contextlib.asynccontextmanager
async def agents_stub(address: str) -> AsyncIterator[agent_pb2_grpc.AgentsStub]:
    async with grpc.aio.insecure_channel(address) as channel:
        yield agent_pb2_grpc.AgentsStub(channel)


async def run_unary(address: str, agent: str, text: str, **fields: Any) -> pb.RunAgentResponse:
    async with agents_stub(address) as stub:
        request = pb.RunAgentRequest(agent=agent, input=text, **fields)
        response: pb.RunAgentResponse = await stub.RunAgent(request, metadata=AUTH, timeout=30)
        return response


async def run_streamed(address: str, agent: str, text: str, **fields: Any) -> list[pb.RunEvent]:
    async with agents_stub(address) as stub:
        request = pb.RunAgentRequest(agent=agent, input=text, **fields)
        return [e async for e in stub.StreamAgent(request, metadata=AUTH, timeout=30)]


async def server_status(address: str) -> pb.ServerStatus:
    async with agents_stub(address) as stub:
        status: pb.ServerStatus = await stub.GetServerStatus(
            pb.GetServerStatusRequest(), metadata=AUTH, timeout=5
        )
        return status


async def eventually(check: Callable[[], Awaitable[bool]], what: str, within: float = 10.0) -> None:
    """Poll ``check`` until it is true (or fail saying ``what`` never happened)."""
    import asyncio

    end = time.monotonic() + within
    for _ in itertools.count():
        if await check():
            return
        if time.monotonic() > end:
            raise AssertionError(f"{what} did not happen within {within} s")
        await asyncio.sleep(0.02)


async def settled(address: str, tasks: int) -> pb.ServerStatus:
    """Wait until no run is in flight and the task count is back to ``tasks``."""
    last: list[pb.ServerStatus] = []

    async def check() -> bool:
        last[:] = [await server_status(address)]
        return last[0].runs_in_flight == 0 and last[0].tasks <= tasks

    await eventually(check, f"the server settling to {tasks} tasks")
    return last[0]


async def runs_in_flight(address: str) -> bool:
    return (await server_status(address)).runs_in_flight > 0


def output_of(result: pb.RunResult) -> Any:
    if result.WhichOneof("output") == "structured":
        return json_format.MessageToDict(result.structured)
    return result.text


# --- the example agents ----------------------------------------------------------------------


async def test_list_agents_names_every_loaded_spec(server: ServeProcess) -> None:
    async with agents_stub(server.address) as stub:
        listed = await stub.ListAgents(pb.ListAgentsRequest(), metadata=AUTH)
    names = [a.name for a in listed.agents]
    assert names == [
        "probe",
        "probe_capped",
        "research",
        "researcher",
        "support_triage",
        "trip_planner",
    ]
    triage = {a.name: a for a in listed.agents}["support_triage"]
    assert triage.model == "grok-4-1-fast-reasoning"
    assert triage.variables == ["company"]
    assert triage.structured_output
    assert [(t.name, t.kind) for t in triage.tools] == [
        ("lookup_order", "function"),
        ("draft_reply", "function"),
    ]
    assert (triage.limits.max_turns, triage.limits.timeout_s) == (6, 60.0)
    research = {a.name: a for a in listed.agents}["research"]
    assert [(t.name, t.kind) for t in research.tools] == [
        ("researcher", "agent"),
        ("web_search", "builtin"),
    ]


async def test_get_agent_gives_the_schemas_of_variables_and_output(server: ServeProcess) -> None:
    async with agents_stub(server.address) as stub:
        triage = await stub.GetAgent(pb.GetAgentRequest(name="support_triage"), metadata=AUTH)
        trip = await stub.GetAgent(pb.GetAgentRequest(name="trip_planner"), metadata=AUTH)
        probe = await stub.GetAgent(pb.GetAgentRequest(name="probe"), metadata=AUTH)
        with pytest.raises(grpc.aio.AioRpcError) as missing:
            await stub.GetAgent(pb.GetAgentRequest(name="nobody"), metadata=AUTH)
    variables = json_format.MessageToDict(triage.variables_schema)
    assert variables["required"] == ["company"]
    assert variables["properties"] == {"company": {"type": "string"}}
    output = json_format.MessageToDict(triage.output_schema)
    assert output["properties"]["priority"]["enum"] == ["low", "normal", "urgent"]
    trip_output = json_format.MessageToDict(trip.output_schema)
    assert {"city", "forecast", "places"} <= set(trip_output["properties"])
    assert not probe.HasField("output_schema")
    assert missing.value.code() == grpc.StatusCode.NOT_FOUND
    assert "trip_planner" in (missing.value.details() or "")


@pytest.mark.parametrize("agent", sorted(EXAMPLE_RUNS))
async def test_every_example_runs_through_run_agent(server: ServeProcess, agent: str) -> None:
    text, variables, tools = EXAMPLE_RUNS[agent]
    response = await run_unary(
        server.address, agent, text, variables=variables, run_id=f"u-{agent}"
    )
    assert response.status.state == pb.RunStatus.SUCCEEDED, response.status
    result = response.result
    assert (result.agent, result.run_id, result.model) == (
        agent,
        f"u-{agent}",
        "grok-4-1-fast-reasoning",
    )
    assert result.turns >= 2
    assert len(result.response_ids) == result.turns
    assert {c.name for c in result.tool_calls} == tools
    assert all(c.WhichOneof("outcome") == "result" for c in result.tool_calls)
    assert result.usage.input_tokens > 0
    assert result.usage.output_tokens > 0
    output = output_of(result)
    if agent == "trip_planner":
        assert output["city"] == "Lisbon"
        assert output["forecast"] == "sunny"
    elif agent == "support_triage":
        assert output["order_id"] == "AB-123"
    else:
        assert isinstance(output, str)
        assert output


@pytest.mark.parametrize("agent", sorted(EXAMPLE_RUNS))
async def test_every_example_streams_through_stream_agent(server: ServeProcess, agent: str) -> None:
    text, variables, tools = EXAMPLE_RUNS[agent]
    events = await run_streamed(server.address, agent, text, variables=variables)
    kinds = [e.WhichOneof("event") for e in events]
    assert kinds[0] == "run_started"
    assert kinds[-2:] == ["run_finished", "run_ended"]
    assert events[-1].run_ended.status.state == pb.RunStatus.SUCCEEDED
    result = events[-2].run_finished.result
    assert result.run_id == events[0].run_started.run_id
    assert result.run_id
    assert kinds.count("turn_finished") == result.turns
    assert kinds.count("tool_call_started") == kinds.count("tool_call_finished")
    assert kinds.count("tool_call_finished") == len(result.tool_calls)
    assert {e.tool_call_finished.name for e in events if e.HasField("tool_call_finished")} == tools
    assert "reasoning_delta" in kinds
    turn_ends = [i for i, e in enumerate(events) if e.HasField("turn_finished")]
    last_turn = events[turn_ends[-2] if len(turn_ends) > 1 else 0 : turn_ends[-1]]
    answer = "".join(e.text_delta for e in last_turn if e.HasField("text_delta"))
    if result.WhichOneof("output") == "structured":
        assert json.loads(answer) == output_of(result)
    else:
        assert answer == result.text
    turn_usage = sum(
        e.turn_finished.usage.output_tokens for e in events if e.HasField("turn_finished")
    )
    assert 0 < turn_usage <= result.usage.output_tokens  # sub-agents add to the total


# --- what a run carries in ---------------------------------------------------------------------


async def test_run_id_and_metadata_reach_a_tool_that_asks(server: ServeProcess) -> None:
    response = await run_unary(
        server.address, "probe", "call whoami", run_id="r-42", metadata={"tenant": "acme"}
    )
    assert response.status.state == pb.RunStatus.SUCCEEDED
    (call,) = response.result.tool_calls
    assert json.loads(call.result) == {"run_id": "r-42", "metadata": {"tenant": "acme"}}


async def test_the_call_deadline_is_the_run_budget(server: ServeProcess, probe_dir: Path) -> None:
    (probe_dir / "hang-cancelled").unlink(missing_ok=True)
    async with agents_stub(server.address) as stub:
        request = pb.RunAgentRequest(agent="probe", input="call hang")
        # The tool would hang for 60 s; the run's budget is what is left of these 1.5 s.
        response = await stub.RunAgent(request, metadata=AUTH, timeout=1.5)
    assert response.status.state == pb.RunStatus.FAILED
    assert response.status.error_type == "RunTimeout"
    # named as the caller's deadline (1.5 s less the answer margin), not the spec's 120 s
    assert "ran out of the caller's deadline (1.3" in response.status.message
    assert "120" not in response.status.message
    assert response.result.turns == 1  # the partial result: the turn that asked for the tool
    assert (probe_dir / "hang-cancelled").exists()


async def test_a_longer_deadline_cannot_raise_the_specs_budget(server: ServeProcess) -> None:
    async with agents_stub(server.address) as stub:
        request = pb.RunAgentRequest(agent="probe_capped", input="call hang")
        response = await stub.RunAgent(request, metadata=AUTH, timeout=30)
    assert response.status.state == pb.RunStatus.FAILED
    assert response.status.error_type == "RunTimeout"  # the spec's 1 s, not the call's 30 s
    assert "ran out of its 1 s budget" in response.status.message


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"agent": "support_triage", "input": "hi"}, "company"),  # a variable missing
        ({"agent": "trip_planner", "input": "hi", "variables": {"city": "x"}}, "no variable"),
        ({"agent": "trip_planner", "input": "  "}, "input is empty"),
        ({"agent": "trip_planner", "input": "hi", "run_id": "no spaces"}, "run_id"),
        ({"agent": "trip_planner", "input": "x" * 300_000}, "at most"),
        ({"agent": "trip_planner", "input": "hi", "metadata": {"k": "v" * 20_000}}, "metadata"),
    ],
)
async def test_a_request_the_agent_cannot_take_is_invalid_argument(
    server: ServeProcess, fields: dict[str, Any], expected: str
) -> None:
    agent, text = fields.pop("agent"), fields.pop("input")
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await run_unary(server.address, agent, text, **fields)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert expected in (caught.value.details() or "")


async def test_a_request_over_the_message_size_limit_is_refused(server: ServeProcess) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await run_unary(server.address, "trip_planner", "x" * (2 * 1024 * 1024))
    assert caught.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED


# --- security ----------------------------------------------------------------------------------


@pytest.mark.parametrize("metadata", [(), (("authorization", "Bearer wrong-token"),)])
async def test_calls_without_the_right_token_are_unauthenticated(
    server: ServeProcess, metadata: tuple[tuple[str, str], ...]
) -> None:
    async with agents_stub(server.address) as stub:
        request = pb.RunAgentRequest(agent="trip_planner", input=TRIP_INPUT)
        calls = [
            stub.ListAgents(pb.ListAgentsRequest(), metadata=metadata),
            stub.RunAgent(request, metadata=metadata),
            stub.StreamAgent(request, metadata=metadata).read(),
            stub.GetServerStatus(pb.GetServerStatusRequest(), metadata=metadata),
        ]
        for call in calls:
            with pytest.raises(grpc.aio.AioRpcError) as caught:
                await call
            assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED
            assert "wrong-token" not in (caught.value.details() or "")


async def test_the_upstream_key_never_reaches_the_caller(
    keyed_sim: SimProcess, key_file: Path
) -> None:
    secret = "xai-secret-that-the-simulator-refuses"
    with running_serve(
        str(EXAMPLES / "trip_planner"),
        "--endpoint",
        keyed_sim.address,
        "--api-key-file",
        str(key_file),
        env={"XAI_API_KEY": secret},
    ) as served:
        for run in (run_unary, run_streamed):
            with pytest.raises(grpc.aio.AioRpcError) as caught:
                await run(served.address, "trip_planner", TRIP_INPUT)
            assert caught.value.code() == grpc.StatusCode.INTERNAL
            assert "credentials" in (caught.value.details() or "")
            assert secret not in str(caught.value)
    assert secret not in served.stderr


def test_a_bad_spec_fails_fast_with_its_position(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nname: bad\nmodel: m\ninstructions: hi\nlimits: {max_turns: 0}\n")
    result = subprocess.run(
        serve_command(str(EXAMPLES / "trip_planner"), str(bad)),
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert f"{bad}:5:" in result.stderr
    assert "max_turns" in result.stderr


async def test_without_a_key_file_loopback_callers_need_no_token(keyed_sim: SimProcess) -> None:
    with running_serve(str(PROBE), "--endpoint", keyed_sim.address, "--quiet") as served:
        async with agents_stub(served.address) as stub:
            listed = await stub.ListAgents(pb.ListAgentsRequest())
    assert [a.name for a in listed.agents] == ["probe"]
    assert "warning: no --api-key-file" in served.stderr
    assert "loopback only" in served.stderr


def test_a_port_out_of_range_is_one_line_and_exit_2() -> None:
    result = subprocess.run(
        serve_command(str(EXAMPLES / "trip_planner"), "--port", "99999"),
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == "agentrt: error: --port 99999: must be 0 (a free port) to 65535\n"


def test_without_a_key_file_only_loopback_is_served() -> None:
    result = subprocess.run(
        serve_command(str(EXAMPLES / "trip_planner"), "--host", "0.0.0.0"),
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert "--api-key-file" in result.stderr
    assert result.stdout == ""


async def test_trace_console_exports_a_server_span_in_the_callers_trace(
    keyed_sim: SimProcess,
) -> None:
    trace_id, parent_id = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
    with running_serve(
        str(PROBE),
        "--endpoint",
        keyed_sim.address,
        "--trace",
        "console",
        env={"XAI_API_KEY": UPSTREAM_KEY},
    ) as served:
        async with agents_stub(served.address) as stub:
            request = pb.RunAgentRequest(agent="probe", input="call whoami")
            traceparent = ("traceparent", f"00-{trace_id}-{parent_id}-01")
            response = await stub.RunAgent(request, metadata=(traceparent,))
    assert response.status.state == pb.RunStatus.SUCCEEDED
    spans = [json.loads(s) for s in re.findall(r"^\{\n.*?^\}$", served.stderr, re.M | re.S)]
    (server_span,) = [s for s in spans if s["name"] == "agentrt.v1.Agents/RunAgent"]
    assert server_span["context"]["trace_id"] == f"0x{trace_id}"
    assert server_span["parent_id"] == f"0x{parent_id}"
    chats = [s for s in spans if s["name"].startswith("chat ")]
    assert len(chats) == response.result.turns
    assert {s["context"]["trace_id"] for s in chats} == {f"0x{trace_id}"}


# --- health and reflection ---------------------------------------------------------------------


async def test_health_answers_for_the_server_the_service_and_each_agent(
    server: ServeProcess,
) -> None:
    async with grpc.aio.insecure_channel(server.address) as channel:
        health = health_pb2_grpc.HealthStub(channel)
        for name in ("", "agentrt.v1.Agents", "agentrt.v1.Agents/trip_planner"):
            reply = await health.Check(health_pb2.HealthCheckRequest(service=name))
            assert reply.status == health_pb2.HealthCheckResponse.SERVING, name
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await health.Check(health_pb2.HealthCheckRequest(service="agentrt.v1.Agents/nobody"))
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND


async def test_reflection_lists_our_service_and_the_standard_ones(server: ServeProcess) -> None:
    async with grpc.aio.insecure_channel(server.address) as channel:
        stub = reflection_pb2_grpc.ServerReflectionStub(channel)
        requests = [
            reflection_pb2.ServerReflectionRequest(list_services=""),
            reflection_pb2.ServerReflectionRequest(file_containing_symbol="agentrt.v1.Agents"),
        ]
        replies = [r async for r in stub.ServerReflectionInfo(iter(requests))]
    services = {s.name for s in replies[0].list_services_response.service}
    assert services == {
        "agentrt.v1.Agents",
        "grpc.health.v1.Health",
        "grpc.reflection.v1alpha.ServerReflection",
    }
    files = replies[1].file_descriptor_response.file_descriptor_proto
    assert any(b"agentrt/v1/agent.proto" in f for f in files)


# --- back-pressure, cancellation, drain --------------------------------------------------------


async def _hanging_run(stub: agent_pb2_grpc.AgentsStub) -> Any:
    """A StreamAgent call of the probe's ``hang`` tool, read until the tool has started."""
    call = stub.StreamAgent(pb.RunAgentRequest(agent="probe", input="call hang"), metadata=AUTH)
    while True:
        event = await call.read()
        if event.HasField("tool_call_started"):
            return call


async def test_beyond_max_concurrent_runs_callers_get_resource_exhausted_at_once(
    server: ServeProcess,
) -> None:
    idle = await server_status(server.address)
    async with agents_stub(server.address) as stub:
        busy = [await _hanging_run(stub), await _hanging_run(stub)]
        status = await server_status(server.address)
        assert (status.runs_in_flight, status.max_concurrent_runs) == (2, 2)
        # Refused, not queued: a queued call would wait behind runs that hang for 60 s.
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await stub.RunAgent(pb.RunAgentRequest(agent="probe", input="call nap"), metadata=AUTH)
        with pytest.raises(grpc.aio.AioRpcError) as streamed:
            await stub.StreamAgent(
                pb.RunAgentRequest(agent="probe", input="call nap"), metadata=AUTH
            ).read()
        for call in busy:
            call.cancel()
    assert caught.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert streamed.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert "--max-concurrent-runs 2" in (caught.value.details() or "")
    await settled(server.address, idle.tasks)


async def test_a_cancelled_run_leaves_nothing_running(
    server: ServeProcess, probe_dir: Path
) -> None:
    idle = await server_status(server.address)
    (probe_dir / "hang-cancelled").unlink(missing_ok=True)
    async with agents_stub(server.address) as stub:
        call = await _hanging_run(stub)
        during = await server_status(server.address)
        assert during.runs_in_flight == 1
        assert during.tasks > idle.tasks
        assert (probe_dir / "hang-started").exists()
        call.cancel()
    after = await settled(server.address, idle.tasks)
    assert after.tasks == idle.tasks
    assert (probe_dir / "hang-cancelled").exists()  # the tool itself was cancelled


async def test_a_disconnected_unary_caller_cancels_its_run(
    server: ServeProcess, probe_dir: Path
) -> None:
    import asyncio

    idle = await server_status(server.address)
    for mark in ("hang-started", "hang-cancelled"):
        (probe_dir / mark).unlink(missing_ok=True)

    async def tool_started() -> bool:
        return (probe_dir / "hang-started").exists()

    async with agents_stub(server.address) as stub:
        task = asyncio.ensure_future(
            stub.RunAgent(pb.RunAgentRequest(agent="probe", input="call hang"), metadata=AUTH)
        )
        await eventually(tool_started, "the hang tool starting")
    # leaving the channel closed the connection under the unary call
    with pytest.raises(asyncio.CancelledError):
        await task
    await settled(server.address, idle.tasks)
    assert (probe_dir / "hang-cancelled").exists()


async def test_sigterm_drains_in_flight_runs_and_refuses_new_ones(
    keyed_sim: SimProcess, key_file: Path
) -> None:
    import asyncio

    with serve_probe(keyed_sim, key_file) as served:
        async with grpc.aio.insecure_channel(served.address) as channel:
            stub = agent_pb2_grpc.AgentsStub(channel)
            health = health_pb2_grpc.HealthStub(channel)
            request = pb.RunAgentRequest(agent="probe", input="call nap")
            in_flight = asyncio.ensure_future(stub.RunAgent(request, metadata=AUTH))
            await eventually(lambda: runs_in_flight(served.address), "the run starting")
            served.process.send_signal(signal.SIGTERM)
            check = health_pb2.HealthCheckRequest(service="agentrt.v1.Agents/probe")

            async def not_serving() -> bool:
                reply = await health.Check(check)
                return bool(reply.status == health_pb2.HealthCheckResponse.NOT_SERVING)

            await eventually(not_serving, "health turning NOT_SERVING")
            overall = await health.Check(health_pb2.HealthCheckRequest(service=""))
            with pytest.raises(grpc.aio.AioRpcError) as refused:
                await stub.RunAgent(request, metadata=AUTH)
            response = await in_flight
        assert served.process.wait(timeout=10) == 0
    assert overall.status == health_pb2.HealthCheckResponse.NOT_SERVING
    assert refused.value.code() == grpc.StatusCode.UNAVAILABLE
    assert "shutting down" in (refused.value.details() or "")
    assert response.status.state == pb.RunStatus.SUCCEEDED
    assert response.result.tool_calls[0].result == "rested"
    assert "draining: 1 run(s) in flight" in served.stderr


async def test_a_second_signal_ends_the_drain_at_once(
    keyed_sim: SimProcess, key_file: Path
) -> None:
    import asyncio

    with serve_probe(keyed_sim, key_file) as served:
        async with grpc.aio.insecure_channel(served.address) as channel:
            stub = agent_pb2_grpc.AgentsStub(channel)
            request = pb.RunAgentRequest(agent="probe", input="call hang")  # a 60 s tool
            in_flight = asyncio.ensure_future(stub.RunAgent(request, metadata=AUTH))
            await eventually(lambda: runs_in_flight(served.address), "the run starting")
            served.process.send_signal(signal.SIGTERM)  # drain: up to --grace 30 s
            await asyncio.sleep(0.5)
            served.process.send_signal(signal.SIGINT)  # ... or not: stop now
            with pytest.raises(grpc.aio.AioRpcError):
                await in_flight
        assert served.process.wait(timeout=10) == 0
    assert "Ctrl-C again to stop now" in served.stderr
    assert "the runs still in flight were cancelled" in served.stderr
