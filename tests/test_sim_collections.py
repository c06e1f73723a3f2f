"""xai-sdk, unchanged, against the simulator's Collections and Documents services."""

from __future__ import annotations

import asyncio
from pathlib import Path

import grpc
import pytest
from xai_sdk import AsyncClient
from xai_sdk.proto import collections_pb2

from agentrt.sim.ragstore import RagLimits
from tests.sim_files_helpers import POLL, expect_status, sdk, serving

pytestmark = pytest.mark.e2e

PROCESSED = collections_pb2.DOCUMENT_STATUS_PROCESSED
PROCESSING = collections_pb2.DOCUMENT_STATUS_PROCESSING
DOCS = {
    "zeppelin.txt": b"The zeppelin drifted over the harbour at dawn while gulls circled.",
    "harbour.txt": b"Ships in the harbour unload cargo; the harbour master logs every ship.",
    "recipes.txt": b"Bake the bread at a high heat, then let the bread cool before slicing.",
    "records.txt": b"Our clerks indexed every record in the archive overnight.",
}


async def _collection_with_docs(client: AsyncClient) -> tuple[str, dict[str, str]]:
    cid = (await client.collections.create("library")).collection_id
    ids = {}
    for name, data in DOCS.items():
        doc = await client.collections.upload_document(cid, name, data, **POLL)
        assert doc.status == PROCESSED
        ids[doc.file_metadata.file_id] = name
    return cid, ids


async def test_collection_crud() -> None:
    async with serving() as sim, sdk(sim) as client:
        made = await client.collections.create(
            "notes",
            chunk_configuration={
                "chars_configuration": {"max_chunk_size_chars": 200, "chunk_overlap_chars": 20}
            },
            description="team notes",
        )
        cid = made.collection_id
        got = await client.collections.get(cid)
        assert (got.collection_name, got.collection_description) == ("notes", "team notes")
        assert got.chunk_configuration.chars_configuration.max_chunk_size_chars == 200
        await client.collections.create("archive")
        listed = await client.collections.list(sort_by="name")
        assert [c.collection_name for c in listed.collections] == ["archive", "notes"]
        renamed = await client.collections.update(cid, name="journal")
        assert renamed.collection_name == "journal"
        assert (await client.collections.get(cid)).collection_name == "journal"
        await client.collections.delete(cid)
        with expect_status(grpc.StatusCode.NOT_FOUND, cid):
            await client.collections.get(cid)
        assert [c.collection_name for c in (await client.collections.list()).collections] == [
            "archive"
        ]


async def test_document_status_moves_from_processing_to_processed() -> None:
    async with serving(files=RagLimits(index_delay_s=0.3)) as sim, sdk(sim) as client:
        cid = (await client.collections.create("c")).collection_id
        doc = await client.collections.upload_document(cid, "a.txt", DOCS["zeppelin.txt"])
        fid = doc.file_metadata.file_id
        assert doc.status == PROCESSING
        with expect_status(grpc.StatusCode.FAILED_PRECONDITION, "DOCUMENT_STATUS_PROCESSING"):
            await client.collections.search("zeppelin", [cid])
        await asyncio.sleep(0.35)
        later = await client.collections.get_document(fid, cid)
        assert later.status == PROCESSED
        assert later.chunk_count == 1
        assert later.file_metadata.name == "a.txt"
        assert (await client.collections.search("zeppelin", [cid])).matches[0].file_id == fid


async def test_documents_list_batch_get_remove() -> None:
    async with serving() as sim, sdk(sim) as client:
        cid, ids = await _collection_with_docs(client)
        listed = await client.collections.list_documents(cid)
        assert sorted(d.file_metadata.name for d in listed.documents) == sorted(DOCS)
        assert (await client.collections.get(cid)).documents_count == len(DOCS)
        some = list(ids)[:2]
        batch = await client.collections.batch_get_documents(cid, some)
        assert [d.file_metadata.file_id for d in batch.documents] == some
        await client.collections.remove_document(cid, some[0])
        with expect_status(grpc.StatusCode.NOT_FOUND, some[0]):
            await client.collections.get_document(some[0], cid)
        assert await client.files.content(some[0]) == DOCS[ids[some[0]]]  # the file stays
        hits = await client.collections.search("zeppelin harbour", [cid], retrieval_mode="keyword")
        assert some[0] not in {m.file_id for m in hits.matches}


async def test_keyword_search_ranks_the_rare_word_first() -> None:
    async with serving() as sim, sdk(sim) as client:
        cid, ids = await _collection_with_docs(client)
        found = await client.collections.search("harbour zeppelin", [cid], retrieval_mode="keyword")
        # "zeppelin" is in one document, "harbour" in two: bm25 weighs the rare word more
        assert ids[found.matches[0].file_id] == "zeppelin.txt"
        assert {ids[m.file_id] for m in found.matches} == {"zeppelin.txt", "harbour.txt"}
        assert found.matches[0].score > found.matches[1].score > 0
        assert found.matches[0].collection_ids == [cid]
        assert "zeppelin" in found.matches[0].chunk_content


async def test_semantic_finds_what_keyword_misses() -> None:
    async with serving() as sim, sdk(sim) as client:
        cid, ids = await _collection_with_docs(client)
        keyword = await client.collections.search("indexing", [cid], retrieval_mode="keyword")
        assert not keyword.matches  # "indexed" is not the word "indexing"
        semantic = await client.collections.search("indexing", [cid], retrieval_mode="semantic")
        assert ids[semantic.matches[0].file_id] == "records.txt"  # same stem, "index"


