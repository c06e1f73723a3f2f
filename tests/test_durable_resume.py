"""A worker killed in the middle of a durable run: a new worker finishes it, no tool runs twice.

The run's ``get_weather`` tool holds until the test lets it go; the test then
freezes the simulator (SIGSTOP), so the next model call cannot finish, waits
until Temporal's history shows the tool calls completed and the next model call
scheduled, and SIGKILLs the worker. A new worker (simulator resumed) completes
the run: every tool was called exactly once, and the result equals an
uninterrupted run's.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SimProcess
from tests.durable_fixtures import PLANNER, calls, running_worker

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]

PROMPT = "Plan a day in Oslo: check the weather and find places to visit"
QUEUE = "resume"


async def _wait_for(predicate: Any, what: str, limit: float = 30) -> None:
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if await predicate():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _activity_counts(history: Any) -> tuple[int, int]:
    from temporalio.api.enums.v1 import EventType

    kinds = [e.event_type for e in history.events]
    return (
        kinds.count(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED),
        kinds.count(EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED),
    )


def _comparable(result: Any) -> dict[str, Any]:
    return {
        "output": result.output,
        "turns": result.turns,
        "tools": [(r.name, r.arguments, r.output, r.error) for r in result.tool_calls],
        "messages": [
            (m.role, m.text, [(c.name, c.arguments) for c in m.tool_calls]) for m in result.messages
        ],
        "usage": result.usage,
    }


async def test_a_killed_worker_is_replaced_and_no_tool_runs_twice(
    temporal_server: str, sim_process: SimProcess, tmp_path: Path
) -> None:
    from agentrt.durable.connection import TemporalTarget, connect_temporal
    from agentrt.durable.payloads import ActivityOptions
    from agentrt.durable.starter import result_of, run_durable, start_run
    from agentrt.specs.agent_spec import AgentSpec

    env = {"AGENTRT_DURABLE_DIR": str(tmp_path)}
    agent = AgentSpec.from_file(PLANNER).to_agent()
    worker_args = (str(PLANNER), "--endpoint", sim_process.address, "--task-queue", QUEUE)
    fast = ("--sticky-timeout", "1")
    options = ActivityOptions(heartbeat_timeout=1.0, retry_initial=0.2)
    client = await connect_temporal(TemporalTarget(address=temporal_server, task_queue=QUEUE))

    held = {**env, "AGENTRT_DURABLE_HOLD": "1"}
    with running_worker(temporal_server, *worker_args, *fast, env=held) as first:
        handle = await start_run(client, QUEUE, agent, PROMPT, options=options)

        async def tool_started() -> bool:
            return (tmp_path / "weather-started").exists()

        await _wait_for(tool_started, "get_weather to start")
        os.kill(sim_process.process.pid, signal.SIGSTOP)  # the next model call cannot finish
        try:
            (tmp_path / "weather-go").touch()

            async def next_model_call_scheduled() -> bool:
                scheduled, completed = _activity_counts(await handle.fetch_history())
                return completed == 3 and scheduled == 4  # model, 2 tools; model again

            await _wait_for(next_model_call_scheduled, "the tools to complete")
            first.kill()
            first.wait(timeout=10)
        finally:
            os.kill(sim_process.process.pid, signal.SIGCONT)

    assert len(calls(tmp_path, "get_weather")) == 1
    with running_worker(temporal_server, *worker_args, *fast, env=env):
        resumed = await asyncio.wait_for(result_of(handle), 60)
        uninterrupted = await run_durable(client, QUEUE, agent, PROMPT, options=options)

    weather, places = calls(tmp_path, "get_weather"), calls(tmp_path, "find_places")
    assert len(weather) == len(places) == 2  # once for each of the two runs
    assert weather[0].split()[1].startswith(handle.id)
    assert weather[1].split()[1].startswith(uninterrupted.run_id)
    assert weather[0].split()[0] != weather[1].split()[0]  # two different worker processes
    assert resumed.turns == 2
    assert "Oslo museum" in resumed.output
    assert _comparable(resumed) == _comparable(uninterrupted)
