"""``agentrt.serve`` parts one by one: tokens, run slots, request limits, statuses, catalog,
conversion; and, in-process, the server's span continuing a caller's trace.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import grpc
import pytest

from agentrt.errors import (
    AuthenticationError,
    InvalidRequest,
    MCPServerError,
    RateLimited,
    StreamInterrupted,
    Unavailable,
    UsageError,
)
from agentrt.serve.auth import TokenAuth, check_host, is_loopback_host
from agentrt.serve.catalog import AGENT_CACHE_SIZE, Catalog, ServedAgent
from agentrt.serve.limits import Busy, RequestLimits, RunSlots
from agentrt.serve.status import Refused, Scrubber, status_for
from agentrt.specs.agent_spec import AgentSpec
from agentrt.specs.problems import SpecError

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
PROBE = Path(__file__).resolve().parent / "serve_agents" / "probe.yaml"

# --- tokens ------------------------------------------------------------------------------------


def test_a_key_file_gives_one_token_per_line(tmp_path: Path) -> None:
    path = tmp_path / "keys"
    path.write_text("# who may call\n\n  alpha  \nbeta\n")
    auth = TokenAuth.from_file(path)
    assert auth.required
    assert auth.admits([("authorization", "Bearer alpha")])
    assert auth.admits([("x-other", "1"), ("authorization", "Bearer beta")])
    assert not auth.admits([("authorization", "Bearer gamma")])
    assert not auth.admits([("authorization", "alpha")])
    assert not auth.admits(None)
    assert "alpha" not in repr(auth)


@pytest.mark.parametrize(
    ("text", "expected"), [("# nothing\n\n", "no token"), ("two words\n", "space")]
)
def test_a_bad_key_file_is_a_usage_error(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "keys"
    path.write_text(text)
    with pytest.raises(UsageError, match=expected):
        TokenAuth.from_file(path)


def test_a_missing_key_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="No such file"):
        TokenAuth.from_file(tmp_path / "absent")


def test_without_tokens_everyone_is_admitted_on_loopback_only() -> None:
    auth = TokenAuth()
    assert auth.admits(None)
    for host in ("127.0.0.1", "::1", "[::1]", "localhost", "127.0.0.2"):
        assert is_loopback_host(host), host
        check_host(host, auth)
    for host in ("0.0.0.0", "::", "10.0.0.1", "example.org"):
        assert not is_loopback_host(host), host
        with pytest.raises(UsageError, match="--api-key-file"):
            check_host(host, auth)
    check_host("0.0.0.0", TokenAuth(["t"]))  # with tokens any address may be served


# --- run slots and request limits --------------------------------------------------------------


async def test_run_slots_refuse_at_once_when_full_and_report_idle() -> None:
    slots = RunSlots(2)
    with slots.take(), slots.take():
        assert slots.in_flight == 2
        with pytest.raises(Busy, match="--max-concurrent-runs 2"), slots.take():
            pass
        idle = asyncio.ensure_future(slots.idle())
        await asyncio.sleep(0)
        assert not idle.done()
    await asyncio.wait_for(idle, 1)
    assert slots.in_flight == 0
    with pytest.raises(UsageError):
        RunSlots(0)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"input": ""}, "empty"),
        ({"input": "x" * 11}, "at most 10"),
        ({"run_id": "a b"}, "run_id"),
        ({"run_id": "r" * 129}, "run_id"),
        ({"variables": {str(i): "" for i in range(4)}}, "variables has 4 entries"),
        ({"metadata": {"k": "v" * 6}}, "metadata\\['k'\\]"),
        ({"metadata": {"k" * 129: "v"}}, "keys"),
    ],
)
def test_request_limits_name_what_is_over(fields: dict[str, Any], expected: str) -> None:
    limits = RequestLimits(max_input_chars=10, max_entries=3, max_value_chars=5)
    request: dict[str, Any] = {"input": "hi", "run_id": "", "variables": {}, "metadata": {}}
    with pytest.raises(UsageError, match=expected):
        limits.check(**{**request, **fields})


def test_request_limits_let_a_fair_request_through() -> None:
    RequestLimits().check(input="hi", run_id="run-1:a.b_c", variables={"a": "b"}, metadata={})


# --- statuses ----------------------------------------------------------------------------------

SCRUB = Scrubber.of(["xai-secret-key", None, ""])


@pytest.mark.parametrize(
    ("exc", "code"),
    [
        (Refused(grpc.StatusCode.NOT_FOUND, "no agent"), grpc.StatusCode.NOT_FOUND),
        (Busy("full"), grpc.StatusCode.RESOURCE_EXHAUSTED),
        (UsageError("bad var"), grpc.StatusCode.INVALID_ARGUMENT),
        (Unavailable("down", code="UNAVAILABLE"), grpc.StatusCode.UNAVAILABLE),
        (StreamInterrupted(3, Unavailable("cut")), grpc.StatusCode.UNAVAILABLE),
        (RateLimited("slow down"), grpc.StatusCode.UNAVAILABLE),
        (InvalidRequest("bad model", code="INVALID_ARGUMENT"), grpc.StatusCode.INTERNAL),
        (RuntimeError("boom"), grpc.StatusCode.INTERNAL),
    ],
)
def test_errors_become_grpc_statuses(exc: BaseException, code: grpc.StatusCode) -> None:
    assert status_for(exc, SCRUB)[0] == code


def test_upstream_authentication_errors_say_nothing_of_the_key() -> None:
    exc = AuthenticationError("Incorrect API key xai-secret-key", code="UNAUTHENTICATED")
    code, details = status_for(exc, SCRUB)
    assert code == grpc.StatusCode.INTERNAL
    assert "xai-secret-key" not in details
    assert "credentials" in details


def test_a_pooled_mcp_server_that_cannot_restart_is_unavailable_without_its_config() -> None:
    exc = MCPServerError("files", "cannot run '/opt/secret/bin/fs': not found; check command")
    code, details = status_for(exc, SCRUB)
    assert code == grpc.StatusCode.UNAVAILABLE
    assert "'files'" in details
    assert "/opt/secret" not in details  # the reason stays in the server's log


def test_the_key_is_scrubbed_from_any_message() -> None:
    exc = InvalidRequest("model x for key xai-secret-key not found", code="NOT_FOUND")
    assert "xai-secret-key" not in status_for(exc, SCRUB)[1]
    assert "[redacted]" in status_for(exc, SCRUB)[1]
    assert Scrubber.of(["abc"]).secrets == ()  # too short to scrub without mangling text


# --- catalog and conversion --------------------------------------------------------------------


def test_the_catalog_loads_files_and_directories_and_describes_tools() -> None:
    catalog = Catalog.from_paths([EXAMPLES / "research", PROBE])
    assert catalog.names == ["probe", "research", "researcher"]
    probe = catalog.get("probe")
    assert probe is not None
    assert [(t.name, t.kind) for t in probe.tools] == [
        ("whoami", "function"),
        ("nap", "function"),
        ("hang", "function"),
    ]
    assert probe.output_schema() is None
    assert catalog.get("nobody") is None


def test_the_catalog_reports_every_bad_spec_at_once(tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / f"{name}.yaml").write_text(f"version: 1\nname: {name}\nmodel: m\n")
    with pytest.raises(SpecError) as caught:
        Catalog.from_paths([tmp_path])
    assert {p.file for p in caught.value.problems} == {
        str(tmp_path / "a.yaml"),
        str(tmp_path / "b.yaml"),
    }


def test_the_catalog_refuses_two_agents_with_one_name(tmp_path: Path) -> None:
    other = tmp_path / "probe.yaml"
    other.write_text("version: 1\nname: probe\nmodel: grok-4\ninstructions: hi\n")
    with pytest.raises(UsageError, match="two agents are named 'probe'"):
        Catalog.from_paths([PROBE, other])


def test_agents_are_built_per_variables_in_a_bounded_cache() -> None:
    served = ServedAgent.from_spec(
        AgentSpec.from_file(EXAMPLES / "support_triage" / "support_triage.yaml")
    )
    acme = served.agent({"company": "Acme"})
    assert served.agent({"company": "Acme"}) is acme
    assert "Acme" in acme.instructions
    for i in range(AGENT_CACHE_SIZE + 5):
        served.agent({"company": f"c{i}"})
    assert len(served._built) == AGENT_CACHE_SIZE
    assert served.agent({"company": "Acme"}) is not acme  # dropped, least recently used
    with pytest.raises(UsageError, match="no variable 'city'"):
        served.agent({"company": "Acme", "city": "x"})
    with pytest.raises(UsageError, match="company"):
        served.agent({})


def test_a_failed_tool_call_and_a_structured_output_convert() -> None:
    from agentrt.agents.dispatch import ToolCallRecord, ToolErrorInfo
    from agentrt.agents.run_result import RunResult
    from agentrt.serve.convert import result_message
    from agentrt.xai.chat_response import Usage

    error = ToolErrorInfo(kind="timeout", type="TimeoutError", message="took too long")
    record = ToolCallRecord(
        call_id="c1",
        name="slow",
        arguments="{}",
        parsed={},
        value=None,
        output='{"error": {}}',
        error=error,
        turn=1,
        started=0.0,
        duration=1.5,
    )
    result = RunResult(
        agent="a",
        run_id="r",
        output={"n": 3, "items": ["x"]},
        text='{"n": 3, "items": ["x"]}',
        messages=(),
        tool_calls=(record,),
        usage=Usage(prompt_tokens=5, completion_tokens=7, reasoning_tokens=2),
        turns=2,
        response_ids=("a", "b"),
    )
    message = result_message(result, model="m", structured=True)
    assert message.structured.struct_value["items"][0] == "x"
    assert message.structured.struct_value["n"] == 3
    call = message.tool_calls[0]
    assert call.WhichOneof("outcome") == "error"
    assert (call.error.kind, call.error.type) == ("timeout", "TimeoutError")
    assert (message.usage.input_tokens, message.usage.output_tokens) == (5, 7)
    text = result_message(result, model="m", structured=False)
    assert text.WhichOneof("output") is None  # a dict is not a text answer


# --- tracing -----------------------------------------------------------------------------------


def _under(span: Any, ancestor: Any, spans: Any) -> bool:
    """Whether ``span`` descends from ``ancestor`` (through the parents among ``spans``)."""
    by_id = {s.context.span_id: s for s in spans}
    parent = span.parent
    while parent is not None:
        if parent.span_id == ancestor.context.span_id:
            return True
        found = by_id.get(parent.span_id)
        parent = None if found is None else found.parent
    return False


async def test_the_server_continues_the_callers_trace() -> None:
    from agentrt_protos.agentrt.v1 import agent_pb2 as pb
    from agentrt_protos.agentrt.v1 import agent_pb2_grpc
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from agentrt.serve.server import AgentServer
    from agentrt.sim import Simulator
    from agentrt.telemetry.tracing import Telemetry
    from agentrt.xai.client import Client

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace_id, parent_id = "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"
    traceparent = f"00-{trace_id}-{parent_id}-01"
    async with (
        Simulator() as sim,
        Client(endpoint=sim.address, telemetry=Telemetry(tracer_provider=provider)) as client,
        AgentServer(Catalog.from_paths([PROBE]), client, TokenAuth()) as server,
        grpc.aio.insecure_channel(server.address) as channel,
    ):
        stub = agent_pb2_grpc.AgentsStub(channel)
        request = pb.RunAgentRequest(agent="probe", input="call whoami")
        metadata = (("traceparent", traceparent),)
        response = await stub.RunAgent(request, metadata=metadata)
        events = [e async for e in stub.StreamAgent(request, metadata=metadata)]
    provider.shutdown()
    assert response.status.state == pb.RunStatus.SUCCEEDED
    assert events[-1].run_ended.status.state == pb.RunStatus.SUCCEEDED
    spans = exporter.get_finished_spans()
    for method in ("RunAgent", "StreamAgent"):
        (served,) = [s for s in spans if s.name == f"agentrt.v1.Agents/{method}"]
        assert format(served.context.trace_id, "032x") == trace_id
        assert served.parent is not None
        assert format(served.parent.span_id, "016x") == parent_id
        chats = [s for s in spans if s.name.startswith("chat ") and _under(s, served, spans)]
        assert len(chats) == response.result.turns, method  # the run's model calls nest in it


# --- drain -------------------------------------------------------------------------------------


async def test_a_drain_past_its_grace_cancels_what_is_still_running() -> None:
    from agentrt_protos.agentrt.v1 import agent_pb2 as pb
    from agentrt_protos.agentrt.v1 import agent_pb2_grpc

    from agentrt.serve.server import AgentServer
    from agentrt.sim import Simulator
    from agentrt.xai.client import Client

    async with (
        Simulator() as sim,
        Client(endpoint=sim.address) as client,
        AgentServer(Catalog.from_paths([PROBE]), client, TokenAuth(), grace_s=0.2) as server,
        grpc.aio.insecure_channel(server.address) as channel,
    ):
        stub = agent_pb2_grpc.AgentsStub(channel)
        call = stub.StreamAgent(pb.RunAgentRequest(agent="probe", input="call hang"))
        while not (await call.read()).HasField("tool_call_started"):
            pass
        assert server.service.slots.in_flight == 1
        assert not await server.drain()  # the hang tool outlives the grace period
        assert server.service.slots.in_flight == 0
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await call.read()
    assert caught.value.code() in (grpc.StatusCode.CANCELLED, grpc.StatusCode.UNAVAILABLE)


async def test_a_start_that_fails_after_binding_stops_the_grpc_server(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from grpc_health.v1 import health

    import agentrt.serve.server as served
    from agentrt.serve.server import AgentServer
    from agentrt.xai.client import Client

    bound: list[Any] = []
    real_bind = served.bind

    async def recording_bind(server: Any, *args: Any) -> int:
        bound.append(server)
        return await real_bind(server, *args)

    async def failing_set(*args: Any) -> None:
        raise RuntimeError("health broke")

    monkeypatch.setattr(served, "bind", recording_bind)
    monkeypatch.setattr(health.aio.HealthServicer, "set", failing_set)
    async with Client(endpoint="127.0.0.1:1") as client:
        server = AgentServer(Catalog.from_paths([PROBE]), client, TokenAuth())
        with pytest.raises(RuntimeError, match="health broke"):
            await server.start()
    (grpc_server,) = bound
    timed_out = await grpc_server.wait_for_termination(timeout=1)
    assert not timed_out  # it was stopped, not left serving
