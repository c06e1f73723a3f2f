"""Server-sent events to the caller: :class:`EventWriter`.

Events made together (an item opened and its first delta) go out in one write.
A caller that has gone away makes a write raise ``ConnectionResetError``; that
ends the handler, and with it the run (the handler's task is the run).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from aiohttp import web

__all__ = ["EventWriter"]

_HEADERS = {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    "x-accel-buffering": "no",  # proxies pass each event on at once
}


def _frame(event: Mapping[str, Any], named: bool) -> str:
    data = json.dumps(event, separators=(",", ":"), ensure_ascii=False)
    if named:
        return f"event: {event['type']}\ndata: {data}\n\n"
    return f"data: {data}\n\n"


class EventWriter:
    """Writes JSON events on a prepared ``text/event-stream`` response.

    Args:
        response: the prepared stream response.
        named: give each event an ``event:`` line with its ``type`` (the Responses API does).
    """

    def __init__(self, response: web.StreamResponse, *, named: bool) -> None:
        self.response = response
        self.named = named

    @classmethod
    async def open(cls, request: web.Request, *, named: bool) -> EventWriter:
        """Send the 200 and the event-stream headers."""
        response = web.StreamResponse(status=200, headers=_HEADERS)
        await response.prepare(request)
        return cls(response, named=named)

    async def send(self, events: Iterable[Mapping[str, Any]]) -> None:
        """Write ``events`` (in one write)."""
        text = "".join(_frame(e, self.named) for e in events)
        if text:
            await self.response.write(text.encode())

    async def finish(self, *, done: bool) -> None:
        """End the stream, with ``data: [DONE]`` first when ``done`` (chat completions)."""
        if done:
            await self.response.write(b"data: [DONE]\n\n")
        await self.response.write_eof()
