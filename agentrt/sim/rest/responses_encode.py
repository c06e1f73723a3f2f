"""The model's :class:`~agentrt.sim.model.Reply` as a Responses API object and its events.

Output items, in the order the model produced them: ``reasoning`` (its text as a
``reasoning_text`` part), the server-side tool calls (``web_search_call`` for web and X
search, ``file_search_call`` for collections and attachments, ``code_interpreter_call``),
the ``message`` (one ``output_text`` part; left out when the model only called tools), and
a ``function_call`` per client tool call. ``usage.output_tokens`` counts reasoning tokens
too (``output_tokens_details.reasoning_tokens``), so input + output = total.

A stream is ``response.created``, ``response.in_progress``, then per item
``output_item.added``, its part and deltas (``reasoning_text.delta``,
``output_text.delta`` in pieces of ``tokens_per_chunk`` tokens as the gRPC stream cuts
them, ``function_call_arguments.delta``), their ``.done`` events, ``output_item.done``, and
``response.completed``; every event numbered by ``sequence_number``. Delta events are
formatted strings, not dicts.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from agentrt.sim.rest.chat_encode import logprobs_json, pieces

if TYPE_CHECKING:
    from agentrt_protos.xai.api.v1 import usage_pb2

    from agentrt.sim.encode import ResponseMeta
    from agentrt.sim.model import Reply
    from agentrt.sim.server_tools import ServerToolUse

__all__ = ["Events", "response_events", "response_object", "usage_json"]

_dumps = json.dumps


def usage_json(usage: usage_pb2.SamplingUsage) -> dict[str, Any]:
    """``usage`` as the Responses API reports it."""
    return {
        "input_tokens": usage.prompt_tokens,
        "input_tokens_details": {"cached_tokens": usage.cached_prompt_text_tokens},
        "output_tokens": usage.completion_tokens + usage.reasoning_tokens,
        "output_tokens_details": {"reasoning_tokens": usage.reasoning_tokens},
        "total_tokens": usage.total_tokens,
        "num_sources_used": usage.num_sources_used,
        "cost_in_usd_ticks": usage.cost_in_usd_ticks,
    }


def _server_item(u: ServerToolUse) -> dict[str, Any]:
    status = "failed" if u.error else "completed"
    if u.kind in ("web_search", "x_search"):
        action = {"type": "search", "query": u.arguments, "sources": []}
        return {"id": u.id, "type": "web_search_call", "status": status, "action": action}
    if u.kind == "code_execution":
        return {
            "id": u.id,
            "type": "code_interpreter_call",
            "status": status,
            "code": u.arguments,
            "container_id": "sim",
            "outputs": [{"type": "logs", "logs": u.output}] if u.output else [],
        }
    return {
        "id": u.id,
        "type": "file_search_call",
        "status": status,
        "queries": [u.arguments],
        "results": None,
    }


def _logprobs(text: str, top: int | None) -> list[dict[str, Any]]:
    return [] if top is None else logprobs_json(text, top)


def _text_part(text: str, top: int | None) -> dict[str, Any]:
    return {
        "type": "output_text",
        "text": text,
        "annotations": [],
        "logprobs": _logprobs(text, top),
    }


def _items(reply: Reply, rid: str, status: str, top: int | None) -> list[dict[str, Any]]:
    """Every output item of ``reply``, each with ``status``."""
    items: list[dict[str, Any]] = []
    if reply.reasoning:
        content = [{"type": "reasoning_text", "text": reply.reasoning}]
        items.append({"id": f"rs_{rid}", "type": "reasoning", "summary": [], "content": content})
    items.extend(_server_item(u) for u in reply.server_tools)
    if reply.content or not reply.tool_calls:
        items.append(
            {
                "id": f"msg_{rid}",
                "type": "message",
                "role": "assistant",
                "status": status,
                "content": [_text_part(reply.content, top)],
            }
        )
    for c in reply.tool_calls:
        items.append(
            {
                "id": f"fc_{c.id}",
                "type": "function_call",
                "call_id": c.id,
                "name": c.name,
                "arguments": c.arguments,
                "status": status,
            }
        )
    return items


def response_object(
    reply: Reply,
    meta: ResponseMeta,
    usage: usage_pb2.SamplingUsage | None,
    echo: dict[str, Any],
    *,
    done: bool = True,
) -> dict[str, Any]:
    """The ``response`` object; ``done=False``: as ``response.created`` shows it (no output)."""
    status = "completed"
    incomplete = None
    if reply.finish == "length":
        status, incomplete = "incomplete", {"reason": "max_output_tokens"}
    return {
        "id": meta.response_id,
        "object": "response",
        "created_at": meta.created,
        "status": status if done else "in_progress",
        "model": meta.model,
        "output": _items(reply, meta.response_id, "completed", meta.top_logprobs) if done else [],
        "usage": usage_json(usage) if done and usage is not None else None,
        "error": None,
        "incomplete_details": incomplete if done else None,
        **echo,
    }


class Events:
    """A stream's events being written: each numbered, as ``event:`` and ``data:`` lines."""

    __slots__ = ("deltas", "out")

    def __init__(self) -> None:
        self.out: list[str] = []
        self.deltas: list[int] = []  # the place after each delta event (where a cut may come)

    def add(self, kind: str, fields: str, *, delta: bool = False) -> None:
        """Append event ``kind`` whose JSON members after ``type``/``sequence_number`` are
        ``fields`` (already formatted)."""
        n = len(self.out)
        self.out.append(
            f'event: {kind}\ndata: {{"type":"{kind}","sequence_number":{n},{fields}}}\n\n'
        )
        if delta:
            self.deltas.append(n + 1)

    def item(self, kind: str, index: int, item: dict[str, Any]) -> None:
        """An ``output_item.added``/``.done`` event."""
        self.add(kind, f'"output_index":{index},"item":{_dumps(item)}')


