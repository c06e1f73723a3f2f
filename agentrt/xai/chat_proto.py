"""Conversion between agentrt's chat values and xAI's protobuf messages.

The only chat module besides :mod:`agentrt.xai.chat` that touches generated code.
"""

from __future__ import annotations

import json
import weakref
from datetime import datetime
from typing import Any

from agentrt_protos.xai.api.v1 import chat_pb2, image_pb2, sample_pb2, usage_pb2
from google.protobuf import timestamp_pb2

from agentrt.errors import UsageError
from agentrt.xai import tool_specs as ts
from agentrt.xai.chat_request import ChatRequest, JsonSchema, SearchParameters, SearchSource
from agentrt.xai.chat_response import ChatResponse, Choice, Citation, Usage
from agentrt.xai.messages import Content, File, Image, Message, Text, ToolCall
from agentrt.xai.response_extras import (
    SERVICE_TIERS,
    logprobs_from_proto,
    output_files_from_proto,
    tool_output_from_proto,
)

__all__ = [
    "FINISH_REASONS",
    "message_to_proto",
    "request_to_proto",
    "response_from_proto",
    "settings_to_proto",
    "tool_call_from_proto",
    "tool_to_proto",
    "usage_from_proto",
]

_ROLES = {
    "system": chat_pb2.ROLE_SYSTEM,
    "developer": chat_pb2.ROLE_DEVELOPER,
    "user": chat_pb2.ROLE_USER,
    "assistant": chat_pb2.ROLE_ASSISTANT,
    "tool": chat_pb2.ROLE_TOOL,
}
_DETAIL = {
    "auto": image_pb2.DETAIL_AUTO,
    "low": image_pb2.DETAIL_LOW,
    "high": image_pb2.DETAIL_HIGH,
}
FINISH_REASONS: dict[int, str] = {
    sample_pb2.REASON_INVALID: "",
    sample_pb2.REASON_MAX_LEN: "length",
    sample_pb2.REASON_MAX_CONTEXT: "max_context",
    sample_pb2.REASON_STOP: "stop",
    sample_pb2.REASON_TOOL_CALLS: "tool_calls",
    sample_pb2.REASON_TIME_LIMIT: "time_limit",
}
_CALL_TYPES = {
    v.number: ("function" if v.name.endswith("CLIENT_SIDE_TOOL") else v.name[15:-5].lower())
    for v in chat_pb2.ToolCallType.DESCRIPTOR.values
}
_CALL_TYPE_NUMBERS: dict[str, Any] = {name: number for number, name in _CALL_TYPES.items()}
_CALL_STATUS = {v.number: v.name[17:].lower() for v in chat_pb2.ToolCallStatus.DESCRIPTOR.values}
_CALL_STATUS_NUMBERS: dict[str, Any] = {name: number for number, name in _CALL_STATUS.items()}
_SERVER_TOOLS = {v.number: v.name[17:].lower() for v in usage_pb2.ServerSideTool.DESCRIPTOR.values}


def _timestamp(value: datetime) -> timestamp_pb2.Timestamp:
    stamp = timestamp_pb2.Timestamp()
    stamp.FromDatetime(value)
    return stamp


def _content_to_proto(part: Content) -> chat_pb2.Content:
    if isinstance(part, Text):
        return chat_pb2.Content(text=part.text)
    if isinstance(part, Image):
        img = image_pb2.ImageUrlContent(detail=_DETAIL[part.detail])
        if part.file_id:
            img.file_id = part.file_id
        else:
            img.image_url = part.url
        return chat_pb2.Content(image_url=img)
    f: File = part
    return chat_pb2.Content(
        file=chat_pb2.FileContent(
            file_id=f.file_id, data=f.data, filename=f.filename, mime_type=f.mime_type, url=f.url
        )
    )


