"""Messages as JSON-ready dicts and back, checked on the way in.

Sessions (:mod:`agentrt.agents.session`) and paused runs
(:mod:`agentrt.agents.run_state`) keep conversations outside the process, in a
file, a database or a caller's hands; what comes back may have been edited, so
:func:`message_from_json` checks every field and raises a one-line
:class:`~agentrt.errors.UsageError` naming the field, never a ``KeyError``.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any, cast

from agentrt.errors import UsageError
from agentrt.xai.messages import Content, File, Image, Message, Role, Text, ToolCall

__all__ = ["message_from_json", "message_to_json", "messages_from_json", "messages_to_json"]

_ROLES = frozenset({"system", "developer", "user", "assistant", "tool"})
_DETAILS = frozenset({"auto", "low", "high"})


def message_to_json(message: Message) -> dict[str, Any]:
    """``message`` as a dict of JSON values (only the fields that are set)."""
    out: dict[str, Any] = {"role": message.role}
    if message.content:
        out["content"] = [_part_to_json(p) for p in message.content]
    if message.name:
        out["name"] = message.name
    if message.tool_calls:
        out["tool_calls"] = [_call_to_json(c) for c in message.tool_calls]
    if message.tool_call_id is not None:
        out["tool_call_id"] = message.tool_call_id
    if message.reasoning_content is not None:
        out["reasoning_content"] = message.reasoning_content
    if message.encrypted_content:
        out["encrypted_content"] = message.encrypted_content
    return out


def messages_to_json(messages: tuple[Message, ...] | list[Message]) -> list[dict[str, Any]]:
    """Each of ``messages`` as :func:`message_to_json` makes it."""
    return [message_to_json(m) for m in messages]


def message_from_json(data: Any, where: str = "message") -> Message:
    """The message :func:`message_to_json` made.

    Raises:
        UsageError: ``data`` is not such a message (the error names the field).
    """
    d = _obj(data, where)
    role = d.get("role")
    if role not in _ROLES:
        raise UsageError(f"{where}.role: {role!r} is not one of {sorted(_ROLES)}")
    content = tuple(
        _part_from_json(p, f"{where}.content[{i}]")
        for i, p in enumerate(_list(d.get("content", []), f"{where}.content"))
    )
    calls = tuple(
        _call_from_json(c, f"{where}.tool_calls[{i}]")
        for i, c in enumerate(_list(d.get("tool_calls", []), f"{where}.tool_calls"))
    )
    return Message(
        role=cast("Role", role),
        content=content,
        name=_str(d.get("name", ""), f"{where}.name"),
        tool_calls=calls,
        tool_call_id=_opt_str(d.get("tool_call_id"), f"{where}.tool_call_id"),
        reasoning_content=_opt_str(d.get("reasoning_content"), f"{where}.reasoning_content"),
        encrypted_content=_str(d.get("encrypted_content", ""), f"{where}.encrypted_content"),
    )


def messages_from_json(data: Any, where: str = "messages") -> tuple[Message, ...]:
    """The messages :func:`messages_to_json` made (checked as :func:`message_from_json` does)."""
    return tuple(message_from_json(m, f"{where}[{i}]") for i, m in enumerate(_list(data, where)))


def _part_to_json(part: Content) -> dict[str, Any]:
    if isinstance(part, Text):
        return {"text": part.text}
    if isinstance(part, Image):
        return {"image": {"url": part.url, "file_id": part.file_id, "detail": part.detail}}
    return {
        "file": {
            "file_id": part.file_id,
            "data": base64.b64encode(part.data).decode("ascii"),
            "filename": part.filename,
            "mime_type": part.mime_type,
            "url": part.url,
        }
    }


def _part_from_json(data: Any, where: str) -> Content:
    d = _obj(data, where)
    if "text" in d:
        return Text(text=_str(d["text"], f"{where}.text"))
    if "image" in d:
        img = _obj(d["image"], f"{where}.image")
        detail = img.get("detail", "auto")
        if detail not in _DETAILS:
            raise UsageError(f"{where}.image.detail: {detail!r} is not auto, low or high")
        return Image(
            url=_str(img.get("url", ""), f"{where}.image.url"),
            file_id=_str(img.get("file_id", ""), f"{where}.image.file_id"),
            detail=detail,
        )
    if "file" in d:
        f = _obj(d["file"], f"{where}.file")
        try:
            raw = base64.b64decode(_str(f.get("data", ""), f"{where}.file.data"), validate=True)
        except binascii.Error:
            raise UsageError(f"{where}.file.data: not base64") from None
        return File(
            file_id=_str(f.get("file_id", ""), f"{where}.file.file_id"),
            data=raw,
            filename=_str(f.get("filename", ""), f"{where}.file.filename"),
            mime_type=_str(f.get("mime_type", ""), f"{where}.file.mime_type"),
            url=_str(f.get("url", ""), f"{where}.file.url"),
        )
    raise UsageError(f"{where}: a part needs text, image or file")


def _call_to_json(call: ToolCall) -> dict[str, Any]:
    out: dict[str, Any] = {"id": call.id, "name": call.name, "arguments": call.arguments}
    if call.type != "function":
        out["type"] = call.type
    if call.status != "completed":
        out["status"] = call.status
    if call.error_message is not None:
        out["error_message"] = call.error_message
    return out


def _call_from_json(data: Any, where: str) -> ToolCall:
    d = _obj(data, where)
    return ToolCall(
        id=_str(d.get("id"), f"{where}.id"),
        name=_str(d.get("name"), f"{where}.name"),
        arguments=_str(d.get("arguments"), f"{where}.arguments"),
        type=_str(d.get("type", "function"), f"{where}.type"),
        status=_str(d.get("status", "completed"), f"{where}.status"),
        error_message=_opt_str(d.get("error_message"), f"{where}.error_message"),
    )


def _obj(data: Any, where: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise UsageError(f"{where}: expected an object, got {type(data).__name__}")
    return data


def _list(data: Any, where: str) -> list[Any]:
    if not isinstance(data, list):
        raise UsageError(f"{where}: expected a list, got {type(data).__name__}")
    return data


def _str(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise UsageError(f"{where}: expected a string, got {type(value).__name__}")
    return value


def _opt_str(value: Any, where: str) -> str | None:
    return None if value is None else _str(value, where)
