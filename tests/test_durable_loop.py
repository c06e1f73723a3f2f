"""The durable loop's structured-output repair turns, against a simulator that answers badly on cue."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from agentrt import errors
from tests.conftest import SimProcess, running_sim
from tests.durable_fixtures import PLANNER, running_worker

if TYPE_CHECKING:
    from agentrt.agents.agent import Agent

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]

TRIP = Path(__file__).parent.parent / "examples" / "trip_planner" / "trip_planner.yaml"
PROMPT = "Plan a day in Lisbon: check the weather and find places to visit, starting with a museum."


def _limited(spec: Path, **limits: Any) -> Agent[Any]:
    """The agent of ``spec``'s tools and name, with these limits (the caller's RunPlan)."""
    from agentrt.agents.agent import Agent
    from agentrt.agents.limits import Limits
    from agentrt.specs.agent_spec import AgentSpec

    served = AgentSpec.from_file(spec).to_agent()
    tools = served.tools.functions.values()
    return Agent(name=served.name, model="m", tools=tools, limits=Limits(**limits))


async def test_invalid_output_is_repaired_then_fails_typed_when_it_stays_invalid(
    temporal_server: str,
) -> None:
    from agentrt.durable.connection import TemporalTarget, connect_temporal
    from agentrt.durable.starter import run_durable
    from agentrt.specs.agent_spec import AgentSpec

    agent = AgentSpec.from_file(TRIP).to_agent()  # output: DayPlan, output_retries: 1
    queue = "loop"
    client = await connect_temporal(TemporalTarget(address=temporal_server, task_queue=queue))
    # model calls 1-3: the first run (tools; invalid; invalid again), 4-6: the second
    with running_sim("--fault", "invalid_output", "--fault-on", "2,3,5") as sim:
        args = (str(TRIP), "--endpoint", sim.address, "--task-queue", queue)
        with running_worker(temporal_server, *args):
            with pytest.raises(errors.OutputValidationError) as info:
                await run_durable(client, queue, agent, PROMPT)
            repaired = await run_durable(client, queue, agent, PROMPT)
    failed = info.value
    assert failed.exit_code == 1
    assert failed.result.turns == 3
    assert failed.raw  # the last invalid answer, as the model wrote it
    assert failed.reason
    assert failed.result.messages[-2].role == "user"  # the repair request
    assert failed.result.messages[-2].text.startswith("Your answer is not valid")
    assert repaired.turns == 3
    assert set(repaired.output) == {"city", "forecast", "high_c", "places"}  # a valid DayPlan
    assert repaired.output["places"]
    assert [r.name for r in repaired.tool_calls] == ["get_weather", "find_places"]


async def test_limits_stop_a_durable_run_with_the_local_errors(temporal_server: str) -> None:
    """max_turns and unknown_tool="raise" come from the caller's agent (its RunPlan)."""
    from agentrt.agents.agent import Agent
    from agentrt.agents.limits import Limits
    from agentrt.durable.connection import TemporalTarget, connect_temporal
    from agentrt.durable.starter import run_durable

    capped = _limited(TRIP, max_turns=1)  # its first turn asks for two tools
    strict = Agent(name=capped.name, model="m", limits=Limits(unknown_tool="raise"))  # no tools
    queue = "limits"
    client = await connect_temporal(TemporalTarget(address=temporal_server, task_queue=queue))
    with running_sim() as sim:
        args = (str(TRIP), "--endpoint", sim.address, "--task-queue", queue)
        with running_worker(temporal_server, *args):
            with pytest.raises(errors.MaxTurnsExceeded, match="used its 1 turns") as turns:
                await run_durable(client, queue, capped, PROMPT)
            with pytest.raises(errors.UnknownToolError, match="get_weather") as unknown:
                await run_durable(client, queue, strict, PROMPT)
    assert turns.value.result.turns == 1
    assert [r.name for r in turns.value.result.tool_calls] == ["get_weather", "find_places"]
    assert unknown.value.result.turns == 1
    assert unknown.value.result.tool_calls == ()  # stopped before any tool ran
    assert "(tools: none)" in str(unknown.value)


