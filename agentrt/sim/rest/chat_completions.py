"""``POST /v1/chat/completions``: unary and streamed (SSE) chat completions.

The body is read into the gRPC door's request (:mod:`.chat_request`) and answered by the
same :class:`~agentrt.sim.chat.ChatService` (admission, faults, script, stores, pacing);
the reply is encoded as OpenAI JSON (:mod:`.chat_encode`) and sent (:mod:`.sse`).
"""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any

from aiohttp import web

from agentrt.sim.rest.body import json_body
from agentrt.sim.rest.chat_encode import DONE, chunk_events, completion_json
from agentrt.sim.rest.chat_request import chat_request
from agentrt.sim.rest.context import HttpContext
from agentrt.sim.rest.sse import Cut, abort_error, send_events

if TYPE_CHECKING:
    from agentrt.sim.rest.deps import RestDeps

__all__ = ["add_routes"]


def add_routes(router: web.UrlDispatcher, deps: RestDeps) -> None:
    """Mount ``POST /v1/chat/completions``."""
    chat = deps.chat

    async def completions(request: web.Request) -> web.StreamResponse:
        read = chat_request(await json_body(request))
        context: Any = HttpContext(request)  # what the gRPC handlers use of their context
        call = await chat.prepare(read.request, context)
        usage = chat.usage(call)
        if not read.stream:
            wait = chat.generation_s(call)
            if wait > 0:
                await asyncio.sleep(wait)
            if read.request.store_messages:
                chat.finish(call, read.request)
            body = completion_json(call.reply, call.meta, usage)
            return web.Response(body=body, content_type="application/json")
        events = chunk_events(
            call.reply, call.meta, usage, tokens_per_chunk=call.plan.realism.tokens_per_chunk
        )
        cut = None
        if call.plan.abort_after is not None:
            sent = min(call.plan.abort_after, len(events))
            error = json.dumps({"error": abort_error(call, sent)})
            cut = Cut(events=sent, error=f"data: {error}\n\n")
        response = await send_events(request, call, events, DONE, cut)
        if cut is None and read.request.store_messages:
            chat.finish(call, read.request)
        return response

    router.add_post("/v1/chat/completions", completions)
