"""``--trace`` and ``--metrics`` for the command line: install exporters, flush them at exit.

``console`` writes spans / metrics as JSON to stderr (stdout stays the
command's own output); ``otlp`` sends them over OTLP/gRPC and honours the
standard ``OTEL_EXPORTER_OTLP_*`` variables (endpoint, headers, insecure, …)
and ``OTEL_SERVICE_NAME``. Both need the ``otel`` extra
(``pip install 'agentrt[otel]'``). The providers are installed globally (a
command is the application), so every client and agent in the process reports
to them; they are shut down, flushing what is buffered, when the command ends.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from agentrt.errors import UsageError

__all__ = ["EXPORTERS", "add_telemetry_flags", "telemetry_from_args", "with_telemetry"]

EXPORTERS = ("console", "otlp")


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
            help="export GenAI metrics at exit: console (stderr) or otlp",
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
    resource = Resource.create({"service.name": "agentrt"})
    providers: list[Any] = []
    if trace_to is not None:
        providers.append(_tracer_provider(trace_to, resource))
    if metrics_to is not None:
        providers.append(_meter_provider(metrics_to, resource))
    return providers


def _tracer_provider(kind: str, resource: Any) -> Any:
    from opentelemetry import trace
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import (
        BatchSpanProcessor,
        ConsoleSpanExporter,
        SimpleSpanProcessor,
    )

    provider = TracerProvider(resource=resource)
    if kind == "console":
        provider.add_span_processor(SimpleSpanProcessor(ConsoleSpanExporter(out=sys.stderr)))
    else:
        provider.add_span_processor(BatchSpanProcessor(_otlp("trace_exporter", "OTLPSpanExporter")))
    trace.set_tracer_provider(provider)
    return provider


def _meter_provider(kind: str, resource: Any) -> Any:
    from opentelemetry import metrics
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import (
        ConsoleMetricExporter,
        PeriodicExportingMetricReader,
    )

    if kind == "console":
        exporter: Any = ConsoleMetricExporter(out=sys.stderr)
    else:
        exporter = _otlp("metric_exporter", "OTLPMetricExporter")
    reader = PeriodicExportingMetricReader(exporter)
    provider = MeterProvider(resource=resource, metric_readers=[reader])
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
