"""The HTTP door's ``POST /v1/embeddings``: OpenAI's embeddings over the gRPC ``Embedder``.

``input`` is a string or a list of 1..:data:`MAX_INPUTS` non-empty strings (token arrays
are refused: the simulator's token ids do not map back to text); ``encoding_format``
``float`` (the default) or ``base64`` (little-endian float32, what the ``openai`` SDK asks
for and decodes); ``dimensions``, when given, must be the simulator's
:data:`~agentrt.sim.services.EMBEDDING_DIMENSIONS`. The vectors are the gRPC door's for
the same texts; ``usage`` counts the inputs' tokens with the simulator's tokenizer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agentrt_protos.xai.api.v1 import embed_pb2

from agentrt.sim.rest.body import BadRequest, json_body
from agentrt.sim.rest.context import HttpContext
from agentrt.sim.rest.params import choice, known_only, optional_int, text
from agentrt.sim.services import EMBEDDING_DIMENSIONS
from agentrt.sim.tokens import count_tokens

if TYPE_CHECKING:
    from aiohttp import web

    from agentrt.sim.rest.deps import RestDeps

__all__ = ["MAX_INPUTS", "add_routes", "embeddings_json"]

MAX_INPUTS = 2048
_FORMATS = {"float": embed_pb2.FORMAT_FLOAT, "base64": embed_pb2.FORMAT_BASE64}
_FIELDS = ("input", "model", "encoding_format", "dimensions", "user")


def _inputs(value: Any) -> list[str]:
    """The texts of ``input``; a 400 saying what to send otherwise."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        raise BadRequest("input must be a string or a list of strings", param="input")
    if not 1 <= len(items) <= MAX_INPUTS:
        raise BadRequest(
            f"input has {len(items)} items: send 1 to {MAX_INPUTS} strings", param="input"
        )
    for n, item in enumerate(items):
        if isinstance(item, (list, int)):
            raise BadRequest(
                "token arrays are not supported by the simulator: send the text as strings",
                param="input",
            )
        if not isinstance(item, str) or not item:
            raise BadRequest(f"input[{n}] must be a non-empty string", param="input")
    return items


def embeddings_json(reply: embed_pb2.EmbedResponse, texts: list[str]) -> dict[str, Any]:
    """OpenAI's embeddings answer of an ``EmbedResponse`` for ``texts``."""
    data = []
    for item in reply.embeddings:
        vector = item.embeddings[0]
        value: Any = vector.base64_array if vector.base64_array else list(vector.float_array)
        data.append({"object": "embedding", "index": item.index, "embedding": value})
    tokens = sum(count_tokens(t) for t in texts)
    return {
        "object": "list",
        "data": data,
        "model": reply.model,
        "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
    }


def _request(body: dict[str, Any]) -> tuple[embed_pb2.EmbedRequest, list[str]]:
    known_only(body, _FIELDS)
    texts = _inputs(body.get("input"))
    model = text(body, "model")
    encoding = choice(body, "encoding_format", tuple(_FORMATS), "float")
    dimensions = optional_int(body, "dimensions", 1, 1 << 16)
    if dimensions is not None and dimensions != EMBEDDING_DIMENSIONS:
        raise BadRequest(
            f"dimensions must be {EMBEDDING_DIMENSIONS} (the simulator's only size), "
            f"not {dimensions}",
            param="dimensions",
        )
    query = embed_pb2.EmbedRequest(
        input=[embed_pb2.EmbedInput(string=t) for t in texts],
        model=model,
        encoding_format=_FORMATS[encoding],
        user=text(body, "user", required=False, empty=True),
    )
    return query, texts


def add_routes(router: web.UrlDispatcher, deps: RestDeps) -> None:
    """Mount this module's endpoints on ``router``."""
    from aiohttp import web

    async def embeddings(request: web.Request) -> web.Response:
        ctx: Any = HttpContext(request)  # what the gRPC handler reads of its context
        deps.admit(ctx)  # a wrong key is a 401 before any complaint about the body
        query, texts = _request(await json_body(request))
        reply = await deps.small.embed(query, ctx)
        return web.json_response(embeddings_json(reply, texts))

    router.add_post("/v1/embeddings", embeddings)
