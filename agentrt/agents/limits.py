"""How far an agent run may go: :class:`Limits`, and what a run says when it hits one.

The texts and the repeated-call key are shared by the local loop
(:mod:`agentrt.agents.run_loop`) and the durable one (:mod:`agentrt.durable.workflow`),
so both runs say and count the same things.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from agentrt.errors import UsageError

__all__ = [
    "Limits",
    "canonical_arguments",
    "max_turns_message",
    "model_deadline_message",
    "repair_prompt",
    "timeout_message",
    "tool_loop_message",
    "unknown_tool_message",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class Limits:
    """The bounds of one agent run.

    Attributes:
        max_turns: model calls per run; one more raises
            :class:`~agentrt.errors.MaxTurnsExceeded` (with the partial result).
        timeout: the run's time budget in seconds (``None``: none). What is left is
            passed to every model and tool call; when it runs out, everything in
            flight is cancelled and :class:`~agentrt.errors.RunTimeout` is raised.
        max_tool_concurrency: tool calls of one turn that run at once.
        output_retries: repair turns for structured output that is not valid, before
            :class:`~agentrt.errors.OutputValidationError`.
        unknown_tool: ``"error"``: a call to a tool the agent lacks gets an error
            result the model can read; ``"raise"``: the run stops with
            :class:`~agentrt.errors.UnknownToolError`.
        max_identical_tool_calls: how often one identical call (same name, same
            arguments) may be made in a run before
            :class:`~agentrt.errors.ToolLoopDetected`; ``None``: only report repeats.
        max_tool_result_chars: characters of one tool result the model gets; a longer
            result is cut there, with a note saying so.
        max_input_tokens: prompt tokens the run's model calls may use in all (sub-agents
            included); ``None``: no limit. Passing it, or a next call estimated to pass
            it, raises :class:`~agentrt.errors.BudgetExceeded` (docs/budgets.md).
        max_output_tokens: output tokens (completion and reasoning) of the run in all.
        max_cost_usd: US dollars the run may cost, as the model service reports it.
        budget_scope: ``"run"``: the three budgets count this run only; ``"session"``:
            on a session run they count the session's stored turns too.
    """

    max_turns: int = 10
    timeout: float | None = None
    max_tool_concurrency: int = 8
    output_retries: int = 1
    unknown_tool: Literal["error", "raise"] = "error"
    max_identical_tool_calls: int | None = 3
    max_tool_result_chars: int = 200_000
    max_input_tokens: int | None = None
    max_output_tokens: int | None = None
    max_cost_usd: float | None = None
    budget_scope: Literal["run", "session"] = "run"

    def __post_init__(self) -> None:
        if self.max_turns < 1:
            raise UsageError(f"max_turns must be >= 1, got {self.max_turns}")
        if self.timeout is not None and not self.timeout > 0:
            raise UsageError(f"timeout must be > 0 seconds, got {self.timeout}")
        if self.max_tool_concurrency < 1:
            raise UsageError(f"max_tool_concurrency must be >= 1, got {self.max_tool_concurrency}")
        if self.output_retries < 0:
            raise UsageError(f"output_retries must be >= 0, got {self.output_retries}")
        if self.unknown_tool not in ("error", "raise"):
            raise UsageError(f"unknown_tool must be 'error' or 'raise', got {self.unknown_tool!r}")
        if self.max_tool_result_chars < 1:
            raise UsageError(
                f"max_tool_result_chars must be >= 1, got {self.max_tool_result_chars}"
            )
        if self.max_identical_tool_calls is not None and self.max_identical_tool_calls < 1:
            raise UsageError(
                f"max_identical_tool_calls must be >= 1 or None, got {self.max_identical_tool_calls}"
            )
        for name in ("max_input_tokens", "max_output_tokens", "max_cost_usd"):
            _check_budget(name, getattr(self, name))
        if self.budget_scope not in ("run", "session"):
            raise UsageError(f"budget_scope must be 'run' or 'session', got {self.budget_scope!r}")


def _check_budget(name: str, value: object) -> None:
    """A budget is None or a finite number > 0 (a token budget a whole number)."""
    if value is None:
        return
    whole = name != "max_cost_usd"
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or (whole and not isinstance(value, int))
    ):
        kind = "a whole number of tokens" if whole else "a number of US dollars"
        raise UsageError(f"{name} must be {kind} > 0 or None, got {value!r}")
    if not math.isfinite(value) or value <= 0:
        raise UsageError(f"{name} must be > 0 (and finite) or None, got {value!r}")


def max_turns_message(agent: str, max_turns: int) -> str:
    """Why a run stopped at ``max_turns`` without a final answer."""
    return (
        f"agent {agent!r} used its {max_turns} turns "
        "without a final answer; raise limits.max_turns or simplify the task"
    )


def timeout_message(
    agent: str, timeout: float | None, turn: int, *, caller_s: float | None = None
) -> str:
    """Why a run stopped in ``turn`` when its deadline ran out.

    Args:
        timeout: the run's own budget (``limits.timeout``), when that is what ran out.
        caller_s: the seconds the caller gave the run (a serve caller's gRPC deadline,
            a parent run, a ``budget()`` scope), when the caller's deadline came first.
    """
    if caller_s is not None:
        budget = f"the caller's deadline ({_seconds(caller_s)} s from the run's start)"
    elif timeout:
        budget = f"its {timeout:g} s budget"
    else:
        budget = "its deadline"
    return f"agent {agent!r} ran out of {budget} in turn {turn}"


def model_deadline_message(model: str, took: float, left: float | None, details: str) -> str:
    """Why one model call failed with DEADLINE_EXCEEDED (``left``: the run's time still left).

    With time left the call's deadline (the run's) had not passed: the server ended it.
    """
    if left is None:
        return f"the model call to {model} ran out of time after {_seconds(took)} s ({details})"
    return (
        f"the model call to {model} was ended by the server after {_seconds(took)} s, "
        f"with {_seconds(left)} s of the run's time left ({details})"
    )


def _seconds(value: float) -> str:
    """``0.0999`` → ``0.1``, ``1.35`` → ``1.35``, ``120.0`` → ``120``: to 10 ms."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def tool_loop_message(name: str, arguments: str, count: int) -> str:
    """Why a run stopped when the model asked for one call ``count`` times."""
    return (
        f"the model asked for {name}({arguments}) {count} times; "
        "raise limits.max_identical_tool_calls if that is intended"
    )


def unknown_tool_message(name: str, tools: Iterable[str]) -> str:
    """Why a run stopped when the model called ``name``, not one of ``tools`` (``unknown_tool="raise"``)."""
    known = ", ".join(tools) or "none"
    return f"the model called {name!r}, which is not a tool of this agent (tools: {known})"


def repair_prompt(reason: str) -> str:
    """The user turn asking the model again after its structured output failed for ``reason``."""
    return (
        f"Your answer is not valid: {reason}. Reply again with only a JSON value "
        "that matches the required schema, nothing else."
    )


# Made once: json.dumps(..., sort_keys=True, separators=...) builds an encoder per call.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"))
_DECODE = json.JSONDecoder().decode


def canonical_arguments(arguments: str) -> str:
    """Tool-call arguments in one spelling (sorted keys, no spaces), or as given if not JSON.

    Two calls with the same name and canonical arguments are the same call for
    ``max_identical_tool_calls``.
    """
    try:
        return _CANONICAL.encode(_DECODE(arguments))
    except ValueError:
        return arguments
