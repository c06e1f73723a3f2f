"""What a realtime session is asked to be: :class:`SessionConfig`, sent as ``session.update``.

Audio is PCM16 little-endian mono at ``input_rate`` (what the client sends) and
``output_rate`` (what the server speaks), 24000 Hz by default. The voices are
xAI's: Ara (default), Rex, Sal, Eve and Leo.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from agentrt.errors import UsageError
from agentrt.xai.tool_specs import FunctionTool

__all__ = [
    "DEFAULT_RATE",
    "MAX_RATE",
    "MIN_RATE",
    "TRANSCRIPTION_MODEL",
    "VOICES",
    "SessionConfig",
    "check_rate",
]

VOICES = ("Ara", "Rex", "Sal", "Eve", "Leo")
DEFAULT_RATE = 24000
MIN_RATE = 8000
MAX_RATE = 48000
TRANSCRIPTION_MODEL = "whisper-1"
"""The input transcription model named in ``session.update`` (the GA protocol asks for one)."""


def check_rate(rate: object, what: str = "rate") -> int:
    """``rate`` when it is a whole number of Hz from 8000 to 48000.

    Raises:
        UsageError: it is not, saying the range.
    """
    if not isinstance(rate, int) or isinstance(rate, bool) or not MIN_RATE <= rate <= MAX_RATE:
        raise UsageError(
            f"{what} must be a whole number of Hz from {MIN_RATE} to {MAX_RATE} "
            f"(e.g. 24000), got {rate!r}"
        )
    return rate


@dataclass(frozen=True, kw_only=True)
class SessionConfig:
    """A realtime session's settings.

    Attributes:
        voice: Ara, Rex, Sal, Eve or Leo (any case; kept in its canonical case).
        instructions: the system prompt.
        tools: the functions the model may call.
        turn_detection: ``"server_vad"`` (the server hears turns end and answers) or
            ``None`` (push-to-talk: the client commits the audio and asks for a response).
        input_rate: Hz of the PCM16 audio the client sends.
        output_rate: Hz of the PCM16 audio the server sends back.
        transcribe_input: ask for transcripts of the user's audio (``InputTranscript``).
        temperature: sampling temperature, or ``None`` for the server's default.

    Raises:
        UsageError: an unknown voice, a rate outside 8000-48000 Hz, a bad setting.
    """

    voice: str = "Ara"
    instructions: str = ""
    tools: tuple[FunctionTool, ...] = ()
    turn_detection: Literal["server_vad"] | None = "server_vad"
    input_rate: int = DEFAULT_RATE
    output_rate: int = DEFAULT_RATE
    transcribe_input: bool = True
    temperature: float | None = None

    def __post_init__(self) -> None:
        by_lower = {v.lower(): v for v in VOICES}
        voice = by_lower.get(self.voice.lower()) if isinstance(self.voice, str) else None
        if voice is None:
            raise UsageError(f"voice must be one of {', '.join(VOICES)}, got {self.voice!r}")
        object.__setattr__(self, "voice", voice)
        if self.turn_detection not in ("server_vad", None):
            raise UsageError(
                f"turn_detection must be 'server_vad' or None (push-to-talk), "
                f"got {self.turn_detection!r}"
            )
        check_rate(self.input_rate, "input_rate")
        check_rate(self.output_rate, "output_rate")
        if not isinstance(self.instructions, str):
            raise UsageError("instructions must be a string")
        if not all(isinstance(t, FunctionTool) for t in self.tools):
            raise UsageError("tools must be FunctionTool values (agentrt.xai.tool_specs)")
        t = self.temperature
        if t is not None and (
            isinstance(t, bool) or not isinstance(t, int | float) or not 0 <= t <= 2
        ):
            raise UsageError(f"temperature must be from 0 to 2, got {t!r}")

    def to_json(self) -> dict[str, Any]:
        """The ``session`` object of a ``session.update`` event (GA realtime protocol)."""
        audio_in: dict[str, Any] = {
            "format": {"type": "audio/pcm", "rate": self.input_rate},
            "turn_detection": {"type": "server_vad"} if self.turn_detection else None,
        }
        # null, not absent, turns transcription off: an absent key leaves it as it was
        audio_in["transcription"] = (
            {"model": TRANSCRIPTION_MODEL} if self.transcribe_input else None
        )
        session: dict[str, Any] = {
            "type": "realtime",
            "instructions": self.instructions,
            "output_modalities": ["audio"],
            "audio": {
                "input": audio_in,
                "output": {
                    "format": {"type": "audio/pcm", "rate": self.output_rate},
                    "voice": self.voice,
                },
            },
            "tools": [_tool_json(t) for t in self.tools],
            "tool_choice": "auto",
        }
        if self.temperature is not None:
            session["temperature"] = self.temperature
        return session


def _tool_json(tool: FunctionTool) -> dict[str, Any]:
    return {
        "type": "function",
        "name": tool.name,
        "description": tool.description,
        "parameters": dict(tool.parameters),
    }
