"""The OpenTelemetry side of :mod:`agentrt.tracing`: the tracer and histograms (:class:`Instruments`).

Imported only once telemetry is in use (it imports ``opentelemetry``). The
recorders it makes live in :mod:`agentrt.telemetry_chat` (model calls) and
:mod:`agentrt.telemetry_runs` (agent runs, tool calls, server calls); every
public method of theirs swallows its own failures, so telemetry never raises
into agentrt's calls. Names, buckets and the content switch come from
:mod:`agentrt.tracing`; content rendering from :mod:`agentrt.telemetry_content`.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from opentelemetry import metrics, trace

from agentrt._version import __version__
from agentrt.telemetry_chat import ChatCall
from agentrt.telemetry_runs import AgentRun, ServerSpan, ToolRun
from agentrt.tracing import (
    AGENT_DURATION,
    DURATION_BUCKETS,
    INSTRUMENTATION_NAME,
    OPERATION_DURATION,
    TIME_PER_OUTPUT_CHUNK,
    TIME_TO_FIRST_CHUNK,
    TOKEN_BUCKETS,
    TOKEN_USAGE,
    TOOL_DURATION,
)

__all__ = ["AgentRun", "ChatCall", "Instruments", "ServerSpan", "ToolRun"]


class Instruments:
    """One tracer and the histograms, built from (injected or global) providers."""

    def __init__(self, tracer_provider: Any, meter_provider: Any, *, capture: bool) -> None:
        self.capture = capture
        self.tracer = trace.get_tracer(INSTRUMENTATION_NAME, __version__, tracer_provider)
        meter = metrics.get_meter(INSTRUMENTATION_NAME, __version__, meter_provider)
        seconds = list(DURATION_BUCKETS)

        def histogram(name: str, description: str, unit: str = "s") -> metrics.Histogram:
            bounds = list(TOKEN_BUCKETS) if unit == "{token}" else seconds
            return meter.create_histogram(
                name, unit=unit, description=description, explicit_bucket_boundaries_advisory=bounds
            )

        self.duration = histogram(OPERATION_DURATION, "GenAI operation duration")
        self.tokens = histogram(TOKEN_USAGE, "Number of input and output tokens used", "{token}")
        self.first_chunk = histogram(TIME_TO_FIRST_CHUNK, "Time to receive the first chunk")
        self.per_chunk = histogram(TIME_PER_OUTPUT_CHUNK, "Time per output chunk after the first")
        self.agent_duration = histogram(AGENT_DURATION, "Agent run duration")
        self.tool_duration = histogram(TOOL_DURATION, "Tool call duration")

    def chat_call(self, request: Any, *, stream: bool, endpoint: str) -> ChatCall:
        """See :meth:`agentrt.tracing.Telemetry.chat_call`."""
        return ChatCall(self, request, stream, endpoint)

    def agent_run(self, **kwargs: Any) -> AgentRun:
        """See :meth:`agentrt.tracing.Telemetry.agent_run`."""
        return AgentRun(self, **kwargs)

    def tool_run(self, *, name: str, call_id: str, arguments: str) -> ToolRun:
        """See :meth:`agentrt.tracing.Telemetry.tool_run`."""
        return ToolRun(self, name, call_id, arguments)

    def server_span(self, method: str, metadata: Mapping[str, str], *, attach: bool) -> ServerSpan:
        """See :meth:`agentrt.tracing.Telemetry.server_span`."""
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