def message_to_proto(message: Message) -> chat_pb2.Message:
    """The protobuf form of ``message``.

    Parts and tool calls are built in place (``add``), not built apart and copied in.
    """
    role = _ROLES.get(message.role)
    if role is None:
        raise UsageError(f"message role must be one of {', '.join(_ROLES)}, got {message.role!r}")
    msg = chat_pb2.Message(
        role=role,
        name=message.name,
        tool_call_id=message.tool_call_id,
        reasoning_content=message.reasoning_content,
        encrypted_content=message.encrypted_content,
    )
    content = msg.content
    for part in message.content:
        if isinstance(part, Text):
            content.add(text=part.text)
        else:
            content.append(_content_to_proto(part))
    calls = msg.tool_calls
    for call in message.tool_calls:
        calls.add(
            id=call.id,
            type=_CALL_TYPE_NUMBERS.get(call.type, chat_pb2.TOOL_CALL_TYPE_CLIENT_SIDE_TOOL),
            status=_CALL_STATUS_NUMBERS.get(call.status, chat_pb2.TOOL_CALL_STATUS_COMPLETED),
            error_message=call.error_message,
            function={"name": call.name, "arguments": call.arguments},
        )
    return msg


def _web_search(tool: ts.WebSearch) -> chat_pb2.Tool:
    loc = None
    if any((tool.country, tool.city, tool.region, tool.timezone)):
        loc = chat_pb2.WebSearchUserLocation(
            country=tool.country, city=tool.city, region=tool.region, timezone=tool.timezone
        )
    return chat_pb2.Tool(
        web_search=chat_pb2.WebSearch(
            allowed_domains=tool.allowed_domains,
            excluded_domains=tool.excluded_domains,
            enable_image_understanding=tool.enable_image_understanding,
            enable_image_search=tool.enable_image_search,
            user_location=loc,
        )
    )


def _x_search(tool: ts.XSearch) -> chat_pb2.Tool:
    return chat_pb2.Tool(
        x_search=chat_pb2.XSearch(
            from_date=_timestamp(tool.from_date) if tool.from_date else None,
            to_date=_timestamp(tool.to_date) if tool.to_date else None,
            allowed_x_handles=tool.allowed_x_handles,
            excluded_x_handles=tool.excluded_x_handles,
            enable_image_understanding=tool.enable_image_understanding,
            enable_video_understanding=tool.enable_video_understanding,
        )
    )


def _mcp(tool: ts.MCP) -> chat_pb2.Tool:
    return chat_pb2.Tool(
        mcp=chat_pb2.MCP(
            server_url=tool.server_url,
            server_label=tool.server_label,
            server_description=tool.server_description,
            allowed_tool_names=tool.allowed_tool_names,
            authorization=tool.authorization,
            extra_headers=dict(tool.extra_headers),
        )
    )


def _server_tool_to_proto(tool: ts.ToolSpec) -> chat_pb2.Tool:
    if isinstance(tool, ts.WebSearch):
        return _web_search(tool)
    if isinstance(tool, ts.XSearch):
        return _x_search(tool)
    if isinstance(tool, ts.MCP):
        return _mcp(tool)
    if isinstance(tool, ts.CodeExecution):
        return chat_pb2.Tool(code_execution=chat_pb2.CodeExecution())
    if isinstance(tool, ts.CollectionsSearch):
        search = chat_pb2.CollectionsSearch(
            collection_ids=tool.collection_ids, limit=tool.limit, instructions=tool.instructions
        )
        return chat_pb2.Tool(collections_search=search)
    if isinstance(tool, ts.AttachmentSearch):
        return chat_pb2.Tool(attachment_search=chat_pb2.AttachmentSearch(limit=tool.limit))
    if isinstance(tool, ts.ImageGeneration):
        return chat_pb2.Tool(image_generation=chat_pb2.ImageGeneration(action=tool.action))
    raise UsageError(f"not a tool declaration: {tool!r}")


def tool_to_proto(tool: ts.ToolSpec) -> chat_pb2.Tool:
    """The protobuf form of a tool declaration."""
    if isinstance(tool, ts.FunctionTool):
        return chat_pb2.Tool(
            function=chat_pb2.Function(
                name=tool.name,
                description=tool.description,
                strict=tool.strict,
                parameters=json.dumps(tool.parameters),
            )
        )
    return _server_tool_to_proto(tool)


