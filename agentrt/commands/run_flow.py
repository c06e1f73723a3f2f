"""The local ``agentrt run``: stream the run, keep its session, and settle approvals.

A run that pauses for approval is decided by ``--approve``/``--deny``, else by a
person on the terminal, and resumed on the same connection (and session); it may
pause again. ``--resume STATE.json`` starts from a saved pause instead of an input.
"""

from __future__ import annotations

import asyncio
import json
import sys
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from agentrt.errors import UsageError

if TYPE_CHECKING:
    from agentrt.agents.agent import Agent
    from agentrt.agents.approval import Decision
    from agentrt.agents.run_result import RunResult
    from agentrt.agents.run_state import PendingCall, RunState
    from agentrt.agents.session import Session, SessionStore
    from agentrt.commands.run_approval import ApprovalPolicy
    from agentrt.commands.run_display import RunDisplay
    from agentrt.launch.connect import EndpointChoice
    from agentrt.xai.messages import Message

__all__ = ["MAX_STATE_BYTES", "RunPlan", "drive", "read_state"]

MAX_STATE_BYTES = 64 * 2**20
"""The largest ``--resume`` file read (a state holds the conversation so far)."""


@dataclass
class RunPlan:
    """What ``agentrt run`` was asked to do beyond "input in, answer out"."""

    policy: ApprovalPolicy
    session_id: str | None = None
    store: SessionStore | None = None
    session_mode: str = "auto"
    state: RunState | None = None
    as_json: bool = False
    quiet: bool = False
    interactive: bool = False
    turn_index: int | None = None

    def session(self) -> Session | None:
        """The run's session, when it has one."""
        from agentrt.agents.session import Session

        if self.store is None or self.session_id is None:
            return None
        return Session(self.store, self.session_id)


def read_state(path: str) -> RunState:
    """The RunState in ``path`` (what ``--json`` printed for a paused run, or its ``state``).

    Raises:
        UsageError: unreadable, not JSON, or not a valid run state (the reason named).
    """
    from agentrt.agents.run_state import RunState

    try:
        with open(path, "rb") as f:  # bounded: a FIFO or /dev/zero must not fill memory
            raw = f.read(MAX_STATE_BYTES + 1)
        if len(raw) > MAX_STATE_BYTES:
            raise UsageError(
                f"--resume {path}: larger than {MAX_STATE_BYTES // 2**20} MiB; is it a run state?"
            )
        data = json.loads(raw.decode("utf-8"))
    except OSError as e:
        raise UsageError(f"--resume {path}: {e.strerror or e}") from None
    except (ValueError, RecursionError) as e:  # JSONDecodeError, UnicodeDecodeError
        raise UsageError(f"--resume {path}: not a JSON run state ({type(e).__name__})") from None
    if isinstance(data, dict) and isinstance(data.get("state"), dict):
        data = data["state"]  # the whole --json object of a paused run
    try:
        return RunState.from_json(data)
    except UsageError as e:
        raise UsageError(f"--resume {path}: {e}") from None


async def drive(
    agent: Agent[Any],
    text: str | Message | None,
    choice: EndpointChoice,
    display: RunDisplay,
    notice: Any,
    plan: RunPlan,
    *,
    paced: bool,
) -> RunResult[Any]:
    """Run (or resume) to an end, deciding every pause; close the session store after."""
    from agentrt.launch.connect import connect

    try:
        async with connect(choice, notice=notice, paced=paced) as client:
            result = await _settle(agent, text, client, display, plan)
        if plan.store is not None and plan.session_id is not None:
            plan.turn_index = _turn_of(await plan.store.load(plan.session_id), result)
        return result
    finally:
        if plan.store is not None:
            await plan.store.close()


async def _settle(
    agent: Agent[Any], text: str | Message | None, client: Any, display: RunDisplay, plan: RunPlan
) -> RunResult[Any]:
    from agentrt.agents.approval import ApprovalRequired

    mode: Any = plan.session_mode
    state = plan.state
    result: RunResult[Any] | None = None
    if state is None:
        if text is None:
            raise UsageError("no input to run")
        result = await _stream(agent, text, client, display, plan)
        if not isinstance(result.outcome, ApprovalRequired):
            return result
        state = result.outcome.state
    while True:
        decisions = await _decide(list(state.pending), state, plan)
        result = await agent.resume(
            state, decisions, client=client, session=plan.session(), session_mode=mode
        )
        _show_resumed(result, state, display, plan)
        if not isinstance(result.outcome, ApprovalRequired):
            return result
        state = result.outcome.state


async def _stream(
    agent: Agent[Any], text: str | Message, client: Any, display: RunDisplay, plan: RunPlan
) -> RunResult[Any]:
    from agentrt.errors import AgentError

    mode: Any = plan.session_mode
    display.start()
    try:
        async with agent.stream(
            text, client=client, session=plan.session(), session_mode=mode
        ) as events:
            async for event in events:
                if event.type != "approval_required":
                    display.handle(event)
        return events.result
    except AgentError as exc:
        if plan.as_json and exc.result is not None:
            _print_failure(exc, agent)
        raise
    finally:
        display.close()


async def _decide(calls: list[PendingCall], state: RunState, plan: RunPlan) -> dict[str, Decision]:
    from agentrt.commands.run_approval import ask, undecided_error

    decisions: dict[str, Decision] = {}
    open_calls = []
    for call in calls:
        decision = plan.policy.decide(call)
        if decision is None:
            open_calls.append(call)
        else:
            decisions[call.call_id] = decision
    if open_calls and not plan.interactive:
        if plan.as_json:
            _print_paused(open_calls, state, plan)
        raise undecided_error(open_calls)
    for call in open_calls:  # a person answers; the loop waits, the connection stays open
        decisions[call.call_id] = await asyncio.to_thread(ask, call)
    return decisions


def _print_paused(calls: list[PendingCall], state: RunState, plan: RunPlan) -> None:
    shown = {
        "approval_required": [asdict(c) for c in calls],
        "session": None if plan.session_id is None else {"id": plan.session_id},
        "state": state.to_json(),
    }
    print(json.dumps(shown, ensure_ascii=False), flush=True)


def _turn_of(turns: Any, result: RunResult[Any]) -> int | None:
    """The index of the turn this run appended (found by its last response id)."""
    last = result.response_ids[-1] if result.response_ids else None
    for turn in reversed(turns):
        if last is not None and turn.response_id == last:
            return int(turn.index)
    return len(turns) - 1 if turns else None


def _show_resumed(
    result: RunResult[Any], state: RunState, display: RunDisplay, plan: RunPlan
) -> None:
    """A resumed run is not streamed: its new tool lines, then its answer (text agents)."""
    from agentrt.commands.run_display import tool_line

    already = {r.call_id for r in state.done}
    if not plan.quiet:
        for record in result.tool_calls[len(state.records) :]:
            if record.call_id not in already:
                print(tool_line(record), file=sys.stderr)
    if result.outcome is None and not plan.as_json and isinstance(result.output, str):
        print(result.text, flush=True)
        display.last_turn_text = result.text


def _print_failure(exc: Any, agent: Agent[Any]) -> None:
    from agentrt.agents.run_summary import failure_summary, with_thread_report

    shown = agent.redactions  # values from ${ENV} are shown as <from $NAME>
    model = shown.value(str(agent.model))
    summary = with_thread_report(failure_summary(exc, model=model, shown=shown))
    print(json.dumps(summary, ensure_ascii=False))
