"""xai-sdk, unchanged, against the simulator's public file URLs and list filters."""

from __future__ import annotations

import asyncio
import urllib.error
import urllib.request
from pathlib import Path

import grpc
import pytest

from tests.sim_files_helpers import expect_status, sdk, serving

pytestmark = pytest.mark.e2e

DATA = b"%PDF-1.4 not really a pdf\x00\x01\x02"


async def fetch(url: str) -> tuple[int, bytes]:
    """GET ``url`` with urllib (in a thread: the simulator serves on this loop)."""

    def get() -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                return answer.status, answer.read()
        except urllib.error.HTTPError as error:
            return error.code, b""

    return await asyncio.to_thread(get)


async def test_public_url_serves_the_bytes_until_revoked() -> None:
    async with serving() as sim, sdk(sim) as client:
        uploaded = await client.files.upload(DATA, filename="report.pdf")
        made = await client.files.create_public_url(uploaded.id)
        assert made.public_url.startswith("http://127.0.0.1:")
        assert "/files/" in made.public_url
        assert uploaded.id not in made.public_url
        assert not made.HasField("expires_at")  # the file never expires, so neither does the URL
        assert await fetch(made.public_url) == (200, DATA)
        again = await client.files.create_public_url(uploaded.id)
        assert again.public_url == made.public_url  # one URL per file
        got = await client.files.get(uploaded.id)
        assert got.public_url == made.public_url
        revoked = await client.files.revoke_public_url(uploaded.id)
        assert (revoked.revoked, revoked.public_url) == (True, made.public_url)
        assert await fetch(made.public_url) == (404, b"")
        assert not (await client.files.get(uploaded.id)).HasField("public_url")
        assert not (await client.files.revoke_public_url(uploaded.id)).revoked


async def test_public_url_expires_after_the_seconds_asked() -> None:
    clock = [1_000.0]
    async with serving() as sim, sdk(sim) as client:
        assert sim._rag is not None
        sim._rag.store.clock = lambda: clock[0]
        uploaded = await client.files.upload(DATA, filename="a.pdf")
        made = await client.files.create_public_url(uploaded.id, expires_after=60)
        assert made.expires_at.seconds == 1_060
        assert (await client.files.get(uploaded.id)).public_url_expires_at.seconds == 1_060
        assert (await fetch(made.public_url))[0] == 200
        clock[0] += 61
        assert await fetch(made.public_url) == (404, b"")
        assert not (await client.files.get(uploaded.id)).HasField("public_url")


async def test_public_url_dies_with_its_file_and_survives_a_restart(tmp_path: Path) -> None:
    async with serving(data_dir=tmp_path) as sim, sdk(sim) as client:
        kept = await client.files.upload(DATA, filename="kept.pdf")
        gone = await client.files.upload(DATA, filename="gone.pdf")
        token = (await client.files.create_public_url(kept.id)).public_url.rsplit("/", 1)[1]
        gone_url = (await client.files.create_public_url(gone.id)).public_url
        await client.files.delete(gone.id)
        assert (await fetch(gone_url))[0] == 404
    async with serving(data_dir=tmp_path) as sim, sdk(sim) as client:
        url = (await client.files.get(kept.id)).public_url
        assert url.endswith(f":{sim._images._port}/files/{token}")  # type: ignore[union-attr]
        assert await fetch(url) == (200, DATA)


async def test_public_url_of_an_unknown_file_is_not_found() -> None:
    async with serving() as sim, sdk(sim) as client:
        with expect_status(grpc.StatusCode.NOT_FOUND, "file_nope"):
            await client.files.create_public_url("file_nope")
