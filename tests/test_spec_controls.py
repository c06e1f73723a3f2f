"""YAML ``approval:``, ``guardrails:`` and ``hooks:``: imported like tools, built into the agent."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from agentrt.agents.approval import ApprovalRequired
from agentrt.errors import GuardrailTripped
from agentrt.specs.agent_spec import AgentSpec, SpecError
from agentrt.testing import ScriptedModel, call, reply, tool_calls
from tests.conftest import forgetting_modules, write_files

CONTROLS = '''
from agentrt.agents.guardrails import Trip

seen = []

def refund(order: str) -> str:
    """Refund an order.

    Args:
        order: the order id.
    """
    seen.append(("refund", order))
    return order + " refunded"

def only_big(ctx, args):
    return args["order"].startswith("BIG")

def no_password(ctx, text):
    return Trip("asks for a password") if "password" in text else None

def short(ctx, output):
    return Trip("too long") if len(str(output)) > 10 else None

class Audit:
    def on_run_start(self, ctx):
        seen.append(("start", ctx.agent))

audit = Audit()
'''

HEAD = "version: 1\nname: main\nmodel: grok-4-1-fast-reasoning\ninstructions: Help.\n"


@pytest.fixture(autouse=True)
def _forget() -> Iterator[None]:
    with forgetting_modules("ctl_t_"):
        yield


def _spec(tmp_path: Path, body: str) -> AgentSpec:
    write_files(tmp_path, {"ctl_t_mod.py": CONTROLS, "agent.yaml": HEAD + body})
    return AgentSpec.from_file(tmp_path / "agent.yaml")


def _refund_script(order: str) -> ScriptedModel:
    return ScriptedModel(tool_calls(call("refund", {"order": order}, id="c1")), reply("done"))


@pytest.mark.parametrize(
    ("approval", "order", "pauses"),
    [
        ("always", "A1", True),
        ("never", "BIG1", False),
        ("ctl_t_mod:only_big", "BIG1", True),
        ("ctl_t_mod:only_big", "A1", False),
    ],
)
async def test_approval_from_yaml_decides_which_calls_pause(
    tmp_path: Path, approval: str, order: str, pauses: bool
) -> None:
    spec = _spec(tmp_path, f"tools:\n  - function: ctl_t_mod:refund\n    approval: {approval}\n")
    result = await spec.to_agent().run("refund", model=_refund_script(order))
    assert isinstance(result.outcome, ApprovalRequired) is pauses
    if pauses:
        assert [c.tool for c in result.outcome.calls] == ["refund"]
    else:
        assert result.output == "done"


async def test_guardrails_and_hooks_from_yaml_run(tmp_path: Path) -> None:
    spec = _spec(
        tmp_path,
        "guardrails:\n  input: [ctl_t_mod:no_password]\n  output: [ctl_t_mod:short]\n"
        "hooks: ctl_t_mod:audit\n",
    )
    agent = spec.to_agent()
    with pytest.raises(GuardrailTripped) as tripped:
        await agent.run("my password is x", model=ScriptedModel(reply("ok")))
    assert (tripped.value.kind, tripped.value.guardrail) == ("input", "no_password")
    with pytest.raises(GuardrailTripped, match="too long"):
        await agent.run("hi", model=ScriptedModel(reply("a very long answer")))
    ok = await agent.run("hi", model=ScriptedModel(reply("ok")))
    assert ok.output == "ok"
    import ctl_t_mod  # type: ignore[import-not-found]

    assert ("start", "main") in ctl_t_mod.seen


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "tools:\n  - function: ctl_t_mod:refund\n    approval: ctl_t_mod:nope\n",
            "agent.yaml:7:15: tools[0].approval: 'ctl_t_mod' has no attribute 'nope'",
        ),
        (
            "guardrails:\n  tools: [ctl_t_mod:Audit]\n",
            "agent.yaml:6:11: guardrails.tools[0]: 'ctl_t_mod:Audit' is not a function",
        ),
        (
            "hooks: ctl_t_mod:refund_hooks\n",
            "agent.yaml:5:8: hooks: 'ctl_t_mod' has no attribute 'refund_hooks'",
        ),
        (
            "hooks: ctl_t_mod:Audit\n",
            "agent.yaml:5:8: hooks: 'ctl_t_mod:Audit' is the class Audit",
        ),
        (
            "hooks: ctl_t_mod:seen\n",
            "agent.yaml:5:8: hooks: 'ctl_t_mod:seen' is not a hooks object",
        ),
    ],
)
def test_bad_references_are_spec_errors_at_their_position(
    tmp_path: Path, body: str, expected: str
) -> None:
    with pytest.raises(SpecError) as err:
        _spec(tmp_path, body)
    text = str(err.value.problems[0])
    assert ("agent.yaml" + text.split("agent.yaml", 1)[1]).startswith(expected)
