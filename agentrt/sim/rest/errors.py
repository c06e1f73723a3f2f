"""Statuses as OpenAI error bodies: :func:`error_response`, :func:`http_error`.

Every failure of the HTTP door answers ``{"error": {"message", "type", "param", "code"}}``
with the HTTP status an OpenAI client expects; a rate limit also carries ``retry-after``
(whole seconds, rounded up) and ``retry-after-ms`` (what the gRPC door's
``grpc-retry-pushback-ms`` trailer says).
"""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING

import grpc

from agentrt.sim.knobs import RETRY_AFTER_KEY
from agentrt.sim.status import SimStatus

if TYPE_CHECKING:
    from aiohttp import web

__all__ = ["HTTP_STATUS", "error_body", "error_response", "http_error", "status_of"]

S = grpc.StatusCode
HTTP_STATUS: dict[grpc.StatusCode, int] = {
    S.INVALID_ARGUMENT: 400,
    S.FAILED_PRECONDITION: 400,
    S.OUT_OF_RANGE: 400,
    S.UNAUTHENTICATED: 401,
    S.PERMISSION_DENIED: 403,
    S.NOT_FOUND: 404,
    S.UNIMPLEMENTED: 404,
    S.ALREADY_EXISTS: 409,
    S.ABORTED: 409,
    S.RESOURCE_EXHAUSTED: 429,
    S.CANCELLED: 499,
    S.INTERNAL: 500,
    S.UNKNOWN: 500,
    S.DATA_LOSS: 500,
    S.UNAVAILABLE: 503,
    S.DEADLINE_EXCEEDED: 504,
}
"""The HTTP status of each gRPC status the simulator raises."""

_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    405: "invalid_request_error",
    409: "conflict_error",
    413: "invalid_request_error",
    415: "invalid_request_error",
    429: "rate_limit_error",
    499: "cancelled",
    500: "server_error",
    503: "service_unavailable_error",
    504: "timeout_error",
}


def status_of(status: SimStatus) -> int:
    """The HTTP status for ``status`` (a message too large is 413, not a rate limit)."""
    if status.code == S.RESOURCE_EXHAUSTED and "larger than max" in status.details:
        return 413
    return HTTP_STATUS.get(status.code, 500)


def error_body(http: int, message: str, *, param: str | None = None) -> bytes:
    """The OpenAI error body for ``http`` and ``message``."""
    error = {
        "message": message,
        "type": _TYPES.get(http, "api_error"),
        "param": param,
        "code": str(http),
    }
    return json.dumps({"error": error}).encode()


def error_response(status: SimStatus) -> web.Response:
    """``status`` as an HTTP response: body, code and retry headers."""
    from aiohttp import web

    http = status_of(status)
    headers = {"x-request-id": dict(status.trailing_metadata())["x-request-id"]}
    pushback = dict(status.trailers).get(RETRY_AFTER_KEY)
    if pushback is not None and pushback.isdigit():
        headers["retry-after-ms"] = pushback
        headers["retry-after"] = str(max(1, math.ceil(int(pushback) / 1000)))
    return web.Response(
        status=http,
        body=error_body(http, status.details),
        content_type="application/json",
        headers=headers,
    )


def http_error(http: int, message: str, *, param: str | None = None) -> web.Response:
    """An error response made here (bad JSON, a missing field, a body too large)."""
    from aiohttp import web

    return web.Response(
        status=http, body=error_body(http, message, param=param), content_type="application/json"
    )
