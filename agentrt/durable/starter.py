"""Starting durable runs and waiting for them: :func:`start_run`, :func:`follow`, :func:`run_durable`.

::

    from agentrt.durable.connection import TemporalTarget, connect_temporal
    from agentrt.durable.starter import run_durable

    target = TemporalTarget(address="127.0.0.1:7233")
    temporal = await connect_temporal(target)
    result = await run_durable(temporal, target.task_queue, agent, "Plan a day in Lisbon")

The agent must also be served by a worker on that task queue (``agentrt worker``)
under the same name. Its limits and tool policies (timeouts, which tools are
idempotent) are taken from the caller's copy and fixed in the run's history.
A failed run raises the agentrt error it stands for (:mod:`agentrt.durable.failures`).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from agentrt.durable.payloads import (
    EVENTS_QUERY,
    WORKFLOW_NAME,
    ActivityOptions,
    RunInput,
    RunOutput,
    RunPlan,
    SessionRef,
    ToolPolicy,
)

if TYPE_CHECKING:
    from temporalio.client import Client, WorkflowHandle

    from agentrt.agents.agent import Agent
    from agentrt.agents.events import AgentEvent
    from agentrt.agents.run_result import RunResult
    from agentrt.xai.messages import Content

__all__ = ["follow", "has_workers", "plan_for", "result_of", "run_durable", "start_run"]


def plan_for(
    agent: Agent[Any],
    options: ActivityOptions | None = None,
    *,
    approval_timeout: float | None = None,
) -> RunPlan:
    """The :class:`RunPlan` of ``agent``: its limits and each local tool's timeout and idempotency."""
    limits = agent.limits
    plan = RunPlan(
        max_turns=limits.max_turns,
        timeout=limits.timeout,
        max_tool_concurrency=limits.max_tool_concurrency,
        output_retries=limits.output_retries,
        unknown_tool=limits.unknown_tool,
        max_identical_tool_calls=limits.max_identical_tool_calls,
        tools={
            name: ToolPolicy(timeout=t.timeout, idempotent=t.idempotent)
            for name, t in agent.tools.functions.items()
        },
        activities=options or ActivityOptions(),
        extras=_extras(agent),
        max_input_tokens=limits.max_input_tokens,
        max_output_tokens=limits.max_output_tokens,
        max_cost_usd=limits.max_cost_usd,
        budget_scope=limits.budget_scope,
    )
    if approval_timeout is not None:
        plan.approval_timeout = approval_timeout
    return plan


def _extras(agent: Agent[Any]) -> list[str]:
    """The hooks and guardrail kinds the workflow runs as activities (the others need none)."""
    from agentrt.agents.hooks import HookRunner

    hooks = HookRunner.of(agent.hooks)
    names = [n for n in _WORKFLOW_HOOKS if hooks is not None and hooks.has(n)]
    guards = agent.guards
    if guards is not None:
        names += [k for k, g in (("input", guards.input), ("output", guards.output)) if g]
    return names


_WORKFLOW_HOOKS = ("on_run_start", "on_turn_start", "on_turn_end", "on_run_end")


async def start_run(
    client: Client,
    task_queue: str,
    agent: Agent[Any],
    input: str,
    *,
    variables: Mapping[str, str] | None = None,
    metadata: Mapping[str, str] | None = None,
    workflow_id: str | None = None,
    options: ActivityOptions | None = None,
    session: SessionRef | None = None,
    approval_timeout: float | None = None,
    parts: Sequence[Content] = (),
) -> WorkflowHandle[Any, RunOutput]:
    """Start one run; with a ``workflow_id`` already in use, the handle of that run instead.

    With ``session``, the run continues that session: a worker's activity loads its
    turns and, when the run succeeds, appends the run's turn (once, even when the
    worker dies mid-append). Calls that need approval wait for the ``approve``
    signal (:mod:`agentrt.durable.approve`) at most ``approval_timeout`` seconds
    (default 24 h), then are denied.

    A run with that id that is still going is joined; one that completed is not
    started again (its handle gives its result), so a re-run of a batch does nothing
    new; one that failed, was cancelled or terminated is started afresh.
    """
    from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
    from temporalio.exceptions import WorkflowAlreadyStartedError

    run = RunInput(
        agent=agent.name,
        input=input,
        vars=dict(variables or {}),
        metadata=dict(metadata or {}),
        plan=plan_for(agent, options, approval_timeout=approval_timeout),
        session=session,
        parts=_parts_json(parts),
    )
    wid = workflow_id or f"agentrt-{agent.name}-{uuid.uuid4().hex[:16]}"
    try:
        return await client.start_workflow(
            WORKFLOW_NAME,
            run,
            id=wid,
            task_queue=task_queue,
            result_type=RunOutput,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
        )
    except WorkflowAlreadyStartedError:
        return client.get_workflow_handle(wid, result_type=RunOutput)


