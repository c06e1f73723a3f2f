"""The server events of a realtime session, typed, and the parser of one WebSocket message.

Every event is a frozen slotted dataclass. The events a voice app acts on have a
class of their own; any other well-formed event of the GA protocol (or a newer
one) is an :class:`OtherEvent` with its JSON, so nothing the server says is lost.

A malformed message (not JSON, not an object, no ``type``, a field of the wrong
type, audio that is not base64, a binary frame) never raises: it becomes one
:class:`ServerError` with ``type="client_error"`` and ``code="malformed_event"``
(see :data:`MALFORMED`), whose message says what was wrong, and the session goes on.
"""

from __future__ import annotations

import binascii
import json
from base64 import b64decode
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = [
    "MALFORMED",
    "AudioCommitted",
    "AudioDelta",
    "AudioDone",
    "Event",
    "FunctionCall",
    "FunctionCallDelta",
    "InputTranscript",
    "OtherEvent",
    "RateLimits",
    "ResponseCreated",
    "ResponseDone",
    "ServerError",
    "SessionUpdated",
    "SpeechStarted",
    "SpeechStopped",
    "TextDelta",
    "TextDone",
    "TranscriptDelta",
    "TranscriptDone",
    "malformed",
    "parse_event",
]

MALFORMED = "malformed_event"
"""The ``code`` of the :class:`ServerError` that stands for a message that could not be parsed."""


@dataclass(frozen=True, slots=True)
class SessionUpdated:
    """``session.updated``: the session as the server now has it (``session.created`` is an
    :class:`OtherEvent`: it is the server's default, not what was asked)."""

    session: dict[str, Any]


@dataclass(frozen=True, slots=True)
class SpeechStarted:
    """``input_audio_buffer.speech_started``: server VAD heard the user start (barge-in cue)."""

    item_id: str
    audio_start_ms: int


@dataclass(frozen=True, slots=True)
class SpeechStopped:
    """``input_audio_buffer.speech_stopped``: server VAD heard the user stop."""

    item_id: str
    audio_end_ms: int


@dataclass(frozen=True, slots=True)
class AudioCommitted:
    """``input_audio_buffer.committed``: the buffered audio became user item ``item_id``."""

    item_id: str


@dataclass(frozen=True, slots=True)
class InputTranscript:
    """``conversation.item.input_audio_transcription.completed``: what the user said."""

    item_id: str
    text: str


@dataclass(frozen=True, slots=True)
class ResponseCreated:
    """``response.created``: the model started answering."""

    response_id: str


@dataclass(frozen=True, slots=True)
class AudioDelta:
    """``response.output_audio.delta``: PCM16 mono at the session's output rate (decoded)."""

    response_id: str
    item_id: str
    audio: bytes

    def __repr__(self) -> str:  # kilobytes of samples help nobody reading a log
        return f"AudioDelta(response_id={self.response_id!r}, item_id={self.item_id!r}, audio=<{len(self.audio)} bytes>)"


@dataclass(frozen=True, slots=True)
class AudioDone:
    """``response.output_audio.done``: no more audio for this item."""

    response_id: str
    item_id: str


@dataclass(frozen=True, slots=True)
class TranscriptDelta:
    """``response.output_audio_transcript.delta``: text of the audio being spoken."""

    response_id: str
    item_id: str
    text: str


@dataclass(frozen=True, slots=True)
class TranscriptDone:
    """``response.output_audio_transcript.done``: the whole transcript of the item's audio."""

    response_id: str
    item_id: str
    text: str


@dataclass(frozen=True, slots=True)
class TextDelta:
    """``response.output_text.delta``: text output (a text-only response)."""

    response_id: str
    item_id: str
    text: str


@dataclass(frozen=True, slots=True)
class TextDone:
    """``response.output_text.done``: the whole text of the item."""

    response_id: str
    item_id: str
    text: str


@dataclass(frozen=True, slots=True)
class FunctionCallDelta:
    """``response.function_call_arguments.delta``: a piece of a call's JSON arguments."""

    response_id: str
    item_id: str
    call_id: str
    delta: str


@dataclass(frozen=True, slots=True)
class FunctionCall:
    """``response.function_call_arguments.done``: call ``name`` with JSON ``arguments``;
    answer with ``send_function_output(call_id, ...)``."""

    response_id: str
    item_id: str
    call_id: str
    name: str
    arguments: str


@dataclass(frozen=True, slots=True)
class ResponseDone:
    """``response.done``: ``status`` is completed, cancelled, failed or incomplete."""

    response_id: str
    status: str
    usage: dict[str, Any]


@dataclass(frozen=True, slots=True)
class RateLimits:
    """``rate_limits.updated``: each limit's ``name``, ``limit``, ``remaining``, ``reset_seconds``."""

    limits: tuple[dict[str, Any], ...]


@dataclass(frozen=True, slots=True)
class ServerError:
    """An ``error`` event (yielded, not raised: most leave the session usable), or a message
    that could not be parsed (``type="client_error"``, ``code="malformed_event"``)."""

    type: str
    code: str | None
    message: str


