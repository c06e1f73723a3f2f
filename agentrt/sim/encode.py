"""From the model's :class:`~agentrt.sim.model.Reply` to wire messages, fast.

A reply that used the store's search tools (see ``chat_sources``) also carries
what the request's ``include`` asked for (``chat_sources`` leaves out the rest):
each tool's result as a ``ROLE_TOOL`` output before the answer (unary responses
only: xai-sdk would add a streamed one's content to the answer's), and the
answer's inline citations.

Streams are sent as pre-serialized bytes: protobuf fields may come in any order
and a repeated field may be split across concatenated encodings, so a chunk is
the bytes of its header (id, model, created, fingerprint; built once per
response) followed by the bytes of its ``outputs`` entry (built once per
distinct delta text and cached). The server's response serializer passes the
bytes through untouched, so a streamed chunk costs one dict lookup and one
concatenation in Python.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from agentrt_protos.xai.api.v1 import chat_pb2, sample_pb2, usage_pb2

from agentrt.sim.grounding import Cite
from agentrt.sim.logprobs import add_logprobs
from agentrt.sim.model import Reply
from agentrt.sim.prices import chat_cost_ticks
from agentrt.sim.server_tools import ServerToolUse
from agentrt.sim.tokens import tokenize

if TYPE_CHECKING:
    from google.protobuf.internal.containers import RepeatedCompositeFieldContainer

    _Calls = RepeatedCompositeFieldContainer[chat_pb2.ToolCall]
    _Cites = RepeatedCompositeFieldContainer[chat_pb2.InlineCitation]

__all__ = ["ResponseMeta", "chunk_stream", "completion_response", "usage_of"]

_ASSISTANT = chat_pb2.ROLE_ASSISTANT
_SERVER_TOOL_CALL_TYPE = {
    "web_search": chat_pb2.TOOL_CALL_TYPE_WEB_SEARCH_TOOL,
    "x_search": chat_pb2.TOOL_CALL_TYPE_X_SEARCH_TOOL,
    "code_execution": chat_pb2.TOOL_CALL_TYPE_CODE_EXECUTION_TOOL,
    "collections_search": chat_pb2.TOOL_CALL_TYPE_COLLECTIONS_SEARCH_TOOL,
    "attachment_search": chat_pb2.TOOL_CALL_TYPE_ATTACHMENT_SEARCH_TOOL,
}
_SERVER_TOOL_USAGE = {
    "web_search": usage_pb2.SERVER_SIDE_TOOL_WEB_SEARCH,
    "x_search": usage_pb2.SERVER_SIDE_TOOL_X_SEARCH,
    "code_execution": usage_pb2.SERVER_SIDE_TOOL_CODE_EXECUTION,
    "collections_search": usage_pb2.SERVER_SIDE_TOOL_COLLECTIONS_SEARCH,
    "attachment_search": usage_pb2.SERVER_SIDE_TOOL_ATTACHMENT_SEARCH,
}
_FINISH = {
    "stop": sample_pb2.REASON_STOP,
    "tool_calls": sample_pb2.REASON_TOOL_CALLS,
    "length": sample_pb2.REASON_MAX_LEN,
}


@dataclass(frozen=True, kw_only=True)
class ResponseMeta:
    """What every message of one response carries besides the model's output."""

    response_id: str
    model: str
    fingerprint: str
    created: int  # seconds since the epoch
    outputs: int = 1  # the request's n
    top_logprobs: int | None = None  # None: no logprobs asked; else alternatives per token
    service_tier: usage_pb2.ServiceTier = usage_pb2.SERVICE_TIER_DEFAULT


