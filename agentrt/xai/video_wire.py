"""The Video service's wire: requests built from plain arguments, replies to plain values.

Every local check happens here, before any call: a bad argument is a one-line
:class:`~agentrt.errors.UsageError` saying what to fix.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from agentrt_protos.xai.api.v1 import deferred_pb2, image_pb2, video_pb2

from agentrt.errors import UsageError
from agentrt.xai.chat_response import USD_PER_TICK
from agentrt.xai.video_types import (
    ASPECT_RATIOS,
    RESOLUTIONS,
    Keyframe,
    VideoState,
    VideoStatus,
)

__all__ = ["extend_request", "generate_request", "status_from"]

_ASPECTS: dict[str, int] = dict(
    zip(ASPECT_RATIOS, (1, 2, 3, 4, 5, 6, 7), strict=True)
)  # the proto's numbers
_RESOLUTIONS: dict[str, int] = dict(zip(RESOLUTIONS, (1, 2, 3), strict=True))
_STATES: dict[int, VideoState] = {
    deferred_pb2.PENDING: "pending",
    deferred_pb2.DONE: "done",
    deferred_pb2.FAILED: "failed",
    deferred_pb2.EXPIRED: "expired",
}


def _text(value: object, name: str, *, empty: bool = False) -> str:
    if not isinstance(value, str) or (not empty and not value.strip()):
        raise UsageError(f"{name} must be a non-empty string, got {value!r:.60}")
    return value


def _duration(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise UsageError(f"duration must be a whole number of seconds >= 1, got {value!r:.40}")
    return value


def _one_of(url: str | None, file_id: str | None, name: str) -> image_pb2.ImageUrlContent | None:
    """The image given by URL or file id (not both), None when neither."""
    if url is not None and file_id is not None:
        raise UsageError(f"give {name}_url or {name}_file_id, not both")
    if url is not None:
        return image_pb2.ImageUrlContent(image_url=_text(url, f"{name}_url"))
    if file_id is not None:
        return image_pb2.ImageUrlContent(file_id=_text(file_id, f"{name}_file_id"))
    return None


def _choice(value: str | None, known: dict[str, int], name: str) -> int | None:
    if value is None:
        return None
    if value not in known:
        raise UsageError(f"{name} {value!r:.40} is not one of {', '.join(known)}")
    return known[value]


def _video(url: str | None, file_id: str | None) -> video_pb2.VideoUrlContent | None:
    if url is not None and file_id is not None:
        raise UsageError("give video_url or video_file_id, not both")
    if url is not None:
        return video_pb2.VideoUrlContent(url=_text(url, "video_url"))
    if file_id is not None:
        return video_pb2.VideoUrlContent(file_id=_text(file_id, "video_file_id"))
    return None


def generate_request(
    prompt: str, model: str, options: dict[str, Any]
) -> video_pb2.GenerateVideoRequest:
    """A ``GenerateVideoRequest`` of ``client.video.generate``'s arguments, checked."""
    req = video_pb2.GenerateVideoRequest(
        prompt=_text(prompt, "prompt", empty=True), model=_text(model, "model")
    )
    duration = _duration(options["duration"])
    if duration is not None:
        req.duration = duration
    aspect = _choice(options["aspect_ratio"], _ASPECTS, "aspect_ratio")
    if aspect is not None:
        req.aspect_ratio = aspect  # type: ignore[assignment] # the enum's number
    resolution = _choice(options["resolution"], _RESOLUTIONS, "resolution")
    if resolution is not None:
        req.resolution = resolution  # type: ignore[assignment]
    first = _one_of(options["image_url"], options["image_file_id"], "image")
    if first is not None:
        req.image.CopyFrom(first)
    last = _one_of(options["last_frame_url"], options["last_frame_file_id"], "last_frame")
    if last is not None:
        req.last_frame.CopyFrom(last)
    req.keyframes.extend(_keyframes(options["keyframes"]))
    video = _video(options["video_url"], options["video_file_id"])
    if video is not None:
        req.video.CopyFrom(video)
    for url in options["reference_image_urls"]:
        req.reference_images.add(image_url=_text(url, "reference_image_urls[]"))
    for file_id in options["reference_image_file_ids"]:
        req.reference_images.add(file_id=_text(file_id, "reference_image_file_ids[]"))
    for voice in options["reference_voices"]:
        req.reference_audios.add(voice_id=_text(voice, "reference_voices[]"))
    if options["generate_audio"] is not None:
        req.generate_audio = bool(options["generate_audio"])
    if not prompt.strip() and first is None and last is None and not req.keyframes:
        raise UsageError("prompt is empty: describe the video (or pin a frame with an image)")
    return req


def _keyframes(keyframes: Sequence[Keyframe]) -> list[video_pb2.VideoKeyframe]:
    out = []
    for i, k in enumerate(keyframes):
        if not isinstance(k, Keyframe):
            raise UsageError(f"keyframes[{i}] must be a Keyframe, got {type(k).__name__}")
        if not k.timestamp >= 0:
            raise UsageError(f"keyframes[{i}].timestamp must be >= 0 seconds, got {k.timestamp}")
        image = _one_of(k.image_url, k.image_file_id, f"keyframes[{i}].image")
        if image is None:
            raise UsageError(f"keyframes[{i}] needs an image_url or an image_file_id")
        out.append(video_pb2.VideoKeyframe(image=image, timestamp_s=k.timestamp))
    return out


def extend_request(
    prompt: str,
    model: str,
    *,
    video_url: str | None,
    video_file_id: str | None,
    duration: int | None,
) -> video_pb2.ExtendVideoRequest:
    """An ``ExtendVideoRequest``, checked: exactly one of ``video_url`` / ``video_file_id``."""
    video = _video(video_url, video_file_id)
    if video is None:
        raise UsageError("give video_url or video_file_id: the video to extend")
    req = video_pb2.ExtendVideoRequest(
        prompt=_text(prompt, "prompt"), model=_text(model, "model"), video=video
    )
    seconds = _duration(duration)
    if seconds is not None:
        req.duration = seconds
    return req


def status_from(job_id: str, reply: video_pb2.GetDeferredVideoResponse) -> VideoStatus:
    """The plain status of a ``GetDeferredVideoResponse``."""
    state = _STATES.get(reply.status)
    if state is None:  # a status this client does not know: keep polling
        state = "pending"
    r = reply.response
    usage = r.usage
    cost = usage.cost_in_usd_ticks * USD_PER_TICK if usage.HasField("cost_in_usd_ticks") else None
    return VideoStatus(
        id=job_id,
        state=state,
        progress=100 if state == "done" else r.progress,
        model=r.model,
        url=r.video.url,
        duration=r.video.duration,
        cost_usd=cost,
        error_code=r.error.code,
        error_message=r.error.message,
    )
