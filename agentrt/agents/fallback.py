"""Model fallback: when the model service fails a turn, the same turn goes to the next model.

``Agent(model="a", models=["b", "c"])`` (YAML ``model: [a, b, c]``): a turn whose model
call fails with UNAVAILABLE (after gRPC's retries), rate limiting (after agentrt's
retries) or INTERNAL (after ``internal_retries``) is sent again, unchanged but for the
request's ``model``, to the next model of the list. The fallback is sticky: the rest
of the run stays on it (a failing model is not tried again every turn). A streamed
turn falls back only before its first delta (after it the client raises
``StreamInterrupted``, not an RPC error; a :class:`~agentrt.agents.model.Model` of
your own must do the same). Other errors (an invalid request, a wrong key, a
deadline) are raised as before, and so is the last model's error.

Each fallback is a :class:`Fallback` in ``RunResult.fallbacks`` (``agentrt run --json``:
``fallbacks``) and an ``agentrt.model_fallback`` event on the run's ``invoke_agent``
span. A run of an agent without fallbacks does not touch this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from agentrt.errors import RateLimited, RPCError, Unavailable, UsageError
from agentrt.xai.retry import is_internal

__all__ = ["FALLBACK_EVENT", "Fallback", "ModelFallback", "check_models", "falls_back"]

FALLBACK_EVENT = "agentrt.model_fallback"
"""The name of the span event recorded on the run's span at each fallback."""
_MAX_ERROR_CHARS = 300


@dataclass(frozen=True, slots=True, kw_only=True)
class Fallback:
    """One turn that moved to the next model.

    Attributes:
        turn: the turn (1-based) whose model call failed.
        from_model: the model that failed (a name from ``${ENV}`` shown as its marker).
        to_model: the model the turn, and the rest of the run, went to.
        error: the failure: its class, code and message, e.g.
            ``"Unavailable: UNAVAILABLE: ..."``.
    """

    turn: int
    from_model: str
    to_model: str
    error: str


def falls_back(error: RPCError) -> bool:
    """Whether ``error`` moves a turn to the next model (UNAVAILABLE, rate limited, INTERNAL)."""
    return isinstance(error, Unavailable | RateLimited) or is_internal(error)


def check_models(agent: str, model: Any, models: Sequence[str]) -> tuple[str, ...]:
    """``models`` (the fallbacks after ``model``), checked.

    Raises:
        UsageError: a bare string, a name that is not a non-empty string, or one given twice.
    """
    if isinstance(models, str):
        raise UsageError(f"agent {agent!r}: models must be a list of model names, not a string")
    seen = {model} if isinstance(model, str) else set()
    for name in models:
        if not isinstance(name, str) or not name.strip():
            raise UsageError(f"agent {agent!r}: models must be non-empty model names, got {name!r}")
        if name in seen:
            raise UsageError(f"agent {agent!r}: model {name!r} is listed twice; list each once")
        seen.add(name)
    return tuple(models)


class ModelFallback:
    """The fallback models of one run: which comes next, and the fallbacks taken."""

    __slots__ = ("_left", "taken")

    def __init__(self, models: tuple[str, ...]) -> None:
        self._left = list(models)
        self.taken: list[Fallback] = []

    def take(self, loop: Any, error: RPCError) -> bool:
        """Move ``loop`` (a RunLoop: not imported, run_result imports this module) to the
        next model when ``error`` calls for it; whether it did."""
        if not self._left or not falls_back(error):
            return False
        shown = loop.setup.redactions
        to = self._left.pop(0)
        record = Fallback(
            turn=loop.turns,
            from_model=shown.value(loop.setup.model_name),
            to_model=shown.value(to),
            error=shown.text(f"{type(error).__name__}: {error}")[:_MAX_ERROR_CHARS],
        )
        loop.setup = replace(loop.setup, model_name=to)  # sticky: every later turn too
        self.taken.append(record)
        if loop.trace is not None:
            loop.trace.event(
                FALLBACK_EVENT,
                {
                    "agentrt.fallback.turn": record.turn,
                    "agentrt.fallback.from_model": record.from_model,
                    "agentrt.fallback.to_model": record.to_model,
                    "error.type": type(error).__name__,
                },
            )
        return True
