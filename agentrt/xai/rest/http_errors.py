"""The one boundary where an HTTP error status (and its OpenAI error body) becomes an agentrt error.

The body is ``{"error": {"message": ..., "type": ..., "code": ...}}`` (OpenAI's
shape), or ``{"error": "...", "code": ...}`` (some xAI endpoints); its message
goes in the error's details, cut to :data:`MAX_DETAILS` characters, with the API
key blanked should a server echo it. ``code`` is the HTTP status as a string.
A 429's wait comes from ``retry-after-ms`` (milliseconds) or ``retry-after``
(seconds; an HTTP date is not honoured: the backoff policy decides then).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from agentrt import errors
from agentrt.xai.config import redact

__all__ = [
    "MAX_DETAILS",
    "REQUEST_ID_HEADERS",
    "error_from_body",
    "from_status",
    "message_of",
    "retry_after",
]

MAX_DETAILS = 2000
REQUEST_ID_HEADERS = ("x-request-id", "request-id")

_BY_STATUS: dict[int, type[errors.RPCError]] = {
    400: errors.InvalidRequest,
    401: errors.AuthenticationError,
    403: errors.PermissionDenied,
    404: errors.NotFound,
    408: errors.DeadlineExceeded,
    409: errors.InvalidRequest,
    413: errors.InvalidRequest,
    422: errors.InvalidRequest,
    429: errors.RateLimited,
    500: errors.ServerError,
    501: errors.Unimplemented,
    502: errors.Unavailable,
    503: errors.Unavailable,
    504: errors.DeadlineExceeded,
}


def message_of(body: bytes, secret: str | None = None) -> str:
    """The error message in ``body`` (an OpenAI error body, else its text), short and key-free."""
    text = body[: MAX_DETAILS * 4].decode("utf-8", "replace")
    try:
        parsed: Any = json.loads(text)
    except ValueError:
        parsed = None
    if isinstance(parsed, dict):
        err = parsed.get("error", parsed)
        found = err.get("message") if isinstance(err, dict) else err
        if isinstance(found, str) and found:
            text = found
    text = " ".join(text.split())[:MAX_DETAILS]
    return redact(text, secret)


def retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds the server asked to wait (``retry-after-ms``, then ``retry-after``), if it said."""
    for key, scale in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        raw = headers.get(key)
        if raw is None:
            continue
        try:
            seconds = float(raw.strip()) / scale
        except ValueError:
            continue
        if 0 <= seconds < 86400:  # a NaN, negative or absurd wait is no hint
            return seconds
    return None


def from_status(
    status: int, body: bytes, headers: Mapping[str, str], secret: str | None = None
) -> errors.RPCError:
    """The agentrt error of an HTTP error response; the caller raises it."""
    details = message_of(body, secret) or f"HTTP {status}"
    request_id = next((v for k in REQUEST_ID_HEADERS if (v := headers.get(k))), None)
    code = str(status)
    if status == 429:
        return errors.RateLimited(
            details, code=code, request_id=request_id, retry_after=retry_after(headers)
        )
    cls = _BY_STATUS.get(status)
    if cls is None:
        cls = errors.InvalidRequest if 400 <= status < 500 else errors.ServerError
    return cls(details, code=code, request_id=request_id)


_BY_TYPE = {
    "invalid_request_error": 400,
    "authentication_error": 401,
    "permission_error": 403,
    "not_found_error": 404,
    "rate_limit_error": 429,
    "rate_limit_exceeded": 429,
    "server_error": 500,
    "overloaded_error": 503,
}


def error_from_body(body: dict[str, Any], secret: str | None = None) -> errors.RPCError:
    """The agentrt error of an error sent inside a 200 answer (an SSE ``error`` event, a failed
    response): its ``code`` when it is an HTTP status, else its ``type``, else a 500."""
    err = body.get("error", body)
    status = 500
    if isinstance(err, dict):
        code, kind = err.get("code"), err.get("type")
        if isinstance(code, int | str) and str(code).isdigit() and 400 <= int(code) < 600:
            status = int(code)
        elif isinstance(kind, str):
            status = _BY_TYPE.get(kind, 500)
    return from_status(status, json.dumps(body).encode(), {}, secret)
