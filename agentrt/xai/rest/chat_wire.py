"""``ChatRequest`` -> ``/v1/chat/completions`` JSON, and its JSON answer -> ``ChatResponse``.

The values are the same as over gRPC: finish reasons map to the strings the gRPC
path gives (``stop``, ``length``, ``tool_calls``, ``max_context``, ``time_limit``;
an unknown one is kept as the server wrote it), usage counts reasoning and cached
tokens, tool calls keep their ids. What only ``/v1/responses`` carries
(``previous_response_id``, ``store_messages``, server-side tools) is detected by
:func:`needs_responses`; fields neither REST API has raise one UsageError.
"""

from __future__ import annotations

import json
from typing import Any

from agentrt.errors import ServerError, UsageError
from agentrt.xai import tool_specs as ts
from agentrt.xai.chat_request import ChatRequest, JsonSchema, SearchParameters
from agentrt.xai.chat_response import ChatResponse, Choice, LogProb, TopLogProb, Usage
from agentrt.xai.messages import Content, File, Image, Message, Text, ToolCall
from agentrt.xai.rest.http_errors import error_from_body

__all__ = [
    "FINISH_REASONS",
    "finish_reason",
    "grpc_only",
    "logprobs_from_json",
    "message_json",
    "needs_responses",
    "response_from_json",
    "settings_json",
    "tool_calls_from_json",
    "usage_from_json",
]

FINISH_REASONS = {
    "stop": "stop",
    "end_turn": "stop",
    "length": "length",
    "max_tokens": "length",
    "max_output_tokens": "length",
    "tool_calls": "tool_calls",
    "function_call": "tool_calls",
    "max_context": "max_context",
    "time_limit": "time_limit",
}
_ROLES = ("system", "developer", "user", "assistant", "tool")


def finish_reason(raw: Any) -> str:
    """The gRPC path's string for a REST ``finish_reason`` (``""`` for none)."""
    if not raw:
        return ""
    return FINISH_REASONS.get(raw, str(raw))


def grpc_only(req: ChatRequest) -> None:
    """Raise when ``req`` asks for what neither REST API carries.

    Raises:
        UsageError: naming the field and ``protocol="grpc"``.
    """
    for name, value in (
        ("agent_count", req.agent_count),
        ("guidelines", req.guidelines or None),
        ("max_turns", req.max_turns),
        ("use_encrypted_content", req.use_encrypted_content or None),
    ):
        if value is not None:
            raise UsageError(f"{name} is not available over REST: use protocol='grpc'")


def needs_responses(req: ChatRequest) -> bool:
    """Whether ``req`` needs ``/v1/responses`` (stored conversations, server-side tools)."""
    if req.previous_response_id or req.store_messages:
        return True
    return any(not isinstance(t, ts.FunctionTool) for t in req.tools)


def _part(part: Content) -> dict[str, Any]:
    if isinstance(part, Text):
        return {"type": "text", "text": part.text}
    if isinstance(part, Image):
        url: dict[str, Any] = {"url": part.url} if part.url else {"file_id": part.file_id}
        url["detail"] = part.detail
        return {"type": "image_url", "image_url": url}
    f: File = part
    if f.data:
        raise UsageError("inline file data is not available over rest_api='chat': upload it")
    body = {"file_id": f.file_id} if f.file_id else {"url": f.url}
    return {"type": "file", "file": body}


def _call_json(call: ToolCall) -> dict[str, Any]:
    return {
        "id": call.id,
        "type": "function",
        "function": {"name": call.name, "arguments": call.arguments},
    }


def message_json(message: Message) -> dict[str, Any]:
    """The chat completions form of ``message``.

    Raises:
        UsageError: an unknown role.
    """
    role = message.role
    if role not in _ROLES:
        raise UsageError(f"message role must be one of {', '.join(_ROLES)}, got {role!r}")
    parts = message.content
    out: dict[str, Any] = {"role": role}
    if all(isinstance(p, Text) for p in parts):
        out["content"] = "".join(p.text for p in parts if isinstance(p, Text))
    else:
        out["content"] = [_part(p) for p in parts]
    if message.name:
        out["name"] = message.name
    if message.tool_calls:
        out["tool_calls"] = [_call_json(c) for c in message.tool_calls]
        if not parts:
            out["content"] = None
    if message.tool_call_id is not None:
        out["tool_call_id"] = message.tool_call_id
    if message.reasoning_content:
        out["reasoning_content"] = message.reasoning_content
    return out


