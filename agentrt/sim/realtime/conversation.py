"""A session's conversation items and the model request they make: :class:`Conversation`.

Items are kept as the protocol's JSON objects (audio is not kept: only its transcript,
which is what the model reads). The model's request is the REST door's
``GetCompletionsRequest``: the instructions as the system message, user text and audio
transcripts, the assistant's answers, its function calls and their outputs, the
session's tools. At most :data:`MAX_ITEMS` items are kept: older ones are forgotten,
as a context window forgets them.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from agentrt_protos.xai.api.v1 import chat_pb2

from agentrt.sim.realtime.config import SessionConfig
from agentrt.sim.realtime.protocol import EventError, new_id, pcm_of
from agentrt.sim.rest.tools_json import add_tool_choice, add_tools

__all__ = [
    "MAX_ITEMS",
    "MAX_TEXT_CHARS",
    "Conversation",
    "client_audio",
    "client_item",
    "item_text",
]

MAX_ITEMS = 500
"""Items a conversation keeps."""
MAX_TEXT_CHARS = 100_000
"""The longest text one item may carry."""
_ROLES = {
    "user": chat_pb2.ROLE_USER,
    "assistant": chat_pb2.ROLE_ASSISTANT,
    "system": chat_pb2.ROLE_SYSTEM,
}
_TEXT_PARTS = ("input_text", "output_text", "text")
_AUDIO_PARTS = ("input_audio", "output_audio", "audio")


def item_text(item: dict[str, Any]) -> str:
    """The text of a message item: its text parts and audio transcripts, joined."""
    parts = []
    for part in item.get("content") or ():
        value = part.get("text") if part.get("type") in _TEXT_PARTS else part.get("transcript")
        if value:
            parts.append(value)
    return " ".join(parts)


class Conversation:
    """The items of one session, oldest first."""

    def __init__(self) -> None:
        self.items: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self.audio_ms: dict[str, float] = {}  # how long each spoken answer lasts (truncate)

    def add(self, item: dict[str, Any], previous_item_id: str | None = None) -> str | None:
        """Append ``item``; the id of the item before it (``None`` when first)."""
        if previous_item_id is not None and previous_item_id not in self.items:
            raise EventError(
                f"previous_item_id {previous_item_id[:64]!r} is not in the conversation",
                param="previous_item_id",
            )
        before = next(reversed(self.items), None)
        self.items[item["id"]] = item
        while len(self.items) > MAX_ITEMS:
            gone, _ = self.items.popitem(last=False)
            self.audio_ms.pop(gone, None)
        return before

    def get(self, item_id: Any) -> dict[str, Any]:
        """The item ``item_id``."""
        item = self.items.get(item_id) if isinstance(item_id, str) else None
        if item is None:
            raise EventError(
                f"item_id {str(item_id)[:64]!r} is not in the conversation", param="item_id"
            )
        return item

    def delete(self, item_id: Any) -> None:
        """Forget the item ``item_id``."""
        self.get(item_id)
        del self.items[item_id]
        self.audio_ms.pop(item_id, None)

    def request(self, config: SessionConfig, instructions: str) -> chat_pb2.GetCompletionsRequest:
        """The model request the conversation makes under ``config``."""
        request = chat_pb2.GetCompletionsRequest(model=config.model)
        if instructions:
            request.messages.add(role=chat_pb2.ROLE_SYSTEM).content.add(text=instructions)
        add_tools(request, list(config.tools))
        add_tool_choice(request, config.tool_choice)
        if config.temperature is not None:
            request.temperature = config.temperature
        if config.max_output_tokens is not None:
            request.max_tokens = config.max_output_tokens
        last: chat_pb2.Message | None = None
        for item in self.items.values():
            last = _add_item(request, item, last)
        return request


def _add_item(
    request: chat_pb2.GetCompletionsRequest, item: dict[str, Any], last: chat_pb2.Message | None
) -> chat_pb2.Message | None:
    kind = item["type"]
    if kind == "message":
        message = request.messages.add(role=_ROLES[item["role"]])
        message.content.add(text=item_text(item))
        return message
    if kind == "function_call":
        if last is None or last.role != chat_pb2.ROLE_ASSISTANT or last.content[0].text:
            last = request.messages.add(role=chat_pb2.ROLE_ASSISTANT)
            last.content.add(text="")
        call = last.tool_calls.add(
            id=item["call_id"], type=chat_pb2.TOOL_CALL_TYPE_CLIENT_SIDE_TOOL
        )
        call.function.name, call.function.arguments = item["name"], item["arguments"]
        return last
    message = request.messages.add(role=chat_pb2.ROLE_TOOL, tool_call_id=item["call_id"])
    message.content.add(text=item["output"])
    return message


def client_item(raw: Any) -> dict[str, Any]:
    """A ``conversation.item.create``'s item, checked, as the conversation keeps it.

    Raises:
        EventError: a field is missing, of the wrong type, or too long.
    """
    if not isinstance(raw, dict):
        raise EventError("item must be an object", param="item")
    kind = raw.get("type", "message")
    item_id = raw.get("id")
    if item_id is not None and (not isinstance(item_id, str) or not 0 < len(item_id) <= 64):
        raise EventError("item.id must be a string of 1 to 64 characters", param="item.id")
    base = {"id": item_id or new_id("item"), "object": "realtime.item", "status": "completed"}
    if kind == "message":
        return {**base, "type": "message", **_message(raw)}
    if kind == "function_call":
        fields = {k: _string(raw, k) for k in ("call_id", "name", "arguments")}
        return {**base, "type": "function_call", **fields}
    if kind == "function_call_output":
        fields = {k: _string(raw, k) for k in ("call_id", "output")}
        return {**base, "type": "function_call_output", **fields}
    raise EventError(
        f"item.type {str(kind)[:40]!r}: use message, function_call or function_call_output",
        param="item.type",
    )


def _string(raw: dict[str, Any], key: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or len(value) > MAX_TEXT_CHARS:
        raise EventError(
            f"item.{key} must be a string of at most {MAX_TEXT_CHARS:,} characters",
            param=f"item.{key}",
        )
    return value


def _message(raw: dict[str, Any]) -> dict[str, Any]:
    role = raw.get("role")
    if role not in _ROLES:
        raise EventError("item.role must be user, assistant or system", param="item.role")
    content = raw.get("content")
    if not isinstance(content, list) or not content:
        raise EventError("item.content must be a non-empty array of parts", param="item.content")
    parts = [_part(part, f"item.content[{i}]") for i, part in enumerate(content[:16])]
    return {"role": role, "content": parts}


def _part(part: Any, where: str) -> dict[str, Any]:
    if not isinstance(part, dict) or part.get("type") not in (*_TEXT_PARTS, *_AUDIO_PARTS):
        raise EventError(
            f"{where} must be an object of type input_text, input_audio or output_text",
            param=where,
        )
    if part["type"] in _TEXT_PARTS:
        return {"type": part["type"], "text": _string(part, "text")}
    transcript = part.get("transcript")
    if transcript is not None and not isinstance(transcript, str):
        raise EventError(f"{where}.transcript must be a string", param=f"{where}.transcript")
    return {"type": part["type"], "transcript": (transcript or "")[:MAX_TEXT_CHARS]}


def client_audio(raw: dict[str, Any]) -> list[tuple[int, bytes]]:
    """The audio of a checked client item's ``input_audio`` parts sent with no transcript.

    Raises:
        EventError: a part's ``audio`` is not base64 PCM16.
    """
    found = []
    for i, part in enumerate((raw.get("content") or [])[:16]):
        if part.get("type") == "input_audio" and part.get("audio") and not part.get("transcript"):
            found.append((i, pcm_of(part["audio"], f"item.content[{i}].audio")))
    return found
