"""Agents: a model, instructions, tools and an output type, run in a function-calling loop.

::

    agent = Agent(
        name="weather",
        model="grok-4-1-fast-reasoning",
        instructions="Answer with the forecast.",
        tools=[get_weather],
        output_type=Forecast,                       # or output_schema={...}, or text
        limits=Limits(max_turns=6, timeout=60),
    )
    async with Client() as client:
        result = await agent.run("Weather in Paris?", client=client)
        result.output                               # a validated Forecast
        more = await agent.run("And tomorrow?", client=client, history=result)

        async with agent.stream("Weather in Oslo?", client=client) as events:
            async for event in events:              # TextDelta, ToolCallStarted, ...
                ...
        events.result

The loop itself lives in :mod:`agentrt.agents.run_loop`; the model seam in
:mod:`agentrt.agents.model` (pass ``model=ScriptedModel(...)`` to test without a server).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import re
import time
from collections.abc import AsyncIterator, Awaitable, Iterable, Mapping, Sequence
from dataclasses import replace
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, overload

from typing_extensions import TypeVar

from agentrt.agents.attachments import Attachments, attach
from agentrt.agents.collection_names import CollectionResolver, SearchCollections
from agentrt.agents.dispatch import ToolJournal
from agentrt.agents.events import AgentEvent
from agentrt.agents.fallback import ModelFallback, check_models
from agentrt.agents.guardrails import Guardrail, Guardrails
from agentrt.agents.history import HistoryFit, HistoryPolicy
from agentrt.agents.hooks import DEFAULT_HOOK_TIMEOUT_S, HookRunner
from agentrt.agents.limits import Limits
from agentrt.agents.model import Model, ModelSettings
from agentrt.agents.run_loop import RunLoop, RunSetup
from agentrt.agents.run_options import RunOptions, resume_loop
from agentrt.agents.run_result import RunResult
from agentrt.agents.schema import output_schema as make_output_schema
from agentrt.agents.session import Session, SessionStore
from agentrt.agents.session_run import SessionMode
from agentrt.agents.sync_run import run_in_own_loop
from agentrt.agents.tools import Tool, ToolContext, Toolset
from agentrt.errors import AgentError, UsageError
from agentrt.telemetry.redaction import NO_REDACTIONS, Redactions
from agentrt.xai.deadline import current_deadline
from agentrt.xai.messages import Message, system, user
from agentrt.xai.tool_specs import CollectionsSearch

if TYPE_CHECKING:
    from agentrt.agents.approval import Decision
    from agentrt.agents.chat_model import ChatModel
    from agentrt.agents.mcp_config import MCPServer
    from agentrt.agents.mcp_run import MCPPool, MCPRuntime
    from agentrt.agents.run_state import RunState
    from agentrt.xai.client import Client

__all__ = ["Agent", "AgentInput", "AgentStream"]

T = TypeVar("T")
Deps = TypeVar("Deps", default=Any)
SessionArg = Session | tuple[SessionStore, str]
AgentInput = str | Message | Sequence[Message]
"""What a run starts from: a user's text, one message, or several."""
_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_NO_SCOPE = contextlib.nullcontext()  # a run without a deadline (reusable: it keeps no state)


