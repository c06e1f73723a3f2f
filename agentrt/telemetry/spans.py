"""The OpenTelemetry side of :mod:`agentrt.telemetry.tracing`: the recorders, made by :class:`Spans`.

Imported only once telemetry is in use (it imports ``opentelemetry``). The
recorders it makes live in :mod:`agentrt.telemetry.chat` (model calls) and
:mod:`agentrt.telemetry.runs` (agent runs, tool calls, server calls); every
public method of theirs swallows its own failures, so telemetry never raises
into agentrt's calls. The tracer and histograms are
:mod:`agentrt.telemetry.instruments`; names, buckets and the content switch
come from :mod:`agentrt.telemetry.names`; content rendering from
:mod:`agentrt.telemetry.content`.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from agentrt.telemetry.chat import ChatCall
from agentrt.telemetry.instruments import Instruments
from agentrt.telemetry.runs import AgentRun, ServerSpan, ToolRun

__all__ = ["AgentRun", "ChatCall", "Instruments", "ServerSpan", "Spans", "ToolRun"]


class Spans(Instruments):
    """The recorders of model calls, agent runs, tool calls and server calls, over one :class:`Instruments`."""

    def chat_call(self, request: Any, *, stream: bool, endpoint: str) -> ChatCall:
        """See :meth:`agentrt.telemetry.tracing.Telemetry.chat_call`."""
        return ChatCall(self, request, stream, endpoint)

    def agent_run(self, **kwargs: Any) -> AgentRun:
        """See :meth:`agentrt.telemetry.tracing.Telemetry.agent_run`."""
        return AgentRun(self, **kwargs)

    def tool_run(self, *, name: str, call_id: str, arguments: str) -> ToolRun:
        """See :meth:`agentrt.telemetry.tracing.Telemetry.tool_run`."""
        return ToolRun(self, name, call_id, arguments)

    def server_span(self, method: str, metadata: Mapping[str, str], *, attach: bool) -> ServerSpan:
        """See :meth:`agentrt.telemetry.tracing.Telemetry.server_span`."""
        return ServerSpan(self, method, metadata, attach)

    def tool_rejected(self, record: Any) -> None:
        """A span (and duration) for a tool call that was refused before it ran."""
        try:
            start = time.time_ns() - int((time.monotonic() - record.started) * 1e9)
            run = ToolRun(self, record.name, record.call_id, record.arguments)
            run.start(start_time=start, attach=False)
            run.done(record)
            run.finish(None, end_time=start + int(record.duration * 1e9), seconds=record.duration)
        except Exception:
            pass
