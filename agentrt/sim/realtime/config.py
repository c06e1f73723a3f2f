"""A realtime session's settings and how ``session.update`` changes them: :class:`SessionConfig`.

The GA protocol's shape (``audio.input.format.rate``, ``audio.input.turn_detection``,
``audio.output.voice``, ``output_modalities``) and xAI's flat spellings (``voice``,
``turn_detection`` at the top) are both read. A bad field is one
:class:`~agentrt.sim.realtime.protocol.EventError` naming it; the settings are then left
as they were (an update applies whole or not at all).
"""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass, field, replace
from typing import Any

from agentrt_protos.xai.api.v1 import chat_pb2

from agentrt.sim.realtime.protocol import EventError
from agentrt.sim.rest.tools_json import add_tool_choice, add_tools
from agentrt.sim.status import SimStatus

__all__ = ["MAX_RATE", "MIN_RATE", "VOICES", "SessionConfig", "TurnDetection"]

VOICES = ("Ara", "Rex", "Sal", "Eve", "Leo")
"""xAI's voices; ``Ara`` is the default."""
MIN_RATE, MAX_RATE = 8000, 48000
"""The sample rates (Hz) a session may use, in and out."""
_MAX_INSTRUCTIONS = 100_000
_MAX_TOOLS = 128


@dataclass(frozen=True, slots=True)
class TurnDetection:
    """Server VAD's knobs (the protocol's names and defaults)."""

    threshold: float = 0.5
    prefix_padding_ms: int = 300
    silence_duration_ms: int = 500
    create_response: bool = True
    interrupt_response: bool = True

    def to_json(self) -> dict[str, Any]:
        """The ``turn_detection`` object."""
        return {
            "type": "server_vad",
            "threshold": self.threshold,
            "prefix_padding_ms": self.prefix_padding_ms,
            "silence_duration_ms": self.silence_duration_ms,
            "create_response": self.create_response,
            "interrupt_response": self.interrupt_response,
        }


@dataclass(frozen=True, slots=True)
class SessionConfig:
    """What a session is set to: voice, instructions, tools, turn detection, rates."""

    model: str
    voice: str = "Ara"
    instructions: str = ""
    tools: tuple[dict[str, Any], ...] = ()
    tool_choice: Any = "auto"
    turn_detection: TurnDetection | None = field(default_factory=TurnDetection)
    input_rate: int = 24000
    output_rate: int = 24000
    audio_out: bool = True  # output_modalities ["audio"] (else ["text"])
    transcribe: bool = True
    temperature: float | None = None
    max_output_tokens: int | None = None

    def updated(self, session: Any) -> SessionConfig:
        """These settings with ``session`` (a ``session.update``'s object) applied.

        Raises:
            EventError: a field is of the wrong type or out of range.
        """
        if not isinstance(session, dict):
            raise EventError("session must be an object", param="session")
        new = _top_level(self, session)
        audio = _obj(session, "audio", "session.audio")
        new = _audio_in(new, _obj(audio, "input", "session.audio.input"), session)
        new = _audio_out(new, _obj(audio, "output", "session.audio.output"), session)
        check_tools(new.tools, new.tool_choice)
        return new

    def to_json(self) -> dict[str, Any]:
        """The ``session`` object of ``session.created`` / ``session.updated``."""
        detection = None if self.turn_detection is None else self.turn_detection.to_json()
        transcription = {"model": "sim-pocketsphinx"} if self.transcribe else None
        return {
            "type": "realtime",
            "object": "realtime.session",
            "model": self.model,
            "output_modalities": ["audio"] if self.audio_out else ["text"],
            "instructions": self.instructions,
            "voice": self.voice,
            "turn_detection": detection,
            "audio": {
                "input": {
                    "format": {"type": "audio/pcm", "rate": self.input_rate},
                    "transcription": transcription,
                    "turn_detection": detection,
                },
                "output": {
                    "format": {"type": "audio/pcm", "rate": self.output_rate},
                    "voice": self.voice,
                },
            },
            "tools": [copy.deepcopy(t) for t in self.tools],
            "tool_choice": self.tool_choice,
            "temperature": self.temperature,
            "max_output_tokens": self.max_output_tokens or "inf",
        }


def check_tools(tools: tuple[dict[str, Any], ...], choice: Any) -> None:
    """Read ``tools`` and ``choice`` as the REST door does, to refuse bad ones now."""
    scratch = chat_pb2.GetCompletionsRequest(model="scratch")
    try:
        add_tools(scratch, list(tools))
        add_tool_choice(scratch, choice)
    except SimStatus as bad:
        raise EventError(f"session.{bad.details}", param="session.tools") from None


