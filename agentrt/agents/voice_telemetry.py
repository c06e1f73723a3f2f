"""A ``realtime.response {model}`` span per realtime response, and time to first audio as an attribute and a metric.

Uses the client's :class:`~agentrt.telemetry.tracing.Telemetry` (its tracer and its
``gen_ai.client.operation.time_to_first_chunk`` histogram); costs nothing while
telemetry is off. The run's ``invoke_agent`` span and the tools' ``execute_tool``
spans come from the same hooks as text runs (:mod:`agentrt.agents.run_loop`,
:mod:`agentrt.agents.dispatch`); the response spans are children of the run's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from agentrt.telemetry.names import PROVIDER, Attr
from agentrt.telemetry.tracing import activate

if TYPE_CHECKING:
    from agentrt.telemetry.runs import AgentRun
    from agentrt.telemetry.tracing import Telemetry

__all__ = ["OP_REALTIME", "SPAN_NAME", "TIME_TO_FIRST_AUDIO", "ResponseSpan"]

OP_REALTIME = "realtime"
"""``gen_ai.operation.name`` of a response span."""
SPAN_NAME = "realtime.response"
TIME_TO_FIRST_AUDIO = "agentrt.voice.time_to_first_audio"
"""Span attribute: seconds from the end of the user's turn to the response's first audio."""


class ResponseSpan:
    """The ``realtime.response {model}`` span of one response (a no-op while telemetry is off).

    (The client's ``realtime {model}`` span covers the whole session.)
    """

    def __init__(
        self, telemetry: Telemetry, run: AgentRun | None, *, model: str, response_id: str
    ) -> None:
        self._inst = inst = telemetry.instruments()
        self._span: Any = None
        self._attrs = {Attr.OPERATION: OP_REALTIME, Attr.PROVIDER: PROVIDER}
        self._attrs[Attr.REQUEST_MODEL] = model
        if inst is None:
            return
        try:
            with activate(run):  # the run's span is the parent
                self._span = inst.tracer.start_span(
                    f"{SPAN_NAME} {model}",
                    attributes={**self._attrs, Attr.RESPONSE_ID: response_id},
                )
        except Exception:  # telemetry never breaks the session
            self._span = None

    def first_audio(self, seconds: float) -> None:
        """Record the time to the first audio (attribute and histogram)."""
        if self._inst is None:
            return
        try:
            self._inst.first_chunk.record(seconds, self._attrs)
            if self._span is not None:
                self._span.set_attribute(TIME_TO_FIRST_AUDIO, seconds)
                self._span.set_attribute(Attr.RESPONSE_TIME_TO_FIRST_CHUNK, seconds)
        except Exception:
            pass

    def end(
        self, status: str, usage: Mapping[str, Any], error: BaseException | None = None
    ) -> None:
        """End the span with the response's status and token usage."""
        span, self._span = self._span, None
        if span is None:
            return
        try:
            from opentelemetry.trace import StatusCode

            span.set_attribute(Attr.RESPONSE_FINISH_REASONS, (status,))
            for key, attr in (
                ("input_tokens", Attr.USAGE_INPUT),
                ("output_tokens", Attr.USAGE_OUTPUT),
            ):
                value = usage.get(key)
                if isinstance(value, int) and not isinstance(value, bool):
                    span.set_attribute(attr, value)
            if error is not None or status == "failed":
                span.set_status(StatusCode.ERROR)
                span.set_attribute(Attr.ERROR_TYPE, type(error).__name__ if error else "failed")
            span.end()
        except Exception:
            pass
