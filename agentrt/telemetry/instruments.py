"""The OpenTelemetry handles every recorder uses: one tracer and the histograms (:class:`Instruments`).

Imported only once telemetry is in use (it imports ``opentelemetry``); the
recorders (:mod:`agentrt.telemetry.chat`, :mod:`agentrt.telemetry.runs`) take
an :class:`Instruments`, and :mod:`agentrt.telemetry.spans` makes them from one.
"""

from __future__ import annotations

from typing import Any

from opentelemetry import metrics, trace

from agentrt._version import __version__
from agentrt.telemetry.names import (
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

__all__ = ["Instruments"]


class Instruments:
    """One tracer and the histograms, built from (injected or global) providers."""

    def __init__(self, tracer_provider: Any, meter_provider: Any, *, capture: bool) -> None:
        self.capture = capture
        self.chat_points: dict[tuple[Any, ...], Any] = {}
        """Metric attributes per (request model, endpoint, response model): see ``chat._points``."""
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
