"""Hostile hooks, guardrails and failure payloads of durable runs, as tables: one line per case.

The worker's side (:mod:`agentrt.durable.extras`): a guardrail that raises, returns the
wrong type or trips, and a hook that raises, each become one non-retryable
``ApplicationError`` typed for the caller. The caller's side
(:mod:`agentrt.durable.failures`): a failure whose details are missing or of another
shape still becomes the typed error, never a crash.
"""

from __future__ import annotations

from typing import Any

import pytest
from temporalio.exceptions import ApplicationError

from agentrt.agents.agent import Agent
from agentrt.agents.guardrails import Trip
from agentrt.agents.tools import ToolContext
from agentrt.durable.extras import run_guard, run_hook
from agentrt.durable.failures import run_error
from agentrt.errors import GuardrailTripped, HookFailed


def _raises(ctx: Any, value: Any) -> None:
    raise ValueError("bad regex")


def _wrong_type(ctx: Any, value: Any) -> str:
    return "no"


async def _trips(ctx: Any, value: Any) -> Trip:
    return Trip("too long")


GUARDS = [
    (_raises, "the guardrail raised ValueError: bad regex"),
    (_wrong_type, "it returned str, not Trip or None"),
    (_trips, "too long"),
]


@pytest.mark.parametrize(("guard", "reason"), GUARDS)
async def test_a_hostile_guardrail_becomes_one_typed_failure(guard: Any, reason: str) -> None:
    agent: Agent[Any] = Agent(name="g", model="grok-4", output_guardrails=[guard])
    with pytest.raises(ApplicationError) as caught:
        await run_guard(agent, "output", ToolContext(agent="g"), "answer")
    e = caught.value
    assert (e.type, e.non_retryable) == ("GuardrailTripped", True)
    assert e.details[0] == {"guardrail": guard.__name__, "kind": "output", "reason": reason}


class _Boom:
    def on_turn_end(self, ctx: Any) -> None:
        raise KeyError("x" * 2000)


async def test_a_raising_hook_becomes_hook_failed_with_a_bounded_reason() -> None:
    agent: Agent[Any] = Agent(name="h", model="grok-4", hooks=_Boom())
    with pytest.raises(ApplicationError) as caught:
        await run_hook(agent, "on_turn_end", ToolContext(agent="h"))
    e = caught.value
    assert (e.type, e.non_retryable, e.details[0]["hook"]) == ("HookFailed", True, "on_turn_end")
    assert e.details[0]["reason"].startswith("KeyError: ")
    assert len(e.details[0]["reason"]) < 600
    await run_hook(agent, "on_run_start", ToolContext(agent="h"))  # a hook it lacks: nothing


# (failure type, details) as a tampered or older workflow might send them
PAYLOADS: list[tuple[str, tuple[Any, ...], type[Exception], str]] = [
    ("GuardrailTripped", (), GuardrailTripped, "input guardrail '' tripped"),
    ("GuardrailTripped", (None, "not a dict"), GuardrailTripped, "input guardrail ''"),
    ("GuardrailTripped", (None, {"guardrail": "g", "kind": "tool"}), GuardrailTripped, "tool"),
    ("HookFailed", (), HookFailed, "hook  failed: went wrong"),
    ("HookFailed", ({"turns": "x"}, {"hook": "on_run_end"}), HookFailed, "hook on_run_end"),
]


@pytest.mark.parametrize(("kind", "details", "cls", "said"), PAYLOADS)
def test_hostile_failure_details_still_give_the_typed_error(
    kind: str, details: tuple[Any, ...], cls: type[Exception], said: str
) -> None:
    err = run_error(ApplicationError("went wrong", *details, type=kind))
    assert isinstance(err, cls)
    assert said in str(err)
