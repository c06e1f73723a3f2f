"""Tool approval: a person decides before some tool calls run.

::

    @tool(needs_approval=True)                  # or needs_approval=lambda ctx, args: args["amount"] > 100
    async def refund(order: str, amount: float) -> str: ...

    result = await agent.run("Refund AB-123", client=client)
    if isinstance(result.outcome, ApprovalRequired):
        saved = result.outcome.state.to_json()           # keep it anywhere (it is JSON)
        ...                                              # ask the person
        state = RunState.from_json(saved)
        result = await agent.resume(
            state, {c.call_id: Approve() for c in result.outcome.calls}, client=client
        )

When a turn asks for calls that need approval, the calls of that turn that need
none run at once, and the run pauses: ``run()`` returns a result whose
``outcome`` is :class:`ApprovalRequired` (``output`` is ``None``); ``stream()``
ends with that event. :meth:`Agent.resume` runs the approved calls, answers each
denied one with the person's reason, and goes on; the calls that already ran are
not run again. A ``needs_approval`` function that raises means "ask" (fail closed).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

from agentrt.agents.run_state import PendingCall, RunState
from agentrt.errors import UsageError

if TYPE_CHECKING:
    from agentrt.agents.dispatch import ToolCallRecord
    from agentrt.agents.tools import Tool, ToolContext, Toolset
    from agentrt.xai.messages import ToolCall

__all__ = [
    "ApprovalRequired",
    "Approve",
    "Decision",
    "Deny",
    "PendingCall",
    "Resumption",
    "check_decisions",
    "needing_approval",
]


@dataclass(frozen=True, slots=True)
class Approve:
    """Run the call."""


@dataclass(frozen=True, slots=True)
class Deny:
    """Do not run the call; the model reads ``reason`` as its result."""

    reason: str = "a person denied this call"


Decision = Approve | Deny


@dataclass(frozen=True, slots=True, kw_only=True)
class ApprovalRequired:
    """The run paused for approval: the last event of ``stream()``, the ``outcome`` of ``run()``."""

    calls: tuple[PendingCall, ...]
    state: RunState = field(repr=False)
    type: Literal["approval_required"] = "approval_required"


@dataclass(frozen=True, slots=True)
class Resumption:
    """A paused turn to finish: its function calls (model order), those already run, decisions."""

    calls: tuple[ToolCall, ...]
    done: tuple[ToolCallRecord, ...]
    decisions: dict[str, Decision]


def needing_approval(
    calls: list[ToolCall], tools: Toolset, context: ToolContext[Any], turn: int
) -> list[PendingCall]:
    """The calls of ``calls`` a person must decide on (unknown tools need no decision)."""
    out: list[PendingCall] = []
    for call in calls:
        tool = tools.get(call.name)
        if tool is None or tool.needs_approval is False:
            continue
        ask, note = _asks(tool, call, context, turn)
        if ask:
            out.append(
                PendingCall(call_id=call.id, tool=call.name, arguments=call.arguments, note=note)
            )
    return out


def _asks(tool: Tool, call: ToolCall, context: ToolContext[Any], turn: int) -> tuple[bool, str]:
    check = tool.needs_approval
    if check is True:
        return True, ""
    if check is False:
        return False, ""
    try:
        args = json.loads(call.arguments)
    except ValueError:
        args = call.arguments
    ctx = replace(context, call_id=call.id, tool_name=call.name, turn=turn)
    try:
        return bool(check(ctx, args)), ""
    except Exception as e:  # fail closed: a check that cannot decide asks the person
        return True, f"needs_approval raised {type(e).__name__}: {str(e)[:200]}"


def check_decisions(
    pending: tuple[PendingCall, ...], decisions: dict[str, Decision]
) -> dict[str, Decision]:
    """``decisions`` when it decides exactly the pending calls, each with Approve or Deny.

    Raises:
        UsageError: a decision for a call that is not pending, a pending call without
            one, or a value that is not Approve()/Deny(reason).
    """
    if not isinstance(decisions, dict):
        raise UsageError("decisions must be a dict {call_id: Approve() | Deny(reason)}")
    ids = {p.call_id for p in pending}
    unknown = sorted(str(k) for k in decisions if k not in ids)
    if unknown:
        raise UsageError(
            f"decisions name calls that are not waiting for approval: {', '.join(unknown)}; "
            f"pending: {', '.join(sorted(ids))}"
        )
    missing = [p.call_id for p in pending if p.call_id not in decisions]
    if missing:
        raise UsageError(f"no decision for pending call(s) {', '.join(missing)}: decide each")
    for call_id, d in decisions.items():
        if not isinstance(d, (Approve, Deny)):
            raise UsageError(f"decision for {call_id}: give Approve() or Deny(reason)")
        if isinstance(d, Deny) and not isinstance(d.reason, str):
            raise UsageError(f"decision for {call_id}: Deny(reason) takes a string")
    return decisions
