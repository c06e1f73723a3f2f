"""gRPC handlers of the simulator's ``BatchMgmt`` service, with faults, and its worker's lifecycle.

Each call is admitted (API key) and planned by the fault injector like the Files calls
(``--fault`` flags, ``x-sim-fault*`` headers): ``unavailable``, ``resource_exhausted``,
``internal``, ``too_large`` and ``deadline`` end the call before it does anything. The
requests of a batch are answered later by the background worker, in process, with no
faults and no streaming delays (``--ttft-ms``/``--itl-ms``): ``--batch-rate`` paces them.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from pathlib import Path
from typing import Any, Protocol

from agentrt.sim.batch_input import batch_pb2
from agentrt.sim.batch_worker import BatchWorker, in_process_answer
from agentrt.sim.batches import BatchService
from agentrt.sim.batchstore import BatchLimits, BatchStore
from agentrt.sim.chat import ChatService
from agentrt.sim.chat_sources import ChatSources
from agentrt.sim.faults import FaultConfig, FaultInjector, Realism
from agentrt.sim.handlers import Admit, Observer
from agentrt.sim.imagehost import ImageHost
from agentrt.sim.ragstore import RagStore
from agentrt.sim.service_handlers import ServiceHandlers, without_plan
from agentrt.sim.services import SmallServices

__all__ = ["BatchHandlers"]


class _Options(Protocol):
    """What :meth:`BatchHandlers.open` reads of the simulator's options."""

    @property
    def data_dir(self) -> Path | None: ...
    @property
    def batches(self) -> BatchLimits: ...
    @property
    def faults(self) -> FaultConfig: ...
    @property
    def realism(self) -> Realism: ...
    @property
    def observer(self) -> Observer | None: ...


def _no_admission(_: Any) -> None:
    """The worker's calls were admitted when their batch was."""


class BatchHandlers(ServiceHandlers):
    """One generic handler for the eight BatchMgmt methods; owns the store and the worker."""

    def __init__(
        self,
        service: BatchService,
        worker: BatchWorker,
        *,
        admit: Admit,
        injector: FaultInjector,
        observer: Observer | None = None,
    ) -> None:
        super().__init__(admit=admit, injector=injector, observer=observer)
        self.batches = service
        self.worker = worker
        self._task: asyncio.Task[None] | None = None
        s, pb = service, batch_pb2
        for method, request_type, fn in (
            ("CreateBatch", pb.CreateBatchRequest, s.create_batch),
            ("AddBatchRequests", pb.AddBatchRequestsRequest, s.add_batch_requests),
            ("GetBatch", pb.GetBatchRequest, s.get_batch),
            ("ListBatches", pb.ListBatchesRequest, s.list_batches),
            ("CancelBatch", pb.CancelBatchRequest, s.cancel_batch),
            ("ListBatchRequestMetadata", pb.ListBatchRequestMetadataRequest, s.list_requests),
            ("ListBatchResults", pb.ListBatchResultsRequest, s.list_results),
            ("GetBatchRequestResult", pb.GetBatchRequestResultRequest, s.get_result),
        ):
            self.unary(f"/xai_api.BatchMgmt/{method}", request_type, without_plan(fn))

    @classmethod
    def open(
        cls,
        options: _Options,
        admit: Admit,
        files: RagStore,
        images: ImageHost,
        interactive: ChatService,
    ) -> BatchHandlers:
        """Handlers over a new store (in memory, or under ``options.data_dir``).

        Batch requests share ``interactive``'s stored responses: a batch request may
        continue a conversation by ``previous_response_id``, and one with
        ``store_messages`` can be read back with ``GetStoredCompletion``.
        """
        store = BatchStore(options.batches, options.data_dir)
        realism = dataclasses.replace(options.realism, ttft_ms=0.0, itl_ms=0.0)
        chat = ChatService(
            injector=FaultInjector(FaultConfig(), realism),
            script=None,
            admit=_no_admission,
            sources=ChatSources(files),
        )
        chat.completions = interactive.completions
        small = SmallServices(admit=_no_admission, api_key_set=False, images=images)
        worker = BatchWorker(store, in_process_answer(chat, small), options.batches.rate)
        service = BatchService(store, files.file_data, worker.wake.set)
        return cls(
            service,
            worker,
            admit=admit,
            injector=FaultInjector(options.faults, options.realism),
            observer=options.observer,
        )

    def start(self) -> None:
        """Start the worker (the simulator awaits it in :meth:`stop`)."""
        self._task = asyncio.get_running_loop().create_task(self.worker.run(), name="sim-batches")

    async def stop(self) -> None:
        """Cancel the worker, wait for it, and close the store (a cut request stays PENDING)."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.batches.store.close()
