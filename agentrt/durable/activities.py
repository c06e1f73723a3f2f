"""The activities of a durable run: one model call, one tool call (:class:`AgentActivities`).

Model call: the worker builds the request from its own copy of the agent
(instructions, tool declarations, settings, output schema) and the
conversation the workflow sends, streams the answer, and validates structured
output. Failures become ``ApplicationError`` s typed with the agentrt error's
class name; only UNAVAILABLE and rate limiting (:class:`~agentrt.errors.Unavailable`,
:class:`~agentrt.errors.RateLimited`, which carries the server's retry hint) may
be retried. A stream that failed after its first chunk
(:class:`~agentrt.errors.StreamInterrupted`) never is, nor is any other API error.

Tool call: validated and run by :func:`agentrt.agents.dispatch.dispatch`. The tool's
:class:`~agentrt.agents.tools.ToolContext` has ``run_id`` = the workflow id, ``call_id``
= the model's tool call id, and ``metadata["idempotency_key"]`` =
``"{workflow id}:{call id}"`` (:func:`agentrt.durable.idempotency.idempotency_key`):
the same on every attempt, so a tool can refuse to repeat a side effect. Invalid arguments or an unknown tool come back as an
error result for the model to read; a tool that raised or timed out fails the
activity (type ``ToolError``), which the workflow retries only for tools marked
``idempotent``.

Both heartbeat while they run, so a dead worker's attempt is noticed within the
heartbeat timeout and retried on another worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator, Awaitable
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from temporalio import activity
from temporalio.exceptions import ApplicationError

from agentrt.agents.approval import needing_approval
from agentrt.agents.dispatch import dispatch
from agentrt.agents.fallback import falls_back
from agentrt.agents.history import trim
from agentrt.agents.schema import SchemaMismatch
from agentrt.agents.tools import ToolContext, Toolset
from agentrt.durable.codec import (
    decode_message,
    decode_tool_call,
    encode_message,
    encode_record,
    encode_tool_call,
    encode_usage,
    jsonable,
    run_result,
)
from agentrt.durable.extras import run_guard, run_hook
from agentrt.durable.idempotency import KEY_METADATA, make_key
from agentrt.durable.payloads import (
    EXTRA_ACTIVITY,
    MODEL_ACTIVITY,
    TOOL_ACTIVITY,
    ExtraCall,
    ModelCall,
    ModelReply,
    ToolCallInput,
    ToolReply,
)
from agentrt.errors import AgentrtError, RateLimited, RPCError, Unavailable
from agentrt.xai.chat_request import ChatRequest
from agentrt.xai.chat_response import ChatResponse, Usage
from agentrt.xai.messages import system

if TYPE_CHECKING:
    from agentrt.agents.agent import Agent
    from agentrt.agents.mcp_run import MCPRuntime
    from agentrt.agents.model import Model
    from agentrt.agents.run_loop import RunSetup
    from agentrt.durable.registry import AgentRegistry
    from agentrt.telemetry.redaction import Redactions
    from agentrt.xai.messages import ToolCall

__all__ = ["AgentActivities"]

T = TypeVar("T")


class AgentActivities:
    """The model-call and tool-call activities of one worker.

    Args:
        registry: the agents this worker serves.
        model: what answers model calls (a :class:`~agentrt.agents.chat_model.ChatModel` over
            the worker's client); an agent whose ``model`` is a Model object uses its own.
        client: handed to tools through their context (sub-agents use it).
    """

    def __init__(self, registry: AgentRegistry, model: Model, client: Any = None) -> None:
        self._registry = registry
        self._model = model
        self._client = client

    def _agent(self, name: str, variables: dict[str, str]) -> Agent[Any]:
        try:
            agent = self._registry.agent(name, variables)
        except (LookupError, AgentrtError) as e:
            raise ApplicationError(str(e), type="UsageError", non_retryable=True) from e
        return agent

    @activity.defn(name=MODEL_ACTIVITY)
    async def model_call(self, call: ModelCall) -> ModelReply:
        """One model call: the whole answer, structured output validated."""
        agent = self._agent(call.agent, call.vars)
        head = [system(agent.instructions)] if agent.instructions else []
        setup = agent._setup if agent._mcp is None else await _mcp_setup(agent._mcp)
        messages = [*head, *(decode_message(m) for m in call.messages)]
        if agent.history_policy is not None:  # drop/truncate only: see docs/history.md
            messages = trim(messages, agent.history_policy)
        request = setup.request(messages)
        model = agent.model if not isinstance(agent.model, str) else self._model
        names = (setup.model_name, *agent.models)
        index, taken = min(call.model_index, len(names) - 1), []
        while True:
            if index:  # the run is on a fallback model (agentrt.agents.fallback): only it differs
                request = replace(request, model=names[index])
            try:
                response = await _heartbeating(_complete(model, request, call.timeout))
                break
            except RPCError as e:
                if index + 1 >= len(names) or not falls_back(e):
                    raise _model_failure(e) from e
                taken.append(_fallback(call.turn, names, index, e, setup.redactions))
                index += 1
            except AgentrtError as e:
                raise _model_failure(e) from e
        if agent.hooks is not None:
            await run_hook(agent, "on_model_response", self._context(agent, call), response)
        reply = _reply(response, agent)
        reply.model_index, reply.fallbacks = index, taken
        if setup.tools.approvals and reply.tool_calls:
            context = ToolContext(
                agent=agent.name,
                run_id=activity.info().workflow_id or "",
                metadata=dict(call.metadata),
                client=self._client,
            )
            calls = [c for c in response.tool_calls if c.type == "function"]
            pending = needing_approval(calls, setup.tools, context, call.turn)
            reply.pending = [
                {"call_id": p.call_id, "tool": p.tool, "arguments": p.arguments, "note": p.note}
                for p in pending
            ]
        return reply

    @activity.defn(name=TOOL_ACTIVITY)
    async def tool_call(self, inp: ToolCallInput) -> ToolReply:
        """One tool call; raises ``ToolError`` when the tool raised or timed out."""
        agent = self._agent(inp.agent, inp.vars)
        info = activity.info()
        call = decode_tool_call(inp.call)
        run_id = info.workflow_id or ""
        key = make_key(run_id, call.id)
        spent: list[Usage] = []
        context = ToolContext(
            agent=agent.name,
            run_id=run_id,
            metadata={**inp.metadata, KEY_METADATA: key},
            client=self._client,
            usage_sink=spent.append,
        )
        deadline = None if inp.timeout is None else time.monotonic() + inp.timeout
        await _before_tool(agent, replace(context, turn=inp.turn, tool_name=call.name), call)
        try:
            async with _tools(agent) as tools:
                records = await _heartbeating(
                    dispatch(
                        [call],
                        tools,
                        turn=inp.turn,
                        deadline=deadline,
                        context=context,
                        max_result_chars=agent.limits.max_tool_result_chars,
                    )
                )
        except TimeoutError:
            raise ApplicationError(
                "the run's time budget ran out", type="RunTimeout", non_retryable=True
            ) from None
        record = records[0]
        if agent.hooks is not None:
            await run_hook(agent, "on_tool_end", replace(context, turn=inp.turn), record)
        if record.error is not None and record.error.kind in ("raised", "timeout"):
            raise ApplicationError(f"{record.error.type}: {record.error.message}", type="ToolError")
        usage = encode_usage(sum(spent, Usage())) if spent else {}
        return ToolReply(record=encode_record(record), usage=usage)

    @activity.defn(name=EXTRA_ACTIVITY)
    async def run_extra(self, inp: ExtraCall) -> None:
        """A hook (on_run_start/end, on_turn_start/end) or the input/output guardrails."""
        agent = self._agent(inp.agent, inp.vars)
        ctx = self._context(agent, inp)
        if inp.what in ("input", "output"):
            await _heartbeating(run_guard(agent, inp.what, ctx, inp.value))
        elif inp.what == "on_run_end" and inp.result is not None:
            await run_hook(agent, inp.what, ctx, run_result(inp.result))
        else:
            await run_hook(agent, inp.what, ctx)

    def _context(self, agent: Agent[Any], inp: ModelCall | ExtraCall) -> ToolContext[Any]:
        return ToolContext(
            agent=agent.name,
            run_id=activity.info().workflow_id or "",
            turn=inp.turn,
            metadata=dict(inp.metadata),
            client=self._client,
        )


async def _mcp_setup(runtime: MCPRuntime) -> RunSetup:
    """The setup with the MCP servers' current tools (listed by the worker's pool)."""
    async with runtime.setup() as setup:
        return setup


@contextlib.asynccontextmanager
async def _tools(agent: Agent[Any]) -> AsyncIterator[Toolset]:
    """The agent's tools, with its MCP servers' (kept running while the block runs)."""
    if agent._mcp is None:
        yield agent.tools
        return
    async with agent._mcp.setup() as setup:
        yield setup.tools


async def _before_tool(agent: Agent[Any], ctx: ToolContext[Any], call: ToolCall) -> None:
    """The tool guardrails on the call's arguments, then ``on_tool_start``: before it runs."""
    if agent.guards is not None and agent.guards.tool:
        try:
            args: Any = json.loads(call.arguments)
        except ValueError:
            args = call.arguments
        await run_guard(agent, "tool", ctx, args)
    if agent.hooks is not None:
        await run_hook(agent, "on_tool_start", ctx, call)


