"""One agent run, turn by turn: :class:`RunLoop` (used by :class:`agentrt.agents.agent.Agent`).

A turn is one model call, then the tool calls it asked for. ``Agent.run()``
awaits :meth:`RunLoop.run_to_end` (unary calls, no events); ``Agent.stream()``
hands the caller :meth:`RunLoop.events`, an async generator of
:mod:`agentrt.agents.events`. Neither holds a task group or a timeout scope across a
``yield`` or an await of the model (a consumer's code runs there): concurrency
lives inside :func:`agentrt.agents.dispatch.dispatch`, and the run's deadline is
passed down as the remaining budget of every model and tool call.
"""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import aclosing
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from agentrt.agents.budget import Budget, budget_for
from agentrt.agents.dispatch import ToolCallRecord, ToolJournal, dispatch
from agentrt.agents.events import (
    AgentEvent,
    ReasoningDelta,
    RunFinished,
    TextDelta,
    ToolCallFinished,
    ToolCallStarted,
    TurnFinished,
)
from agentrt.agents.limits import (
    canonical_arguments,
    max_turns_message,
    model_deadline_message,
    repair_prompt,
    timeout_message,
    tool_loop_message,
)
from agentrt.agents.run_result import RepeatedToolCall, RunResult
from agentrt.agents.schema import SchemaMismatch
from agentrt.agents.tools import ToolContext, weak_sink
from agentrt.errors import (
    AgentError,
    DeadlineExceeded,
    MaxTurnsExceeded,
    NotFound,
    OutputValidationError,
    RPCError,
    RunTimeout,
    ToolLoopDetected,
    UnknownToolError,
)
from agentrt.telemetry.redaction import NO_REDACTIONS, Redactions
from agentrt.telemetry.tracing import activate, telemetry_of
from agentrt.xai.chat_request import ChatRequest, JsonSchema
from agentrt.xai.chat_response import ChatResponse, Usage
from agentrt.xai.messages import Message, ToolCall, tool_result, user

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from agentrt.agents.approval import ApprovalRequired, Resumption
    from agentrt.agents.extension import Extension, RequestChain
    from agentrt.agents.fallback import ModelFallback
    from agentrt.agents.guardrails import Guardrails
    from agentrt.agents.history import HistoryFit
    from agentrt.agents.hooks import HookRunner
    from agentrt.agents.limits import Limits
    from agentrt.agents.model import Model
    from agentrt.agents.schema import OutputSchema
    from agentrt.agents.tools import Toolset
    from agentrt.telemetry.spans import AgentRun
    from agentrt.xai.tool_specs import ToolSpec

__all__ = ["RunLoop", "RunSetup"]


