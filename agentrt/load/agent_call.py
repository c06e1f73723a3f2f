"""``--agent SPEC``: each request runs a whole YAML agent (tool calls and all) once.

The spec is loaded once (every problem reported before the run starts); each
request streams ``agent.stream(prompt)`` and measures, over the whole run:
TTFT to the first answer-text delta, ITL between text deltas, E2E to the last
one, ``n`` = output tokens summed over every model call of the run, and the
finish reason ``"stop"`` for a run that ended with an answer. A failed run
counts under its gRPC status code, or the agent error's class name (e.g.
``MaxTurnsExceeded``); its cost (the partial result's) still counts.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from agentrt.errors import AgentrtError
from agentrt.load.outcome import Outcome, failure
from agentrt.load.plan import LoadPlan

__all__ = ["make_agent_call"]


def make_agent_call(client: Any, plan: LoadPlan) -> Callable[[int], Awaitable[Outcome]]:
    """The call that runs the plan's agent once per request."""
    from agentrt.agents.events import TextDelta
    from agentrt.specs.agent_spec import load_agent

    assert plan.agent is not None
    agent = load_agent(plan.agent, variables=dict(plan.variables))
    perf = time.perf_counter

    async def run(number: int) -> Outcome:
        prompt = plan.corpus.render(number)
        text = "\n\n".join(t for role, t in prompt.messages if role == "user")
        times: list[float] = []
        out = Outcome(start=perf(), times=times)
        try:
            deadline = time.monotonic() + plan.timeout
            async with agent.stream(text, client=client, deadline=deadline) as events:
                async for event in events:
                    if isinstance(event, TextDelta) and event.text:
                        times.append(perf())
                result = events.result
        except AgentrtError as exc:
            partial = getattr(exc, "result", None)  # an agent error's run was paid for too
            if partial is not None:
                out.cost_ticks = partial.usage.cost_in_usd_ticks
            return failure(out, exc)
        out.end = perf()
        out.output_tokens = result.usage.completion_tokens
        out.input_tokens = result.usage.prompt_tokens
        out.reasoning_tokens = result.usage.reasoning_tokens
        out.cost_ticks = result.usage.cost_in_usd_ticks
        out.finish_reason = "stop"
        return out

    return run
