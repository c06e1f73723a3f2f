"""A Temporal worker for agents: :func:`run_worker` (what ``agentrt worker`` runs).

One worker process polls one task queue and runs :class:`AgentWorkflow` s and
their model-call and tool-call activities for the agents of its
:class:`~agentrt.durable.registry.AgentRegistry`. Start as many as you like, on
as many machines: they share the queue, and a run whose worker dies carries on
on another. Capacity is workers × ``max_concurrent`` activities each.

Model calls go through one agentrt :class:`~agentrt.xai.client.Client` per worker
(``--endpoint``, ``$AGENTRT_ENDPOINT``, api.x.ai with ``$XAI_API_KEY``, else the
built-in simulator, see :mod:`agentrt.launch.connect`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from temporalio.client import Client as TemporalClient
    from temporalio.worker import Worker

    from agentrt.agents.model import Model
    from agentrt.durable.connection import TemporalTarget
    from agentrt.durable.registry import AgentRegistry
    from agentrt.launch.connect import EndpointChoice

__all__ = ["WorkerSettings", "build_worker", "run_worker"]


@dataclass(frozen=True, kw_only=True)
class WorkerSettings:
    """How much one worker takes on.

    Attributes:
        max_concurrent: activities (model and tool calls) running at once.
        max_workflow_tasks: workflow tasks (loop steps) running at once.
        sticky_timeout: seconds a run's next step waits for the worker that has it
            cached before any worker of the queue takes it (after a worker died).
    """

    max_concurrent: int = 100
    max_workflow_tasks: int = 100
    sticky_timeout: float = 10.0


def build_worker(
    client: TemporalClient,
    task_queue: str,
    registry: AgentRegistry,
    model: Model,
    *,
    model_client: Any = None,
    settings: WorkerSettings | None = None,
) -> Worker:
    """A Temporal ``Worker`` (use it as ``async with``) serving ``registry``'s agents on ``task_queue``."""
    from temporalio.worker import Worker

    from agentrt.durable.activities import AgentActivities
    from agentrt.durable.session_activities import session_append, session_load
    from agentrt.durable.workflow import AgentWorkflow

    s = settings or WorkerSettings()
    activities = AgentActivities(registry, model, model_client)
    return Worker(
        client,
        task_queue=task_queue,
        workflows=[AgentWorkflow],
        activities=[
            activities.model_call,
            activities.tool_call,
            activities.run_extra,
            session_load,
            session_append,
        ],
        max_concurrent_activities=s.max_concurrent,
        max_concurrent_workflow_tasks=s.max_workflow_tasks,
        sticky_queue_schedule_to_start_timeout=timedelta(seconds=s.sticky_timeout),
    )


async def run_worker(
    target: TemporalTarget,
    registry: AgentRegistry,
    endpoint: EndpointChoice,
    *,
    settings: WorkerSettings | None = None,
    notice: Callable[[str], None] | None = None,
) -> None:
    """Serve until SIGINT or SIGTERM, then stop polling and return.

    Raises:
        Unavailable: Temporal cannot be reached.
    """
    from agentrt.agents.chat_model import ChatModel
    from agentrt.durable.connection import connect_temporal
    from agentrt.launch.connect import connect
    from agentrt.launch.eventloop import stop_on_signals

    temporal = await connect_temporal(target)
    with stop_on_signals() as stop:
        async with connect(endpoint, notice=notice) as client:
            worker = build_worker(
                temporal,
                target.task_queue,
                registry,
                ChatModel(client),
                model_client=client,
                settings=settings,
            )
            async with _mcp_pool(registry), worker:
                if notice is not None:
                    notice(
                        f"worker serving {', '.join(registry.names)} on task queue "
                        f"{target.task_queue!r} at {target.address} (namespace {target.namespace})"
                    )
                await stop.wait()


def _mcp_pool(registry: AgentRegistry) -> contextlib.AbstractAsyncContextManager[Any]:
    """The registered agents' MCP servers, started once for the worker and shared by its
    activities (docs/mcp.md); nothing when none has any."""
    from agentrt.agents.mcp_run import MCPPool

    servers = [s for name in registry.names for s in registry.mcp_servers(name)]
    return MCPPool(servers) if servers else contextlib.nullcontext()
