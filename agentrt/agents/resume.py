"""Continuing a paused run: check a :class:`RunState` and the decisions, restore the loop.

The checks make an edited or mismatched state fail with one UsageError before
anything runs: the state must be this agent's, its last message must be the
assistant message whose function calls are exactly the calls already run plus
the calls pending (same ids, names and arguments), and the decisions must decide
exactly the pending calls.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agentrt.agents.approval import Decision, Resumption, check_decisions
from agentrt.agents.run_state import RunState
from agentrt.errors import UsageError

if TYPE_CHECKING:
    from agentrt.agents.run_loop import RunLoop

__all__ = ["restore", "resumption"]


def resumption(state: Any, decisions: Any, agent: str) -> Resumption:
    """What resuming ``state`` with ``decisions`` does, checked.

    Raises:
        UsageError: not a RunState, another agent's, inconsistent, or bad decisions.
    """
    if not isinstance(state, RunState):
        raise UsageError(
            f"resume() takes a RunState (RunState.from_json(...)), not {type(state).__name__}"
        )
    if state.agent != agent:
        raise UsageError(f"this run state is agent {state.agent!r}'s; resume it with that agent")
    if not state.pending:
        raise UsageError("this run state has no calls waiting for approval: nothing to resume")
    last = state.messages[-1] if state.messages else None
    if last is None or last.role != "assistant" or not last.tool_calls:
        raise UsageError("run state: its last message must be the assistant's tool calls")
    calls = tuple(c for c in last.tool_calls if c.type == "function")
    by_id = {c.id: c for c in calls}
    done = {r.call_id for r in state.done}
    pending = [p.call_id for p in state.pending]
    if len(by_id) != len(calls) or done & set(pending) or done | set(pending) != set(by_id):
        raise UsageError(
            "run state: the calls run and pending are not the calls of its last message "
            "(was it edited?)"
        )
    for p in state.pending:
        c = by_id[p.call_id]
        if (c.name, c.arguments) != (p.tool, p.arguments):
            raise UsageError(f"run state: pending call {p.call_id} does not match the model's call")
    checked: dict[str, Decision] = check_decisions(state.pending, decisions)
    return Resumption(calls=calls, done=state.done, decisions=checked)


def restore(loop: RunLoop, state: RunState) -> None:
    """Put the state's counters back into a loop built on its messages."""
    loop.run_id = state.run_id
    loop.turns = state.turns
    loop.usage = state.usage
    loop.response_ids = list(state.response_ids)
    loop.records = list(state.records)
    loop.seen_calls = {(n, a): c for n, a, c in state.seen_calls}
    loop.repairs_left = state.repairs_left
