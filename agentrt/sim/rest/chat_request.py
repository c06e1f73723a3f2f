"""A ``/v1/chat/completions`` JSON body as the simulator's ``GetCompletionsRequest``.

The simulator has one model: the REST door reads a body into the same request the gRPC
door receives, so the answer, its checks and its errors are those of gRPC. What the
request does not carry (``stream``, ``stream_options``) comes back beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from agentrt_protos.xai.api.v1 import chat_pb2

from agentrt.sim.rest.body import BadRequest
from agentrt.sim.rest.content_json import content_parts
from agentrt.sim.rest.fields import array, boolean, integer, mapping, number, text, wrong
from agentrt.sim.rest.tools_json import add_response_format, add_tool_choice, add_tools

__all__ = ["EFFORTS", "ChatBody", "add_common", "chat_request", "require_model"]

_ROLES = {
    "user": chat_pb2.ROLE_USER,
    "assistant": chat_pb2.ROLE_ASSISTANT,
    "system": chat_pb2.ROLE_SYSTEM,
    "developer": chat_pb2.ROLE_DEVELOPER,
    "tool": chat_pb2.ROLE_TOOL,
    "function": chat_pb2.ROLE_FUNCTION,
}
EFFORTS = {
    "low": chat_pb2.EFFORT_LOW,
    "minimal": chat_pb2.EFFORT_LOW,
    "medium": chat_pb2.EFFORT_MEDIUM,
    "high": chat_pb2.EFFORT_HIGH,
    "none": chat_pb2.EFFORT_NONE,
    "xhigh": chat_pb2.EFFORT_XHIGH,
}
"""``reasoning_effort`` (chat) and ``reasoning.effort`` (responses) values."""


@dataclass(frozen=True, slots=True)
class ChatBody:
    """A chat completions body read: the model's request and how to answer it."""

    request: chat_pb2.GetCompletionsRequest
    stream: bool


def require_model(body: dict[str, Any]) -> str:
    """The body's ``model``, which every model call needs."""
    model = text(body, "model", "model")
    if not model:
        raise BadRequest("model is required (e.g. grok-4)", param="model")
    return model


def chat_request(body: dict[str, Any]) -> ChatBody:
    """Read a chat completions ``body``.

    Raises:
        BadRequest: a field is missing or of the wrong type.
    """
    request = chat_pb2.GetCompletionsRequest(model=require_model(body))
    messages = array(body, "messages", "messages")
    if not messages and not body.get("previous_response_id"):
        raise BadRequest("messages is required: at least one message", param="messages")
    for i, message in enumerate(messages or ()):
        _add_message(request.messages.add(), message, f"messages[{i}]")
    max_tokens = integer(body, "max_completion_tokens", "max_completion_tokens", low=1)
    if max_tokens is None:
        max_tokens = integer(body, "max_tokens", "max_tokens", low=1)
    if max_tokens is not None:
        request.max_tokens = max_tokens
    n = integer(body, "n", "n", low=1)
    if n is not None:
        request.n = n
    logprobs = boolean(body, "logprobs", "logprobs")
    if logprobs is not None:
        request.logprobs = logprobs
    top = integer(body, "top_logprobs", "top_logprobs")
    if top is not None:
        request.top_logprobs = top
    effort = text(body, "reasoning_effort", "reasoning_effort")
    if effort is not None:
        request.reasoning_effort = _effort(effort, "reasoning_effort")
    add_response_format(
        request, mapping(body, "response_format", "response_format"), "response_format"
    )
    add_common(request, body)
    request.store_messages = bool(boolean(body, "store", "store"))  # OpenAI's default: false
    options = mapping(body, "stream_options", "stream_options") or {}
    boolean(options, "include_usage", "stream_options.include_usage")  # checked; see chat_encode
    return ChatBody(request=request, stream=bool(boolean(body, "stream", "stream")))


def add_common(request: chat_pb2.GetCompletionsRequest, body: dict[str, Any]) -> None:
    """The fields both APIs name alike: sampling, tools, stop, seed, user, previous id."""
    for key in ("temperature", "top_p", "frequency_penalty", "presence_penalty"):
        value = number(body, key, key)
        if value is not None:
            setattr(request, key, value)
    seed = integer(body, "seed", "seed", low=-(2**31))
    if seed is not None:
        request.seed = seed
    stop = body.get("stop")
    if isinstance(stop, str):
        request.stop.append(stop)
    elif stop is not None:
        request.stop.extend(_strings(stop, "stop"))
    add_tools(request, array(body, "tools", "tools"))
    add_tool_choice(request, body.get("tool_choice"))
    parallel = boolean(body, "parallel_tool_calls", "parallel_tool_calls")
    if parallel is not None:
        request.parallel_tool_calls = parallel
    user = text(body, "user", "user")
    if user is not None:
        request.user = user
    previous = text(body, "previous_response_id", "previous_response_id")
    if previous:
        request.previous_response_id = previous


def _strings(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise wrong(where, "a string or an array of strings", value)
    return value


def _effort(effort: str, where: str) -> chat_pb2.ReasoningEffort:
    if effort not in EFFORTS:
        raise BadRequest(f"{where}={effort!r}: use low, medium, high or none", param=where)
    return EFFORTS[effort]


def _add_message(out: chat_pb2.Message, message: Any, where: str) -> None:
    if not isinstance(message, dict):
        raise wrong(where, "an object", message)
    role = text(message, "role", f"{where}.role")
    if role not in _ROLES:
        raise BadRequest(
            f"{where}.role={role!r}: use system, developer, user, assistant or tool",
            param=f"{where}.role",
        )
    out.role = _ROLES[role]
    out.content.extend(content_parts(message.get("content"), f"{where}.content"))
    reasoning = text(message, "reasoning_content", f"{where}.reasoning_content")
    if reasoning:
        out.reasoning_content = reasoning
    name = text(message, "name", f"{where}.name")
    if name:
        out.name = name
    call_id = text(message, "tool_call_id", f"{where}.tool_call_id")
    if call_id is not None:
        out.tool_call_id = call_id
    elif out.role == chat_pb2.ROLE_TOOL:
        raise BadRequest(f"{where}: a tool message needs tool_call_id", param=where)
    for j, call in enumerate(array(message, "tool_calls", f"{where}.tool_calls") or ()):
        _add_call(out.tool_calls.add(), call, f"{where}.tool_calls[{j}]")


def _add_call(out: chat_pb2.ToolCall, call: Any, where: str) -> None:
    if not isinstance(call, dict):
        raise wrong(where, "an object", call)
    fn = mapping(call, "function", f"{where}.function")
    if fn is None:
        raise BadRequest(f"{where}.function is required", param=f"{where}.function")
    out.id = text(call, "id", f"{where}.id") or ""
    out.type = chat_pb2.TOOL_CALL_TYPE_CLIENT_SIDE_TOOL
    out.function.name = text(fn, "name", f"{where}.function.name") or ""
    out.function.arguments = text(fn, "arguments", f"{where}.function.arguments") or ""
