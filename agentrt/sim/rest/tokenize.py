"""The HTTP door's ``POST /v1/tokenize-text``: xAI's tokenizer endpoint.

``{"text": ..., "model": ...}`` answers ``{"token_ids": [{"token_id", "string_token",
"token_bytes"}]}`` (the bytes as a list of integers), the gRPC ``Tokenize`` service's
tokens: the same ones the usage counts of every other endpoint come from. A text longer
than :data:`MAX_TEXT_CHARS` is a 400 (its answer would be many times its size).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agentrt_protos.xai.api.v1 import tokenize_pb2

from agentrt.sim.rest.body import BadRequest, json_body
from agentrt.sim.rest.context import HttpContext
from agentrt.sim.rest.params import known_only, text

if TYPE_CHECKING:
    from aiohttp import web

    from agentrt.sim.rest.deps import RestDeps

__all__ = ["MAX_TEXT_CHARS", "add_routes", "tokens_json"]

MAX_TEXT_CHARS = 262_144  # at most ~130k tokens: an answer of ~10 MB


def tokens_json(reply: tokenize_pb2.TokenizeTextResponse) -> dict[str, Any]:
    """xAI's tokenize answer of a ``TokenizeTextResponse``."""
    return {
        "token_ids": [
            {
                "token_id": t.token_id,
                "string_token": t.string_token,
                "token_bytes": list(t.token_bytes),
            }
            for t in reply.tokens
        ]
    }


def add_routes(router: web.UrlDispatcher, deps: RestDeps) -> None:
    """Mount this module's endpoints on ``router``."""
    from aiohttp import web

    async def tokenize_text(request: web.Request) -> web.Response:
        ctx: Any = HttpContext(request)  # what the gRPC handler reads of its context
        deps.admit(ctx)  # a wrong key is a 401 before any complaint about the body
        body = await json_body(request)
        known_only(body, ("text", "model", "user"))
        words = text(body, "text", empty=True)
        if len(words) > MAX_TEXT_CHARS:
            raise BadRequest(
                f"text is {len(words):,} characters: at most {MAX_TEXT_CHARS:,}", param="text"
            )
        query = tokenize_pb2.TokenizeTextRequest(text=words, model=text(body, "model"))
        return web.json_response(tokens_json(await deps.small.tokenize_text(query, ctx)))

    router.add_post("/v1/tokenize-text", tokenize_text)
