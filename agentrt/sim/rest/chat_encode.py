"""The model's :class:`~agentrt.sim.model.Reply` as chat completions JSON, fast.

The answer is encoded straight from the reply (not from a protobuf response), and as the
gRPC door streams it (:func:`agentrt.sim.encode.chunk_stream`): reasoning pieces, content
pieces of ``tokens_per_chunk`` tokens, the client tool calls whole in one chunk, and a
last chunk with every output's finish reason. A streamed event is made by formatting
strings (the chunk's head once per answer, each piece's JSON cached), not by dumping a
dict per event.

Usage rides on the last chunk whether or not ``stream_options.include_usage`` asked for
it, as xAI's API does (an OpenAI client reads it there either way); then ``[DONE]``.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from agentrt.sim.logprobs import alternatives, token_logprob
from agentrt.sim.tokens import tokenize

if TYPE_CHECKING:
    from agentrt_protos.xai.api.v1 import usage_pb2

    from agentrt.sim.encode import ResponseMeta
    from agentrt.sim.model import Reply

__all__ = ["DONE", "chunk_events", "completion_json", "logprobs_json", "pieces", "usage_json"]

DONE = "data: [DONE]\n\n"
"""The event that ends a chat completions stream."""

_dumps = json.dumps


@lru_cache(maxsize=1024)
def pieces(text: str, per_chunk: int) -> tuple[str, ...]:
    """``text`` cut into pieces of ``per_chunk`` tokens, as the gRPC stream cuts it.

    Cached: a load test's calls repeat their answers, and cutting is most of encoding.
    """
    tokens = tokenize(text)
    per = max(1, per_chunk)
    return tuple("".join(tokens[i : i + per]) for i in range(0, len(tokens), per))


def usage_json(usage: usage_pb2.SamplingUsage) -> dict[str, Any]:
    """``usage`` as chat completions report it (xAI's extra fields included)."""
    return {
        "prompt_tokens": usage.prompt_tokens,
        "completion_tokens": usage.completion_tokens,
        "total_tokens": usage.total_tokens,
        "prompt_tokens_details": {
            "text_tokens": usage.prompt_text_tokens,
            "audio_tokens": 0,
            "image_tokens": usage.prompt_image_tokens,
            "cached_tokens": usage.cached_prompt_text_tokens,
        },
        "completion_tokens_details": {
            "reasoning_tokens": usage.reasoning_tokens,
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        },
        "num_sources_used": usage.num_sources_used,
        "cost_in_usd_ticks": usage.cost_in_usd_ticks,
    }


def logprobs_json(text: str, top: int) -> list[dict[str, Any]]:
    """Each token of ``text`` with its log probability and ``top`` alternatives."""
    return [
        {
            "token": token,
            "logprob": token_logprob(token),
            "bytes": list(token.encode()),
            "top_logprobs": [
                {"token": alt, "logprob": lp, "bytes": list(alt.encode())}
                for alt, lp in alternatives(token, top)
            ],
        }
        for token in tokenize(text)
    ]


def _calls(reply: Reply) -> list[dict[str, Any]]:
    return [
        {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}
        for c in reply.tool_calls
    ]


def completion_json(reply: Reply, meta: ResponseMeta, usage: usage_pb2.SamplingUsage) -> bytes:
    """The unary ``chat.completion`` object (``meta.outputs`` choices)."""
    message: dict[str, Any] = {"role": "assistant", "content": reply.content}
    if reply.reasoning:
        message["reasoning_content"] = reply.reasoning
    if reply.tool_calls:
        message["tool_calls"] = _calls(reply)
    top = meta.top_logprobs
    logprobs = None if top is None else {"content": logprobs_json(reply.content, top)}
    body: dict[str, Any] = {
        "id": meta.response_id,
        "object": "chat.completion",
        "created": meta.created,
        "model": meta.model,
        "system_fingerprint": meta.fingerprint,
        "choices": [
            {"index": i, "message": message, "finish_reason": reply.finish, "logprobs": logprobs}
            for i in range(meta.outputs)
        ],
        "usage": usage_json(usage),
    }
    sources = [s for u in reply.server_tools for s in u.sources]
    if sources:
        body["citations"] = sources
    return _dumps(body).encode()


def _head(meta: ResponseMeta) -> str:
    return (
        f'data: {{"id":{_dumps(meta.response_id)},"object":"chat.completion.chunk",'
        f'"created":{meta.created},"model":{_dumps(meta.model)},'
        f'"system_fingerprint":{_dumps(meta.fingerprint)},"choices":['
    )


@lru_cache(maxsize=65_536)
def _delta(text: str, index: int, reasoning: bool, top: int | None = None) -> str:
    """One chunk's choice and the event's end, for a piece of content or reasoning."""
    key = "reasoning_content" if reasoning else "content"
    logprobs = "null" if top is None else _dumps({"content": logprobs_json(text, top)})
    return (
        f'{{"index":{index},"delta":{{"role":"assistant","{key}":{_dumps(text)}}},'
        f'"finish_reason":null,"logprobs":{logprobs}}}]}}\n\n'
    )


def _calls_event(reply: Reply, index: int) -> str:
    calls = [{"index": k, **call} for k, call in enumerate(_calls(reply))]
    delta = {"role": "assistant", "content": None, "tool_calls": calls}
    return f'{{"index":{index},"delta":{_dumps(delta)},"finish_reason":null}}]}}\n\n'


def _last_event(reply: Reply, meta: ResponseMeta, usage: usage_pb2.SamplingUsage) -> str:
    choices = ",".join(
        f'{{"index":{i},"delta":{{}},"finish_reason":"{reply.finish}"}}'
        for i in range(meta.outputs)
    )
    sources = [s for u in reply.server_tools for s in u.sources]
    extra = f',"citations":{_dumps(sources)}' if sources else ""
    return f'{choices}],"usage":{_dumps(usage_json(usage))}{extra}}}\n\n'


def chunk_events(
    reply: Reply, meta: ResponseMeta, usage: usage_pb2.SamplingUsage, *, tokens_per_chunk: int
) -> list[str]:
    """Every ``data:`` event of the streamed answer, in order, ``[DONE]`` left out."""
    head = _head(meta)
    reasoning = pieces(reply.reasoning, tokens_per_chunk)
    content = pieces(reply.content, tokens_per_chunk)
    top = meta.top_logprobs
    events: list[str] = []
    add = events.append
    for index in range(meta.outputs):
        for piece in reasoning:
            add(head + _delta(piece, index, True))
        for piece in content:
            add(head + _delta(piece, index, False, top))
        if reply.tool_calls:
            add(head + _calls_event(reply, index))
    add(head + _last_event(reply, meta, usage))
    return events
