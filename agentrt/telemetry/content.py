"""Message content as GenAI-convention JSON strings, for opt-in content capture.

Used by the span recorders only when content capture is on (see
:mod:`agentrt.telemetry.tracing`). Requests are read from their protobuf form, so raw
``GetCompletionsRequest`` s are covered too. Nothing here raises on odd input:
malformed tool arguments stay the string the model wrote, values JSON cannot
encode become their ``str()``, and every result is cut at
:data:`~agentrt.telemetry.names.MAX_CONTENT_CHARS` with a ``…[truncated N chars]`` marker.
Secrets that tool definitions may carry (an MCP server's authorization and
headers) are never copied, and every string passes through the run's
:class:`~agentrt.telemetry.redaction.Redactions` (values from ``${ENV}``) first.
"""

from __future__ import annotations

import json
from typing import Any

from agentrt.telemetry.names import MAX_CONTENT_CHARS
from agentrt.telemetry.redaction import NO_REDACTIONS, Redactions

__all__ = [
    "dumps",
    "input_messages",
    "output_messages",
    "system_instructions",
    "tool_definitions",
    "truncate",
]

# MessageRole enum numbers of xai_api (chat.proto) -> convention roles.
_ROLES = {1: "user", 2: "assistant", 3: "system", 4: "tool", 5: "tool", 6: "system"}


def truncate(text: str, limit: int = MAX_CONTENT_CHARS) -> str:
    """``text``, or its first ``limit`` characters and a marker saying how much was cut."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}…[truncated {len(text) - limit} chars]"


def dumps(value: Any, shown: Redactions = NO_REDACTIONS) -> str:
    """Compact JSON of ``value`` (anything JSON cannot encode as its ``str()``), truncated.

    Every string in it is shown through ``shown`` first (before truncation can cut a secret).
    """
    try:
        text = json.dumps(
            shown.data(value),
            ensure_ascii=False,
            separators=(",", ":"),
            default=lambda v: shown.value(str(v)),
        )
    except Exception:  # e.g. a circular structure or a failing __str__
        text = json.dumps(shown.value(_safe_str(value)), ensure_ascii=False)
    return truncate(text)


def _safe_str(value: Any) -> str:
    try:
        return str(value)
    except Exception:
        return f"<unprintable {type(value).__name__}>"


def _arguments(raw: str) -> Any:
    """Tool call arguments as an object when they are JSON, else the raw text."""
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _parts(message: Any) -> list[dict[str, Any]]:
    parts: list[dict[str, Any]] = []
    if message.reasoning_content:
        parts.append({"type": "reasoning", "content": message.reasoning_content})
    for content in message.content:
        kind = content.WhichOneof("content")
        if kind == "text":
            if message.role == 5 and message.tool_call_id:
                parts.append(
                    {
                        "type": "tool_call_response",
                        "id": message.tool_call_id,
                        "response": content.text,
                    }
                )
            else:
                parts.append({"type": "text", "content": content.text})
        elif kind == "image_url":
            parts.append({"type": "uri", "modality": "image", "uri": content.image_url.image_url})
        elif kind == "file":
            parts.append({"type": "file", "file_id": content.file.file_id})
    for call in message.tool_calls:
        fn = call.function
        parts.append(
            {
                "type": "tool_call",
                "id": call.id,
                "name": fn.name,
                "arguments": _arguments(fn.arguments),
            }
        )
    return parts


def input_messages(request: Any, shown: Redactions = NO_REDACTIONS) -> str:
    """``gen_ai.input.messages`` of a ``GetCompletionsRequest``."""
    out = [{"role": _ROLES.get(m.role, "user"), "parts": _parts(m)} for m in request.messages]
    return dumps(out, shown)


def output_messages(response: Any, shown: Redactions = NO_REDACTIONS) -> str:
    """``gen_ai.output.messages`` of a :class:`~agentrt.xai.chat_response.ChatResponse`."""
    out = []
    for choice in response.choices:
        parts: list[dict[str, Any]] = []
        if choice.reasoning_content:
            parts.append({"type": "reasoning", "content": choice.reasoning_content})
        if choice.content:
            parts.append({"type": "text", "content": choice.content})
        for call in choice.tool_calls:
            parts.append(
                {
                    "type": "tool_call",
                    "id": call.id,
                    "name": call.name,
                    "arguments": _arguments(call.arguments),
                }
            )
        out.append({"role": "assistant", "parts": parts, "finish_reason": choice.finish_reason})
    return dumps(out, shown)


def system_instructions(text: str, shown: Redactions = NO_REDACTIONS) -> str:
    """``gen_ai.system_instructions`` for an agent's instructions."""
    return dumps([{"type": "text", "content": text}], shown)


def tool_definitions(request: Any, shown: Redactions = NO_REDACTIONS) -> str:
    """``gen_ai.tool.definitions`` of a ``GetCompletionsRequest`` (no secrets)."""
    out: list[dict[str, Any]] = []
    for tool in request.tools:
        kind = tool.WhichOneof("tool")
        if kind == "function":
            fn = tool.function
            out.append(
                {
                    "type": "function",
                    "name": fn.name,
                    "description": fn.description,
                    "parameters": _arguments(fn.parameters) if fn.parameters else {},
                }
            )
        elif kind == "mcp":
            out.append({"type": "mcp", "name": tool.mcp.server_label})
        elif kind:
            out.append({"type": kind})
    return dumps(out, shown)
