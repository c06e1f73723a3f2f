"""Plain values of the Video service (``client.video``): no protobuf in them.

``VideoJob`` is a started job, ``VideoStatus`` what polling it says, ``VideoResult``
a finished video; ``Keyframe`` pins an image at a moment of the video. ``AspectRatio``,
``Resolution`` and ``VideoState`` name the values the service knows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "ASPECT_RATIOS",
    "RESOLUTIONS",
    "AspectRatio",
    "Keyframe",
    "Resolution",
    "VideoJob",
    "VideoProgress",
    "VideoResult",
    "VideoState",
    "VideoStatus",
]

AspectRatio = Literal["1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3"]
Resolution = Literal["480p", "720p", "1080p"]
VideoState = Literal["pending", "done", "failed", "expired"]
ASPECT_RATIOS: tuple[AspectRatio, ...] = ("1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3")
RESOLUTIONS: tuple[Resolution, ...] = ("480p", "720p", "1080p")


@dataclass(frozen=True, kw_only=True, slots=True)
class Keyframe:
    """An image pinned at ``timestamp`` seconds into the video: by URL or uploaded file id."""

    timestamp: float
    image_url: str | None = None
    image_file_id: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class VideoJob:
    """A started video job; poll it with ``client.video.get`` / ``wait`` by its ``id``."""

    id: str


@dataclass(frozen=True, kw_only=True, slots=True)
class VideoStatus:
    """What the service says of a job now.

    Attributes:
        id: the job's id.
        state: ``"pending"``, ``"done"``, ``"failed"`` or ``"expired"``.
        progress: percent done (0-100) as the service reports it.
        model: the model making it ("" when the service did not say).
        url: the video's URL once done ("" before).
        duration: the video's length in seconds once done (0 before).
        cost_usd: what the job cost, once the service reports it.
        error_code: the service's error code of a failed job ("" otherwise).
        error_message: its message ("" otherwise).
    """

    id: str
    state: VideoState
    progress: int = 0
    model: str = ""
    url: str = ""
    duration: int = 0
    cost_usd: float | None = None
    error_code: str = ""
    error_message: str = ""


@dataclass(frozen=True, kw_only=True, slots=True)
class VideoResult:
    """A finished video: where it is (the URL is valid for a limited time) and its length."""

    id: str
    url: str
    duration: int
    model: str = ""
    cost_usd: float | None = None


VideoProgress = Callable[[VideoStatus], None]
"""Called on the event loop with each status :meth:`~agentrt.xai.video.Videos.wait` polls."""
