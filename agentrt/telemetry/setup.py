"""``--trace`` and ``--metrics`` for the command line: install exporters, flush them at exit.

``console`` writes spans / metrics as JSON to stderr (stdout stays the
command's own output); ``otlp`` sends them over OTLP/gRPC and honours the
standard ``OTEL_EXPORTER_OTLP_*`` variables (endpoint, headers, insecure, …)
and ``OTEL_SERVICE_NAME``. Both need the ``otel`` extra
(``pip install 'agentrt[otel]'``). The providers are installed globally (a
command is the application), so every client and agent in the process reports
to them; they are shut down, flushing what is buffered, when the command ends.

Cost: spans go through a ``BatchSpanProcessor`` (export, console included, runs on
the SDK's worker thread, not on the call's path), and metric exemplars are off
unless ``OTEL_METRICS_EXEMPLAR_FILTER`` asks for them (``trace_based``,
``always_on``): the SDK's default would offer every histogram point made while a
sampled span is current to an exemplar reservoir (≈2 µs a point, ~5 points a
turn) for data no GenAI convention asks for. :func:`sdk_tracer_provider` and
:func:`sdk_meter_provider` build the same providers for an application that
passes them to :class:`~agentrt.telemetry.tracing.Telemetry` itself.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from agentrt.errors import UsageError

__all__ = [
    "EXEMPLAR_FILTER_ENV",
    "EXPORTERS",
    "add_telemetry_flags",
    "sdk_meter_provider",
    "sdk_tracer_provider",
    "telemetry_from_args",
    "with_telemetry",
]

EXPORTERS = ("console", "otlp")
EXEMPLAR_FILTER_ENV = "OTEL_METRICS_EXEMPLAR_FILTER"
_EXEMPLAR_FILTERS = ("always_off", "always_on", "trace_based")


def add_telemetry_flags(parser: argparse.ArgumentParser, *, metrics: bool = True) -> None:
    """Add ``--trace`` (and, with ``metrics``, ``--metrics``) to a subcommand's parser."""
    group = parser.add_argument_group("telemetry (OpenTelemetry, needs agentrt[otel])")
    group.add_argument(
        "--trace",
        choices=EXPORTERS,
        help="export spans: console (JSON on stderr) or otlp (OTEL_EXPORTER_OTLP_* variables)",
    )
    if metrics:
        group.add_argument(
            "--metrics",
            choices=EXPORTERS,
            help="export GenAI metrics at exit: console (stderr) or otlp; exemplars only if "
            "OTEL_METRICS_EXEMPLAR_FILTER asks",
        )


@contextmanager
def telemetry_from_args(args: argparse.Namespace) -> Iterator[None]:
    """Install the exporters ``args.trace`` / ``args.metrics`` ask for; flush them on exit.

    Raises:
        UsageError: a flag was given but the OpenTelemetry SDK is not installed.
    """
    trace_to = getattr(args, "trace", None)
    metrics_to = getattr(args, "metrics", None)
    if trace_to is None and metrics_to is None:
        yield
        return
    providers = _install(trace_to, metrics_to)
    try:
        yield
    finally:
        for provider in providers:
            provider.shutdown()


def _install(trace_to: str | None, metrics_to: str | None) -> list[Any]:
    try:
        from opentelemetry.sdk.resources import Resource
    except ImportError:
        flag = "--trace" if trace_to else "--metrics"
        raise UsageError(
            f"{flag} needs the OpenTelemetry SDK: pip install 'agentrt[otel]'"
        ) from None
    if metrics_to is not None:
        _exemplar_filter()  # a bad OTEL_METRICS_EXEMPLAR_FILTER fails before anything is installed
    resource = Resource.create({"service.name": "agentrt"})
    providers: list[Any] = []
    if trace_to is not None:
        providers.append(_tracer_provider(trace_to, resource))
    if metrics_to is not None:
        providers.append(_meter_provider(metrics_to, resource))
    return providers