async def test_hybrid_is_the_default_and_fuses_both_lists() -> None:
    async with serving() as sim, sdk(sim) as client:
        cid, ids = await _collection_with_docs(client)
        default = await client.collections.search("bread baking", [cid], limit=2)
        hybrid = await client.collections.search(
            "bread baking", [cid], limit=2, retrieval_mode="hybrid"
        )
        assert [m.chunk_id for m in default.matches] == [m.chunk_id for m in hybrid.matches]
        assert ids[hybrid.matches[0].file_id] == "recipes.txt"  # first in both lists
        assert len(hybrid.matches) == 2
        # reciprocal-rank fusion: 0.5/(60+1) + 0.5/(60+1) for the top of both lists
        assert hybrid.matches[0].score == pytest.approx(1 / 61, rel=1e-4)


async def test_chunking_follows_the_collection_configuration() -> None:
    text = " ".join(f"word{n}" for n in range(200)).encode()  # ~1.3 KB
    async with serving() as sim, sdk(sim) as client:
        cid = (
            await client.collections.create(
                "small",
                chunk_configuration={
                    "chars_configuration": {"max_chunk_size_chars": 100, "chunk_overlap_chars": 0}
                },
            )
        ).collection_id
        doc = await client.collections.upload_document(cid, "w.txt", text, **POLL)
        assert doc.chunk_count == pytest.approx(len(text) / 100, abs=2)
        hit = await client.collections.search("word150", [cid], retrieval_mode="keyword")
        assert len(hit.matches) == 1
        assert "word150" in hit.matches[0].chunk_content
        assert len(hit.matches[0].chunk_content) <= 100


async def test_deleting_a_file_removes_its_document_from_search() -> None:
    async with serving() as sim, sdk(sim) as client:
        cid, ids = await _collection_with_docs(client)
        zeppelin = next(f for f, n in ids.items() if n == "zeppelin.txt")
        await client.files.delete(zeppelin)
        found = await client.collections.search("zeppelin", [cid], retrieval_mode="keyword")
        assert not found.matches
        assert (await client.collections.get(cid)).documents_count == len(DOCS) - 1


async def test_data_dir_keeps_collections_and_their_index(tmp_path: Path) -> None:
    async with serving(data_dir=tmp_path) as sim, sdk(sim) as client:
        cid, ids = await _collection_with_docs(client)
    async with serving(data_dir=tmp_path) as sim, sdk(sim) as client:
        found = await client.collections.search("zeppelin", [cid], retrieval_mode="keyword")
        assert ids[found.matches[0].file_id] == "zeppelin.txt"


async def test_deleted_collection_searched_is_not_found() -> None:
    async with serving() as sim, sdk(sim) as client:
        cid, _ = await _collection_with_docs(client)
        other = (await client.collections.create("other")).collection_id
        await client.collections.delete(cid)
        with expect_status(grpc.StatusCode.NOT_FOUND, f"collection {cid!r} not found"):
            await client.collections.search("zeppelin", [other, cid])


@pytest.mark.parametrize(
    ("fault", "code"),
    [
        ("resource_exhausted", grpc.StatusCode.RESOURCE_EXHAUSTED),
        ("internal", grpc.StatusCode.INTERNAL),
    ],
)
async def test_faults_reach_collections_and_search(fault: str, code: grpc.StatusCode) -> None:
    async with serving() as sim, sdk(sim) as plain, sdk(sim, ("x-sim-fault", fault)) as client:
        cid = (await plain.collections.create("c")).collection_id
        with expect_status(code, "simulated fault"):
            await client.collections.list()
        with expect_status(code, "simulated fault"):
            await client.collections.search("x", [cid])


async def test_update_reindex_and_describe_a_document() -> None:
    slow = RagLimits(index_delay_s=0.2)  # long enough to see PROCESSING on a busy machine
    async with serving(files=slow) as sim, sdk(sim) as client:
        cid, ids = await _collection_with_docs(client)
        fid = next(f for f, n in ids.items() if n == "recipes.txt")
        updated = await client.collections.update_document(
            cid, fid, name="soup.txt", data=b"Simmer the soup with lentils.", fields={"k": "v"}
        )
        assert (updated.file_metadata.name, dict(updated.fields)) == ("soup.txt", {"k": "v"})
        assert await client.files.content(fid) == b"Simmer the soup with lentils."
        await asyncio.sleep(0.25)
        await client.collections.reindex_document(cid, fid)
        assert (await client.collections.get_document(fid, cid)).status == PROCESSING
        await asyncio.sleep(0.25)
        found = await client.collections.search("lentils", [cid], retrieval_mode="keyword")
        assert [m.file_id for m in found.matches] == [fid]
        assert not (
            await client.collections.search("bread", [cid], retrieval_mode="keyword")
        ).matches
        described = await client.collections.generate_description(cid)
        assert described.startswith("library: 4 document(s); about harbour")


async def test_deadline_fault_stalls_until_the_callers_deadline() -> None:
    async with serving() as sim:
        host = f"localhost:{sim.port}"
        client = AsyncClient(
            api_key="k",
            management_api_key="m",
            api_host=host,
            management_api_host=host,
            metadata=(("x-sim-fault", "deadline"),),
            timeout=0.3,
        )
        with expect_status(grpc.StatusCode.DEADLINE_EXCEEDED):
            await client.collections.list()
        await client.close()
