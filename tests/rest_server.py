"""A small real HTTP server (aiohttp.web, 127.0.0.1, a real socket) that answers scripted,
OpenAI-shaped replies: the REST client's end-to-end tests talk to it.

::

    async with ScriptedServer() as server:
        server.script("/v1/chat/completions", Reply(json=completion("hi")))
        client = Client(protocol="rest", endpoint=server.url, api_key="k")

Each path has a queue of replies; the last one repeats. The server records every
request (path, headers, JSON body) and sets :attr:`ScriptedServer.disconnected`
when a client leaves a stream before its end.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

__all__ = [
    "Reply",
    "ScriptedServer",
    "chunk",
    "completion",
    "sse",
]


@dataclass
class Reply:
    """One scripted answer.

    ``events``: raw pieces written one after the other as an SSE body (``hang`` then
    keeps it open); else ``json`` / ``body`` as a whole answer after ``delay`` seconds.
    """

    status: int = 200
    json: Any = None
    body: bytes | None = None
    events: list[bytes] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = ""
    delay: float = 0.0
    hang: bool = False
    cut: bool = False  # drop the connection after the events (no end of the body)


def sse(*objects: Any, done: bool = True) -> list[bytes]:
    """SSE pieces: one ``data:`` event per object (JSON), then ``[DONE]``."""
    out = [b"data: " + json.dumps(o).encode() + b"\n\n" for o in objects]
    if done:
        out.append(b"data: [DONE]\n\n")
    return out


def completion(content: str = "", *, tool_calls: Any = None, finish: str = "stop") -> Any:
    """A ``chat.completion`` object."""
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if tool_calls:
        message["tool_calls"] = tool_calls
    return {
        "id": "cmpl-1",
        "object": "chat.completion",
        "model": "grok-test",
        "system_fingerprint": "fp-1",
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        "usage": {
            "prompt_tokens": 5,
            "completion_tokens": 3,
            "total_tokens": 12,
            "prompt_tokens_details": {"cached_tokens": 2, "text_tokens": 5},
            "completion_tokens_details": {"reasoning_tokens": 4},
        },
        "citations": ["https://a.example"],
    }


def chunk(
    content: str = "",
    *,
    reasoning: str = "",
    tool_calls: Any = None,
    finish: str | None = None,
    usage: Any = None,
) -> Any:
    """A ``chat.completion.chunk`` object with one choice."""
    delta: dict[str, Any] = {}
    if content:
        delta["content"] = content
    if reasoning:
        delta["reasoning_content"] = reasoning
    if tool_calls:
        delta["tool_calls"] = tool_calls
    out: dict[str, Any] = {
        "id": "cmpl-s",
        "object": "chat.completion.chunk",
        "model": "grok-test",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    if usage is not None:
        out["usage"] = usage
    return out


class ScriptedServer:
    """The server; ``url`` is its base URL (``http://127.0.0.1:PORT/v1``)."""

    def __init__(self, prefix: str = "/v1") -> None:
        self.prefix = prefix
        self.requests: list[tuple[str, dict[str, str], Any]] = []
        self.times: list[float] = []
        self.disconnected = asyncio.Event()
        self._replies: dict[str, list[Reply]] = {}
        self._runner: web.AppRunner | None = None
        self.url = ""

    def script(self, path: str, *replies: Reply) -> None:
        """Answer requests to ``path`` with ``replies`` in order (the last one repeats)."""
        self._replies[path] = list(replies)

    async def __aenter__(self) -> ScriptedServer:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}{self.prefix}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._runner is not None
        await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw
        path = request.path
        self.requests.append((path, dict(request.headers), body))
        self.times.append(asyncio.get_running_loop().time())
        queue = self._replies.get(path.removeprefix(self.prefix)) or self._replies.get(path)
        if not queue:
            return web.json_response({"error": {"message": f"no route {path}"}}, status=404)
        reply = queue.pop(0) if len(queue) > 1 else queue[0]
        if reply.delay:
            await asyncio.sleep(reply.delay)
        if reply.events is not None:
            return await self._stream(request, reply)
        data = reply.body if reply.body is not None else json.dumps(reply.json).encode()
        kind = reply.content_type or "application/json"
        return web.Response(
            status=reply.status, body=data, headers={**reply.headers, "Content-Type": kind}
        )

    async def _stream(self, request: web.Request, reply: Reply) -> web.StreamResponse:
        kind = reply.content_type or "text/event-stream"
        resp = web.StreamResponse(
            status=reply.status, headers={**reply.headers, "Content-Type": kind}
        )
        try:
            await resp.prepare(request)
            for piece in reply.events or ():
                await resp.write(piece)
            if reply.cut and request.transport is not None:
                await asyncio.sleep(0.05)  # let the events reach the client first
                request.transport.close()
                return resp
            while reply.hang:
                await asyncio.sleep(0.02)
                await resp.write(b": keep-alive\n\n")
        except (ConnectionResetError, asyncio.CancelledError):
            self.disconnected.set()
            raise
        return resp
