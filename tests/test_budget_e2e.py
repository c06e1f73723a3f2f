"""Budgets end to end: the real ``agentrt run`` and ``agentrt serve`` against ``agentrt sim``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from agentrt_protos.agentrt.v1 import agent_pb2 as pb

from tests.conftest import ListeningProcess, SimProcess, run_agentrt
from tests.serve21_fixtures import key_file, run_streamed, run_unary, running_serve

pytestmark = pytest.mark.e2e

HEAD = "version: 1\nname: {name}\nmodel: grok-4-1-fast-reasoning\ninstructions: Be brief.\n"


def _spec(folder: Path, name: str, limits: str = "") -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(HEAD.format(name=name) + (f"limits: {{{limits}}}\n" if limits else ""))
    return path


async def test_run_json_shows_the_cost_of_a_run_within_its_budget(
    sim_process: SimProcess, tmp_path: Path
) -> None:
    spec = _spec(tmp_path, "fine", "max_cost_usd: 1, max_output_tokens: 10000")
    code, out, err = await run_agentrt(
        "run", str(spec), "hi", "--json", "--endpoint", sim_process.address
    )
    assert code == 0, err
    usage = json.loads(out)["usage"]
    assert 0 < usage["cost_usd"] < 1
    assert usage["output"] > 0


async def test_run_past_the_cost_budget_exits_1_with_one_line_and_the_partial_result(
    sim_process: SimProcess, tmp_path: Path
) -> None:
    spec = _spec(tmp_path, "tight", "max_cost_usd: 0.0000001")
    code, out, err = await run_agentrt(
        "run", str(spec), "hi", "--json", "--endpoint", sim_process.address
    )
    assert code == 1, err
    summary = json.loads(out)
    assert summary["turns"] == 1
    assert summary["usage"]["cost_usd"] > 0.0000001  # the partial result, its cost included
    error = summary["error"]
    assert error["type"] == "BudgetExceeded"
    assert error["limit"] == "max_cost_usd"
    assert error["budget"] == 0.0000001
    assert error["spent"] == summary["usage"]["cost_usd"]
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("agentrt: error: agent 'tight' spent $0.0000")
    assert "over limits.max_cost_usd ($0.0000001)" in lines[0]


async def test_run_whose_first_prompt_would_pass_the_input_budget_makes_no_call(
    sim_process: SimProcess, tmp_path: Path
) -> None:
    spec = _spec(tmp_path, "short", "max_input_tokens: 100")
    code, out, err = await run_agentrt(
        "run", str(spec), "word " * 200, "--endpoint", sim_process.address
    )
    assert code == 1
    assert out == ""
    assert "stopped before turn 1" in err
    assert "limits.max_input_tokens (100 input tokens)" in err
    assert "Traceback" not in err


@pytest.fixture(scope="module")
def server(
    sim_process: SimProcess, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ListeningProcess]:
    folder = tmp_path_factory.mktemp("serve-budget")
    _spec(folder, "fine", "max_cost_usd: 1")
    _spec(folder, "tight", "max_cost_usd: 0.0000001")
    with running_serve(
        str(folder), "--endpoint", sim_process.address, "--api-key-file", str(key_file(folder))
    ) as served:
        yield served


async def test_serve_reports_the_cost_of_a_run(server: ListeningProcess) -> None:
    response = await run_unary(server.address, "hi", agent="fine")
    assert response.status.state == pb.RunStatus.SUCCEEDED
    assert 0 < response.result.usage.cost_usd < 1
    assert response.result.usage.output_tokens > 0


async def test_serve_a_run_past_its_budget_fails_with_its_partial_usage(
    server: ListeningProcess,
) -> None:
    response = await run_unary(server.address, "hi", agent="tight")
    assert response.status.state == pb.RunStatus.FAILED
    assert response.status.error_type == "BudgetExceeded"
    assert "limits.max_cost_usd" in response.status.message
    assert response.result.usage.cost_usd > 0.0000001
    assert response.result.turns == 1
    events = await run_streamed(server.address, "hi", agent="tight")
    ended = events[-1].run_ended
    assert ended.status.error_type == "BudgetExceeded"
    assert ended.partial_result.usage.cost_usd > 0.0000001
    assert not any(e.HasField("run_finished") for e in events)
