"""The Video service (``client.video``): generate and extend videos, poll the jobs, download.

Video generation is deferred: :meth:`Videos.generate` and :meth:`Videos.extend` start
a job and return its id at once; :meth:`Videos.get` says where it is, and
:meth:`Videos.wait` polls (0.25 s, doubling to 5 s) until it is done. The finished
video is a URL (valid for a limited time); :meth:`Videos.download` saves it atomically
(a temporary file in the target's directory, renamed once complete).
"""

from __future__ import annotations

import asyncio
import functools
import http.client
import os
import tempfile
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from contextlib import suppress
from pathlib import Path
from typing import Any

from agentrt_protos.xai.api.v1 import video_pb2, video_pb2_grpc

from agentrt.errors import DeadlineExceeded, NotFound, ServerError, UsageError, VideoFailed
from agentrt.xai.deadline import Timeout
from agentrt.xai.polling import poll_until
from agentrt.xai.transport import Transport
from agentrt.xai.video_types import (
    AspectRatio,
    Keyframe,
    Resolution,
    VideoJob,
    VideoProgress,
    VideoResult,
    VideoStatus,
)
from agentrt.xai.video_wire import extend_request, generate_request, status_from

__all__ = ["DEFAULT_VIDEO_MODEL", "Videos"]

DEFAULT_VIDEO_MODEL = "grok-imagine-video"
_STUB = video_pb2_grpc.VideoStub
_POLL_FIRST, _POLL_MAX = 0.25, 5.0
_CHUNK = 1 << 16


class Videos:
    """Video generation (``client.video``), over the API channel.

    Args:
        transport: the client's API transport.
    """

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    async def generate(
        self,
        prompt: str,
        *,
        model: str = DEFAULT_VIDEO_MODEL,
        duration: int | None = None,
        aspect_ratio: AspectRatio | None = None,
        resolution: Resolution | None = None,
        image_url: str | None = None,
        image_file_id: str | None = None,
        last_frame_url: str | None = None,
        last_frame_file_id: str | None = None,
        keyframes: Sequence[Keyframe] = (),
        video_url: str | None = None,
        video_file_id: str | None = None,
        reference_image_urls: Sequence[str] = (),
        reference_image_file_ids: Sequence[str] = (),
        reference_voices: Sequence[str] = (),
        generate_audio: bool | None = None,
        timeout: Timeout = None,  # noqa: ASYNC109 - it becomes the gRPC deadline
    ) -> VideoJob:
        """Start generating a video; the job to :meth:`wait` for.

        Args:
            prompt: what the video shows (may be empty when an image pins a frame).
            model: the video model.
            duration: seconds of video (the service bounds it; default the service's).
            aspect_ratio: ``"16:9"``, ``"1:1"``, ``"9:16"``, ``"4:3"``, ``"3:4"``,
                ``"3:2"`` or ``"2:3"``.
            resolution: ``"480p"``, ``"720p"`` or ``"1080p"``.
            image_url: the first frame, an image URL (or ``image_file_id``: an uploaded file).
            last_frame_url: the last frame (or ``last_frame_file_id``).
            keyframes: images pinned at moments inside the video.
            video_url: a video to edit (or ``video_file_id``).
            reference_image_urls: style and content references (and ``..._file_ids``).
            reference_voices: voice ids of reference audio.
            generate_audio: whether the video has a sound track (default: the service's).
            timeout: the deadline of the call that starts the job.

        Raises:
            UsageError: a bad argument (before any call).
            InvalidRequest: the service refused the request (the details say why).
            NotFound: no such model.
        """
        options = dict(locals())  # every argument above, by name, for the wire to check
        req = generate_request(prompt, model, options)
        reply = await self._call("GenerateVideo", req, timeout)
        return VideoJob(id=reply.request_id)

    async def extend(
        self,
        prompt: str,
        *,
        model: str = DEFAULT_VIDEO_MODEL,
        video_url: str | None = None,
        video_file_id: str | None = None,
        duration: int | None = None,
        timeout: Timeout = None,  # noqa: ASYNC109 - it becomes the gRPC deadline
    ) -> VideoJob:
        """Start extending a video (by URL or file id) with ``duration`` more seconds.

        Raises:
            UsageError: neither or both of ``video_url`` / ``video_file_id``, a bad duration.
            InvalidRequest: the service refused the request.
        """
        req = extend_request(
            prompt, model, video_url=video_url, video_file_id=video_file_id, duration=duration
        )
        reply = await self._call("ExtendVideo", req, timeout)
        return VideoJob(id=reply.request_id)

    async def get(
        self,
        job_id: str,
        *,
        timeout: Timeout = None,  # noqa: ASYNC109 - it becomes the gRPC deadline
    ) -> VideoStatus:
        """The job's status now. Raises NotFound when there is no job ``job_id``."""
        if not isinstance(job_id, str) or not job_id.strip():
            raise UsageError(f"job_id must be a non-empty string, got {job_id!r:.60}")
        req = video_pb2.GetDeferredVideoRequest(request_id=job_id)
        return status_from(job_id, await self._call("GetDeferredVideo", req, timeout))

    async def wait(
        self,
        job: str | VideoJob,
        *,
        timeout: float | None = None,  # noqa: ASYNC109 - the whole wait's limit
        progress: VideoProgress | None = None,
    ) -> VideoResult:
        """Poll the job (0.25 s, doubling to 5 s) until it is done; its video.

        Cancelling the wait stops the polling; nothing keeps running.

        Args:
            job: the job or its id.
            timeout: seconds to wait at most (default: no limit).
            progress: called with every status polled.

        Raises:
            VideoFailed: the job failed (``code``: the service's error code) or expired.
            DeadlineExceeded: still pending after ``timeout`` seconds.
            NotFound: no such job.
        """
        job_id = job.id if isinstance(job, VideoJob) else job
        if timeout is not None and not timeout > 0:
            raise UsageError(f"wait timeout must be > 0 seconds, got {timeout}")
        scope = asyncio.timeout(timeout)
        try:
            async with scope:
                status = await poll_until(
                    lambda: self.get(job_id),
                    lambda s: s.state != "pending",
                    first=_POLL_FIRST,
                    cap=_POLL_MAX,
                    progress=progress,
                )
            return _finished(status)
        except TimeoutError:
            if not scope.expired():  # someone else's timeout, not this wait's
                raise
            raise DeadlineExceeded(
                f"video job {job_id} still pending after {timeout:g} s", code="DEADLINE_EXCEEDED"
            ) from None

    async def download(
        self,
        video: VideoResult | str,
        path: str | os.PathLike[str],
        *,
        timeout: float = 300.0,  # noqa: ASYNC109 - the socket timeout of the fetch
    ) -> int:
        """Save the video (a result or its URL) to ``path``; the number of bytes written.

        The bytes go to a temporary file in ``path``'s directory, renamed to ``path``
        only once complete: on failure or cancellation nothing is left behind and an
        existing ``path`` is untouched.

        Raises:
            UsageError: not an http(s) URL, or ``path``'s directory does not exist.
            NotFound: the URL answers 404 (e.g. the video expired).
            ServerError: any other failure to fetch it.
        """
        url = video.url if isinstance(video, VideoResult) else video
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise UsageError(f"cannot download {_shown(str(url))!r:.100}: not an http(s) URL")
        target = Path(path)
        if not target.parent.is_dir():
            raise UsageError(f"cannot write {str(target)!r}: its directory does not exist")
        stop = threading.Event()
        fetch = functools.partial(_fetch_to, url, target, stop, timeout)
        running = asyncio.get_running_loop().run_in_executor(None, fetch)
        try:
            return await asyncio.shield(running)
        except BaseException:
            stop.set()  # the thread stops at its next chunk and removes its temporary file
            await asyncio.wait({running})
            raise

    async def _call(self, method: str, request: Any, timeout: Timeout) -> Any:  # noqa: ASYNC109 - the gRPC deadline
        return await self._transport.unary(_STUB, method, request, timeout=timeout)