async def _complete(
    model: Model,
    request: ChatRequest,
    timeout: float | None,  # noqa: ASYNC109 - it becomes the gRPC deadline
) -> ChatResponse:
    """Stream the answer (so a failure after the first chunk is told apart) and return it whole."""
    stream = model.stream(request, timeout=timeout)
    response: ChatResponse | None = None
    try:
        async for item in stream:
            if isinstance(item, ChatResponse):
                response = item
    finally:
        close = getattr(stream, "aclose", None)
        if close is not None:
            await close()
    if response is None:
        raise ApplicationError("the model's stream ended without a response", type="AgentError")
    return response


def _fallback(
    turn: int, names: tuple[str, ...], index: int, e: RPCError, shown: Redactions
) -> dict[str, Any]:
    """A fallback taken by a worker, as :class:`~agentrt.agents.fallback.Fallback`'s fields."""
    return {
        "turn": turn,
        "from_model": shown.value(names[index]),
        "to_model": shown.value(names[index + 1]),
        "error": shown.text(f"{type(e).__name__}: {e}")[:300],
    }


def _model_failure(e: AgentrtError) -> ApplicationError:
    retry = isinstance(e, Unavailable | RateLimited)
    delay = None
    if isinstance(e, RateLimited) and e.retry_after is not None:
        delay = timedelta(seconds=e.retry_after)
    details = {"code": getattr(e, "code", None), "chunks": getattr(e, "chunks_received", None)}
    return ApplicationError(
        str(e),
        details,
        type=type(e).__name__,
        non_retryable=not retry,
        next_retry_delay=delay,
    )