@dataclass(frozen=True, slots=True, kw_only=True)
class RunSetup:
    """What does not change during a run (built once per agent, reused by every run)."""

    agent: str
    model_name: str
    instructions: str
    tools: Toolset
    declarations: tuple[ToolSpec, ...]
    output: OutputSchema | None
    request_fields: Mapping[str, Any]
    limits: Limits
    redactions: Redactions = NO_REDACTIONS
    _template: dict[str, Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        fmt = None if self.output is None else JsonSchema(schema=self.output.schema)
        template = ChatRequest(
            model=self.model_name,
            tools=self.declarations,
            response_format=fmt,
            **self.request_fields,
        )
        object.__setattr__(self, "_template", template.__dict__)

    def request(self, messages: Sequence[Message]) -> ChatRequest:
        """The model call for ``messages`` (the whole conversation, instructions first).

        The run's settings were checked once, when the template was made; each
        turn copies them (ChatRequest has no ``__post_init__``), not ~30 keywords.
        """
        req: ChatRequest = object.__new__(ChatRequest)
        fields = req.__dict__
        fields.update(self._template)
        fields["messages"] = tuple(messages)
        return req


_CLOCK_SLACK_S = 0.05
"""A DEADLINE_EXCEEDED this close to the run's deadline is the run's own (gRPC's timer and
``time.monotonic()`` differ a little); earlier, the server ended that one call."""


@dataclass(slots=True, kw_only=True, weakref_slot=True)
class RunLoop:
    """The mutable state of one run and the loop that advances it."""

    setup: RunSetup
    model: Model
    messages: list[Message]
    run_id: str
    deadline: float | None = None
    caller_s: float | None = None  # seconds the caller gave, when its deadline is the run's
    metadata: Mapping[str, str] = field(default_factory=dict)
    client: Any = None
    result: RunResult[Any] | None = None
    start: float = field(default_factory=time.monotonic)
    turns: int = 0
    usage: Usage = field(default_factory=Usage)
    records: list[ToolCallRecord] = field(default_factory=list)
    response_ids: list[str] = field(default_factory=list)
    seen_calls: dict[tuple[str, str], int] = field(default_factory=dict)
    repairs_left: int = 0
    last_text: str = ""
    output: Any = None
    trace: AgentRun | None = None  # the run's invoke_agent span, while telemetry is on
    tool_context: ToolContext | None = None  # made at the first tool call, the same for all
    # what must happen before the first model call (the agent's files, named collections)
    prepare: Callable[[RunLoop], Awaitable[None]] | None = None
    journal: ToolJournal | None = None  # tool calls kept so a resumed run runs none twice
    # Sessions, approvals, hooks, guardrails, deps (agentrt.agents.run_extras); a run that
    # uses none has ``ext`` None and pays one attribute check per turn for them.
    ext: Extension | None = None
    deps: Any = None
    hooks: HookRunner | None = None
    guards: Guardrails | None = None
    session: Any = None  # an agentrt.agents.session_run.SessionRun
    chain: RequestChain | None = None  # how a session run's requests are sent
    paused: ApprovalRequired | None = None
    resuming: Resumption | None = None
    input_text: str = ""
    budget: Budget | None = None  # token and cost budgets (agentrt.agents.budget), when set
    history: HistoryFit | None = None  # what is sent past a token budget (agents/history.py)
    fallback: ModelFallback | None = None  # the next models (agentrt.agents.fallback), when set

    def __post_init__(self) -> None:
        self.repairs_left = self.setup.limits.output_retries
        self.budget = budget_for(self.setup.limits)

    def add_usage(self, usage: Usage) -> None:
        """Count usage spent elsewhere in this run (sub-agents)."""
        self.usage = self.usage + usage

    async def run_to_end(self) -> RunResult[Any]:
        """Run turns (unary model calls) until a final answer; raises an AgentError on failure."""
        with self._traced() as self.trace:
            if self.prepare is not None:
                await self.prepare(self)
            ext = self.ext
            if ext is not None:
                await ext.start(self)
            while True:
                self._next_turn()
                if ext is not None:
                    response = await ext.model_call(self)
                else:
                    response = await self.complete()
                if response is None:  # a Model implementation broke the seam's contract
                    raise AgentError("the model returned no response", result=self.partial())
                calls = self._record(response)
                finished = None
                if calls:
                    await self._run_tools(calls)
                else:
                    finished = self._finished(response)
                if ext is not None and (ended := await ext.turn_end(self, finished)) is not None:
                    return ended
                if finished is not None:
                    return finished.result

    async def events(self) -> AsyncIterator[AgentEvent]:
        """Run turns (streamed model calls) until a final answer, yielding events as they
        happen; raises an AgentError on failure."""
        with self._traced() as self.trace:
            if self.prepare is not None:
                await self.prepare(self)
            ext = self.ext
            if ext is not None:
                for record in await ext.start(self):
                    yield ToolCallFinished(turn=self.turns, record=record)
            while True:
                self._next_turn()
                response = None
                if ext is not None:
                    items: AsyncIterator[Any] = ext.model_stream(self)
                else:
                    items = self.stream()
                async with aclosing(items):  # type: ignore[type-var]
                    async for item in items:
                        if isinstance(item, ChatResponse):
                            response = item
                        else:
                            yield item
                if response is None:  # a Model implementation broke the seam's contract
                    raise AgentError(
                        "the model's stream ended without a response", result=self.partial()
                    )
                calls = self._record(response)
                for c in calls:
                    yield ToolCallStarted(
                        turn=self.turns, call_id=c.id, name=c.name, arguments=c.arguments
                    )
                if calls:
                    for record in await self._run_tools(calls):
                        yield ToolCallFinished(turn=self.turns, record=record)
                yield TurnFinished(
                    turn=self.turns,
                    response_id=response.id,
                    finish_reason=response.finish_reason,
                    usage=response.usage,
                )
                finished = None if calls else self._finished(response)
                ended = None
                if ext is not None:
                    ended = await ext.turn_end(self, finished)
                if ended is not None and self.paused is not None:
                    yield self.paused
                    return
                if finished is not None:
                    yield finished
                    return

    def _traced(self) -> AbstractContextManager[AgentRun | None]:
        """The run's ``invoke_agent`` span; model and tool calls nest under it via activate()."""
        s = self.setup
        return telemetry_of(self.client).agent_run(
            agent=s.agent,
            model=s.model_name,
            conversation_id=self.run_id,
            instructions=s.instructions,
            redactions=s.redactions,
        )

    # -- one step each ------------------------------------------------------------------------

    def _next_turn(self) -> None:
        if self.turns >= self.setup.limits.max_turns:
            raise MaxTurnsExceeded(
                max_turns_message(self.setup.agent, self.setup.limits.max_turns),
                result=self.partial(),
            )
        if self.budget is not None:
            self.budget.before_turn(self)
        self.turns += 1

    def remaining(self) -> float | None:
        """Seconds left of the run's budget (``None``: no budget); RunTimeout when none are."""
        if self.deadline is None:
            return None
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise self.timeout_error()
        return left

    def timeout_error(self) -> RunTimeout:
        """The error for a run that ran out of time, with the partial result."""
        return RunTimeout(
            timeout_message(
                self.setup.agent, self.setup.limits.timeout, self.turns, caller_s=self.caller_s
            ),
            result=self.partial(),
        )

    def _deadline_error(self, e: DeadlineExceeded, started: float) -> Exception:
        """RunTimeout when the run's deadline ran out; else this one model call's own failure."""
        now = time.monotonic()
        if self.deadline is not None and now >= self.deadline - _CLOCK_SLACK_S:
            return self.timeout_error()
        left = None if self.deadline is None else self.deadline - now
        took = now - started
        shown = self.setup.redactions.value(self.setup.model_name)
        message = model_deadline_message(shown, took, left, e.details)
        return DeadlineExceeded(message, code=e.code, request_id=e.request_id)

    async def complete(self) -> ChatResponse:
        """One unary model call of the conversation so far."""
        started = time.monotonic()
        chain = self.chain
        history = self.history
        messages = self.messages if history is None else await history.fit(self)
        try:
            with activate(self.trace):  # the model call's span nests under the run's
                return await self.model.complete(
                    self.setup.request(messages)
                    if chain is None
                    else chain.request(self.setup, messages),
                    timeout=self.remaining(),
                )
        except DeadlineExceeded as e:
            raise self._deadline_error(e, started) from e
        except NotFound:  # a stored response expired: resend the history, once
            if chain is None or not chain.fall_back():
                raise
        except RPCError as e:  # the same turn on the next model (agentrt.agents.fallback)
            if self.fallback is None or not self.fallback.take(self, e):
                raise
        return await self.complete()

    async def stream(self) -> AsyncGenerator[ChatResponse | TextDelta | ReasoningDelta, None]:
        """The model's stream, deltas turned into events (one small object per delta)."""
        started = time.monotonic()
        chain = self.chain
        history = self.history
        messages = self.messages if history is None else await history.fit(self)
        with activate(self.trace):  # the stream takes its trace parent when it is made
            request = (
                self.setup.request(messages)
                if chain is None
                else chain.request(self.setup, messages)
            )
            it = self.model.stream(request, timeout=self.remaining())
        if chain is not None and chain.response_id is not None:
            assert self.ext is not None  # a session run has its extension
            it = self.ext.resend_on_expiry(self, chain, it)
        try:
            async for item in it:
                if isinstance(item, ChatResponse):
                    yield item
                    continue
                if item.reasoning_content:
                    yield ReasoningDelta(item.reasoning_content)
                if item.content:
                    yield TextDelta(item.content)
        except DeadlineExceeded as e:
            raise self._deadline_error(e, started) from e
        except RPCError as e:  # before the first delta (after it: StreamInterrupted)
            if self.fallback is None or not self.fallback.take(self, e):
                raise
        else:
            return
        finally:
            close = getattr(it, "aclose", None)
            if close is not None:  # cancels the RPC when we stop early
                await close()
        async for event in self.stream():  # the same turn on the next model
            yield event

    def _record(self, response: ChatResponse) -> list[ToolCall]:
        """Take ``response`` into the run; the function calls it asks for."""
        self.usage = self.usage + response.usage
        self.response_ids.append(response.id)
        self.messages.append(response.message)
        self.last_text = response.content
        if self.chain is not None:
            self.chain.advance(response.id, len(self.messages))
        if self.budget is not None:
            self.budget.after_call(self, response.usage)
        return [c for c in response.tool_calls if c.type == "function"]

    async def _run_tools(
        self, calls: list[ToolCall], *, plain: bool = False
    ) -> list[ToolCallRecord]:
        """This turn's calls, their results kept; ``plain``: only run them (for run_extras)."""
        if not plain:
            self._count_repeats(calls)
            if self.ext is not None:  # approvals, tool guardrails, tool hooks
                records = await self.ext.run_tools(self, calls)
                if self.paused is None:
                    self.records.extend(records)
                    self.messages.extend(tool_result(r.call_id, r.output) for r in records)
                return records
        context = self.tool_context
        if context is None:
            context = self.context()
        try:
            with activate(self.trace):
                records = await dispatch(
                    calls,
                    self.setup.tools,
                    turn=self.turns,
                    max_concurrency=self.setup.limits.max_tool_concurrency,
                    deadline=self.deadline,
                    unknown_tool=self.setup.limits.unknown_tool,
                    context=context,
                    max_result_chars=self.setup.limits.max_tool_result_chars,
                    journal=self.journal,
                )
        except TimeoutError as e:
            raise self.timeout_error() from e
        except UnknownToolError as e:
            e.result = self.partial()
            raise
        if not plain:
            self.records.extend(records)
            self.messages.extend(tool_result(r.call_id, r.output) for r in records)
        return records

    def dispatch(self, calls: list[ToolCall]) -> Awaitable[list[ToolCallRecord]]:
        """Run ``calls`` (validated, approved) to their records; the caller keeps them."""
        return self._run_tools(calls, plain=True)

    def context(self) -> ToolContext[Any]:
        """The run's context (the template of every tool call's, given to hooks and guardrails)."""
        context = self.tool_context
        if context is None:
            context = self.tool_context = ToolContext(
                agent=self.setup.agent,
                run_id=self.run_id,
                metadata=self.metadata,
                client=self.client,
                usage_sink=weak_sink(self.add_usage),
                deps=self.deps,
            )
        return context

    def _count_repeats(self, calls: list[ToolCall]) -> None:
        limit = self.setup.limits.max_identical_tool_calls
        for c in calls:
            key = (c.name, canonical_arguments(c.arguments))
            count = self.seen_calls[key] = self.seen_calls.get(key, 0) + 1
            if limit is not None and count > limit:
                raise ToolLoopDetected(
                    tool_loop_message(c.name, c.arguments, count), result=self.partial()
                )

    def _finished(self, response: ChatResponse) -> RunFinished | None:
        """The run's end when ``response`` is a valid final answer (else a repair turn was queued)."""
        if not self._finish(response):
            return None
        self.result = self._result(self.output)
        if self.trace is not None:
            self.trace.record(self.result)
        return RunFinished(result=self.result)

    def _finish(self, response: ChatResponse) -> bool:
        """Validate the final answer; False means a repair turn was queued."""
        output = self.setup.output
        if output is None:
            self.output = response.content
            return True
        try:
            self.output = output.validate_json(response.content)
            return True
        except SchemaMismatch as e:
            reason = str(e)
        if self.repairs_left <= 0:
            raise OutputValidationError(
                f"agent {self.setup.agent!r}: the answer is not valid {output.name} output: {reason}",
                raw=response.content,
                reason=reason,
                result=self.partial(),
            )
        self.repairs_left -= 1
        self.messages.append(user(repair_prompt(reason)))
        return False

    # -- results --------------------------------------------------------------------------

    def partial(self) -> RunResult[Any]:
        """What the run has done so far (attached to errors)."""
        return self._result(None)

    def _result(self, output: Any) -> RunResult[Any]:
        repeated = tuple(
            RepeatedToolCall(name=name, arguments=args, count=n)
            for (name, args), n in self.seen_calls.items()
            if n > 1
        )
        start = 1 if self.messages and self.messages[0].role == "system" else 0
        return RunResult(
            agent=self.setup.agent,
            run_id=self.run_id,
            output=output,
            text=self.last_text,
            messages=tuple(self.messages[start:]),
            tool_calls=tuple(self.records),
            usage=self.usage,
            turns=self.turns,
            response_ids=tuple(self.response_ids),
            repeated_tool_calls=repeated,
            duration=time.monotonic() - self.start,
            fallbacks=() if self.fallback is None else tuple(self.fallback.taken),
        )