# id(FunctionTool) -> (a weak reference to it, its protobuf). A declaration is a frozen
# value used in every request of every run of its agent: its JSON Schema is serialised
# once, not per request. The entry goes when the declaration is garbage collected.
_FUNCTION_PROTOS: dict[int, tuple[weakref.ref[ts.FunctionTool], chat_pb2.Tool]] = {}


def _cached_tool_proto(tool: ts.ToolSpec) -> chat_pb2.Tool:
    """:func:`tool_to_proto`, made once per function declaration (callers must copy it)."""
    if not isinstance(tool, ts.FunctionTool):
        return tool_to_proto(tool)
    key = id(tool)
    entry = _FUNCTION_PROTOS.get(key)
    if entry is not None and entry[0]() is tool:
        return entry[1]
    proto = tool_to_proto(tool)
    _FUNCTION_PROTOS[key] = (weakref.ref(tool, lambda _: _FUNCTION_PROTOS.pop(key, None)), proto)
    return proto


def _tool_choice(choice: str) -> chat_pb2.ToolChoice:
    modes = {
        "auto": chat_pb2.TOOL_MODE_AUTO,
        "none": chat_pb2.TOOL_MODE_NONE,
        "required": chat_pb2.TOOL_MODE_REQUIRED,
    }
    if choice in modes:
        return chat_pb2.ToolChoice(mode=modes[choice])
    return chat_pb2.ToolChoice(function_name=choice)


def _response_format(fmt: Any) -> chat_pb2.ResponseFormat:
    if isinstance(fmt, JsonSchema):
        return chat_pb2.ResponseFormat(
            format_type=chat_pb2.FORMAT_TYPE_JSON_SCHEMA, schema=json.dumps(fmt.schema)
        )
    types = {"text": chat_pb2.FORMAT_TYPE_TEXT, "json_object": chat_pb2.FORMAT_TYPE_JSON_OBJECT}
    if fmt not in types:
        raise UsageError(f"response_format must be 'text', 'json_object' or JsonSchema: {fmt!r}")
    return chat_pb2.ResponseFormat(format_type=types[fmt])


def _source(src: SearchSource) -> chat_pb2.Source:
    if src.kind == "web":
        return chat_pb2.Source(
            web=chat_pb2.WebSource(
                excluded_websites=src.excluded_websites,
                allowed_websites=src.allowed_websites,
                country=src.country,
                safe_search=src.safe_search,
            )
        )
    if src.kind == "news":
        return chat_pb2.Source(
            news=chat_pb2.NewsSource(
                excluded_websites=src.excluded_websites,
                country=src.country,
                safe_search=src.safe_search,
            )
        )
    if src.kind == "x":
        return chat_pb2.Source(
            x=chat_pb2.XSource(
                included_x_handles=src.included_x_handles,
                excluded_x_handles=src.excluded_x_handles,
                post_favorite_count=src.post_favorite_count,
                post_view_count=src.post_view_count,
            )
        )
    if src.kind == "rss":
        return chat_pb2.Source(rss=chat_pb2.RssSource(links=src.links))
    raise UsageError(f"search source kind must be 'web', 'news', 'x' or 'rss', got {src.kind!r}")


_SEARCH_MODES = {
    "off": chat_pb2.OFF_SEARCH_MODE,
    "on": chat_pb2.ON_SEARCH_MODE,
    "auto": chat_pb2.AUTO_SEARCH_MODE,
}


def _search(params: SearchParameters) -> chat_pb2.SearchParameters:
    mode = _SEARCH_MODES.get(params.mode)
    if mode is None:
        raise UsageError(f"search mode must be 'off', 'on' or 'auto', got {params.mode!r}")
    return chat_pb2.SearchParameters(
        mode=mode,
        sources=[_source(s) for s in params.sources],
        from_date=_timestamp(params.from_date) if params.from_date else None,
        to_date=_timestamp(params.to_date) if params.to_date else None,
        return_citations=params.return_citations,
        max_search_results=params.max_search_results,
    )


