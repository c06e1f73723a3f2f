"""OpenAI messages (chat) and input items (responses) as a run's input and history.

The last message must be the user's: its text is the run's input, everything
before it the run's history (an earlier conversation, sent back as OpenAI
clients do). A user message may carry pictures and files
(:mod:`agentrt.serve.rest.media_parts`); the others are text. Tool calls and their outputs from an earlier answer are
accepted back as history, so ``input += response.output`` works.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from agentrt.serve.rest.errors import ApiError
from agentrt.serve.rest.media_parts import content_parts
from agentrt.xai.messages import Content, Message, Text, ToolCall, assistant, tool_result

__all__ = ["MAX_ITEMS", "Given", "chat_messages", "response_input"]

MAX_ITEMS = 1000
"""Messages (or input items) one request may carry."""

Given = tuple[str, tuple[Message, ...], tuple[Content, ...]]
"""The run's input text, its history, and the pictures and files of the input."""

_TEXT_PARTS = frozenset({"text", "input_text", "output_text"})
_ROLES = frozenset({"system", "developer", "user", "assistant"})
_SKIPPED = frozenset({"reasoning"})  # an earlier answer's reasoning: not needed as history


def _bad(field: str, what: str) -> ApiError:
    return ApiError(400, f"'{field}' {what}", param=field, code="invalid_value")


def _string(item: dict[str, Any], key: str, field: str) -> str:
    value = item.get(key)
    if not isinstance(value, str):
        raise _bad(f"{field}.{key}", "must be a string")
    return value


def _text(content: Any, field: str) -> str:
    """The text of a message's content: a string, or a list of text parts."""
    if content is None or isinstance(content, str):
        return content or ""
    if not isinstance(content, list):
        raise _bad(field, "must be a string or a list of text parts")
    texts = []
    for i, part in enumerate(content):
        if (
            not isinstance(part, dict)
            or part.get("type") not in _TEXT_PARTS
            or not isinstance(part.get("text"), str)
        ):
            raise _bad(
                f"{field}[{i}]",
                'must be a text part, {"type": "text", "text": "..."} (this server takes text only)',
            )
        texts.append(part["text"])
    return "".join(texts)


def _items(value: Any, field: str) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not value:
        raise _bad(field, "must be a non-empty list")
    if len(value) > MAX_ITEMS:
        raise _bad(field, f"has {len(value)} entries; this server takes at most {MAX_ITEMS}")
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            raise _bad(f"{field}[{i}]", "must be an object")
    return value


def _role_message(item: dict[str, Any], field: str, roles: frozenset[str]) -> Message:
    role = item.get("role")
    if role not in roles:
        raise _bad(f"{field}.role", f"must be one of {', '.join(sorted(roles))}")
    content = item.get("content")
    if role == "user" and isinstance(content, list):
        return Message(role=role, content=content_parts(content, f"{field}.content"))
    text = _text(content, f"{field}.content")
    return Message(role=role, content=(Text(text=text),) if text else ())


def _chat_tool_calls(value: Any, field: str) -> tuple[ToolCall, ...]:
    if value is None:
        return ()
    calls = []
    for i, call in enumerate(_items(value, field)):
        function = call.get("function")
        if not isinstance(function, dict):
            raise _bad(f"{field}[{i}].function", "must be an object")
        where = f"{field}[{i}].function"
        calls.append(
            ToolCall(
                id=_string(call, "id", f"{field}[{i}]"),
                name=_string(function, "name", where),
                arguments=_string(function, "arguments", where),
            )
        )
    return tuple(calls)


def _chat_message(item: dict[str, Any], field: str) -> Message:
    role = item.get("role")
    if role == "tool":
        text = _text(item.get("content"), f"{field}.content")
        return tool_result(_string(item, "tool_call_id", field), text)
    if role == "assistant":
        calls = _chat_tool_calls(item.get("tool_calls"), f"{field}.tool_calls")
        return assistant(_text(item.get("content"), f"{field}.content"), tool_calls=calls)
    return _role_message(item, field, _ROLES | {"tool"})


def _split(messages: list[Message], field: str) -> Given:
    """The last message's text (a user's), its pictures and files, and the messages before it."""
    last = messages[-1] if messages else None
    if last is None or last.role != "user":
        raise _bad(field, "must end with a user message: its text is the run's input")
    media = tuple(p for p in last.content if not isinstance(p, Text))
    return last.text, tuple(messages[:-1]), media


def chat_messages(value: Any) -> Given:
    """The run's input and history from chat completions' ``messages``."""
    items = _items(value, "messages")
    messages = [_chat_message(item, f"messages[{i}]") for i, item in enumerate(items)]
    return _split(messages, "messages")


def _add_call(messages: list[Message], call: ToolCall) -> None:
    """A function call joins the assistant message before it (one turn, many calls)."""
    if messages and messages[-1].role == "assistant":
        last = messages[-1]
        messages[-1] = dataclasses.replace(last, tool_calls=(*last.tool_calls, call))
    else:
        messages.append(assistant(tool_calls=(call,)))


def _input_item(messages: list[Message], item: dict[str, Any], field: str) -> None:
    kind = item.get("type", "message")
    if kind == "message":
        messages.append(_role_message(item, field, _ROLES))
    elif kind == "function_call":
        call_id = _string(item, "call_id", field)
        name, arguments = _string(item, "name", field), _string(item, "arguments", field)
        _add_call(messages, ToolCall(id=call_id, name=name, arguments=arguments))
    elif kind == "function_call_output":
        output = _text(item.get("output"), f"{field}.output")
        messages.append(tool_result(_string(item, "call_id", field), output))
    elif kind not in _SKIPPED:
        raise _bad(
            f"{field}.type",
            "must be message, function_call, function_call_output or reasoning",
        )


def response_input(value: Any) -> Given:
    """The run's input and history from the Responses API's ``input``."""
    if isinstance(value, str):
        if not value:
            raise _bad("input", "must not be empty")
        return value, (), ()
    if value is None:
        raise ApiError(400, "'input' is required", param="input", code="missing_required")
    if not isinstance(value, list):
        raise _bad("input", "must be a string or a list of input items")
    messages: list[Message] = []
    for i, item in enumerate(_items(value, "input")):
        _input_item(messages, item, f"input[{i}]")
    return _split(messages, "input")
