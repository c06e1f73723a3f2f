"""What the simulator's stateful services share: one generic gRPC handler per service group.

Files/Collections/Documents (:mod:`agentrt.sim.rag_handlers`), BatchMgmt
(:mod:`agentrt.sim.batch_handlers`) and Video (:mod:`agentrt.sim.video_handlers`) each
subclass :class:`ServiceHandlers`: every call is admitted (the API key), gets its
planned fault (``x-sim-fault`` headers and flags, as chat does), runs inside the
observer's context when one is set (named ``service/Method``, as chat's calls are),
and turns a :class:`~agentrt.sim.status.SimStatus` into the call's status.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

import grpc

from agentrt.sim.chat import text_metadata
from agentrt.sim.faults import CallPlan, FaultInjector
from agentrt.sim.handlers import Admit, Observer
from agentrt.sim.status import SimStatus

__all__ = ["Context", "ServiceHandlers", "apply_fault", "without_plan"]

Context = grpc.aio.ServicerContext[Any, Any]

if TYPE_CHECKING:
    _GenericHandler = grpc.GenericRpcHandler[Any, Any]
else:
    _GenericHandler = grpc.GenericRpcHandler  # not subscriptable at run time


async def apply_fault(plan: CallPlan, context: Context) -> None:
    """Raise the plan's error fault, after stalling to the deadline for 'deadline'."""
    if plan.error == "deadline":
        remaining = context.time_remaining()
        cap = plan.deadline_stall_ms / 1000
        await asyncio.sleep(cap if remaining is None else min(remaining, cap))
        raise SimStatus(grpc.StatusCode.DEADLINE_EXCEEDED, "simulated fault: deadline exceeded")
    plan.raise_error()


def without_plan(fn: Callable[[Any], Awaitable[Any]]) -> Callable[[Any, CallPlan], Awaitable[Any]]:
    """``fn(request)`` as a :meth:`ServiceHandlers.unary` body that ignores the fault plan."""
    return lambda request, _plan: fn(request)


class ServiceHandlers(_GenericHandler):
    """The methods of one group of services, looked up by path (see the module docstring)."""

    def __init__(
        self, *, admit: Admit, injector: FaultInjector, observer: Observer | None = None
    ) -> None:
        self.admit = admit
        self.injector = injector
        self.observer = observer
        self._handlers: dict[str, grpc.RpcMethodHandler[Any, Any]] = {}

    def service(
        self, handler_call_details: grpc.HandlerCallDetails
    ) -> grpc.RpcMethodHandler[Any, Any] | None:
        """The handler of a method implemented here, None for every other (served elsewhere)."""
        return self._handlers.get(handler_call_details.method)

    async def begin(
        self, path: str, context: Context
    ) -> tuple[CallPlan, AbstractContextManager[Any] | None]:
        """Admit the call and apply its planned fault; (plan, observer context or None)."""
        self.admit(context)
        metadata = text_metadata(context)
        plan = self.injector.plan(metadata)
        await apply_fault(plan, context)
        scope = None if self.observer is None else self.observer(path.lstrip("/"), metadata)
        return plan, scope

    def unary(
        self, path: str, request_type: Any, fn: Callable[[Any, CallPlan], Awaitable[Any]]
    ) -> None:
        """Serve unary ``path``: ``fn(request, plan)`` after :meth:`begin`."""

        async def handler(request: Any, context: Context) -> Any:
            try:
                plan, scope = await self.begin(path, context)
                if scope is None:
                    return await fn(request, plan)
                with scope:
                    return await fn(request, plan)
            except SimStatus as status:
                await context.abort(
                    status.code, status.details, trailing_metadata=status.trailing_metadata()
                )

        self._handlers[path] = grpc.unary_unary_rpc_method_handler(
            handler,
            request_deserializer=request_type.FromString,
            response_serializer=lambda m: m.SerializeToString(),
        )
