"""What a ``GenerateImageRequest`` asks beyond its prompt: size, images to edit, storage.

The simulator's images are small stand-ins: a ``1k`` image is 16 pixels on its long
side and a ``2k`` one 32 (for xAI's 1024 and 2048), the short side following the
aspect ratio (``auto``: square). An edit starts from the average colour of its
first input image: one uploaded (a file id), a ``data:`` URL, or one of the
simulator's own image URLs (any other URL is not fetched: its colour comes from
its text). Bad options end in INVALID_ARGUMENT, an unknown file in NOT_FOUND.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable

import grpc
from agentrt_protos.xai.api.v1 import image_pb2

from agentrt.sim.images import Colour, average_colour
from agentrt.sim.status import SimStatus

__all__ = ["edit_colour", "image_size", "validate_options"]

_P = image_pb2
_RATIOS: dict[int, tuple[float, float]] = {
    _P.IMG_ASPECT_RATIO_1_1: (1, 1),
    _P.IMG_ASPECT_RATIO_3_4: (3, 4),
    _P.IMG_ASPECT_RATIO_4_3: (4, 3),
    _P.IMG_ASPECT_RATIO_9_16: (9, 16),
    _P.IMG_ASPECT_RATIO_16_9: (16, 9),
    _P.IMG_ASPECT_RATIO_2_3: (2, 3),
    _P.IMG_ASPECT_RATIO_3_2: (3, 2),
    _P.IMG_ASPECT_RATIO_AUTO: (1, 1),
    _P.IMG_ASPECT_RATIO_9_19_5: (9, 19.5),
    _P.IMG_ASPECT_RATIO_19_5_9: (19.5, 9),
    _P.IMG_ASPECT_RATIO_9_20: (9, 20),
    _P.IMG_ASPECT_RATIO_20_9: (20, 9),
    _P.IMG_ASPECT_RATIO_1_2: (1, 2),
    _P.IMG_ASPECT_RATIO_2_1: (2, 1),
}
_LONG_SIDE = {_P.IMG_RESOLUTION_1K: 16, _P.IMG_RESOLUTION_2K: 32}
_QUALITIES = {_P.IMG_QUALITY_LOW, _P.IMG_QUALITY_MEDIUM, _P.IMG_QUALITY_HIGH}
_MAX_INPUTS = 16
ReadFile = Callable[[str], bytes]


def _invalid(details: str) -> SimStatus:
    return SimStatus(grpc.StatusCode.INVALID_ARGUMENT, details)


def validate_options(request: image_pb2.GenerateImageRequest) -> None:
    """Refuse options out of their enums, both ``image`` and ``images``, a nameless storage."""
    if request.HasField("aspect_ratio") and request.aspect_ratio not in _RATIOS:
        raise _invalid(f"aspect_ratio {request.aspect_ratio} is not an ImageAspectRatio")
    if request.HasField("resolution") and request.resolution not in _LONG_SIDE:
        raise _invalid(f"resolution {request.resolution} is not IMG_RESOLUTION_1K or _2K")
    if request.HasField("quality") and request.quality not in _QUALITIES:
        raise _invalid(f"quality {request.quality} is not IMG_QUALITY_LOW, _MEDIUM or _HIGH")
    if request.HasField("image") and request.images:
        raise _invalid("set image or images, not both")
    if len(request.images) > _MAX_INPUTS:
        raise _invalid(f"at most {_MAX_INPUTS} input images, got {len(request.images)}")
    if request.HasField("storage_options"):
        storage = request.storage_options
        if not storage.filename:
            raise _invalid("storage_options.filename is required")
        if storage.expires_after < 0 or storage.public_url.expires_after < 0:
            raise _invalid("storage_options: expires_after must not be negative")


def image_size(request: image_pb2.GenerateImageRequest) -> tuple[int, int]:
    """(width, height) of the images ``request`` asks for."""
    long_side = _LONG_SIDE.get(request.resolution, 16) if request.HasField("resolution") else 16
    rw, rh = _RATIOS.get(request.aspect_ratio, (1, 1))
    if rw >= rh:
        return long_side, max(1, round(long_side * rh / rw))
    return max(1, round(long_side * rw / rh)), long_side


def _input_bytes(
    image: image_pb2.ImageUrlContent, read_file: ReadFile, hosted: Callable[[str], bytes | None]
) -> bytes:
    if image.file_id:
        return read_file(image.file_id)
    url = image.image_url
    if url.startswith("data:"):
        head, _, data = url.partition(",")
        if not head.endswith(";base64"):
            raise _invalid("an input image data URL must be base64 (data:image/png;base64,...)")
        try:
            return base64.b64decode(data, validate=True)
        except binascii.Error:
            raise _invalid("an input image data URL is not valid base64") from None
    if not url.startswith(("http://", "https://")):
        raise _invalid("an input image needs a file_id, an http(s) URL or a data: URL")
    return hosted(url) or url.encode()


def edit_colour(
    request: image_pb2.GenerateImageRequest,
    read_file: ReadFile,
    hosted: Callable[[str], bytes | None],
) -> Colour | None:
    """The colour an edit starts from (its first input image's average); None: no edit."""
    inputs = [request.image] if request.HasField("image") else list(request.images)
    colours = [average_colour(_input_bytes(i, read_file, hosted)) for i in inputs]
    return colours[0] if colours else None
