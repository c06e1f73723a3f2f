"""The ``agentrt.v1.Agents`` servicer: list, describe and run the loaded agents.

Each run goes through the same steps: authenticate the caller, check the
request (sizes, run id, variables), take a run slot (or RESOURCE_EXHAUSTED at
once), then run the agent with the call's deadline as its budget (never beyond
the spec's own). The handler's task *is* the run: when the caller cancels or
disconnects, gRPC cancels the task and the run's model stream and tools go
with it (structured concurrency inside :class:`~agentrt.agents.agent.Agent`).
"""

from __future__ import annotations

import asyncio
import sys
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import AbstractContextManager, asynccontextmanager
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import grpc
from agentrt_protos.agentrt.v1 import agent_pb2 as pb

from agentrt.agents.approval import ApprovalRequired
from agentrt.agents.session import MemoryStore, SessionStore
from agentrt.agents.tool_threads import ToolThreads, default_tool_threads
from agentrt.errors import AgentError, MCPServerError, SessionConflict
from agentrt.serve.auth import caller_key
from agentrt.serve.convert import (
    agent_details,
    agent_summary,
    event_message,
    failed_status,
    result_message,
)
from agentrt.serve.limits import RequestLimits, RunSlots
from agentrt.serve.parts import request_input
from agentrt.serve.paused import Expired, Paused, PausedRuns
from agentrt.serve.session_convert import (
    approval_message,
    decisions_of,
    scoped_session,
    session_turn_message,
)
from agentrt.serve.status import Refused, Scrubber, status_for

if TYPE_CHECKING:
    from agentrt.agents.agent import Agent
    from agentrt.serve.auth import TokenAuth
    from agentrt.serve.catalog import Catalog, ServedAgent
    from agentrt.xai.client import Client

__all__ = ["DEADLINE_MARGIN_S", "SERVICE", "AgentsService"]

Context = grpc.aio.ServicerContext[Any, Any]

DEADLINE_MARGIN_S = 0.25
"""Taken off a call's deadline for the run's budget, so a run that times out still answers."""

SERVICE = "agentrt.v1.Agents"
_SUCCEEDED = pb.RunStatus(state=pb.RunStatus.SUCCEEDED)
_PAUSED = pb.RunStatus(state=pb.RunStatus.APPROVAL_REQUIRED)


@dataclass(frozen=True, kw_only=True)
class _Run:
    served: ServedAgent
    agent: Agent[Any]
    kwargs: dict[str, Any]
    owner: str
    variables: dict[str, str]
    session_id: str = ""  # as the caller named it (the store's id is in kwargs)
    input: Any = ""  # the user's text, or a message of it and its pictures and files


