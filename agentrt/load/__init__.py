"""``agentrt load``: an LLM-aware load tester for xAI's gRPC API.

One concept per module:

- :mod:`~agentrt.load.units` — durations, rates and ``--slo`` parsing;
- :mod:`~agentrt.load.records` — one request's measured outcome;
- :mod:`~agentrt.load.metrics` — TTFT/ITL/TPOT/E2E definitions and HDR histograms;
- :mod:`~agentrt.load.schedule` — closed loop, open loop (Poisson) and ramps;
- :mod:`~agentrt.load.prompts` — the prompt corpus and its templating;
- :mod:`~agentrt.load.plan` — the :class:`~agentrt.load.plan.LoadPlan` value;
- :mod:`~agentrt.load.runner` — workers driving the client (:func:`~agentrt.load.runner.run_load`);
- :mod:`~agentrt.load.outcome` — one call's raw measurements; :mod:`~agentrt.load.agent_call`
  — ``--agent``: a whole YAML agent per request;
- :mod:`~agentrt.load.processes` — ``--processes P`` with merged histograms;
- :mod:`~agentrt.load.cpu` — the load generator's own CPU use;
- :mod:`~agentrt.load.progress` — the live display;
- :mod:`~agentrt.load.report`, :mod:`~agentrt.load.timeseries`, :mod:`~agentrt.load.html`
  — the outputs;
- :mod:`~agentrt.load.locust` — the same measurements on Locust's distributed engine
  (``agentrt load --locust``; the only place Locust or gevent is imported).

From Python::

    from agentrt.load.plan import LoadPlan
    from agentrt.load.prompts import Corpus
    from agentrt.load.schedule import Ramp
    from agentrt.load.runner import run_load

    plan = LoadPlan(model="grok-3", corpus=Corpus.from_prompt("Hi"), endpoint="127.0.0.1:50051",
                    concurrency=Ramp(start=10), requests=500)
    result = await run_load(plan)          # LoadResult: metrics, records, wall, cpu, warnings
    result.metrics.summary(result.wall)    # the figures, JSON-ready

Nothing here is imported by ``import agentrt``; nothing but ``agentrt.load.locust``'s
:class:`GrokUser` imports Locust.
"""

from __future__ import annotations

__all__: list[str] = []
