"""agentrt values as JSON-ready dicts and back: messages, tool calls, records, usage, events.

Durable runs keep their conversation in Temporal's history, which stores JSON;
these functions are the one place that decides how an agentrt value looks
there. Every ``encode_*`` has a ``decode_*`` that gives an equal value back
(a tool's returned ``value`` comes back as its JSON form).
"""

from __future__ import annotations

import base64
import dataclasses
from typing import TYPE_CHECKING, Any

from agentrt.agents.dispatch import ToolCallRecord, ToolErrorInfo
from agentrt.agents.events import (
    AgentEvent,
    TextDelta,
    ToolCallFinished,
    ToolCallStarted,
    TurnFinished,
)
from agentrt.agents.fallback import Fallback
from agentrt.agents.run_result import RepeatedToolCall, RunResult
from agentrt.xai.chat_response import Usage
from agentrt.xai.messages import Content, File, Image, Message, Text, ToolCall

if TYPE_CHECKING:
    from agentrt.durable.payloads import RunOutput

__all__ = [
    "decode_event",
    "decode_message",
    "decode_record",
    "decode_tool_call",
    "decode_usage",
    "encode_message",
    "encode_record",
    "encode_tool_call",
    "encode_usage",
    "jsonable",
    "run_result",
]


def jsonable(value: Any) -> Any:
    """``value`` as JSON-ready data (pydantic models, dataclasses, dates ... converted)."""
    from pydantic_core import to_jsonable_python

    return to_jsonable_python(value, fallback=str)


def encode_tool_call(call: ToolCall) -> dict[str, Any]:
    """A tool call as a dict."""
    return dataclasses.asdict(call)


def decode_tool_call(data: dict[str, Any]) -> ToolCall:
    """The tool call :func:`encode_tool_call` made."""
    return ToolCall(**data)


def _encode_part(part: Content) -> dict[str, Any]:
    if isinstance(part, Text):
        return {"text": part.text}
    if isinstance(part, Image):
        return {"image": dataclasses.asdict(part)}
    fields = dataclasses.asdict(part)
    fields["data"] = base64.b64encode(part.data).decode("ascii")
    return {"file": fields}


def _decode_part(data: dict[str, Any]) -> Content:
    if "text" in data:
        return Text(text=data["text"])
    if "image" in data:
        return Image(**data["image"])
    fields = dict(data["file"])
    fields["data"] = base64.b64decode(fields.get("data", ""))
    return File(**fields)


def encode_message(message: Message) -> dict[str, Any]:
    """A message as a dict (only the fields that are set)."""
    out: dict[str, Any] = {"role": message.role}
    if message.content:
        out["content"] = [_encode_part(p) for p in message.content]
    if message.name:
        out["name"] = message.name
    if message.tool_calls:
        out["tool_calls"] = [encode_tool_call(c) for c in message.tool_calls]
    if message.tool_call_id is not None:
        out["tool_call_id"] = message.tool_call_id
    if message.reasoning_content is not None:
        out["reasoning_content"] = message.reasoning_content
    if message.encrypted_content:
        out["encrypted_content"] = message.encrypted_content
    return out


def decode_message(data: dict[str, Any]) -> Message:
    """The message :func:`encode_message` made."""
    return Message(
        role=data["role"],
        content=tuple(_decode_part(p) for p in data.get("content", ())),
        name=data.get("name", ""),
        tool_calls=tuple(decode_tool_call(c) for c in data.get("tool_calls", ())),
        tool_call_id=data.get("tool_call_id"),
        reasoning_content=data.get("reasoning_content"),
        encrypted_content=data.get("encrypted_content", ""),
    )


def encode_usage(usage: Usage) -> dict[str, Any]:
    """Token usage as a dict."""
    out = dataclasses.asdict(usage)
    out["server_side_tools_used"] = list(usage.server_side_tools_used)
    return out


def decode_usage(data: dict[str, Any]) -> Usage:
    """The usage :func:`encode_usage` made."""
    fields = dict(data)
    fields["server_side_tools_used"] = tuple(fields.get("server_side_tools_used", ()))
    return Usage(**fields)


def encode_record(record: ToolCallRecord) -> dict[str, Any]:
    """A tool call record as a dict; ``value`` becomes JSON data, ``started`` is dropped."""
    return {
        "call_id": record.call_id,
        "name": record.name,
        "arguments": record.arguments,
        "parsed": None if record.parsed is None else jsonable(dict(record.parsed)),
        "value": jsonable(record.value),
        "output": record.output,
        "error": None if record.error is None else dataclasses.asdict(record.error),
        "turn": record.turn,
        "duration": record.duration,
    }


def decode_record(data: dict[str, Any]) -> ToolCallRecord:
    """The record :func:`encode_record` made (``started`` is 0.0: it meant another process's clock)."""
    error = data.get("error")
    return ToolCallRecord(
        call_id=data["call_id"],
        name=data["name"],
        arguments=data["arguments"],
        parsed=data.get("parsed"),
        value=data.get("value"),
        output=data["output"],
        error=None if error is None else ToolErrorInfo(**error),
        turn=data["turn"],
        started=0.0,
        duration=data.get("duration", 0.0),
    )


def decode_event(data: dict[str, Any]) -> AgentEvent:
    """An event the workflow recorded (see ``AgentWorkflow.events``) as an :mod:`agentrt.agents.events` value."""
    kind = data["type"]
    if kind == "text_delta":
        return TextDelta(data["text"])
    if kind == "tool_call_started":
        return ToolCallStarted(
            turn=data["turn"],
            call_id=data["call_id"],
            name=data["name"],
            arguments=data["arguments"],
        )
    if kind == "tool_call_finished":
        return ToolCallFinished(turn=data["turn"], record=decode_record(data["record"]))
    if kind == "turn_finished":
        return TurnFinished(
            turn=data["turn"],
            response_id=data["response_id"],
            finish_reason=data["finish_reason"],
            usage=decode_usage(data["usage"]),
        )
    raise ValueError(f"unknown durable event type {kind!r}")


def run_result(out: RunOutput) -> RunResult[Any]:
    """A durable run's output as a :class:`~agentrt.agents.run_result.RunResult` (output as JSON data)."""
    return RunResult(
        agent=out.agent,
        run_id=out.run_id,
        output=out.output,
        text=out.text,
        messages=tuple(decode_message(m) for m in out.messages),
        tool_calls=tuple(decode_record(r) for r in out.tool_calls),
        usage=decode_usage(out.usage),
        turns=out.turns,
        response_ids=tuple(out.response_ids),
        repeated_tool_calls=tuple(RepeatedToolCall(**r) for r in out.repeated_tool_calls),
        duration=out.duration,
        fallbacks=tuple(Fallback(**f) for f in out.fallbacks),
    )
