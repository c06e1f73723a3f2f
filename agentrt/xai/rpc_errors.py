"""The one boundary where ``grpc.aio.AioRpcError`` becomes an agentrt error.

Status codes map to the classes of :mod:`agentrt.errors`. RESOURCE_EXHAUSTED
means two different things in gRPC: a rate limit (:class:`RateLimited`, retried
with backoff) and "message larger than max" (:class:`ResponseTooLarge`, never
retried); the details string tells them apart.

Retry hint: a server asks clients to wait by sending the trailing metadata key
``grpc-retry-pushback-ms`` (:data:`RETRY_PUSHBACK_KEY`) with a non-negative
integer number of milliseconds, gRPC's own convention (gRFC A6). agentrt reads
it on RESOURCE_EXHAUSTED into ``RateLimited.retry_after`` (seconds); gRPC core
honours the same key for UNAVAILABLE retries.

The request id is read from ``x-request-id`` (:data:`REQUEST_ID_KEYS`) in the
trailing, then the initial metadata.
"""

from __future__ import annotations

from typing import Any

import grpc

from agentrt import errors

__all__ = ["REQUEST_ID_KEYS", "RETRY_PUSHBACK_KEY", "from_status", "is_too_large", "translate"]

RETRY_PUSHBACK_KEY = "grpc-retry-pushback-ms"
REQUEST_ID_KEYS = ("x-request-id", "request-id")

_BY_CODE: dict[grpc.StatusCode, type[errors.RPCError]] = {
    grpc.StatusCode.UNAVAILABLE: errors.Unavailable,
    grpc.StatusCode.DEADLINE_EXCEEDED: errors.DeadlineExceeded,
    grpc.StatusCode.CANCELLED: errors.Cancelled,
    grpc.StatusCode.UNAUTHENTICATED: errors.AuthenticationError,
    grpc.StatusCode.PERMISSION_DENIED: errors.PermissionDenied,
    grpc.StatusCode.INVALID_ARGUMENT: errors.InvalidRequest,
    grpc.StatusCode.ALREADY_EXISTS: errors.InvalidRequest,
    grpc.StatusCode.FAILED_PRECONDITION: errors.InvalidRequest,
    grpc.StatusCode.OUT_OF_RANGE: errors.InvalidRequest,
    grpc.StatusCode.NOT_FOUND: errors.NotFound,
    grpc.StatusCode.UNIMPLEMENTED: errors.Unimplemented,
}


def is_too_large(details: str) -> bool:
    """Whether a RESOURCE_EXHAUSTED details string means "message larger than max"."""
    return "larger than max" in details.lower()


def _metadata_value(md: Any, keys: tuple[str, ...]) -> str | None:
    for key, value in md or ():
        if key in keys:
            return value if isinstance(value, str) else value.decode("latin-1")
    return None


def _retry_after(trailing: Any) -> float | None:
    raw = _metadata_value(trailing, (RETRY_PUSHBACK_KEY,))
    if raw is None or not raw.strip().isdigit():
        return None
    return int(raw) / 1000.0


def translate(exc: grpc.RpcError) -> errors.RPCError:
    """The most specific agentrt error for ``exc``; the caller raises it ``from exc``.

    ``exc`` is a ``grpc.aio.AioRpcError`` or a failed sync call (both carry
    ``code()``, ``details()`` and metadata).
    """
    call: Any = exc
    code = call.code()
    details = call.details() or ""
    trailing = call.trailing_metadata()
    request_id = _metadata_value(trailing, REQUEST_ID_KEYS) or _metadata_value(
        call.initial_metadata(), REQUEST_ID_KEYS
    )
    name = code.name if code is not None else "UNKNOWN"
    if code is grpc.StatusCode.RESOURCE_EXHAUSTED:
        if is_too_large(details):
            return errors.ResponseTooLarge(details, code=name, request_id=request_id)
        return errors.RateLimited(
            details, code=name, request_id=request_id, retry_after=_retry_after(trailing)
        )
    cls = _BY_CODE.get(code, errors.ServerError)
    return cls(details, code=name, request_id=request_id)


_CODES = {c.value[0]: c for c in grpc.StatusCode}


def from_status(code: int, message: str) -> errors.RPCError:
    """The agentrt error of a ``google.rpc.Status`` (a numeric code) sent inside a reply.

    The same classes as :func:`translate`; an unknown code is a :class:`ServerError`.
    """
    status = _CODES.get(code)
    name = status.name if status is not None else f"CODE_{code}"
    if status is grpc.StatusCode.RESOURCE_EXHAUSTED:
        if is_too_large(message):
            return errors.ResponseTooLarge(message, code=name)
        return errors.RateLimited(message, code=name)
    return _BY_CODE.get(status, errors.ServerError)(message, code=name)  # type: ignore[arg-type]
