"""An image generation request as one typed value: every ``GenerateImageRequest`` field.

::

    req = ImageRequest(prompt="a red fox", model="grok-2-image", aspect_ratio="16:9",
                       resolution="2k", image_urls=("https://.../photo.png",),   # an edit
                       storage=ImageStorage(filename="fox.png", public_url=True))
    result = await client.images.generate_request(req)      # or client.images.generate(...)
    print(result.images[0].file.public_url, f"${result.cost_usd:.2f}")

``client.batch`` takes the same value for an image request of a batch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

__all__ = [
    "ASPECT_RATIOS",
    "AspectRatio",
    "ImageQuality",
    "ImageRequest",
    "ImageResolution",
    "ImageStorage",
    "StoredImage",
]

AspectRatio = Literal[
    "1:1", "3:4", "4:3", "9:16", "16:9", "2:3", "3:2", "auto",
    "9:19.5", "19.5:9", "9:20", "20:9", "1:2", "2:1",
]  # fmt: skip
ASPECT_RATIOS: tuple[str, ...] = get_args(AspectRatio)
ImageResolution = Literal["1k", "2k"]
ImageQuality = Literal["low", "medium", "high"]


@dataclass(frozen=True, kw_only=True, slots=True)
class ImageStorage:
    """Keep the generated images in the Files API (``storage_options``).

    Attributes:
        filename: the stored file's name (required; the n-th image of a request
            may be renamed by the server to keep names distinct).
        expires_after: seconds until the stored file is deleted (None: never).
        public_url: also make a public URL for the file.
        public_url_expires_after: seconds until that URL stops working (None:
            with the file).
    """

    filename: str
    expires_after: int | None = None
    public_url: bool = False
    public_url_expires_after: int | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class ImageRequest:
    """One image generation (or edit) request.

    Attributes:
        prompt: what to draw (or how to edit).
        model: an image model name or alias.
        n: how many images (the server's default, 1, when None).
        image_format: ``"url"`` (served by the API) or ``"base64"`` (a data URL).
        user: an end-user id, for abuse monitoring.
        quality: ``"low"``, ``"medium"`` or ``"high"``.
        aspect_ratio: e.g. ``"16:9"`` (see :data:`ASPECT_RATIOS`).
        resolution: ``"1k"`` or ``"2k"``.
        image_urls: images to edit, as http(s) or ``data:`` URLs.
        image_file_ids: images to edit, as uploaded file ids (sent before the URLs).
        storage: keep the results in the Files API.
    """

    prompt: str
    model: str
    n: int | None = None
    image_format: Literal["url", "base64"] = "url"
    user: str = ""
    quality: ImageQuality | None = None
    aspect_ratio: AspectRatio | None = None
    resolution: ImageResolution | None = None
    image_urls: tuple[str, ...] = ()
    image_file_ids: tuple[str, ...] = ()
    storage: ImageStorage | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class StoredImage:
    """Where a generated image was kept in the Files API (``storage`` asked for it)."""

    file_id: str
    filename: str = ""
    public_url: str = ""
    public_url_error: str = ""
    expires_at: float | None = None  # seconds since the epoch
    public_url_expires_at: float | None = None
