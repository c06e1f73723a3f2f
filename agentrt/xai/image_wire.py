"""Image requests and results between agentrt's values and protobuf (checked locally first)."""

from __future__ import annotations

from typing import Any

from agentrt_protos.xai.api.v1 import image_pb2
from google.protobuf import timestamp_pb2

from agentrt.errors import UsageError
from agentrt.xai.chat_proto import usage_from_proto
from agentrt.xai.file_wire import check_choice
from agentrt.xai.image_types import ASPECT_RATIOS, ImageRequest, ImageStorage, StoredImage
from agentrt.xai.service_types import GeneratedImage, ImageResult

__all__ = ["MAX_IMAGES", "image_request_to_proto", "image_result_from_proto"]

MAX_IMAGES = 10  # the API's bound on n
_FORMATS = {"url": image_pb2.IMG_FORMAT_URL, "base64": image_pb2.IMG_FORMAT_BASE64}
_QUALITY = {
    "low": image_pb2.IMG_QUALITY_LOW,
    "medium": image_pb2.IMG_QUALITY_MEDIUM,
    "high": image_pb2.IMG_QUALITY_HIGH,
}
_RESOLUTION = {"1k": image_pb2.IMG_RESOLUTION_1K, "2k": image_pb2.IMG_RESOLUTION_2K}


def _ratio(value: str) -> Any:
    check_choice("aspect_ratio", value, ASPECT_RATIOS)
    name = "AUTO" if value == "auto" else value.replace(":", "_").replace(".", "_")
    return image_pb2.ImageAspectRatio.Value(f"IMG_ASPECT_RATIO_{name}")


def _storage(s: ImageStorage) -> image_pb2.StorageOptions:
    if not s.filename:
        raise UsageError("ImageStorage.filename is required")
    for what, value in (
        ("expires_after", s.expires_after),
        ("public_url_expires_after", s.public_url_expires_after),
    ):
        if value is not None and value <= 0:
            raise UsageError(f"ImageStorage.{what} must be a positive number of seconds: {value}")
    out = image_pb2.StorageOptions(filename=s.filename, expires_after=s.expires_after or 0)
    if s.public_url or s.public_url_expires_after is not None:
        out.public_url.expires_after = s.public_url_expires_after or 0
    return out


def _inputs(req: ImageRequest) -> list[image_pb2.ImageUrlContent]:
    for url in req.image_urls:
        if not url.startswith(("http://", "https://", "data:")):
            raise UsageError(f"image_urls must be http(s) or data: URLs, got {url[:40]!r}")
    auto = image_pb2.DETAIL_AUTO
    files = [image_pb2.ImageUrlContent(file_id=f, detail=auto) for f in req.image_file_ids]
    return files + [image_pb2.ImageUrlContent(image_url=u, detail=auto) for u in req.image_urls]


def image_request_to_proto(req: ImageRequest) -> image_pb2.GenerateImageRequest:
    """The ``GenerateImageRequest`` for ``req``.

    Raises:
        UsageError: an option out of its range (nothing is sent).
    """
    if not req.prompt:
        raise UsageError("the image prompt is empty")
    if req.n is not None and not 1 <= req.n <= MAX_IMAGES:
        raise UsageError(f"n must be 1 to {MAX_IMAGES}, got {req.n}")
    fmt = _FORMATS[check_choice("image_format", req.image_format, _FORMATS)]
    out = image_pb2.GenerateImageRequest(
        prompt=req.prompt, model=req.model, n=req.n, user=req.user, format=fmt
    )
    if req.quality is not None:
        out.quality = _QUALITY[check_choice("quality", req.quality, _QUALITY)]
    if req.resolution is not None:
        out.resolution = _RESOLUTION[check_choice("resolution", req.resolution, _RESOLUTION)]
    if req.aspect_ratio is not None:
        out.aspect_ratio = _ratio(req.aspect_ratio)
    out.images.extend(_inputs(req))
    if req.storage is not None:
        out.storage_options.CopyFrom(_storage(req.storage))
    return out


def _seconds(message: image_pb2.FileOutput, name: str) -> float | None:
    if not message.HasField(name):
        return None
    stamp: timestamp_pb2.Timestamp = getattr(message, name)
    return float(stamp.seconds) + stamp.nanos / 1e9


def _image(i: image_pb2.GeneratedImage) -> GeneratedImage:
    stored = None
    if i.HasField("file_output"):
        f = i.file_output
        stored = StoredImage(
            file_id=f.file_id,
            filename=f.filename,
            public_url=f.public_url,
            public_url_error=f.public_url_error,
            expires_at=_seconds(f, "expires_at"),
            public_url_expires_at=_seconds(f, "public_url_expires_at"),
        )
    return GeneratedImage(
        url=i.url,
        base64=i.base64,
        respect_moderation=i.respect_moderation,
        file=stored,
        storage_error=i.storage_error,
    )


def image_result_from_proto(resp: image_pb2.ImageResponse) -> ImageResult:
    """The value form of an ``ImageResponse`` (usage and cost included)."""
    return ImageResult(
        images=tuple(_image(i) for i in resp.images),
        model=resp.model,
        usage=usage_from_proto(resp.usage),
    )
