"""Hostile input to approvals, run states, hooks and guardrails: each case one table row."""

from __future__ import annotations

import asyncio
import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from agentrt.agents.agent import Agent
from agentrt.agents.approval import Approve, Deny
from agentrt.agents.guardrails import Trip
from agentrt.agents.run_state import RunState
from agentrt.agents.tools import RunContext, tool
from agentrt.errors import GuardrailTripped, HookFailed, UsageError
from agentrt.testing import ScriptedModel, call, reply, tool_calls

ran: list[str] = []


@pytest.fixture(autouse=True)
def _reset() -> None:
    ran.clear()


@tool
def lookup(order: str) -> str:
    """Look up.

    Args:
        order: id.
    """
    ran.append("lookup")
    return "ok"


@tool(needs_approval=True)
def refund(order: str) -> str:
    """Refund.

    Args:
        order: id.
    """
    ran.append("refund")
    return "refunded"


def _agent(*more: Any, name: str = "shop") -> Agent[Any]:
    first = tool_calls(
        call("lookup", {"order": "A"}, id="c1"), call("refund", {"order": "A"}, id="c2")
    )
    return Agent(name=name, model=ScriptedModel(first, *more), tools=[lookup, refund])


async def _paused() -> tuple[Agent[Any], dict[str, Any]]:
    agent = _agent(reply("done"))
    result = await agent.run("refund A")
    assert result.outcome is not None
    return agent, result.outcome.state.to_json()


@pytest.mark.parametrize(
    ("decisions", "words"),
    [
        ({"c2": Approve(), "nope": Approve()}, "not waiting for approval: nope"),
        ({"c1": Approve(), "c2": Approve()}, "not waiting for approval: c1"),
        ({}, "no decision for pending call"),
        ({"c2": "yes"}, r"give Approve\(\) or Deny\(reason\)"),
        ({"c2": True}, r"give Approve\(\) or Deny\(reason\)"),
        ({"c2": Deny(reason=5)}, r"Deny\(reason\) takes a string"),  # type: ignore[arg-type]
        ([("c2", Approve())], "decisions must be a dict"),
    ],
)
async def test_bad_decisions_are_refused_before_anything_runs(decisions: Any, words: str) -> None:
    agent, state = await _paused()
    ran.clear()
    with pytest.raises(UsageError, match=words):
        await agent.resume(RunState.from_json(state), decisions)
    assert ran == []


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(state: dict[str, Any]) -> None:
        *keys, last = path.split(".")
        target: Any = state
        for k in keys:
            target = target[int(k)] if isinstance(target, list) else target[k]
        if isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value

    return change


def _drop(path: str) -> Callable[[dict[str, Any]], None]:
    def change(state: dict[str, Any]) -> None:
        *keys, last = path.split(".")
        target: Any = state
        for k in keys:
            target = target[int(k)] if isinstance(target, list) else target[k]
        del target[int(last) if isinstance(target, list) else last]

    return change


@pytest.mark.parametrize(
    ("tamper", "words"),
    [
        (_set("v", 99), "v=99 is not supported"),
        (_drop("agent"), "a field is missing"),
        (_set("turns", -1), "turns: -1 is not a count"),
        (_set("turns", "1"), "is not a count"),
        (_set("messages", "hi"), "expected a list"),
        (_set("messages.0.role", "root"), "role"),
        (_set("usage.prompt_tokens", -5), "usage.prompt_tokens"),
        (_set("done.0.error", {"kind": "pwned", "type": "x", "message": "y"}), "kind"),
        (_set("pending.0.call_id", 7), "expected a str"),
        (_set("seen_calls", [["a", "b"]]), "name, arguments, count"),
        (_set("session", {"session_id": "s"}), "a field is missing"),
        (_set("response_ids", [1]), "expected a str"),
    ],
)
async def test_a_tampered_run_state_json_is_refused_with_a_clear_error(
    tamper: Callable[[dict[str, Any]], None], words: str
) -> None:
    _, state = await _paused()
    data = copy.deepcopy(state)
    tamper(data)
    with pytest.raises(UsageError, match=words):
        RunState.from_json(json.loads(json.dumps(data)))


@pytest.mark.parametrize(
    ("tamper", "words"),
    [
        (_set("pending.0.call_id", "c9"), "not the calls of its last message"),
        (_set("pending.0.arguments", '{"order": "EVERYTHING"}'), "does not match"),
        (_set("pending.0.tool", "lookup"), "does not match"),
        (_set("done", []), "not the calls of its last message"),
        (_set("pending", []), "no calls waiting"),
        (_set("agent", "other"), "agent 'other'"),
        (_drop("messages.1"), "last message must be the assistant"),
    ],
)
async def test_a_consistent_looking_but_edited_state_runs_nothing(
    tamper: Callable[[dict[str, Any]], None], words: str
) -> None:
    agent, state = await _paused()
    ran.clear()
    data = copy.deepcopy(state)
    tamper(data)
    with pytest.raises(UsageError, match=words):
        await agent.resume(RunState.from_json(data), {"c2": Approve()})
    assert ran == []


