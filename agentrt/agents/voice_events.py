"""What a live voice session yields (``async for out in live``): small frozen values.

Match on ``out.type`` (or the class). :class:`AudioOut` carries the PCM16 audio to
play (at the session's output rate); the others say what was heard and said, which
tools ran, when the user started speaking, and when a response ended.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from agentrt.agents.dispatch import ToolCallRecord

__all__ = [
    "AnswerTranscript",
    "AudioOut",
    "Interrupted",
    "ResponseFinished",
    "ToolFinished",
    "ToolStarted",
    "UserSpeaking",
    "UserTranscript",
    "VoiceNotice",
    "VoiceOutput",
]


@dataclass(frozen=True, slots=True)
class AudioOut:
    """Audio of the answer to play now: PCM16 mono at ``rate`` Hz."""

    response_id: str
    item_id: str
    audio: bytes = field(repr=False)
    rate: int
    type: Literal["audio"] = "audio"


@dataclass(frozen=True, slots=True)
class AnswerTranscript:
    """Text of the answer being spoken: a piece (``final=False``) or the item's whole text."""

    response_id: str
    text: str
    final: bool
    type: Literal["answer_transcript"] = "answer_transcript"


@dataclass(frozen=True, slots=True)
class UserTranscript:
    """What the user said (the server's transcript of a committed turn)."""

    item_id: str
    text: str
    type: Literal["user_transcript"] = "user_transcript"


@dataclass(frozen=True, slots=True)
class UserSpeaking:
    """The server heard the user start speaking (stop playing the answer)."""

    item_id: str
    type: Literal["user_speaking"] = "user_speaking"


@dataclass(frozen=True, slots=True, kw_only=True)
class ToolStarted:
    """The model asked for a tool call; it is about to be validated and run."""

    call_id: str
    name: str
    arguments: str
    type: Literal["tool_started"] = "tool_started"


@dataclass(frozen=True, slots=True, kw_only=True)
class ToolFinished:
    """A tool call ended; its output was sent back to the model."""

    record: ToolCallRecord
    type: Literal["tool_finished"] = "tool_finished"


@dataclass(frozen=True, slots=True, kw_only=True)
class Interrupted:
    """A response was cut short (barge-in): its audio was truncated at ``played_ms``."""

    response_id: str
    item_id: str
    played_ms: int
    type: Literal["interrupted"] = "interrupted"


@dataclass(frozen=True, slots=True, kw_only=True)
class ResponseFinished:
    """A response ended; ``final`` when it asked for no tool (the answer to the turn is done)."""

    response_id: str
    status: str
    usage: Mapping[str, Any]
    final: bool
    type: Literal["response_finished"] = "response_finished"


@dataclass(frozen=True, slots=True, kw_only=True)
class VoiceNotice:
    """An ``error`` event the server sent that did not end the session."""

    error_type: str
    code: str
    message: str
    type: Literal["notice"] = "notice"


VoiceOutput = (
    AudioOut
    | AnswerTranscript
    | UserTranscript
    | UserSpeaking
    | ToolStarted
    | ToolFinished
    | Interrupted
    | ResponseFinished
    | VoiceNotice
)
"""Anything a live voice session yields."""
