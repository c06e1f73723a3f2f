"""``ChatRequest`` -> ``/v1/responses`` JSON, and its answer (object or SSE events) -> values.

The Responses API holds what chat completions cannot: ``previous_response_id``,
``store`` (``ChatRequest.store_messages``) and server-side tools. A conversation
becomes ``input`` items: messages, an assistant's ``function_call`` items, and a
tool message's ``function_call_output``. A tool call's id is the item's
``call_id`` (what ``function_call_output`` answers); a call the answer itself
answers (a server-side agent ran it) is not a call for the client to make.
"""

from __future__ import annotations

import base64
from typing import Any

from agentrt.errors import ServerError, UsageError
from agentrt.xai import tool_specs as ts
from agentrt.xai.chat_request import ChatRequest, JsonSchema
from agentrt.xai.chat_response import ChatResponse, Choice
from agentrt.xai.messages import Content, Message, Text, ToolCall
from agentrt.xai.rest.chat_wire import finish_reason, grpc_only, usage_from_json
from agentrt.xai.rest.http_errors import error_from_body

__all__ = ["input_items", "response_from_json", "settings_json", "tool_call_of"]


def _part(part: Content) -> dict[str, Any]:
    if isinstance(part, Text):
        return {"type": "input_text", "text": part.text}
    if hasattr(part, "detail"):  # Image
        out: dict[str, Any] = {"type": "input_image", "detail": part.detail}
        if part.url:
            out["image_url"] = part.url
        else:
            out["file_id"] = part.file_id
        return out
    found: dict[str, Any] = {"type": "input_file"}
    if part.file_id:
        found["file_id"] = part.file_id
    elif part.data:
        kind = part.mime_type or "application/octet-stream"
        found["file_data"] = f"data:{kind};base64,{base64.b64encode(part.data).decode()}"
        found["filename"] = part.filename or "file"
    else:
        found["file_url"] = part.url
    return found


def input_items(message: Message) -> list[dict[str, Any]]:
    """The ``input`` items of ``message`` (an assistant's tool calls are items of their own).

    Raises:
        UsageError: an unknown role, or a tool message without ``tool_call_id``.
    """
    role = message.role
    if role == "tool":
        if message.tool_call_id is None:
            raise UsageError("a tool message needs tool_call_id over rest_api='responses'")
        return [
            {
                "type": "function_call_output",
                "call_id": message.tool_call_id,
                "output": message.text,
            }
        ]
    if role not in ("system", "developer", "user", "assistant"):
        raise UsageError(f"unknown message role {role!r}")
    items: list[dict[str, Any]] = []
    parts = message.content
    if role == "assistant":
        if parts or not message.tool_calls:
            items.append({"role": "assistant", "content": message.text})
        items.extend(
            {"type": "function_call", "call_id": c.id, "name": c.name, "arguments": c.arguments}
            for c in message.tool_calls
        )
        return items
    if all(isinstance(p, Text) for p in parts):
        return [{"role": role, "content": message.text}]
    return [{"role": role, "content": [_part(p) for p in parts]}]


def _tool(tool: ts.ToolSpec) -> dict[str, Any]:
    if isinstance(tool, ts.FunctionTool):
        out: dict[str, Any] = {
            "type": "function",
            "name": tool.name,
            "parameters": dict(tool.parameters),
        }
        if tool.description:
            out["description"] = tool.description
        if tool.strict:
            out["strict"] = True
        return out
    if isinstance(tool, ts.CollectionsSearch):
        found: dict[str, Any] = {
            "type": "file_search",
            "vector_store_ids": list(tool.collection_ids),
        }
        if tool.limit is not None:
            found["max_num_results"] = tool.limit
        return found
    if isinstance(tool, ts.MCP):
        return _mcp(tool)
    kinds = {
        ts.WebSearch: "web_search",
        ts.XSearch: "x_search",
        ts.CodeExecution: "code_interpreter",
        ts.AttachmentSearch: "attachment_search",
        ts.ImageGeneration: "image_generation",
    }
    kind = kinds.get(type(tool))
    if kind is None:
        raise UsageError(f"not a tool declaration: {tool!r}")
    fields = {k: v for k, v in vars(tool).items() if v not in (None, (), "")}
    return {"type": kind, **{k: _plain(v) for k, v in fields.items()}}


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return list(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _mcp(tool: ts.MCP) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "mcp", "server_url": tool.server_url}
    if tool.server_label:
        out["server_label"] = tool.server_label
    if tool.server_description:
        out["server_description"] = tool.server_description
    if tool.allowed_tool_names:
        out["allowed_tools"] = list(tool.allowed_tool_names)
    if tool.authorization:
        out["authorization"] = tool.authorization
    if tool.extra_headers:
        out["headers"] = dict(tool.extra_headers)
    return out


def _text_format(fmt: Any) -> dict[str, Any]:
    if isinstance(fmt, JsonSchema):
        return {"type": "json_schema", "name": "output", "schema": dict(fmt.schema), "strict": True}
    if fmt not in ("text", "json_object"):
        raise UsageError(f"response_format must be 'text', 'json_object' or JsonSchema: {fmt!r}")
    return {"type": fmt}


