"""The simulator's ``xai_api.BatchMgmt`` service: xAI's batch lifecycle over a :class:`BatchStore`.

A batch is created empty (requests come with ``AddBatchRequests``) or from an uploaded
JSONL file (its lines are queued at once and the batch is sealed). Queued requests are
processed in order by one background worker (:mod:`agentrt.sim.batch_worker`) at
``--batch-rate`` requests a second; each finishes SUCCEEDED or FAILED alone (an unknown
model or a malformed request fails only itself), and its result is listable as soon as
it finishes. ``CancelBatch`` marks every request not yet started CANCELLED and sets
``cancel_time``; on a batch with nothing pending it is a no-op that returns the batch
(xai-sdk's ``cancel`` expects a ``Batch`` back). Adding to a cancelled or sealed batch
is FAILED_PRECONDITION; an unknown batch or request id is NOT_FOUND naming it. Cancelled
requests have no listed result; ``GetBatchRequestResult`` reports them with a CANCELLED
status. Pages: ``limit`` 0 means 100, more than ``max_page`` is cut to it; tokens are opaque.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import grpc
from google.protobuf import empty_pb2

from agentrt.sim import batchstore as bs
from agentrt.sim.batch_input import batch_pb2, error_result, from_jsonl, new_request
from agentrt.sim.batchstore import BatchRow, BatchStore
from agentrt.sim.files import page_bounds, timestamp
from agentrt.sim.status import SimStatus

__all__ = ["BatchService"]

_MAX_NAME = 1024


def _invalid(details: str) -> SimStatus:
    return SimStatus(grpc.StatusCode.INVALID_ARGUMENT, details)


def _page(limit: int, token: str, max_page: int) -> tuple[int, int]:
    """(after, limit) of a page request; INVALID_ARGUMENT on a bad token or limit."""
    return page_bounds(limit, token, max_page, prefix="after:")


def _token(last: int, limit: int, got: int) -> str:
    """The token of the page after this one, '' when this one was not full."""
    return base64.urlsafe_b64encode(f"after:{last}".encode()).decode() if got >= limit else ""


class BatchService:
    """Handlers of ``xai_api.BatchMgmt``; ``file_data(file_id)`` reads an uploaded file."""

    def __init__(
        self, store: BatchStore, file_data: Callable[[str], bytes], wake: Callable[[], None]
    ) -> None:
        self.store = store
        self.file_data = file_data
        self.wake = wake  # tell the worker requests were queued

    def message(self, row: BatchRow) -> Any:
        """The ``Batch`` message of a stored batch, counts and cost as of now."""
        out = batch_pb2.Batch(batch_id=row.id, name=row.name)
        timestamp(out.create_time, row.created)
        timestamp(out.expire_time, row.expires)
        if row.cancelled is not None:
            timestamp(out.cancel_time, row.cancelled)
        if row.input_file_id:
            out.input_file_id = row.input_file_id
        state = out.state
        state.num_requests, state.num_pending = row.total, row.pending
        state.num_success, state.num_error = row.success, row.error
        state.num_cancelled = row.cancelled_count
        costs = self.store.costs(row.id)
        breakdown = out.cost_breakdown
        breakdown.total_cost_usd_ticks = sum(ticks for _, ticks, _ in costs)
        for endpoint, ticks, count in costs:
            breakdown.endpoint_costs.add(
                endpoint=endpoint, cost_usd_ticks=ticks, request_count=count
            )
        timestamp(breakdown.calculation_time, self.store.clock())
        return out

    async def create_batch(self, request: Any) -> Any:
        """``CreateBatch``: empty, or with the requests of an uploaded JSONL file (sealed)."""
        if len(request.name) > _MAX_NAME:
            raise _invalid(f"name is {len(request.name)} characters: at most {_MAX_NAME}")
        lines = None
        if request.input_file_id:
            lines = from_jsonl(self.file_data(request.input_file_id))  # NOT_FOUND first
        batch_id = self.store.create(request.name, request.input_file_id or None)
        if lines is not None:
            self.store.add(batch_id, lines)
            self.store.seal(batch_id)
            self.wake()
        return self.message(self.store.batch(batch_id))

    async def add_batch_requests(self, request: Any) -> empty_pb2.Empty:
        """``AddBatchRequests``: queue them all, or (a repeated id, a closed batch) none."""
        self.store.add(request.batch_id, [new_request(r) for r in request.batch_requests])
        self.wake()
        return empty_pb2.Empty()

    async def get_batch(self, request: Any) -> Any:
        """``GetBatch``."""
        return self.message(self.store.batch(request.batch_id))

    async def list_batches(self, request: Any) -> Any:
        """``ListBatches``: oldest first."""
        after, limit = _page(request.limit, request.pagination_token, self.store.limits.max_page)
        rows = self.store.batches(after, limit)
        out = batch_pb2.ListBatchesResponse(batches=[self.message(r) for r in rows])
        if rows:
            out.pagination_token = _token(rows[-1].seq, limit, len(rows))
        return out

    async def cancel_batch(self, request: Any) -> Any:
        """``CancelBatch``: what has not started is CANCELLED (a no-op when nothing pends)."""
        self.store.cancel(request.batch_id)
        return self.message(self.store.batch(request.batch_id))

    async def list_requests(self, request: Any) -> Any:
        """``ListBatchRequestMetadata``: in the order added, only the states asked for."""
        after, limit = _page(request.limit, request.pagination_token, self.store.limits.max_page)
        states = sorted({int(s) for s in request.status})
        rows = self.store.requests(request.batch_id, states, after, limit)
        out = batch_pb2.ListBatchRequestMetadataResponse()
        for row in rows:
            meta = out.batch_request_metadata.add(
                batch_request_id=row.request_id,
                endpoint=row.endpoint,
                model=row.model,
                state=row.state,
            )
            timestamp(meta.create_time, row.created)
            if row.finished is not None:
                timestamp(meta.finish_time, row.finished)
        if rows:
            out.pagination_token = _token(rows[-1].seq, limit, len(rows))
        return out

    async def list_results(self, request: Any) -> Any:
        """``ListBatchResults``: processed requests (succeeded or failed), as they finish."""
        after, limit = _page(request.limit, request.pagination_token, self.store.limits.max_page)
        rows = self.store.results(request.batch_id, after, limit)
        out = batch_pb2.ListBatchResultsResponse(
            results=[batch_pb2.BatchResult.FromString(data) for _, data in rows]
        )
        if rows:
            out.pagination_token = _token(rows[-1][0], limit, len(rows))
        return out

    async def get_result(self, request: Any) -> Any:
        """``GetBatchRequestResult``: FAILED_PRECONDITION while the request is pending."""
        row, data, result = self.store.request(request.batch_id, request.batch_request_id)
        if row.state == bs.PENDING:
            raise SimStatus(
                grpc.StatusCode.FAILED_PRECONDITION,
                f"request {row.request_id!r} of batch {row.batch_id!r} is still pending: "
                "ask again when it has finished",
            )
        out = batch_pb2.GetBatchRequestResultResponse(
            request=batch_pb2.BatchRequest.FromString(data)
        )
        if result is not None:
            out.result.ParseFromString(result)
        else:
            message = f"request {row.request_id!r} was cancelled before it started"
            out.result.CopyFrom(error_result(row.request_id, grpc.StatusCode.CANCELLED, message))
        return out
