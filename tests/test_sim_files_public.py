"""xai-sdk, unchanged, against the simulator's public file URLs and list filters."""

from __future__ import annotations

import asyncio
import math
import urllib.error
import urllib.request
from pathlib import Path

import grpc
import pytest
from xai_sdk.proto import documents_pb2, documents_pb2_grpc

from tests.sim_files_helpers import POLL, expect_status, sdk, serving

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


async def test_list_filters_files_collections_and_documents() -> None:
    async with serving() as sim, sdk(sim) as client:
        small = await client.files.upload(b"tiny", filename="small.txt")
        await client.files.upload(b"x" * 5000, filename="big.bin")
        names = [f.filename for f in (await client.files.list(filter="size_bytes > 100")).data]
        assert names == ["big.bin"]
        listed = await client.files.list(filter='name = "small.txt"')
        assert [f.id for f in listed.data] == [small.id]
        await client.files.create_public_url(small.id)
        public = await client.files.list(filter="public_url != null")
        assert [f.id for f in public.data] == [small.id]
        cid = (await client.collections.create("SEC filings")).collection_id
        await client.collections.create("recipes")
        found = await client.collections.list(filter='collection_name:"SEC"')
        assert [c.collection_id for c in found.collections] == [cid]
        await client.collections.upload_document(
            cid, "q1-report.txt", b"first quarter", fields={"quarter": "q1"}, **POLL
        )
        await client.collections.upload_document(
            cid, "q2-report.txt", b"second quarter", fields={"quarter": "q2"}, **POLL
        )
        docs = await client.collections.list_documents(cid, filter='fields.quarter:"q2"')
        assert [d.file_metadata.name for d in docs.documents] == ["q2-report.txt"]
        processed = await client.collections.list_documents(
            cid, filter='name:"report" AND status:DOCUMENT_STATUS_PROCESSED'
        )
        assert len(processed.documents) == 2
        none = await client.collections.list_documents(
            cid, filter="status:!DOCUMENT_STATUS_PROCESSED"
        )
        assert list(none.documents) == []


async def test_semantic_search_reports_l2_distance_when_asked() -> None:
    async with serving() as sim, sdk(sim) as client:
        cid = (await client.collections.create("docs")).collection_id
        for name, text in (("a.txt", b"harbour ships cargo"), ("b.txt", b"harbour gulls dawn")):
            await client.collections.upload_document(cid, name, text, **POLL)
        request = documents_pb2.SearchRequest(
            query="harbour ships",
            source=documents_pb2.DocumentsSource(collection_ids=[cid]),
            semantic_retrieval=documents_pb2.SemanticRetrieval(),
        )
        async with grpc.aio.insecure_channel(f"127.0.0.1:{sim.port}") as channel:
            stub = documents_pb2_grpc.DocumentsStub(channel)
            cosine = [m.score for m in (await stub.Search(request)).matches]
            request.ranking_metric = documents_pb2.RANKING_METRIC_L2_DISTANCE
            l2 = [m.score for m in (await stub.Search(request)).matches]
        assert len(cosine) == len(l2) == 2
        assert cosine[0] > cosine[1]  # nearest first either way: higher cosine, lower distance
        assert l2[0] < l2[1]
        for c, d in zip(cosine, l2, strict=True):
            assert d == pytest.approx(math.sqrt(2 - 2 * c), abs=1e-5)
