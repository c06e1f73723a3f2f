"""The agent loop as a Temporal workflow: :class:`AgentWorkflow`.

The loop is the same as :class:`agentrt.agents.run_loop.RunLoop`'s (turns, tool calls,
repeated-call detection, structured-output repair turns, the run's time budget),
written as deterministic workflow code: every model call and every tool call is
an activity (:mod:`agentrt.durable.activities`), so the conversation is rebuilt
from Temporal's history when a worker dies and the run resumes where it was. A
completed tool call is never run again.

Workflow code only: no I/O, no wall clock (``workflow.time()``), no randomness.
Its state is plain dicts (:mod:`agentrt.durable.codec`'s shapes). The query
``events(since)`` returns the events recorded so far, from index ``since``, for
``agentrt run --temporal`` to show progress.

A run that fails raises an ``ApplicationError`` whose ``type`` names the
agentrt error (``MaxTurnsExceeded``, ``ToolFailed``, ``OutputValidationError``,
``ToolLoopDetected``, ``UnknownToolError``, ``RunTimeout``, ``GuardrailTripped``, ``HookFailed``,
``BudgetExceeded`` (the same checks as a local run's, :mod:`agentrt.agents.budget`), or the model call's
RPC error such as ``AuthenticationError``) with the partial :class:`RunOutput`
as its first detail; :mod:`agentrt.durable.failures` turns it back into that error.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError
from temporalio.exceptions import TimeoutError as ActivityTimeout

with workflow.unsafe.imports_passed_through():
    from agentrt.agents.budget import Budget, breach_message, budget_for, stored_usage, text_tokens
    from agentrt.agents.limits import (
        Limits,
        canonical_arguments,
        max_turns_message,
        repair_prompt,
        timeout_message,
        tool_loop_message,
        unknown_tool_message,
    )
    from agentrt.durable.approvals import Approvals, denied_record
    from agentrt.durable.codec import decode_message
    from agentrt.durable.payloads import (
        APPROVE_SIGNAL,
        EVENTS_QUERY,
        EXTRA_ACTIVITY,
        MODEL_ACTIVITY,
        PENDING_QUERY,
        SESSION_APPEND_ACTIVITY,
        SESSION_LOAD_ACTIVITY,
        TOOL_ACTIVITY,
        WORKFLOW_NAME,
        ExtraCall,
        ModelCall,
        ModelReply,
        RunInput,
        RunOutput,
        SessionAppend,
        SessionHistory,
        ToolCallInput,
        ToolPolicy,
        ToolReply,
    )

__all__ = ["AgentWorkflow"]

_MAX_RETRY_INTERVAL = timedelta(seconds=30)
_TOOL_MARGIN = 1.0  # seconds: the tool's own timeout fires inside the activity first
# an activity's failure types that mean it ran out of the run's budget (as a local run: RunTimeout)
_BUDGET_SPENT = ("DeadlineExceeded", "RunTimeout")
# failures a tool activity reports as they are (not as ToolFailed): they stop the run like locally
_OWN_TYPE = ("GuardrailTripped", "HookFailed")


@workflow.defn(name=WORKFLOW_NAME)
class AgentWorkflow:
    """One agent run; start it with :func:`agentrt.durable.starter.start_run`."""

    def __init__(self) -> None:
        self._events: list[dict[str, Any]] = []
        self._approvals = Approvals()

    @workflow.query(name=EVENTS_QUERY)
    def events(self, since: int) -> list[dict[str, Any]]:
        """The events recorded so far, from index ``since``."""
        return self._events[since:]

    @workflow.query(name=PENDING_QUERY)
    def pending(self) -> list[dict[str, Any]]:
        """The tool calls waiting for a person's decision (``call_id``, ``tool``, ``arguments``, ``note``)."""
        return self._approvals.waiting()

    @workflow.signal(name=APPROVE_SIGNAL)
    def approve(self, decisions: Any) -> None:
        """Decisions ``{call_id: {"approve": true} | {"deny": reason}}``; invalid entries are ignored."""
        self._approvals.offer(decisions)

    @workflow.run
    async def run(self, inp: RunInput) -> RunOutput:
        """Run the agent to a final answer."""
        return await _Run(inp, self._events, self._approvals).run()


