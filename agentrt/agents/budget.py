"""Token and cost budgets of a run: :class:`Budget`, checked around every model call.

:class:`~agentrt.agents.limits.Limits` names the budgets (``max_input_tokens``,
``max_output_tokens``, ``max_cost_usd``); a run that sets none gets no ``Budget``
(:func:`budget_for` returns ``None``) and the run loop pays one ``is None`` check
per turn. A run that sets one is checked twice per turn:

- after each model call: what the run has spent (its own calls, sub-agents' usage
  added through :meth:`agentrt.agents.run_loop.RunLoop.add_usage`, and, with
  ``budget_scope="session"``, the session's stored turns) is over a budget;
- before each model call: what it has spent plus an estimate of the next call
  would be over a budget.

The estimate of the next call (documented in docs/budgets.md):

- input tokens: the last call's ``prompt_tokens`` plus its ``completion_tokens``
  (its answer is in the next prompt) plus the text added since (tool results, a
  repair prompt) at 4 characters a token; before the first call, all the
  conversation's text at 4 characters a token. Images and files are not counted.
- output tokens: the mean output (completion + reasoning) of the run's calls so
  far; 0 before the first call.
- cost: those tokens at the mean price per token of the run's calls so far (the
  service reports a cost, not prices); 0 before the first call reports a cost.

Either check raises :class:`~agentrt.errors.BudgetExceeded` with the partial result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from agentrt.errors import BudgetExceeded
from agentrt.xai.chat_response import USD_PER_TICK, Usage
from agentrt.xai.messages import Text

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from agentrt.agents.limits import Limits
    from agentrt.xai.messages import Message

__all__ = [
    "CHARS_PER_TOKEN",
    "Breach",
    "Budget",
    "breach_message",
    "budget_for",
    "stored_usage",
    "text_tokens",
]

CHARS_PER_TOKEN = 4
"""Characters of text per token in the estimate of a call's prompt (English text, roughly)."""


def budget_for(limits: Limits) -> Budget | None:
    """The run's budget, or ``None`` when ``limits`` sets no token or cost budget."""
    if (
        limits.max_input_tokens is None
        and limits.max_output_tokens is None
        and limits.max_cost_usd is None
    ):
        return None
    return Budget(limits)


def stored_usage(usages: Iterable[Mapping[str, Any]]) -> Usage:
    """The sum of stored turns' usage (``SessionTurn.usage``; keys a turn lacks count 0)."""
    total = Usage()
    for u in usages:
        ticks = u.get("cost_in_usd_ticks")
        total = total + Usage(
            prompt_tokens=u.get("prompt_tokens") or 0,
            completion_tokens=u.get("completion_tokens") or 0,
            reasoning_tokens=u.get("reasoning_tokens") or 0,
            cost_in_usd_ticks=ticks if type(ticks) is int else None,
        )
    return total


class _Loop(Protocol):
    """What the checks read of :class:`agentrt.agents.run_loop.RunLoop` (it imports this module)."""

    @property
    def usage(self) -> Usage: ...
    @property
    def messages(self) -> list[Message]: ...
    @property
    def turns(self) -> int: ...
    @property
    def setup(self) -> Any: ...
    def partial(self) -> Any: ...


Spend = tuple[int, int, float]
"""Input tokens, output tokens (completion + reasoning), US dollars."""
_NOTHING: Spend = (0, 0, 0.0)
_NAMES = ("max_input_tokens", "max_output_tokens", "max_cost_usd")


class Breach(NamedTuple):
    """A budget a run passed (``estimated``: ``None``), or would pass with its next call."""

    limit: str
    budget: float
    spent: float
    estimated: float | None


