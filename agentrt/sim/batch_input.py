"""Batch requests: what each one calls, and the lines of a JSONL input file.

xai-sdk documents no line format for ``CreateBatch(input_file_id=...)``, so the
simulator reads each non-empty line as one JSON object in any of three shapes:

* the ``BatchRequest`` message in protobuf's JSON form (what ``json_format.MessageToJson``
  writes), e.g. ``{"batch_request_id": "q1", "completion_request": {"model": "grok-4",
  "messages": [{"role": "ROLE_USER", "content": [{"text": "hi"}]}]}}``;
* xAI's wrapped form, ``{"batch_request_id": "q1", "batch_request": {"chat_get_completion":
  {...GetCompletionsRequest...}}}`` (``image_generate`` for an image request);
* OpenAI's batch form, which xAI's OpenAI-compatible batch API takes: ``{"custom_id":
  "q1", "method": "POST", "url": "/v1/chat/completions", "body": {...}}`` (see
  :mod:`agentrt.sim.batch_openai`).

A line in none of them becomes a FAILED request on its own (INVALID_ARGUMENT naming the
line); the other lines are queued as usual.
"""

from __future__ import annotations

import importlib
import json
import uuid
from typing import Any

import grpc
from google.protobuf import json_format

from agentrt.sim.batch_openai import from_openai_line
from agentrt.sim.batchstore import NewRequest

# Imported by name, untyped: batch_pb2.pyi imports google.rpc, which ships no py.typed
# marker, so mypy --strict reports a typed import of it (import-untyped) without a
# pyproject override.
batch_pb2: Any = importlib.import_module("agentrt_protos.xai.api.v1.batch_pb2")

__all__ = ["ENDPOINTS", "batch_pb2", "error_result", "failed_result", "from_jsonl", "new_request"]

# the request field of BatchRequest -> the endpoint it is reported and priced under
ENDPOINTS = {
    "completion_request": "/v1/chat/completions",
    "image_request": "/v1/images/generations",
    "video_request": "/v1/videos/generations",
    "video_extension_request": "/v1/videos/extensions",
}
_WRAPPED = {
    "chat_get_completion": "completion_request",
    "image_generate": "image_request",
    "video_generate": "video_request",
}
_MAX_ID = 256


def _request_id(given: str) -> str:
    return given or f"batch_request_{uuid.uuid4()}"


def new_request(request: Any) -> NewRequest:
    """A request to queue; one whose id is too long is failed alone at once."""
    kind = request.WhichOneof("request") or ""
    model = getattr(request, kind).model if kind else ""
    request_id = _request_id(request.batch_request_id)
    error = None
    if len(request_id) > _MAX_ID:
        request_id = request_id[:_MAX_ID]
        error = failed_result(request_id, f"batch_request_id is longer than {_MAX_ID} characters")
    request.batch_request_id = request_id
    return NewRequest(
        request_id, ENDPOINTS.get(kind, ""), model, request.SerializeToString(), error
    )


def error_result(request_id: str, code: grpc.StatusCode, message: str) -> Any:
    """The ``BatchResult`` of a request that ended with status ``code``."""
    out = batch_pb2.BatchResult(batch_request_id=request_id)
    out.error.code, out.error.message = code.value[0], message
    return out


def failed_result(request_id: str, message: str) -> bytes:
    """A serialized ``BatchResult`` of a request that failed with INVALID_ARGUMENT."""
    return bytes(
        error_result(request_id, grpc.StatusCode.INVALID_ARGUMENT, message).SerializeToString()
    )


def _parse_line(text: str) -> Any:
    """The request of one line; ValueError saying what is wrong."""
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("is not a JSON object")
    if "body" in data or "custom_id" in data:
        data = from_openai_line(data)
    wrapped = data.pop("batch_request", None)
    if wrapped is not None:
        if not isinstance(wrapped, dict) or len(wrapped) != 1:
            raise ValueError(f"batch_request must hold one of {', '.join(_WRAPPED)}")
        [(name, body)] = wrapped.items()
        if name not in _WRAPPED:
            raise ValueError(f"batch_request.{name} is not one of {', '.join(_WRAPPED)}")
        data[_WRAPPED[name]] = body
    message = batch_pb2.BatchRequest()
    json_format.ParseDict(data, message)
    if message.WhichOneof("request") is None:
        raise ValueError(f"holds no request: give one of {', '.join(ENDPOINTS)}")
    return message


def from_jsonl(data: bytes) -> list[NewRequest]:
    """The requests of a JSONL file, one per non-empty line; bad lines fail alone."""
    out: list[NewRequest] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(data.splitlines(), start=1):
        text = raw.decode("utf-8", "replace").strip()
        if not text:
            continue
        try:
            request = new_request(_parse_line(text))
            if request.request_id in seen:
                raise ValueError(
                    f"repeats batch_request_id {request.request_id!r} of line "
                    f"{seen[request.request_id]}"
                )
        except (ValueError, RecursionError, json_format.ParseError) as exc:
            request_id = f"line_{number}"
            while request_id in seen:  # a line may have named itself "line_N"
                request_id += "_"
            message = f"input file line {number}: {str(exc)[:200]}"
            request = NewRequest(request_id, "", "", b"", failed_result(request_id, message))
        seen[request.request_id] = number
        out.append(request)
    return out
