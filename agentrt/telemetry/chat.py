"""The ``chat {model}`` span and GenAI metrics of one model call: :class:`ChatCall`.

Part of :mod:`agentrt.telemetry.tracing` (names in :mod:`agentrt.telemetry.names`),
imported only once telemetry is in use; every method swallows its own
failures. Also home of the helpers the other
recorders (:mod:`agentrt.telemetry.runs`) share: the active run's conversation
id and :func:`fail_span`.
"""

from __future__ import annotations

import time
from contextvars import ContextVar
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from agentrt.telemetry import content
from agentrt.telemetry.names import OP_CHAT, PROVIDER, Attr
from agentrt.telemetry.redaction import ACTIVE, NO_REDACTIONS, Redactions

if TYPE_CHECKING:
    from agentrt.telemetry.instruments import Instruments

__all__ = ["CONVERSATION", "ChatCall", "fail_span", "split_endpoint"]

CONVERSATION: ContextVar[str] = ContextVar("agentrt_conversation", default="")
"""The conversation id (agent run id) of the agent run whose span is active."""

_OUTPUT_TYPES = {1: "text", 2: "json", 3: "json"}
_OPTIONAL_FLOATS = (
    ("temperature", Attr.REQUEST_TEMPERATURE),
    ("top_p", Attr.REQUEST_TOP_P),
    ("frequency_penalty", Attr.REQUEST_FREQUENCY_PENALTY),
    ("presence_penalty", Attr.REQUEST_PRESENCE_PENALTY),
)
_OPTIONAL_INTS = (("max_tokens", Attr.REQUEST_MAX_TOKENS), ("seed", Attr.REQUEST_SEED))


@lru_cache(maxsize=64)  # a client has one or two endpoints; every call asks
def split_endpoint(endpoint: str) -> tuple[str, int]:
    """``HOST:PORT`` as ``server.address`` and ``server.port`` (IPv6 brackets off; no port: 443)."""
    host, _, port = endpoint.rpartition(":")
    host = host.strip("[]") or endpoint
    try:
        return host, int(port)
    except ValueError:
        return endpoint, 443


def fail_span(span: Any, exc: BaseException, shown: Redactions = NO_REDACTIONS) -> str:
    """Mark ``span`` failed by ``exc``; the ``error.type`` to put on metrics."""
    kind = type(exc).__name__
    if span is not None:
        span.set_status(Status(StatusCode.ERROR, content.truncate(shown.text(str(exc)), 500)))
        span.set_attribute(Attr.ERROR_TYPE, kind)
    return kind


_Points = tuple[dict[str, Any], dict[str, Any], dict[str, Any]]
_POINTS_KEPT = 256  # (model, endpoint, response model) sets a process sees: a handful


def _points(inst: Instruments, base: dict[str, Any], model: str) -> _Points:
    """The attributes of a call's metric points: (duration, input tokens, output tokens).

    Made once per (request model, endpoint, response model) and shared by every
    call with them: the SDK copies what it keeps, and nothing here mutates them.
    A process that sees more than :data:`_POINTS_KEPT` such sets starts over.
    """
    cache = inst.chat_points
    key = (*base.values(), model)
    found = cache.get(key)
    if found is None:
        attrs = dict(base)
        if model:
            attrs[Attr.RESPONSE_MODEL] = model
        found = (
            attrs,
            {**attrs, Attr.TOKEN_TYPE: "input"},
            {**attrs, Attr.TOKEN_TYPE: "output"},
        )
        if len(cache) >= _POINTS_KEPT:
            cache.clear()
        cache[key] = found
    return found


