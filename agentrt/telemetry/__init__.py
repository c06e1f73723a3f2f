"""OpenTelemetry for agentrt: GenAI-convention spans and metrics, or nothing at all.

``tracing`` (the facade: :class:`~agentrt.telemetry.tracing.Telemetry` and the cheap hooks
the client and agents call); ``names`` (every span, attribute and metric name);
``instruments`` (tracer and histograms), ``spans`` (the recorders made from them),
``chat`` (model calls), ``runs`` (agent runs, tool calls, server calls) and ``content``
(captured content as JSON), all imported only once telemetry is in use; ``setup`` (the
CLI's ``--trace`` / ``--metrics`` exporters).

The lowest layer above ``errors``: it imports nothing of agentrt but ``errors`` and ``_version``.
"""

__all__: list[str] = []