@dataclass(frozen=True, slots=True)
class OtherEvent:
    """Any other server event, as its JSON object."""

    type: str
    data: dict[str, Any]


Event = (
    SessionUpdated
    | SpeechStarted
    | SpeechStopped
    | AudioCommitted
    | InputTranscript
    | ResponseCreated
    | AudioDelta
    | AudioDone
    | TranscriptDelta
    | TranscriptDone
    | TextDelta
    | TextDone
    | FunctionCallDelta
    | FunctionCall
    | ResponseDone
    | RateLimits
    | ServerError
    | OtherEvent
)
"""Every event a :class:`~agentrt.xai.realtime.session.RealtimeSession` yields."""


class _Malformed(ValueError):
    """A field is missing or has the wrong type (its message says which)."""


def _str(data: dict[str, Any], key: str, default: str | None = None) -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        raise _Malformed(f"{key!r} must be a string")
    return value


def _int(data: dict[str, Any], key: str) -> int:
    value = data.get(key, 0)
    if not isinstance(value, int) or isinstance(value, bool):
        raise _Malformed(f"{key!r} must be an integer")
    return value


def _obj(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _Malformed(f"{key!r} must be an object")
    return value


def _audio(data: dict[str, Any]) -> bytes:
    try:
        return b64decode(_str(data, "delta"), validate=True)
    except (binascii.Error, ValueError) as exc:
        if isinstance(exc, _Malformed):
            raise
        raise _Malformed("'delta' is not base64 audio") from None


def _ids(data: dict[str, Any]) -> tuple[str, str]:
    return _str(data, "response_id", ""), _str(data, "item_id", "")


def _response(data: dict[str, Any]) -> dict[str, Any]:
    return _obj(data, "response")


def _response_done(d: dict[str, Any]) -> ResponseDone:
    r = _response(d)
    return ResponseDone(_str(r, "id", ""), _str(r, "status", "completed"), _obj(r, "usage"))


def _rate_limits(d: dict[str, Any]) -> RateLimits:
    limits = d.get("rate_limits", [])
    if not isinstance(limits, list) or not all(isinstance(x, dict) for x in limits):
        raise _Malformed("'rate_limits' must be a list of objects")
    return RateLimits(tuple(limits))


def _error(d: dict[str, Any]) -> ServerError:
    e = _obj(d, "error")
    code = e.get("code")
    return ServerError(
        _str(e, "type", "server_error"),
        None if code is None else str(code),
        _str(e, "message", ""),
    )


_PARSERS: dict[str, Callable[[dict[str, Any]], Event]] = {
    "session.updated": lambda d: SessionUpdated(_obj(d, "session")),
    "input_audio_buffer.speech_started": lambda d: SpeechStarted(
        _str(d, "item_id", ""), _int(d, "audio_start_ms")
    ),
    "input_audio_buffer.speech_stopped": lambda d: SpeechStopped(
        _str(d, "item_id", ""), _int(d, "audio_end_ms")
    ),
    "input_audio_buffer.committed": lambda d: AudioCommitted(_str(d, "item_id", "")),
    "conversation.item.input_audio_transcription.completed": lambda d: InputTranscript(
        _str(d, "item_id", ""), _str(d, "transcript", "")
    ),
    "response.created": lambda d: ResponseCreated(_str(_response(d), "id", "")),
    "response.output_audio.delta": lambda d: AudioDelta(*_ids(d), _audio(d)),
    "response.output_audio.done": lambda d: AudioDone(*_ids(d)),
    "response.output_audio_transcript.delta": lambda d: TranscriptDelta(
        *_ids(d), _str(d, "delta", "")
    ),
    "response.output_audio_transcript.done": lambda d: TranscriptDone(
        *_ids(d), _str(d, "transcript", "")
    ),
    "response.output_text.delta": lambda d: TextDelta(*_ids(d), _str(d, "delta", "")),
    "response.output_text.done": lambda d: TextDone(*_ids(d), _str(d, "text", "")),
    "response.function_call_arguments.delta": lambda d: FunctionCallDelta(
        *_ids(d), _str(d, "call_id", ""), _str(d, "delta", "")
    ),
    "response.function_call_arguments.done": lambda d: FunctionCall(
        *_ids(d), _str(d, "call_id"), _str(d, "name", ""), _str(d, "arguments", "{}")
    ),
    "response.done": _response_done,
    "rate_limits.updated": _rate_limits,
    "error": _error,
}


def malformed(why: str) -> ServerError:
    """The event standing for a message that could not be parsed."""
    return ServerError("client_error", MALFORMED, f"malformed server event: {why}")


def parse_event(raw: str | bytes) -> Event:
    """The typed event of one WebSocket text message (a :class:`ServerError` if malformed)."""
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return malformed("not JSON")
    if not isinstance(data, dict):
        return malformed("not a JSON object")
    kind = data.get("type")
    if not isinstance(kind, str) or not kind:
        return malformed("no 'type'")
    parser = _PARSERS.get(kind)
    if parser is None:
        return OtherEvent(kind, data)
    try:
        return parser(data)
    except _Malformed as exc:
        return malformed(f"{kind[:80]}: {exc}")
