"""The body of ``POST /v1/realtime/client_secrets``, checked: :func:`mint_request`.

OpenAI's GA shape: ``{"expires_after": {"anchor": "created_at", "seconds": N},
"session": {...}}`` (N from 10 to 7200, default 600; ``session`` optional), plus
two extension fields of this server: ``agent`` (a served agent whose
instructions and function tools fill the session) and ``variables`` (values for
its ``{placeholders}``). The session fields this server takes are listed in
:data:`SESSION_FIELDS`; any other is refused by name, so a typo is never
silently dropped. Every refusal is a 400 naming the field at fault.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from agentrt.errors import UsageError
from agentrt.serve.rest.body import string_map
from agentrt.serve.rest.errors import ApiError
from agentrt.xai.realtime.config import VOICES, check_rate
from agentrt.xai.realtime.service import MAX_TOKEN_SECONDS, MIN_TOKEN_SECONDS
from agentrt.xai.tool_specs import FunctionTool

__all__ = ["BODY_FIELDS", "DEFAULT_SECONDS", "SESSION_FIELDS", "MintRequest", "mint_request"]

DEFAULT_SECONDS = 600
BODY_FIELDS = ("expires_after", "session", "agent", "variables")
SESSION_FIELDS = ("type", "model", "instructions", "tools", "temperature", "audio")
_AUDIO_FIELDS = {
    "input": ("format", "turn_detection", "transcription"),
    "output": ("format", "voice"),
}
_MAX_NAME = 256


@dataclass(frozen=True, kw_only=True)
class MintRequest:
    """What a caller asks to mint.

    Attributes:
        seconds: the token's lifetime.
        model: the realtime model to bind (``None``: the upstream's default).
        settings: ``SessionConfig`` keyword arguments from the caller's session.
        agent: the served agent to fill the session from, if any.
        variables: the agent's ``{placeholder}`` values.
    """

    seconds: int = DEFAULT_SECONDS
    model: str | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    agent: str | None = None
    variables: dict[str, str] = field(default_factory=dict)


def _bad(param: str, what: str) -> ApiError:
    return ApiError(400, f"'{param}' {what}", param=param, code="invalid_value")


def _unknown(where: str, given: Mapping[str, Any], known: tuple[str, ...]) -> None:
    for key in given:
        if key not in known:
            name = f"{where}.{key}" if where else str(key)
            raise _bad(name[:200], f"is not a field this server takes ({', '.join(known)})")


def _object(value: Any, param: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _bad(param, "must be an object")
    return value


def _seconds(body: Mapping[str, Any]) -> int:
    raw = body.get("expires_after")
    if raw is None:
        return DEFAULT_SECONDS
    expires = _object(raw, "expires_after")
    _unknown("expires_after", expires, ("anchor", "seconds"))
    if expires.get("anchor", "created_at") != "created_at":
        raise _bad("expires_after.anchor", "must be 'created_at'")
    seconds = expires.get("seconds", DEFAULT_SECONDS)
    if (
        isinstance(seconds, bool)
        or not isinstance(seconds, int)
        or not MIN_TOKEN_SECONDS <= seconds <= MAX_TOKEN_SECONDS
    ):
        raise _bad(
            "expires_after.seconds",
            f"must be a whole number of seconds from {MIN_TOKEN_SECONDS} to {MAX_TOKEN_SECONDS}",
        )
    return seconds


def _name(value: Any, param: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > _MAX_NAME:
        raise _bad(param, f"must be a non-empty string of at most {_MAX_NAME} characters")
    return value


def _tool(raw: Any, index: int) -> FunctionTool:
    param = f"session.tools[{index}]"
    tool = _object(raw, param)
    _unknown(param, tool, ("type", "name", "description", "parameters"))
    if tool.get("type", "function") != "function":
        raise _bad(f"{param}.type", "must be 'function' (the realtime API calls functions only)")
    description = tool.get("description", "")
    if not isinstance(description, str):
        raise _bad(f"{param}.description", "must be a string")
    parameters = tool.get("parameters", {"type": "object", "properties": {}})
    return FunctionTool(
        name=_name(tool.get("name"), f"{param}.name"),
        description=description,
        parameters=_object(parameters, f"{param}.parameters"),
    )


def _rate(fmt: Any, param: str) -> int | None:
    fmt = _object(fmt, param)
    _unknown(param, fmt, ("type", "rate"))
    if fmt.get("type", "audio/pcm") != "audio/pcm":
        raise _bad(f"{param}.type", "must be 'audio/pcm' (PCM16 mono)")
    if "rate" not in fmt:
        return None
    try:
        return check_rate(fmt["rate"], f"{param}.rate")
    except UsageError as exc:
        raise ApiError(400, str(exc), param=f"{param}.rate", code="invalid_value") from None


def _audio(raw: Any, settings: dict[str, Any]) -> None:
    audio = _object(raw, "session.audio")
    _unknown("session.audio", audio, tuple(_AUDIO_FIELDS))
    for side, known in _AUDIO_FIELDS.items():
        if audio.get(side) is None:
            continue
        param = f"session.audio.{side}"
        part = _object(audio[side], param)
        _unknown(param, part, known)
        if part.get("format") is not None:
            rate = _rate(part["format"], f"{param}.format")
            if rate is not None:
                settings[f"{side}_rate"] = rate
        if "voice" in part:
            voice = part["voice"]
            canonical = {v.lower(): v for v in VOICES}.get(str(voice).lower())
            if not isinstance(voice, str) or canonical is None:
                raise _bad(f"{param}.voice", f"must be one of {', '.join(VOICES)}")
            settings["voice"] = canonical
        if "turn_detection" in part:
            settings["turn_detection"] = _turn_detection(part["turn_detection"])
        if "transcription" in part:
            settings["transcribe_input"] = part["transcription"] is not None


def _turn_detection(raw: Any) -> str | None:
    if raw is None:
        return None  # push-to-talk
    detection = _object(raw, "session.audio.input.turn_detection")
    if detection.get("type") != "server_vad":
        raise _bad(
            "session.audio.input.turn_detection.type",
            "must be 'server_vad' (or send turn_detection null for push-to-talk)",
        )
    return "server_vad"


def _session(raw: Any) -> tuple[str | None, dict[str, Any]]:
    """The model and the SessionConfig settings of the caller's ``session``."""
    if raw is None:
        return None, {}
    session = _object(raw, "session")
    _unknown("session", session, SESSION_FIELDS)
    if session.get("type", "realtime") != "realtime":
        raise _bad("session.type", "must be 'realtime' (transcription sessions are not served)")
    model = None if session.get("model") is None else _name(session["model"], "session.model")
    settings: dict[str, Any] = {}
    if session.get("instructions") is not None:
        if not isinstance(session["instructions"], str):
            raise _bad("session.instructions", "must be a string")
        settings["instructions"] = session["instructions"]
    if session.get("tools") is not None:
        if not isinstance(session["tools"], list):
            raise _bad("session.tools", "must be a list of function tools")
        settings["tools"] = tuple(_tool(t, i) for i, t in enumerate(session["tools"]))
    temperature = session.get("temperature")
    if temperature is not None:
        if isinstance(temperature, bool) or not isinstance(temperature, int | float):
            raise _bad("session.temperature", "must be a number from 0 to 2")
        if not 0 <= temperature <= 2:
            raise _bad("session.temperature", "must be a number from 0 to 2")
        settings["temperature"] = temperature
    if session.get("audio") is not None:
        _audio(session["audio"], settings)
    return model, settings


def mint_request(body: Mapping[str, Any]) -> MintRequest:
    """The mint ``body`` asks for.

    Raises:
        ApiError: 400 naming the field at fault.
    """
    _unknown("", body, BODY_FIELDS)
    seconds = _seconds(body)
    model, settings = _session(body.get("session"))
    agent = body.get("agent")
    if agent is not None:
        agent = _name(agent, "agent")
        if settings.get("tools"):
            raise _bad("session.tools", "must be left out with 'agent': the agent's tools are used")
    elif body.get("variables") is not None:
        raise _bad("variables", "needs 'agent' (they fill the agent's {placeholders})")
    return MintRequest(
        seconds=seconds,
        model=model,
        settings=settings,
        agent=agent,
        variables=string_map(body, "variables"),
    )
