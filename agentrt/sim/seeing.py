"""What the simulated model says it was shown: a picture's format and size, from its bytes.

A ``data:`` URL is decoded and its header read (format, dimensions, size); an
``http(s)://`` URL is not fetched, and the model says so; an uploaded picture is
named by its id. Bytes that are no picture, or a URL of another scheme, are
INVALID_ARGUMENT, as the real API refuses them.
"""

from __future__ import annotations

import base64
import binascii

import grpc
from agentrt_protos.xai.api.v1 import image_pb2

from agentrt.sim.status import SimStatus
from agentrt.xai.image_sniff import describe_bytes, describe_image, sniff_image

__all__ = ["see_image"]


def _invalid(details: str) -> SimStatus:
    return SimStatus(grpc.StatusCode.INVALID_ARGUMENT, details)


def see_image(part: image_pb2.ImageUrlContent, index: int) -> str:
    """How the model describes the picture of ``part`` (in message ``index``).

    Raises:
        SimStatus: INVALID_ARGUMENT for bytes that are no picture, or a bad URL.
    """
    if part.file_id:
        return f"the uploaded image {part.file_id}"
    url = part.image_url
    if url.startswith("data:"):
        head, sep, payload = url.partition(",")
        if not sep or ";base64" not in head:
            raise _invalid(f"messages[{index}]: an image data: URL must be base64")
        try:
            data = base64.b64decode(payload, validate=True)
        except (binascii.Error, ValueError):
            raise _invalid(
                f"messages[{index}]: the image's data: URL is not valid base64"
            ) from None
        info = sniff_image(data)
        if info is None:
            raise _invalid(
                f"messages[{index}]: the image is not a picture (it is {describe_bytes(data)})"
            )
        return describe_image(info, len(data))
    if url.startswith(("https://", "http://")):
        return f"an image at {url[:200]} (the simulator does not fetch URLs)"
    raise _invalid(f"messages[{index}]: an image_url must be an http(s):// or data: URL")