def _tool_json(tool: ts.ToolSpec) -> dict[str, Any]:
    if not isinstance(tool, ts.FunctionTool):  # needs_responses() routes these elsewhere
        raise UsageError(f"{type(tool).__name__} needs rest_api='responses'")
    fn: dict[str, Any] = {"name": tool.name, "parameters": dict(tool.parameters)}
    if tool.description:
        fn["description"] = tool.description
    if tool.strict:
        fn["strict"] = True
    return {"type": "function", "function": fn}


def _tool_choice(choice: str) -> Any:
    if choice in ("auto", "none", "required"):
        return choice
    return {"type": "function", "function": {"name": choice}}


def _response_format(fmt: Any) -> dict[str, Any]:
    if isinstance(fmt, JsonSchema):
        schema = {"name": "output", "schema": dict(fmt.schema), "strict": True}
        return {"type": "json_schema", "json_schema": schema}
    if fmt not in ("text", "json_object"):
        raise UsageError(f"response_format must be 'text', 'json_object' or JsonSchema: {fmt!r}")
    return {"type": fmt}


def _search(params: SearchParameters) -> dict[str, Any]:
    out: dict[str, Any] = {"mode": params.mode, "return_citations": params.return_citations}
    if params.sources:
        out["sources"] = [_source(s) for s in params.sources]
    if params.from_date:
        out["from_date"] = params.from_date.date().isoformat()
    if params.to_date:
        out["to_date"] = params.to_date.date().isoformat()
    if params.max_search_results is not None:
        out["max_search_results"] = params.max_search_results
    return out


def _source(src: Any) -> dict[str, Any]:
    fields = {
        "allowed_websites": src.allowed_websites,
        "excluded_websites": src.excluded_websites,
        "country": src.country,
        "included_x_handles": src.included_x_handles,
        "excluded_x_handles": src.excluded_x_handles,
        "post_favorite_count": src.post_favorite_count,
        "post_view_count": src.post_view_count,
        "links": src.links,
    }
    out: dict[str, Any] = {"type": src.kind}
    out.update({k: list(v) if isinstance(v, tuple) else v for k, v in fields.items() if v})
    if src.safe_search:
        out["safe_search"] = True
    return out


_PLAIN = (
    "temperature",
    "top_p",
    "max_tokens",
    "seed",
    "n",
    "reasoning_effort",
    "parallel_tool_calls",
    "frequency_penalty",
    "presence_penalty",
    "top_logprobs",
    "service_tier",
    "safety_identifier",
)


_MAX_TOP_LOGPROBS = 8  # the API's bound, as over gRPC


def _check_logprobs(req: ChatRequest) -> None:
    top = req.top_logprobs
    if top is None:
        return
    if not 0 <= top <= _MAX_TOP_LOGPROBS:
        raise UsageError(f"top_logprobs must be 0 to {_MAX_TOP_LOGPROBS}, got {top}")
    if top and not req.logprobs:
        raise UsageError("top_logprobs needs logprobs=True")


def settings_json(req: ChatRequest) -> dict[str, Any]:
    """Every field of ``req`` but its messages, as chat completions JSON (unset ones left out).

    Raises:
        UsageError: a field REST cannot carry, or a malformed value.
    """
    grpc_only(req)
    _check_logprobs(req)
    out: dict[str, Any] = {"model": req.model}
    for name in _PLAIN:
        value = getattr(req, name)
        if value is not None:
            out[name] = value
    if req.tools:
        out["tools"] = [_tool_json(t) for t in req.tools]
    if req.tool_choice is not None:
        out["tool_choice"] = _tool_choice(req.tool_choice)
    if req.response_format is not None:
        out["response_format"] = _response_format(req.response_format)
    if req.search_parameters is not None:
        out["search_parameters"] = _search(req.search_parameters)
    if req.stop:
        out["stop"] = list(req.stop)
    if req.logprobs:
        out["logprobs"] = True
    if req.user:
        out["user"] = req.user
    return out


