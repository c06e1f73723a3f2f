"""Sending an answer's server-sent events: :func:`send_events`, :class:`Cut`.

Without pacing (no ``--itl-ms``) every event of the answer is joined into one body and
written once, after the time to first token: a load test's simulator then spends its time
on requests, not on writes. With pacing each event is written when it is due. The
``abort`` fault sends the events before the cut, an error event, and then cuts the
connection mid-body (no ``[DONE]``, no ``response.completed``), so every client sees the
stream end early, whether or not it reads error events.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    from agentrt.sim.chat import Call

__all__ = ["SSE_HEADERS", "Cut", "abort_error", "send_events"]

SSE_HEADERS = {"cache-control": "no-cache", "x-accel-buffering": "no"}
"""Headers of every event stream."""

_CONTENT_TYPE = "text/event-stream"


@dataclass(frozen=True, slots=True)
class Cut:
    """Where an ``abort`` fault cuts a stream: after ``events`` events, sending ``error``."""

    events: int
    error: str  # the error event, formatted


def abort_error(call: Call, sent: int) -> dict[str, str | None]:
    """What an ``abort`` fault says before it cuts a stream (the gRPC door's UNAVAILABLE)."""
    return {
        "message": f"simulated fault: stream aborted after {sent} chunks "
        f"(call {call.plan.call_number})",
        "type": "service_unavailable_error",
        "param": None,
        "code": "503",
    }


async def send_events(
    request: web.Request, call: Call, events: list[str], end: str, cut: Cut | None
) -> web.StreamResponse:
    """Answer ``request`` with ``events`` then ``end``, paced as ``call``'s plan says."""
    realism = call.plan.realism
    first = realism.ttft_ms / 1000 + call.delay_s
    gap = realism.itl_ms / 1000
    if cut is None and gap <= 0:
        if first > 0:
            await asyncio.sleep(first)
        body = "".join(events) + end
        return web.Response(body=body.encode(), content_type=_CONTENT_TYPE, headers=SSE_HEADERS)
    response = web.StreamResponse(headers={**SSE_HEADERS, "content-type": _CONTENT_TYPE})
    await response.prepare(request)
    if first > 0:
        await asyncio.sleep(first)
    sent = events if cut is None else events[: cut.events]
    try:
        if gap > 0:
            for i, event in enumerate(sent):
                if i:
                    await asyncio.sleep(gap)
                await response.write(event.encode())
        else:
            await response.write("".join(sent).encode())
        if cut is None:
            await response.write(end.encode())
            return response
        await response.write(cut.error.encode())
    except ConnectionError:
        return response  # the client has gone: nothing more to send
    transport = request.transport
    if transport is not None:
        transport.close()  # mid-body: the client sees the stream cut, not a clean end
    return response
