"""agentrt's Video client (``client.video``) against the simulator over 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentrt.errors import InvalidRequest, NotFound, VideoFailed
from agentrt.xai.video_types import Keyframe, VideoJob, VideoResult, VideoStatus
from tests.client_files_helpers import client_on, sim_and_client
from tests.sim_files_helpers import serving

av = pytest.importorskip("av")

pytestmark = pytest.mark.e2e


def probe(path: Path) -> tuple[int, int, int, list[bytes]]:
    """(frames, width, height, the first pixel of every frame) of the MP4 at ``path``."""
    with av.open(str(path)) as container:
        frames = list(container.decode(video=0))
    pixels = [bytes(f.reformat(format="rgb24").planes[0])[:3] for f in frames]
    return len(frames), frames[0].width, frames[0].height, pixels


def names(directory: Path) -> list[str]:
    """The names of every file in ``directory``, temporary ones included."""
    return sorted(p.name for p in directory.iterdir())


def near(a: bytes, b: bytes) -> bool:
    return all(abs(x - y) <= 12 for x, y in zip(a, b, strict=True))  # H.264 is lossy


async def test_generate_wait_download_decodes(tmp_path: Path) -> None:
    seen: list[VideoStatus] = []
    async with sim_and_client(video_delay_ms=300) as (_, client):
        job = await client.video.generate(
            "a paper boat", duration=2, aspect_ratio="4:3", resolution="720p"
        )
        assert isinstance(job, VideoJob)
        result = await client.video.wait(job, timeout=20, progress=seen.append)
        assert isinstance(result, VideoResult)
        assert (result.id, result.duration, result.model) == (job.id, 2, "grok-imagine-video")
        assert result.cost_usd == pytest.approx(0.10)
        assert seen[0].state == "pending"  # polled before the delay was over
        assert seen[-1].state == "done"
        target = tmp_path / "boat.mp4"
        written = await client.video.download(result, target)
        assert written == target.stat().st_size > 0
        assert names(tmp_path) == ["boat.mp4"]  # no temporary file left
        frames, width, height, _ = probe(target)
        assert (frames, width, height) == (48, 192, 144)  # 24 fps; 4:3 at 720p/5


async def test_get_reports_pending_then_done() -> None:
    async with sim_and_client(video_delay_ms=60_000) as (_, client):
        job = await client.video.generate("a long wait", duration=1)
        status = await client.video.get(job.id)
        assert (status.state, status.url, status.duration) == ("pending", "", 0)
        assert 0 <= status.progress < 100


async def test_first_and_last_frame_and_keyframe_take_the_image_colours(tmp_path: Path) -> None:
    red = b"\x89PNG" + b"not really a png, hashed instead"
    async with sim_and_client(video_delay_ms=0) as (_, client):
        uploaded = await client.files.upload(red, filename="first.bin")
        job = await client.video.generate(
            "",
            model="grok-imagine-video-1.5",
            duration=2,
            image_file_id=uploaded.id,
            last_frame_url="http://example.com/last.png",
            keyframes=(Keyframe(timestamp=1.0, image_url="http://example.com/mid.png"),),
        )
        result = await client.video.wait(job.id, timeout=20)
        await client.video.download(result.url, tmp_path / "v.mp4")
        _, _, _, pixels = probe(tmp_path / "v.mp4")
        first, mid, last = pixels[0], pixels[24], pixels[-1]
        assert len({first, mid, last}) == 3
        assert not near(pixels[1], first)  # only the pinned frame is solid


async def test_extend_continues_the_video(tmp_path: Path) -> None:
    async with sim_and_client(video_delay_ms=0) as (_, client):
        first = await client.video.wait(await client.video.generate("a fox", duration=2))
        job = await client.video.extend("the fox runs", video_url=first.url, duration=1)
        longer = await client.video.wait(job, timeout=20)
        assert longer.duration == 3
        await client.video.download(first, tmp_path / "a.mp4")
        await client.video.download(longer, tmp_path / "b.mp4")
        a, b = probe(tmp_path / "a.mp4"), probe(tmp_path / "b.mp4")
        assert (a[0], b[0]) == (48, 72)
        assert b[3][:48] == a[3]  # the extension starts with the original, frame for frame


async def test_a_failing_job_raises_video_failed() -> None:
    async with (
        serving(video_delay_ms=0) as sim,
        client_on(sim.port, ("x-sim-fault", "job_failed")) as client,
    ):
        job = await client.video.generate("doomed", duration=1)
        with pytest.raises(VideoFailed, match=job.id) as failed:
            await client.video.wait(job, timeout=20)
    assert (failed.value.code, failed.value.job_id) == ("internal_error", job.id)


async def test_unknown_job_is_not_found_and_bad_request_is_invalid() -> None:
    async with sim_and_client() as (_, client):
        with pytest.raises(NotFound, match="no-such-job"):
            await client.video.get("no-such-job")
        with pytest.raises(InvalidRequest, match="duration=99"):
            await client.video.generate("too long", duration=99)
        with pytest.raises(InvalidRequest, match="not a finished video"):
            await client.video.extend("more", video_url="http://example.com/v.mp4")


async def test_download_of_an_expired_url_is_not_found(tmp_path: Path) -> None:
    async with sim_and_client(video_delay_ms=0) as (_, client):
        result = await client.video.wait(await client.video.generate("a cloud", duration=1))
        gone = result.url.replace(result.id, "00000000-0000-0000-0000-000000000000")
        with pytest.raises(NotFound, match="404"):
            await client.video.download(gone, tmp_path / "x.mp4")
        assert names(tmp_path) == []
        signed = (
            f"{gone}?X-Signature=s3cr3t-token&expires=1"  # a signed URL's query is a credential
        )
        with pytest.raises(NotFound) as caught:
            await client.video.download(signed, tmp_path / "x.mp4")
        assert "s3cr3t-token" not in str(caught.value)
        assert gone.split("://")[1] in str(caught.value)


async def test_editing_redraws_the_input_at_its_size_and_length(tmp_path: Path) -> None:
    async with sim_and_client(video_delay_ms=0) as (_, client):
        source = await client.video.wait(
            await client.video.generate("a pond", duration=2, aspect_ratio="1:1")
        )
        edited = await client.video.wait(
            await client.video.generate("a pond in winter", video_url=source.url, duration=5)
        )
        assert edited.duration == 2
        await client.video.download(source, tmp_path / "a.mp4")
        await client.video.download(edited, tmp_path / "b.mp4")
        a, b = probe(tmp_path / "a.mp4"), probe(tmp_path / "b.mp4")
        assert a[:3] == b[:3] == (48, 96, 96)
        assert not near(a[3][0], b[3][0])  # redrawn from the new prompt


async def test_a_callers_own_timeout_stays_a_timeout() -> None:
    import asyncio

    async with sim_and_client(video_delay_ms=60_000) as (_, client):
        job = await client.video.generate("a slow sunrise", duration=1)
        with pytest.raises(TimeoutError):  # not this wait's DeadlineExceeded: it had no timeout
            async with asyncio.timeout(0.3):
                await client.video.wait(job)
