"""Sessions and approvals on Temporal, with the real dev server and workers as subprocesses.

A three-turn conversation whose worker is SIGKILLed between turns and during one
(model call under way) keeps exactly
its turns; the append activity is idempotent when retried and refuses a real
conflict; a run waiting for approval survives its worker's death and resumes
when ``agentrt approve`` (a subprocess) decides.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SimProcess
from tests.durable_fixtures import AGENTS, GREETER, agentrt_command, calls, running_worker

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(60)]

APPROVER = AGENTS / "approver.yaml"


async def _client(address: str, queue: str) -> Any:
    from agentrt.durable.connection import TemporalTarget, connect_temporal

    return await connect_temporal(TemporalTarget(address=address, task_queue=queue))


async def test_a_session_keeps_exactly_its_turns_across_worker_kills(
    temporal_server: str, sim_process: SimProcess, tmp_path: Path
) -> None:
    from agentrt.durable.payloads import SessionRef
    from agentrt.durable.starter import run_durable
    from agentrt.sessions.sqlite import SqliteStore
    from agentrt.specs.agent_spec import AgentSpec

    queue, db = "sessions", tmp_path / "s.db"
    ref = SessionRef(session_id="conv-1", store=str(db))
    agent = AgentSpec.from_file(GREETER).to_agent({"name": "Ana"})
    client = await _client(temporal_server, queue)
    args = (str(GREETER), "--endpoint", sim_process.address, "--task-queue", queue)
    inputs = ["Hello", "How are you?", "Goodbye"]
    for text in inputs:
        with running_worker(temporal_server, *args, "--sticky-timeout", "1") as worker:
            if text == inputs[1]:  # killed during this turn: history loaded, model call going
                where = (temporal_server, queue, args)
                await _kill_mid_turn(client, where, agent, text, ref, sim_process, worker)
                continue
            run = run_durable(client, queue, agent, text, variables={"name": "Ana"}, session=ref)
            result = await asyncio.wait_for(run, 30)
            worker.kill()  # SIGKILL between turns: nothing of the session lives in the worker
            worker.wait(timeout=10)
    store = SqliteStore(db)
    turns = await store.load("conv-1")
    await store.close()
    assert [t.input for t in turns] == inputs
    assert [t.index for t in turns] == [0, 1, 2]
    # the last run saw the whole conversation: 3 user messages and 3 answers
    assert [m.role for m in result.messages] == ["user", "assistant"] * 3
    assert turns[2].messages[0].text == "Goodbye"


async def _kill_mid_turn(
    client: Any,
    where: tuple[str, str, tuple[str, ...]],
    agent: Any,
    text: str,
    ref: Any,
    sim: SimProcess,
    worker: Any,
) -> None:
    """Start a turn, SIGKILL its worker once the model call is under way, finish it on another."""
    from temporalio.api.enums.v1 import EventType

    from agentrt.durable.payloads import ActivityOptions
    from agentrt.durable.starter import result_of, start_run

    address, queue, args = where
    options = ActivityOptions(heartbeat_timeout=1.0, retry_initial=0.2)
    os.kill(sim.process.pid, signal.SIGSTOP)  # the model call cannot finish
    try:
        handle = await start_run(
            client, queue, agent, text, variables={"name": "Ana"}, session=ref, options=options
        )
        end = time.monotonic() + 20
        while time.monotonic() < end:
            kinds = [e.event_type for e in (await handle.fetch_history()).events]
            done = kinds.count(EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED)
            if done == 1 and kinds.count(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) == 2:
                break  # the session was loaded, the model call scheduled
            await asyncio.sleep(0.05)
        else:
            raise AssertionError("the turn's model call was never scheduled")
        worker.kill()
        worker.wait(timeout=10)
    finally:
        os.kill(sim.process.pid, signal.SIGCONT)
    with running_worker(address, *args, "--sticky-timeout", "1"):
        await asyncio.wait_for(result_of(handle), 30)


async def test_a_retried_append_does_not_duplicate_and_a_real_conflict_is_refused(
    tmp_path: Path,
) -> None:
    from temporalio.exceptions import ApplicationError
    from temporalio.testing import ActivityEnvironment

    from agentrt.durable.payloads import SessionAppend, SessionRef
    from agentrt.durable.session_activities import session_append
    from agentrt.sessions.sqlite import SqliteStore

    ref = SessionRef(session_id="s", store=str(tmp_path / "a.db"))
    msg = [{"role": "user", "content": [{"text": "hi"}]}]
    arg = SessionAppend(
        session=ref,
        expected_turns=0,
        input="hi",
        messages=msg,
        response_id="r1",
        created_at=1.5,
        usage={},
    )
    env = ActivityEnvironment()
    await env.run(session_append, arg)
    await env.run(session_append, arg)  # the retry of an attempt whose worker died after writing
    other = SessionAppend(**{**arg.__dict__, "response_id": "r2", "input": "other"})
    with pytest.raises(ApplicationError) as caught:
        await env.run(session_append, other)
    assert caught.value.type == "SessionConflict"
    assert caught.value.non_retryable
    store = SqliteStore(ref.store)
    assert [t.response_id for t in await store.load("s")] == ["r1"]
    await store.close()


async def _wait_pending(handle: Any, limit: float = 20) -> list[dict[str, Any]]:
    from agentrt.durable.payloads import PENDING_QUERY

    end = time.monotonic() + limit
    while time.monotonic() < end:
        try:
            pending: list[dict[str, Any]] = await handle.query(PENDING_QUERY, result_type=list)
        except Exception:  # no worker has picked the run up yet
            pending = []
        if pending:
            return pending
        await asyncio.sleep(0.1)
    raise AssertionError("the run never waited for approval")


async def test_an_approval_waits_through_a_worker_kill_and_agentrt_approve_resumes_it(
    temporal_server: str, sim_process: SimProcess, tmp_path: Path
) -> None:
    from agentrt.durable.payloads import ActivityOptions
    from agentrt.durable.starter import result_of, start_run
    from agentrt.specs.agent_spec import AgentSpec

    queue, env = "approvals", {"AGENTRT_DURABLE_DIR": str(tmp_path)}
    agent = AgentSpec.from_file(APPROVER).to_agent()
    client = await _client(temporal_server, queue)
    args = (str(APPROVER), "--endpoint", sim_process.address, "--task-queue", queue)
    options = ActivityOptions(heartbeat_timeout=1.0, retry_initial=0.2)
    with running_worker(temporal_server, *args, "--sticky-timeout", "1", env=env) as first:
        handle = await start_run(
            client,
            queue,
            agent,
            "Plan a day in Oslo: check the weather and book a visit",
            options=options,
        )
        pending = await _wait_pending(handle)
        first.kill()
        first.wait(timeout=10)
    assert [p["tool"] for p in pending] == ["book_visit"]
    assert len(calls(tmp_path, "get_weather")) == 1  # the call needing no approval ran at once
    assert calls(tmp_path, "book_visit") == []
    with running_worker(temporal_server, *args, "--sticky-timeout", "1", env=env):
        approve = await asyncio.to_thread(
            subprocess.run,
            agentrt_command(
                "approve", handle.id, "--call", pending[0]["call_id"], "--temporal", temporal_server
            ),
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert approve.returncode == 0, approve.stderr
        assert f"approved {pending[0]['call_id']}" in approve.stdout
        result = await asyncio.wait_for(result_of(handle), 30)
    assert len(calls(tmp_path, "book_visit")) == 1
    assert len(calls(tmp_path, "get_weather")) == 1  # not run again after the kill
    outputs = {r.name: r.output for r in result.tool_calls}
    assert "booked a visit in Oslo" in outputs["book_visit"]


async def test_an_undecided_call_is_denied_at_the_approval_timeout(
    temporal_server: str, sim_process: SimProcess, tmp_path: Path
) -> None:
    from agentrt.durable.starter import result_of, start_run
    from agentrt.specs.agent_spec import AgentSpec

    queue, env = "approval-timeout", {"AGENTRT_DURABLE_DIR": str(tmp_path)}
    agent = AgentSpec.from_file(APPROVER).to_agent()
    client = await _client(temporal_server, queue)
    args = (str(APPROVER), "--endpoint", sim_process.address, "--task-queue", queue)
    with running_worker(temporal_server, *args, env=env):
        handle = await start_run(
            client,
            queue,
            agent,
            "Plan a day in Oslo: check the weather and book a visit",
            approval_timeout=1.0,
        )
        result = await asyncio.wait_for(result_of(handle), 30)
    assert calls(tmp_path, "book_visit") == []  # never ran
    denied = [r for r in result.tool_calls if r.name == "book_visit"]
    assert denied[0].error is not None
    assert denied[0].error.kind == "denied"
    assert "no one decided within 1 s" in denied[0].output
