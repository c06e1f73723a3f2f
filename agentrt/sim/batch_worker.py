"""The one background worker that processes queued batch requests, at a set rate.

It answers each request with the simulator's own Chat and Image code, called in
process (not over the network), so a batch result is what the same request sent to
``GetCompletion`` or ``GenerateImage`` would get. It reads the queue a few rows at a
time (memory stays bounded however many requests wait) and records each result in
one transaction; a request cancelled while it ran keeps its CANCELLED state. The
simulator starts it with the server and cancels and awaits it on stop: a request cut
off then stays PENDING and runs again after a ``--data-dir`` restart.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any, cast

import grpc

from agentrt.sim.batch_input import batch_pb2, error_result
from agentrt.sim.batchstore import BatchStore
from agentrt.sim.status import SimStatus

__all__ = ["Answer", "BatchWorker", "cost_ticks", "in_process_answer"]

Answer = Callable[[str, Any, Any], Awaitable[Any]]
"""``answer(kind, request, context)``: the response message of one request (raises SimStatus)."""

_WINDOW = 32  # queued requests read at a time


def cost_ticks(response: Any) -> int:
    """A chat or image response's cost in USD ticks (1e-10 USD), as its usage reports it
    (priced by :mod:`agentrt.sim.prices`, like the same request sent directly)."""
    return int(response.usage.cost_in_usd_ticks)


class _InProcess:
    """The little of a gRPC server context the chat and image code reads."""

    def invocation_metadata(self) -> tuple[()]:
        return ()

    def time_remaining(self) -> None:
        return None

    def cancelled(self) -> bool:
        return False


_CONTEXT = _InProcess()


class BatchWorker:
    """Processes the queue in order, ``rate`` requests a second (0: no pause)."""

    def __init__(self, store: BatchStore, answer: Answer, rate: float) -> None:
        self.store = store
        self.answer = answer
        self.rate = rate
        self.wake = asyncio.Event()  # set when requests are queued

    async def run(self) -> None:
        """Process until cancelled."""
        after, next_at = 0, time.monotonic()
        while True:
            self.wake.clear()
            rows = self.store.next_pending(after, _WINDOW)
            if not rows:
                after = 0  # a restart or a cancel may leave nothing after; look again from 0
                await self.wake.wait()
                continue
            for seq, batch_id, data in rows:
                after = seq
                if not self.store.is_pending(seq):
                    continue  # cancelled while it waited in this window
                next_at = await self._pace(next_at)
                if not self.store.is_pending(seq):
                    continue
                ok, result, cost = await self.process(data)
                self.store.finish(seq, batch_id, ok, result, cost)

    async def _pace(self, next_at: float) -> float:
        """Sleep until the next request's turn; the turn after it."""
        now = time.monotonic()
        if self.rate <= 0:
            await asyncio.sleep(0)  # let the calls in
            return now
        next_at = max(next_at, now)  # an idle spell earns no burst
        if next_at > now:
            await asyncio.sleep(next_at - now)
        return next_at + 1 / self.rate

    async def process(self, data: bytes) -> tuple[bool, bytes, int]:
        """(succeeded, serialized BatchResult, cost in ticks) of one serialized request."""
        request = batch_pb2.BatchRequest.FromString(data)
        out = batch_pb2.BatchResult(batch_request_id=request.batch_request_id)
        kind = request.WhichOneof("request")
        try:
            if kind is None:
                raise SimStatus(
                    grpc.StatusCode.INVALID_ARGUMENT,
                    f"batch request {request.batch_request_id!r} holds no request: set "
                    "completion_request or image_request",
                )
            response = await self.answer(kind, getattr(request, kind), _CONTEXT)
        except SimStatus as status:
            failed = error_result(request.batch_request_id, status.code, status.details)
            return False, failed.SerializeToString(), 0
        except Exception as exc:  # a simulator bug fails its request, not the whole queue
            message = f"the simulator failed on this request ({type(exc).__name__})"
            failed = error_result(request.batch_request_id, grpc.StatusCode.INTERNAL, message)
            return False, failed.SerializeToString(), 0
        if kind == "completion_request":
            out.response.completion_response.CopyFrom(response)
        else:
            out.response.image_response.CopyFrom(response)
        return True, out.SerializeToString(), cost_ticks(response)


def in_process_answer(chat: Any, images: Any) -> Answer:
    """``answer`` over the simulator's chat and image services (video: UNIMPLEMENTED)."""

    async def answer(kind: str, request: Any, context: Any) -> Any:
        if kind == "completion_request":
            return await chat.get_completion(request, context)
        if kind == "image_request":
            return await images.generate_image(request, context)
        raise SimStatus(
            grpc.StatusCode.UNIMPLEMENTED,
            f"the simulator does not run {kind} in batches: send completion_request or "
            "image_request",
        )

    return cast("Answer", answer)
