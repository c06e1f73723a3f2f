"""xai-sdk, unchanged, against the simulator's Video service over 127.0.0.1."""

from __future__ import annotations

import asyncio
import datetime
import io
import urllib.request

import grpc
import pytest
from xai_sdk import AsyncClient
from xai_sdk.proto import deferred_pb2
from xai_sdk.video import VideoGenerationError

from tests.conftest import running_sim
from tests.sim_files_helpers import expect_status, sdk, serving

av = pytest.importorskip("av")

pytestmark = pytest.mark.e2e

POLL = {"interval": datetime.timedelta(milliseconds=20), "timeout": datetime.timedelta(seconds=20)}


async def fetch(url: str) -> bytes:
    def get() -> bytes:
        with urllib.request.urlopen(url, timeout=10) as reply:  # the simulator's own HTTP host
            assert reply.headers["Content-Type"] == "video/mp4"
            return bytes(reply.read())

    return await asyncio.to_thread(get)


def probe(mp4: bytes) -> tuple[int, int, int, bytes]:
    """(frames, width, height, RGB of the first pixel of the first frame) of a decoded MP4."""
    with av.open(io.BytesIO(mp4)) as container:
        frames = list(container.decode(video=0))
    first = bytes(frames[0].reformat(format="rgb24").planes[0])[:3]
    return len(frames), frames[0].width, frames[0].height, first


async def test_generate_polls_until_done_and_the_url_plays() -> None:
    async with serving(video_delay_ms=200) as sim, sdk(sim) as client:
        response = await client.video.generate(
            "a red kite over the sea",
            "grok-imagine-video",
            duration=2,
            aspect_ratio="1:1",
            resolution="720p",
            **POLL,
        )
        assert (response.model, response.duration) == ("grok-imagine-video", 2)
        assert response.cost_usd == pytest.approx(0.10)
        assert response.url.startswith("http://127.0.0.1:")
        assert response.url.endswith(".mp4")
        frames, width, height, _ = probe(await fetch(response.url))
        assert (frames, width, height) == (48, 144, 144)  # 24 fps; 720p is 144 px, square


async def test_start_is_pending_until_the_delay_then_done() -> None:
    async with serving(video_delay_ms=400) as sim, sdk(sim) as client:
        started = await client.video.start("a slow dawn", "grok-imagine-video", duration=1)
        early = await client.video.get(started.request_id)
        assert early.status == deferred_pb2.PENDING
        assert 0 <= early.response.progress < 100
        await asyncio.sleep(0.6)
        late = await client.video.get(started.request_id)
        assert late.status == deferred_pb2.DONE
        assert late.response.video.duration == 1


async def test_same_prompt_same_frames_and_aspect_ratio_sets_the_size() -> None:
    async with serving(video_delay_ms=0) as sim, sdk(sim) as client:
        one = await client.video.generate("a lighthouse", "grok-imagine-video", duration=1, **POLL)
        two = await client.video.generate(
            "a lighthouse", "grok-imagine-video", duration=1, aspect_ratio="9:16", **POLL
        )
        other = await client.video.generate("a forest", "grok-imagine-video", duration=1, **POLL)
        a, b, c = [probe(await fetch(r.url)) for r in (one, two, other)]
        assert a[1:3] == (170, 96)
        assert b[1:3] == (96, 170)
        assert a[3] == b[3] != c[3]  # colours come from the prompt


async def test_extend_appends_to_the_video() -> None:
    async with serving(video_delay_ms=0) as sim, sdk(sim) as client:
        first = await client.video.generate("a cat", "grok-imagine-video", duration=2, **POLL)
        longer = await client.video.extend(
            "the cat jumps", "grok-imagine-video", first.url, duration=1, **POLL
        )
        assert longer.duration == 3
        frames, *_ = probe(await fetch(longer.url))
        assert frames == 72


async def test_first_frame_takes_the_colour_of_a_served_image() -> None:
    async with serving(video_delay_ms=0) as sim, sdk(sim) as client:
        image = await client.image.sample("a blue square", "grok-2-image", image_format="url")
        png = await asyncio.to_thread(lambda: urllib.request.urlopen(image.url, timeout=10).read())
        want = png_first_pixel(png)
        video = await client.video.generate(
            "it moves", "grok-imagine-video", image_url=image.url, duration=1, **POLL
        )
        *_, first = probe(await fetch(video.url))
        assert all(abs(a - b) <= 12 for a, b in zip(first, want, strict=True)), (first, want)


def png_first_pixel(png: bytes) -> bytes:
    import zlib

    raw = zlib.decompress(png[png.find(b"IDAT") + 4 : png.find(b"IEND") - 8])
    return raw[1:4]


async def test_job_failed_fault_raises_video_generation_error() -> None:
    async with (
        serving(video_delay_ms=0) as sim,
        sdk(sim, ("x-sim-fault", "job_failed")) as client,
    ):
        with pytest.raises(VideoGenerationError, match="internal_error"):
            await client.video.generate("doomed", "grok-imagine-video", duration=1, **POLL)


@pytest.mark.parametrize(
    ("kwargs", "code", "word"),
    [
        ({"duration": 16}, grpc.StatusCode.INVALID_ARGUMENT, "duration=16"),
        ({"model": "grok-imagine-nope"}, grpc.StatusCode.NOT_FOUND, "grok-imagine-nope"),
        ({"last_frame_url": "http://x/a.png"}, grpc.StatusCode.INVALID_ARGUMENT, "last_frame"),
    ],
)
async def test_bad_requests_fail_at_once(
    kwargs: dict[str, object], code: object, word: str
) -> None:
    model = str(kwargs.pop("model", "grok-imagine-video"))
    async with serving() as sim, sdk(sim) as client:
        with expect_status(code, word):  # type: ignore[arg-type]
            await client.video.start("a prompt", model, **kwargs)  # type: ignore[arg-type]


async def test_unknown_request_id_is_not_found_naming_it() -> None:
    async with serving() as sim, sdk(sim) as client:
        with expect_status(grpc.StatusCode.NOT_FOUND, "no-such-job"):
            await client.video.get("no-such-job")


async def test_the_cli_serves_video_with_its_delay_flag() -> None:
    with running_sim("--video-delay-ms", "0") as sim:
        client = AsyncClient(api_key="k", api_host=f"localhost:{sim.port}", timeout=20)
        try:
            response = await client.video.generate(
                "a comet", "grok-imagine-video", duration=1, **POLL
            )
        finally:
            await client.close()
        frames, width, height, _ = probe(await fetch(response.url))
        assert (frames, width, height) == (24, 170, 96)
