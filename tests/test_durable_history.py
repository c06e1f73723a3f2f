"""History policies in durable runs: the worker's model activity trims old tool outputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import running_sim
from tests.durable_fixtures import running_worker
from tests.test_history import TURNS, _cli_spec, page

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]


async def test_a_durable_run_sends_trimmed_history_and_keeps_every_result(
    temporal_server: str, tmp_path: Path
) -> None:
    from agentrt.durable.connection import TemporalTarget, connect_temporal
    from agentrt.durable.starter import run_durable
    from agentrt.specs.agent_spec import AgentSpec

    plain = _cli_spec(tmp_path, "")
    fitted = tmp_path / "reader_h.yaml"
    policy = "history:\n  max_tokens: 900\n  strategy: drop_tool_outputs\n  keep_last: 2\n"
    fitted.write_text(plain.read_text().replace("name: reader", "name: reader_h") + policy)
    script = json.loads((tmp_path / "script.json").read_text())
    (tmp_path / "script.json").write_text(json.dumps(script * 2))
    queue = "history"
    client = await connect_temporal(TemporalTarget(address=temporal_server, task_queue=queue))
    used = {}
    with running_sim("--script", str(tmp_path / "script.json")) as sim:
        args = (str(plain), str(fitted), "--endpoint", sim.address, "--task-queue", queue)
        with running_worker(temporal_server, *args):
            for spec in (plain, fitted):
                agent = AgentSpec.from_file(spec).to_agent()
                result = await run_durable(client, queue, agent, "Read it.")
                assert [r.output for r in result.tool_calls] == [page(i) for i in range(TURNS)]
                used[agent.name] = result.usage.prompt_tokens
    assert used["reader_h"] < used["reader"] * 0.6
