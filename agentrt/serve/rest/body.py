"""The request body, read within the size limit and checked field by field.

Every check raises :class:`~agentrt.serve.rest.errors.ApiError` (400, or 413
for a body over the limit) naming the field and what it should be, so a
client's mistake is one line it can act on and never a server error.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from aiohttp import web

from agentrt.serve.rest.errors import ApiError

__all__ = ["optional_bool", "optional_str", "read_json", "required_str", "string_map"]

_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")  # \ud800-\udfff: maybe a lone surrogate


async def read_json(request: web.Request, max_bytes: int) -> dict[str, Any]:
    """The body as a JSON object.

    Raises:
        ApiError: 413 over ``max_bytes``; 400 not JSON, or not an object.
    """
    too_large = ApiError(
        413,
        f"the request body is over this server's limit of {max_bytes} bytes",
        code="request_too_large",
    )
    if request.content_length is not None and request.content_length > max_bytes:
        raise too_large
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge:
        raise too_large from None
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):  # RecursionError: JSON nested thousands deep
        raise ApiError(400, "the request body is not valid JSON", code="invalid_json") from None
    if not isinstance(body, dict):
        raise ApiError(400, "the request body must be a JSON object", code="invalid_json")
    if _SURROGATE_ESCAPE.search(raw):
        _check_utf8(body)
    return body


def _check_utf8(body: dict[str, Any]) -> None:
    """Refuse a lone surrogate escape: no UTF-8 text can carry it to the model."""
    try:
        json.dumps(body, ensure_ascii=False).encode()
    except UnicodeEncodeError:
        raise ApiError(
            400,
            "the request body is not valid UTF-8 text: it has a lone surrogate escape "
            "(\\ud800 to \\udfff without its pair)",
            code="invalid_json",
        ) from None


def _wrong(field: str, what: str) -> ApiError:
    return ApiError(400, f"'{field}' must be {what}", param=field, code="invalid_value")


def required_str(body: Mapping[str, Any], field: str) -> str:
    """A non-empty string field."""
    value = body.get(field)
    if value is None:
        raise ApiError(400, f"'{field}' is required", param=field, code="missing_required")
    if not isinstance(value, str) or not value:
        raise _wrong(field, "a non-empty string")
    return value


def optional_str(body: Mapping[str, Any], field: str) -> str:
    """A string field that may be absent or null (then ``""``)."""
    value = body.get(field)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _wrong(field, "a string")
    return value


def optional_bool(body: Mapping[str, Any], field: str) -> bool:
    """A boolean field that may be absent or null (then false)."""
    value = body.get(field)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise _wrong(field, "true or false")
    return value


def string_map(body: Mapping[str, Any], field: str) -> dict[str, str]:
    """An object of strings that may be absent or null (then empty)."""
    value = body.get(field)
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise _wrong(field, "an object of strings")
    return value