def _obj(parent: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    value = parent.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise EventError(f"{where} must be an object", param=where)
    return value


def _top_level(config: SessionConfig, session: dict[str, Any]) -> SessionConfig:
    new = config
    instructions = session.get("instructions")
    if instructions is not None:
        if not isinstance(instructions, str) or len(instructions) > _MAX_INSTRUCTIONS:
            raise EventError(
                f"session.instructions must be a string of at most {_MAX_INSTRUCTIONS:,} "
                "characters",
                param="session.instructions",
            )
        new = replace(new, instructions=instructions)
    tools = session.get("tools")
    if tools is not None:
        if not isinstance(tools, list) or len(tools) > _MAX_TOOLS:
            raise EventError(
                f"session.tools must be an array of at most {_MAX_TOOLS} tools",
                param="session.tools",
            )
        new = replace(new, tools=tuple(copy.deepcopy(tools)))
    if "tool_choice" in session:
        new = replace(new, tool_choice=session["tool_choice"])
    modalities = session.get("output_modalities", session.get("modalities"))
    if modalities is not None:
        new = replace(new, audio_out=audio_wanted(modalities, "session.output_modalities"))
    return _sampling(new, session)


def audio_wanted(modalities: Any, where: str) -> bool:
    """Whether ``output_modalities`` asks for audio (``["audio"]``) or text only."""
    if modalities in (["text"],):
        return False
    if modalities in (["audio"], ["audio", "text"], ["text", "audio"]):
        return True
    raise EventError(f'{where} must be ["audio"] or ["text"]', param=where)


def _sampling(config: SessionConfig, session: dict[str, Any]) -> SessionConfig:
    new = config
    temperature = session.get("temperature")
    if temperature is not None:
        if not isinstance(temperature, int | float) or not 0 <= temperature <= 2:
            raise EventError(
                "session.temperature must be a number from 0 to 2", param="session.temperature"
            )
        new = replace(new, temperature=float(temperature))
    limit = session.get("max_output_tokens", session.get("max_response_output_tokens"))
    if limit is not None:
        if limit == "inf":
            limit = None
        elif not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= 4096:
            raise EventError(
                'session.max_output_tokens must be an integer from 1 to 4096, or "inf"',
                param="session.max_output_tokens",
            )
        new = replace(new, max_output_tokens=limit)
    return new


def _audio_in(
    config: SessionConfig, audio: dict[str, Any], session: dict[str, Any]
) -> SessionConfig:
    new = config
    rate = _rate(_obj(audio, "format", "session.audio.input.format"), "input")
    if rate is not None:
        new = replace(new, input_rate=rate)
    if "transcription" in audio or "input_audio_transcription" in session:
        spec = audio.get("transcription", session.get("input_audio_transcription"))
        new = replace(new, transcribe=spec is not None)
    for where, holder in (("session.audio.input", audio), ("session", session)):
        if "turn_detection" in holder:
            new = replace(new, turn_detection=_turn(holder["turn_detection"], where))
            break
    return new


def _audio_out(
    config: SessionConfig, audio: dict[str, Any], session: dict[str, Any]
) -> SessionConfig:
    new = config
    rate = _rate(_obj(audio, "format", "session.audio.output.format"), "output")
    if rate is not None:
        new = replace(new, output_rate=rate)
    voice = audio.get("voice", session.get("voice"))
    if voice is not None:
        new = replace(new, voice=_voice(voice))
    return new


def _voice(voice: Any) -> str:
    if isinstance(voice, str):
        for name in VOICES:
            if name.lower() == voice.lower():
                return name
    raise EventError(
        f"voice {str(voice)[:40]!r} is not one of xAI's voices: use {', '.join(VOICES)}",
        param="session.audio.output.voice",
    )


def _rate(fmt: dict[str, Any], side: str) -> int | None:
    where = f"session.audio.{side}.format"
    kind = fmt.get("type")
    if kind is not None and kind not in ("audio/pcm", "pcm16"):
        raise EventError(f"{where}.type must be audio/pcm (PCM16 mono)", param=f"{where}.type")
    rate = fmt.get("rate")
    if rate is None:
        return None
    if not isinstance(rate, int) or isinstance(rate, bool) or not MIN_RATE <= rate <= MAX_RATE:
        raise EventError(
            f"{where}.rate must be an integer from {MIN_RATE} to {MAX_RATE} Hz (e.g. 24000)",
            param=f"{where}.rate",
        )
    return rate


_TURN_DEFAULTS = {f.name: f.default for f in dataclasses.fields(TurnDetection)}
"""What a ``turn_detection`` that leaves a knob out gets (the class is slotted: no class attributes)."""


def _turn(value: Any, where: str) -> TurnDetection | None:
    where = f"{where}.turn_detection"
    if value is None:
        return None
    if not isinstance(value, dict) or value.get("type") not in ("server_vad", "semantic_vad"):
        raise EventError(f"{where} must be null or {{'type': 'server_vad', ...}}", param=where)
    threshold = value.get("threshold", 0.5)
    if not isinstance(threshold, int | float) or not 0 <= threshold <= 1:
        raise EventError(f"{where}.threshold must be from 0 to 1", param=f"{where}.threshold")
    knobs: dict[str, Any] = {"threshold": float(threshold)}
    for key in ("prefix_padding_ms", "silence_duration_ms"):
        ms = value.get(key, _TURN_DEFAULTS[key])
        if not isinstance(ms, int) or isinstance(ms, bool) or not 0 <= ms <= 10_000:
            raise EventError(f"{where}.{key} must be from 0 to 10000 ms", param=f"{where}.{key}")
        knobs[key] = ms
    for key in ("create_response", "interrupt_response"):
        flag = value.get(key, True)
        if not isinstance(flag, bool):
            raise EventError(f"{where}.{key} must be a boolean", param=f"{where}.{key}")
        knobs[key] = flag
    return TurnDetection(**knobs)