def _text_events(
    events: Events, index: int, item: dict[str, Any], text: str, per_chunk: int, top: int | None
) -> None:
    """The part, deltas and done events of a ``message`` or ``reasoning`` item's text."""
    reasoning = item["type"] == "reasoning"
    kind = "reasoning_text" if reasoning else "output_text"
    part = item["content"][0]
    where = f'"item_id":"{item["id"]}","output_index":{index},"content_index":0'
    none = "" if reasoning else ',"logprobs":[]'
    empty = {**part, "text": ""} if reasoning else _text_part("", None)
    events.add("response.content_part.added", f'{where},"part":{_dumps(empty)}')
    for piece in pieces(text, per_chunk):
        extra = none if reasoning or top is None else f',"logprobs":{_dumps(_logprobs(piece, top))}'
        events.add(f"response.{kind}.delta", f'{where},"delta":{_dumps(piece)}{extra}', delta=True)
    extra = none if reasoning else f',"logprobs":{_dumps(part["logprobs"])}'
    events.add(f"response.{kind}.done", f'{where},"text":{_dumps(text)}{extra}')
    events.add("response.content_part.done", f'{where},"part":{_dumps(part)}')


def _call_events(events: Events, index: int, item: dict[str, Any]) -> None:
    """A ``function_call`` item's arguments: one delta (they are made whole), then done."""
    events.item(
        "response.output_item.added", index, {**item, "status": "in_progress", "arguments": ""}
    )
    where = f'"item_id":"{item["id"]}","output_index":{index}'
    arguments = _dumps(item["arguments"])
    events.add("response.function_call_arguments.delta", f'{where},"delta":{arguments}', delta=True)
    events.add(
        "response.function_call_arguments.done",
        f'{where},"name":{_dumps(item["name"])},"arguments":{arguments}',
    )


def response_events(
    reply: Reply,
    meta: ResponseMeta,
    usage: usage_pb2.SamplingUsage,
    echo: dict[str, Any],
    *,
    tokens_per_chunk: int,
) -> Events:
    """Every event of the streamed response, in order."""
    events = Events()
    start = _dumps(response_object(reply, meta, None, echo, done=False))
    events.add("response.created", f'"response":{start}')
    events.add("response.in_progress", f'"response":{start}')
    top, per = meta.top_logprobs, tokens_per_chunk
    for index, item in enumerate(_items(reply, meta.response_id, "completed", top)):
        kind = item["type"]
        if kind == "message":
            added = {**item, "status": "in_progress", "content": []}
            events.item("response.output_item.added", index, added)
            _text_events(events, index, item, reply.content, per, top)
        elif kind == "reasoning":
            events.item("response.output_item.added", index, {**item, "content": []})
            _text_events(events, index, item, reply.reasoning, per, top)
        elif kind == "function_call":
            _call_events(events, index, item)
        else:
            events.item("response.output_item.added", index, item)
        events.item("response.output_item.done", index, item)
    final = response_object(reply, meta, usage, echo)
    end = "response.incomplete" if final["status"] == "incomplete" else "response.completed"
    events.add(end, f'"response":{_dumps(final)}')
    return events
