"""Hostile input to history policies: a one-line UsageError that says what to fix, or a best effort."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from agentrt.agents.agent import Agent
from agentrt.agents.history import DROPPED, HistoryPolicy
from agentrt.errors import UsageError
from agentrt.specs.agent_spec import AgentSpec
from agentrt.testing import ScriptedModel, call, reply, tool_calls
from agentrt.xai.messages import Text


def page(n: int) -> str:
    """Read a page.

    Args:
        n: The page number.
    """
    return f"page {n}: " + "words " * 200


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_tokens": 0}, r"max_tokens=0: give a budget > 0 tokens"),
        ({"max_tokens": -5}, r"max_tokens=-5: give a budget > 0 tokens"),
        ({"max_tokens": True}, r"max_tokens=True: give a whole number"),
        ({"max_tokens": "100"}, r"max_tokens='100': give a whole number"),
        ({"max_tokens": 1.5}, r"max_tokens=1.5: give a whole number"),
        ({"max_tokens": 10, "keep_last": -1}, r"keep_last=-1: give 0 or more"),
        ({"max_tokens": 10, "truncate_chars": -1}, r"truncate_chars=-1: give 0 or more"),
        ({"max_tokens": 10, "strategy": "shorten"}, r"strategy='shorten': choose one of compact"),
        ({"max_tokens": 10, "strategy": ""}, r"strategy='': choose one of"),
    ],
)
def test_bad_policy_values_are_one_line_usage_errors(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(UsageError, match=message) as info:
        HistoryPolicy(**kwargs)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("value", [{"max_tokens": 10}, 1000, "compact"])
def test_history_that_is_not_a_policy_is_refused(value: Any) -> None:
    with pytest.raises(UsageError, match=r"history= takes a HistoryPolicy"):
        Agent(name="a", model="m", history=value)


SPEC = "version: 1\nname: a\nmodel: m\ninstructions: x\nhistory:\n"


@pytest.mark.parametrize(
    ("history", "message"),
    [
        ("  max_tokens: 0\n", r"history.max_tokens: expected a value greater than 0"),
        ("  max_tokens: -1\n", r"history.max_tokens: expected a value greater than 0"),
        ("  max_tokens: lots\n", r"history.max_tokens"),
        ("  strategy: compact\n", r"history.max_tokens"),  # missing
        ("  max_tokens: 9\n  strategy: shorten\n", r"history.strategy"),
        ("  max_tokens: 9\n  keep_last: -2\n", r"history.keep_last"),
        ("  max_tokens: 9\n  keep: 2\n", r"history.keep"),  # an unknown key
    ],
)
def test_bad_yaml_history_is_a_spec_error_naming_the_key(history: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        AgentSpec.from_text(SPEC + history)


@pytest.mark.e2e
def test_bad_yaml_history_through_the_cli_is_exit_2_one_line(tmp_path: Path) -> None:
    spec = tmp_path / "a.yaml"
    spec.write_text(SPEC + "  max_tokens: 0\n")
    done = subprocess.run(
        [sys.executable, "-m", "agentrt", "run", str(spec), "hi"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "history.max_tokens: expected a value greater than 0" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("strategy", ["drop_tool_outputs", "truncate_tool_outputs"])
@pytest.mark.parametrize("keep_last", [0, 1])
async def test_a_budget_below_the_instructions_and_input_is_a_best_effort(
    strategy: str, keep_last: int
) -> None:
    """max_tokens=1: the run goes on; instructions, input and the calls of kept results stay."""
    model = ScriptedModel(*(tool_calls(call("page", {"n": i})) for i in range(4)), reply("ok"))
    policy = HistoryPolicy(max_tokens=1, strategy=strategy, keep_last=keep_last, truncate_chars=5)  # type: ignore[arg-type]
    agent = Agent(name="a", model=model, instructions="Be brief.", tools=[page], history=policy)
    result = await agent.run("Read.")
    assert result.output == "ok"
    last = model.requests[-1].messages
    assert [m.role for m in last[:2]] == ["system", "user"]
    assert len(last) == len(result.messages)  # + instructions, - the answer: none removed
    olds = [m for m in last[: -keep_last or None] if m.role == "tool"]
    assert olds
    for m in olds:
        text = "".join(p.text for p in m.content if isinstance(p, Text))
        assert text == DROPPED or text.endswith("chars cut]")


async def test_compact_with_a_model_that_has_no_xai_client_says_what_to_use() -> None:
    model = ScriptedModel(*(tool_calls(call("page", {"n": i})) for i in range(3)), reply("ok"))
    policy = HistoryPolicy(max_tokens=50, strategy="compact", keep_last=1)
    agent = Agent(name="a", model=model, tools=[page], history=policy)
    with pytest.raises(UsageError, match=r"'compact' needs an xAI client model.*use 'summarize'"):
        await agent.run("Read.")