def usage_of(
    reply: Reply, *, outputs: int = 1, image_parts: int = 0, model: str = ""
) -> usage_pb2.SamplingUsage:
    """Usage as the real API reports it: total = prompt + completion + reasoning.

    ``cost_in_usd_ticks`` is priced from ``model``'s row of :mod:`agentrt.sim.prices`.
    """
    completion = reply.completion_tokens * outputs
    reasoning = reply.reasoning_tokens * outputs
    image_tokens = 256 * image_parts
    prompt = reply.prompt_tokens + image_tokens
    usage = usage_pb2.SamplingUsage(
        prompt_tokens=prompt,
        prompt_text_tokens=reply.prompt_tokens,
        prompt_image_tokens=image_tokens,
        cached_prompt_text_tokens=reply.cached_prompt_tokens,
        completion_tokens=completion,
        reasoning_tokens=reasoning,
        total_tokens=prompt + completion + reasoning,
    )
    if reply.server_tools:
        usage.server_side_tools_used.extend(_SERVER_TOOL_USAGE[u.kind] for u in reply.server_tools)
        usage.num_sources_used = sum(len(u.sources) for u in reply.server_tools)
    usage.cost_in_usd_ticks = chat_cost_ticks(model, usage)
    return usage


def _sources(reply: Reply) -> list[str]:
    return [s for u in reply.server_tools for s in u.sources]


def completion_response(
    reply: Reply, meta: ResponseMeta, usage: usage_pb2.SamplingUsage
) -> chat_pb2.GetChatCompletionResponse:
    """The unary ``GetChatCompletionResponse`` for ``reply`` (``meta.outputs`` copies).

    Outputs and tool calls are built in place (``add``), not built apart and copied in.
    """
    response = chat_pb2.GetChatCompletionResponse(
        id=meta.response_id, model=meta.model, system_fingerprint=meta.fingerprint, usage=usage
    )
    response.created.seconds = meta.created
    response.service_tier = meta.service_tier
    if reply.server_tools:
        response.citations.extend(_sources(reply))
    finish = _FINISH[reply.finish]
    top = meta.top_logprobs
    for index in range(meta.outputs):
        if reply.server_tools:
            _add_tool_outputs(response, reply, index)
        output = response.outputs.add(index=index, finish_reason=finish)
        if top is not None:
            add_logprobs(output.logprobs, reply.content, top)
        message = output.message
        if reply.server_tools:
            _add_cites(message.citations, reply)
        message.role = _ASSISTANT
        message.content = reply.content
        message.reasoning_content = reply.reasoning
        if reply.server_tools:
            _add_server_calls(message.tool_calls, reply)
        if reply.tool_calls:
            _add_client_calls(message.tool_calls, reply)
    return response


def _add_server_call(calls: _Calls, u: ServerToolUse) -> None:
    call = calls.add(
        id=u.id, type=_SERVER_TOOL_CALL_TYPE[u.kind], status=chat_pb2.TOOL_CALL_STATUS_COMPLETED
    )
    if u.error:
        call.status = chat_pb2.TOOL_CALL_STATUS_FAILED
        call.error_message = u.error
    call.function.name = u.kind
    call.function.arguments = u.arguments


def _add_server_calls(calls: _Calls, reply: Reply) -> None:
    """Add the server-side tool calls of ``reply`` to ``calls`` (they come first, as in the API)."""
    for u in reply.server_tools:
        _add_server_call(calls, u)


def _add_tool_outputs(
    response: chat_pb2.GetChatCompletionResponse, reply: Reply, index: int
) -> None:
    """A ``ROLE_TOOL`` output per server-side call with a result: the call and its result."""
    for u in reply.server_tools:
        if u.output:
            message = response.outputs.add(index=index).message
            message.role = chat_pb2.ROLE_TOOL
            message.content = u.output
            _add_server_call(message.tool_calls, u)


def _cites(reply: Reply) -> list[Cite]:
    """The inline citations the server-side calls of ``reply`` made, within its content."""
    end = len(reply.content)
    return [c for u in reply.server_tools for c in u.cites if c.end <= end]


def _add_cites(citations: _Cites, reply: Reply) -> None:
    """The inline citations of ``reply``'s content (``collections_citation`` each)."""
    for cite in _cites(reply):
        quote = cite.quote
        out = citations.add(id=cite.id, start_index=cite.start, end_index=cite.end)
        found = out.collections_citation
        found.file_id, found.chunk_id = quote.file_id, quote.chunk_id
        found.chunk_content, found.score = quote.chunk_content, quote.score
        found.collection_ids.extend(quote.collection_ids)


