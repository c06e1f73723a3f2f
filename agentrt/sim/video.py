"""The simulator's Video service: ``GenerateVideo``, ``ExtendVideo``, ``GetDeferredVideo``.

Requests are checked at once (INVALID_ARGUMENT names the field and what it allows;
an unknown model is NOT_FOUND like everywhere in the simulator), then become deferred
jobs (:mod:`agentrt.sim.video_jobs`) whose small, real MP4 is drawn from the prompt
(:mod:`agentrt.sim.video_render`). A first frame, last frame or keyframe pinned by an
image takes the image's colour: a PNG the simulator served (its ``/images/`` URLs),
an uploaded file (``file_id``), a ``data:`` URL, or, for any other URL, a hash of it.
``ExtendVideo`` continues a video the simulator generated (its ``/videos/`` URL); the
result is the whole video, the input followed by the extension.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import grpc
from agentrt_protos.xai.api.v1 import deferred_pb2, image_pb2, usage_pb2, video_pb2

from agentrt.sim.status import SimStatus
from agentrt.sim.video_jobs import Job, VideoJobs
from agentrt.sim.video_render import (
    FPS,
    INSTALL_HINT,
    Colour,
    Segment,
    VideoSpec,
    colour_of_image,
    data_url_bytes,
    frame_size,
    missing_encoder,
)

__all__ = ["VIDEO_MODELS", "VideoService"]

VIDEO_MODELS = ("grok-imagine-video", "grok-imagine-video-1.5")
_PINNING_MODEL = "grok-imagine-video-1.5"  # last frame and keyframes (as xAI documents)
_GENERATE_SECONDS, _EXTEND_SECONDS, _INPUT_SECONDS = (1, 15), (1, 10), (2, 30)
_DEFAULT_SECONDS = 6
_MAX_PROMPT_CHARS = 4_096
_MAX_KEYFRAMES, _MAX_REFERENCES, _MAX_AUDIOS = 4, 7, 3
_USD_TICKS_PER_SECOND = 500_000_000  # $0.05 a second of video (1 tick = 1e-10 USD)
_ASPECTS = {
    video_pb2.VIDEO_ASPECT_RATIO_UNSPECIFIED: "16:9",
    video_pb2.VIDEO_ASPECT_RATIO_1_1: "1:1",
    video_pb2.VIDEO_ASPECT_RATIO_16_9: "16:9",
    video_pb2.VIDEO_ASPECT_RATIO_9_16: "9:16",
    video_pb2.VIDEO_ASPECT_RATIO_4_3: "4:3",
    video_pb2.VIDEO_ASPECT_RATIO_3_4: "3:4",
    video_pb2.VIDEO_ASPECT_RATIO_3_2: "3:2",
    video_pb2.VIDEO_ASPECT_RATIO_2_3: "2:3",
}
_RESOLUTIONS = {
    video_pb2.VIDEO_RESOLUTION_UNSPECIFIED: "480p",
    video_pb2.VIDEO_RESOLUTION_480P: "480p",
    video_pb2.VIDEO_RESOLUTION_720P: "720p",
    video_pb2.VIDEO_RESOLUTION_1080P: "1080p",
}
_STATES = {
    "pending": deferred_pb2.PENDING,
    "done": deferred_pb2.DONE,
    "failed": deferred_pb2.FAILED,
    "expired": deferred_pb2.EXPIRED,
}


def _invalid(message: str) -> SimStatus:
    return SimStatus(grpc.StatusCode.INVALID_ARGUMENT, message)


@dataclass(frozen=True, kw_only=True)
class ImageSources:
    """How the service reads an image: a URL it served, an uploaded file's bytes."""

    served_image: Callable[[str], bytes | None]
    file_bytes: Callable[[str], bytes]  # NOT_FOUND (SimStatus) for an unknown file


