"""Hostile input to agentrt's Files, Collections and Documents client.

Each row is one bad call. Unknown ids end in :class:`NotFound` naming the id; bad local
arguments end in :class:`UsageError` before any network call (the client points at a
port nobody listens on, so a call that reached the network would fail otherwise);
interrupted or refused uploads store nothing. Add the next case as one row.
"""

from __future__ import annotations

import asyncio
import inspect
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from agentrt.errors import (
    DeadlineExceeded,
    InvalidRequest,
    NotFound,
    RateLimited,
    Unavailable,
    UsageError,
)
from agentrt.sim.ragstore import RagLimits
from agentrt.xai.client import Client
from agentrt.xai.collection_types import ChunkConfig
from tests.client_files_helpers import chunks, client_on, sim_and_client

pytestmark = pytest.mark.e2e

GHOST_FILE = "file_00000000-0000-0000-0000-000000000000"
GHOST_COLLECTION = "collection_00000000-0000-0000-0000-000000000000"
Call = Callable[[Client, str, str], Any]  # (client, a real collection id, a real file id)


async def _run(result: Any) -> Any:
    """Await a coroutine, drain an async iterator: whatever the call returned."""
    if inspect.isawaitable(result):
        return await result
    return [item async for item in result]


UNKNOWN_IDS: dict[str, tuple[Call, str]] = {
    "files.get": (lambda c, _, __: c.files.get(GHOST_FILE), GHOST_FILE),
    "files.delete": (lambda c, _, __: c.files.delete(GHOST_FILE), GHOST_FILE),
    "files.content": (lambda c, _, __: c.files.content(GHOST_FILE), GHOST_FILE),
    "files.download": (lambda c, _, __: c.files.download(GHOST_FILE), GHOST_FILE),
    "collections.get": (lambda c, _, __: c.collections.get(GHOST_COLLECTION), GHOST_COLLECTION),
    "collections.delete": (
        lambda c, _, __: c.collections.delete(GHOST_COLLECTION),
        GHOST_COLLECTION,
    ),
    "collections.update": (
        lambda c, _, __: c.collections.update(GHOST_COLLECTION, name="x"),
        GHOST_COLLECTION,
    ),
    "collections.list_documents": (
        lambda c, _, __: c.collections.list_documents(GHOST_COLLECTION),
        GHOST_COLLECTION,
    ),
    "document of a ghost collection": (
        lambda c, _, f: c.collections.get_document(GHOST_COLLECTION, f),
        GHOST_COLLECTION,
    ),
    "ghost document": (lambda c, col, _: c.collections.get_document(col, GHOST_FILE), GHOST_FILE),
    "add a ghost file": (lambda c, col, _: c.collections.add_document(col, GHOST_FILE), GHOST_FILE),
    "remove a ghost document": (
        lambda c, col, _: c.collections.remove_document(col, GHOST_FILE),
        GHOST_FILE,
    ),
    "reindex a ghost document": (
        lambda c, col, _: c.collections.reindex_document(col, GHOST_FILE),
        GHOST_FILE,
    ),
    "search a ghost collection": (
        lambda c, _, __: c.documents.search("x", collection_ids=[GHOST_COLLECTION]),
        GHOST_COLLECTION,
    ),
    "wait for a ghost document": (
        lambda c, col, _: c.collections.wait_indexed(col, [GHOST_FILE], timeout=2),
        GHOST_FILE,
    ),
    "resolve a ghost name": (lambda c, _, __: c.collections.resolve("no such"), "no such"),
}


@pytest.mark.parametrize("case", sorted(UNKNOWN_IDS))
async def test_unknown_ids_are_not_found_naming_the_id(case: str) -> None:
    call, named = UNKNOWN_IDS[case]
    async with sim_and_client() as (_, client):
        col = (await client.collections.create("c")).id
        file_id = (await client.files.upload(b"x", filename="x.txt")).id
        with pytest.raises(NotFound, match=named):
            await _run(call(client, col, file_id))