def _add_client_calls(calls: _Calls, reply: Reply) -> None:
    """Add the client-side tool calls of ``reply`` to ``calls``."""
    for c in reply.tool_calls:
        call = calls.add(id=c.id, type=chat_pb2.TOOL_CALL_TYPE_CLIENT_SIDE_TOOL)
        function = call.function
        function.name = c.name
        function.arguments = c.arguments


@lru_cache(maxsize=65_536)
def _delta_body(text: str, index: int, reasoning: bool, top: int | None = None) -> bytes:
    """A chunk's ``outputs`` entry: ``text`` (with its tokens' logprobs unless ``top`` is None)."""
    delta = chat_pb2.Delta(role=_ASSISTANT)
    if reasoning:
        delta.reasoning_content = text
    else:
        delta.content = text
    chunk = chat_pb2.GetChatCompletionChunk()
    out = chunk.outputs.add(delta=delta, index=index)
    if top is not None:
        add_logprobs(out.logprobs, text, top)
    return chunk.SerializeToString()


def _calls_body(add: Callable[[_Calls, Reply], None], reply: Reply, index: int) -> bytes:
    """One chunk whose delta holds the tool calls ``add`` adds of ``reply``, for output ``index``."""
    chunk = chat_pb2.GetChatCompletionChunk()
    delta = chunk.outputs.add(index=index).delta
    delta.role = _ASSISTANT
    add(delta.tool_calls, reply)
    return chunk.SerializeToString()


def _cites_body(reply: Reply, index: int) -> bytes:
    """One chunk whose delta holds the inline citations of ``reply``'s content."""
    chunk = chat_pb2.GetChatCompletionChunk()
    delta = chunk.outputs.add(index=index).delta
    delta.role = _ASSISTANT
    _add_cites(delta.citations, reply)
    return chunk.SerializeToString()


def _header(meta: ResponseMeta) -> bytes:
    head = chat_pb2.GetChatCompletionChunk(
        id=meta.response_id, model=meta.model, system_fingerprint=meta.fingerprint
    )
    head.created.seconds = meta.created
    return head.SerializeToString()


def _pieces(text: str, per_chunk: int) -> list[str]:
    tokens = tokenize(text)
    return ["".join(tokens[i : i + per_chunk]) for i in range(0, len(tokens), per_chunk)]


def chunk_stream(
    reply: Reply, meta: ResponseMeta, usage: usage_pb2.SamplingUsage, *, tokens_per_chunk: int
) -> Iterator[bytes]:
    """Every serialized ``GetChatCompletionChunk`` of the streamed reply, in order.

    Reasoning first, then server-side tool calls (one chunk), content
    ``tokens_per_chunk`` tokens per chunk, client tool calls whole in one
    chunk, and a last chunk with the finish reason, usage and citations.
    Chunks are made as they are consumed, so a long stream holds no more than
    one chunk's bytes at a time (the bodies themselves are cached).
    """
    head = _header(meta)
    per = max(1, tokens_per_chunk)
    reasoning = _pieces(reply.reasoning, per)
    content = _pieces(reply.content, per)
    for index in range(meta.outputs):
        for piece in reasoning:
            yield head + _delta_body(piece, index, True)
        if reply.server_tools:
            yield head + _calls_body(_add_server_calls, reply, index)
        for piece in content:
            yield head + _delta_body(piece, index, False, meta.top_logprobs)
        if reply.server_tools and _cites(reply):
            yield head + _cites_body(reply, index)
        if reply.tool_calls:
            yield head + _calls_body(_add_client_calls, reply, index)
    last = chat_pb2.GetChatCompletionChunk(
        usage=usage, citations=_sources(reply), service_tier=meta.service_tier
    )
    for index in range(meta.outputs):
        last.outputs.append(
            chat_pb2.CompletionOutputChunk(
                delta=chat_pb2.Delta(role=_ASSISTANT),
                index=index,
                finish_reason=_FINISH[reply.finish],
            )
        )
    yield head + last.SerializeToString()