def sdk_tracer_provider(*exporters: Any, resource: Any = None, **options: Any) -> Any:
    """An SDK ``TracerProvider`` exporting to ``exporters``, each through a ``BatchSpanProcessor``.

    The caller's thread only queues a finished span; the worker thread exports.
    ``options`` go to ``TracerProvider`` (e.g. ``sampler=``).
    """
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    if resource is not None:
        options["resource"] = resource
    provider = TracerProvider(**options)
    for exporter in exporters:
        provider.add_span_processor(BatchSpanProcessor(exporter))
    return provider


def sdk_meter_provider(*readers: Any, resource: Any = None, **options: Any) -> Any:
    """An SDK ``MeterProvider`` over ``readers``, exemplars off unless the environment asks.

    ``OTEL_METRICS_EXEMPLAR_FILTER`` (``always_off``, ``always_on``,
    ``trace_based``) is honoured; unset, no exemplar is sampled. ``options`` go to
    ``MeterProvider`` (an ``exemplar_filter=`` given there wins).

    Raises:
        UsageError: ``OTEL_METRICS_EXEMPLAR_FILTER`` names no filter.
    """
    from opentelemetry.sdk.metrics import MeterProvider

    if "exemplar_filter" not in options:
        options["exemplar_filter"] = _exemplar_filter()
    if resource is not None:
        options["resource"] = resource
    return MeterProvider(metric_readers=list(readers), **options)


def _exemplar_filter() -> Any:
    from opentelemetry.sdk.metrics import (
        AlwaysOffExemplarFilter,
        AlwaysOnExemplarFilter,
        TraceBasedExemplarFilter,
    )

    asked = os.environ.get(EXEMPLAR_FILTER_ENV, "always_off").strip().lower() or "always_off"
    if asked not in _EXEMPLAR_FILTERS:  # the value came from the environment: never shown
        raise UsageError(f"{EXEMPLAR_FILTER_ENV} must be one of {', '.join(_EXEMPLAR_FILTERS)}")
    if asked == "always_on":
        return AlwaysOnExemplarFilter()
    return TraceBasedExemplarFilter() if asked == "trace_based" else AlwaysOffExemplarFilter()


def _tracer_provider(kind: str, resource: Any) -> Any:
    from opentelemetry import trace
    from opentelemetry.sdk.trace.export import ConsoleSpanExporter

    if kind == "console":
        exporter: Any = ConsoleSpanExporter(out=sys.stderr)
    else:
        exporter = _otlp("trace_exporter", "OTLPSpanExporter")
    provider = sdk_tracer_provider(exporter, resource=resource)
    trace.set_tracer_provider(provider)
    return provider


def _meter_provider(kind: str, resource: Any) -> Any:
    from opentelemetry import metrics
    from opentelemetry.sdk.metrics.export import (
        ConsoleMetricExporter,
        PeriodicExportingMetricReader,
    )

    if kind == "console":
        exporter: Any = ConsoleMetricExporter(out=sys.stderr)
    else:
        exporter = _otlp("metric_exporter", "OTLPMetricExporter")
    provider = sdk_meter_provider(PeriodicExportingMetricReader(exporter), resource=resource)
    metrics.set_meter_provider(provider)
    return provider


def _otlp(module: str, name: str) -> Any:
    """The OTLP/gRPC exporter ``name``; it reads the OTEL_EXPORTER_OTLP_* variables itself."""
    import importlib

    try:
        found = importlib.import_module(f"opentelemetry.exporter.otlp.proto.grpc.{module}")
    except ImportError:
        raise UsageError(
            "otlp export needs opentelemetry-exporter-otlp-proto-grpc: pip install 'agentrt[otel]'"
        ) from None
    return getattr(found, name)()


def with_telemetry(handler: Any) -> Any:
    """``handler(args)`` run inside :func:`telemetry_from_args` (for ``set_defaults``)."""

    def run(args: argparse.Namespace) -> Any:
        with telemetry_from_args(args):
            return handler(args)

    run.__doc__ = handler.__doc__
    return run
