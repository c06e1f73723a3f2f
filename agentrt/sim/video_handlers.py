"""gRPC handlers of the simulator's ``xai_api.Video`` service, with faults.

Each call is admitted (API key), then planned by the fault injector like every other
call (``--fault`` flags, ``x-sim-fault*`` headers): ``unavailable``,
``resource_exhausted``, ``internal``, ``too_large`` and ``deadline`` end the call
before it does anything; ``job_failed`` lets ``GenerateVideo``/``ExtendVideo`` start a
job that ends FAILED, with a ``VideoError``, when it is due.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

import grpc
from agentrt_protos.xai.api.v1 import video_pb2

from agentrt.sim.faults import FaultInjector
from agentrt.sim.handlers import Admit, Observer
from agentrt.sim.service_handlers import ServiceHandlers
from agentrt.sim.video import ImageSources, VideoService
from agentrt.sim.video_jobs import VideoJobs

__all__ = ["VideoHandlers"]

Context = grpc.aio.ServicerContext[Any, Any]

_SERVICE = "xai_api.Video"


class VideoHandlers(ServiceHandlers):
    """One generic handler for the three Video methods."""

    def __init__(
        self,
        service: VideoService,
        *,
        admit: Admit,
        injector: FaultInjector,
        observer: Observer | None = None,
    ) -> None:
        super().__init__(admit=admit, injector=injector, observer=observer)
        self.video = service
        v = service
        for method, request_type, fn in (
            ("GenerateVideo", video_pb2.GenerateVideoRequest, v.generate_video),
            ("ExtendVideo", video_pb2.ExtendVideoRequest, v.extend_video),
            ("GetDeferredVideo", video_pb2.GetDeferredVideoRequest, _no_plan(v.get_deferred_video)),
        ):
            self._unary(f"/{_SERVICE}/{method}", request_type, fn)

    @classmethod
    def open(
        cls,
        *,
        jobs: VideoJobs,
        images: ImageSources,
        base_url: Callable[[], str],
        admit: Admit,
        injector: FaultInjector,
        observer: Observer | None,
    ) -> VideoHandlers:
        """Handlers over ``jobs``; a URL under ``base_url()/videos/`` names a job's video."""

        def video_key(url: str) -> str:
            match = re.fullmatch(re.escape(base_url()) + r"/videos/([0-9a-f-]{36})\.mp4", url)
            return match.group(1) if match else ""

        service = VideoService(jobs, images, video_key)
        return cls(service, admit=admit, injector=injector, observer=observer)

    async def close(self) -> None:
        """Stop the encoders (queued ones are dropped, running ones finish)."""
        await self.video.jobs.close()

    def _unary(
        self, path: str, request_type: Any, fn: Callable[[Any, bool], Awaitable[Any]]
    ) -> None:
        """Serve ``path`` with ``fn(request, job_failed)`` (the ``job_failed`` fault)."""
        self.unary(path, request_type, lambda request, plan: fn(request, plan.job_failed))


def _no_plan(fn: Callable[[Any], Awaitable[Any]]) -> Callable[[Any, bool], Awaitable[Any]]:
    """``fn`` for a method no planned fault changes beyond the call's own error."""

    async def call(request: Any, _: bool) -> Any:
        return await fn(request)

    return call