BAD_ARGUMENTS: dict[str, tuple[Callable[[Client, Path], Any], str]] = {
    "stream without filename": (lambda c, _: c.files.upload(chunks(b"x")), "needs filename="),
    "bytes without filename": (lambda c, _: c.files.upload(b"x"), "needs filename="),
    "missing path": (lambda c, p: c.files.upload(p / "nope.bin"), "nope.bin"),
    "a directory": (lambda c, p: c.files.upload(p), "not a regular file"),
    "not a source": (lambda c, _: c.files.upload(42), "not int"),
    "negative expires_after": (
        lambda c, _: c.files.upload(b"x", filename="x", expires_after=-1),
        "positive",
    ),
    "zero url expiry": (
        lambda c, _: c.files.create_public_url(GHOST_FILE, expires_after=0),
        "positive",
    ),
    "files order": (lambda c, _: c.files.list(order="up"), "order must be one of asc, desc"),
    "files sort_by": (lambda c, _: c.files.list(sort_by="date"), "sort_by must be one of"),
    "files page_size": (lambda c, _: c.files.list(page_size=0), "page_size must be >= 1"),
    "collections sort_by": (lambda c, _: c.collections.list(sort_by="size"), "age, name"),
    "documents sort_by": (
        lambda c, _: c.collections.list_documents(GHOST_COLLECTION, sort_by="created"),
        "age, name, size",
    ),
    "concurrency 0": (lambda c, _: c.files.upload_many([], concurrency=0), "concurrency"),
    "search mode": (
        lambda c, _: c.documents.search("x", collection_ids=["c"], mode="fuzzy"),
        "mode must be one of hybrid, semantic, keyword",
    ),
    "fusion with keyword": (
        lambda c, _: c.documents.search("x", collection_ids=["c"], mode="keyword", rrf_k=5),
        "for mode='hybrid'",
    ),
    "reranker and fusion": (
        lambda c, _: c.documents.search("x", collection_ids=["c"], reranker_model="m", rrf_k=5),
        "not both",
    ),
    "ranking metric": (
        lambda c, _: c.documents.search("x", collection_ids=["c"], ranking_metric="dot"),
        "ranking_metric",
    ),
    "collection metric": (lambda c, _: c.collections.create("x", metric="manhattan"), "metric"),
    "empty collection name": (lambda c, _: c.collections.create("  "), "needs a name"),
    "chunk unit": (
        lambda c, _: c.collections.create("x", chunking=ChunkConfig(unit="words", max_size=5)),
        "chunk unit",
    ),
    "chunk overlap": (
        lambda c, _: c.collections.create(
            "x", chunking=ChunkConfig(unit="chars", max_size=5, overlap=5)
        ),
        "overlap",
    ),
    "document field value": (
        lambda c, _: c.collections.add_document("c", "f", fields={"year": 2024}),
        "text to text",
    ),
    "wait timeout": (lambda c, _: c.collections.wait_indexed("c", ["f"], timeout=0), "> 0"),
}


@pytest.mark.parametrize("case", sorted(BAD_ARGUMENTS))
async def test_bad_local_arguments_fail_before_any_network_call(case: str, tmp_path: Path) -> None:
    call, words = BAD_ARGUMENTS[case]
    async with client_on(1, timeout=5) as client:  # nothing listens on port 1
        with pytest.raises(UsageError, match=words):
            await _run(call(client, tmp_path))


async def test_a_deleted_collection_cannot_be_searched() -> None:
    async with sim_and_client() as (_, client):
        col = (await client.collections.create("gone")).id
        await client.collections.upload_document(col, b"hello world", filename="h.txt", wait=True)
        assert await client.documents.search("hello", collection_ids=[col])
        await client.collections.delete(col)
        with pytest.raises(NotFound, match=col):
            await client.documents.search("hello", collection_ids=[col])


@pytest.mark.parametrize(
    "source",
    [b"p" * 2_000_000, "path", "stream"],
    ids=["bytes", "path", "stream"],
)
async def test_an_upload_cut_off_mid_stream_stores_nothing(source: Any, tmp_path: Path) -> None:
    if source == "path":
        source = tmp_path / "p.bin"
        source.write_bytes(b"p" * 2_000_000)
    elif source == "stream":
        source = chunks(b"p" * 1_000_000, b"q" * 1_000_000)
    faulty = (("x-sim-fault", "abort"), ("x-sim-abort-after", "2"))
    async with sim_and_client() as (sim, client), client_on(sim.port, *faulty) as cut:
        with pytest.raises(Unavailable, match="upload interrupted after 2"):
            await cut.files.upload(source, filename="p.bin")
        assert [f async for f in client.files.list()] == []


