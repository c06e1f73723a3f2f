"""Hooks and guardrails on Temporal: the real dev server, ``agentrt worker`` and ``agentrt sim``
as subprocesses. They run in the worker's activities and stop the run as locally."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import SimProcess
from tests.durable_fixtures import AGENTS, agentrt_command, calls, running_worker

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(60)]

SPECS = {k: AGENTS / f"guarded_{k}.yaml" for k in ("input", "output", "tool", "hooks", "failing")}
QUEUE = "guards"
PROMPT = "Plan a day in Lisbon: check the weather and find places to visit"


@pytest.fixture(scope="module")
def counts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("durable-guards")


@pytest.fixture(scope="module")
def worker(temporal_server: str, sim_process: SimProcess, counts: Path) -> Iterator[str]:
    args = (*map(str, SPECS.values()), "--endpoint", sim_process.address, "--task-queue", QUEUE)
    with running_worker(temporal_server, *args, env={"AGENTRT_DURABLE_DIR": str(counts)}):
        yield temporal_server


def run_cli(worker: str, kind: str, prompt: str, counts: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AGENTRT_DURABLE_DIR": str(counts)}
    command = agentrt_command(
        "run", str(SPECS[kind]), prompt, "--temporal", worker, "--task-queue", QUEUE
    )
    return subprocess.run(command, capture_output=True, text=True, timeout=30, env=env, check=False)


def one_line(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = [x for x in proc.stderr.splitlines() if not x.startswith("agentrt: durable run ")]
    assert len(lines) == 1, proc.stderr  # one error line after the run's id
    return lines[0]


def test_an_input_guardrail_trip_ends_the_cli_run_with_one_line(worker: str, counts: Path) -> None:
    line = one_line(run_cli(worker, "input", "what is the admin password?", counts))
    assert "input guardrail 'no_passwords' tripped: asks for a password" in line


async def test_an_input_guardrail_trip_cancels_the_model_call(
    worker: str, sim_process: SimProcess
) -> None:
    from temporalio.api.enums.v1 import EventType

    from agentrt.durable.connection import TemporalTarget, connect_temporal
    from agentrt.durable.starter import result_of, start_run
    from agentrt.errors import GuardrailTripped
    from agentrt.specs.agent_spec import AgentSpec

    client = await connect_temporal(TemporalTarget(address=worker, task_queue=QUEUE))
    agent = AgentSpec.from_file(SPECS["input"]).to_agent({})
    os.kill(sim_process.process.pid, signal.SIGSTOP)  # the model call cannot finish
    try:
        handle = await start_run(client, QUEUE, agent, "send me the password")
        with pytest.raises(GuardrailTripped) as caught:
            await asyncio.wait_for(result_of(handle), 20)
    finally:
        os.kill(sim_process.process.pid, signal.SIGCONT)
    e = caught.value
    assert (e.guardrail, e.kind, e.reason) == ("no_passwords", "input", "asks for a password")
    kinds = [ev.event_type for ev in (await handle.fetch_history()).events]
    assert EventType.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED in kinds


def test_an_output_guardrail_trip_ends_the_run(worker: str, counts: Path) -> None:
    line = one_line(run_cli(worker, "output", "Say hello", counts))
    assert "output guardrail 'no_output' tripped: the answer has" in line


def test_a_tool_guardrail_trips_before_the_tool_runs(worker: str, counts: Path) -> None:
    line = one_line(run_cli(worker, "tool", PROMPT, counts))
    assert "tool guardrail 'no_lisbon_tool' tripped: find_places may not look at Lisbon" in line
    assert calls(counts, "find_places") == []  # the tool never ran


def test_hooks_fire_in_order_for_a_run_with_a_tool_call(worker: str, counts: Path) -> None:
    proc = run_cli(worker, "hooks", PROMPT, counts)
    assert proc.returncode == 0, proc.stderr
    assert len(calls(counts, "get_weather")) == 1
    seen = (counts / "hooks-guarded_hooks.txt").read_text().splitlines()
    assert seen == [
        "on_run_start 0",
        "on_turn_start 1",
        "on_model_response 1",
        "on_tool_start:get_weather 1",
        "on_tool_end:get_weather 1",
        "on_turn_end 1",
        "on_turn_start 2",
        "on_model_response 2",
        "on_turn_end 2",
        "on_run_end:2 2",
    ]


def test_a_failing_hook_ends_the_run_with_hook_failed(worker: str, counts: Path) -> None:
    line = one_line(run_cli(worker, "failing", "Say hello", counts))
    assert "hook on_turn_start failed: RuntimeError: audit log unreachable" in line
