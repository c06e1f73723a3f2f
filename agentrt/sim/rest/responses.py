"""``/v1/responses``: create (unary and streamed), get and delete stored responses.

A body is read into the gRPC door's request (:mod:`.responses_request`) and answered by the
same :class:`~agentrt.sim.chat.ChatService`; stored responses live in its store, so a
``previous_response_id`` made over REST continues over gRPC and the other way round.
``GET /v1/responses/{id}`` re-encodes the stored answer (a response stored over gRPC
included); the settings it echoes are the defaults, not those of the request.
"""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any

from agentrt_protos.xai.api.v1 import chat_pb2, sample_pb2
from aiohttp import web

from agentrt.sim.encode import ResponseMeta
from agentrt.sim.model import Finish, Reply, ToolCallOut
from agentrt.sim.rest.body import json_body
from agentrt.sim.rest.context import HttpContext
from agentrt.sim.rest.fields import mapping
from agentrt.sim.rest.responses_encode import response_events, response_object
from agentrt.sim.rest.responses_request import ResponsesBody, responses_request
from agentrt.sim.rest.sse import Cut, abort_error, send_events

if TYPE_CHECKING:
    from agentrt.sim.chat import Call
    from agentrt.sim.rest.deps import RestDeps

__all__ = ["add_routes", "stored_reply"]

_FINISH: dict[int, Finish] = {
    sample_pb2.REASON_TOOL_CALLS: "tool_calls",
    sample_pb2.REASON_MAX_LEN: "length",
}


def _echo(body: dict[str, Any], read: ResponsesBody) -> dict[str, Any]:
    """The request's settings a Response object repeats."""
    return {
        "instructions": read.instructions,
        "max_output_tokens": body.get("max_output_tokens"),
        "metadata": mapping(body, "metadata", "metadata") or {},
        "parallel_tool_calls": body.get("parallel_tool_calls", True),
        "previous_response_id": body.get("previous_response_id"),
        "store": read.request.store_messages,
        "temperature": body.get("temperature"),
        "top_p": body.get("top_p"),
        "text": body.get("text") or {"format": {"type": "text"}},
        "tool_choice": body.get("tool_choice") or "auto",
        "tools": body.get("tools") or [],
        "user": body.get("user"),
    }


_DEFAULTS: dict[str, Any] = {
    "instructions": None,
    "metadata": {},
    "parallel_tool_calls": True,
    "store": True,
    "text": {"format": {"type": "text"}},
    "tool_choice": "auto",
    "tools": [],
}


def stored_reply(response: chat_pb2.GetChatCompletionResponse) -> tuple[Reply, ResponseMeta]:
    """A stored response as the model's reply and its meta (to encode it again)."""
    output = response.outputs[0] if response.outputs else None
    message = output.message if output is not None else None
    calls = tuple(
        ToolCallOut(id=c.id, name=c.function.name, arguments=c.function.arguments)
        for c in (message.tool_calls if message is not None else ())
        if c.type == chat_pb2.TOOL_CALL_TYPE_CLIENT_SIDE_TOOL  # server-side calls are not kept
    )
    usage = response.usage
    reply = Reply(
        reasoning=message.reasoning_content if message is not None else "",
        content=message.content if message is not None else "",
        tool_calls=calls,
        finish=_FINISH.get(output.finish_reason if output is not None else 0, "stop"),
        prompt_tokens=usage.prompt_text_tokens,
        cached_prompt_tokens=usage.cached_prompt_text_tokens,
        completion_tokens=usage.completion_tokens,
        reasoning_tokens=usage.reasoning_tokens,
    )
    meta = ResponseMeta(
        response_id=response.id,
        model=response.model,
        fingerprint=response.system_fingerprint,
        created=response.created.seconds,
    )
    return reply, meta


def _cut(call: Call, deltas: list[int]) -> Cut | None:
    """Where the ``abort`` fault cuts: after its count of delta events (the gRPC chunks)."""
    after = call.plan.abort_after
    if after is None:
        return None
    sent = min(after, len(deltas))
    events = deltas[sent - 1] if sent else 2  # no deltas: after response.in_progress
    error = abort_error(call, sent)
    data = {"type": "error", "sequence_number": events, "code": error["code"]}
    data.update(message=error["message"], param=None)
    return Cut(events=events, error=f"event: error\ndata: {json.dumps(data)}\n\n")


def add_routes(router: web.UrlDispatcher, deps: RestDeps) -> None:
    """Mount ``POST /v1/responses``, ``GET`` and ``DELETE /v1/responses/{id}``."""
    chat = deps.chat

    async def create(request: web.Request) -> web.StreamResponse:
        body = await json_body(request)
        read = responses_request(body)
        echo = _echo(body, read)
        context: Any = HttpContext(request)  # what the gRPC handlers use of their context
        call = await chat.prepare(read.request, context)
        usage = chat.usage(call)
        if not read.stream:
            wait = chat.generation_s(call)
            if wait > 0:
                await asyncio.sleep(wait)
            if read.request.store_messages:
                chat.finish(call, read.request)
            return web.json_response(response_object(call.reply, call.meta, usage, echo))
        per = call.plan.realism.tokens_per_chunk
        events = response_events(call.reply, call.meta, usage, echo, tokens_per_chunk=per)
        cut = _cut(call, events.deltas)
        response = await send_events(request, call, events.out, "", cut)
        if cut is None and read.request.store_messages:
            chat.finish(call, read.request)
        return response

    async def get(request: web.Request) -> web.StreamResponse:
        deps.admit(HttpContext(request))
        stored = chat.completions.get(request.match_info["response_id"])
        reply, meta = stored_reply(stored.response)
        body = response_object(reply, meta, stored.response.usage, _DEFAULTS)
        return web.json_response(body)

    async def delete(request: web.Request) -> web.StreamResponse:
        deps.admit(HttpContext(request))
        response_id = request.match_info["response_id"]
        chat.completions.delete(response_id)
        return web.json_response({"id": response_id, "object": "response", "deleted": True})

    router.add_post("/v1/responses", create)
    router.add_get("/v1/responses/{response_id}", get)
    router.add_delete("/v1/responses/{response_id}", delete)