class Agent(Generic[T, Deps]):
    """A tool-using agent; build once, run many times (concurrently too).

    ``Agent[Out, Deps]``: the output type, and the type of ``deps=`` (``RunContext[Deps]``).

    Args:
        name: the agent's name, ``[A-Za-z0-9_-]``; its tool name when used as a sub-agent.
        model: a model name (called through ``client=`` at run time) or a
            :class:`~agentrt.agents.model.Model` (e.g. :class:`~agentrt.testing.ScriptedModel`).
        instructions: the system message.
        tools: functions, :class:`~agentrt.agents.tools.Tool` s, server-side tool specs, other agents.
        output_type: a Python type the final answer must be (validated by pydantic).
        output_schema: a JSON Schema the final answer must match (instead of ``output_type``).
        settings: sampling settings sent on every model call.
        limits: turns, time budget, tool concurrency, repair turns.
        description: what the agent does (read by a parent agent's model).
        redactions: strings the agent uses but never shows (values a spec took from
            ``${ENV}``): its ``repr``, error messages and spans show their markers.
        hooks: an object with lifecycle hook methods (:mod:`agentrt.agents.hooks`).
        input_guardrails, output_guardrails, tool_guardrails: :mod:`agentrt.agents.guardrails`.
        hook_timeout: seconds an async hook may take before the run fails with HookFailed.
        mcp_servers: local MCP servers whose tools the agent uses
            (:class:`~agentrt.agents.mcp_config.MCPStdio`,
            :class:`~agentrt.agents.mcp_config.MCPHttp`; docs/mcp.md).
        models: fallback model names, tried in order after ``model`` when a turn's call
            fails with UNAVAILABLE, rate limiting or INTERNAL (after the client's
            retries); sticky for the rest of the run (:mod:`agentrt.agents.fallback`).

    Raises:
        UsageError: a bad name, both output forms, a tool that cannot be a tool, or
            ``models`` that are not distinct model names.
    """

    @overload
    def __init__(
        self,
        *,
        name: str,
        model: str | Model,
        instructions: str = "",
        tools: Iterable[Any] = (),
        output_type: type[T],
        settings: ModelSettings | None = None,
        limits: Limits | None = None,
        description: str = "",
        redactions: Redactions = NO_REDACTIONS,
        files: Sequence[str | os.PathLike[str]] = (),
        hooks: Any = None,
        input_guardrails: Sequence[Guardrail] = (),
        output_guardrails: Sequence[Guardrail] = (),
        tool_guardrails: Sequence[Guardrail] = (),
        hook_timeout: float = DEFAULT_HOOK_TIMEOUT_S,
        mcp_servers: Sequence[MCPServer] = (),
        history: HistoryPolicy | None = None,
        models: Sequence[str] = (),
    ) -> None: ...
    @overload
    def __init__(
        self: Agent[Any],
        *,
        name: str,
        model: str | Model,
        instructions: str = "",
        tools: Iterable[Any] = (),
        output_schema: Mapping[str, Any] | None = None,
        settings: ModelSettings | None = None,
        limits: Limits | None = None,
        description: str = "",
        redactions: Redactions = NO_REDACTIONS,
        files: Sequence[str | os.PathLike[str]] = (),
        hooks: Any = None,
        input_guardrails: Sequence[Guardrail] = (),
        output_guardrails: Sequence[Guardrail] = (),
        tool_guardrails: Sequence[Guardrail] = (),
        hook_timeout: float = DEFAULT_HOOK_TIMEOUT_S,
        mcp_servers: Sequence[MCPServer] = (),
        history: HistoryPolicy | None = None,
        models: Sequence[str] = (),
    ) -> None: ...
    def __init__(
        self,
        *,
        name: str,
        model: str | Model,
        instructions: str = "",
        tools: Iterable[Any] = (),
        output_type: type[T] | None = None,
        output_schema: Mapping[str, Any] | None = None,
        settings: ModelSettings | None = None,
        limits: Limits | None = None,
        description: str = "",
        redactions: Redactions = NO_REDACTIONS,
        files: Sequence[str | os.PathLike[str]] = (),
        hooks: Any = None,
        input_guardrails: Sequence[Guardrail] = (),
        output_guardrails: Sequence[Guardrail] = (),
        tool_guardrails: Sequence[Guardrail] = (),
        hook_timeout: float = DEFAULT_HOOK_TIMEOUT_S,
        mcp_servers: Sequence[MCPServer] = (),
        history: HistoryPolicy | None = None,
        models: Sequence[str] = (),
    ) -> None:
        if not _NAME.match(name):
            raise UsageError(f"agent name {name!r} must match [A-Za-z0-9_-]{{1,64}}")
        if output_type is not None and output_schema is not None:
            raise UsageError(f"agent {name!r}: give output_type or output_schema, not both")
        self.name = name
        self.model = model
        self.instructions = instructions
        self.description = description
        tools = list(tools)
        self._collections = CollectionResolver(
            tuple(t for t in tools if isinstance(t, SearchCollections))
        )
        self.tools = Toolset(t for t in tools if not isinstance(t, SearchCollections))
        self.files = Attachments(files)
        self._prepared_setups: dict[tuple[CollectionsSearch, ...], RunSetup] = {}
        self.settings = settings or ModelSettings()
        self.limits = limits or Limits()
        self.redactions = redactions
        self.hooks = hooks
        self.hook_timeout = hook_timeout
        HookRunner.of(hooks)  # checks the object now, not at the first run
        self.guards = Guardrails.of(input_guardrails, output_guardrails, tool_guardrails)
        if history is not None and not isinstance(history, HistoryPolicy):
            raise UsageError(
                f"agent {name!r}: history= takes a HistoryPolicy, not {type(history).__name__}"
            )
        self.history_policy = history  # what the model is sent past a token budget
        # a run of this agent goes through agentrt.agents.run_extras even without run options
        self._extended = hooks is not None or self.guards is not None or self.tools.approvals
        spec = output_type if output_type is not None else output_schema
        output = None if spec is None else make_output_schema(spec, name=f"{name}_output")
        model_name = model if isinstance(model, str) else str(getattr(model, "name", "model"))
        self._system_message: Message | None = None
        self._setup = RunSetup(
            agent=name,
            model_name=model_name,
            instructions=instructions,
            tools=self.tools,
            declarations=self.tools.declarations(),
            output=output,
            request_fields=self.settings.request_fields(),
            limits=self.limits,
            redactions=redactions,
        )
        self.mcp_servers = tuple(mcp_servers)
        self._mcp = _mcp_runtime(self) if self.mcp_servers else None
        self.models = check_models(name, model, models)

    def __repr__(self) -> str:
        model = self.model if isinstance(self.model, str) else type(self.model).__name__
        model = self.redactions.value(model)
        return f"Agent(name={self.name!r}, model={model!r}, tools={len(self.tools)})"

    async def run(
        self,
        input: AgentInput,
        *,
        client: Client | None = None,
        model: Model | None = None,
        history: RunResult[Any] | Sequence[Message] | None = None,
        run_id: str | None = None,
        metadata: Mapping[str, str] | None = None,
        deadline: float | None = None,
        journal: ToolJournal | None = None,
        session: SessionArg | None = None,
        session_mode: SessionMode = "auto",
        hooks: Any = None,
        deps: Deps | None = None,
    ) -> RunResult[T]:
        """Run to a final answer.

        Args:
            input: the user's text, a message, or messages.
            client: the client that reaches the model (when ``model`` is a name).
            model: a model to use instead of the agent's (tests).
            history: an earlier result (or messages) to continue from.
            run_id: an id for this run (default: a fresh one).
            metadata: values passed to tools through :class:`~agentrt.agents.tools.ToolContext`.
            deadline: a ``time.monotonic()`` time the run must end by (a parent's budget).
            journal: keeps the tool calls so a run resumed with the same ``run_id`` runs
                none twice (:mod:`agentrt.agents.journal`).
            session: a Session or ``(store, session_id)``: its turns are the history; one
                turn is appended when the run succeeds (docs/sessions.md).
            session_mode: ``"auto"``, ``"resend"`` or ``"previous_response_id"``.
            hooks, deps: this run's hooks (after the agent's); ``ctx.deps`` for all of them.

        Returns:
            The result (``outcome``: an ApprovalRequired when it paused for approval).

        Raises:
            MaxTurnsExceeded, OutputValidationError, RunTimeout, ToolLoopDetected,
            UnknownToolError, GuardrailTripped, HookFailed, SessionConflict: with the
            partial result attached; RPC errors as the client raises them.
        """
        loop = self._loop(input, client, model, history, run_id, metadata, deadline)
        loop.journal = journal
        if self._extended or session is not None or hooks is not None or deps is not None:
            RunOptions(session, session_mode, hooks, deps).apply(self, loop, input, history)
        if self._mcp is not None:
            return await self._mcp.drive(self._drive, loop)
        # _drive's body, inlined: one coroutine frame less per run
        scope = None  # a hard stop, even for a model that ignores its timeout
        if loop.deadline is not None:
            scope = asyncio.timeout(loop.deadline - time.monotonic())
        try:
            async with scope or _NO_SCOPE:
                return await loop.run_to_end()
        except TimeoutError as e:
            if scope is None or not scope.expired():
                raise
            raise loop.timeout_error() from e

    def run_sync(
        self,
        input: AgentInput,
        *,
        client: Client | None = None,
        model: Model | None = None,
        history: RunResult[Any] | Sequence[Message] | None = None,
        run_id: str | None = None,
        metadata: Mapping[str, str] | None = None,
        deadline: float | None = None,
        journal: ToolJournal | None = None,
        session: SessionArg | None = None,
        session_mode: SessionMode = "auto",
        hooks: Any = None,
        deps: Deps | None = None,
    ) -> RunResult[T]:
        """:meth:`run` from synchronous code (scripts, notebooks), on an event loop of its own.

        Same arguments as :meth:`run`. Without ``client=``, an agent that calls its model
        by name uses ``Client()`` (from the environment); a given client's connections
        of the run's loop are closed at the end (it stays usable).

        Raises:
            UsageError: called while an event loop is running (Jupyter, async code):
                use ``await agent.run(...)`` there. Otherwise what :meth:`run` raises.
        """

        def start(chosen: Client | None) -> Awaitable[RunResult[T]]:
            return self.run(
                input, client=chosen, model=model, history=history, run_id=run_id,
                metadata=metadata, deadline=deadline, journal=journal, session=session,
                session_mode=session_mode, hooks=hooks, deps=deps,
            )  # fmt: skip

        needs_client = model is None and isinstance(self.model, str)
        return run_in_own_loop(start, client, needs_client)

    async def resume(
        self,
        state: RunState,
        decisions: dict[str, Decision],
        *,
        client: Client | None = None,
        model: Model | None = None,
        metadata: Mapping[str, str] | None = None,
        deadline: float | None = None,
        session: SessionArg | None = None,
        session_mode: SessionMode = "auto",
        hooks: Any = None,
        deps: Deps | None = None,
    ) -> RunResult[T]:
        """Continue a run paused for approval (:mod:`agentrt.agents.approval`): approved
        calls run, denied ones get the person's reason, the turn's other calls do not run
        again; then as :meth:`run` (a session run needs the same ``session=``).

        Raises:
            UsageError: the state is another agent's or inconsistent, or the decisions
                are not exactly one Approve()/Deny(reason) per pending call.
        """
        loop = self._loop((), client, model, None, None, metadata, deadline)
        resume_loop(self, loop, state, decisions, RunOptions(session, session_mode, hooks, deps))
        if self._mcp is not None:
            return await self._mcp.drive(self._drive, loop)
        return await self._drive(loop)

    def resume_stream(
        self,
        state: RunState,
        decisions: dict[str, Decision],
        *,
        client: Client | None = None,
        model: Model | None = None,
        metadata: Mapping[str, str] | None = None,
        deadline: float | None = None,
        session: SessionArg | None = None,
        session_mode: SessionMode = "auto",
        hooks: Any = None,
        deps: Deps | None = None,
    ) -> AgentStream[T]:
        """:meth:`resume`, yielding events as they happen (as :meth:`stream`): first the
        decided calls' ``ToolCallFinished``, then the run's turns.

        Raises:
            UsageError: as :meth:`resume`.
        """
        loop = self._loop((), client, model, None, None, metadata, deadline)
        resume_loop(self, loop, state, decisions, RunOptions(session, session_mode, hooks, deps))
        return AgentStream(loop, None if self._mcp is None else self._mcp.events(loop))

    async def _drive(self, loop: RunLoop) -> RunResult[T]:
        """Run ``loop`` to its end within its deadline (``run()`` inlines this)."""
        scope = None  # a hard stop, even for a model that ignores its timeout
        if loop.deadline is not None:
            scope = asyncio.timeout(loop.deadline - time.monotonic())
        try:
            async with scope or _NO_SCOPE:
                return await loop.run_to_end()
        except TimeoutError as e:
            if scope is None or not scope.expired():
                raise
            raise loop.timeout_error() from e

    def stream(
        self,
        input: AgentInput,
        *,
        client: Client | None = None,
        model: Model | None = None,
        history: RunResult[Any] | Sequence[Message] | None = None,
        run_id: str | None = None,
        metadata: Mapping[str, str] | None = None,
        deadline: float | None = None,
        session: SessionArg | None = None,
        session_mode: SessionMode = "auto",
        hooks: Any = None,
        deps: Deps | None = None,
    ) -> AgentStream[T]:
        """Run, yielding events as they happen (same arguments as :meth:`run`).

        The model is called through the streaming RPC. Leave the ``async with``
        block (or break out of the loop) to cancel the model stream and the tools.
        A run that pauses for approval ends with an ApprovalRequired event.
        """
        loop = self._loop(input, client, model, history, run_id, metadata, deadline)
        if self._extended or session is not None or hooks is not None or deps is not None:
            RunOptions(session, session_mode, hooks, deps).apply(self, loop, input, history)
        return AgentStream(loop, None if self._mcp is None else self._mcp.events(loop))

    def mcp(self) -> MCPPool:
        """The agent's MCP servers started once, shared by the runs inside
        ``async with agent.mcp():`` (else each run starts and stops its own).
        """
        from agentrt.agents.mcp_run import MCPPool

        return MCPPool(self.mcp_servers)

    def as_tool(self, *, name: str | None = None, description: str | None = None) -> Tool:
        """This agent as a tool of another: it runs with its own limits, within the
        caller's time budget, on the caller's client; its usage rolls up into the caller's run.
        """
        agent = self

        async def run_agent(input: str, ctx: ToolContext) -> Any:
            try:
                result = await agent.run(
                    input, client=ctx.client, deadline=ctx.deadline, metadata=ctx.metadata
                )
            except AgentError as e:
                if isinstance(e.result, RunResult):
                    ctx.add_usage(e.result.usage)
                raise
            ctx.add_usage(result.usage)
            return result.output

        run_agent.__doc__ = (
            "Args:\n    input: What to ask, in plain words, with everything it needs."
        )
        what = description or self.description or f"Ask the {self.name} agent."
        return Tool.from_function(run_agent, name=name or self.name, description=what)

    def _loop(
        self,
        input: AgentInput,
        client: Client | None,
        model: Model | None,
        history: RunResult[Any] | Sequence[Message] | None,
        run_id: str | None,
        metadata: Mapping[str, str] | None,
        deadline: float | None,
    ) -> RunLoop:
        deadline, caller_s = self._deadline(deadline)
        return RunLoop(
            setup=self._setup,
            model=self._model(client, model),
            messages=self._messages(input, history),
            run_id=run_id or os.urandom(16).hex(),  # as random as uuid4().hex, 4x cheaper
            deadline=deadline,
            caller_s=caller_s,
            metadata=metadata or {},
            client=client,
            prepare=self._prepare if self.files or self._collections else None,
            history=None if self.history_policy is None else HistoryFit(self.history_policy),
            fallback=ModelFallback(self.models) if self.models else None,
        )

    async def _prepare(self, loop: RunLoop) -> None:
        """Before the first model call: named collections to ids, files uploaded and attached."""
        client = loop.client
        if client is None:
            raise UsageError(
                f"agent {self.name!r} has files or collections to search: pass client=Client(...)"
            )
        if self._collections:
            specs = await self._collections.resolve(client)
            setup = self._prepared_setups.get(specs)
            if loop.setup is not self._setup:  # the run's own (with MCP servers' tools)
                setup = replace(loop.setup, declarations=loop.setup.declarations + specs)
            elif setup is None:
                declarations = self._setup.declarations + specs
                setup = replace(self._setup, declarations=declarations)
                self._prepared_setups[specs] = setup
            loop.setup = setup
        if self.files:
            ids = await self.files.file_ids(client)
            loop.messages[:] = attach(loop.messages, ids)

    def _deadline(self, caller: float | None) -> tuple[float | None, float | None]:
        """The run's deadline, and the seconds the caller gave when the caller's comes first.

        The caller's deadline is ``deadline=`` (a serve call's, a parent run's) or an
        active :func:`agentrt.xai.deadline.budget` scope; the run's own is ``limits.timeout``.
        """
        now = time.monotonic()
        scope = current_deadline()
        if scope is not None and (caller is None or scope.at < caller):
            caller = scope.at
        own = None if self.limits.timeout is None else now + self.limits.timeout
        if caller is not None and (own is None or caller < own):
            return caller, caller - now
        return own, None

    def _model(self, client: Client | None, model: Model | None) -> Model:
        if model is not None:
            return model
        if not isinstance(self.model, str):
            return self.model
        if client is None:
            raise UsageError(
                f"agent {self.name!r} calls the model {self.redactions.value(self.model)!r} "
                "by name: pass client=Client(...)"
            )
        return _chat_model()(client)

    def _system(self) -> Message:
        """The system message of the instructions (made again only when they change)."""
        made = self._system_message
        if made is None or made.text != self.instructions:
            made = self._system_message = system(self.instructions)
        return made

    def _messages(
        self, input: AgentInput, history: RunResult[Any] | Sequence[Message] | None
    ) -> list[Message]:
        messages = [self._system()] if self.instructions else []
        if isinstance(history, RunResult):
            messages.extend(history.messages)
        elif history is not None:
            messages.extend(history)
        if isinstance(input, str):
            messages.append(user(input))
        elif isinstance(input, Message):
            messages.append(input)
        else:
            messages.extend(input)
        return messages