def usage_from_json(raw: Any) -> Usage:
    """The usage of a chat completions or responses answer (either field names)."""
    if not isinstance(raw, dict):
        return Usage()
    prompt = raw.get("prompt_tokens", raw.get("input_tokens")) or 0
    p_details = raw.get("prompt_tokens_details") or raw.get("input_tokens_details") or {}
    c_details = raw.get("completion_tokens_details") or raw.get("output_tokens_details") or {}
    reasoning = int(c_details.get("reasoning_tokens") or 0)
    if "completion_tokens" in raw:
        completion = int(raw["completion_tokens"] or 0)
    else:  # the Responses API's output_tokens count the reasoning too; completion_tokens do not
        completion = max(int(raw.get("output_tokens") or 0) - reasoning, 0)
    cost = raw.get("cost_in_usd_ticks")
    return Usage(
        prompt_tokens=int(prompt),
        completion_tokens=completion,
        reasoning_tokens=reasoning,
        total_tokens=int(raw.get("total_tokens") or 0),
        prompt_text_tokens=int(p_details.get("text_tokens") or 0),
        cached_prompt_text_tokens=int(p_details.get("cached_tokens") or 0),
        prompt_image_tokens=int(p_details.get("image_tokens") or 0),
        num_sources_used=int(raw.get("num_sources_used") or 0),
        cost_in_usd_ticks=int(cost) if isinstance(cost, int | float) else None,
    )


def tool_calls_from_json(raw: Any) -> tuple[ToolCall, ...]:
    """A message's ``tool_calls`` as values."""
    if not raw:
        return ()
    calls = []
    for c in raw:
        fn = c.get("function") or {}
        calls.append(
            ToolCall(
                id=str(c.get("id") or ""),
                name=str(fn.get("name") or ""),
                arguments=str(fn.get("arguments") or ""),
                type=str(c.get("type") or "function"),
            )
        )
    return tuple(calls)


def logprobs_from_json(raw: Any) -> tuple[LogProb, ...]:
    """A choice's ``logprobs.content`` as values."""
    if not isinstance(raw, dict) or not raw.get("content"):
        return ()
    return tuple(
        LogProb(
            token=e.get("token", ""),
            logprob=float(e.get("logprob", 0.0)),
            bytes=bytes(e.get("bytes") or ()),
            top_logprobs=tuple(
                TopLogProb(
                    token=t.get("token", ""),
                    logprob=float(t.get("logprob", 0.0)),
                    bytes=bytes(t.get("bytes") or ()),
                )
                for t in e.get("top_logprobs") or ()
            ),
        )
        for e in raw["content"]
    )


def _choice(raw: dict[str, Any]) -> Choice:
    message = raw.get("message") or {}
    return Choice(
        index=int(raw.get("index") or 0),
        content=message.get("content") or "",
        reasoning_content=message.get("reasoning_content") or "",
        tool_calls=tool_calls_from_json(message.get("tool_calls")),
        finish_reason=finish_reason(raw.get("finish_reason")),
        logprobs=logprobs_from_json(raw.get("logprobs")),
    )


def response_from_json(raw: Any, secret: str | None = None) -> ChatResponse:
    """A ``chat.completion`` object as a :class:`ChatResponse`.

    Raises:
        ServerError: it is not one (garbage a server sent).
        RPCError: it is an error body sent with a 200 (``secret`` blanked from it).
    """
    if isinstance(raw, dict) and "choices" not in raw and raw.get("error"):
        raise error_from_body(raw, secret)
    try:
        choices = tuple(sorted((_choice(c) for c in raw["choices"]), key=lambda c: c.index))
        return ChatResponse(
            id=str(raw.get("id") or ""),
            model=str(raw.get("model") or ""),
            choices=choices or (Choice(),),
            usage=usage_from_json(raw.get("usage")),
            citations=tuple(str(c) for c in raw.get("citations") or ()),
            system_fingerprint=str(raw.get("system_fingerprint") or ""),
            service_tier=str(raw.get("service_tier") or ""),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        shown = json.dumps(raw)[:200] if isinstance(raw, dict | list) else repr(raw)[:200]
        raise ServerError(f"not a chat completion ({e!r}): {shown}", code="200") from None
