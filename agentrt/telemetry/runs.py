"""The agent, tool and server spans: :class:`AgentRun`, :class:`ToolRun`, :class:`ServerSpan`.

Part of :mod:`agentrt.telemetry.tracing` (names in :mod:`agentrt.telemetry.names`),
imported only once telemetry is in use; every method swallows its own failures.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any

from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from agentrt.telemetry import content
from agentrt.telemetry.chat import CONVERSATION, fail_span
from agentrt.telemetry.names import OP_EXECUTE_TOOL, OP_INVOKE_AGENT, PROVIDER, Attr
from agentrt.telemetry.redaction import ACTIVE, NO_REDACTIONS, Redactions

if TYPE_CHECKING:
    from agentrt.telemetry.instruments import Instruments

__all__ = ["AgentRun", "ServerSpan", "ToolRun"]


class _Activation:
    """Make a span current (and its run's conversation id and redactions) for one synchronous stretch."""

    __slots__ = ("_conversation", "_redactions", "_span", "_tokens")

    def __init__(self, span: Any, conversation: str, redactions: Redactions) -> None:
        self._span = span
        self._conversation = conversation
        self._redactions = redactions
        self._tokens: Any = None

    def __enter__(self) -> None:
        if self._span is not None:
            try:
                ctx = trace.set_span_in_context(self._span)
                self._tokens = (
                    otel_context.attach(ctx),
                    CONVERSATION.set(self._conversation),
                    ACTIVE.set(self._redactions),
                )
            except Exception:
                self._tokens = None

    def __exit__(self, *exc_info: object) -> None:
        tokens, self._tokens = self._tokens, None
        if tokens is not None:
            try:
                ACTIVE.reset(tokens[2])
                CONVERSATION.reset(tokens[1])
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
        redactions: Redactions = NO_REDACTIONS,
    ) -> None:
        self._inst = inst
        self._conversation = conversation_id
        # What a parent run hides stays hidden in its sub-agents' spans too.
        self._redactions = shown = ACTIVE.get().merged(redactions)
        self._instructions = instructions
        self._attrs: dict[str, Any] = {
            Attr.OPERATION: OP_INVOKE_AGENT,
            Attr.PROVIDER: PROVIDER,
            Attr.AGENT_NAME: shown.value(agent),
            Attr.REQUEST_MODEL: shown.value(model),
        }
        self._description = shown.value(description)
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
                text = self._redactions.text(self._instructions)
                attrs[Attr.SYSTEM_INSTRUCTIONS] = content.system_instructions(text)
            name = f"{OP_INVOKE_AGENT} {self._attrs[Attr.AGENT_NAME]}"
            self._span = self._inst.tracer.start_span(
                name, kind=SpanKind.INTERNAL, attributes=attrs
            )
        except Exception:
            self._span = None
        return self

    def activate(self) -> _Activation:
        """Make this run's span current for a block without a ``yield``."""
        return _Activation(self._span, self._conversation, self._redactions)

    def record(self, result: Any) -> None:
        """The run's :class:`~agentrt.agents.run_result.RunResult` (usage, final text)."""
        self._result = result

    def event(self, name: str, attributes: dict[str, Any]) -> None:
        """A span event on the run's span (e.g. a model fallback); never raises."""
        if self._span is not None:
            with contextlib.suppress(Exception):
                self._span.add_event(name, attributes)

    def __exit__(
        self, et: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            span, attrs = self._span, dict(self._attrs)
            result = self._result if exc is None else getattr(exc, "result", None)
            if exc is not None and not isinstance(exc, GeneratorExit):
                attrs[Attr.ERROR_TYPE] = fail_span(span, exc, self._redactions)
            if span is not None and result is not None and span.is_recording():
                span.set_attributes(self._result_attributes(result, exc))
            self._inst.agent_duration.record(time.perf_counter() - self._t0, attrs)
            if span is not None:
                span.end()
        except Exception:
            pass

    def _result_attributes(self, result: Any, exc: BaseException | None) -> dict[str, Any]:
        """Usage (and the answer, when content is captured): set in one call, one lock."""
        usage = result.usage
        attrs: dict[str, Any] = {
            Attr.USAGE_INPUT: usage.prompt_tokens,
            Attr.USAGE_OUTPUT: usage.completion_tokens + usage.reasoning_tokens,
        }
        if usage.cost_in_usd_ticks is not None:
            attrs[Attr.USAGE_COST] = usage.cost_usd
        if self._inst.capture and exc is None:
            said = self._redactions.text(result.text)
            text = [{"type": "text", "content": said}]
            messages = [{"role": "assistant", "parts": text, "finish_reason": "stop"}]
            attrs[Attr.OUTPUT_MESSAGES] = content.dumps(messages)
        return attrs


class ToolRun:
    """The ``execute_tool`` span and duration of one tool call (a context manager)."""

    __slots__ = (
        "_arguments",
        "_inst",
        "_name",
        "_record",
        "_shown",
        "_span",
        "_t0",
        "_token",
        "call_id",
    )

    def __init__(self, inst: Instruments, name: str, call_id: str, arguments: str) -> None:
        self._inst = inst
        self._name = name
        self.call_id = call_id
        self._arguments = arguments
        self._shown = ACTIVE.get()  # the agent run's values from ${ENV}: never shown
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
                attrs[Attr.TOOL_CALL_ARGUMENTS] = content.truncate(
                    self._shown.text(self._arguments)
                )
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
        """The call's :class:`~agentrt.agents.dispatch.ToolCallRecord` (result or error)."""
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
                attrs[Attr.ERROR_TYPE] = fail_span(span, exc, self._shown)
            elif record is not None and record.error is not None:
                attrs[Attr.ERROR_TYPE] = record.error.type
                if span is not None:
                    span.set_status(Status(StatusCode.ERROR, record.error.kind))
                    span.set_attribute(Attr.ERROR_TYPE, record.error.type)
            if span is not None and record is not None and self._inst.capture:
                span.set_attribute(
                    Attr.TOOL_CALL_RESULT, content.truncate(self._shown.text(record.output))
                )
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
                fail_span(self._span, exc)
            if self._span is not None:
                self._span.end()
        except Exception:
            pass
