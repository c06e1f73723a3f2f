"""The simulator's deferred video jobs: each encodes in a small thread pool, ready after a delay.

A job is PENDING until both its delay (``--video-delay-ms``) has passed and its video
is encoded; then DONE, its video served by the HTTP host at ``/videos/<id>.mp4``, or
FAILED with the error it was given (the ``job_failed`` fault) or its encoder's. A DONE
job whose video the host has since forgotten (the oldest go first) is EXPIRED.

Bounded: at most two encodes run at once (the pool's threads; the rest queue), at
most :data:`MAX_JOBS` jobs are remembered, the oldest forgotten first (a pending one
is cancelled). Nothing runs on the event loop, and no task outlives a call.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol

import grpc

from agentrt.sim.status import SimStatus
from agentrt.sim.video_render import VideoSpec, encode

__all__ = ["MAX_ENCODES", "MAX_JOBS", "Job", "JobState", "VideoJobs"]

MAX_JOBS = 1_000
MAX_ENCODES = 2
JobState = Literal["pending", "done", "failed", "expired"]


class VideoShelf(Protocol):
    """Where finished videos are served (the simulator's HTTP host)."""

    def put_video(self, key: str, mp4: bytes) -> str: ...
    def has_video(self, key: str) -> bool: ...


@dataclass(kw_only=True)
class Job:
    """One video job: what it makes, when it is due, and how it ended."""

    id: str
    model: str
    spec: VideoSpec
    started: float
    ready_at: float
    encoding: concurrent.futures.Future[bytes] | None
    failure: tuple[str, str] | None = None  # (code, message) of a job that fails
    url: str = ""


class VideoJobs:
    """Every remembered video job, and the pool that encodes them."""

    def __init__(
        self,
        shelf: VideoShelf,
        delay_s: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.shelf = shelf
        self.delay_s = delay_s
        self.clock = clock
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=MAX_ENCODES, thread_name_prefix="sim-video"
        )

    def start(self, model: str, spec: VideoSpec, failure: tuple[str, str] | None = None) -> Job:
        """A new job making ``spec`` (or failing with ``failure`` when it is due)."""
        now = self.clock()
        job = Job(
            id=str(uuid.uuid4()),
            model=model,
            spec=spec,
            started=now,
            ready_at=now + self.delay_s,
            encoding=None if failure else self._pool.submit(encode, spec),
            failure=failure,
        )
        self._jobs[job.id] = job
        while len(self._jobs) > MAX_JOBS:
            _, old = self._jobs.popitem(last=False)
            if old.encoding is not None:
                old.encoding.cancel()
        return job

    def job(self, request_id: str) -> Job:
        """The job ``request_id``; NOT_FOUND naming it when there is none (or it was forgotten)."""
        job = self._jobs.get(request_id)
        if job is None:
            raise SimStatus(
                grpc.StatusCode.NOT_FOUND, f"video request {request_id[:100]!r} not found"
            )
        return job

    def find(self, request_id: str) -> Job | None:
        """The job ``request_id``, None when there is none."""
        return self._jobs.get(request_id)

    def state(self, job: Job) -> tuple[JobState, int]:
        """(state, progress percent) of ``job`` now; a finished encode goes to the shelf."""
        now = self.clock()
        if job.failure is not None:
            return ("failed", 100) if now >= job.ready_at else ("pending", self._progress(job))
        if job.url:
            return ("done", 100) if self.shelf.has_video(job.id) else ("expired", 100)
        encoding = job.encoding
        if now < job.ready_at or encoding is None or not encoding.done():
            return "pending", self._progress(job)
        error = encoding.exception()
        if error is not None:
            job.failure = ("internal_error", f"the simulator could not encode the video: {error}")
            return "failed", 100
        job.url, job.encoding = self.shelf.put_video(job.id, encoding.result()), None
        return "done", 100

    def _progress(self, job: Job) -> int:
        if self.delay_s <= 0:
            return 99
        return min(99, int(100 * (self.clock() - job.started) / self.delay_s))

    async def close(self) -> None:
        """Cancel queued encodes and wait (off the event loop) for running ones to end."""
        await asyncio.to_thread(self._pool.shutdown, wait=True, cancel_futures=True)
