"""The OpenTelemetry side of :mod:`agentrt.tracing`: instruments and per-operation recorders.

Imported only once telemetry is in use (it imports ``opentelemetry``). Every
public method here swallows its own failures: telemetry never raises into
agentrt's calls. Names, buckets and the content switch come from
:mod:`agentrt.tracing`; content rendering from :mod:`agentrt.telemetry_content`.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from contextvars import ContextVar
from types import TracebackType
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import metrics, propagate, trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from agentrt import telemetry_content as content
from agentrt._version import __version__
from agentrt.tracing import (
    AGENT_DURATION,
    DURATION_BUCKETS,
    INSTRUMENTATION_NAME,
    OP_CHAT,
    OP_EXECUTE_TOOL,
    OP_INVOKE_AGENT,
    OPERATION_DURATION,
    PROVIDER,
    TIME_PER_OUTPUT_CHUNK,
    TIME_TO_FIRST_CHUNK,
    TOKEN_BUCKETS,
    TOKEN_USAGE,
    TOOL_DURATION,
    Attr,
)

__all__ = ["AgentRun", "ChatCall", "Instruments", "ServerSpan", "ToolRun"]

# The conversation (agent run id) of the agent run whose span is active.
_CONVERSATION: ContextVar[str] = ContextVar("agentrt_conversation", default="")
_OUTPUT_TYPES = {1: "text", 2: "json", 3: "json"}
_OPTIONAL_FLOATS = (
    ("temperature", Attr.REQUEST_TEMPERATURE),
    ("top_p", Attr.REQUEST_TOP_P),
    ("frequency_penalty", Attr.REQUEST_FREQUENCY_PENALTY),
    ("presence_penalty", Attr.REQUEST_PRESENCE_PENALTY),
)
_OPTIONAL_INTS = (("max_tokens", Attr.REQUEST_MAX_TOKENS), ("seed", Attr.REQUEST_SEED))


def _split_endpoint(endpoint: str) -> tuple[str, int]:
    host, _, port = endpoint.rpartition(":")
    host = host.strip("[]") or endpoint
    try:
        return host, int(port)
    except ValueError:
        return endpoint, 443


def _fail(span: Any, exc: BaseException) -> str:
    """Mark ``span`` failed by ``exc``; the ``error.type`` to put on metrics."""
    kind = type(exc).__name__
    if span is not None:
        span.set_status(Status(StatusCode.ERROR, content.truncate(str(exc), 500)))
        span.set_attribute(Attr.ERROR_TYPE, kind)
    return kind


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


class ChatCall:
    """The span and metrics of one model call (unary or stream), retries included."""

    __slots__ = (
        "_attrs",
        "_conversation",
        "_inst",
        "_parent",
        "_request",
        "_span",
        "_stream",
        "_t0",
    )

    def __init__(self, inst: Instruments, request: Any, stream: bool, endpoint: str) -> None:
        self._inst = inst
        self._request = request
        self._stream = stream
        self._parent = otel_context.get_current()
        self._conversation = _CONVERSATION.get()
        self._span: Any = None
        self._t0 = 0.0
        host, port = _split_endpoint(endpoint)
        self._attrs: dict[str, Any] = {
            Attr.OPERATION: OP_CHAT,
            Attr.PROVIDER: PROVIDER,
            Attr.REQUEST_MODEL: request.model,
            Attr.SERVER_ADDRESS: host,
            Attr.SERVER_PORT: port,
        }

    def begin(self) -> tuple[tuple[str, str], ...]:
        """Start the span now; the ``traceparent`` (…) metadata that continues it."""
        self._t0 = time.perf_counter()
        try:
            span = self._span = self._inst.tracer.start_span(
                f"{OP_CHAT} {self._request.model}",
                context=self._parent,
                kind=SpanKind.CLIENT,
                attributes=self._request_attributes(),
            )
            if self._inst.capture and span.is_recording():
                span.set_attribute(Attr.INPUT_MESSAGES, content.input_messages(self._request))
                if self._request.tools:
                    span.set_attribute(
                        Attr.TOOL_DEFINITIONS, content.tool_definitions(self._request)
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
            attrs[Attr.REQUEST_STOP] = list(req.stop)
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
            attrs = dict(self._attrs)
            if response.model:
                attrs[Attr.RESPONSE_MODEL] = response.model
            usage = response.usage
            output = usage.completion_tokens + usage.reasoning_tokens
            if span is not None and span.is_recording():
                span.set_attributes(self._response_attributes(response, output, first))
            inst.duration.record(end - self._t0, attrs)
            if usage.prompt_tokens or output:
                inst.tokens.record(usage.prompt_tokens, {**attrs, Attr.TOKEN_TYPE: "input"})
                inst.tokens.record(output, {**attrs, Attr.TOKEN_TYPE: "output"})
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
            Attr.RESPONSE_MODEL: response.model,
            Attr.RESPONSE_FINISH_REASONS: [
                c.finish_reason for c in response.choices if c.finish_reason
            ],
            Attr.USAGE_INPUT: usage.prompt_tokens,
            Attr.USAGE_OUTPUT: output,
            Attr.USAGE_REASONING: usage.reasoning_tokens,
            Attr.USAGE_CACHE_READ: usage.cached_prompt_text_tokens,
        }
        if first:
            attrs[Attr.RESPONSE_TIME_TO_FIRST_CHUNK] = first - self._t0
        if self._inst.capture:
            attrs[Attr.OUTPUT_MESSAGES] = content.output_messages(response)
        return attrs

    def failed(self, exc: BaseException, first: float = 0.0) -> None:
        """The call raised ``exc`` (``GeneratorExit``: the consumer stopped early, not an error)."""
        try:
            end = time.perf_counter()
            attrs = dict(self._attrs)
            span = self._span
            if not isinstance(exc, GeneratorExit):
                attrs[Attr.ERROR_TYPE] = _fail(span, exc)
            if first and span is not None:
                span.set_attribute(Attr.RESPONSE_TIME_TO_FIRST_CHUNK, first - self._t0)
            self._inst.duration.record(end - self._t0, attrs)
            if first:
                self._inst.first_chunk.record(first - self._t0, attrs)
            if span is not None:
                span.end()
        except Exception:
            pass


class _Activation:
    """Make a span current (and its run's conversation id) for one synchronous stretch."""

    __slots__ = ("_conversation", "_span", "_tokens")

    def __init__(self, span: Any, conversation: str) -> None:
        self._span = span
        self._conversation = conversation
        self._tokens: Any = None

    def __enter__(self) -> None:
        if self._span is not None:
            try:
                ctx = trace.set_span_in_context(self._span)
                self._tokens = (otel_context.attach(ctx), _CONVERSATION.set(self._conversation))
            except Exception:
                self._tokens = None

    def __exit__(self, *exc_info: object) -> None:
        tokens, self._tokens = self._tokens, None
        if tokens is not None:
            try:
                _CONVERSATION.reset(tokens[1])
                otel_context.detach(tokens[0])
            except Exception:
                pass


class AgentRun:
    """The ``invoke_agent`` span and duration of one agent run (a context manager)."""

    def __init__(
        self,
        inst: Instruments,
        *,
        agent: str,
        model: str,
        conversation_id: str,
        instructions: str = "",
        tools: Any = (),
        description: str = "",
    ) -> None:
        self._inst = inst
        self._conversation = conversation_id
        self._instructions = instructions
        self._attrs: dict[str, Any] = {
            Attr.OPERATION: OP_INVOKE_AGENT,
            Attr.PROVIDER: PROVIDER,
            Attr.AGENT_NAME: agent,
            Attr.REQUEST_MODEL: model,
        }
        self._description = description
        self._span: Any = None
        self._result: Any = None
        self._t0 = 0.0

    def __enter__(self) -> AgentRun:
        self._t0 = time.perf_counter()
        try:
            attrs = {**self._attrs, Attr.CONVERSATION_ID: self._conversation}
            if self._description:
                attrs[Attr.AGENT_DESCRIPTION] = self._description
            if self._inst.capture and self._instructions:
                attrs[Attr.SYSTEM_INSTRUCTIONS] = content.system_instructions(self._instructions)
            name = f"{OP_INVOKE_AGENT} {self._attrs[Attr.AGENT_NAME]}"
            self._span = self._inst.tracer.start_span(
                name, kind=SpanKind.INTERNAL, attributes=attrs
            )
        except Exception:
            self._span = None
        return self

    def activate(self) -> _Activation:
        """Make this run's span current for a block without a ``yield``."""
        return _Activation(self._span, self._conversation)

    def record(self, result: Any) -> None:
        """The run's :class:`~agentrt.run_result.RunResult` (usage, final text)."""
        self._result = result

    def __exit__(
        self, et: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            span, attrs = self._span, dict(self._attrs)
            result = self._result if exc is None else getattr(exc, "result", None)
            if exc is not None and not isinstance(exc, GeneratorExit):
                attrs[Attr.ERROR_TYPE] = _fail(span, exc)
            if span is not None and result is not None:
                usage = result.usage
                span.set_attribute(Attr.USAGE_INPUT, usage.prompt_tokens)
                span.set_attribute(
                    Attr.USAGE_OUTPUT, usage.completion_tokens + usage.reasoning_tokens
                )
                if self._inst.capture and exc is None:
                    text = [{"type": "text", "content": result.text}]
                    messages = [{"role": "assistant", "parts": text, "finish_reason": "stop"}]
                    span.set_attribute(Attr.OUTPUT_MESSAGES, content.dumps(messages))
            self._inst.agent_duration.record(time.perf_counter() - self._t0, attrs)
            if span is not None:
                span.end()
        except Exception:
            pass


class ToolRun:
    """The ``execute_tool`` span and duration of one tool call (a context manager)."""

    __slots__ = ("_arguments", "_inst", "_name", "_record", "_span", "_t0", "_token", "call_id")

    def __init__(self, inst: Instruments, name: str, call_id: str, arguments: str) -> None:
        self._inst = inst
        self._name = name
        self.call_id = call_id
        self._arguments = arguments
        self._record: Any = None
        self._span: Any = None
        self._token: Any = None
        self._t0 = 0.0

    def start(self, *, start_time: int | None = None, attach: bool = True) -> None:
        """Start the span (current from now on when ``attach``)."""
        self._t0 = time.perf_counter()
        try:
            attrs: dict[str, Any] = {
                Attr.OPERATION: OP_EXECUTE_TOOL,
                Attr.PROVIDER: PROVIDER,
                Attr.TOOL_NAME: self._name,
                Attr.TOOL_CALL_ID: self.call_id,
                Attr.TOOL_TYPE: "function",
            }
            if self._inst.capture:
                attrs[Attr.TOOL_CALL_ARGUMENTS] = content.truncate(self._arguments)
            span = self._span = self._inst.tracer.start_span(
                f"{OP_EXECUTE_TOOL} {self._name}",
                kind=SpanKind.INTERNAL,
                attributes=attrs,
                start_time=start_time,
            )
            if attach:
                self._token = otel_context.attach(trace.set_span_in_context(span))
        except Exception:
            pass

    def done(self, record: Any) -> None:
        """The call's :class:`~agentrt.dispatch.ToolCallRecord` (result or error)."""
        self._record = record

    def finish(
        self,
        exc: BaseException | None,
        *,
        end_time: int | None = None,
        seconds: float | None = None,
    ) -> None:
        """End the span (``exc``: what escaped the block, e.g. a cancellation)."""
        try:
            token, self._token = self._token, None
            if token is not None:
                otel_context.detach(token)
            span, record = self._span, self._record
            attrs: dict[str, Any] = {Attr.OPERATION: OP_EXECUTE_TOOL, Attr.TOOL_NAME: self._name}
            if exc is not None and not isinstance(exc, GeneratorExit):
                attrs[Attr.ERROR_TYPE] = _fail(span, exc)
            elif record is not None and record.error is not None:
                attrs[Attr.ERROR_TYPE] = record.error.type
                if span is not None:
                    span.set_status(Status(StatusCode.ERROR, record.error.kind))
                    span.set_attribute(Attr.ERROR_TYPE, record.error.type)
            if span is not None and record is not None and self._inst.capture:
                span.set_attribute(Attr.TOOL_CALL_RESULT, content.truncate(record.output))
            took = time.perf_counter() - self._t0 if seconds is None else seconds
            self._inst.tool_duration.record(took, attrs)
            if span is not None:
                span.end(end_time=end_time)
        except Exception:
            pass

    def __enter__(self) -> ToolRun:
        self.start()
        return self

    def __exit__(
        self, et: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.finish(exc)


class ServerSpan:
    """A SERVER span for one incoming gRPC call, continuing the caller's trace context."""

    __slots__ = ("_attach", "_inst", "_metadata", "_method", "_span", "_token")

    def __init__(
        self, inst: Instruments, method: str, metadata: Mapping[str, str], attach: bool
    ) -> None:
        self._inst = inst
        self._method = method
        self._metadata = metadata
        self._attach = attach
        self._span: Any = None
        self._token: Any = None

    def __enter__(self) -> None:
        try:
            parent = propagate.extract(dict(self._metadata))
            service, _, method = self._method.partition("/")
            attrs = {Attr.RPC_SYSTEM: "grpc", Attr.RPC_SERVICE: service, Attr.RPC_METHOD: method}
            span = self._span = self._inst.tracer.start_span(
                self._method, context=parent, kind=SpanKind.SERVER, attributes=attrs
            )
            if self._attach:
                self._token = otel_context.attach(trace.set_span_in_context(span, parent))
        except Exception:
            pass

    def __exit__(
        self, et: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            token, self._token = self._token, None
            if token is not None:
                otel_context.detach(token)
            if exc is not None and not isinstance(exc, GeneratorExit):
                _fail(self._span, exc)
            if self._span is not None:
                self._span.end()
        except Exception:
            pass
