"""xai-sdk, unchanged, updating a simulated collection's chunking and field definitions."""

from __future__ import annotations

import asyncio
from pathlib import Path

import grpc
import pytest
from xai_sdk import AsyncClient
from xai_sdk.proto import collections_pb2

from tests.sim_files_helpers import POLL, expect_status, sdk, serving

pytestmark = pytest.mark.e2e

LONG = b"The lighthouse keeper trims the wick each evening before the fog rolls in. " * 8


def _chars(size: int) -> dict[str, dict[str, int]]:
    return {"chars_configuration": {"max_chunk_size_chars": size, "chunk_overlap_chars": 0}}


def _field(key: str, **flags: bool) -> dict[str, object]:
    definition = {"key": key, "required": False, "inject_into_chunk": False, "unique": False}
    return {"field_definition": definition | flags, "operation": "add"}


async def _indexed(client: AsyncClient, cid: str, fid: str) -> collections_pb2.DocumentMetadata:
    for _ in range(250):
        doc = await client.collections.get_document(fid, cid)
        if doc.status == collections_pb2.DOCUMENT_STATUS_PROCESSED:
            return doc
        await asyncio.sleep(0.02)
    raise AssertionError(f"{fid} was not indexed")


async def test_new_chunking_applies_to_documents_added_or_reindexed_later() -> None:
    async with serving() as sim, sdk(sim) as client:
        cid = (
            await client.collections.create("light", chunk_configuration=_chars(1000))
        ).collection_id
        old = await client.collections.upload_document(cid, "old.txt", LONG, **POLL)
        assert old.chunk_count == 1
        changed = await client.collections.update(cid, chunk_configuration=_chars(100))
        assert changed.chunk_configuration.chars_configuration.max_chunk_size_chars == 100
        got = await client.collections.get(cid)
        assert got.chunk_configuration.chars_configuration.max_chunk_size_chars == 100
        fid = old.file_metadata.file_id
        assert (await client.collections.get_document(fid, cid)).chunk_count == 1
        new = await client.collections.upload_document(cid, "new.txt", LONG, **POLL)
        assert new.chunk_count >= len(LONG) // 100
        await client.collections.reindex_document(cid, fid)
        assert (await _indexed(client, cid, fid)).chunk_count == new.chunk_count


async def test_field_definitions_added_and_deleted_and_kept_on_disk(tmp_path: Path) -> None:
    author = _field("author", inject_into_chunk=True)["field_definition"]
    async with serving(data_dir=tmp_path) as sim, sdk(sim) as client:
        cid = (await client.collections.create("books", field_definitions=[author])).collection_id
        doc = await client.collections.upload_document(
            cid, "b.txt", b"A tale of two harbours.", {"author": "Quixoticus"}, **POLL
        )
        fid = doc.file_metadata.file_id
        changed = await client.collections.update(
            cid,
            field_definitions=[
                _field("year", required=True),
                {"key": "author", "operation": "delete"},
            ],
        )
        assert [d.key for d in changed.field_definitions] == ["year"]
        assert changed.field_definitions[0].required
        assert dict((await client.collections.get_document(fid, cid)).fields) == {}
        # the injected value stays in the chunks until the document is re-indexed
        found = await client.collections.search("Quixoticus", [cid], retrieval_mode="keyword")
        assert [m.file_id for m in found.matches] == [fid]
        with expect_status(grpc.StatusCode.INVALID_ARGUMENT, "'year' is required"):
            await client.collections.upload_document(cid, "c.txt", b"No year given.")
        await client.collections.upload_document(cid, "d.txt", b"Dated.", {"year": "1859"}, **POLL)
    async with serving(data_dir=tmp_path) as sim, sdk(sim) as client:
        assert [d.key for d in (await client.collections.get(cid)).field_definitions] == ["year"]
        assert dict((await client.collections.get_document(fid, cid)).fields) == {}
        await client.collections.reindex_document(cid, fid)  # an old document: not checked
        await _indexed(client, cid, fid)
        found = await client.collections.search("Quixoticus", [cid], retrieval_mode="keyword")
        assert list(found.matches) == []


async def test_unique_field_value_belongs_to_one_document() -> None:
    isbn = _field("isbn", unique=True)["field_definition"]
    async with serving() as sim, sdk(sim) as client:
        cid = (await client.collections.create("shelf", field_definitions=[isbn])).collection_id
        first = await client.collections.upload_document(cid, "a.txt", b"First.", {"isbn": "42"})
        fid = first.file_metadata.file_id
        other = (await client.files.upload(b"Second.", filename="b.txt")).id
        with expect_status(grpc.StatusCode.ALREADY_EXISTS, "'isbn'", "'42'", fid):
            await client.collections.add_existing_document(cid, other, {"isbn": "42"})
        await client.collections.add_existing_document(cid, other, {"isbn": "43"})
        same = await client.collections.update_document(cid, fid, fields={"isbn": "42"})
        assert dict(same.fields) == {"isbn": "42"}  # its own value is no conflict
        with expect_status(grpc.StatusCode.ALREADY_EXISTS, "'isbn'", "'43'"):
            await client.collections.update_document(cid, fid, name="z.txt", fields={"isbn": "43"})
        kept = await client.collections.get_document(fid, cid)
        assert (kept.file_metadata.name, dict(kept.fields)) == ("a.txt", {"isbn": "42"})
        await client.collections.update(
            cid, field_definitions=[{"key": "isbn", "operation": "delete"}]
        )
        await client.collections.update_document(cid, fid, fields={"isbn": "43"})
