"""Hostile resilience settings: model lists (YAML and ``Agent(models=...)``), retry policies
and simulator knobs. Each fails at once with one line saying what to fix; the next case
of a class is one table row."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from agentrt.agents.agent import Agent
from agentrt.errors import NotFound, UsageError
from agentrt.sim.faults import parse_fail_models
from agentrt.specs.agent_spec import AgentSpec, SpecError
from agentrt.testing import simulator
from agentrt.xai.retry import RetryPolicy
from tests.conftest import sim_command

HEAD = "version: 1\nname: hostile\ninstructions: hi\n"

# (the spec's model line, a fragment of its one problem)
BAD_MODEL_LINES = [
    pytest.param("model: []", "an empty list", id="empty-list"),
    pytest.param("model: ['']", "item 1 is ''", id="empty-name-in-list"),
    pytest.param("model: [grok-4, 5]", "item 2 is 5", id="number-in-list"),
    pytest.param("model: [grok-4, [a]]", "item 2 is ['a']", id="list-in-list"),
    pytest.param("model: [grok-4, null]", "item 2 is None", id="null-in-list"),
    pytest.param("model: [grok-4, {a: 1}]", "item 2 is {'a': 1}", id="mapping-in-list"),
    pytest.param("model: [grok-4, grok-3, grok-4]", "'grok-4' is listed twice", id="duplicate"),
    pytest.param("model: '  '", "an empty model name", id="blank-name"),
    pytest.param("model: {a: b}", "model", id="mapping"),
]


@pytest.mark.parametrize(("line", "says"), BAD_MODEL_LINES)
def test_a_bad_model_list_is_one_positioned_problem(line: str, says: str) -> None:
    with pytest.raises(SpecError) as info:
        AgentSpec.from_text(HEAD + line + "\n", file="agent.yaml", base_dir=Path())
    (problem,) = str(info.value).splitlines()[-1:]
    assert problem.startswith("agent.yaml:4:")
    assert says in problem


def test_a_model_list_builds_an_agent_with_fallbacks() -> None:
    spec = AgentSpec.from_text(HEAD + "model: [grok-4, grok-3]\n", file="a.yaml", base_dir=Path())
    agent = spec.to_agent()
    assert (agent.model, agent.models) == ("grok-4", ("grok-3",))
    single = AgentSpec.from_text(HEAD + "model: grok-4\n", file="a.yaml", base_dir=Path())
    assert single.to_agent().models == ()


# (models=, a fragment of the UsageError)
BAD_MODELS = [
    pytest.param("grok-3", "not a string", id="bare-string"),
    pytest.param(["grok-3", 5], "got 5", id="number"),
    pytest.param([""], "got ''", id="empty-name"),
    pytest.param([None], "got None", id="none"),
    pytest.param(["grok-3", "grok-3"], "'grok-3' is listed twice", id="duplicate"),
    pytest.param(["grok-4"], "'grok-4' is listed twice", id="the-primary-again"),
]


@pytest.mark.parametrize(("models", "says"), BAD_MODELS)
def test_bad_agent_models_are_a_usage_error(models: Any, says: str) -> None:
    with pytest.raises(UsageError, match=says):
        Agent(name="a", model="grok-4", models=models)


# (RetryPolicy keywords, a fragment of the UsageError)
BAD_POLICIES = [
    pytest.param({"retries": -1}, "retries must be >= 0", id="negative-retries"),
    pytest.param({"retries": 1.5}, "whole number", id="fractional-retries"),
    pytest.param({"retries": True}, "whole number", id="bool-retries"),
    pytest.param({"base": -0.1}, "base must be", id="negative-base"),
    pytest.param({"cap": float("inf")}, "cap must be", id="infinite-cap"),
    pytest.param({"base": float("nan")}, "base must be", id="nan-base"),
]


@pytest.mark.parametrize(("given", "says"), BAD_POLICIES)
def test_a_bad_retry_policy_is_a_usage_error(given: dict[str, Any], says: str) -> None:
    with pytest.raises(UsageError, match=says):
        RetryPolicy(**given)


@pytest.mark.parametrize(
    "text", ["grok-4", "=internal", "grok-4=", "grok-4=deadline", "grok-4=nonsense"]
)
def test_a_bad_fail_model_knob_says_what_it_must_be(text: str) -> None:
    with pytest.raises(ValueError, match="is not MODEL=FAULT"):
        parse_fail_models(text)


async def test_a_fallback_model_that_does_not_exist_raises_its_not_found() -> None:
    # Decided: names are not checked when the agent is built (that needs the network);
    # a fallback that does not exist fails the run with the service's NotFound, naming it.
    agent = Agent(name="a", model="grok-4", models=["no-such-model"])
    async with simulator() as sim:
        fail = ("x-sim-fail-model", "grok-4=internal")
        async with sim.connect(fail, internal_retries=0) as client:
            with pytest.raises(NotFound, match="no-such-model"):
                await agent.run("hi", client=client)


@pytest.mark.parametrize("value", ["grok-4", "grok-4=deadline", "=internal"])
def test_a_bad_fail_model_flag_is_one_line_and_exit_2(value: str) -> None:
    result = subprocess.run(
        sim_command("--fail-model", value),
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("agentrt: error: --fail-model: ")
    assert "is not MODEL=FAULT" in line
