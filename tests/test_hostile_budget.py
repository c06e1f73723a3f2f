"""Hostile budgets: zero, negative, not a number, NaN, infinity; in Python, YAML and the CLI."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from agentrt.agents.limits import Limits
from agentrt.errors import UsageError
from agentrt.specs.agent_spec import AgentSpec, SpecError
from tests.conftest import run_agentrt

HEAD = "version: 1\nname: probe\nmodel: grok-4\ninstructions: x\n"

# (field, value, what the one-line error says)
PYTHON_CASES = [
    ("max_cost_usd", 0, "must be > 0"),
    ("max_cost_usd", -0.5, "must be > 0"),
    ("max_cost_usd", math.nan, "finite"),
    ("max_cost_usd", math.inf, "finite"),
    ("max_cost_usd", "1", "a number of US dollars"),
    ("max_cost_usd", True, "a number of US dollars"),
    ("max_input_tokens", 0, "must be > 0"),
    ("max_input_tokens", -1, "must be > 0"),
    ("max_input_tokens", 1.5, "a whole number of tokens"),
    ("max_output_tokens", 0, "must be > 0"),
    ("max_output_tokens", "10", "a whole number of tokens"),
    ("max_output_tokens", math.inf, "a whole number of tokens"),
    ("budget_scope", "conversation", "'run' or 'session'"),
]


@pytest.mark.parametrize(("field", "value", "says"), PYTHON_CASES)
def test_limits_refuse_a_bad_budget_with_one_line(field: str, value: object, says: str) -> None:
    with pytest.raises(UsageError) as info:
        Limits(**{field: value})  # type: ignore[arg-type]
    message = str(info.value)
    assert says in message
    assert field in message
    assert "\n" not in message


# (limits line, what the FILE:LINE:COL error says)
YAML_CASES = [
    ("limits: {max_cost_usd: 0}", "greater than 0"),
    ("limits: {max_cost_usd: -1}", "greater than 0"),
    ("limits: {max_cost_usd: .nan}", "finite"),
    ("limits: {max_cost_usd: .inf}", "finite"),
    ("limits: {max_cost_usd: '0.5'}", "number"),
    ("limits: {max_cost_usd: [1]}", "number"),
    ("limits: {max_input_tokens: 0}", "greater than 0"),
    ("limits: {max_input_tokens: 1.5}", "integer"),
    ("limits: {max_output_tokens: -3}", "greater than 0"),
    ("limits: {max_output_tokens: ten}", "integer"),
    ("limits: {budget_scope: forever}", "run"),
]


@pytest.mark.parametrize(("line", "says"), YAML_CASES)
def test_spec_budgets_are_checked_with_file_line_col(line: str, says: str) -> None:
    with pytest.raises(SpecError) as info:
        AgentSpec.from_text(HEAD + line + "\n", environ={})
    message = str(info.value)
    assert "<text>:5:" in message
    assert ": limits." in message
    assert says in message


@pytest.mark.parametrize(
    ("line", "field", "value"),
    [
        ("limits: {max_cost_usd: 0.25}", "max_cost_usd", 0.25),
        ("limits: {max_cost_usd: 2}", "max_cost_usd", 2),
        ("limits: {max_input_tokens: 5000}", "max_input_tokens", 5000),
        ("limits: {max_output_tokens: 1}", "max_output_tokens", 1),
        ("limits: {budget_scope: session}", "budget_scope", "session"),
    ],
)
def test_good_budgets_reach_the_agent(line: str, field: str, value: object) -> None:
    agent = AgentSpec.from_text(HEAD + line + "\n", environ={}).to_agent()
    assert getattr(agent.limits, field) == value


@pytest.mark.parametrize("value", ["0", "-2", ".nan", "'x'"])
async def test_run_refuses_a_spec_with_a_bad_budget_exit_2_one_line(
    tmp_path: Path, value: str
) -> None:
    spec = tmp_path / "a.yaml"
    spec.write_text(HEAD + f"limits:\n  max_cost_usd: {value}\n")
    code, out, err = await run_agentrt("run", str(spec), "hi")
    assert code == 2, err
    assert f"{spec}:6:17: limits.max_cost_usd" in err
    assert "Traceback" not in err
    assert out == ""
