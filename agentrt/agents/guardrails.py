"""Guardrails: checks that stop a run, raising :class:`~agentrt.errors.GuardrailTripped`.

::

    async def no_secrets(ctx: RunContext[Deps], text: str) -> Trip | None:
        return Trip("asks for a password") if "password" in text else None

    agent = Agent(..., input_guardrails=[no_secrets], output_guardrails=[...], tool_guardrails=[...])

A guardrail is a sync or async ``(ctx, value) -> Trip | None``: ``value`` is the
input text (input guardrails: they run beside the first model call, and tripping
cancels it), the final output (output guardrails), or a call's arguments as parsed
JSON with ``ctx.tool_name`` set (tool guardrails: before the call runs). A guardrail
that raises trips (fail closed); the error's ``reason`` says what it raised.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from agentrt.errors import GuardrailTripped, UsageError

if TYPE_CHECKING:
    from agentrt.agents.tools import ToolContext

__all__ = ["Guardrail", "Guardrails", "Trip", "check", "race"]

R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Trip:
    """What a guardrail returns to stop the run."""

    reason: str


Guardrail = Callable[["ToolContext[Any]", Any], "Trip | Awaitable[Trip | None] | None"]


@dataclass(frozen=True, slots=True)
class Guardrails:
    """An agent's guardrails by kind."""

    input: tuple[Guardrail, ...] = ()
    output: tuple[Guardrail, ...] = ()
    tool: tuple[Guardrail, ...] = ()

    @classmethod
    def of(
        cls, input: Sequence[Guardrail], output: Sequence[Guardrail], tool: Sequence[Guardrail]
    ) -> Guardrails | None:
        """The guardrails, or ``None`` when there are none."""
        for g in (*input, *output, *tool):
            if not callable(g):
                raise UsageError(
                    f"guardrail {g!r} is not callable: pass (ctx, value) -> Trip | None"
                )
        if not (input or output or tool):
            return None
        return cls(tuple(input), tuple(output), tuple(tool))


async def _awaited(work: Awaitable[R]) -> R:
    return await work


def _name(g: Guardrail) -> str:
    return str(getattr(g, "__name__", type(g).__name__))


async def _one(kind: str, g: Guardrail, ctx: ToolContext[Any], value: Any) -> None:
    try:
        made = g(ctx, value)
        verdict = await made if inspect.isawaitable(made) else made
    except Exception as e:  # fail closed
        reason = f"the guardrail raised {type(e).__name__}: {str(e)[:500]}"
        raise GuardrailTripped(_name(g), reason, kind=kind) from e
    if isinstance(verdict, Trip):
        raise GuardrailTripped(_name(g), str(verdict.reason), kind=kind)
    if verdict is not None:
        raise GuardrailTripped(
            _name(g), f"it returned {type(verdict).__name__}, not Trip or None", kind=kind
        )


async def check(
    kind: str, guards: tuple[Guardrail, ...], ctx: ToolContext[Any], value: Any
) -> None:
    """Run ``guards`` on ``value`` one after another; the first trip raises."""
    for g in guards:
        await _one(kind, g, ctx, value)


async def race(
    guards: tuple[Guardrail, ...], ctx: ToolContext[Any], value: Any, work: Awaitable[R]
) -> R:
    """``work`` (the first model call) with the input guardrails beside it in one TaskGroup.

    A trip cancels ``work`` and the other guardrails, then raises GuardrailTripped;
    ``work`` is returned only when every guardrail passed.
    """
    try:
        async with asyncio.TaskGroup() as tg:
            task: asyncio.Task[R] = tg.create_task(_awaited(work))
            for g in guards:
                tg.create_task(_one("input", g, ctx, value))
    except BaseExceptionGroup as group:
        tripped = group.subgroup(GuardrailTripped)
        if tripped is not None:
            raise tripped.exceptions[0] from None
        first = group.exceptions[0]
        raise first from None
    return task.result()
