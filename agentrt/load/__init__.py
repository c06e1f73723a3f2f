"""``agentrt load``: an LLM-aware load tester for xAI's gRPC API.

One concept per module:

- :mod:`~agentrt.load.units` — durations, rates and ``--slo`` parsing;
- :mod:`~agentrt.load.records` — one request's measured outcome;
- :mod:`~agentrt.load.metrics` — TTFT/ITL/TPOT/E2E definitions and HDR histograms;
- :mod:`~agentrt.load.schedule` — closed loop, open loop (Poisson) and ramps;
- :mod:`~agentrt.load.prompts` — the prompt corpus and its templating;
- :mod:`~agentrt.load.runner` — workers driving the client;
- :mod:`~agentrt.load.processes` — ``--processes P`` with merged histograms;
- :mod:`~agentrt.load.cpu` — the load generator's own CPU use;
- :mod:`~agentrt.load.progress` — the live display;
- :mod:`~agentrt.load.report`, :mod:`~agentrt.load.html` — the outputs.

Nothing here is imported by ``import agentrt``.
"""

from __future__ import annotations

__all__: list[str] = []