def _chat_only(req: ChatRequest) -> None:
    for name, value in (
        ("stop", req.stop or None),
        ("seed", req.seed),
        ("n", req.n if req.n not in (None, 1) else None),
        ("logprobs", req.logprobs or None),
        ("frequency_penalty", req.frequency_penalty),
        ("presence_penalty", req.presence_penalty),
        ("search_parameters", req.search_parameters),
    ):
        if value is not None:
            raise UsageError(f"{name} is not available over rest_api='responses': use 'chat'")


def settings_json(req: ChatRequest) -> dict[str, Any]:
    """Every field of ``req`` but its messages, as ``/v1/responses`` JSON.

    Raises:
        UsageError: a field the Responses API does not carry.
    """
    grpc_only(req)
    _chat_only(req)
    out: dict[str, Any] = {"model": req.model, "store": req.store_messages}
    if req.tools:
        out["tools"] = [_tool(t) for t in req.tools]
    choice = req.tool_choice
    if choice is not None:
        named = choice not in ("auto", "none", "required")
        out["tool_choice"] = {"type": "function", "name": choice} if named else choice
    if req.response_format is not None:
        out["text"] = {"format": _text_format(req.response_format)}
    if req.reasoning_effort is not None:
        out["reasoning"] = {"effort": req.reasoning_effort}
    if req.max_tokens is not None:
        out["max_output_tokens"] = req.max_tokens
    for name in (
        "previous_response_id",
        "temperature",
        "top_p",
        "parallel_tool_calls",
        "top_logprobs",
        "service_tier",
        "safety_identifier",
    ):
        value = getattr(req, name)
        if value is not None:
            out[name] = value
    if req.user:
        out["user"] = req.user
    if req.include:
        out["include"] = list(req.include)
    return out


def tool_call_of(item: dict[str, Any]) -> ToolCall | None:
    """The tool call an output item is (``function_call``, or a server-side ``*_call``)."""
    kind = item.get("type") or ""
    if kind == "function_call":
        return ToolCall(
            id=str(item.get("call_id") or item.get("id") or ""),
            name=str(item.get("name") or ""),
            arguments=str(item.get("arguments") or ""),
        )
    if kind.endswith("_call"):
        status = str(item.get("status") or "completed")
        return ToolCall(
            id=str(item.get("id") or ""),
            name=str(item.get("name") or kind[:-5]),
            arguments=str(item.get("arguments") or ""),
            type=kind[:-5],
            status=status,
        )
    return None


def _outputs(output: list[Any]) -> tuple[list[str], list[str], list[ToolCall], list[str], str]:
    text: list[str] = []
    reasoning: list[str] = []
    calls: list[ToolCall] = []
    cited: list[str] = []
    encrypted = ""
    # a function call answered in the same output was run by the server (an agent behind
    # the API): it is history, not a call for the client to make
    answered = {i.get("call_id") for i in output if i.get("type") == "function_call_output"}
    for item in output:
        kind = item.get("type")
        if kind == "message":
            for part in item.get("content") or ():
                text.append(part.get("text") or "")
                cited.extend(a["url"] for a in part.get("annotations") or () if a.get("url"))
        elif kind == "reasoning":
            reasoning.extend(s.get("text") or "" for s in item.get("summary") or ())
            reasoning.extend(s.get("text") or "" for s in item.get("content") or ())
            encrypted = item.get("encrypted_content") or encrypted
        elif kind == "function_call" and item.get("call_id") in answered:
            continue
        elif (call := tool_call_of(item)) is not None:
            calls.append(call)
    return text, reasoning, calls, cited, encrypted


def _finish(raw: dict[str, Any], calls: list[ToolCall]) -> str:
    status = raw.get("status")
    if status == "incomplete":
        return finish_reason((raw.get("incomplete_details") or {}).get("reason") or "length")
    if any(c.type == "function" for c in calls):
        return "tool_calls"
    return "stop" if status in ("completed", None) else str(status)


def response_from_json(raw: Any, secret: str | None = None) -> ChatResponse:
    """A ``response`` object as a :class:`ChatResponse` (``secret`` blanked from an error).

    Raises:
        ServerError: it is not one; an RPCError when its status is ``failed``.
    """
    if not isinstance(raw, dict) or not isinstance(raw.get("output", []), list):
        raise ServerError(f"not a response object: {str(raw)[:200]}", code="200")
    if raw.get("status") == "failed":
        raise error_from_body(raw, secret)
    try:
        text, reasoning, calls, cited, encrypted = _outputs(raw.get("output") or [])
        choice = Choice(
            content="".join(text),
            reasoning_content="".join(reasoning),
            tool_calls=tuple(calls),
            finish_reason=_finish(raw, calls),
            encrypted_content=encrypted,
        )
        return ChatResponse(
            id=str(raw.get("id") or ""),
            model=str(raw.get("model") or ""),
            choices=(choice,),
            usage=usage_from_json(raw.get("usage")),
            citations=tuple(dict.fromkeys(cited)),
            service_tier=str(raw.get("service_tier") or ""),
        )
    except (AttributeError, TypeError, KeyError, ValueError) as e:
        raise ServerError(f"not a response object ({e!r}): {str(raw)[:200]}", code="200") from None
