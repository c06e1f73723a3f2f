"""What a voice run returns: :class:`VoiceResult`, and the adding up of realtime usage."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agentrt.agents.dispatch import ToolCallRecord

__all__ = ["VoiceResult", "add_usage"]


@dataclass(frozen=True, slots=True, kw_only=True)
class VoiceResult:
    """One spoken question answered (:meth:`~agentrt.agents.voice_agent.VoiceAgent.run_audio`).

    Attributes:
        audio: the spoken answer, PCM16 mono at ``rate`` Hz (every response's audio, in order).
        rate: the answer's sample rate (the session's output rate).
        transcript: the text of the spoken answer (every response's, joined by spaces).
        input_transcript: what the server heard the user say ("" if it sent no transcript).
        tool_calls: every tool call, in order, with its output and error.
        usage: the responses' ``usage`` objects added up (tokens by kind).
        time_to_first_audio_s: seconds from the end of the question (the last audio sent)
            to the first audio of the answer; ``None`` when no audio came.
        responses: how many responses the model made (one more per round of tool calls).
        duration: seconds the whole run took, connecting included.
    """

    audio: bytes = field(repr=False)
    rate: int
    transcript: str
    input_transcript: str
    tool_calls: tuple[ToolCallRecord, ...]
    usage: Mapping[str, Any]
    time_to_first_audio_s: float | None
    responses: int = 0
    duration: float = 0.0

    def __repr__(self) -> str:
        return (
            f"VoiceResult(transcript={self.transcript!r}, audio_s={self.audio_seconds:.2f}, "
            f"tool_calls={len(self.tool_calls)}, responses={self.responses})"
        )

    @property
    def audio_seconds(self) -> float:
        """How long the spoken answer lasts."""
        return len(self.audio) / 2 / self.rate if self.rate else 0.0


def add_usage(total: dict[str, Any], more: Mapping[str, Any]) -> None:
    """Add the numbers of one response's ``usage`` into ``total`` (nested objects too)."""
    for key, value in more.items():
        if isinstance(value, bool):
            continue
        if isinstance(value, int | float):
            before = total.get(key, 0)
            total[key] = (before if isinstance(before, int | float) else 0) + value
        elif isinstance(value, Mapping):
            inner = total.get(key)
            if not isinstance(inner, dict):
                inner = total[key] = {}
            add_usage(inner, value)
