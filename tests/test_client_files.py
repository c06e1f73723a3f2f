"""agentrt's Files client (``client.files``) against the simulator over 127.0.0.1."""

from __future__ import annotations

import asyncio
import tracemalloc
from pathlib import Path

import pytest

from agentrt.errors import NotFound, StreamInterrupted, Unimplemented
from agentrt.sim.ragstore import RagLimits
from agentrt.xai.file_types import FileInfo
from agentrt.xai.upload_source import CHUNK_BYTES
from tests.client_files_helpers import chunks, client_on, sim_and_client
from tests.conftest import running_sim

pytestmark = pytest.mark.e2e

BINARY = bytes(range(256)) * 40  # every byte value, 10 KiB
SMALL_CHUNKS = RagLimits(index_delay_s=0.05, download_chunk_bytes=1000)


def _contents(directory: Path) -> dict[str, bytes]:
    """Every file in ``directory`` (temporary ones included) and its bytes."""
    return {p.name: p.read_bytes() for p in directory.iterdir()}


async def test_bytes_round_trip_get_list_delete() -> None:
    async with sim_and_client() as (_, client):
        info = await client.files.upload(BINARY, filename="blob.bin", expires_after=3600)
        assert isinstance(info, FileInfo)
        assert (info.filename, info.size) == ("blob.bin", len(BINARY))
        assert info.expires_at is not None
        assert info.expires_at > info.created_at
        assert await client.files.get(info.id) == info
        assert await client.files.content(info.id) == BINARY
        assert [f.id async for f in client.files.list()] == [info.id]
        await client.files.delete(info.id)
        assert [f async for f in client.files.list()] == []
        with pytest.raises(NotFound, match=info.id):
            await client.files.get(info.id)


