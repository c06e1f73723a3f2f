"""What a run does beyond the plain loop: hooks, guardrails, approvals, sessions.

:class:`~agentrt.agents.run_loop.RunLoop` calls these only when ``loop.extended``
(the agent or the run uses one of them), so a plain run keeps its hot path. Each
error they raise carries what the run had done (``result``), like the loop's own.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Awaitable
from contextlib import aclosing
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar

from agentrt.agents.approval import (
    ApprovalRequired,
    Approve,
    Deny,
    PendingCall,
    needing_approval,
)
from agentrt.agents.dispatch import ToolCallRecord, ToolErrorInfo
from agentrt.agents.guardrails import check, race
from agentrt.agents.run_state import RunState, SessionMark
from agentrt.errors import AgentError, GuardrailTripped, NotFound, SessionConflict
from agentrt.xai.chat_response import ChatResponse
from agentrt.xai.messages import tool_result

if TYPE_CHECKING:
    from agentrt.agents.events import RunFinished
    from agentrt.agents.extension import RequestChain
    from agentrt.agents.run_loop import RunLoop
    from agentrt.agents.run_result import RunResult
    from agentrt.agents.tools import ToolContext
    from agentrt.xai.messages import ToolCall

__all__ = [
    "model_call",
    "model_stream",
    "resend_on_expiry",
    "run_tools",
    "start",
    "turn_end",
]

R = TypeVar("R")


def _context(loop: RunLoop, **fields: Any) -> ToolContext[Any]:
    return replace(loop.context(), turn=loop.turns, deadline=loop.deadline, **fields)


def _attach(loop: RunLoop, e: AgentError) -> None:
    if e.result is None:
        e.result = loop.partial()


async def _hook(loop: RunLoop, name: str, *args: Any, **fields: Any) -> None:
    hooks = loop.hooks
    if hooks is None or not hooks.has(name):
        return
    try:
        await hooks.call(name, _context(loop, **fields), *args)
    except AgentError as e:
        _attach(loop, e)
        raise


async def _guarded(loop: RunLoop, work: Awaitable[R]) -> R:
    assert loop.guards is not None
    try:
        return await race(loop.guards.input, _context(loop), loop.input_text, work)
    except GuardrailTripped as e:
        _attach(loop, e)
        raise


def _input_guarded(loop: RunLoop) -> bool:
    return loop.guards is not None and bool(loop.guards.input) and loop.turns == 1


async def start(loop: RunLoop) -> list[ToolCallRecord]:
    """Before the first turn: ``on_run_start``; a resumed run's decided calls (their records)."""
    await _hook(loop, "on_run_start")
    if loop.resuming is None:
        return []
    return await _resume_tools(loop)


async def model_call(loop: RunLoop) -> ChatResponse:
    """One unary model call with its hooks (and the input guardrails beside the first)."""
    await _hook(loop, "on_turn_start")
    if _input_guarded(loop):
        response = await _guarded(loop, loop.complete())
    else:
        response = await loop.complete()
    if response is not None:
        await _hook(loop, "on_model_response", response)
    return response


async def model_stream(loop: RunLoop) -> AsyncIterator[Any]:
    """One streamed model call with its hooks. With input guardrails, the first turn's
    items are held until they pass: nothing of an answer they stop reaches the caller."""
    await _hook(loop, "on_turn_start")
    if _input_guarded(loop):
        items = await _guarded(loop, _collect(loop))
    else:
        items = None
    if items is not None:
        for item in items:
            if isinstance(item, ChatResponse):
                await _hook(loop, "on_model_response", item)
            yield item
        return
    async with aclosing(loop.stream()) as stream:
        async for item in stream:
            if isinstance(item, ChatResponse):
                await _hook(loop, "on_model_response", item)
            yield item


async def _collect(loop: RunLoop) -> list[Any]:
    async with aclosing(loop.stream()) as stream:
        return [item async for item in stream]


async def resend_on_expiry(
    loop: RunLoop, chain: RequestChain, first: AsyncIterator[Any]
) -> AsyncIterator[Any]:
    """``first`` (a stream continuing a stored response); if that response is gone
    (NotFound before anything came), the same turn again with the history resent."""
    got = False
    try:
        async for item in first:
            got = True
            yield item
        return
    except NotFound:
        if got or not chain.fall_back():
            raise
    finally:
        await _close(first)
    again = loop.model.stream(chain.request(loop.setup, loop.messages), timeout=loop.remaining())
    try:
        async for item in again:
            yield item
    finally:
        await _close(again)


