"""The HTTP door's model endpoints: OpenAI's ``/v1/models`` and xAI's detailed lists.

``GET /v1/models`` (and ``/v1/models/{id}``) answer OpenAI's short model objects for
every model the simulator serves; ``GET /v1/language-models``,
``/v1/embedding-models`` and ``/v1/image-generation-models`` (and ``/{id}``) answer
xAI's detailed ones, prices included. A name or an alias finds a model; an unknown one
is a 404. Each is the gRPC ``Models`` service's answer, translated.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import grpc
from agentrt_protos.xai.api.v1 import models_pb2

from agentrt.sim.rest.context import HttpContext
from agentrt.sim.status import SimStatus

if TYPE_CHECKING:
    from aiohttp import web

    from agentrt.sim.rest.deps import RestDeps
    from agentrt.sim.services import SmallServices

__all__ = ["add_routes", "detailed", "short"]

_OWNER = "xai"


def _modalities(values: Any) -> list[str]:
    return [models_pb2.Modality.Name(v).lower() for v in values]


def short(model: Any) -> dict[str, Any]:
    """OpenAI's model object of a ``LanguageModel``/``EmbeddingModel``/``ImageGenerationModel``."""
    return {
        "id": model.name,
        "object": "model",
        "created": model.created.seconds,
        "owned_by": _OWNER,
    }


def detailed(model: Any) -> dict[str, Any]:
    """xAI's detailed model object: the short one, its modalities, prices and aliases."""
    out = {
        "id": model.name,
        "fingerprint": model.system_fingerprint,
        "created": model.created.seconds,
        "object": "model",
        "owned_by": _OWNER,
        "version": model.version,
        "input_modalities": _modalities(model.input_modalities),
        "output_modalities": _modalities(model.output_modalities),
    }
    if isinstance(model, models_pb2.LanguageModel):
        out |= {
            "prompt_text_token_price": model.prompt_text_token_price,
            "cached_prompt_text_token_price": model.cached_prompt_token_price,
            "prompt_image_token_price": model.prompt_image_token_price,
            "completion_text_token_price": model.completion_text_token_price,
            "search_price": model.search_price,
            "max_prompt_length": model.max_prompt_length,
        }
    elif isinstance(model, models_pb2.EmbeddingModel):
        out |= {
            "prompt_text_token_price": model.prompt_text_token_price,
            "prompt_image_token_price": model.prompt_image_token_price,
        }
    else:
        out |= {"image_price": model.image_price, "max_prompt_length": model.max_prompt_length}
    return out | {"aliases": list(model.aliases)}


Lister = Callable[[Any, Any], Awaitable[Any]]
Getter = Callable[[models_pb2.GetModelRequest, Any], Awaitable[Any]]


def _kinds(small: SmallServices) -> dict[str, tuple[Lister, Getter]]:
    """Each xAI model path and the gRPC methods that list and get its models."""
    return {
        "language-models": (small.list_language_models, small.get_language_model),
        "embedding-models": (small.list_embedding_models, small.get_embedding_model),
        "image-generation-models": (small.list_image_models, small.get_image_model),
    }


async def _every(small: SmallServices, ctx: HttpContext) -> list[Any]:
    out: list[Any] = []
    for lister, _ in _kinds(small).values():
        out.extend((await lister(None, ctx)).models)
    return out


async def _find(small: SmallServices, ctx: HttpContext, name: str) -> Any:
    for _, getter in _kinds(small).values():
        try:
            return await getter(models_pb2.GetModelRequest(name=name), ctx)
        except SimStatus as status:
            if status.code != grpc.StatusCode.NOT_FOUND:
                raise
    raise SimStatus(grpc.StatusCode.NOT_FOUND, f"model {name[:200]!r} not found")


def add_routes(router: web.UrlDispatcher, deps: RestDeps) -> None:
    """Mount this module's endpoints on ``router``."""
    from aiohttp import web

    small = deps.small

    async def list_models(request: web.Request) -> web.Response:
        models = await _every(small, HttpContext(request))
        return web.json_response({"object": "list", "data": [short(m) for m in models]})

    async def get_model(request: web.Request) -> web.Response:
        model = await _find(small, HttpContext(request), request.match_info["model"])
        return web.json_response(short(model))

    router.add_get("/v1/models", list_models)
    router.add_get("/v1/models/{model}", get_model)
    for path, (lister, getter) in _kinds(small).items():
        router.add_get(f"/v1/{path}", _lister(lister))
        router.add_get(f"/v1/{path}/{{model}}", _getter(getter))


def _lister(lister: Lister) -> Callable[[web.Request], Awaitable[web.Response]]:
    from aiohttp import web

    async def handler(request: web.Request) -> web.Response:
        reply = await lister(None, HttpContext(request))
        return web.json_response({"models": [detailed(m) for m in reply.models]})

    return handler


def _getter(getter: Getter) -> Callable[[web.Request], Awaitable[web.Response]]:
    from aiohttp import web

    async def handler(request: web.Request) -> web.Response:
        name = request.match_info["model"]
        model = await getter(models_pb2.GetModelRequest(name=name), HttpContext(request))
        return web.json_response(detailed(model))

    return handler