def _enum(enum: Any, prefix: str, name: str, what: str) -> Any:
    try:
        return enum.Value(prefix + name.upper())
    except ValueError:
        raise UsageError(f"unknown {what} {name!r}") from None


def request_to_proto(req: ChatRequest) -> chat_pb2.GetCompletionsRequest:
    """The protobuf form of ``req`` (fields left ``None`` stay unset)."""
    return _request(req, [message_to_proto(m) for m in req.messages])


def settings_to_proto(req: ChatRequest) -> chat_pb2.GetCompletionsRequest:
    """``req`` without its messages: every other field (see :mod:`agentrt.xai.chat_wire`)."""
    return _request(req, [])


_MAX_TOP_LOGPROBS = 8  # the API's bound


def _check_logprobs(req: ChatRequest) -> None:
    top = req.top_logprobs
    if top is None:
        return
    if not 0 <= top <= _MAX_TOP_LOGPROBS:
        raise UsageError(f"top_logprobs must be 0 to {_MAX_TOP_LOGPROBS}, got {top}")
    if top and not req.logprobs:
        raise UsageError("top_logprobs needs logprobs=True")


def _request(req: ChatRequest, messages: list[chat_pb2.Message]) -> chat_pb2.GetCompletionsRequest:
    _check_logprobs(req)
    msg = chat_pb2.GetCompletionsRequest(
        model=req.model,
        messages=messages,
        tools=[_cached_tool_proto(t) for t in req.tools],
        parallel_tool_calls=req.parallel_tool_calls,
        previous_response_id=req.previous_response_id,
        store_messages=req.store_messages,
        use_encrypted_content=req.use_encrypted_content,
        temperature=req.temperature,
        top_p=req.top_p,
        max_tokens=req.max_tokens,
        seed=req.seed,
        stop=req.stop,
        logprobs=req.logprobs,
        top_logprobs=req.top_logprobs,
        n=req.n,
        user=req.user,
        frequency_penalty=req.frequency_penalty,
        presence_penalty=req.presence_penalty,
        max_turns=req.max_turns,
        safety_identifier=req.safety_identifier,
    )
    _set_enums(msg, req)
    return msg


def _set_enums(msg: chat_pb2.GetCompletionsRequest, req: ChatRequest) -> None:
    if req.tool_choice is not None:
        msg.tool_choice.CopyFrom(_tool_choice(req.tool_choice))
    if req.response_format is not None:
        msg.response_format.CopyFrom(_response_format(req.response_format))
    if req.reasoning_effort is not None:
        effort = chat_pb2.ReasoningEffort
        msg.reasoning_effort = _enum(effort, "EFFORT_", req.reasoning_effort, "reasoning_effort")
    if req.search_parameters is not None:
        msg.search_parameters.CopyFrom(_search(req.search_parameters))
    for name in req.include:
        msg.include.append(_enum(chat_pb2.IncludeOption, "INCLUDE_OPTION_", name, "include"))
    if req.agent_count is not None:
        msg.agent_count = _enum(chat_pb2.AgentCount, "AGENT_COUNT_", str(req.agent_count), "n")
    if req.service_tier is not None:
        tier = usage_pb2.ServiceTier
        msg.service_tier = _enum(tier, "SERVICE_TIER_", req.service_tier, "service_tier")
    for g in req.guidelines:
        category = _enum(chat_pb2.GuidelineCategory, "GUIDELINE_CATEGORY_", g.category, "category")
        behavior = _enum(chat_pb2.GuidelineBehavior, "GUIDELINE_BEHAVIOR_", g.behavior, "behavior")
        policy = chat_pb2.PolicyGuideline(category=category, behavior=behavior)
        msg.guidelines.append(chat_pb2.Guideline(policy=policy))