def _reply(response: ChatResponse, agent: Agent[Any]) -> ModelReply:
    calls = [c for c in response.tool_calls if c.type == "function"]
    valid, output, reason = True, None, ""
    schema = agent._setup.output
    if not calls:
        if schema is None:
            output = response.content
        else:
            try:
                output = jsonable(schema.validate_json(response.content))
            except SchemaMismatch as e:
                valid, reason = False, str(e)
    return ModelReply(
        response_id=response.id,
        finish_reason=response.finish_reason,
        message=encode_message(response.message),
        content=response.content,
        tool_calls=[encode_tool_call(c) for c in response.tool_calls],
        usage=encode_usage(response.usage),
        valid=valid,
        output=output,
        reason=reason,
    )


async def _heartbeating(work: Awaitable[T]) -> T:
    """Await ``work``, heartbeating a third of the heartbeat timeout apart; its errors as they are."""
    limit = activity.info().heartbeat_timeout
    if not limit:
        return await work
    every = max(0.05, limit.total_seconds() / 3)

    async def beat() -> None:
        while True:
            activity.heartbeat()
            await asyncio.sleep(every)

    error: Exception | None = None
    async with asyncio.TaskGroup() as tg:
        beating = tg.create_task(beat())
        try:
            value = await work
        except Exception as e:  # raised below, outside the group: no ExceptionGroup wrapping
            error = e
        finally:
            beating.cancel()
    if error is not None:
        raise error
    return value