def _finished(status: VideoStatus) -> VideoResult:
    """The video of a job that is no longer pending; VideoFailed when there is none."""
    if status.state == "failed":
        code = status.error_code or "FAILED"
        why = status.error_message or "no reason given"
        raise VideoFailed(f"video job {status.id} failed: {why}", job_id=status.id, code=code)
    if status.state == "expired":
        raise VideoFailed(f"video job {status.id} expired", job_id=status.id, code="EXPIRED")
    if not status.url:
        raise VideoFailed(
            f"video job {status.id} is done but the service gave no URL (moderated?)",
            job_id=status.id,
            code="NO_URL",
        )
    return VideoResult(
        id=status.id,
        url=status.url,
        duration=status.duration,
        model=status.model,
        cost_usd=status.cost_usd,
    )


def _shown(url: str) -> str:
    """``url`` as an error may show it: without its query (a signed URL's signature)."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(query="", fragment=""))


def _fetch_to(url: str, target: Path, stop: threading.Event, timeout: float) -> int:
    """Fetch ``url`` into a temporary file beside ``target``, then rename it (in a thread)."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    written = 0
    try:
        with os.fdopen(fd, "wb") as out, _open(url, timeout) as reply:
            while chunk := _read(reply, url):
                if stop.is_set():
                    raise ServerError(f"download of {_shown(url)} was cancelled", code="CANCELLED")
                out.write(chunk)
                written += len(chunk)
        os.replace(tmp, target)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise
    return written


def _read(reply: Any, url: str) -> bytes:
    """The next chunk of ``reply`` (b"" at its end); a broken connection is a ServerError."""
    try:
        return bytes(reply.read(_CHUNK))
    except (OSError, http.client.HTTPException) as exc:
        what = f"the download of {_shown(url)} broke off: {exc}"
        raise ServerError(what, code="UNAVAILABLE") from exc


def _open(url: str, timeout: float) -> Any:
    """``urlopen(url)``, its failures translated into agentrt's errors."""
    try:
        return urllib.request.urlopen(url, timeout=timeout)
    except urllib.error.HTTPError as exc:
        exc.close()  # it holds the connection
        if exc.code == 404:
            raise NotFound(f"{_shown(url)} answered 404 (expired?)", code="NOT_FOUND") from exc
        what = f"{_shown(url)} answered HTTP {exc.code}"
        raise ServerError(what, code=f"HTTP_{exc.code}") from exc
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ServerError(f"cannot fetch {_shown(url)}: {reason}", code="UNAVAILABLE") from exc
