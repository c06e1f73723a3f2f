"""The HTTP door's ``POST /v1/images/generations`` over the gRPC ``Image`` service.

``prompt`` and ``model`` are required; ``n`` is 1..10; ``response_format`` ``url`` (the
default: a PNG served by the simulator's image host) or ``b64_json`` (the PNG's base64,
without the ``data:`` prefix the gRPC side adds). xAI's ``aspect_ratio`` (``"16:9"``,
``"auto"``, ...), ``resolution`` (``1k``/``2k``) and ``quality`` (``low``/``medium``/
``high``) pass through; OpenAI's ``size`` (``"WIDTHxHEIGHT"``) picks the aspect ratio of
the same shape (only shapes xAI has are accepted).
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING, Any

from agentrt_protos.xai.api.v1 import image_pb2

from agentrt.sim.rest.body import BadRequest, json_body
from agentrt.sim.rest.context import HttpContext
from agentrt.sim.rest.params import choice, known_only, optional_int, text

if TYPE_CHECKING:
    from aiohttp import web

    from agentrt.sim.rest.deps import RestDeps

__all__ = ["add_routes", "images_json"]

_P = image_pb2
_RATIOS = {
    "1:1": _P.IMG_ASPECT_RATIO_1_1,
    "3:4": _P.IMG_ASPECT_RATIO_3_4,
    "4:3": _P.IMG_ASPECT_RATIO_4_3,
    "9:16": _P.IMG_ASPECT_RATIO_9_16,
    "16:9": _P.IMG_ASPECT_RATIO_16_9,
    "2:3": _P.IMG_ASPECT_RATIO_2_3,
    "3:2": _P.IMG_ASPECT_RATIO_3_2,
    "auto": _P.IMG_ASPECT_RATIO_AUTO,
    "9:19.5": _P.IMG_ASPECT_RATIO_9_19_5,
    "19.5:9": _P.IMG_ASPECT_RATIO_19_5_9,
    "9:20": _P.IMG_ASPECT_RATIO_9_20,
    "20:9": _P.IMG_ASPECT_RATIO_20_9,
    "1:2": _P.IMG_ASPECT_RATIO_1_2,
    "2:1": _P.IMG_ASPECT_RATIO_2_1,
}
_RESOLUTIONS = {"1k": _P.IMG_RESOLUTION_1K, "2k": _P.IMG_RESOLUTION_2K}
_QUALITIES = {
    "low": _P.IMG_QUALITY_LOW,
    "medium": _P.IMG_QUALITY_MEDIUM,
    "high": _P.IMG_QUALITY_HIGH,
}
_FORMATS = {"url": _P.IMG_FORMAT_URL, "b64_json": _P.IMG_FORMAT_BASE64}
_FIELDS = (
    "prompt",
    "model",
    "n",
    "response_format",
    "size",
    "aspect_ratio",
    "resolution",
    "quality",
    "user",
)
_MAX_N = 10
_MAX_SIDE = 100_000


def _ratio_of_size(size: str) -> str:
    """The aspect ratio named like ``"3:2"`` of a ``"WIDTHxHEIGHT"`` size (or ``auto``)."""
    if size == "auto":
        return "auto"
    width, _, height = size.partition("x")
    sides = [int(v) for v in (width, height) if v.isascii() and v.isdigit() and len(v) <= 6]
    if len(sides) != 2 or not all(0 < v <= _MAX_SIDE for v in sides):
        raise BadRequest(
            f"size must be WIDTHxHEIGHT (e.g. 1024x1024) or auto, not {size[:64]!r}", param="size"
        )
    w, h = sides
    g = math.gcd(w, h)
    ratio = f"{w // g}:{h // g}"
    if ratio not in _RATIOS:
        raise BadRequest(
            f"size {size} is {ratio}: the simulator makes {', '.join(r for r in _RATIOS if r != 'auto')}",
            param="size",
        )
    return ratio


def _request(body: dict[str, Any]) -> image_pb2.GenerateImageRequest:
    known_only(body, _FIELDS)
    query = image_pb2.GenerateImageRequest(prompt=text(body, "prompt"), model=text(body, "model"))
    n = optional_int(body, "n", 1, _MAX_N)
    if n is not None:
        query.n = n
    query.format = _FORMATS[choice(body, "response_format", tuple(_FORMATS), "url")]
    if "size" in body and "aspect_ratio" in body:
        raise BadRequest("send size or aspect_ratio, not both", param="size")
    if "size" in body:
        query.aspect_ratio = _RATIOS[_ratio_of_size(text(body, "size"))]
    elif "aspect_ratio" in body:
        query.aspect_ratio = _RATIOS[choice(body, "aspect_ratio", tuple(_RATIOS), "auto")]
    if "resolution" in body:
        query.resolution = _RESOLUTIONS[choice(body, "resolution", tuple(_RESOLUTIONS), "1k")]
    if "quality" in body:
        query.quality = _QUALITIES[choice(body, "quality", tuple(_QUALITIES), "medium")]
    query.user = text(body, "user", required=False, empty=True)
    return query


def images_json(reply: image_pb2.ImageResponse) -> dict[str, Any]:
    """OpenAI's images answer of an ``ImageResponse``."""
    data = []
    for image in reply.images:
        if image.url:
            data.append({"url": image.url, "revised_prompt": ""})
        else:
            data.append({"b64_json": image.base64.partition(",")[2], "revised_prompt": ""})
    return {"created": int(time.time()), "data": data}


def add_routes(router: web.UrlDispatcher, deps: RestDeps) -> None:
    """Mount this module's endpoints on ``router``."""
    from aiohttp import web

    async def generate(request: web.Request) -> web.Response:
        ctx: Any = HttpContext(request)  # what the gRPC handler reads of its context
        deps.admit(ctx)  # a wrong key is a 401 before any complaint about the body
        query = _request(await json_body(request))
        return web.json_response(images_json(await deps.small.generate_image(query, ctx)))

    router.add_post("/v1/images/generations", generate)