async def _close(it: Any) -> None:
    close = getattr(it, "aclose", None)
    if close is not None:
        await close()


async def run_tools(loop: RunLoop, calls: list[ToolCall]) -> list[ToolCallRecord]:
    """This turn's calls: those needing approval pause the run, the others run now."""
    pending: list[PendingCall] = []
    if loop.setup.tools.approvals:
        pending = needing_approval(calls, loop.setup.tools, _context(loop), loop.turns)
    if not pending:
        return await _run_calls(loop, calls)
    ids = {p.call_id for p in pending}
    done = await _run_calls(loop, [c for c in calls if c.id not in ids])
    loop.paused = ApprovalRequired(calls=tuple(pending), state=_state(loop, done, pending))
    return done


async def _run_calls(loop: RunLoop, calls: list[ToolCall]) -> list[ToolCallRecord]:
    if not calls:
        return []
    guards = loop.guards
    if guards is not None and guards.tool:
        for c in calls:
            try:
                args = json.loads(c.arguments)
            except ValueError:
                args = c.arguments
            try:
                await check(
                    "tool", guards.tool, _context(loop, call_id=c.id, tool_name=c.name), args
                )
            except GuardrailTripped as e:
                _attach(loop, e)
                raise
    for c in calls:
        await _hook(loop, "on_tool_start", c, call_id=c.id, tool_name=c.name)
    records = await loop.dispatch(calls)
    for r in records:
        await _hook(loop, "on_tool_end", r, call_id=r.call_id, tool_name=r.name)
    return records


async def _resume_tools(loop: RunLoop) -> list[ToolCallRecord]:
    r = loop.resuming
    assert r is not None
    approved = [c for c in r.calls if isinstance(r.decisions.get(c.id), Approve)]
    ran = await _run_calls(loop, approved)
    denied = []
    for c in r.calls:
        d = r.decisions.get(c.id)
        if isinstance(d, Deny):
            denied.append(_denied(c, d.reason, loop.turns))
    by_id = {x.call_id: x for x in (*r.done, *ran, *denied)}
    records = [by_id[c.id] for c in r.calls]
    loop.records.extend(records)
    loop.messages.extend(tool_result(x.call_id, x.output) for x in records)
    loop.resuming = None
    return [*ran, *denied]


def _denied(call: ToolCall, reason: str, turn: int) -> ToolCallRecord:
    output = json.dumps({"denied": True, "reason": reason})
    return ToolCallRecord(
        call_id=call.id,
        name=call.name,
        arguments=call.arguments,
        parsed=None,
        value=None,
        output=output,
        error=ToolErrorInfo(kind="denied", type="ApprovalDenied", message=reason),
        turn=turn,
        started=time.monotonic(),
        duration=0.0,
    )


def _state(loop: RunLoop, done: list[ToolCallRecord], pending: list[PendingCall]) -> RunState:
    start = 1 if loop.messages and loop.messages[0].role == "system" else 0
    s = loop.session
    mark = None
    if s is not None:
        mark = SessionMark(
            session_id=s.session.session_id,
            expected_turns=s.expected,
            history_len=s.history_len,
            input=s.input_text,
        )
    return RunState(
        agent=loop.setup.agent,
        run_id=loop.run_id,
        messages=tuple(loop.messages[start:]),
        turns=loop.turns,
        usage=loop.usage,
        response_ids=tuple(loop.response_ids),
        records=tuple(loop.records),
        done=tuple(done),
        pending=tuple(pending),
        seen_calls=tuple((n, a, c) for (n, a), c in loop.seen_calls.items()),
        repairs_left=loop.repairs_left,
        session=mark,
    )


async def turn_end(loop: RunLoop, finished: RunFinished | None) -> RunResult[Any] | None:
    """After a turn: ``on_turn_end``; then a paused run's result, or a finished run's wrap-up
    (output guardrails, ``on_run_end``, the session append) and result; else ``None``."""
    await _hook(loop, "on_turn_end")
    if loop.paused is not None:
        result = replace(loop.partial(), outcome=loop.paused)
        loop.result = result
        await _hook(loop, "on_run_end", result)
        return result
    if finished is None:
        return None
    result = finished.result
    try:
        guards = loop.guards
        if guards is not None and guards.output:
            await check("output", guards.output, _context(loop), loop.output)
        await _hook(loop, "on_run_end", result)
        if loop.session is not None:
            await loop.session.append(loop, result)
    except GuardrailTripped as e:
        loop.result = None
        _attach(loop, e)
        raise
    except (AgentError, SessionConflict):
        loop.result = None  # the run raised: no result to read from the stream
        raise
    return result