def _mcp_runtime(agent: Agent[Any, Any]) -> MCPRuntime:
    """The agent's MCP servers at run time (imported only by agents that have some)."""
    from agentrt.agents.mcp_run import MCPRuntime

    runtime = MCPRuntime.of(agent.name, agent.mcp_servers, lambda: agent._setup)
    if any(s.needs_approval for s in runtime.servers):
        agent._extended = True  # runs go through agentrt.agents.run_extras (approvals)
    return runtime


@functools.cache
def _chat_model() -> type[ChatModel]:
    """ChatModel, imported at the first run that calls a model by name (protobuf with it)."""
    from agentrt.agents.chat_model import ChatModel

    return ChatModel


class AgentStream(Generic[T]):
    """The events of one streamed run; after it ends, :attr:`result`.

    Iterate it once. ``async with`` (or :meth:`aclose`) ends the run at once when
    you stop early: the model stream and every running tool are cancelled. After a
    bare ``break`` the dropped stream is closed by the event loop a moment later.

    Text and reasoning deltas come as the model streams them. The
    :class:`~agentrt.agents.events.ToolCallFinished` events of one turn come together, in
    the model's order, once its last tool call has ended (each record carries its
    own start time and duration): the tools run in a task group that never stays
    open across a ``yield``.
    """

    def __init__(self, loop: RunLoop, events: AsyncIterator[AgentEvent] | None = None) -> None:
        # No reference back from the loop to this object: dropping the stream after a
        # bare ``break`` must free the generator at once, so the event loop closes it.
        self._loop = loop
        self._events = loop.events() if events is None else events

    @property
    def result(self) -> RunResult[T]:
        """The run's result; available once :class:`~agentrt.agents.events.RunFinished` was yielded."""
        result = self._loop.result
        if result is None:
            raise UsageError("the run has not finished: iterate the stream to the end first")
        return result

    def __aiter__(self) -> AsyncIterator[AgentEvent]:
        return self._events

    async def aclose(self) -> None:
        """Stop the run, cancelling the model stream and tools in flight."""
        await self._events.aclose()  # type: ignore[attr-defined]

    async def __aenter__(self) -> AgentStream[T]:
        return self

    async def __aexit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()
