"""The model seam of batched runs: each round, the turns of all open runs go out as one batch.

Every run of the job calls :meth:`RoundBatcher.complete` for its next turn and
waits. When every run still going is waiting (the others are done, or running
tools has led them here), the waiting turns are sent as one batch; a poller waits
for it and hands each run its response. Runs then run their tools locally and
come back for the next round; runs that finish leave.

A request's id is its run and its turn (``<run hash>-t<n>``), and the batch that
carries it is written down before it is sent: a rerun resuming a run from its last
turn finds that batch and waits on it instead of asking again. A request its batch
never answered (the process stopped between creating the batch and adding to it) is
asked again in the next round.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from agentrt.batchrun.store import run_tag
from agentrt.errors import AgentrtError, ServerError
from agentrt.xai.batch_types import BatchItem
from agentrt.xai.chat_response import ChatResponse

if TYPE_CHECKING:
    from agentrt.batchrun.store import RunStore
    from agentrt.xai.batch_types import BatchInfo
    from agentrt.xai.chat_request import ChatRequest
    from agentrt.xai.client import Client

__all__ = ["CURRENT_RUN", "RoundBatcher", "request_id"]

CURRENT_RUN: contextvars.ContextVar[str] = contextvars.ContextVar("agentrt_batch_run")
"""The run (its key in the store) a model call belongs to; set by the runner per run."""

_Waiter = tuple["ChatRequest", "asyncio.Future[ChatResponse]"]


def request_id(run: str, request: ChatRequest) -> str:
    """``<run tag>-t<turn>``: the turn is one more than the assistant messages so far."""
    turn = 1 + sum(1 for m in request.messages if m.role == "assistant")
    return f"{run_tag(run)}-t{turn}"


@dataclass
class RoundBatcher:
    """Gathers the turns of ``runs`` runs into batches on ``client`` (see the module docstring).

    Args:
        client: the client whose ``batch`` service is used.
        store: where requests and conversations are written down.
        runs: how many runs take part (each calls :meth:`leave` when it ends).
        label: the batches' name prefix.
        on_progress: called with each poll of a batch in flight.
    """

    client: Client
    store: RunStore
    runs: int
    label: str = "agentrt"
    on_progress: Callable[[BatchInfo], None] | None = None
    rounds: int = 0  # batches this process sent
    _waiting: dict[str, _Waiter] = field(default_factory=dict)
    _joined: dict[str, dict[str, _Waiter]] = field(default_factory=dict)
    _polled: set[str] = field(default_factory=set)
    _blocked: int = 0
    _wake: asyncio.Event = field(default_factory=asyncio.Event)

    async def complete(self, request: ChatRequest, *, timeout: float | None = None) -> ChatResponse:  # noqa: ASYNC109 - the seam's signature
        """The response to ``request`` once its batch has answered (``timeout`` is not used:
        a batch takes as long as it takes; the job, not the run, bounds it)."""
        run = CURRENT_RUN.get()
        rid = request_id(run, request)
        self.store.keep_messages(run, list(request.messages))
        future: asyncio.Future[ChatResponse] = asyncio.get_running_loop().create_future()
        batch_id = self.store.batch_of(rid)
        if batch_id is None:
            self._waiting[rid] = (request, future)
        else:  # asked before this process started: that batch answers it
            self._joined.setdefault(batch_id, {})[rid] = (request, future)
        self._blocked += 1
        self._wake.set()
        try:
            return await future
        finally:
            self._blocked -= 1

    def stream(self, request: ChatRequest, *, timeout: float | None = None) -> Any:
        raise AgentrtError("batched runs call the model unary (the Batch API does not stream)")

    def leave(self) -> None:
        """A run ended (its result is written)."""
        self.runs -= 1
        self._wake.set()

    async def drive(self) -> None:
        """Send rounds and poll batches until every run has left."""
        async with asyncio.TaskGroup() as tg:
            while self.runs > 0:
                await self._wake.wait()
                self._wake.clear()
                if self._blocked < self.runs:
                    continue  # some run is still on its way here (its tools, its start)
                if self._waiting:
                    await self._send()
                for batch_id in list(self._joined):
                    if batch_id not in self._polled:
                        self._polled.add(batch_id)
                        tg.create_task(self._poll(batch_id), name=f"poll:{batch_id}")

    async def _send(self) -> None:
        """Send the waiting turns as one batch. A failure to send stops the job (it
        raises out of :meth:`drive`): a rerun resumes, nothing is marked failed."""
        waiting, self._waiting = self._waiting, {}
        batch = await self.client.batch.create(f"{self.label} round {self.rounds + 1}")
        self.store.keep_requests(batch.id, list(waiting))  # before sending: a rerun finds it
        self._joined[batch.id] = waiting
        items = [BatchItem(id=rid, request=request) for rid, (request, _) in waiting.items()]
        await self.client.batch.add(batch.id, items)
        self.rounds += 1

    async def _poll(self, batch_id: str) -> None:
        """Wait for a batch and hand each run its answer; a request that failed alone fails
        its run. A failure to poll stops the job (a rerun waits on the same batch)."""
        await self.client.batch.wait(batch_id, progress=self.on_progress)
        async for result in self.client.batch.results(batch_id):
            waiter = self._joined.get(batch_id, {}).pop(result.request_id, None)
            if waiter is None or waiter[1].done():
                continue
            if result.error is not None:
                waiter[1].set_exception(result.error)
            elif isinstance(result.response, ChatResponse):
                waiter[1].set_result(result.response)
            else:
                what = f"batch {batch_id} answered {result.request_id} with no chat response"
                waiter[1].set_exception(ServerError(what, code="INTERNAL"))
        self._requeue(batch_id)

    def _requeue(self, batch_id: str) -> None:
        """Requests the finished batch never answered are asked again next round."""
        self._polled.discard(batch_id)
        for rid, waiter in self._joined.pop(batch_id, {}).items():
            self.store.drop_request(rid)
            self._waiting[rid] = waiter
        self._wake.set()
