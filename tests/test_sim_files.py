"""xai-sdk, unchanged, against the simulator's Files service over 127.0.0.1."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import grpc
import pytest
from xai_sdk import Client

from agentrt.sim.ragstore import DB_NAME, RagLimits
from tests.conftest import run_agentrt, running_sim
from tests.sim_files_helpers import expect_status, sdk, serving

pytestmark = pytest.mark.e2e

BINARY = bytes(range(256)) * 40  # every byte value, 10 KiB


async def test_upload_download_list_delete_round_trip() -> None:
    async with serving(files=RagLimits(download_chunk_bytes=1000)) as sim, sdk(sim) as client:
        uploaded = await client.files.upload(BINARY, filename="blob.bin")
        assert (uploaded.filename, uploaded.size) == ("blob.bin", len(BINARY))
        assert await client.files.content(uploaded.id) == BINARY  # 11 chunks, reassembled
        got = await client.files.get(uploaded.id)
        assert (got.id, got.size, got.created_at) == (uploaded.id, len(BINARY), uploaded.created_at)
        assert [f.id for f in (await client.files.list()).data] == [uploaded.id]
        deleted = await client.files.delete(uploaded.id)
        assert (deleted.id, deleted.deleted) == (uploaded.id, True)
        assert not (await client.files.list()).data
        with expect_status(grpc.StatusCode.NOT_FOUND, uploaded.id):
            await client.files.content(uploaded.id)


async def test_list_pages_and_sorts() -> None:
    async with serving() as sim, sdk(sim) as client:
        for name, size in (("b.txt", 3), ("a.txt", 1), ("c.txt", 2)):
            await client.files.upload(b"x" * size, filename=name)
        first = await client.files.list(limit=2, sort_by="filename", order="asc")
        assert [f.filename for f in first.data] == ["a.txt", "b.txt"]
        rest = await client.files.list(
            limit=2, sort_by="filename", order="asc", pagination_token=first.pagination_token
        )
        assert [f.filename for f in rest.data] == ["c.txt"]
        assert not rest.HasField("pagination_token")
        by_size = await client.files.list(sort_by="size", order="desc")
        assert [f.size for f in by_size.data] == [3, 2, 1]


async def test_data_dir_keeps_files_across_restarts(tmp_path: Path) -> None:
    async with serving(data_dir=tmp_path) as sim, sdk(sim) as client:
        file_id = (await client.files.upload(BINARY, filename="kept.bin")).id
    assert (tmp_path / DB_NAME).is_file()
    async with serving(data_dir=tmp_path) as sim, sdk(sim) as client:
        assert await client.files.content(file_id) == BINARY
    async with serving() as sim, sdk(sim) as client:  # without it: memory, empty
        assert not (await client.files.list()).data


async def test_file_over_the_size_limit_is_refused_and_not_stored() -> None:
    async with serving(files=RagLimits(max_file_bytes=1000)) as sim, sdk(sim) as client:
        await client.files.upload(b"x" * 1000, filename="fits.bin")
        with expect_status(grpc.StatusCode.INVALID_ARGUMENT, "'big.bin'", "1000 bytes"):
            await client.files.upload(b"x" * 1001, filename="big.bin")
        assert [f.filename for f in (await client.files.list()).data] == ["fits.bin"]


class _BreaksAfterFirstRead(io.RawIOBase):
    """A file whose second read fails: the SDK's upload stream is cut off mid-way."""

    name = "cut.bin"

    def __init__(self) -> None:
        self.reads = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        self.reads += 1
        if self.reads > 1:
            raise OSError("disk went away")
        return b"first part"


async def test_upload_cut_off_by_the_client_stores_nothing() -> None:
    async with serving() as sim, sdk(sim) as client:
        # grpc surfaces the failed request stream as the call's cancellation
        with pytest.raises(asyncio.CancelledError):
            await client.files.upload(_BreaksAfterFirstRead())
        await asyncio.sleep(0.05)
        assert not (await client.files.list()).data


async def test_upload_cut_off_by_a_fault_stores_nothing() -> None:
    faulty = (("x-sim-fault", "abort"), ("x-sim-abort-after", "1"))
    async with serving() as sim, sdk(sim, *faulty) as client, sdk(sim) as plain:
        with expect_status(grpc.StatusCode.UNAVAILABLE, "upload interrupted", "nothing"):
            await client.files.upload(b"payload", filename="p.bin")
        assert not (await plain.files.list()).data


async def test_upload_faulted_once_is_retried_by_the_sdk_and_stored_once() -> None:
    once = (("x-sim-fault", "unavailable"), ("x-sim-fault-on", "1"), ("x-sim-session", "up"))
    async with serving() as sim, sdk(sim, *once) as client:
        uploaded = await client.files.upload(b"payload", filename="p.bin")
        assert [f.id for f in (await client.files.list()).data] == [uploaded.id]
        assert await client.files.content(uploaded.id) == b"payload"


async def test_download_cut_off_by_a_fault_is_an_error_not_short_bytes() -> None:
    faulty = (("x-sim-fault", "abort"), ("x-sim-abort-after", "2"))
    async with (
        serving(files=RagLimits(download_chunk_bytes=1000)) as sim,
        sdk(sim) as plain,
        sdk(sim, *faulty) as client,
    ):
        file_id = (await plain.files.upload(BINARY, filename="b.bin")).id
        with expect_status(grpc.StatusCode.UNAVAILABLE, "download interrupted after 2"):
            await client.files.content(file_id)


@pytest.mark.parametrize(
    ("fault", "code", "words"),
    [
        ("resource_exhausted", grpc.StatusCode.RESOURCE_EXHAUSTED, "rate limit"),
        ("too_large", grpc.StatusCode.RESOURCE_EXHAUSTED, "larger than max"),
        ("internal", grpc.StatusCode.INTERNAL, "internal error"),
    ],
)
async def test_faults_reach_the_files_service(
    fault: str, code: grpc.StatusCode, words: str
) -> None:
    async with serving() as sim, sdk(sim, ("x-sim-fault", fault)) as client:
        with expect_status(code, words):
            await client.files.list()
        with expect_status(code, words):
            await client.files.upload(b"x", filename="x.bin")


def test_cli_flags_size_limit_and_data_dir_with_the_sync_client(tmp_path: Path) -> None:
    args = ("--max-file-bytes", "100", "--data-dir", str(tmp_path), "--index-delay-ms", "0")
    with running_sim(*args) as sim:
        host = f"localhost:{sim.port}"
        client = Client(
            api_key="k", management_api_key="m", api_host=host, management_api_host=host
        )
        with pytest.raises(grpc.RpcError) as raised:
            client.files.upload(b"x" * 101, filename="big.bin")
        assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT  # type: ignore[attr-defined]
        file_id = client.files.upload(b"small", filename="s.txt").id
        client.close()
    with running_sim(*args) as sim:
        host = f"localhost:{sim.port}"
        client = Client(api_key="k", api_host=host)
        assert client.files.content(file_id) == b"small"
        client.close()


@pytest.mark.parametrize(
    ("flags", "words"),
    [
        (("--max-file-bytes", "0"), "--max-file-bytes must be at least 1"),
        (("--index-delay-ms", "-1"), "--index-delay-ms must not be negative"),
        (("--data-dir", __file__), "not a directory"),
    ],
)
async def test_cli_refuses_bad_file_flags(flags: tuple[str, ...], words: str) -> None:
    code, _, err = await run_agentrt("sim", *flags)
    assert code == 2
    assert words in err
    assert "Traceback" not in err
