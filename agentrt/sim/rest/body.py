"""Reading a request's JSON body: :func:`json_body`, :class:`BadRequest`.

A body that is not JSON, not an object, or nested too deeply is one 400 naming what to
fix; endpoint modules raise :class:`BadRequest` with the offending field as ``param``.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

import grpc

from agentrt.sim.status import SimStatus

if TYPE_CHECKING:
    from aiohttp import web

__all__ = ["BadRequest", "json_body"]


class BadRequest(SimStatus):
    """A 400 about the request's body; ``param`` names the field at fault."""

    def __init__(self, message: str, *, param: str | None = None) -> None:
        super().__init__(grpc.StatusCode.INVALID_ARGUMENT, message)
        self.param = param


async def json_body(request: web.Request) -> dict[str, Any]:
    """The request's body as a JSON object.

    Raises:
        BadRequest: the body is empty, not JSON, too deeply nested, or not an object.
    """
    raw = await request.read()
    if not raw.strip():
        raise BadRequest("the request has no body: send a JSON object")
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise BadRequest(f"the body is not valid JSON: {reason}") from None
    if not isinstance(body, dict):
        raise BadRequest(f"the body must be a JSON object, not {type(body).__name__}")
    if _SURROGATE_ESCAPE.search(raw):
        _check_utf8(body)
    return body


_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")  # \ud800-\udfff: maybe a lone surrogate


def _check_utf8(body: dict[str, Any]) -> None:
    """Refuse a lone surrogate escape: no UTF-8 text (nor protobuf string) can carry it."""
    try:
        json.dumps(body, ensure_ascii=False).encode()
    except UnicodeEncodeError:
        raise BadRequest(
            "the body is not valid UTF-8 text: it has a lone surrogate escape "
            "(\\ud800 to \\udfff without its pair)"
        ) from None