async def test_resume_refuses_something_that_is_not_a_run_state() -> None:
    agent, state = await _paused()
    with pytest.raises(UsageError, match="takes a RunState"):
        await agent.resume(state, {"c2": Approve()})  # type: ignore[arg-type]


class _Boom(Exception):
    pass


def _raising(name: str) -> Any:
    def hook(*args: Any) -> None:
        raise _Boom(f"{name} broke")

    return type("Hooks", (), {name: staticmethod(hook)})()


@pytest.mark.parametrize(
    "hook",
    [
        "on_run_start",
        "on_turn_start",
        "on_model_response",
        "on_tool_start",
        "on_tool_end",
        "on_turn_end",
        "on_run_end",
    ],
)
async def test_every_hook_that_raises_is_reported_by_name(hook: str) -> None:
    model = ScriptedModel(tool_calls(call("lookup", {"order": "A"})), reply("done"))
    agent = Agent(name="a", model=model, tools=[lookup], hooks=_raising(hook))
    with pytest.raises(HookFailed, match=f"hook {hook} failed: _Boom: {hook} broke") as e:
        await agent.run("go")
    assert e.value.hook == hook
    assert isinstance(e.value.__cause__, _Boom)


def _raises(ctx: RunContext, value: Any) -> Trip | None:
    raise RuntimeError("guard bug")


def _wrong_type(ctx: RunContext, value: Any) -> Any:
    return "yes"


async def _hangs_then_trips(ctx: RunContext, value: Any) -> Trip | None:
    await asyncio.sleep(0.1)
    return Trip("late")


@pytest.mark.parametrize(
    ("kind", "guard", "words"),
    [
        ("input", _raises, "the guardrail raised RuntimeError: guard bug"),
        ("output", _raises, "the guardrail raised RuntimeError: guard bug"),
        ("tool", _raises, "the guardrail raised RuntimeError: guard bug"),
        ("input", _wrong_type, "it returned str, not Trip or None"),
        ("output", _wrong_type, "it returned str, not Trip or None"),
        ("input", _hangs_then_trips, "late"),  # the model answered first: still tripped
    ],
)
async def test_guardrails_that_misbehave_fail_closed(kind: str, guard: Any, words: str) -> None:
    model = ScriptedModel(tool_calls(call("lookup", {"order": "A"})), reply("done"))
    agent = Agent(name="a", model=model, tools=[lookup], **{f"{kind}_guardrails": [guard]})
    with pytest.raises(GuardrailTripped, match=words) as e:
        await agent.run("go")
    assert e.value.kind == kind
    if kind != "output":
        assert ran == []


@pytest.mark.parametrize(
    "check",
    [
        lambda ctx, args: 1 / 0,
        lambda ctx, args: args["missing"],
        lambda: True,  # wrong signature
    ],
)
async def test_a_needs_approval_check_that_raises_asks_a_person(check: Any) -> None:
    @tool(needs_approval=check)
    def pay(amount: int) -> str:
        """Pay.

        Args:
            amount: how much.
        """
        ran.append("pay")
        return "paid"

    model = ScriptedModel(tool_calls(call("pay", {"amount": 1}, id="p1")))
    result = await Agent(name="a", model=model, tools=[pay]).run("pay")
    assert ran == []
    assert result.outcome is not None
    (pending,) = result.outcome.calls
    assert pending.note.startswith("needs_approval raised")


def _noop() -> None:
    """Nothing."""


@pytest.mark.parametrize("value", ["sometimes", 3, None])
def test_needs_approval_must_be_a_bool_or_a_function(value: Any) -> None:
    with pytest.raises(UsageError, match="needs_approval must be"):
        tool(needs_approval=value)(_noop)


class _OwnTimeout:
    async def on_turn_start(self, ctx: RunContext) -> None:
        raise TimeoutError("the audit service timed out")


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"history": []}, UsageError, "give session= or history=, not both"),
        ({"session_mode": "never"}, UsageError, "session_mode='never'"),
        ({"hooks": _OwnTimeout()}, HookFailed, "TimeoutError: the audit service timed out"),
        ({"hooks": 42}, UsageError, "has none of on_run_start"),
    ],
)
async def test_bad_run_options_are_refused(
    kwargs: dict[str, Any], error: type[Exception], words: str
) -> None:
    from agentrt.agents.session import MemoryStore

    store = MemoryStore()
    agent = Agent(name="a", model=ScriptedModel(reply("x")))
    with pytest.raises(error, match=words):
        await agent.run("go", session=(store, "s"), **kwargs)
    assert await store.load("s") == ()
