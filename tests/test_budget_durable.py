"""Budgets in durable runs: the workflow checks them as the local loop does (Temporal dev server)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from agentrt import errors
from tests.conftest import running_sim
from tests.durable_fixtures import running_worker

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]

TRIP = Path(__file__).parent.parent / "examples" / "trip_planner" / "trip_planner.yaml"
PROMPT = "Plan a day in Lisbon: check the weather and find places to visit, starting with a museum."


def _limited(**limits: Any) -> Any:
    from agentrt.agents.agent import Agent
    from agentrt.agents.limits import Limits
    from agentrt.specs.agent_spec import AgentSpec

    served = AgentSpec.from_file(TRIP).to_agent()
    tools = served.tools.functions.values()
    return Agent(name=served.name, model="m", tools=tools, limits=Limits(**limits))


async def test_a_durable_run_stops_at_its_budgets_with_the_local_error(
    temporal_server: str,
) -> None:
    from agentrt.durable.connection import TemporalTarget, connect_temporal
    from agentrt.durable.starter import run_durable

    costly = _limited(max_cost_usd=0.0000001)  # passed by the first model call
    wordy = _limited(max_input_tokens=50)  # the first prompt alone is estimated past it
    queue = "budgets"
    client = await connect_temporal(TemporalTarget(address=temporal_server, task_queue=queue))
    with running_sim() as sim:
        args = (str(TRIP), "--endpoint", sim.address, "--task-queue", queue)
        with running_worker(temporal_server, *args):
            with pytest.raises(errors.BudgetExceeded) as after:
                await run_durable(client, queue, costly, PROMPT)
            with pytest.raises(errors.BudgetExceeded) as before:
                await run_durable(client, queue, wordy, PROMPT * 10)
    spent = after.value
    assert (spent.limit, spent.budget, spent.estimated) == ("max_cost_usd", 0.0000001, None)
    assert spent.exit_code == 1
    assert spent.result.turns == 1
    assert spent.spent == pytest.approx(spent.result.usage.cost_usd)
    assert spent.result.tool_calls == ()  # the turn that passed it ran no tools
    assert "over limits.max_cost_usd ($0.0000001)" in str(spent)
    early = before.value
    assert early.limit == "max_input_tokens"
    assert early.spent == 0
    assert early.estimated is not None
    assert early.estimated > 50
    assert early.result.turns == 0
    assert "stopped before turn 1" in str(early)