class _Run:
    """The state of one run: plain dicts, rebuilt from history on replay."""

    def __init__(self, inp: RunInput, events: list[dict[str, Any]], approvals: Approvals) -> None:
        self.inp = inp
        self.approvals = approvals
        self.history_len = 0
        self.expected_turns = 0
        self.plan = inp.plan
        self.events = events
        self.run_id = workflow.info().workflow_id
        self.start = workflow.time()
        self.deadline = None if self.plan.timeout is None else self.start + self.plan.timeout
        self.messages: list[dict[str, Any]] = [_text_message("user", inp.input)]
        if inp.parts:  # the pictures and files given with the input
            self.messages[0]["content"].extend(inp.parts)
        self.turns = 0
        self.usage: dict[str, Any] = {}
        self.records: list[dict[str, Any]] = []
        self.response_ids: list[str] = []
        self.seen: dict[str, int] = {}
        self.repairs_left = self.plan.output_retries
        self.last_text = ""
        self.budget = _budget(self.plan)
        self.model_index = 0  # the fallback model the run moved to (sticky), 0: its own
        self.fallbacks: list[dict[str, Any]] = []

    async def run(self) -> RunOutput:
        await self._load_session()
        await self._extra("on_run_start")
        while True:
            self._next_turn()
            await self._extra("on_turn_start")
            reply = await self._model_call()
            self._record(reply)
            calls = [c for c in reply.tool_calls if c.get("type", "function") == "function"]
            if calls:
                self._check_calls(calls)
                await self._turn_tools(calls, reply.pending)
            self.events.append(
                {
                    "type": "turn_finished",
                    "turn": self.turns,
                    "response_id": reply.response_id,
                    "finish_reason": reply.finish_reason,
                    "usage": reply.usage,
                }
            )
            await self._extra("on_turn_end")
            if not calls and self._finish(reply):
                await self._extra("output", value=reply.output)
                await self._extra("on_run_end", result=self._output(reply.output))
                await self._append_session()
                return self._output(reply.output)

    # -- hooks and guardrails (user code: activities only) ------------------------------------

    async def _extra(
        self, what: str, *, value: Any = None, result: RunOutput | None = None
    ) -> None:
        """Run hook ``what`` or the ``what`` guardrails as an activity, if the agent has them."""
        if what not in self.plan.extras:
            return
        opts = self.plan.activities
        arg = ExtraCall(
            agent=self.inp.agent,
            vars=self.inp.vars,
            what=what,
            turn=self.turns,
            metadata=self.inp.metadata,
            value=value,
            result=result,
        )
        try:
            await self._execute(
                EXTRA_ACTIVITY,
                arg,
                type(None),
                opts.model_timeout,
                opts.model_attempts,
                heartbeat=False,
            )
        except ActivityError as e:
            raise self._activity_failure(e, "AgentError", what) from None

    async def _guarded(self, model: Any) -> ModelReply:
        """The first model call with the input guardrails beside it; a trip cancels it."""
        try:
            await self._extra("input", value=self.inp.input)
        except BaseException:
            model.cancel()
            with contextlib.suppress(ActivityError, asyncio.CancelledError):
                await model
            raise
        reply: ModelReply = await model
        return reply

    # -- sessions (the store is reached from activities only) ---------------------------------

    async def _load_session(self) -> None:
        if self.inp.session is None:
            return
        try:
            history: SessionHistory = await self._execute(
                SESSION_LOAD_ACTIVITY, self.inp.session, SessionHistory, 60.0, 5, heartbeat=False
            )
        except ActivityError as e:
            raise self._activity_failure(e, "AgentError", "loading the session") from None
        self.expected_turns = history.turns
        self.history_len = len(history.messages)
        self.messages[:0] = history.messages
        if self.budget is not None and self.plan.budget_scope == "session":
            self.budget.base = stored_usage(history.usage)

    async def _append_session(self) -> None:
        if self.inp.session is None:
            return
        arg = SessionAppend(
            session=self.inp.session,
            expected_turns=self.expected_turns,
            input=self.inp.input,
            messages=self.messages[self.history_len :],
            response_id=self.response_ids[-1] if self.response_ids else None,
            created_at=workflow.time(),
            usage={k: v for k, v in self.usage.items() if type(v) is int},
        )
        try:
            await self._execute(SESSION_APPEND_ACTIVITY, arg, type(None), 60.0, 5, heartbeat=False)
        except ActivityError as e:
            raise self._activity_failure(e, "AgentError", "appending the turn") from None

    # -- approvals ------------------------------------------------------------------------------

    async def _turn_tools(self, calls: list[dict[str, Any]], pending: list[dict[str, Any]]) -> None:
        """Run the turn's calls: those needing no approval now, the others once decided."""
        ids = {c["id"] for c in calls}
        asked = [p for p in pending if p.get("call_id") in ids]
        asked_ids = {p["call_id"] for p in asked}
        free = [c for c in calls if c["id"] not in asked_ids]
        records = {r["call_id"]: r for r in await self._run_tools(free)}
        if asked:
            decisions = await self._decide(asked)
            approved = [c for c in calls if "approve" in decisions.get(c["id"], {})]
            records.update((r["call_id"], r) for r in await self._run_tools(approved))
            for c in calls:
                reason = decisions.get(c["id"], {}).get("deny")
                if reason is not None:
                    record = denied_record(c, reason, self.turns)
                    records[c["id"]] = record
                    self.events.append(
                        {"type": "tool_call_finished", "turn": self.turns, "record": record}
                    )
        for c in calls:
            record = records[c["id"]]
            self.records.append(record)
            self.messages.append(
                {"role": "tool", "content": [{"text": record["output"]}], "tool_call_id": c["id"]}
            )

    async def _decide(self, asked: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
        """Wait (durably) for a decision on each call; undecided ones are denied at the timeout."""
        self.approvals.ask(asked)
        self.events.append({"type": "approval_required", "turn": self.turns, "calls": asked})
        began, limit = workflow.time(), self.plan.approval_timeout
        try:
            await workflow.wait_condition(self.approvals.settled, timeout=limit)
        except TimeoutError:
            self.approvals.deny_rest(f"no one decided within {limit:g} s: denied")
        if self.deadline is not None:  # waiting for a person is not the run's own time
            self.deadline += workflow.time() - began
        return self.approvals.take()

    # -- steps ------------------------------------------------------------------------------

    def _next_turn(self) -> None:
        if self.turns >= self.plan.max_turns:
            raise self._fail(
                "MaxTurnsExceeded", max_turns_message(self.inp.agent, self.plan.max_turns)
            )
        if self.budget is not None:
            self._check_budget(before=True)
        self.turns += 1

    def _check_budget(self, *, before: bool) -> None:
        """As the local loop (agentrt.agents.budget): spent, then spent plus the next call's need."""
        budget = self.budget
        assert budget is not None
        spent = budget.spent(stored_usage([self.usage]))
        breach = budget.check(spent)
        if breach is None and before:
            added = text_tokens(decode_message(m) for m in self.messages[budget.seen :])
            breach = budget.check(spent, budget.estimate(added))
        if breach is not None:
            extra = {"limit": breach.limit, "budget": breach.budget, "spent": breach.spent}
            extra["estimated"] = breach.estimated
            message = breach_message(self.inp.agent, self.turns, breach)
            raise self._fail("BudgetExceeded", message, extra=extra)

    def _remaining(self) -> float | None:
        if self.deadline is None:
            return None
        left = self.deadline - workflow.time()
        if left <= 0:
            raise self._timeout()
        return left

    def _timeout(self) -> ApplicationError:
        return self._fail(
            "RunTimeout", timeout_message(self.inp.agent, self.plan.timeout, self.turns)
        )

    async def _model_call(self) -> ModelReply:
        opts = self.plan.activities
        left = self._remaining()
        limit = opts.model_timeout if left is None else min(opts.model_timeout, left)
        call = ModelCall(
            agent=self.inp.agent,
            vars=self.inp.vars,
            messages=self.messages,
            timeout=left,
            turn=self.turns,
            metadata=self.inp.metadata,
            model_index=self.model_index,
        )
        try:
            model = self._start(MODEL_ACTIVITY, call, ModelReply, limit, opts.model_attempts)
            if self.turns == 1 and "input" in self.plan.extras:
                reply = await self._guarded(model)
            else:
                reply = await model
        except ActivityError as e:
            raise self._activity_failure(e, "DeadlineExceeded", "the model call") from None
        return reply

    async def _execute(
        self,
        activity: str,
        arg: Any,
        result_type: type[Any],
        limit: float,
        attempts: int,
        *,
        heartbeat: bool = True,
    ) -> Any:
        """Run one activity within ``limit`` seconds, tried at most ``attempts`` times."""
        return await self._start(activity, arg, result_type, limit, attempts, heartbeat=heartbeat)

    def _start(
        self,
        activity: str,
        arg: Any,
        result_type: type[Any],
        limit: float,
        attempts: int,
        *,
        heartbeat: bool = True,
    ) -> Any:
        """Start one activity (see :meth:`_execute`); its handle, to await or cancel."""
        opts = self.plan.activities
        return workflow.start_activity(
            activity,
            arg,
            result_type=result_type,
            start_to_close_timeout=timedelta(seconds=limit),
            heartbeat_timeout=timedelta(seconds=opts.heartbeat_timeout) if heartbeat else None,
            retry_policy=RetryPolicy(
                initial_interval=timedelta(seconds=opts.retry_initial),
                maximum_interval=_MAX_RETRY_INTERVAL,
                maximum_attempts=max(1, attempts),
            ),
        )

    def _record(self, reply: ModelReply) -> None:
        if reply.fallbacks:  # the worker moved the turn to a fallback model: stay there
            self.model_index = reply.model_index
            self.fallbacks.extend(reply.fallbacks)
        self.usage = _add_usage(self.usage, reply.usage)
        self.response_ids.append(reply.response_id)
        self.messages.append(reply.message)
        self.last_text = reply.content
        if reply.content:
            self.events.append({"type": "text_delta", "text": reply.content})
        if self.budget is not None:
            self.budget.took(stored_usage([reply.usage]), len(self.messages))
            self._check_budget(before=False)

    def _check_calls(self, calls: list[dict[str, Any]]) -> None:
        if self.plan.unknown_tool == "raise":
            for c in calls:
                if c["name"] not in self.plan.tools:
                    raise self._fail(
                        "UnknownToolError", unknown_tool_message(c["name"], self.plan.tools)
                    )
        limit = self.plan.max_identical_tool_calls
        for c in calls:
            key = json.dumps([c["name"], canonical_arguments(c["arguments"])])
            count = self.seen[key] = self.seen.get(key, 0) + 1
            if limit is not None and count > limit:
                raise self._fail(
                    "ToolLoopDetected", tool_loop_message(c["name"], c["arguments"], count)
                )

    async def _run_tools(self, calls: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Run ``calls`` (each as an activity); their records, in order."""
        for c in calls:
            self.events.append(_started(self.turns, c))
        gate = asyncio.Semaphore(max(1, self.plan.max_tool_concurrency))

        async def one(call: dict[str, Any]) -> dict[str, Any]:
            async with gate:
                return await self._tool_call(call)

        records = list(await asyncio.gather(*(one(c) for c in calls)))
        for record in records:
            self.events.append({"type": "tool_call_finished", "turn": self.turns, "record": record})
        return records

    async def _tool_call(self, call: dict[str, Any]) -> dict[str, Any]:
        opts = self.plan.activities
        policy = self.plan.tools.get(call["name"], ToolPolicy())
        limit = (policy.timeout or opts.tool_timeout) + _TOOL_MARGIN
        left = self._remaining()
        if left is not None:
            limit = min(limit, left)
        attempts = opts.tool_attempts if policy.idempotent else 1
        arg = ToolCallInput(
            agent=self.inp.agent,
            vars=self.inp.vars,
            call=call,
            turn=self.turns,
            timeout=left,
            metadata=self.inp.metadata,
        )
        try:
            reply: ToolReply = await self._execute(TOOL_ACTIVITY, arg, ToolReply, limit, attempts)
        except ActivityError as e:
            what = f"tool {call['name']!r} ({attempts} attempt{'s' if attempts > 1 else ''})"
            raise self._activity_failure(e, "ToolFailed", what, force_type=True) from None
        if reply.usage:  # a sub-agent's model calls count as this run's
            self.usage = _add_usage(self.usage, reply.usage)
        record: dict[str, Any] = reply.record
        return record

    def _finish(self, reply: ModelReply) -> bool:
        if reply.valid:
            return True
        if self.repairs_left <= 0:
            raise self._fail(
                "OutputValidationError",
                f"agent {self.inp.agent!r}: the answer is not valid output: {reply.reason}",
                extra={"raw": reply.content, "reason": reply.reason},
            )
        self.repairs_left -= 1
        self.messages.append(_text_message("user", repair_prompt(reply.reason)))
        return False

    # -- results and failures -----------------------------------------------------------------

    def _activity_failure(
        self, e: ActivityError, timeout_type: str, what: str, *, force_type: bool = False
    ) -> ApplicationError:
        cause = e.cause
        if isinstance(cause, ActivityTimeout):
            if self.deadline is not None and workflow.time() >= self.deadline:
                return self._timeout()
            return self._fail(timeout_type, f"{what} timed out ({_timeout_kind(cause)})")
        if isinstance(cause, ApplicationError):
            if cause.type in _BUDGET_SPENT and self.deadline is not None:
                return self._timeout()  # the call had what was left of the run's budget
            forced = force_type and cause.type not in _OWN_TYPE
            kind = timeout_type if forced or not cause.type else cause.type
            return self._fail(kind, f"{what} failed: {cause.message}", extra=_details(cause))
        return self._fail(timeout_type, f"{what} failed: {cause or e}")

    def _fail(
        self, kind: str, message: str, *, extra: dict[str, Any] | None = None
    ) -> ApplicationError:
        return ApplicationError(
            message, self._output(None), extra or {}, type=kind, non_retryable=True
        )

    def _output(self, output: Any) -> RunOutput:
        repeated = [
            {"name": name, "arguments": args, "count": n}
            for (name, args), n in ((json.loads(k), n) for k, n in self.seen.items())
            if n > 1
        ]
        return RunOutput(
            agent=self.inp.agent,
            run_id=self.run_id,
            output=output,
            text=self.last_text,
            messages=list(self.messages),
            tool_calls=list(self.records),
            usage=self.usage,
            turns=self.turns,
            response_ids=list(self.response_ids),
            repeated_tool_calls=repeated,
            duration=workflow.time() - self.start,
            fallbacks=list(self.fallbacks),
        )


def _budget(plan: Any) -> Budget | None:
    """The run's budgets from its plan (a plan from before budgets has none)."""
    limits = Limits(
        max_input_tokens=plan.max_input_tokens,
        max_output_tokens=plan.max_output_tokens,
        max_cost_usd=plan.max_cost_usd,
    )
    return budget_for(limits)


def _text_message(role: str, text: str) -> dict[str, Any]:
    return {"role": role, "content": [{"text": text}]}


def _started(turn: int, call: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "tool_call_started",
        "turn": turn,
        "call_id": call["id"],
        "name": call["name"],
        "arguments": call["arguments"],
    }


def _timeout_kind(cause: ActivityTimeout) -> str:
    kind = cause.type
    return "timeout" if kind is None else kind.name.lower().replace("_", "-")


def _details(cause: ApplicationError) -> dict[str, Any]:
    details = cause.details
    return details[0] if details and isinstance(details[0], dict) else {}


def _add_usage(total: dict[str, Any], more: dict[str, Any]) -> dict[str, Any]:
    out = dict(total)
    for key, value in more.items():
        have = out.get(key)
        if isinstance(value, list):
            out[key] = [*(have or []), *value]
        elif value is None or have is None:
            out[key] = value if have is None else have
        else:
            out[key] = have + value
    return out