@dataclass(slots=True)
class Budget:
    """One run's budgets and what its model calls have shown so far.

    The local loop uses :meth:`before_turn` and :meth:`after_call`; the durable
    workflow (plain dicts, no ``RunLoop``) uses :meth:`took` and :meth:`check`.
    """

    limits: Limits
    base: Usage = field(default_factory=Usage)  # spent before the run (budget_scope="session")
    calls: int = 0  # this run's own model calls
    tokens: int = 0  # their input + output tokens
    output: int = 0  # their output tokens
    ticks: int = 0  # their cost, in ticks
    last_prompt: int = 0
    last_completion: int = 0
    seen: int = 0  # messages[:seen] were in the last call's prompt or answer

    def spent(self, usage: Usage) -> Spend:
        """What counts against the budgets: ``usage`` (the run's) plus :attr:`base`."""
        u = self.base + usage
        return u.prompt_tokens, u.completion_tokens + u.reasoning_tokens, u.cost_usd

    def took(self, usage: Usage, seen: int) -> None:
        """Count one model call of this run; ``seen``: the messages it saw and its answer."""
        out = usage.completion_tokens + usage.reasoning_tokens
        self.calls += 1
        self.tokens += usage.prompt_tokens + out
        self.output += out
        self.ticks += usage.cost_in_usd_ticks or 0
        self.last_prompt, self.last_completion = usage.prompt_tokens, usage.completion_tokens
        self.seen = seen

    def estimate(self, added: int) -> Spend:
        """The next call's need; ``added``: tokens of the text added since the last call."""
        if self.calls:
            est_in = self.last_prompt + self.last_completion + added
            est_out = self.output // self.calls
        else:
            est_in, est_out = added, 0
        price = self.ticks * USD_PER_TICK / self.tokens if self.tokens else 0.0
        return est_in, est_out, (est_in + est_out) * price

    def check(self, spent: Spend, est: Spend = _NOTHING) -> Breach | None:
        """The first budget ``spent`` plus ``est`` passes, or ``None``."""
        lim = self.limits
        budgets = (lim.max_input_tokens, lim.max_output_tokens, lim.max_cost_usd)
        for name, budget, have, need in zip(_NAMES, budgets, spent, est, strict=True):
            if budget is not None and have + need > budget:
                return Breach(name, budget, have, need if need else None)
        return None

    def before_turn(self, loop: _Loop) -> None:
        """Raise when what was spent, or that plus the next call's estimate, passes a budget."""
        spent = self.spent(loop.usage)
        breach = self.check(spent)
        if breach is None:
            breach = self.check(spent, self.estimate(text_tokens(loop.messages[self.seen :])))
        if breach is not None:
            raise _exceeded(loop, breach)

    def after_call(self, loop: _Loop, usage: Usage) -> None:
        """Take one model call's ``usage`` (already in ``loop.usage``); raise when over a budget."""
        self.took(usage, len(loop.messages))
        breach = self.check(self.spent(loop.usage))
        if breach is not None:
            raise _exceeded(loop, breach)


def _exceeded(loop: _Loop, breach: Breach) -> BudgetExceeded:
    return BudgetExceeded(
        breach_message(loop.setup.agent, loop.turns, breach),
        limit=breach.limit,
        budget=breach.budget,
        spent=breach.spent,
        estimated=breach.estimated,
        result=loop.partial(),
    )


def breach_message(agent: str, turns: int, breach: Breach) -> str:
    """Why a run of ``agent`` stopped after ``turns`` turns at ``breach`` (one line)."""
    name, budget, spent, estimated = breach
    over = f"over limits.{name} ({_amount(name, budget)}); raise the limit or simplify the task"
    if estimated is None:
        return (
            f"agent {agent!r} spent {_amount(name, spent)} in {turns} "
            f"turn{'s' * (turns != 1)}, {over}"
        )
    return (
        f"agent {agent!r} stopped before turn {turns + 1}: it spent {_amount(name, spent)} "
        f"and the next model call needs about {_amount(name, estimated)} more, {over}"
    )


def _amount(name: str, value: float) -> str:
    if name == "max_cost_usd":
        return f"${value:,.10f}".rstrip("0").rstrip(".")  # a tick is 1e-10 USD
    kind = "input" if name == "max_input_tokens" else "output"
    return f"{int(value):,} {kind} tokens"


def text_tokens(messages: Iterable[Message]) -> int:
    """The estimated prompt tokens of ``messages``' text (and tool calls' arguments)."""
    chars = 0
    for m in messages:
        for part in m.content:
            if type(part) is Text:
                chars += len(part.text)
        for call in m.tool_calls:
            chars += len(call.name) + len(call.arguments)
    return -(-chars // CHARS_PER_TOKEN)