class ChatCall:
    """The span and metrics of one model call (unary or stream), retries included."""

    __slots__ = (
        "_attrs",
        "_conversation",
        "_inst",
        "_parent",
        "_request",
        "_shown",
        "_span",
        "_stream",
        "_t0",
    )

    def __init__(self, inst: Instruments, request: Any, stream: bool, endpoint: str) -> None:
        self._inst = inst
        self._request = request
        self._stream = stream
        self._parent = otel_context.get_current()
        self._conversation = CONVERSATION.get()
        self._shown = shown = ACTIVE.get()  # the agent run's values from ${ENV}: never shown
        self._span: Any = None
        self._t0 = 0.0
        host, port = split_endpoint(endpoint)
        self._attrs: dict[str, Any] = {
            Attr.OPERATION: OP_CHAT,
            Attr.PROVIDER: PROVIDER,
            Attr.REQUEST_MODEL: shown.value(request.model),
            Attr.SERVER_ADDRESS: host,
            Attr.SERVER_PORT: port,
        }

    def begin(self) -> tuple[tuple[str, str], ...]:
        """Start the span now; the ``traceparent`` (…) metadata that continues it."""
        self._t0 = time.perf_counter()
        try:
            span = self._span = self._inst.tracer.start_span(
                f"{OP_CHAT} {self._attrs[Attr.REQUEST_MODEL]}",
                context=self._parent,
                kind=SpanKind.CLIENT,
                attributes=self._request_attributes(),
            )
            if self._inst.capture and span.is_recording():
                span.set_attribute(
                    Attr.INPUT_MESSAGES, content.input_messages(self._request, self._shown)
                )
                if self._request.tools:
                    span.set_attribute(
                        Attr.TOOL_DEFINITIONS, content.tool_definitions(self._request, self._shown)
                    )
            carrier: dict[str, str] = {}
            propagate.inject(carrier, context=trace.set_span_in_context(span, self._parent))
            return tuple(carrier.items())
        except Exception:
            return ()

    def _request_attributes(self) -> dict[str, Any]:
        req = self._request
        attrs = {**self._attrs, Attr.REQUEST_STREAM: self._stream}
        for field, key in _OPTIONAL_FLOATS:
            if req.HasField(field):
                attrs[key] = round(getattr(req, field), 6)  # float32 on the wire
        for field, key in _OPTIONAL_INTS:
            if req.HasField(field):
                attrs[key] = getattr(req, field)
        if req.HasField("n") and req.n != 1:
            attrs[Attr.REQUEST_CHOICE_COUNT] = req.n
        if req.stop:
            attrs[Attr.REQUEST_STOP] = [self._shown.value(s) for s in req.stop]
        if req.HasField("response_format"):
            attrs[Attr.OUTPUT_TYPE] = _OUTPUT_TYPES.get(req.response_format.format_type, "text")
        if self._conversation:
            attrs[Attr.CONVERSATION_ID] = self._conversation
        return attrs

    def done(self, response: Any, first: float = 0.0, chunks: int = 0) -> None:
        """The call returned ``response``; ``first``: perf_counter() at the first chunk (streams)."""
        try:
            end = time.perf_counter()
            inst, span = self._inst, self._span
            model = self._shown.value(response.model) if response.model else ""
            attrs, inputs, outputs = _points(inst, self._attrs, model)
            usage = response.usage
            output = usage.completion_tokens + usage.reasoning_tokens
            if span is not None and span.is_recording():
                span.set_attributes(self._response_attributes(response, output, first))
            inst.duration.record(end - self._t0, attrs)
            if usage.prompt_tokens or output:
                inst.tokens.record(usage.prompt_tokens, inputs)
                inst.tokens.record(output, outputs)
            if first:
                inst.first_chunk.record(first - self._t0, attrs)
                if chunks > 1:
                    inst.per_chunk.record((end - first) / (chunks - 1), attrs)
            if span is not None:
                span.end()
        except Exception:
            pass

    def _response_attributes(self, response: Any, output: int, first: float) -> dict[str, Any]:
        usage = response.usage
        attrs: dict[str, Any] = {
            Attr.RESPONSE_ID: response.id,
            Attr.RESPONSE_MODEL: self._shown.value(response.model),
            Attr.RESPONSE_FINISH_REASONS: [
                c.finish_reason for c in response.choices if c.finish_reason
            ],
            Attr.USAGE_INPUT: usage.prompt_tokens,
            Attr.USAGE_OUTPUT: output,
            Attr.USAGE_REASONING: usage.reasoning_tokens,
            Attr.USAGE_CACHE_READ: usage.cached_prompt_text_tokens,
        }
        if usage.cost_in_usd_ticks is not None:
            attrs[Attr.USAGE_COST] = usage.cost_usd
        if first:
            attrs[Attr.RESPONSE_TIME_TO_FIRST_CHUNK] = first - self._t0
        if self._inst.capture:
            attrs[Attr.OUTPUT_MESSAGES] = content.output_messages(response, self._shown)
        return attrs

    def failed(self, exc: BaseException, first: float = 0.0) -> None:
        """The call raised ``exc`` (``GeneratorExit``: the consumer stopped early, not an error)."""
        try:
            end = time.perf_counter()
            attrs = dict(self._attrs)
            span = self._span
            if not isinstance(exc, GeneratorExit):
                attrs[Attr.ERROR_TYPE] = fail_span(span, exc, self._shown)
            if first and span is not None:
                span.set_attribute(Attr.RESPONSE_TIME_TO_FIRST_CHUNK, first - self._t0)
            self._inst.duration.record(end - self._t0, attrs)
            if first:
                self._inst.first_chunk.record(first - self._t0, attrs)
            if span is not None:
                span.end()
        except Exception:
            pass
