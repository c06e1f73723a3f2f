"""What an agent run produced: :class:`RunResult`."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from agentrt.agents.approval import ApprovalRequired
    from agentrt.agents.dispatch import ToolCallRecord
    from agentrt.agents.fallback import Fallback
    from agentrt.xai.chat_response import Usage
    from agentrt.xai.messages import Message

__all__ = ["RepeatedToolCall", "RunResult"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True, kw_only=True)
class RepeatedToolCall:
    """The model asked for the same call (same name, same arguments) ``count`` times."""

    name: str
    arguments: str
    count: int


@dataclass(frozen=True, slots=True, kw_only=True)
class RunResult(Generic[T]):
    """The outcome of ``Agent.run()`` (also attached, partial, to an :class:`~agentrt.errors.AgentError`).

    Attributes:
        agent: the agent's name.
        run_id: this run's id.
        output: the final answer: text, or the validated object for structured output.
        text: the final answer's raw text.
        messages: the conversation without the instructions (pass the result back
            to ``run(..., history=result)`` to continue it).
        tool_calls: every tool call, in order, with arguments, result or error and duration.
        usage: token usage and cost (``usage.cost_usd``) summed over every model call,
            sub-agents included.
        turns: how many model calls the run made.
        response_ids: the model's response id of each turn.
        repeated_tool_calls: identical tool calls the model asked for more than once.
        duration: seconds the run took.
        outcome: ``None`` for a run that ended, or the
            :class:`~agentrt.agents.approval.ApprovalRequired` it paused at (``output`` is
            then ``None``: resume with ``Agent.resume``). Only agents with tools that
            ``needs_approval`` pause.
        fallbacks: the turns that moved to a fallback model (``Agent(models=...)``,
            :mod:`agentrt.agents.fallback`), in order; empty when none did.
    """

    agent: str
    run_id: str
    output: T
    text: str
    messages: tuple[Message, ...]
    tool_calls: tuple[ToolCallRecord, ...]
    usage: Usage
    turns: int
    response_ids: tuple[str, ...]
    repeated_tool_calls: tuple[RepeatedToolCall, ...] = ()
    duration: float = 0.0
    outcome: ApprovalRequired | None = None
    fallbacks: tuple[Fallback, ...] = ()

    @property
    def last_response_id(self) -> str:
        """The last turn's response id (``""`` before any turn)."""
        return self.response_ids[-1] if self.response_ids else ""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary: output, text, usage, turns, response ids, tool calls, and
        ``approval_required`` (the pending calls of a paused run, else ``None``)."""
        output: Any = self.output
        dump = getattr(output, "model_dump", None)
        if callable(dump):
            output = dump(mode="json")
        elif dataclasses.is_dataclass(output) and not isinstance(output, type):
            output = dataclasses.asdict(output)
        return {
            "agent": self.agent,
            "run_id": self.run_id,
            "output": output,
            "text": self.text,
            "turns": self.turns,
            "response_ids": list(self.response_ids),
            "usage": {
                "input_tokens": self.usage.prompt_tokens,
                "output_tokens": self.usage.completion_tokens,
                "reasoning_tokens": self.usage.reasoning_tokens,
                "total_tokens": self.usage.total_tokens,
                "cost_usd": self.usage.cost_usd,
            },
            "tool_calls": [
                {
                    "id": r.call_id,
                    "name": r.name,
                    "arguments": r.arguments,
                    "output": r.output,
                    "error": None if r.error is None else dataclasses.asdict(r.error),
                    "duration": r.duration,
                }
                for r in self.tool_calls
            ],
            "repeated_tool_calls": [dataclasses.asdict(r) for r in self.repeated_tool_calls],
            "duration": self.duration,
            # a paused run: the calls waiting for a decision (its state: outcome.state.to_json())
            "approval_required": None
            if self.outcome is None
            else [dataclasses.asdict(c) for c in self.outcome.calls],
            "fallbacks": [dataclasses.asdict(f) for f in self.fallbacks],
        }
