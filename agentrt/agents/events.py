"""What ``Agent.stream()`` yields: small, frozen, Literal-tagged values.

Match on ``event.type`` (or the class). Text and reasoning deltas come straight
from the model stream; tool and turn events come once per tool call and turn.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from agentrt.agents.approval import ApprovalRequired

if TYPE_CHECKING:
    from agentrt.agents.dispatch import ToolCallRecord
    from agentrt.agents.run_result import RunResult
    from agentrt.xai.chat_response import Usage

__all__ = [
    "AgentEvent",
    "ApprovalRequired",
    "ReasoningDelta",
    "RunFinished",
    "TextDelta",
    "ToolCallFinished",
    "ToolCallStarted",
    "TurnFinished",
]


@dataclass(frozen=True, slots=True)
class TextDelta:
    """A piece of the model's answer text, as it arrived."""

    text: str
    type: Literal["text_delta"] = "text_delta"


@dataclass(frozen=True, slots=True)
class ReasoningDelta:
    """A piece of the model's visible reasoning, as it arrived."""

    text: str
    type: Literal["reasoning_delta"] = "reasoning_delta"


@dataclass(frozen=True, slots=True, kw_only=True)
class ToolCallStarted:
    """The model asked for a tool call; it is about to be validated and run."""

    turn: int
    call_id: str
    name: str
    arguments: str
    type: Literal["tool_call_started"] = "tool_call_started"


@dataclass(frozen=True, slots=True, kw_only=True)
class ToolCallFinished:
    """A tool call ended, with its result or error (see :class:`ToolCallRecord`)."""

    turn: int
    record: ToolCallRecord
    type: Literal["tool_call_finished"] = "tool_call_finished"


@dataclass(frozen=True, slots=True, kw_only=True)
class TurnFinished:
    """One model call (and the tool calls it asked for) is done."""

    turn: int
    response_id: str
    finish_reason: str
    usage: Usage
    type: Literal["turn_finished"] = "turn_finished"


@dataclass(frozen=True, slots=True, kw_only=True)
class RunFinished:
    """The run is over; ``result`` is what ``Agent.run()`` would have returned."""

    result: RunResult[Any]
    type: Literal["run_finished"] = "run_finished"


AgentEvent = (
    TextDelta
    | ReasoningDelta
    | ToolCallStarted
    | ToolCallFinished
    | TurnFinished
    | RunFinished
    | ApprovalRequired
)
"""Any event ``Agent.stream()`` yields (a paused run's last is :class:`ApprovalRequired`)."""
