"""A run streamed to the caller as server-sent events: :func:`stream_run`.

The API's event shapes come from an :class:`EventShapes` (Responses API or
chat completions). A run that fails after the stream has begun cannot change
the HTTP status any more, so its failure is the stream's last event. A caller
that goes away ends the handler, and the run's ``async with`` closes its model
stream and cancels its tools on the way out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

from aiohttp import web

from agentrt.agents.events import RunFinished
from agentrt.errors import AgentError
from agentrt.serve.rest.errors import ApiError, api_error_for, report_internal
from agentrt.serve.rest.run import run_failed
from agentrt.serve.rest.sse import EventWriter
from agentrt.xai.chat_response import Usage

if TYPE_CHECKING:
    from agentrt.agents.events import AgentEvent
    from agentrt.serve.rest.run import PreparedRun
    from agentrt.serve.status import Scrubber

__all__ = ["EventShapes", "stream_run"]

Events = Sequence[dict[str, Any]]


class EventShapes(Protocol):
    """One API's stream events for a run's start, agent events, end and failure."""

    named: bool
    """Whether each event carries an ``event:`` line."""
    done_marker: bool
    """Whether the stream ends with ``data: [DONE]``."""

    def started(self) -> Events: ...
    def on(self, event: AgentEvent) -> Events: ...
    def completed(self, usage: Usage) -> Events: ...
    def failed(self, failure: ApiError) -> Events: ...


async def stream_run(
    request: web.Request, run: PreparedRun, shapes: EventShapes, *, scrub: Scrubber
) -> web.StreamResponse:
    """Run ``run``, sending its events as they come; the response once the stream has ended."""
    writer = await EventWriter.open(request, named=shapes.named)
    await writer.send(shapes.started())
    usage = Usage()
    try:
        async with run.agent.stream(run.request.given, **run.kwargs) as events:
            async for event in events:
                sent = shapes.on(event)
                if sent:
                    await writer.send(sent)
                if isinstance(event, RunFinished):
                    usage = event.result.usage
    except AgentError as exc:
        await writer.send(shapes.failed(api_error_for(run_failed(run, exc), scrub)))
    except ConnectionError:  # the caller has gone: nobody to tell
        raise
    except Exception as exc:  # cancellation (a BaseException) passes through untouched
        failure = api_error_for(exc, scrub)
        report_internal(exc, failure, scrub)
        await writer.send(shapes.failed(failure))
    else:
        await writer.send(shapes.completed(usage))
    await writer.finish(done=shapes.done_marker)
    return writer.response
