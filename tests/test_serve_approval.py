"""Tool approval through ``agentrt serve``: a run pauses with the calls a person must decide on,
and ``ResumeRun`` (from another connection, with the same token) continues it; guardrails and
hooks end a run with a status of their own. Real sockets: serve and the simulator run as
subprocesses (the guardrail test serves in-process, to give the agent a guardrail)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from agentrt_protos.agentrt.v1 import agent_pb2 as pb

from tests.conftest import ListeningProcess, SimProcess
from tests.serve21_fixtures import (
    CLERK,
    OTHER_TOKEN,
    TOKEN,
    get_session,
    key_file,
    resumed,
    run_streamed,
    run_unary,
    running_serve,
    server_status,
)

pytestmark = pytest.mark.e2e

ASK = "Please refund order AB-12 and lookup order AB-12"


@pytest.fixture(scope="module")
def marks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("clerk-marks")


@pytest.fixture(scope="module")
def server(
    sim_process: SimProcess, tmp_path_factory: pytest.TempPathFactory, marks: Path
) -> Iterator[ListeningProcess]:
    folder = tmp_path_factory.mktemp("serve-approval")
    with running_serve(
        str(CLERK),
        "--endpoint",
        sim_process.address,
        "--api-key-file",
        str(key_file(folder)),
        env={"SERVE_PROBE_DIR": str(marks)},
    ) as served:
        yield served


def _only(events: list[pb.RunEvent], kind: str) -> Any:
    found = [getattr(e, kind) for e in events if e.HasField(kind)]
    assert len(found) == 1, (kind, events)
    return found[0]


async def _paused(address: str, text: str = ASK, **fields: Any) -> pb.ApprovalRequired:
    events = await run_streamed(address, text, agent="clerk", **fields)
    assert events[-1].run_ended.status.state == pb.RunStatus.APPROVAL_REQUIRED
    paused: pb.ApprovalRequired = _only(events, "approval_required")
    assert events[-2].HasField("approval_required")  # then run_ended, nothing after
    return paused


def _decide(paused: pb.ApprovalRequired, approve: bool, reason: str = "") -> list[pb.Decision]:
    return [pb.Decision(call_id=c.call_id, approve=approve, reason=reason) for c in paused.calls]


async def test_a_paused_stream_is_resumed_by_another_connection(
    server: ListeningProcess, marks: Path
) -> None:
    events = await run_streamed(
        server.address, "Please refund order AB-12 and lookup order AB-12", agent="clerk"
    )
    paused = _only(events, "approval_required")
    assert [(c.tool, c.arguments) for c in paused.calls] == [("refund", '{"order": "AB-12"}')]
    assert paused.run_id == _only(events, "run_started").run_id
    assert paused.expires_in_s == 900
    # the call that needs no approval ran; the refund did not
    assert [
        c.name for e in events if e.HasField("tool_call_finished") for c in [e.tool_call_finished]
    ] == ["lookup"]
    assert not (marks / "refund-AB-12").exists()

    after = await resumed(server.address, paused.run_id, _decide(paused, approve=True))
    assert after[-1].run_ended.status.state == pb.RunStatus.SUCCEEDED
    ran = _only(after, "tool_call_finished")
    assert (ran.name, ran.result) == ("refund", "refunded AB-12")
    assert "refunded AB-12" in _only(after, "run_finished").result.text
    assert (marks / "refund-AB-12").exists()
    # one resume per pause
    with pytest.raises(grpc.aio.AioRpcError) as again:
        await resumed(server.address, paused.run_id, _decide(paused, approve=True))
    assert again.value.code() is grpc.StatusCode.NOT_FOUND


async def test_a_denied_call_does_not_run_and_the_model_gets_the_reason(
    server: ListeningProcess, marks: Path
) -> None:
    paused = await _paused(server.address, "Please refund order ZZ-9")
    after = await resumed(server.address, paused.run_id, _decide(paused, False, "over the limit"))
    denied = _only(after, "tool_call_finished")
    assert (denied.error.kind, denied.error.message) == ("denied", "over the limit")
    assert "over the limit" in _only(after, "run_finished").result.text
    assert not (marks / "refund-ZZ-9").exists()


async def test_run_agent_returns_the_pending_calls_and_resume_continues_it(
    server: ListeningProcess,
) -> None:
    response = await run_unary(server.address, "Please refund order CD-3", agent="clerk")
    assert response.status.state == pb.RunStatus.APPROVAL_REQUIRED
    assert [c.tool for c in response.approval_required.calls] == ["refund"]
    assert response.result.run_id == response.approval_required.run_id
    after = await resumed(
        server.address, response.approval_required.run_id, _decide(response.approval_required, True)
    )
    assert after[-1].run_ended.status.state == pb.RunStatus.SUCCEEDED


async def test_another_token_gets_not_found_and_the_owner_can_still_resume(
    server: ListeningProcess,
) -> None:
    paused = await _paused(server.address, "Please refund order EF-4")
    with pytest.raises(grpc.aio.AioRpcError) as theirs:
        await resumed(server.address, paused.run_id, _decide(paused, True), token=OTHER_TOKEN)
    with pytest.raises(grpc.aio.AioRpcError) as unknown:
        await resumed(server.address, "no-such-run", _decide(paused, True), token=OTHER_TOKEN)
    assert theirs.value.code() is unknown.value.code() is grpc.StatusCode.NOT_FOUND
    # no hint that the run exists: the same words as for an id nobody used
    assert (theirs.value.details() or "").replace(paused.run_id, "X") == (
        unknown.value.details() or ""
    ).replace("no-such-run", "X")
    after = await resumed(server.address, paused.run_id, _decide(paused, True))
    assert after[-1].run_ended.status.state == pb.RunStatus.SUCCEEDED


async def test_wrong_decisions_are_invalid_and_the_run_stays_paused(
    server: ListeningProcess,
) -> None:
    paused = await _paused(server.address, "Please refund order GH-5")
    with pytest.raises(grpc.aio.AioRpcError) as none:
        await resumed(server.address, paused.run_id, [])
    assert none.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert "decide every call" in (none.value.details() or "")
    after = await resumed(server.address, paused.run_id, _decide(paused, True))
    assert after[-1].run_ended.status.state == pb.RunStatus.SUCCEEDED


async def test_a_paused_session_run_appends_its_turn_when_resumed(server: ListeningProcess) -> None:
    paused = await _paused(server.address, "Please refund order IJ-6", session_id="desk")
    assert not (await get_session(server.address, "desk")).turns  # a paused run appends nothing
    await resumed(server.address, paused.run_id, _decide(paused, True))
    turns = (await get_session(server.address, "desk")).turns
    assert [t.input for t in turns] == ["Please refund order IJ-6"]


async def test_an_expired_pause_is_not_found_and_says_so(
    sim_process: SimProcess, tmp_path: Path
) -> None:
    args = ("--endpoint", sim_process.address, "--api-key-file", str(key_file(tmp_path)))
    with running_serve(str(CLERK), *args, "--approval-ttl", "200ms") as served:
        paused = await _paused(served.address, "Please refund order KL-7")
        assert paused.expires_in_s == pytest.approx(0.2)
        await asyncio.sleep(0.4)
        with pytest.raises(grpc.aio.AioRpcError) as late:
            await resumed(served.address, paused.run_id, _decide(paused, True))
        assert late.value.code() is grpc.StatusCode.NOT_FOUND
        assert "expired" in (late.value.details() or "")
        assert "--approval-ttl" in (late.value.details() or "")
        status = await server_status(served.address)
        assert status.runs_in_flight == 0


def _no_lookups(ctx: Any, arguments: str) -> Any:
    from agentrt.agents.guardrails import Trip

    return Trip("lookups are closed today") if ctx.tool_name == "lookup" else None


class _BrokenHook:
    def on_tool_end(self, ctx: Any, record: Any) -> None:
        raise RuntimeError("audit log is down: password=hunter2")


@contextlib.asynccontextmanager
async def _serving_clerk(**changes: Any) -> AsyncIterator[Any]:
    """The clerk agent served in-process (to change its agent), the simulator in-process too."""
    from agentrt.serve.auth import TokenAuth
    from agentrt.serve.catalog import Catalog
    from agentrt.serve.server import AgentServer
    from agentrt.sim.server import Simulator
    from agentrt.xai.client import Client

    catalog = Catalog.from_paths([CLERK])
    agent = catalog.get("clerk").agent({})  # type: ignore[union-attr]
    for name, value in changes.items():
        setattr(agent, name, value)
    agent._extended = True  # what the constructor sets when an agent has guardrails or hooks
    async with (
        Simulator() as sim,
        Client(endpoint=sim.address) as client,
        AgentServer(catalog, client, TokenAuth([TOKEN])) as served,
    ):
        yield served


async def test_a_guardrail_tripping_mid_stream_ends_the_run_with_its_status() -> None:
    from agentrt.agents.guardrails import Guardrails

    async with _serving_clerk(guards=Guardrails.of((), (), [_no_lookups])) as served:
        before = await server_status(served.address)
        events = await run_streamed(served.address, "Please lookup order MN-8", agent="clerk")
        assert any(e.HasField("tool_call_started") for e in events)  # it tripped mid-run
        status = events[-1].run_ended.status
        assert status.state == pb.RunStatus.GUARDRAIL_TRIPPED
        assert (status.guardrail, status.guardrail_kind) == ("_no_lookups", "tool")
        assert "lookups are closed today" in status.message
        assert not any(e.HasField("tool_call_finished") for e in events)
        after = await server_status(served.address)
        assert after.runs_in_flight == 0
        assert after.tasks <= before.tasks  # nothing of the run is left running


async def test_a_failing_hook_is_hook_failed_naming_it_without_its_words() -> None:
    async with _serving_clerk(hooks=_BrokenHook()) as served:
        response = await run_unary(served.address, "Please lookup order OP-9", agent="clerk")
        assert response.status.state == pb.RunStatus.HOOK_FAILED
        assert response.status.hook == "on_tool_end"
        assert "on_tool_end" in response.status.message
        assert "hunter2" not in str(response)
