"""Model fallback in durable runs: the worker moves a failing turn to the next model and the
workflow keeps the run there (Temporal dev server, ``agentrt sim --fail-model``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import running_sim
from tests.durable_fixtures import running_worker

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]

PRIMARY, FALLBACK = "grok-4-1-fast-reasoning", "grok-3-mini"
SPEC = f"""version: 1
name: steady
model: [{PRIMARY}, {FALLBACK}]
instructions: Be brief.
"""


async def test_a_durable_run_falls_back_and_records_it(
    temporal_server: str, tmp_path: Path
) -> None:
    from agentrt.durable.connection import TemporalTarget, connect_temporal
    from agentrt.durable.starter import run_durable
    from agentrt.specs.agent_spec import AgentSpec

    spec = tmp_path / "steady.yaml"
    spec.write_text(SPEC)
    agent = AgentSpec.from_file(spec).to_agent()
    queue = "fallbacks"
    client = await connect_temporal(TemporalTarget(address=temporal_server, task_queue=queue))
    with running_sim("--fail-model", f"{PRIMARY}=internal") as sim:
        args = (str(spec), "--endpoint", sim.address, "--task-queue", queue)
        with running_worker(temporal_server, *args):
            result = await run_durable(client, queue, agent, "Say hello")
    assert result.output
    (taken,) = result.fallbacks
    assert (taken.turn, taken.from_model, taken.to_model) == (1, PRIMARY, FALLBACK)
    assert taken.error.startswith("ServerError: INTERNAL")
