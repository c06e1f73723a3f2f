"""Tool-choice scenarios run through the simulated model, and graded.

A scenario is a mapping: ``prompt``, ``tools`` (each ``name``, ``description``,
``parameters`` as JSON Schema, and optionally ``result``: the JSON the tool
returns, which an expected call may carry instead) and ``expect``: the calls a competent model makes (``name``, the key
``args`` it must pass, and optionally ``after``: a tool whose result it needs).
:func:`run_scenario` plays the conversation the way an agent loop does (each
call answered with its tool's ``result``, else ``{"ok": true}``) until the model
answers, at most six turns; :func:`grade` says whether the calls were exactly
the expected ones. ``tests/test_sim_tool_choice.py`` and
``benchmarks/bench_tool_choice.py`` run the corpus in ``tests/data``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from agentrt.sim.arguments import FunctionTool
from agentrt.sim.model import Prompt, Turn, respond

__all__ = ["MadeCall", "grade", "run_scenario"]

MAX_TURNS = 6


@dataclass(frozen=True, kw_only=True)
class MadeCall:
    """A call the model made: in which turn (from 0), of which tool, with which arguments."""

    turn: int
    name: str
    args: Mapping[str, Any]


def _tools(scenario: Mapping[str, Any]) -> tuple[FunctionTool, ...]:
    return tuple(
        FunctionTool(
            name=str(t["name"]),
            description=str(t.get("description") or ""),
            parameters=t.get("parameters") or {"type": "object", "properties": {}},
        )
        for t in scenario.get("tools") or ()
    )


def run_scenario(scenario: Mapping[str, Any], *, max_turns: int = MAX_TURNS) -> list[MadeCall]:
    """Every call the model makes for ``scenario``'s prompt, turn by turn, until it answers."""
    tools = _tools(scenario)
    results = {str(t["name"]): t.get("result", {"ok": True}) for t in scenario.get("tools") or ()}
    for want in scenario.get("expect") or ():  # the corpus puts a call's sample result on it
        if isinstance(want, Mapping) and "result" in want:
            results[str(want["name"])] = want["result"]
    turns: list[Turn] = []
    if scenario.get("system"):
        turns.append(Turn(role="system", text=str(scenario["system"])))
    turns.append(Turn(role="user", text=str(scenario["prompt"])))
    made: list[MadeCall] = []
    for n in range(max_turns):
        prompt = Prompt(
            model="grok-4",
            turns=tuple(turns),
            tools=tools,
            parallel_tool_calls=bool(scenario.get("parallel_tool_calls", True)),
        )
        reply = respond(prompt)
        if not reply.tool_calls:
            break
        turns.append(Turn(role="assistant", text="", tool_calls=reply.tool_calls))
        for call in reply.tool_calls:
            made.append(MadeCall(turn=n, name=call.name, args=json.loads(call.arguments)))
            result = json.dumps(results.get(call.name, {"ok": True}))
            turns.append(Turn(role="tool", text=result, tool_call_id=call.id))
    return made


def _same(expected: Any, actual: Any) -> bool:
    """Equal as a competent model's value would be: numbers by value, text by case."""
    if isinstance(expected, Mapping) and isinstance(actual, Mapping):
        return all(k in actual and _same(v, actual[k]) for k, v in expected.items())
    if isinstance(expected, list) and isinstance(actual, list):
        return len(expected) == len(actual) and all(map(_same, expected, actual))
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual
    if isinstance(expected, int | float) and isinstance(actual, int | float | str):
        try:
            return float(actual) == float(expected)
        except ValueError:
            return False
    return str(expected).strip().lower() == str(actual).strip().lower()


def grade(expect: Sequence[Mapping[str, Any]], made: Sequence[MadeCall]) -> str | None:
    """None when ``made`` is exactly the ``expect``-ed calls, else what differs (one line)."""
    left = list(made)
    for want in expect:
        args = want.get("args") or {}
        match = next((m for m in left if m.name == want["name"] and _same(args, m.args)), None)
        if match is None:
            same_name = [dict(m.args) for m in left if m.name == want["name"]]
            if same_name:
                return f"{want['name']}: wanted {dict(args)}, got {same_name}"
            return f"missing {want['name']}{dict(args)}"
        after = want.get("after")
        if after and not any(m.name == after and m.turn < match.turn for m in made):
            return f"{want['name']} was not called after {after}'s result"
        left.remove(match)
    if left:
        return "extra " + ", ".join(f"{m.name}{dict(m.args)}" for m in left)
    return None