async def test_a_run_out_of_its_budget_in_a_model_call_is_a_run_timeout(
    temporal_server: str,
) -> None:
    """As a local run: RunTimeout (exit 1) with the partial result, not the call's DeadlineExceeded."""
    from agentrt.durable.connection import TemporalTarget, connect_temporal
    from agentrt.durable.starter import run_durable

    hurried = _limited(TRIP, timeout=0.5)
    queue = "budget"
    client = await connect_temporal(TemporalTarget(address=temporal_server, task_queue=queue))
    with running_sim("--ttft-ms", "3000") as sim:
        args = (str(TRIP), "--endpoint", sim.address, "--task-queue", queue)
        budget = pytest.raises(errors.RunTimeout, match=r"0\.5 s budget in turn 1")
        with running_worker(temporal_server, *args), budget as info:
            await run_durable(client, queue, hurried, PROMPT)
    assert info.value.exit_code == 1
    assert info.value.result.turns == 1


async def test_the_same_tool_call_asked_for_too_often_is_tool_loop_detected(
    temporal_server: str, tmp_path: Path
) -> None:
    """As a local run: the third identical call (limit 2) stops the run before it runs."""
    from agentrt.durable.connection import TemporalTarget, connect_temporal
    from agentrt.durable.starter import run_durable

    looping = _limited(TRIP, max_identical_tool_calls=2)
    same = {"tool_calls": [{"name": "get_weather", "arguments": {"city": "Lisbon"}}]}
    script = tmp_path / "loop.json"
    script.write_text(json.dumps([same, same, same]))
    queue = "tool-loop"
    client = await connect_temporal(TemporalTarget(address=temporal_server, task_queue=queue))
    with running_sim("--script", str(script)) as sim:
        args = (str(TRIP), "--endpoint", sim.address, "--task-queue", queue)
        loop = pytest.raises(errors.ToolLoopDetected, match="get_weather")
        with running_worker(temporal_server, *args), loop as info:
            await run_durable(client, queue, looping, PROMPT)
    assert info.value.exit_code == 1
    result = info.value.result
    assert result.turns == 3
    assert [r.name for r in result.tool_calls] == ["get_weather", "get_weather"]  # not the third
    assert [(r.name, r.count) for r in result.repeated_tool_calls] == [("get_weather", 3)]


async def test_a_run_out_of_its_budget_in_a_tool_call_is_a_run_timeout(
    temporal_server: str, sim_process: SimProcess, tmp_path: Path
) -> None:
    """get_weather holds past the run's 1 s budget: RunTimeout (exit 1), not ToolFailed."""
    from agentrt.durable.connection import TemporalTarget, connect_temporal
    from agentrt.durable.starter import run_durable

    hurried = _limited(PLANNER, timeout=1.0)  # turn 1 calls get_weather and find_places
    queue = "tool-budget"
    env = {"AGENTRT_DURABLE_DIR": str(tmp_path), "AGENTRT_DURABLE_HOLD": "1"}
    client = await connect_temporal(TemporalTarget(address=temporal_server, task_queue=queue))
    args = (str(PLANNER), "--endpoint", sim_process.address, "--task-queue", queue)
    with running_worker(temporal_server, *args, env=env):
        try:
            budget = pytest.raises(errors.RunTimeout, match=r"1 s budget in turn 1")
            with budget as info:
                await run_durable(client, queue, hurried, PROMPT)
            assert (tmp_path / "weather-started").exists()  # it ran out inside the tool call
        finally:
            (tmp_path / "weather-go").touch()  # let the held tool's thread end
    assert info.value.exit_code == 1
    assert info.value.result.turns == 1
