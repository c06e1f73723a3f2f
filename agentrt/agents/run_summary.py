"""The JSON summary of an agent run: what ``agentrt run --json`` prints.

One object with ``output`` (text, or the structured object), ``turns``,
``tool_calls`` (``name``, ``arguments``, ``result`` or ``error``, ``duration_s``),
``usage`` (``input``, ``output``, ``reasoning`` tokens, ``cost_usd``: what the server
charged, sub-agents included; 0.0 when it reported no cost), ``model`` and
``response_ids``; ``fallbacks`` when turns moved to a fallback model (each ``turn``,
``from_model``, ``to_model``, ``error``); ``abandoned_tool_threads`` too when sync tools whose calls
timed out or were cancelled still hold threads (see
:mod:`agentrt.agents.tool_threads`). Other entry points that report runs (serve, durable batch
runs) can use the same shape.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from agentrt.errors import BudgetExceeded
from agentrt.telemetry.redaction import NO_REDACTIONS, Redactions

if TYPE_CHECKING:
    from agentrt.agents.dispatch import ToolCallRecord
    from agentrt.agents.run_result import RunResult

__all__ = ["failure_summary", "jsonable", "run_summary", "with_thread_report"]


def jsonable(value: Any) -> Any:
    """``value`` as JSON-ready data: pydantic models, dataclasses, dates ... converted."""
    from pydantic_core import to_jsonable_python

    return to_jsonable_python(value, fallback=str)


def run_summary(result: RunResult[Any], *, model: str) -> dict[str, Any]:
    """The ``--json`` object: output, turns, tool_calls, usage, model, response_ids."""
    summary: dict[str, Any] = {
        "output": jsonable(result.output),
        "turns": result.turns,
        "tool_calls": [_tool_call(r) for r in result.tool_calls],
        "usage": {
            "input": result.usage.prompt_tokens,
            "output": result.usage.completion_tokens,
            "reasoning": result.usage.reasoning_tokens,
            "cost_usd": result.usage.cost_usd,
        },
        "model": model,
        "response_ids": list(result.response_ids),
    }
    if result.fallbacks:  # turns that moved to a fallback model (agentrt.agents.fallback)
        summary["fallbacks"] = [_fallback(f) for f in result.fallbacks]
    return summary


def _fallback(taken: Any) -> dict[str, Any]:
    return {
        "turn": taken.turn,
        "from_model": taken.from_model,
        "to_model": taken.to_model,
        "error": taken.error,
    }


def with_thread_report(summary: dict[str, Any]) -> dict[str, Any]:
    """``summary`` with ``abandoned_tool_threads`` added when any are held (else unchanged)."""
    from agentrt.agents.tool_threads import default_tool_threads

    abandoned = default_tool_threads().abandoned
    if abandoned:
        summary["abandoned_tool_threads"] = abandoned
    return summary


def failure_summary(
    exc: BaseException, *, model: str, shown: Redactions = NO_REDACTIONS
) -> dict[str, Any]:
    """The object for a failed run: what it did, when known, and ``error``.

    ``error`` holds the exception's ``type`` and ``message`` (every secret of
    ``shown`` in it replaced by its marker), and for a ``BudgetExceeded`` its ``limit``,
    ``budget``, ``spent`` and ``estimated``; before it come the keys of
    :func:`run_summary` of the partial ``result`` that ``exc`` carries, if any.
    """
    partial: RunResult[Any] | None = getattr(exc, "result", None)
    summary = {} if partial is None else run_summary(partial, model=model)
    error: dict[str, Any] = {"type": type(exc).__name__, "message": shown.text(str(exc))}
    if isinstance(exc, BudgetExceeded):
        error |= {"limit": exc.limit, "budget": exc.budget, "spent": exc.spent}
        error["estimated"] = exc.estimated
    summary["error"] = error
    return summary


def _tool_call(record: ToolCallRecord) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": record.name, "arguments": _json_or_text(record.arguments)}
    if record.error is None:
        entry["result"] = _json_or_text(record.output)
    else:
        entry["error"] = {
            "kind": record.error.kind,
            "type": record.error.type,
            "message": record.error.message,
        }
    entry["duration_s"] = round(record.duration, 6)
    return entry


def _json_or_text(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text