async def test_upload_from_a_path_reports_increasing_progress(tmp_path: Path) -> None:
    data = bytes(range(256)) * (3 * CHUNK_BYTES // 256 + 7)  # 3 full chunks and a bit
    path = tmp_path / "big.bin"
    path.write_bytes(data)
    seen: list[tuple[int, int | None]] = []
    async with sim_and_client() as (_, client):
        info = await client.files.upload(
            path, progress=lambda done, total: seen.append((done, total))
        )
        assert (info.filename, info.size) == ("big.bin", len(data))
        assert await client.files.content(info.id) == data
    done = [d for d, _ in seen]
    assert len(done) == 4
    assert done == sorted(done)
    assert done[-1] == len(data)
    assert {t for _, t in seen} == {len(data)}


async def test_upload_from_an_async_iterator_recuts_big_pieces() -> None:
    big = b"y" * (CHUNK_BYTES + 10)
    seen: list[tuple[int, int | None]] = []
    async with sim_and_client() as (_, client):
        info = await client.files.upload(
            chunks(b"x" * 5, big), filename="s.bin", progress=lambda d, t: seen.append((d, t))
        )
        assert info.size == len(big) + 5
        assert await client.files.content(info.id) == b"x" * 5 + big
    assert seen == [(5, None), (5 + CHUNK_BYTES, None), (len(big) + 5, None)]


async def test_download_streams_chunks_and_download_to_writes_the_file(tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    seen: list[tuple[int, int | None]] = []
    async with sim_and_client(files=SMALL_CHUNKS) as (_, client):
        file_id = (await client.files.upload(BINARY, filename="b.bin")).id
        parts = [p async for p in client.files.download(file_id)]
        assert len(parts) == 11
        assert b"".join(parts) == BINARY
        written = await client.files.download_to(
            file_id, target, progress=lambda d, t: seen.append((d, t))
        )
    assert written == len(BINARY)
    assert _contents(tmp_path) == {"out.bin": BINARY}
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert seen[-1] == (len(BINARY), len(BINARY))


async def test_download_cut_mid_stream_leaves_no_file_and_keeps_the_old_one(tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    target.write_bytes(b"old")
    faulty = (("x-sim-fault", "abort"), ("x-sim-abort-after", "3"))
    async with sim_and_client(files=SMALL_CHUNKS) as (sim, client):
        file_id = (await client.files.upload(BINARY, filename="b.bin")).id
        async with client_on(sim.port, *faulty) as cut:
            with pytest.raises(StreamInterrupted, match="download interrupted after 3"):
                await cut.files.download_to(file_id, target)
            with pytest.raises(StreamInterrupted):
                await cut.files.download_to(file_id, tmp_path / "new.bin")
    assert _contents(tmp_path) == {"out.bin": b"old"}


async def test_cancelled_download_to_leaves_no_file(tmp_path: Path) -> None:
    slow = (("x-sim-fault", "deadline"),)  # the stream stalls until cancelled
    async with sim_and_client() as (sim, client):
        file_id = (await client.files.upload(BINARY, filename="b.bin")).id
        async with client_on(sim.port, *slow) as stalled:
            task = asyncio.create_task(stalled.files.download_to(file_id, tmp_path / "x.bin"))
            await asyncio.sleep(0.2)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
    assert _contents(tmp_path) == {}


async def test_list_pages_through_more_than_one_page_in_order() -> None:
    async with sim_and_client() as (_, client):
        for name, size in (("c.txt", 2), ("a.txt", 5), ("e.txt", 1), ("b.txt", 4), ("d.txt", 3)):
            await client.files.upload(b"x" * size, filename=name)
        names = [
            f.filename
            async for f in client.files.list(page_size=2, sort_by="filename", order="asc")
        ]
        assert names == ["a.txt", "b.txt", "c.txt", "d.txt", "e.txt"]
        sizes = [f.size async for f in client.files.list(page_size=2, sort_by="size")]
        assert sizes == [5, 4, 3, 2, 1]


async def test_upload_many_keeps_input_order_and_every_outcome(tmp_path: Path) -> None:
    paths = []
    for n in range(5):
        paths.append(tmp_path / f"f{n}.txt")
        paths[-1].write_bytes(b"z" * (n + 1))
    sources = [*paths[:2], tmp_path / "missing.txt", ("mem.bin", b"abc"), *paths[2:]]
    seen: list[int] = []
    async with sim_and_client() as (_, client):
        outcomes = await client.files.upload_many(
            sources, concurrency=2, progress=lambda d, _: seen.append(d)
        )
        stored = {f.id async for f in client.files.list()}
    assert [o.source for o in outcomes] == [
        str(p) if isinstance(p, Path) else "mem.bin" for p in sources
    ]
    assert [o.ok for o in outcomes] == [True, True, False, True, True, True, True]
    assert "missing.txt" in str(outcomes[2].error)
    assert [o.file.filename for o in outcomes if o.file] == [
        "f0.txt",
        "f1.txt",
        "mem.bin",
        "f2.txt",
        "f3.txt",
        "f4.txt",
    ]
    assert stored == {o.file.id for o in outcomes if o.file}
    assert seen == sorted(seen)
    assert seen[-1] == 1 + 2 + 3 + 3 + 4 + 5


async def test_public_urls_are_not_served_by_the_simulator_and_say_so() -> None:
    async with sim_and_client() as (_, client):
        file_id = (await client.files.upload(b"x", filename="x")).id
        with pytest.raises(Unimplemented):
            await client.files.create_public_url(file_id, expires_after=60)
        with pytest.raises(Unimplemented):
            await client.files.revoke_public_url(file_id)


async def test_a_64_mib_upload_from_a_path_keeps_memory_flat(tmp_path: Path) -> None:
    size = 64 << 20
    path = tmp_path / "big.bin"
    with path.open("wb") as out:
        out.truncate(size)  # sparse: fast to make, read like any file
    with running_sim("--max-file-bytes", str(size)) as sim:
        async with client_on(sim.port) as client:
            await client.files.upload(b"warm", filename="w")  # channels, stubs, imports
            tracemalloc.start()
            try:
                info = await client.files.upload(path)
                _, peak = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
    assert info.size == size
    assert peak < 8 * CHUNK_BYTES, f"peak traced memory {peak} bytes for a {size}-byte upload"
