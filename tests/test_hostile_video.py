"""Hostile input to video generation: agentrt's client and the simulator's Video service.

Tables: arguments the client refuses before any call; requests the simulator refuses
(sent raw, past the client's checks); job ids it does not know; jobs that fail or
expire; bounds (jobs remembered, encodes at once); cancellation.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from agentrt_protos.xai.api.v1 import image_pb2, video_pb2, video_pb2_grpc

import agentrt.sim.imagehost
import agentrt.sim.video
import agentrt.sim.video_jobs
from agentrt.errors import (
    DeadlineExceeded,
    InvalidRequest,
    NotFound,
    ServerError,
    UsageError,
    VideoFailed,
)
from agentrt.sim import Simulator
from agentrt.xai.client import Client
from agentrt.xai.video_types import Keyframe
from tests.client_files_helpers import client_on
from tests.conftest import run_agentrt, running_sim
from tests.sim_files_helpers import expect_status, serving

pytest.importorskip("av")

pytestmark = pytest.mark.e2e

# -- the client refuses these before any call (its endpoint has no server) -------------

LOCAL: list[tuple[str, dict[str, Any], str]] = [
    ("aspect ratio", {"aspect_ratio": "5:4"}, "aspect_ratio '5:4' is not one of"),
    ("resolution", {"resolution": "4k"}, "resolution '4k' is not one of"),
    ("zero duration", {"duration": 0}, "duration must be a whole number"),
    ("negative duration", {"duration": -3}, "duration must be"),
    ("fractional duration", {"duration": 1.5}, "duration must be"),
    ("bool duration", {"duration": True}, "duration must be"),
    ("text duration", {"duration": "6"}, "duration must be"),
    ("empty model", {"model": " "}, "model must be a non-empty string"),
    ("two first frames", {"image_url": "http://a", "image_file_id": "f"}, "not both"),
    ("two last frames", {"last_frame_url": "u", "last_frame_file_id": "f"}, "not both"),
    ("two videos", {"video_url": "u", "video_file_id": "f"}, "not both"),
    ("empty image url", {"image_url": ""}, "image_url must be a non-empty string"),
    ("keyframe not a Keyframe", {"keyframes": [{"timestamp": 1}]}, "must be a Keyframe"),
    (
        "keyframe before 0",
        {"keyframes": [Keyframe(timestamp=-1, image_url="u")]},
        "timestamp must be >= 0",
    ),
    (
        "keyframe at nan",
        {"keyframes": [Keyframe(timestamp=float("nan"), image_url="u")]},
        "timestamp must be >= 0",
    ),
    ("keyframe without image", {"keyframes": [Keyframe(timestamp=1)]}, "needs an image_url"),
    ("empty prompt, nothing pinned", {"prompt": "  "}, "prompt is empty"),
]


@pytest.fixture
async def offline() -> AsyncIterator[Client]:
    """A client whose endpoint has no server: any call made would fail as Unavailable."""
    async with Client(endpoint="127.0.0.1:9", timeout=2) as client:
        yield client


@pytest.mark.parametrize(("case", "kwargs", "message"), LOCAL, ids=[c[0] for c in LOCAL])
async def test_client_refuses_bad_generate_arguments(
    offline: Client, case: str, kwargs: dict[str, Any], message: str
) -> None:
    prompt = kwargs.pop("prompt", "a prompt")
    with pytest.raises(UsageError, match=message):
        await offline.video.generate(prompt, **kwargs)


OTHER_LOCAL: list[tuple[str, Any, str]] = [
    ("extend without video", lambda c: c.video.extend("more"), "give video_url or video_file_id"),
    (
        "extend with both",
        lambda c: c.video.extend("more", video_url="u", video_file_id="f"),
        "not both",
    ),
    ("extend, empty prompt", lambda c: c.video.extend("", video_url="u"), "prompt must be"),
    ("get empty id", lambda c: c.video.get(""), "job_id must be"),
    ("wait timeout 0", lambda c: c.video.wait("j", timeout=0), "timeout must be > 0"),
    ("download ftp", lambda c: c.video.download("ftp://h/v.mp4", "v.mp4"), "not an http"),
    (
        "download to a missing directory",
        lambda c: c.video.download("http://h/v.mp4", "/no/such/dir/v.mp4"),
        "directory does not exist",
    ),
]


@pytest.mark.parametrize(("case", "call", "message"), OTHER_LOCAL, ids=[c[0] for c in OTHER_LOCAL])
async def test_client_refuses_other_bad_arguments(
    offline: Client, case: str, call: Any, message: str
) -> None:
    with pytest.raises(UsageError, match=message):
        await call(offline)


# -- the simulator refuses these at once (sent raw, past the client's checks) ----------


def _image(url: str) -> image_pb2.ImageUrlContent:
    return image_pb2.ImageUrlContent(image_url=url)


_M = "grok-imagine-video"
_M15 = "grok-imagine-video-1.5"
_KEY = video_pb2.VideoKeyframe
REFUSED: list[tuple[str, Any, grpc.StatusCode, str]] = [
    ("duration 0", {"duration": 0}, grpc.StatusCode.INVALID_ARGUMENT, "duration=0"),
    ("duration 16", {"duration": 16}, grpc.StatusCode.INVALID_ARGUMENT, "1 to 15"),
    ("duration negative", {"duration": -5}, grpc.StatusCode.INVALID_ARGUMENT, "duration=-5"),
    ("aspect ratio 99", {"aspect_ratio": 99}, grpc.StatusCode.INVALID_ARGUMENT, "aspect_ratio=99"),
    ("resolution 42", {"resolution": 42}, grpc.StatusCode.INVALID_ARGUMENT, "resolution=42"),
    ("unknown model", {"model": "sora"}, grpc.StatusCode.NOT_FOUND, "'sora'"),
    ("empty model", {"model": ""}, grpc.StatusCode.NOT_FOUND, "video model"),
    ("empty prompt", {"prompt": ""}, grpc.StatusCode.INVALID_ARGUMENT, "prompt is empty"),
    ("huge prompt", {"prompt": "x" * 5000}, grpc.StatusCode.INVALID_ARGUMENT, "at most 4,096"),
    (
        "last frame on the old model",
        {"last_frame": _image("u")},
        grpc.StatusCode.INVALID_ARGUMENT,
        "last_frame and keyframes need",
    ),
    (
        "five keyframes",
        {"model": _M15, "keyframes": [_KEY(image=_image("u"), timestamp_s=1)] * 5},
        grpc.StatusCode.INVALID_ARGUMENT,
        "at most 4 keyframes",
    ),
    (
        "keyframe after the end",
        {"model": _M15, "duration": 2, "keyframes": [_KEY(image=_image("u"), timestamp_s=3)]},
        grpc.StatusCode.INVALID_ARGUMENT,
        "outside the video",
    ),
    (
        "image with neither url nor file",
        {"image": image_pb2.ImageUrlContent()},
        grpc.StatusCode.INVALID_ARGUMENT,
        "image: give an image_url or a file_id",
    ),
    (
        "unknown image file",
        {"image": image_pb2.ImageUrlContent(file_id="file-nope")},
        grpc.StatusCode.NOT_FOUND,
        "file-nope",
    ),
    (
        "edit a video it never made",
        {"video": video_pb2.VideoUrlContent(url="http://example.com/v.mp4")},
        grpc.StatusCode.INVALID_ARGUMENT,
        "not a finished video",
    ),
    (
        "eight reference images",
        {"reference_images": [_image("u")] * 8},
        grpc.StatusCode.INVALID_ARGUMENT,
        "at most 7",
    ),
]


@contextlib.asynccontextmanager
async def raw(sim: Simulator) -> AsyncIterator[video_pb2_grpc.VideoStub]:
    """The generated Video stub on a plain channel to ``sim`` (no client-side checks)."""
    async with grpc.aio.insecure_channel(f"127.0.0.1:{sim.port}") as channel:
        yield video_pb2_grpc.VideoStub(channel)


@pytest.mark.parametrize(("case", "fields", "code", "word"), REFUSED, ids=[c[0] for c in REFUSED])
async def test_simulator_refuses_bad_generate_requests(
    case: str, fields: dict[str, Any], code: grpc.StatusCode, word: str
) -> None:
    fields = {"prompt": "a prompt", "model": _M, **fields}
    async with serving() as sim, raw(sim) as stub:
        with expect_status(code, word):
            await stub.GenerateVideo(video_pb2.GenerateVideoRequest(**fields))


EXTEND_REFUSED: list[tuple[str, dict[str, Any], str]] = [
    ("no video", {"video": None}, "video is required"),
    ("file id", {"video": video_pb2.VideoUrlContent(file_id="f")}, "own video URLs"),
    ("duration 11", {"duration": 11}, "1 to 10"),
    ("too short to extend", {}, "must be 2 to 30 s"),  # the 1-second video below
]


@pytest.mark.parametrize(
    ("case", "fields", "word"), EXTEND_REFUSED, ids=[c[0] for c in EXTEND_REFUSED]
)
async def test_simulator_refuses_bad_extend_requests(
    case: str, fields: dict[str, Any], word: str
) -> None:
    async with serving(video_delay_ms=0) as sim, client_on(sim.port) as client, raw(sim) as stub:
        short = await client.video.wait(await client.video.generate("a", duration=1), timeout=20)
        request = {"prompt": "more", "model": _M, "video": video_pb2.VideoUrlContent(url=short.url)}
        request.update(fields)
        if request["video"] is None:
            del request["video"]
        with expect_status(grpc.StatusCode.INVALID_ARGUMENT, word):
            await stub.ExtendVideo(video_pb2.ExtendVideoRequest(**request))


UNKNOWN_IDS = ["", "no-such-job", "x" * 10_000, "../../etc/passwd", "\u00e9t\u00e9"]


@pytest.mark.parametrize("job_id", UNKNOWN_IDS, ids=["empty", "plain", "huge", "path", "unicode"])
async def test_unknown_job_ids_are_not_found_naming_them(job_id: str) -> None:
    async with serving() as sim, raw(sim) as stub:
        with expect_status(grpc.StatusCode.NOT_FOUND, repr(job_id[:100])):
            await stub.GetDeferredVideo(video_pb2.GetDeferredVideoRequest(request_id=job_id))


@pytest.mark.parametrize("value", ["-1", "soon", "3600001", "1.5"])
async def test_sim_refuses_a_bad_video_delay_flag(value: str) -> None:
    code, out, err = await run_agentrt("sim", f"--video-delay-ms={value}")
    assert (code, out) == (2, "")
    assert "--video-delay-ms" in err
    assert "Traceback" not in err


PNG = b"\x89PNG\r\n\x1a\n"
ODD_IMAGES: list[tuple[str, bytes]] = [
    ("png signature only", PNG),
    ("png header cut short", PNG + b"\0\0\0\rIHDR\0\0"),
    ("png with a broken IDAT", PNG + bytes(25) + b"\x08\x02" + bytes(10) + b"IDAT" + b"junk"),
    ("empty file", b""),
    ("not an image", b"hello"),
]


@pytest.mark.parametrize(("case", "data"), ODD_IMAGES, ids=[c[0] for c in ODD_IMAGES])
async def test_odd_first_frame_images_still_make_a_video(case: str, data: bytes) -> None:
    async with serving(video_delay_ms=0) as sim, client_on(sim.port) as client:
        uploaded = await client.files.upload(data, filename="odd.png")
        data_url = "data:image/png;base64," + base64.b64encode(data).decode()
        for source in ({"image_file_id": uploaded.id}, {"image_url": data_url}):
            job = await client.video.generate("", duration=1, **source)
            assert (await client.video.wait(job, timeout=20)).duration == 1


# -- jobs that fail, expire or are forgotten ----------------------------------------------


async def test_a_job_that_fails_and_a_fault_at_the_start() -> None:
    async with serving(video_delay_ms=0) as sim:
        async with client_on(sim.port, ("x-sim-fault", "job_failed")) as client:
            job = await client.video.generate("doomed", duration=1)
            with pytest.raises(VideoFailed, match="simulated fault") as failed:
                await client.video.wait(job, timeout=20)
            assert failed.value.code == "internal_error"
        async with client_on(sim.port, ("x-sim-fault", "internal")) as client:
            with pytest.raises(ServerError, match="simulated fault: internal"):
                await client.video.generate("never started", duration=1)


async def test_a_forgotten_video_expires_and_a_forgotten_job_is_not_found(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(agentrt.sim.imagehost, "MAX_VIDEOS", 1)
    monkeypatch.setattr(agentrt.sim.video_jobs, "MAX_JOBS", 2)
    async with serving(video_delay_ms=0) as sim, client_on(sim.port) as client:
        first = await client.video.generate("one", duration=1)
        await client.video.wait(first, timeout=20)
        second = await client.video.wait(await client.video.generate("two", duration=1))
        assert second.url
        with pytest.raises(VideoFailed, match="expired") as expired:
            await client.video.wait(first, timeout=20)
        assert expired.value.code == "EXPIRED"
        with pytest.raises(InvalidRequest, match="not a finished video"):
            await client.video.extend("more", video_url=second.url.replace(second.id, first.id))
        await client.video.generate("three", duration=1)
        with pytest.raises(NotFound, match=first.id):
            await client.video.get(first.id)


async def test_an_encoder_that_breaks_fails_the_job(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(spec: Any) -> bytes:
        raise RuntimeError("codec exploded")

    monkeypatch.setattr(agentrt.sim.video_jobs, "encode", broken)
    async with serving(video_delay_ms=0) as sim, client_on(sim.port) as client:
        job = await client.video.generate("a", duration=1)
        with pytest.raises(VideoFailed, match="could not encode the video: codec exploded"):
            await client.video.wait(job, timeout=20)


async def test_without_pyav_the_service_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(agentrt.sim.video, "missing_encoder", lambda: True)
    async with serving() as sim, client_on(sim.port) as client:
        with pytest.raises(InvalidRequest, match=r"pip install 'agentrt\[video\]'") as refused:
            await client.video.generate("a", duration=1)
    assert refused.value.code == "FAILED_PRECONDITION"


def test_importing_agentrt_and_its_simulator_does_not_import_pyav() -> None:
    code = (
        "import sys, agentrt, agentrt.sim.server, agentrt.commands.sim, agentrt.xai.video; "
        "print('av' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


async def test_a_burst_of_jobs_encodes_two_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    running, most, lock = [0], [0], threading.Lock()
    encode = agentrt.sim.video_jobs.encode

    def counted(spec: Any) -> bytes:
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        try:
            time.sleep(0.05)  # long enough for the pool to start every encode it would
            return encode(spec)
        finally:
            with lock:
                running[0] -= 1

    monkeypatch.setattr(agentrt.sim.video_jobs, "encode", counted)
    async with serving(video_delay_ms=0) as sim, client_on(sim.port) as client:
        jobs = [await client.video.generate(f"burst {i}", duration=1) for i in range(6)]
        results = await asyncio.gather(*(client.video.wait(j, timeout=30) for j in jobs))
    assert len({r.url for r in results}) == 6
    assert most[0] == 2


# -- cancellation and time limits leave nothing running -----------------------------------


async def test_cancelling_wait_leaves_nothing_running() -> None:
    # The simulator runs in its own process, so every task of this loop is the client's.
    with running_sim("--video-delay-ms", "60000") as sim:
        async with client_on(sim.port) as client:
            await wait_cancelled_and_timed_out(client)


async def wait_cancelled_and_timed_out(client: Client) -> None:
    job = await client.video.generate("forever", duration=1)
    before = asyncio.all_tasks()
    waiting = asyncio.create_task(client.video.wait(job))
    await asyncio.sleep(0.4)  # a few polls
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert asyncio.all_tasks() == before
    with pytest.raises(DeadlineExceeded, match=f"{job.id} still pending after 0.3 s"):
        await client.video.wait(job, timeout=0.3)
    assert asyncio.all_tasks() == before
    assert (await client.video.get(job.id)).state == "pending"  # the job itself goes on


async def test_cancelling_a_download_leaves_no_file(tmp_path: Path) -> None:
    async with serving(video_delay_ms=0) as sim, client_on(sim.port) as client:
        result = await client.video.wait(await client.video.generate("a", duration=1))
        fetching = asyncio.create_task(client.video.download(result, tmp_path / "v.mp4"))
        await asyncio.sleep(0)
        fetching.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await fetching
        names = await asyncio.to_thread(lambda: sorted(p.name for p in tmp_path.iterdir()))
        assert names in ([], ["v.mp4"])  # cancelled in time, or already complete: never a .part
