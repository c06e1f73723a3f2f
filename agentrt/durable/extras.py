"""Hooks and guardrails of a durable run, run by the worker (:func:`run_hook`, :func:`run_guard`).

They are user code, so they run only in activities, never in workflow code:
``on_run_start``, ``on_turn_start``, ``on_turn_end``, ``on_run_end`` and the input and
output guardrails each as one ``agentrt.run_extra`` activity; ``on_model_response``
inside the model-call activity; the tool guardrails, ``on_tool_start`` and
``on_tool_end`` inside the tool-call activity, around the tool. A hook that fails
raises ``ApplicationError`` typed ``HookFailed``, a guardrail that trips one typed
``GuardrailTripped``, neither retried; their first detail carries the hook's name,
or the guardrail's name, kind and reason, for :mod:`agentrt.durable.failures`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from temporalio.exceptions import ApplicationError

from agentrt.agents.guardrails import check
from agentrt.agents.hooks import HookRunner
from agentrt.errors import GuardrailTripped, HookFailed

if TYPE_CHECKING:
    from agentrt.agents.agent import Agent
    from agentrt.agents.tools import ToolContext

__all__ = ["run_guard", "run_hook"]


async def run_hook(agent: Agent[Any], name: str, ctx: ToolContext[Any], *args: Any) -> None:
    """Call ``agent``'s ``name`` hooks; a failure as a non-retryable ``HookFailed`` error."""
    hooks = HookRunner.of(agent.hooks, timeout=agent.hook_timeout)
    if hooks is None or not hooks.has(name):
        return
    try:
        await hooks.call(name, ctx, *args)
    except HookFailed as e:
        raise ApplicationError(
            str(e),
            {"hook": e.hook, "reason": str(e).removeprefix(f"hook {e.hook} failed: ")},
            type="HookFailed",
            non_retryable=True,
        ) from None


async def run_guard(agent: Agent[Any], kind: str, ctx: ToolContext[Any], value: Any) -> None:
    """Run ``agent``'s ``kind`` guardrails on ``value``; a trip as a ``GuardrailTripped`` error."""
    guards = agent.guards
    if guards is None:
        return
    found = {"input": guards.input, "output": guards.output, "tool": guards.tool}[kind]
    try:
        await check(kind, found, ctx, value)
    except GuardrailTripped as e:
        detail = {"guardrail": e.guardrail, "kind": e.kind, "reason": e.reason}
        raise ApplicationError(
            str(e), detail, type="GuardrailTripped", non_retryable=True
        ) from None
