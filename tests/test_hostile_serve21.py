"""Hostile input to serve's sessions and approvals, as tables: bad session ids, bad ResumeRun
requests, bad --session-store / --approval-ttl values. Each case is one line to add."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import grpc
import pytest
import pytest_asyncio
from agentrt_protos.agentrt.v1 import agent_pb2 as pb

from tests.conftest import run_agentrt
from tests.serve21_fixtures import CLERK, TOKEN, auth, resumed, run_streamed, stub_at

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def address() -> AsyncIterator[str]:
    from agentrt.serve.auth import TokenAuth
    from agentrt.serve.catalog import Catalog
    from agentrt.serve.server import AgentServer
    from agentrt.sim.server import Simulator
    from agentrt.xai.client import Client

    async with (
        Simulator() as sim,
        Client(endpoint=sim.address) as client,
        AgentServer(Catalog.from_paths([CLERK]), client, TokenAuth([TOKEN])) as served,
    ):
        yield served.address


BAD_SESSION_IDS = [
    pytest.param("a/b", id="slash"),
    pytest.param("../../etc/passwd", id="path"),
    pytest.param("x" * 101, id="too-long"),
    pytest.param("chat 1", id="space"),
    pytest.param("ünï", id="non-ascii"),
    pytest.param("a\x00b", id="nul"),
    pytest.param("0123456789abcdef0123@chat", id="looks-namespaced"),
    pytest.param("*", id="glob"),
    pytest.param("' OR 1=1 --", id="sql"),
]


@pytest.mark.parametrize("session_id", BAD_SESSION_IDS)
@pytest.mark.parametrize("rpc", ["RunAgent", "GetSession", "DeleteSession"])
async def test_a_bad_session_id_is_invalid_argument(
    address: str, rpc: str, session_id: str
) -> None:
    requests: dict[str, Any] = {
        "RunAgent": pb.RunAgentRequest(agent="clerk", input="hi", session_id=session_id),
        "GetSession": pb.GetSessionRequest(session_id=session_id),
        "DeleteSession": pb.DeleteSessionRequest(session_id=session_id),
    }
    async with stub_at(address) as stub:
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await getattr(stub, rpc)(requests[rpc], metadata=auth(), timeout=10)
    assert refused.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    details = refused.value.details() or ""
    assert "session_id must match [A-Za-z0-9_.:-]{1,100}" in details
    assert session_id not in details or len(session_id) < 2


@pytest.mark.parametrize("rpc", ["GetSession", "DeleteSession"])
async def test_an_empty_session_id_is_invalid_for_session_rpcs(address: str, rpc: str) -> None:
    request = pb.GetSessionRequest() if rpc == "GetSession" else pb.DeleteSessionRequest()
    async with stub_at(address) as stub:
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await getattr(stub, rpc)(request, metadata=auth(), timeout=10)
    assert refused.value.code() is grpc.StatusCode.INVALID_ARGUMENT


@pytest.mark.parametrize("rpc", ["GetSession", "DeleteSession", "ResumeRun"])
async def test_session_and_resume_rpcs_need_the_token(address: str, rpc: str) -> None:
    requests: dict[str, Any] = {
        "GetSession": pb.GetSessionRequest(session_id="s"),
        "DeleteSession": pb.DeleteSessionRequest(session_id="s"),
        "ResumeRun": pb.ResumeRunRequest(run_id="r"),
    }
    async with stub_at(address) as stub:
        call = getattr(stub, rpc)(requests[rpc], metadata=auth("wrong-token"), timeout=10)
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await _finished(call)
    assert refused.value.code() is grpc.StatusCode.UNAUTHENTICATED


async def _finished(call: Any) -> None:
    """Await a unary call, or read a streaming one to its end."""
    if hasattr(call, "read"):
        _ = [e async for e in call]
    else:
        await call


UNKNOWN_RUNS = [
    pytest.param("", id="empty"),
    pytest.param("no-such-run", id="unknown"),
    pytest.param("r" * 10_000, id="huge"),
    pytest.param("\u202eevil", id="bidi"),
]


@pytest.mark.parametrize("run_id", UNKNOWN_RUNS)
async def test_resuming_an_unknown_run_is_not_found_in_one_short_line(
    address: str, run_id: str
) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await resumed(address, run_id, [pb.Decision(call_id="c", approve=True)])
    assert refused.value.code() is grpc.StatusCode.NOT_FOUND
    details = refused.value.details() or ""
    assert "no paused run" in details
    assert len(details) < 400
    assert "\n" not in details


def _decisions(call_id: str) -> dict[str, list[pb.Decision]]:
    return {
        "none": [],
        "unknown-call": [pb.Decision(call_id="call_nope", approve=True)],
        "twice": [pb.Decision(call_id=call_id, approve=True)] * 2,
        "extra": [
            pb.Decision(call_id=call_id, approve=True),
            pb.Decision(call_id="call_nope", approve=False),
        ],
        "huge-reason": [pb.Decision(call_id=call_id, approve=False, reason="no" * 3000)],
        "huge-call-id": [pb.Decision(call_id="c" * 100_000, approve=True)],
    }


BAD_DECISIONS = [
    ("none", "decide every call"),
    ("unknown-call", "no pending call"),
    ("twice", "decided twice"),
    ("extra", "no pending call"),
    ("huge-reason", "at most 4096 characters"),
    ("huge-call-id", "no pending call"),
]


@pytest.mark.parametrize(("case", "says"), BAD_DECISIONS, ids=[c for c, _ in BAD_DECISIONS])
async def test_bad_decisions_are_invalid_and_keep_the_run_paused(
    address: str, case: str, says: str
) -> None:
    events = await run_streamed(address, "Please refund order QR-1", agent="clerk")
    paused = next(e.approval_required for e in events if e.HasField("approval_required"))
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await resumed(address, paused.run_id, _decisions(paused.calls[0].call_id)[case])
    assert refused.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert says in (refused.value.details() or "")
    assert len(refused.value.details() or "") < 400
    good = [pb.Decision(call_id=paused.calls[0].call_id, approve=False, reason="no")]
    after = await resumed(address, paused.run_id, good)
    assert after[-1].run_ended.status.state == pb.RunStatus.SUCCEEDED


BAD_FLAGS = [
    (("--session-store", "ftp://files.example/x"), "unknown scheme", ""),
    (("--session-store", ""), "session store: empty", ""),
    (("--session-store", "redis://user:s3cret-pw@db.example:6379/x"), "redis", "s3cret-pw"),
    (("--approval-ttl", "0"), "argument --approval-ttl: ", ""),
    (("--approval-ttl", "-5m"), "argument --approval-ttl: ", ""),
    (("--approval-ttl", "forever"), "argument --approval-ttl: ", ""),
    (("--approval-ttl", "30d"), "argument --approval-ttl: ", ""),
]


@pytest.mark.parametrize(("flags", "says", "never"), BAD_FLAGS)
async def test_bad_store_and_ttl_flags_are_one_line_exit_2(
    flags: tuple[str, ...], says: str, never: str
) -> None:
    code, out, err = await run_agentrt("serve", str(CLERK), *flags)
    assert code == 2, err
    assert says in err
    assert "Traceback" not in err
    assert "listening on" not in out
    if never:
        assert never not in err + out


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _paused_run() -> Any:
    from agentrt.serve.paused import Paused

    state: Any = object()  # the store never looks inside a state
    return Paused(
        agent="clerk", state=state, variables={}, metadata={}, session_id="", expires_at=0.0
    )


FLOODS = [
    pytest.param(10, 3, id="over-capacity"),
    pytest.param(1000, 50, id="a-thousand-pauses"),
]


@pytest.mark.parametrize(("pauses", "capacity"), FLOODS)
async def test_a_flood_of_pauses_keeps_at_most_capacity(pauses: int, capacity: int) -> None:
    from agentrt.serve.paused import PausedRuns

    runs = PausedRuns(ttl_s=60, capacity=capacity, clock=_Clock())
    for n in range(pauses):
        runs.put("owner", f"run-{n}", _paused_run())
    assert len(runs) == capacity
    assert runs.peek("owner", "run-0") is None  # the oldest went first
    assert runs.peek("owner", f"run-{pauses - 1}") is not None


async def test_expired_states_are_dropped_and_then_forgotten() -> None:
    from agentrt.serve.paused import Expired, PausedRuns

    clock = _Clock()
    runs = PausedRuns(ttl_s=60, clock=clock)
    runs.put("owner", "old", _paused_run())
    clock.now += 61
    runs.put("owner", "new", _paused_run())  # sweeps: old's state is dropped
    assert len(runs) == 1
    with pytest.raises(Expired):
        runs.peek("owner", "old")
    assert runs.peek("other", "old") is None  # another owner: nothing, not "expired"
    clock.now += 61
    runs.put("owner", "newer", _paused_run())
    assert runs.peek("owner", "old") is None  # long expired: forgotten
