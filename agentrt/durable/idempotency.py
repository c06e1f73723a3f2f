"""The idempotency key of a durable run's tool call: :func:`idempotency_key`.

A tool call of a durable run may be attempted more than once (a retry of an
idempotent tool, or a worker that died after the side effect but before
Temporal heard of it). Its key is ``"{workflow id}:{tool call id}"``, the same on
every attempt: hand it to the service the tool calls (as an ``Idempotency-Key``
header, a unique constraint ...) so the side effect happens once. Light: no
``temporalio`` import, so tools can use it freely.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agentrt.agents.tools import ToolContext

__all__ = ["KEY_METADATA", "idempotency_key", "make_key"]

KEY_METADATA = "idempotency_key"
"""The :attr:`ToolContext.metadata <agentrt.agents.tools.ToolContext.metadata>` entry that holds the key."""


def make_key(workflow_id: str, call_id: str) -> str:
    """The key of tool call ``call_id`` in the run ``workflow_id``."""
    return f"{workflow_id}:{call_id}"


def idempotency_key(ctx: ToolContext) -> str:
    """The key of the call ``ctx`` describes (outside durable runs: run id + call id)."""
    return ctx.metadata.get(KEY_METADATA) or make_key(ctx.run_id, ctx.call_id)