class VideoService:
    """The three Video methods over a job store."""

    def __init__(self, jobs: VideoJobs, images: ImageSources, video_key: Callable[[str], str]):
        self.jobs = jobs
        self.images = images
        self.video_key = video_key  # the job id a /videos/ URL names ("" for other URLs)

    async def generate_video(self, request: video_pb2.GenerateVideoRequest, fail: bool) -> Any:
        """``GenerateVideo``: check the request, start the job, return its request id."""
        model = _model(request.model)
        seconds = _seconds(request, _GENERATE_SECONDS, "duration")
        width, height = _size(request)
        if request.HasField("video"):  # editing: the input's size and length, redrawn
            edited = self._input_video(request.video)
            width, height, seconds = edited.width, edited.height, edited.seconds
        pinned: dict[int, Colour] = {}
        if request.HasField("image"):
            pinned[0] = self._colour(request.image, "image")
        if request.HasField("last_frame") or request.keyframes:
            if model != _PINNING_MODEL:
                raise _invalid(f"last_frame and keyframes need model {_PINNING_MODEL!r}")
            if request.HasField("last_frame"):
                pinned[seconds * FPS - 1] = self._colour(request.last_frame, "last_frame")
            pinned.update(self._keyframes(request, seconds))
        _check_references(request)
        prompt = _prompt(request.prompt, optional=bool(pinned))
        spec = VideoSpec(width, height, (Segment(prompt, seconds, pinned),))
        return self._start(model, spec, fail)

    async def extend_video(self, request: video_pb2.ExtendVideoRequest, fail: bool) -> Any:
        """``ExtendVideo``: the input video, then ``duration`` more seconds from the prompt."""
        model = _model(request.model)
        seconds = _seconds(request, _EXTEND_SECONDS, "duration")
        if not request.HasField("video"):
            raise _invalid("video is required: the URL (or file id) of the video to extend")
        source = self._input_video(request.video)
        low, high = _INPUT_SECONDS
        if not low <= source.seconds <= high:
            raise _invalid(
                f"the input video is {source.seconds} s long; it must be {low} to {high} s"
            )
        prompt = _prompt(request.prompt, optional=False)
        spec = VideoSpec(source.width, source.height, (*source.segments, Segment(prompt, seconds)))
        return self._start(model, spec, fail)

    async def get_deferred_video(self, request: video_pb2.GetDeferredVideoRequest) -> Any:
        """``GetDeferredVideo``: the job's state; its video once DONE, its error once FAILED."""
        job = self.jobs.job(request.request_id)
        state, progress = self.jobs.state(job)
        reply = video_pb2.GetDeferredVideoResponse(status=_STATES[state])
        if state == "done":
            reply.response.CopyFrom(_done(job))
        elif state == "failed" and job.failure is not None:
            code, message = job.failure
            reply.response.model = job.model
            reply.response.error.CopyFrom(video_pb2.VideoError(code=code, message=message))
        elif state == "pending":
            reply.response.model, reply.response.progress = job.model, progress
        return reply

    def _start(self, model: str, spec: VideoSpec, fail: bool) -> Any:
        if missing_encoder():
            raise SimStatus(
                grpc.StatusCode.FAILED_PRECONDITION,
                f"the simulator makes videos with PyAV, which is not installed: {INSTALL_HINT}",
            )
        failure = ("internal_error", "simulated fault: video generation failed") if fail else None
        job = self.jobs.start(model, spec, failure)
        return deferred_pb2.StartDeferredResponse(request_id=job.id)

    def _colour(self, content: image_pb2.ImageUrlContent, field: str) -> Colour:
        if content.file_id:
            return colour_of_image(self.images.file_bytes(content.file_id))
        url = content.image_url
        if not url:
            raise _invalid(f"{field}: give an image_url or a file_id")
        data = self.images.served_image(url) or data_url_bytes(url)
        return colour_of_image(url.encode() if data is None else data)

    def _keyframes(
        self, request: video_pb2.GenerateVideoRequest, seconds: int
    ) -> dict[int, Colour]:
        if len(request.keyframes) > _MAX_KEYFRAMES:
            raise _invalid(f"at most {_MAX_KEYFRAMES} keyframes, got {len(request.keyframes)}")
        pinned = {}
        for i, frame in enumerate(request.keyframes):
            if not 0 <= frame.timestamp_s <= seconds:
                raise _invalid(
                    f"keyframes[{i}].timestamp_s={frame.timestamp_s:g} is outside the video "
                    f"(0 to {seconds} s)"
                )
            index = min(round(frame.timestamp_s * FPS), seconds * FPS - 1)
            pinned[index] = self._colour(frame.image, f"keyframes[{i}].image")
        return pinned

    def _input_video(self, video: video_pb2.VideoUrlContent) -> VideoSpec:
        """The spec of a video this simulator generated, named by its URL."""
        if video.file_id:
            raise _invalid("video.file_id: the simulator extends and edits only its own video URLs")
        key = self.video_key(video.url)
        job = self.jobs.find(key)
        if job is None or self.jobs.state(job)[0] != "done":  # unknown, pending or expired
            raise _invalid(
                f"video.url {video.url[:200]!r} is not a finished video of this simulator"
            )
        return job.spec


def _model(name: str) -> str:
    if name not in VIDEO_MODELS:
        raise SimStatus(grpc.StatusCode.NOT_FOUND, f"video model {name[:100]!r} not found")
    return name


def _seconds(request: Any, bounds: tuple[int, int], name: str) -> int:
    if not request.HasField("duration"):
        return _DEFAULT_SECONDS
    low, high = bounds
    if not low <= request.duration <= high:
        raise _invalid(f"{name}={request.duration} is out of range: {low} to {high} seconds")
    return int(request.duration)


def _size(request: video_pb2.GenerateVideoRequest) -> tuple[int, int]:
    aspect = _ASPECTS.get(request.aspect_ratio)
    if aspect is None:
        raise _invalid(f"aspect_ratio={request.aspect_ratio} is not a VideoAspectRatio")
    resolution = _RESOLUTIONS.get(request.resolution)
    if resolution is None:
        raise _invalid(f"resolution={request.resolution} is not a VideoResolution")
    return frame_size(aspect, resolution)


def _prompt(text: str, *, optional: bool) -> str:
    if not text.strip() and not optional:
        raise _invalid(
            "prompt is empty: describe the video (it may be empty only when a frame is pinned)"
        )
    if len(text) > _MAX_PROMPT_CHARS:
        raise _invalid(f"prompt is {len(text):,} characters; at most {_MAX_PROMPT_CHARS:,}")
    return text


def _check_references(request: video_pb2.GenerateVideoRequest) -> None:
    if len(request.reference_images) > _MAX_REFERENCES:
        raise _invalid(f"at most {_MAX_REFERENCES} reference_images")
    if len(request.reference_audios) > _MAX_AUDIOS:
        raise _invalid(f"at most {_MAX_AUDIOS} reference_audios")


def _done(job: Job) -> video_pb2.VideoResponse:
    seconds = job.spec.seconds
    return video_pb2.VideoResponse(
        video=video_pb2.GeneratedVideo(url=job.url, duration=seconds, respect_moderation=True),
        model=job.model,
        usage=usage_pb2.SamplingUsage(cost_in_usd_ticks=seconds * _USD_TICKS_PER_SECOND),
        progress=100,
    )