def tool_call_from_proto(call: chat_pb2.ToolCall) -> ToolCall:
    """The value form of a protobuf tool call."""
    fn = call.function
    return ToolCall(
        id=call.id,
        name=fn.name,
        arguments=fn.arguments,
        type=_CALL_TYPES.get(call.type, "function"),
        status=_CALL_STATUS.get(call.status, "completed"),
        error_message=call.error_message if call.HasField("error_message") else None,
    )


def usage_from_proto(usage: usage_pb2.SamplingUsage) -> Usage:
    """The value form of a protobuf usage record."""
    used = usage.server_side_tools_used
    return Usage(
        prompt_tokens=usage.prompt_tokens,
        completion_tokens=usage.completion_tokens,
        reasoning_tokens=usage.reasoning_tokens,
        total_tokens=usage.total_tokens,
        prompt_text_tokens=usage.prompt_text_tokens,
        cached_prompt_text_tokens=usage.cached_prompt_text_tokens,
        prompt_image_tokens=usage.prompt_image_tokens,
        num_sources_used=usage.num_sources_used,
        server_side_tools_used=tuple(_SERVER_TOOLS.get(t, "") for t in used) if used else (),
        cost_in_usd_ticks=usage.cost_in_usd_ticks if usage.HasField("cost_in_usd_ticks") else None,
    )


def citation_from_proto(c: chat_pb2.InlineCitation) -> Citation:
    """The value form of an inline citation."""
    kind = c.WhichOneof("citation") or ""
    url = ""
    if kind == "web_citation":
        url = c.web_citation.url
    elif kind == "x_citation":
        url = c.x_citation.url
    coll = c.collections_citation
    return Citation(
        id=c.id,
        kind=kind.removesuffix("_citation"),
        url=url,
        start_index=c.start_index,
        end_index=c.end_index,
        file_id=coll.file_id,
        chunk_id=coll.chunk_id,
    )


def _choice(output: chat_pb2.CompletionOutput) -> Choice:
    message = output.message
    calls, cites = message.tool_calls, message.citations
    return Choice(
        index=output.index,
        content=message.content,
        reasoning_content=message.reasoning_content,
        tool_calls=tuple([tool_call_from_proto(c) for c in calls]) if calls else (),
        finish_reason=FINISH_REASONS.get(output.finish_reason, ""),
        encrypted_content=message.encrypted_content,
        citations=tuple([citation_from_proto(c) for c in cites]) if cites else (),
        logprobs=tuple(logprobs_from_proto(output.logprobs.content))
        if output.HasField("logprobs")
        else (),
    )


def _calls(message: chat_pb2.CompletionMessage) -> tuple[ToolCall, ...]:
    return tuple([tool_call_from_proto(c) for c in message.tool_calls])


def _outputs(
    resp: chat_pb2.GetChatCompletionResponse,
) -> tuple[tuple[Choice, ...], tuple[Any, ...]]:
    """The choices of ``resp``, and its server-side tools' outputs (``ROLE_TOOL`` messages)."""
    outputs = resp.outputs
    if len(outputs) == 1:  # the usual case (a tool's output comes with an answer)
        return (_choice(outputs[0]),), ()
    ordered = sorted(outputs, key=lambda o: o.index)
    tools = tuple(
        tool_output_from_proto(o, _calls(o.message))
        for o in ordered
        if o.message.role == chat_pb2.ROLE_TOOL
    )
    choices = tuple(_choice(o) for o in ordered if o.message.role != chat_pb2.ROLE_TOOL)
    return choices or (Choice(),), tools


def response_from_proto(resp: chat_pb2.GetChatCompletionResponse) -> ChatResponse:
    """The value form of a unary chat response (server tools' outputs apart from the choices)."""
    choices, tool_outputs = _outputs(resp)
    files = resp.output_files
    return ChatResponse(
        id=resp.id,
        model=resp.model,
        choices=choices,
        usage=usage_from_proto(resp.usage),
        citations=tuple(cited) if (cited := resp.citations) else (),
        system_fingerprint=resp.system_fingerprint,
        service_tier=SERVICE_TIERS.get(resp.service_tier, ""),
        output_files=output_files_from_proto(files) if files else (),
        tool_outputs=tool_outputs,
    )
