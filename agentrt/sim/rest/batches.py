"""The HTTP door's batches endpoints: OpenAI's batch API over the simulator's batch store.

``POST /v1/batches`` (``input_file_id``: an uploaded JSONL file of OpenAI batch lines, its
purpose not checked, as xAI does not; ``endpoint``: ``/v1/chat/completions`` or ``/v1/images/generations``;
``completion_window``: ``24h``; optional ``metadata`` and ``output_expires_after``)
queues every line with the gRPC ``BatchMgmt`` service's worker; ``GET /v1/batches/{id}``,
``GET /v1/batches`` (newest first, ``after``/``limit``) and ``POST
/v1/batches/{id}/cancel`` answer OpenAI's batch object. Once nothing is pending, the
results are written to an output file (the requests that succeeded) and an error file
(those that failed), each downloadable with ``GET /v1/files/{id}/content``
(:mod:`agentrt.sim.rest.batch_output`). Each line's ``url`` says what it calls.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from agentrt.sim.batch_input import batch_pb2
from agentrt.sim.rest.admission import begin
from agentrt.sim.rest.batch_output import result_line
from agentrt.sim.rest.body import BadRequest, json_body
from agentrt.sim.rest.context import HttpContext
from agentrt.sim.rest.cursor import cursor_page
from agentrt.sim.rest.files import check_id
from agentrt.sim.rest.params import choice, known_only, text
from agentrt.sim.rest.records import BatchRecord
from agentrt.sim.status import SimStatus

if TYPE_CHECKING:
    from aiohttp import web

    from agentrt.sim.rest.deps import RestDeps

__all__ = ["ENDPOINTS", "add_routes", "batch_json"]

ENDPOINTS = ("/v1/chat/completions", "/v1/images/generations")
_FIELDS = ("input_file_id", "endpoint", "completion_window", "metadata", "output_expires_after")
_MAX_METADATA = 16
_MIN_EXPIRY_S, _MAX_EXPIRY_S = 3600, 30 * 86_400


def _metadata(value: Any) -> dict[str, str] | None:
    if value is None:
        return None
    if not isinstance(value, dict) or len(value) > _MAX_METADATA:
        raise BadRequest(
            f"metadata must be an object of at most {_MAX_METADATA} string values",
            param="metadata",
        )
    for key, item in value.items():
        if len(key) > 64 or not isinstance(item, str) or len(item) > 512:
            raise BadRequest(
                "metadata keys are at most 64 characters, values strings of at most 512",
                param="metadata",
            )
    return dict(value)


def _output_expiry(value: Any) -> int | None:
    if value is None:
        return None
    seconds = value.get("seconds") if isinstance(value, dict) else None
    if (
        not isinstance(value, dict)
        or value.get("anchor") != "created_at"
        or isinstance(seconds, bool)
        or not isinstance(seconds, int)
        or not _MIN_EXPIRY_S <= seconds <= _MAX_EXPIRY_S
    ):
        raise BadRequest(
            "output_expires_after must be {'anchor': 'created_at', 'seconds': "
            f"{_MIN_EXPIRY_S}..{_MAX_EXPIRY_S}}}",
            param="output_expires_after",
        )
    return seconds


def _status(batch: Any, record: BatchRecord, sealed: bool) -> str:
    state, cancelled = batch.state, batch.HasField("cancel_time")
    if state.num_pending or not (sealed or cancelled):
        return "cancelling" if cancelled else "in_progress"
    if record.finalizing or record.completed_at is None:
        return "finalizing"
    return "cancelled" if cancelled else "completed"


def batch_json(batch: Any, record: BatchRecord, sealed: bool) -> dict[str, Any]:
    """OpenAI's batch object of a ``Batch`` message and the door's record of it."""
    status = _status(batch, record, sealed)
    created = batch.create_time.seconds
    cancel = batch.cancel_time.seconds if batch.HasField("cancel_time") else None
    state = batch.state
    return {
        "id": batch.batch_id,
        "object": "batch",
        "endpoint": record.endpoint,
        "errors": None,
        "input_file_id": batch.input_file_id,
        "completion_window": record.completion_window,
        "status": status,
        "output_file_id": record.output_file_id,
        "error_file_id": record.error_file_id,
        "created_at": created,
        "in_progress_at": created,
        "expires_at": batch.expire_time.seconds,
        "finalizing_at": record.completed_at,
        "completed_at": record.completed_at if status == "completed" else None,
        "failed_at": None,
        "expired_at": None,
        "cancelling_at": cancel,
        "cancelled_at": record.completed_at if status == "cancelled" else None,
        "request_counts": {
            "total": state.num_requests,
            "completed": state.num_success,
            "failed": state.num_error,
        },
        "metadata": record.metadata,
    }


class _Batches:
    """The endpoints, over the simulator's batch service, its files store and the records."""

    def __init__(self, deps: RestDeps) -> None:
        self.deps = deps
        self.service = deps.batches.batches
        self.files = deps.rag.store
        self.records = deps.records

    async def _answer(self, batch: Any) -> web.Response:
        from aiohttp import web

        return web.json_response(await self._object(batch))

    async def _object(self, batch: Any) -> dict[str, Any]:
        """OpenAI's object of ``batch``, its result files written first if it has just finished."""
        record = self.records.batch(batch.batch_id)
        sealed = self.service.store.batch(batch.batch_id).sealed
        done = not batch.state.num_pending and (sealed or batch.HasField("cancel_time"))
        if done and record.completed_at is None and not record.finalizing:
            await self._finalize(batch.batch_id, record)
        return batch_json(batch, record, bool(sealed))

    async def _finalize(self, batch_id: str, record: BatchRecord) -> None:
        """Write the output and error files of a batch with nothing pending."""
        record.finalizing = True
        try:
            good: list[bytes] = []
            bad: list[bytes] = []
            token = ""
            while True:
                reply = await self.service.list_results(
                    batch_pb2.ListBatchResultsRequest(
                        batch_id=batch_id,
                        limit=self.service.store.limits.max_page,
                        pagination_token=token,
                    )
                )
                for result in reply.results:
                    ok, line = result_line(batch_id, result)
                    (good if ok else bad).append(line)
                token = reply.pagination_token
                if not token or not reply.results:
                    break
            output = self._write(f"{batch_id}_output.jsonl", good, record)
            try:
                errors = self._write(f"{batch_id}_error.jsonl", bad, record)
            except SimStatus:  # e.g. the store is full: written again at the next look
                if output is not None:
                    self.files.delete_file(output)
                raise
            record.output_file_id, record.error_file_id = output, errors
            record.completed_at = int(time.time())
        finally:
            record.finalizing = False

    def _write(self, name: str, lines: list[bytes], record: BatchRecord) -> str | None:
        if not lines:
            return None
        file_id = self.files.add_file(name, lines, record.output_expires_after)
        self.files.finish_upload(file_id, True)
        self.records.purposes[file_id] = "batch_output"
        return file_id

    async def create(self, request: web.Request) -> web.Response:
        await begin(self.deps.batches, HttpContext(request))
        body = await json_body(request)
        known_only(body, _FIELDS)
        file_id = check_id(text(body, "input_file_id"), "file")
        for required in ("endpoint", "completion_window"):
            if required not in body:
                raise BadRequest(f"{required} is required", param=required)
        record = BatchRecord(
            endpoint=choice(body, "endpoint", ENDPOINTS, ""),
            completion_window=choice(body, "completion_window", ("24h",), ""),
            metadata=_metadata(body.get("metadata")),
            output_expires_after=_output_expiry(body.get("output_expires_after")),
        )
        batch = await self.service.create_batch(
            batch_pb2.CreateBatchRequest(name=f"openai {record.endpoint}", input_file_id=file_id)
        )
        self.records.batches[batch.batch_id] = record
        return await self._answer(batch)

    async def retrieve(self, request: web.Request) -> web.Response:
        await begin(self.deps.batches, HttpContext(request))
        batch_id = check_id(request.match_info["batch_id"], "batch")
        return await self._answer(
            await self.service.get_batch(batch_pb2.GetBatchRequest(batch_id=batch_id))
        )

    async def cancel(self, request: web.Request) -> web.Response:
        await begin(self.deps.batches, HttpContext(request))
        batch_id = check_id(request.match_info["batch_id"], "batch")
        return await self._answer(
            await self.service.cancel_batch(batch_pb2.CancelBatchRequest(batch_id=batch_id))
        )

    async def list(self, request: web.Request) -> web.Response:
        from aiohttp import web

        await begin(self.deps.batches, HttpContext(request))
        every: list[Any] = []
        token = ""
        while True:
            reply = await self.service.list_batches(
                batch_pb2.ListBatchesRequest(
                    limit=self.service.store.limits.max_page, pagination_token=token
                )
            )
            every.extend(reply.batches)
            token = reply.pagination_token
            if not token or not reply.batches:
                break
        every.reverse()  # OpenAI lists newest first
        page, more = cursor_page(
            every, request.query, lambda b: str(b.batch_id), default=20, maximum=100
        )
        data = [await self._object(b) for b in page]
        return web.json_response(
            {
                "object": "list",
                "data": data,
                "first_id": data[0]["id"] if data else None,
                "last_id": data[-1]["id"] if data else None,
                "has_more": more,
            }
        )


def add_routes(router: web.UrlDispatcher, deps: RestDeps) -> None:
    """Mount this module's endpoints on ``router``."""
    batches = _Batches(deps)
    router.add_post("/v1/batches", batches.create)
    router.add_get("/v1/batches", batches.list)
    router.add_get("/v1/batches/{batch_id}", batches.retrieve)
    router.add_post("/v1/batches/{batch_id}/cancel", batches.cancel)