async def test_a_file_over_the_simulators_limit_is_refused_and_not_stored(tmp_path: Path) -> None:
    path = tmp_path / "big.bin"
    path.write_bytes(b"b" * 3000)
    async with sim_and_client(files=RagLimits(max_file_bytes=2000)) as (_, client):
        with pytest.raises(InvalidRequest, match=r"'big.bin' is larger than .* 2000 bytes"):
            await client.files.upload(path)
        assert [f async for f in client.files.list()] == []


def _rate_limited_once(session: str) -> tuple[tuple[str, str], ...]:
    return (
        ("x-sim-fault", "resource_exhausted"),
        ("x-sim-fault-on", "1"),
        ("x-sim-session", session),
        ("x-sim-retry-after-ms", "20"),
    )


@pytest.mark.parametrize("kind", ["bytes", "path"])
async def test_a_rate_limited_upload_is_retried_when_it_can_be_read_again(
    kind: str, tmp_path: Path
) -> None:
    source: Any = b"payload"
    if kind == "path":
        source = tmp_path / "p.bin"
        source.write_bytes(b"payload")
    async with sim_and_client() as (sim, client):
        async with client_on(sim.port, *_rate_limited_once(f"rl-{kind}")) as limited:
            info = await limited.files.upload(source, filename="p.bin")
        assert [f.id async for f in client.files.list()] == [info.id]
        assert await client.files.content(info.id) == b"payload"


async def test_a_rate_limited_stream_upload_is_not_retried() -> None:
    async with sim_and_client() as (sim, client):
        async with client_on(sim.port, *_rate_limited_once("rl-stream")) as limited:
            with pytest.raises(RateLimited):
                await limited.files.upload(chunks(b"payload"), filename="p.bin")
        assert [f async for f in client.files.list()] == []


async def test_a_stream_that_raises_is_that_error_and_stores_nothing() -> None:
    async def broken() -> Any:
        yield b"half"
        raise OSError("disk went away")

    async with sim_and_client() as (_, client):
        with pytest.raises(OSError, match="disk went away"):
            await client.files.upload(broken(), filename="b.bin")
        with pytest.raises(UsageError, match="must yield bytes"):
            await client.files.upload(chunks("text"), filename="t.txt")  # type: ignore[arg-type]
        await asyncio.sleep(0.1)  # the server's settle time of a cancelled upload
        assert [f async for f in client.files.list()] == []


async def _endless() -> Any:
    while True:
        yield b"e" * 65536
        await asyncio.sleep(0.005)


@pytest.mark.parametrize("kind", ["path", "bytes", "stream"])
async def test_a_cancelled_or_timed_out_upload_stops_and_stores_nothing(
    kind: str, tmp_path: Path
) -> None:
    path = tmp_path / "c.bin"
    path.write_bytes(b"c" * 4_000_000)
    sources: dict[str, Callable[[], Any]] = {
        "path": lambda: path,
        "bytes": lambda: b"c" * 4_000_000,
        "stream": _endless,
    }
    stalled = (("x-sim-fault", "deadline"),)  # the server reads nothing until the deadline
    async with sim_and_client() as (sim, client), client_on(sim.port, *stalled) as stuck:
        task = asyncio.create_task(stuck.files.upload(sources[kind](), filename="c.bin"))
        await asyncio.sleep(0.2)
        task.cancel()
        async with asyncio.timeout(2):  # cancelling is prompt
            with pytest.raises(asyncio.CancelledError):
                await task
        with pytest.raises(DeadlineExceeded):
            await stuck.files.upload(sources[kind](), filename="c.bin", timeout=0.3)
        await asyncio.sleep(0.1)  # the server's settle time of a cancelled upload
        assert [f async for f in client.files.list()] == []


async def test_a_download_onto_a_directory_is_one_usage_error_and_leaves_nothing(
    tmp_path: Path,
) -> None:
    target = tmp_path / "out.bin"
    target.mkdir()  # the rename onto it fails after the bytes arrived
    async with sim_and_client() as (_, client):
        file_id = (await client.files.upload(b"abc", filename="abc.txt")).id
        with pytest.raises(UsageError, match="cannot write"):
            await client.files.download_to(file_id, target)
    assert os.listdir(tmp_path) == ["out.bin"]  # no .part file left
