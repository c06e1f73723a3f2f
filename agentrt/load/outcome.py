"""What one call returned, before the metric definitions are applied to it."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from agentrt.errors import AgentrtError, RPCError, StreamInterrupted
from agentrt.load.records import OK

__all__ = ["Outcome", "failure", "finish"]


@dataclass(slots=True)
class Outcome:
    """One call's raw measurements: start, content-chunk timestamps, status, usage."""

    start: float
    times: list[float]
    status: str = OK
    error: str = ""
    end: float = 0.0
    output_tokens: int = 0
    input_tokens: int = 0
    reasoning_tokens: int = 0
    finish_reason: str = ""
    cost_ticks: int | None = None  # what the server charged, in 1e-10 USD (None: no cost said)


def failure(out: Outcome, exc: AgentrtError) -> Outcome:
    """Mark ``out`` failed by ``exc``: its gRPC status code, or the error's class name.

    A stream interrupted after its first chunk counts under the code that ended it.
    """
    out.end = time.perf_counter()
    err: AgentrtError = exc.error if isinstance(exc, StreamInterrupted) else exc
    out.status = err.code if isinstance(err, RPCError) else type(err).__name__
    out.error = str(exc)
    return out


def finish(out: Outcome, resp: Any) -> Outcome:
    """Fill ``out`` from a chat response (usage and finish reason)."""
    out.end = out.end or time.perf_counter()
    usage = resp.usage
    out.output_tokens = usage.completion_tokens
    out.input_tokens = usage.prompt_tokens
    out.reasoning_tokens = usage.reasoning_tokens
    out.finish_reason = resp.finish_reason
    out.cost_ticks = usage.cost_in_usd_ticks
    return out
