"""Letting an HTTP request into a stateful service as the gRPC door does: :func:`begin`.

The Files and Batch services' gRPC handlers admit each call (the API key), then plan
its fault (``--fault`` flags and ``x-sim-fault*`` headers, which arrive here as HTTP
headers) and apply it; over HTTP the same happens before the endpoint does anything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agentrt.sim.chat import text_metadata
from agentrt.sim.service_handlers import apply_fault

if TYPE_CHECKING:
    from agentrt.sim.faults import CallPlan
    from agentrt.sim.rest.context import HttpContext
    from agentrt.sim.service_handlers import ServiceHandlers

__all__ = ["begin"]


async def begin(handlers: ServiceHandlers, context: HttpContext) -> CallPlan:
    """Admit the request and apply its planned error fault; the plan (for ``abort_after``)."""
    ctx: Any = context  # what the gRPC code reads of its context
    handlers.admit(ctx)
    plan = handlers.injector.plan(text_metadata(ctx))
    await apply_fault(plan, ctx)
    return plan
