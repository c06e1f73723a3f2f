"""From a ``GetCompletionsRequest`` to the model's :class:`~agentrt.sim.model.Prompt`.

Bad requests end here with INVALID_ARGUMENT or NOT_FOUND and a message that
says what to fix, as the real API does.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import grpc
from agentrt_protos.xai.api.v1 import chat_pb2, usage_pb2
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

from agentrt.sim.arguments import FunctionTool
from agentrt.sim.catalogue import ModelEntry, find_model, models_of_kind
from agentrt.sim.compact import expand
from agentrt.sim.grounding import Attachment, CollectionsQuery
from agentrt.sim.knobs import MAX_OUTPUTS, MAX_TOP_LOGPROBS
from agentrt.sim.model import Prompt, Role, ToolCallOut, Turn
from agentrt.sim.seeing import see_image
from agentrt.sim.status import SimStatus
from agentrt.xai.bounded import remember

__all__ = ["prompt_from_request", "turns_from_messages"]

_ROLES: dict[int, Role] = {
    chat_pb2.ROLE_USER: "user",
    chat_pb2.ROLE_ASSISTANT: "assistant",
    chat_pb2.ROLE_SYSTEM: "system",
    chat_pb2.ROLE_DEVELOPER: "developer",
    chat_pb2.ROLE_TOOL: "tool",
    chat_pb2.ROLE_FUNCTION: "tool",
}
_EFFORTS = {
    chat_pb2.EFFORT_LOW: "low",
    chat_pb2.EFFORT_MEDIUM: "medium",
    chat_pb2.EFFORT_HIGH: "high",
    chat_pb2.EFFORT_NONE: "none",
    chat_pb2.EFFORT_XHIGH: "xhigh",
}


def _invalid(details: str) -> SimStatus:
    return SimStatus(grpc.StatusCode.INVALID_ARGUMENT, details)


_TURNS: dict[bytes, tuple[Turn, int, tuple[Attachment, ...]]] = {}
_TURNS_KEPT = 4096  # messages whose reading is remembered (the oldest is forgotten first)
_TURN_BYTES = 4096  # ... when their encoding is at most this long


def turns_from_messages(messages: Sequence[chat_pb2.Message]) -> tuple[tuple[Turn, ...], int]:
    """The model's view of ``messages``, and how many image parts they carry.

    Every call of a conversation resends the messages before it, so the reading
    of a short message is remembered by its encoding.
    """
    turns: list[Turn] = []
    files: list[Attachment] = []
    images = _read_turns([m.SerializeToString() for m in messages], messages, 0, turns, files)
    return tuple(turns), images


def _read_turns(
    encodings: Sequence[bytes],
    messages: Sequence[chat_pb2.Message],
    first: int,
    out: list[Turn],
    files: list[Attachment],
) -> int:
    """Append the turns of ``messages`` (encoded as ``encodings``) to ``out``, and their file
    parts to ``files``; their count of image parts.

    ``first`` is the place of ``messages[0]`` in the conversation (errors name it).
    """
    images = 0
    for i, key in enumerate(encodings):
        short = 0 < len(key) <= _TURN_BYTES
        read = _TURNS.get(key) if short else None
        if read is None:
            read = _turn(messages[i], first + i)
            if short:
                remember(_TURNS, key, read, _TURNS_KEPT)
        out.append(read[0])
        images += read[1]
        if read[2]:
            files.extend(read[2])
    return images


def _turn(message: chat_pb2.Message, index: int) -> tuple[Turn, int, tuple[Attachment, ...]]:
    """Message number ``index`` as the model reads it, its count of image parts, its files."""
    role = _ROLES.get(message.role)
    if role is None:
        raise _invalid(f"messages[{index}]: role is not set (use ROLE_USER, ROLE_ASSISTANT, …)")
    texts = []
    seen: list[str] = []
    files: list[Attachment] = []
    for part in message.content:
        kind = part.WhichOneof("content")
        if kind == "text":
            texts.append(part.text)
        elif kind == "image_url":
            seen.append(see_image(part.image_url, index))
        elif kind == "file":
            files.append(_attachment(part.file, index))
    calls = tuple(
        ToolCallOut(id=c.id, name=c.function.name, arguments=c.function.arguments)
        for c in message.tool_calls
    )
    call_id = message.tool_call_id if message.HasField("tool_call_id") else None
    text = "".join(texts)
    if message.encrypted_content:
        context = expand(message.encrypted_content)
        if context is not None:  # a compacted conversation (CompactContext) stands here
            role, text = "system", context + ("\n" + text if text else "")
    turn = Turn(role=role, text=text, tool_calls=calls, tool_call_id=call_id, images=tuple(seen))
    return turn, len(seen), tuple(files)


def _attachment(part: chat_pb2.FileContent, index: int) -> Attachment:
    given = [name for name in ("file_id", "data", "url") if getattr(part, name)]
    if len(given) != 1:
        raise _invalid(
            f"messages[{index}]: a file part needs exactly one of file_id, data or url "
            f"(it has {', '.join(given) or 'none'})"
        )
    return Attachment(
        file_id=part.file_id, data=part.data or None, filename=part.filename, url=part.url
    )


_MODES = {
    "hybrid_retrieval": "hybrid",
    "semantic_retrieval": "semantic",
    "keyword_retrieval": "keyword",
    None: "hybrid",
}


def _collections_query(request: chat_pb2.GetCompletionsRequest) -> CollectionsQuery | None:
    """The first ``collections_search`` tool offered, if any."""
    for tool in request.tools:
        if tool.HasField("collections_search"):
            search = tool.collections_search
            return CollectionsQuery(
                collection_ids=tuple(search.collection_ids),
                limit=search.limit if search.HasField("limit") else None,
                mode=_MODES[search.WhichOneof("retrieval_mode")],
            )
    return None


def _tools(request: chat_pb2.GetCompletionsRequest) -> tuple[FunctionTool, ...]:
    tools = []
    for i, tool in enumerate(request.tools):
        if not tool.HasField("function"):
            continue  # server-side tools (web search, …) are accepted and not simulated
        fn = tool.function
        if not fn.name:
            raise _invalid(f"tools[{i}].function.name is empty")
        parameters = _json_object(fn.parameters or "{}", f"tools[{i}] ({fn.name}): parameters")
        tools.append(FunctionTool(name=fn.name, description=fn.description, parameters=parameters))
    return tuple(tools)


def _json_object(text: str, where: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise _invalid(f"{where} is not valid JSON: {exc}") from None
    if not isinstance(value, dict):
        raise _invalid(f"{where} must be a JSON object (a JSON Schema)")
    return value


def _tool_choice(request: chat_pb2.GetCompletionsRequest) -> str:
    if not request.HasField("tool_choice"):
        return "auto"
    choice = request.tool_choice
    if choice.HasField("function_name"):
        return choice.function_name
    return {chat_pb2.TOOL_MODE_NONE: "none", chat_pb2.TOOL_MODE_REQUIRED: "required"}.get(
        choice.mode, "auto"
    )


def _entry(model: str) -> ModelEntry:
    entry = find_model(model, "language")
    if entry is None:
        known = ", ".join(m.name for m in models_of_kind("language"))
        raise SimStatus(
            grpc.StatusCode.NOT_FOUND,
            f"model {model!r} does not exist or you do not have access to it "
            f"(the simulator serves: {known})",
        )
    return entry


def _response_schema(fmt: chat_pb2.ResponseFormat) -> dict[str, Any] | None:
    if fmt.format_type != chat_pb2.FORMAT_TYPE_JSON_SCHEMA:
        return None
    if not fmt.HasField("schema"):
        raise _invalid("response_format: FORMAT_TYPE_JSON_SCHEMA needs a schema")
    return _json_object(fmt.schema, "response_format.schema")


def _cut_type() -> Any:
    """A message type that reads a serialized ``GetCompletionsRequest`` as a :func:`_split` needs.

    Its field 1 keeps each message's encoding as bytes; its other fields are
    those of the request a prompt reads besides the messages, with the same
    numbers and wire types (so any other field is unknown and can be dropped).
    """
    f = descriptor_pb2.FieldDescriptorProto
    proto = descriptor_pb2.FileDescriptorProto(
        name="agentrt/sim/request_cut.proto", package="agentrt_sim", syntax="proto2"
    )
    cut = proto.message_type.add(name="RequestCut")
    for name, number, kind, label in (
        ("messages", 1, f.TYPE_BYTES, f.LABEL_REPEATED),
        ("model", 2, f.TYPE_BYTES, f.LABEL_OPTIONAL),
        ("max_tokens", 7, f.TYPE_INT64, f.LABEL_OPTIONAL),
        ("n", 8, f.TYPE_INT64, f.LABEL_OPTIONAL),  # checked with the rest: part of the key
        ("response_format", 10, f.TYPE_BYTES, f.LABEL_OPTIONAL),
        ("seed", 11, f.TYPE_INT64, f.LABEL_OPTIONAL),
        ("tools", 17, f.TYPE_BYTES, f.LABEL_REPEATED),
        ("tool_choice", 18, f.TYPE_BYTES, f.LABEL_OPTIONAL),
        ("reasoning_effort", 19, f.TYPE_INT64, f.LABEL_OPTIONAL),
        ("parallel_tool_calls", 21, f.TYPE_INT64, f.LABEL_OPTIONAL),
        ("include", 26, f.TYPE_INT64, f.LABEL_REPEATED),
        ("logprobs", 5, f.TYPE_INT64, f.LABEL_OPTIONAL),
        ("top_logprobs", 6, f.TYPE_INT64, f.LABEL_OPTIONAL),
        ("service_tier", 31, f.TYPE_INT64, f.LABEL_OPTIONAL),
    ):
        cut.field.add(name=name, number=number, type=kind, label=label)
    pool = descriptor_pool.DescriptorPool()
    pool.Add(proto)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("agentrt_sim.RequestCut"))


_CUT = _cut_type()


def _split(request: chat_pb2.GetCompletionsRequest) -> tuple[list[bytes], bytes]:
    """The encodings of ``request``'s messages, and of its fields besides them that a prompt reads.

    Both in a few C calls (one serialization, one parse, no per-field Python).
    """
    cut = _CUT.FromString(request.SerializeToString())
    messages: list[bytes] = cut.messages[:]
    cut.ClearField("messages")
    cut.DiscardUnknownFields()
    return messages, cut.SerializeToString()


_OUTPUTS = frozenset(
    {
        chat_pb2.INCLUDE_OPTION_COLLECTIONS_SEARCH_CALL_OUTPUT,
        chat_pb2.INCLUDE_OPTION_ATTACHMENT_SEARCH_CALL_OUTPUT,
    }
)
_HEADS: dict[bytes, dict[str, Any]] = {}
_HEADS_KEPT = 256  # readings of the fields besides the messages (the oldest is forgotten first)
_HEAD_BYTES = 65_536  # ... when their encoding is at most this long


def _head(request: chat_pb2.GetCompletionsRequest) -> dict[str, Any]:
    """Every :class:`Prompt` field, as ``request``'s fields besides its messages give them.

    (``turns``, ``cached_turns`` and ``image_parts`` are placeholders.)
    """
    entry = _entry(request.model)
    tools = _tools(request)
    choice = _tool_choice(request)
    if choice not in ("auto", "none", "required") and choice not in {t.name for t in tools}:
        raise _invalid(f"tool_choice names function {choice!r}, which is not among the tools")
    if request.HasField("max_tokens") and request.max_tokens <= 0:
        raise _invalid("max_tokens must be positive")
    if request.HasField("n") and not 0 <= request.n <= MAX_OUTPUTS:
        raise _invalid(f"n={request.n}: ask for 1 to {MAX_OUTPUTS} answers")
    top = request.top_logprobs if request.HasField("top_logprobs") else 0
    if not 0 <= top <= MAX_TOP_LOGPROBS:
        raise _invalid(f"top_logprobs={top}: ask for 0 to {MAX_TOP_LOGPROBS} alternatives")
    if top and not request.logprobs:
        raise _invalid("top_logprobs needs logprobs=true")
    parallel = request.parallel_tool_calls if request.HasField("parallel_tool_calls") else True
    effort = request.reasoning_effort if request.HasField("reasoning_effort") else None
    prompt = Prompt(
        turns=(),
        model=entry.name,
        tools=tools,
        tool_choice=choice,
        parallel_tool_calls=parallel,
        response_schema=_response_schema(request.response_format),
        json_object=request.response_format.format_type == chat_pb2.FORMAT_TYPE_JSON_OBJECT,
        max_tokens=request.max_tokens if request.HasField("max_tokens") else None,
        seed=request.seed if request.HasField("seed") else None,
        reasoning=entry.reasoning,
        effort=_EFFORTS.get(effort, "medium") if effort is not None else "medium",
        server_tools=tuple(
            str(t.WhichOneof("tool")) for t in request.tools if not t.HasField("function")
        ),
        collections=_collections_query(request),
        tool_outputs=bool(_OUTPUTS.intersection(request.include)),
        inline_citations=chat_pb2.INCLUDE_OPTION_INLINE_CITATIONS in request.include,
        logprobs=request.logprobs,
        top_logprobs=top,
        priority=request.service_tier == usage_pb2.SERVICE_TIER_PRIORITY,
    )
    return dict(vars(prompt))


def prompt_from_request(
    request: chat_pb2.GetCompletionsRequest, history: Sequence[chat_pb2.Message] = ()
) -> Prompt:
    """The :class:`Prompt` for ``request``; ``history`` comes from ``previous_response_id``.

    What the fields besides the messages give is remembered by their encoding
    (every call of a run repeats them); errors come in the same order either way.
    """
    encodings, head_key = _split(request)
    head = _HEADS.get(head_key)
    if head is None:
        _entry(request.model)  # an unknown model is the first error
    if not encodings and not history:
        raise _invalid("messages: at least one message is required")
    turns: list[Turn] = []
    files: list[Attachment] = []
    images = 0
    if history:
        images = _read_turns([m.SerializeToString() for m in history], history, 0, turns, files)
    images += _read_turns(encodings, request.messages, len(history), turns, files)
    if head is None:
        head = _head(request)
        if len(head_key) <= _HEAD_BYTES:
            remember(_HEADS, head_key, head, _HEADS_KEPT)
    prompt = object.__new__(Prompt)  # the remembered fields, not the frozen __init__'s 14 setattrs
    vars(prompt).update(head, turns=tuple(turns), cached_turns=len(history), image_parts=images)
    if files:
        vars(prompt)["attachments"] = tuple(files)
    return prompt
