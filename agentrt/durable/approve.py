"""Deciding the calls a durable run waits on: :func:`pending_calls`, :func:`send_decisions`.

The run's workflow answers the ``pending`` query with the calls waiting for a
person and takes decisions from the ``approve`` signal (see
:mod:`agentrt.durable.approvals`). :func:`decide` checks first, so a mistake is
a one-line error: no such workflow, a workflow that already finished, or a call id
that is not pending (unknown, or decided already). When no worker is running the
query cannot be answered; the signal is still sent (Temporal keeps it), and the
workflow itself ignores a decision for a call that is not pending.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agentrt.durable.payloads import APPROVE_SIGNAL, PENDING_QUERY
from agentrt.errors import UsageError

if TYPE_CHECKING:
    from temporalio.client import Client, WorkflowHandle

__all__ = ["decide", "pending_calls"]

_QUERY_TIMEOUT_S = 5.0


async def _running(client: Client, workflow_id: str) -> WorkflowHandle[Any, Any]:
    from temporalio.client import WorkflowExecutionStatus
    from temporalio.service import RPCError, RPCStatusCode

    handle = client.get_workflow_handle(workflow_id)
    try:
        info = await handle.describe()
    except RPCError as e:
        if e.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.INVALID_ARGUMENT):
            raise UsageError(f"no durable run with workflow id {workflow_id!r}") from None
        raise
    if info.status != WorkflowExecutionStatus.RUNNING:
        status = info.status.name.lower() if info.status is not None else "over"
        raise UsageError(
            f"workflow {workflow_id!r} already finished ({status}): nothing to approve"
        )
    return handle


async def pending_calls(client: Client, workflow_id: str) -> list[dict[str, Any]] | None:
    """The calls ``workflow_id`` waits on; None when no worker can answer right now.

    Raises:
        UsageError: no such workflow, or it already finished.
    """
    from datetime import timedelta

    from temporalio.client import WorkflowQueryFailedError, WorkflowQueryRejectedError
    from temporalio.service import RPCError

    handle = await _running(client, workflow_id)
    try:
        calls: list[dict[str, Any]] = await handle.query(
            PENDING_QUERY, result_type=list, rpc_timeout=timedelta(seconds=_QUERY_TIMEOUT_S)
        )
    except (RPCError, WorkflowQueryFailedError, WorkflowQueryRejectedError):
        return None
    return calls


async def decide(
    client: Client,
    workflow_id: str,
    call_ids: list[str],
    *,
    every: bool = False,
    deny: str | None = None,
) -> tuple[list[str], bool]:
    """Approve (or, with ``deny``, deny with that reason) calls of ``workflow_id``.

    Returns:
        The call ids decided, and whether they were checked against the pending calls
        (False when no worker could answer the query).

    Raises:
        UsageError: no such workflow, it finished, a call id that is not pending, or
            ``every`` with nothing pending.
    """
    pending = await pending_calls(client, workflow_id)
    if pending is not None:
        ids = [str(c.get("call_id")) for c in pending]
        if every:
            call_ids = ids
        shown = ", ".join(ids) if ids else "none"
        if not call_ids:
            raise UsageError(f"workflow {workflow_id!r} has no call waiting for approval")
        for call_id in call_ids:
            if call_id not in ids:
                raise UsageError(
                    f"workflow {workflow_id!r} has no pending call {call_id!r} (pending: {shown})"
                )
    elif every:
        raise UsageError(
            f"no worker answers for workflow {workflow_id!r}, so its pending calls are unknown: "
            "name them with --call ID, or start a worker"
        )
    decision: dict[str, Any] = {"approve": True} if deny is None else {"deny": deny}
    handle = client.get_workflow_handle(workflow_id)
    await handle.signal(APPROVE_SIGNAL, dict.fromkeys(call_ids, decision))
    return call_ids, pending is not None
