"""Errors as OpenAI's error body and HTTP status: :class:`ApiError`, :func:`api_error_for`.

Every refusal and failure of the HTTP door leaves as one body,
``{"error": {"message", "type", "param", "code"}}``, with the status an OpenAI
client maps to its own exception (400 BadRequestError, 401 AuthenticationError,
404 NotFoundError, 413, 429 RateLimitError, 500 InternalServerError, 503).
Errors are classified once, by :func:`agentrt.serve.status.status_for` (the
gRPC door's rules, secrets scrubbed), then given their HTTP status here.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import grpc
from aiohttp import web

from agentrt.serve.status import Scrubber, status_for

__all__ = [
    "RETRY_AFTER_S",
    "ApiError",
    "api_error_for",
    "error_body",
    "error_response",
    "report_internal",
]

RETRY_AFTER_S = 1
"""The ``retry-after`` sent with a 429: run slots free up in about a run's time."""

_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    404: "invalid_request_error",
    405: "invalid_request_error",
    413: "invalid_request_error",
    403: "permission_error",
    429: "rate_limit_error",
    503: "service_unavailable_error",
    504: "timeout_error",
}

_HTTP_STATUS = {
    grpc.StatusCode.INVALID_ARGUMENT: 400,
    grpc.StatusCode.UNAUTHENTICATED: 401,
    grpc.StatusCode.NOT_FOUND: 404,
    grpc.StatusCode.RESOURCE_EXHAUSTED: 429,
    grpc.StatusCode.UNAVAILABLE: 503,
    grpc.StatusCode.DEADLINE_EXCEEDED: 504,
}


class ApiError(Exception):
    """A request the HTTP door refuses or a run that failed, with what the caller is told.

    Args:
        status: the HTTP status.
        message: one line saying what is wrong and what to do.
        param: the request field at fault, if one is.
        code: a short machine-readable code.
        retry_after: whole seconds a 429 asks the caller to wait (default :data:`RETRY_AFTER_S`).
    """

    def __init__(
        self,
        status: int,
        message: str,
        *,
        param: str | None = None,
        code: str | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.param = param
        self.code = code
        self.retry_after = retry_after


def error_body(error: ApiError) -> dict[str, Any]:
    """The OpenAI error body of ``error``."""
    kind = _TYPES.get(error.status, "server_error" if error.status >= 500 else "invalid_request")
    return {
        "error": {
            "message": error.message,
            "type": kind,
            "param": error.param,
            "code": error.code,
        }
    }


def error_response(error: ApiError) -> web.Response:
    """``error`` as an HTTP response (a 429 says when to retry)."""
    wait = RETRY_AFTER_S if error.retry_after is None else error.retry_after
    headers = {"retry-after": str(wait)} if error.status == 429 else None
    return web.Response(
        status=error.status,
        body=json.dumps(error_body(error)).encode(),
        content_type="application/json",
        headers=headers,
    )


def api_error_for(exc: BaseException, scrub: Scrubber) -> ApiError:
    """What the caller is told about ``exc`` (any error that ends a request)."""
    if isinstance(exc, ApiError):
        return ApiError(
            exc.status,
            scrub(exc.message),
            param=exc.param,
            code=exc.code,
            retry_after=exc.retry_after,
        )
    code, details = status_for(exc, scrub)
    status = _HTTP_STATUS.get(code, 500)
    return ApiError(status, details, code=code.name.lower())


def report_internal(exc: BaseException, error: ApiError, scrub: Scrubber) -> None:
    """Print an internal error (a server bug, or the model service failing) on stderr, scrubbed."""
    if error.status == 500 and not isinstance(exc, ApiError):
        print(f"agentrt serve: {error.message}: {scrub(repr(exc))}", file=sys.stderr)