@dataclass(kw_only=True, eq=False)
class AgentsService:
    """Implements ``agentrt.v1.Agents`` over a catalog of agents and one upstream client.

    Attributes:
        catalog: the agents served.
        client: the client that reaches the model service.
        auth: who may call.
        slots: the cap on runs in flight.
        limits: request size limits.
        scrub: removes the server's secrets from anything sent to callers.
        draining: set when the server shuts down; new runs are then refused.
        threads: the pool the runs' sync tools share.
        sessions: where conversations are kept (``--session-store``).
        paused: runs paused for approval (``--approval-ttl``).
    """

    catalog: Catalog
    client: Client
    auth: TokenAuth
    slots: RunSlots
    limits: RequestLimits = field(default_factory=RequestLimits)
    scrub: Scrubber = field(default_factory=Scrubber)
    draining: bool = False
    threads: ToolThreads = field(default_factory=default_tool_threads)
    sessions: SessionStore = field(default_factory=MemoryStore)
    paused: PausedRuns = field(default_factory=PausedRuns)

    async def ListAgents(
        self, request: pb.ListAgentsRequest, context: Context
    ) -> pb.ListAgentsResponse:
        """Every agent, sorted by name."""
        async with self._guard(context):
            return pb.ListAgentsResponse(agents=[agent_summary(a) for a in self.catalog])
        raise AssertionError("unreachable")  # _guard aborts or returns above

    async def GetAgent(self, request: pb.GetAgentRequest, context: Context) -> pb.GetAgentResponse:
        """One agent with the JSON Schemas of its variables and output."""
        async with self._guard(context):
            return agent_details(self._served(request.name))
        raise AssertionError("unreachable")

    async def GetServerStatus(
        self, request: pb.GetServerStatusRequest, context: Context
    ) -> pb.ServerStatus:
        """Runs in flight, the event loop's task count and the sync tools' threads."""
        async with self._guard(context):
            return pb.ServerStatus(
                runs_in_flight=self.slots.in_flight,
                max_concurrent_runs=self.slots.capacity,
                tasks=len(asyncio.all_tasks()),
                draining=self.draining,
                tool_threads=self.threads.max_threads,
                abandoned_tool_threads=self.threads.abandoned,
            )
        raise AssertionError("unreachable")

    async def RunAgent(self, request: pb.RunAgentRequest, context: Context) -> pb.RunAgentResponse:
        """Run to the final result, a pause for approval, or a failed status with the partial result."""
        async with self._guard(context):
            run = self._prepare(request, context)
            with self.slots.take(), self._span("RunAgent", context):
                try:
                    result = await run.agent.run(run.input, **run.kwargs)
                except SessionConflict as exc:
                    raise self._conflict(run, exc) from None
                except AgentError as exc:
                    return pb.RunAgentResponse(
                        status=failed_status(exc, run.agent.redactions),
                        result=self._partial(run, exc),
                    )
            response = pb.RunAgentResponse(status=_SUCCEEDED, result=self._result(run, result))
            if isinstance(result.outcome, ApprovalRequired):
                response.status.CopyFrom(_PAUSED)
                response.approval_required.CopyFrom(self._pause(run, result.outcome))
            return response
        raise AssertionError("unreachable")

    async def StreamAgent(
        self, request: pb.RunAgentRequest, context: Context
    ) -> AsyncIterator[pb.RunEvent]:
        """Stream the run's events; the last one is ``run_ended``."""
        async with self._guard(context):
            run = self._prepare(request, context)
            with self.slots.take(), self._span("StreamAgent", context):
                spec = run.served.spec
                started = pb.RunStarted(
                    agent=spec.name, run_id=run.kwargs["run_id"], model=run.served.model
                )
                yield pb.RunEvent(run_started=started)
                events = run.agent.stream(run.input, **run.kwargs)
                async for message in self._relay(run, events):
                    yield message

    async def ResumeRun(
        self, request: pb.ResumeRunRequest, context: Context
    ) -> AsyncIterator[pb.RunEvent]:
        """Continue the caller's paused run with the decisions; events as StreamAgent's."""
        async with self._guard(context):
            # the slot first: a busy server must not consume the paused run
            with self.slots.take(), self._span("ResumeRun", context):
                run, state, decisions = self._resumable(request, context)
                started = pb.RunStarted(
                    agent=run.served.name, run_id=request.run_id, model=run.served.model
                )
                yield pb.RunEvent(run_started=started)
                kwargs = {k: v for k, v in run.kwargs.items() if k != "run_id"}
                events = run.agent.resume_stream(state, decisions, **kwargs)
                async for message in self._relay(run, events):
                    yield message

    async def GetSession(
        self, request: pb.GetSessionRequest, context: Context
    ) -> pb.GetSessionResponse:
        """The caller's session: its turns, oldest first (none for an unknown id)."""
        async with self._guard(context):
            owner = caller_key(context.invocation_metadata())
            turns = await self.sessions.load(scoped_session(owner, request.session_id))
            return pb.GetSessionResponse(
                session_id=request.session_id, turns=[session_turn_message(t) for t in turns]
            )
        raise AssertionError("unreachable")

    async def DeleteSession(
        self, request: pb.DeleteSessionRequest, context: Context
    ) -> pb.DeleteSessionResponse:
        """Delete the caller's session; ``deleted`` is false when there was none."""
        async with self._guard(context):
            owner = caller_key(context.invocation_metadata())
            deleted = await self.sessions.delete(scoped_session(owner, request.session_id))
            return pb.DeleteSessionResponse(deleted=deleted)
        raise AssertionError("unreachable")

    async def _relay(self, run: _Run, events: Any) -> AsyncIterator[pb.RunEvent]:
        """A run's events as messages, ending with ``run_ended`` (or a gRPC error)."""
        model, structured = run.served.model, run.served.structured
        try:
            async with events as stream:
                async for event in stream:
                    if isinstance(event, ApprovalRequired):
                        paused = self._pause(run, event)
                        yield pb.RunEvent(approval_required=paused)
                        ended = pb.RunEnded(
                            status=_PAUSED, partial_result=self._result(run, stream.result)
                        )
                        yield pb.RunEvent(run_ended=ended)
                        return
                    yield event_message(event, model=model, structured=structured)
        except SessionConflict as exc:
            raise self._conflict(run, exc) from None
        except AgentError as exc:
            ended = pb.RunEnded(
                status=failed_status(exc, run.agent.redactions),
                partial_result=self._partial(run, exc),
            )
            yield pb.RunEvent(run_ended=ended)
            return
        yield pb.RunEvent(run_ended=pb.RunEnded(status=_SUCCEEDED))

    def _pause(self, run: _Run, outcome: ApprovalRequired) -> pb.ApprovalRequired:
        """Keep a paused run's state for ResumeRun; what the caller is told."""
        state = outcome.state
        paused = Paused(
            agent=run.served.name,
            state=state,
            variables=run.variables,
            metadata=dict(run.kwargs["metadata"]),
            session_id=run.session_id,
            expires_at=0.0,
        )
        self.paused.put(run.owner, state.run_id, paused)
        return approval_message(state.run_id, outcome.calls, self.paused.ttl_s)

    def _resumable(
        self, request: pb.ResumeRunRequest, context: Context
    ) -> tuple[_Run, Any, dict[str, Any]]:
        """The caller's paused run, its decisions checked; it is taken (one resume per pause)."""
        self._refuse_when_draining()
        owner = caller_key(context.invocation_metadata())
        unknown = Refused(
            grpc.StatusCode.NOT_FOUND,
            f"no paused run {request.run_id[:128]!r} for this token "
            "(never paused, already resumed, or paused under another token)",
        )
        try:
            paused = self.paused.peek(owner, request.run_id)
        except Expired:
            ttl = self.paused.ttl_s
            raise Refused(
                grpc.StatusCode.NOT_FOUND,
                f"paused run {request.run_id[:128]!r} expired: it waited longer than "
                f"the server's --approval-ttl ({ttl:g} s); start the run again",
            ) from None
        if paused is None:
            raise unknown
        decisions = decisions_of(request.decisions, paused.state.pending)
        self.paused.take(owner, request.run_id)
        served = self._served(paused.agent)
        run = self._run(
            served, paused.variables, paused.metadata, "", paused.session_id, owner, context
        )
        return run, paused.state, decisions

    def _conflict(self, run: _Run, exc: SessionConflict) -> Refused:
        return Refused(
            grpc.StatusCode.ABORTED,
            f"session {run.session_id!r} changed while this run was going (expected "
            f"{exc.expected} turns, found {exc.found}): nothing of this run was kept; run again",
        )

    def _prepare(self, request: pb.RunAgentRequest, context: Context) -> _Run:
        self._refuse_when_draining()
        served = self._served(request.agent)
        variables, metadata = dict(request.variables), dict(request.metadata)
        self.limits.check(
            input=request.input, run_id=request.run_id, variables=variables, metadata=metadata
        )
        given = request_input(request.input, request.parts)
        owner = caller_key(context.invocation_metadata())
        run_id = request.run_id or uuid.uuid4().hex
        run = self._run(served, variables, metadata, run_id, request.session_id, owner, context)
        return replace(run, input=given)

    def _refuse_when_draining(self) -> None:
        if self.draining:
            raise Refused(
                grpc.StatusCode.UNAVAILABLE, "the server is shutting down; send the run elsewhere"
            )

    def _run(
        self,
        served: ServedAgent,
        variables: dict[str, str],
        metadata: dict[str, str],
        run_id: str,
        session_id: str,
        owner: str,
        context: Context,
    ) -> _Run:
        """A run's agent and keyword arguments: client, ids, metadata, budget, session."""
        store_id = scoped_session(owner, session_id) if session_id else ""
        agent = served.agent(variables)
        remaining = context.time_remaining()
        deadline = None
        if remaining is not None:
            deadline = time.monotonic() + remaining - min(DEADLINE_MARGIN_S, remaining / 10)
        kwargs: dict[str, Any] = {
            "client": self.client,
            "run_id": run_id,
            "metadata": metadata,
            "deadline": deadline,
        }
        if store_id:
            kwargs["session"] = (self.sessions, store_id)
        return _Run(
            served=served,
            agent=agent,
            kwargs=kwargs,
            owner=owner,
            variables=variables,
            session_id=session_id,
        )

    def _served(self, name: str) -> ServedAgent:
        served = self.catalog.get(name)
        if served is None:
            known = ", ".join(self.catalog.names)
            raise Refused(
                grpc.StatusCode.NOT_FOUND, f"no agent named {name!r} (this server runs: {known})"
            )
        return served

    def _result(self, run: _Run, result: Any) -> pb.RunResult:
        return result_message(result, model=run.served.model, structured=run.served.structured)

    def _partial(self, run: _Run, exc: AgentError) -> pb.RunResult | None:
        return None if exc.result is None else self._result(run, exc.result)

    def _span(self, method: str, context: Context) -> AbstractContextManager[None]:
        """A SERVER span continuing the caller's ``traceparent``; the run's spans nest in it."""
        from agentrt.telemetry.tracing import server_span, telemetry_of

        metadata = {k: v for k, v in context.invocation_metadata() or () if isinstance(v, str)}
        telemetry = telemetry_of(self.client)
        return server_span(f"{SERVICE}/{method}", metadata, telemetry=telemetry)

    @asynccontextmanager
    async def _guard(self, context: Context) -> AsyncIterator[None]:
        """Authenticate, then turn whatever ends the call badly into one gRPC status."""
        if not self.auth.admits(context.invocation_metadata()):
            await context.abort(
                grpc.StatusCode.UNAUTHENTICATED,
                "missing or wrong token: send metadata 'authorization: Bearer TOKEN' "
                "with a token from the server's --api-key-file",
            )
        try:
            yield
        except Exception as exc:  # cancellation (a BaseException) passes through untouched
            code, details = status_for(exc, self.scrub)
            if code is grpc.StatusCode.INTERNAL or isinstance(exc, MCPServerError):
                print(f"agentrt serve: {details}: {self.scrub(repr(exc))}", file=sys.stderr)
            await context.abort(code, details)
