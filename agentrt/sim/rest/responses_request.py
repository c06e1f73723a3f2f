"""A ``/v1/responses`` JSON body as the simulator's ``GetCompletionsRequest``.

``input`` (a string, or items: messages, ``function_call`` and ``function_call_output``)
becomes the request's messages, after ``instructions`` as a system message; ``function_call``
items join the assistant message before them with several tool calls, as the chat
completions form of the same conversation (so both answer alike). ``store`` defaults to
true, as in OpenAI's API: the response is kept for ``previous_response_id`` and
``GET /v1/responses/{id}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from agentrt_protos.xai.api.v1 import chat_pb2

from agentrt.sim.rest.body import BadRequest
from agentrt.sim.rest.chat_request import EFFORTS, add_common, require_model
from agentrt.sim.rest.content_json import content_parts
from agentrt.sim.rest.fields import boolean, integer, mapping, text, wrong
from agentrt.sim.rest.tools_json import add_response_format

__all__ = ["ResponsesBody", "responses_request"]

_ROLES = {
    "user": chat_pb2.ROLE_USER,
    "assistant": chat_pb2.ROLE_ASSISTANT,
    "system": chat_pb2.ROLE_SYSTEM,
    "developer": chat_pb2.ROLE_DEVELOPER,
}
_SKIPPED = frozenset({"reasoning", "item_reference"})  # nothing the simulated model reads


@dataclass(frozen=True, slots=True)
class ResponsesBody:
    """A Responses API body read: the model's request, whether to stream, what to echo."""

    request: chat_pb2.GetCompletionsRequest
    stream: bool
    instructions: str | None


def responses_request(body: dict[str, Any]) -> ResponsesBody:
    """Read a Responses API ``body``.

    Raises:
        BadRequest: a field is missing or of the wrong type.
    """
    request = chat_pb2.GetCompletionsRequest(model=require_model(body))
    instructions = text(body, "instructions", "instructions")
    if instructions:
        request.messages.add(role=chat_pb2.ROLE_SYSTEM).content.add(text=instructions)
    given = body.get("input")
    if isinstance(given, str):
        request.messages.add(role=chat_pb2.ROLE_USER).content.add(text=given)
    elif given is not None:
        if not isinstance(given, list):
            raise wrong("input", "a string or an array of items", given)
        for i, item in enumerate(given):
            _add_item(request, item, f"input[{i}]")
    if not given and not body.get("previous_response_id"):
        raise BadRequest("input is required (a string or an array of items)", param="input")
    _add_options(request, body)
    return ResponsesBody(
        request=request,
        stream=bool(boolean(body, "stream", "stream")),
        instructions=instructions,
    )


def _add_options(request: chat_pb2.GetCompletionsRequest, body: dict[str, Any]) -> None:
    max_tokens = integer(body, "max_output_tokens", "max_output_tokens", low=1)
    if max_tokens is not None:
        request.max_tokens = max_tokens
    top = integer(body, "top_logprobs", "top_logprobs")
    if top:
        request.logprobs, request.top_logprobs = True, top
    reasoning = mapping(body, "reasoning", "reasoning") or {}
    effort = text(reasoning, "effort", "reasoning.effort")
    if effort is not None:
        if effort not in EFFORTS:
            raise BadRequest(
                f"reasoning.effort={effort!r}: use low, medium, high or none",
                param="reasoning.effort",
            )
        request.reasoning_effort = EFFORTS[effort]
    fmt = mapping(mapping(body, "text", "text") or {}, "format", "text.format")
    add_response_format(request, fmt, "text.format")
    add_common(request, body)
    store = boolean(body, "store", "store")
    request.store_messages = True if store is None else store


def _add_item(request: chat_pb2.GetCompletionsRequest, item: Any, where: str) -> None:
    if not isinstance(item, dict):
        raise wrong(where, "an object", item)
    kind = text(item, "type", f"{where}.type") or ("message" if "role" in item else None)
    if kind == "message":
        role = text(item, "role", f"{where}.role")
        if role not in _ROLES:
            raise BadRequest(
                f"{where}.role={role!r}: use user, system, developer or assistant",
                param=f"{where}.role",
            )
        message = request.messages.add(role=_ROLES[role])
        message.content.extend(content_parts(item.get("content"), f"{where}.content"))
    elif kind == "function_call":
        _add_call(request, item, where)
    elif kind == "function_call_output":
        message = request.messages.add(role=chat_pb2.ROLE_TOOL)
        message.tool_call_id = _call_id(item, where)
        output = item.get("output")
        message.content.extend(content_parts(output, f"{where}.output"))
    elif kind not in _SKIPPED:
        raise BadRequest(
            f"{where}.type={kind!r}: use message, function_call or function_call_output",
            param=f"{where}.type",
        )


def _call_id(item: dict[str, Any], where: str) -> str:
    call_id = text(item, "call_id", f"{where}.call_id")
    if not call_id:
        raise BadRequest(f"{where}.call_id is required", param=f"{where}.call_id")
    return call_id


def _add_call(request: chat_pb2.GetCompletionsRequest, item: dict[str, Any], where: str) -> None:
    messages = request.messages
    last = messages[-1] if messages else None
    if last is None or last.role != chat_pb2.ROLE_ASSISTANT:
        last = messages.add(role=chat_pb2.ROLE_ASSISTANT)
    call = last.tool_calls.add(id=_call_id(item, where))
    call.type = chat_pb2.TOOL_CALL_TYPE_CLIENT_SIDE_TOOL
    call.function.name = text(item, "name", f"{where}.name") or ""
    call.function.arguments = text(item, "arguments", f"{where}.arguments") or ""
