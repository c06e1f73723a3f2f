"""Image requests and results between agentrt's values and protobuf (checked locally first).

This branch's subset: prompt, model, n, format and user are sent; the other options of
:class:`~agentrt.xai.image_types.ImageRequest` are refused rather than dropped.
"""

from __future__ import annotations

from typing import Any

from agentrt_protos.xai.api.v1 import image_pb2

from agentrt.errors import UsageError
from agentrt.xai.file_wire import check_choice
from agentrt.xai.image_types import ImageRequest
from agentrt.xai.service_types import GeneratedImage, ImageResult

__all__ = ["MAX_IMAGES", "image_request_to_proto", "image_result_from_proto"]

MAX_IMAGES = 10  # the API's bound on n
_FORMATS = {"url": image_pb2.IMG_FORMAT_URL, "base64": image_pb2.IMG_FORMAT_BASE64}
_OPTIONS = ("quality", "aspect_ratio", "resolution", "image_urls", "image_file_ids", "storage")


def image_request_to_proto(req: ImageRequest) -> image_pb2.GenerateImageRequest:
    """The ``GenerateImageRequest`` for ``req``.

    Raises:
        UsageError: an option out of its range, or one not sent yet (nothing is sent).
    """
    if not req.prompt:
        raise UsageError("the image prompt is empty")
    if req.n is not None and not 1 <= req.n <= MAX_IMAGES:
        raise UsageError(f"n must be 1 to {MAX_IMAGES}, got {req.n}")
    extra = [name for name in _OPTIONS if getattr(req, name)]
    if extra:
        raise UsageError(f"this image request cannot set {', '.join(extra)} yet")
    fmt = _FORMATS[check_choice("image_format", req.image_format, _FORMATS)]
    return image_pb2.GenerateImageRequest(
        prompt=req.prompt, model=req.model, n=req.n, user=req.user, format=fmt
    )


def image_result_from_proto(resp: Any) -> ImageResult:
    """The value form of an ``ImageResponse``."""
    images = tuple(
        GeneratedImage(url=i.url, base64=i.base64, respect_moderation=i.respect_moderation)
        for i in resp.images
    )
    return ImageResult(images=images, model=resp.model)
