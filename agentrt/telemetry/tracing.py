"""OpenTelemetry for agentrt: GenAI-convention spans and metrics, or nothing at all.

Every telemetry name agentrt emits is defined in :mod:`agentrt.telemetry.names`
(GenAI semantic conventions, v1.41 names). What is recorded:

- spans ``invoke_agent {agent}`` (INTERNAL), ``chat {model}`` (CLIENT, one per
  model call, retries included) and ``execute_tool {tool}`` (INTERNAL), nested
  in that order; a sub-agent's run nests under the tool call that ran it;
- histograms ``gen_ai.client.operation.duration``, ``gen_ai.client.token.usage``,
  ``gen_ai.client.operation.time_to_first_chunk``,
  ``gen_ai.client.operation.time_per_output_chunk`` (model calls), and
  ``agentrt.agent.duration`` / ``agentrt.tool.duration`` (runs, tool calls),
  with the conventions' bucket boundaries as advice to the SDK;
- the W3C ``traceparent`` of every call in its gRPC metadata, so a server that
  reads it (the simulator, ``agentrt serve``) continues the caller's trace.

Wiring::

    from agentrt.telemetry.tracing import Telemetry
    client = Client(telemetry=Telemetry(tracer_provider=tp, meter_provider=mp))
    # or nothing: the providers the application installed globally are used

    # a server continuing the caller's trace (gRPC invocation metadata):
    with server_span("xai_api.Chat/GetCompletion", dict(context.invocation_metadata())):
        ...                                  # spans started here are its children

Costs: ``import agentrt.telemetry.tracing`` imports no OpenTelemetry. Until some code
has imported ``opentelemetry.trace`` or ``opentelemetry.metrics`` (an
application that installed a provider has), or providers were passed in,
every hook is one dictionary lookup and returns ``None``. Once the API is
loaded but no provider has been installed globally (a library such as xai-sdk
imports the API; nobody set up the SDK), every hook still returns ``None``
after a check of the two global providers: spans on OpenTelemetry's no-op
proxies would cost ≈20 µs per agent turn and record nothing. A stream gains no
per-chunk work either way: the first chunk's time is taken once, the rest is
computed from totals when it ends (``time_per_output_chunk`` is recorded once
per stream, as the mean gap between output chunks).

What the SDK costs once on (``benchmarks/tracing_floor.py``, a hot loop): per
span ≈20-27 µs, per histogram point ≈9 µs (≈11 µs with the SDK's default
trace-based exemplars while a sampled span is current); the conventions ask, per
model call, for 1 span and 3 points (5 when streamed), per tool call 1 span and
1 point, per run 1 span and 1 point. agentrt adds ≈6 µs per call around them. The cheapest SDK
setup (batch span export, exemplars off) is what :mod:`agentrt.telemetry.setup` builds.

Content: prompts, answers, instructions, tool definitions and tool arguments
and results are recorded only when ``capture_content=True`` or
``OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true``, as JSON strings,
each cut at :data:`MAX_CONTENT_CHARS` with a marker. The API key and request
metadata are never recorded.

Telemetry never raises into the caller and never changes behaviour: a failure
inside a hook is swallowed. A stream's span ends when the stream is consumed,
fails (status ERROR, ``error.type``), is cancelled (ERROR, ``CancelledError``)
or is closed early by its consumer (status UNSET).

Modules: this one (:class:`Telemetry`, the cheap hooks); :mod:`agentrt.telemetry.names`
(every name); :mod:`agentrt.telemetry.instruments` (tracer and histograms),
:mod:`agentrt.telemetry.spans` (the recorders made from them),
:mod:`agentrt.telemetry.chat` (model calls), :mod:`agentrt.telemetry.runs` (agent
runs, tool calls, server calls) and :mod:`agentrt.telemetry.content` (content as
JSON), imported only once telemetry is in use; :mod:`agentrt.telemetry.setup`
(the CLI's ``--trace`` / ``--metrics`` exporters).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING, Any

from agentrt.telemetry.names import CAPTURE_CONTENT_ENV
from agentrt.telemetry.redaction import NO_REDACTIONS, Redactions

if TYPE_CHECKING:
    from agentrt.telemetry.spans import AgentRun, ChatCall, Spans

__all__ = [
    "Telemetry",
    "activate",
    "capture_from_env",
    "default_telemetry",
    "server_span",
    "set_default_telemetry",
    "telemetry_of",
    "trace_headers",
]

_ON = frozenset({"true", "1", "yes", "on", "span_only", "span_and_event"})


def capture_from_env() -> bool:
    """Whether :data:`CAPTURE_CONTENT_ENV` asks for message content (``true``)."""
    return os.environ.get(CAPTURE_CONTENT_ENV, "").strip().lower() in _ON


def _otel_loaded() -> bool:
    modules = sys.modules
    return "opentelemetry.trace" in modules or "opentelemetry.metrics" in modules


def _globals_installed() -> bool:
    """Whether a global tracer or meter provider has been set (not OpenTelemetry's proxies).

    Asked on every call while none is (a provider may be installed at any time),
    so after the first call it is two attribute reads of the API's own globals
    (:func:`_provider_probe`), not two getters that each read the environment.
    """
    probe = _PROBE or _provider_probe()
    return probe()


def _provider_probe() -> Callable[[], bool]:
    global _PROBE
    try:
        from opentelemetry import metrics, trace
        from opentelemetry.metrics import _internal  # the meter proxy's class is not public
    except Exception:  # a broken API install: let instruments() find out and stay off
        return lambda: True
    by_env = {"OTEL_PYTHON_TRACER_PROVIDER", "OTEL_PYTHON_METER_PROVIDER"} & os.environ.keys()
    if not by_env and hasattr(trace, "_TRACER_PROVIDER") and hasattr(_internal, "_METER_PROVIDER"):

        def fast() -> bool:  # both stay None until set_*_provider() is called
            return trace._TRACER_PROVIDER is not None or _internal._METER_PROVIDER is not None

        _PROBE = fast
        return fast

    def public() -> bool:  # an API whose globals are named otherwise, or providers from the env
        tracer = trace.get_tracer_provider()
        proxy_meter = isinstance(metrics.get_meter_provider(), _internal._ProxyMeterProvider)
        return not isinstance(tracer, trace.ProxyTracerProvider) or not proxy_meter

    _PROBE = public
    return public


_PROBE: Callable[[], bool] | None = None


# -- the facade ---------------------------------------------------------------------------------


class Telemetry:
    """Where agentrt's spans and metrics go, and whether content is captured.

    Args:
        tracer_provider: a ``TracerProvider`` (default: the global one, resolved per call).
        meter_provider: a ``MeterProvider`` (default: the global one).
        capture_content: record prompts, answers and tool arguments/results;
            ``None`` reads ``OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT``.
        enabled: ``False`` turns every hook into a no-op.

    Pass it to :class:`~agentrt.xai.client.Client` (``telemetry=``); agents use
    their client's. Without one, :func:`default_telemetry` (global providers) applies.
    """

    def __init__(
        self,
        *,
        tracer_provider: Any = None,
        meter_provider: Any = None,
        capture_content: bool | None = None,
        enabled: bool = True,
    ) -> None:
        self.tracer_provider = tracer_provider
        self.meter_provider = meter_provider
        self.capture_content = capture_content
        self.enabled = enabled
        self._instruments: Spans | None = None
        self._broken = False

    def __repr__(self) -> str:
        injected = self.tracer_provider is not None or self.meter_provider is not None
        return f"Telemetry(enabled={self.enabled}, injected={injected})"

    def instruments(self) -> Spans | None:
        """The tracer and histograms, or ``None`` while telemetry costs nothing (see module doc)."""
        found = self._instruments
        if found is not None or not self.enabled or self._broken:
            return found
        injected = self.tracer_provider is not None or self.meter_provider is not None
        if not injected and not (_otel_loaded() and _globals_installed()):
            return None
        try:
            from agentrt.telemetry.spans import Spans

            capture = capture_from_env() if self.capture_content is None else self.capture_content
            found = self._instruments = Spans(
                self.tracer_provider, self.meter_provider, capture=capture
            )
        except Exception:  # opentelemetry-api missing or broken: stay silent and off
            self._broken = True
        return found

    def chat_call(self, request: Any, *, stream: bool, endpoint: str) -> ChatCall | None:
        """A recorder for one model call of ``request`` (a GetCompletionsRequest), or ``None``.

        Made when the call is made (its span's parent is the context current
        now); its span starts at :meth:`ChatCall.begin`, which returns the
        ``traceparent`` metadata to send.
        """
        inst = self.instruments()
        if inst is None:
            return None
        return inst.chat_call(request, stream=stream, endpoint=endpoint)

    def agent_run(
        self,
        *,
        agent: str,
        model: str,
        conversation_id: str,
        instructions: str = "",
        tools: Any = (),
        description: str = "",
        redactions: Redactions = NO_REDACTIONS,
    ) -> AbstractContextManager[AgentRun | None]:
        """``with telemetry.agent_run(...) as run:`` around one agent run (``None`` when off).

        The span ends with the ``with`` block; an exception marks it failed
        (``GeneratorExit``, a consumer closing early, does not). Use
        :func:`activate` ``(run)`` around the run's model and tool calls.
        ``redactions``: strings the run uses but its spans (and its model calls'
        spans and metrics) show only as markers.
        """
        inst = self.instruments()
        if inst is None:
            return _NOTHING
        return inst.agent_run(
            agent=agent,
            model=model,
            conversation_id=conversation_id,
            instructions=instructions,
            tools=tools,
            description=description,
            redactions=redactions,
        )

    def tool_run(self, *, name: str, call_id: str, arguments: str) -> AbstractContextManager[Any]:
        """``with telemetry.tool_run(...) as run: ...; run.done(record)`` around one tool call.

        The span is current inside the block (a sub-agent nests under it).
        ``run`` is a no-op recorder when telemetry is off.
        """
        inst = self.instruments()
        if inst is None:
            return _NO_TOOL_RUN
        return inst.tool_run(name=name, call_id=call_id, arguments=arguments)

    def tool_rejected(self, record: Any) -> None:
        """Record a tool call that never ran (unknown tool, invalid arguments) as a failed span."""
        inst = self.instruments()
        if inst is not None:
            inst.tool_rejected(record)

    def server_span(
        self, method: str, metadata: Mapping[str, str], *, attach: bool = True
    ) -> AbstractContextManager[None]:
        """A SERVER span for gRPC ``method`` continuing the caller's ``traceparent``.

        Args:
            method: ``service/Method``, e.g. ``xai_api.Chat/GetCompletion``.
            metadata: the call's invocation metadata (lower-case keys).
            attach: make the span current inside the block, so spans started
                there (an agent run) are its children. Keep it ``True`` unless
                the block is an async generator whose steps may run in other contexts.
        """
        inst = self.instruments()
        if inst is None:
            return nullcontext()
        return inst.server_span(method, metadata, attach=attach)

    def observer(self) -> Any:
        """``observer(method, metadata)`` for :class:`agentrt.sim.SimOptions`: a server span per call."""

        def observe(method: str, metadata: Mapping[str, str]) -> AbstractContextManager[object]:
            return self.server_span(method, metadata, attach=False)

        return observe


class _NoTool:
    """What :meth:`Telemetry.tool_run` yields when telemetry is off."""

    __slots__ = ()

    def done(self, record: Any) -> None:
        """Nothing to record."""


_NO_TOOL = _NoTool()
# nullcontext keeps no state: one of each serves every call while telemetry is off
_NO_TOOL_RUN: AbstractContextManager[Any] = nullcontext(_NO_TOOL)
_NOTHING: AbstractContextManager[Any] = nullcontext()
_DEFAULT = Telemetry()


def default_telemetry() -> Telemetry:
    """The telemetry used when none is given: the global providers, content per the env."""
    return _DEFAULT


def set_default_telemetry(telemetry: Telemetry) -> None:
    """Replace :func:`default_telemetry` (e.g. ``Telemetry(enabled=False)`` to turn it all off)."""
    global _DEFAULT
    _DEFAULT = telemetry


def telemetry_of(client: Any) -> Telemetry:
    """The telemetry of ``client`` (any object with ``.telemetry``), else the default."""
    found = getattr(client, "telemetry", None)
    return found if isinstance(found, Telemetry) else _DEFAULT


def activate(run: AgentRun | None) -> AbstractContextManager[None]:
    """Make ``run``'s span current for the block (no-op for ``None``).

    For synchronous blocks or single awaits only, never across a ``yield``.
    """
    if run is None:
        return _NOTHING
    return run.activate()


def server_span(
    method: str,
    metadata: Mapping[str, str],
    *,
    telemetry: Telemetry | None = None,
    attach: bool = True,
) -> AbstractContextManager[None]:
    """Continue the caller's trace in a server: see :meth:`Telemetry.server_span`."""
    return (telemetry or _DEFAULT).server_span(method, metadata, attach=attach)


def trace_headers() -> tuple[tuple[str, str], ...]:
    """The current trace context as gRPC metadata (``traceparent``, …), or ``()``.

    An empty context (no span, no baggage: OpenTelemetry loaded but unused)
    has nothing to send, and asking the propagators would cost every call.
    """
    if not _otel_loaded():
        return ()
    return (_PROPAGATION or _propagation())()


def _propagation() -> Callable[[], tuple[tuple[str, str], ...]]:
    global _PROPAGATION
    try:
        from opentelemetry import context, propagate
    except Exception:  # a broken API install: send nothing
        return tuple

    current, inject = context.get_current, propagate.inject

    def headers() -> tuple[tuple[str, str], ...]:
        if not current():
            return ()
        try:
            carrier: dict[str, str] = {}
            inject(carrier)
            return tuple(carrier.items())
        except Exception:
            return ()

    _PROPAGATION = headers
    return headers


_PROPAGATION: Callable[[], tuple[tuple[str, str], ...]] | None = None