def _parts_json(parts: Sequence[Content]) -> list[dict[str, Any]]:
    """Pictures and files as the workflow's message dicts (:mod:`agentrt.durable.codec`)."""
    if not parts:
        return []
    from agentrt.durable.codec import encode_message
    from agentrt.xai.messages import Message

    content: list[dict[str, Any]] = encode_message(Message(role="user", content=tuple(parts)))[
        "content"
    ]
    return content


async def has_workers(client: Client, task_queue: str) -> bool:
    """Whether any worker polled ``task_queue`` lately (a hint: a run waits until one does)."""
    from temporalio.api.enums.v1 import TaskQueueType
    from temporalio.api.taskqueue.v1 import TaskQueue
    from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest

    request = DescribeTaskQueueRequest(
        namespace=client.namespace,
        task_queue=TaskQueue(name=task_queue),
        task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    )
    response = await client.workflow_service.describe_task_queue(request)
    return len(response.pollers) > 0


async def result_of(handle: WorkflowHandle[Any, RunOutput]) -> RunResult[Any]:
    """The run's result.

    Raises:
        AgentrtError: the typed error the run failed with (partial result attached).
    """
    from temporalio.client import WorkflowFailureError

    from agentrt.durable.codec import run_result
    from agentrt.durable.failures import run_error

    try:
        out = await handle.result()
    except WorkflowFailureError as e:
        raise run_error(e) from None
    return run_result(out)


async def follow(
    handle: WorkflowHandle[Any, RunOutput],
    on_event: Callable[[AgentEvent], None],
    *,
    interval: float = 0.2,
    on_approval: Callable[[list[dict[str, Any]]], None] | None = None,
) -> RunResult[Any]:
    """Wait for the run, handing each event it records to ``on_event`` (polled every ``interval`` s).

    Text comes a whole turn at a time (the model call is one activity). Ends with
    a :class:`~agentrt.agents.events.RunFinished` event when the run succeeds.
    ``on_approval`` gets the calls of each turn that waits for a person's decision.
    """
    from agentrt.agents.events import RunFinished

    seen = 0
    async with asyncio.TaskGroup() as tg:
        waiter = tg.create_task(_outcome(handle))  # never raises: the outcome is a value
        while not waiter.done():
            seen = await _drain(handle, seen, on_event, on_approval)
            await asyncio.wait([waiter], timeout=interval)
    result, error = waiter.result()
    await _drain(handle, seen, on_event, on_approval)
    if error is not None:
        raise error
    assert result is not None
    on_event(RunFinished(result=result))
    return result


async def _outcome(
    handle: WorkflowHandle[Any, RunOutput],
) -> tuple[RunResult[Any] | None, BaseException | None]:
    try:
        return await result_of(handle), None
    except Exception as e:
        return None, e


async def _drain(
    handle: WorkflowHandle[Any, RunOutput],
    seen: int,
    on_event: Callable[[AgentEvent], None],
    on_approval: Callable[[list[dict[str, Any]]], None] | None,
) -> int:
    from temporalio.client import WorkflowQueryFailedError, WorkflowQueryRejectedError
    from temporalio.service import RPCError

    from agentrt.durable.codec import decode_event

    try:
        new: list[dict[str, Any]] = await handle.query(EVENTS_QUERY, seen, result_type=list)
    except (RPCError, WorkflowQueryFailedError, WorkflowQueryRejectedError):
        # not picked up by a worker yet, or no worker to answer right now: ask again later
        return seen
    for data in new:
        if data.get("type") == "approval_required":
            if on_approval is not None:
                on_approval(list(data.get("calls") or []))
            continue
        on_event(decode_event(data))
    return seen + len(new)


async def run_durable(
    client: Client,
    task_queue: str,
    agent: Agent[Any],
    input: str,
    *,
    variables: Mapping[str, str] | None = None,
    metadata: Mapping[str, str] | None = None,
    workflow_id: str | None = None,
    options: ActivityOptions | None = None,
    session: SessionRef | None = None,
) -> RunResult[Any]:
    """Start a run and wait for its result (see :func:`start_run` and :func:`result_of`)."""
    handle = await start_run(
        client,
        task_queue,
        agent,
        input,
        variables=variables,
        metadata=metadata,
        workflow_id=workflow_id,
        options=options,
        session=session,
    )
    return await result_of(handle)
