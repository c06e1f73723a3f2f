"""The OpenTelemetry SDK's own cost per span and per histogram point, no agentrt code around it.

Part of ``bench_tracing.py``: the floor no change in agentrt can go below while it
emits what the GenAI conventions ask for. Hot loop, one thread, process CPU (the
batch processor's worker thread included), µs per operation:

- ``span, chat-sized``: a CLIENT span started under a parent with 7 attributes,
  7 more set in one call at its end (a model call's ``chat {model}``);
- ``span, tool-sized``: an INTERNAL span with 5 attributes (``execute_tool``);
- ``point, exemplars off``: one histogram point with a chat call's 6 metric
  attributes, as agentrt's setup builds the meter (no exemplars);
- ``point, trace-based exemplars``: the same with the SDK's default exemplar filter
  while a sampled span is current (every point offered to a reservoir).

Spans go through a ``BatchSpanProcessor`` (queue size raised so none is dropped)
into an exporter that drops them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

__all__ = ["floor_cases"]

MODEL = "grok-4-1-fast-reasoning"
CHAT_START = {
    "gen_ai.operation.name": "chat",
    "gen_ai.provider.name": "x_ai",
    "gen_ai.request.model": MODEL,
    "server.address": "127.0.0.1",
    "server.port": 50051,
    "gen_ai.request.stream": True,
    "gen_ai.conversation.id": "run-1",
}
CHAT_END = {
    "gen_ai.response.id": "r1",
    "gen_ai.response.model": MODEL,
    "gen_ai.response.finish_reasons": ("stop",),
    "gen_ai.usage.input_tokens": 100,
    "gen_ai.usage.output_tokens": 20,
    "gen_ai.usage.reasoning.output_tokens": 0,
    "gen_ai.usage.cache_read.input_tokens": 0,
}
TOOL = {
    "gen_ai.operation.name": "execute_tool",
    "gen_ai.provider.name": "x_ai",
    "gen_ai.tool.name": "get_time",
    "gen_ai.tool.call.id": "c1",
    "gen_ai.tool.type": "function",
}
POINT = {
    "gen_ai.operation.name": "chat",
    "gen_ai.provider.name": "x_ai",
    "gen_ai.request.model": MODEL,
    "server.address": "127.0.0.1",
    "server.port": 50051,
    "gen_ai.response.model": MODEL,
}


def _timed(op: Callable[[], Any], n: int) -> Callable[[], float]:
    def run() -> float:
        start = time.process_time()
        for _ in range(n):
            op()
        return (time.process_time() - start) / n * 1e6

    return run


def floor_cases(n: int) -> dict[str, Callable[[], float]]:
    """µs per operation of each case, ``n`` operations per measurement."""
    from opentelemetry import context, trace
    from opentelemetry.sdk.metrics import TraceBasedExemplarFilter
    from opentelemetry.sdk.metrics.export import InMemoryMetricReader
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult
    from opentelemetry.trace import SpanKind

    from agentrt.telemetry.setup import sdk_meter_provider

    class Drop(SpanExporter):
        def export(self, spans: Any) -> SpanExportResult:
            return SpanExportResult.SUCCESS

    provider = TracerProvider(shutdown_on_exit=False)
    provider.add_span_processor(BatchSpanProcessor(Drop(), max_queue_size=1 << 20))
    tracer = provider.get_tracer("floor")
    parent = trace.set_span_in_context(tracer.start_span("invoke_agent weather"))

    def chat_span() -> None:
        span = tracer.start_span(
            f"chat {MODEL}", context=parent, kind=SpanKind.CLIENT, attributes=CHAT_START
        )
        span.set_attributes(CHAT_END)
        span.end()

    def tool_span() -> None:
        tracer.start_span(
            "execute_tool get_time", context=parent, kind=SpanKind.INTERNAL, attributes=TOOL
        ).end()

    def histogram(**options: Any) -> Any:
        meter = sdk_meter_provider(InMemoryMetricReader(), shutdown_on_exit=False, **options)
        return meter.get_meter("floor").create_histogram("d", unit="s")

    plain, sampled = histogram(), histogram(exemplar_filter=TraceBasedExemplarFilter())

    def sampled_point() -> None:
        token = context.attach(parent)  # a sampled span current, as during an agent's tool calls
        try:
            sampled.record(0.5, POINT)
        finally:
            context.detach(token)

    def attach_only() -> None:  # what sampled_point adds besides the point: subtracted below
        context.detach(context.attach(parent))

    attach = _timed(attach_only, n)
    sampled_run = _timed(sampled_point, n)
    return {
        "span, chat-sized": _timed(chat_span, n),
        "span, tool-sized": _timed(tool_span, n),
        "point, exemplars off": _timed(lambda: plain.record(0.5, POINT), n),
        "point, trace-based exemplars": lambda: sampled_run() - attach(),
    }
