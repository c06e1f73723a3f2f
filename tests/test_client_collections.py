"""agentrt's Collections and Documents client against the simulator; the management channel."""

from __future__ import annotations

import pytest
from agentrt_protos.xai.api.v1 import collections_pb2 as cpb

from agentrt.errors import (
    DeadlineExceeded,
    IndexingFailed,
    InvalidRequest,
    NotFound,
    UsageError,
)
from agentrt.sim.ragstore import RagLimits
from agentrt.xai.client import Client
from agentrt.xai.collection_types import ChunkConfig, CollectionInfo, FieldDefinition
from agentrt.xai.collection_wire import field_updates
from agentrt.xai.config import management_config
from tests.client_files_helpers import sim_and_client

pytestmark = pytest.mark.e2e

DOCS = {
    "fruit.txt": b"Apples and oranges grow in sunny orchards near the valley.",
    "rocket.txt": b"The rocket engine burns liquid oxygen and kerosene at launch.",
    "bread.txt": b"Sourdough bread needs a lively starter and a long slow rise.",
}


async def test_create_get_update_list_delete() -> None:
    chunking = ChunkConfig(unit="chars", max_size=300, overlap=20, strip_whitespace=True)
    fields = (FieldDefinition(key="author", required=True, description="who wrote it"),)
    async with sim_and_client() as (_, client):
        made = await client.collections.create(
            "papers", description="my papers", chunking=chunking, metric="cosine", fields=fields
        )
        assert isinstance(made, CollectionInfo)
        assert (made.name, made.description, made.chunking, made.fields) == (
            "papers",
            "my papers",
            chunking,
            fields,
        )
        assert made.index_model
        assert await client.collections.get(made.id) == made
        extra = FieldDefinition(key="year")
        changed = await client.collections.update(
            made.id,
            name="papers-2",
            description="renamed",
            add_fields=[extra],
            remove_fields=["author"],
        )
        # the simulator keeps field definitions as created (field updates: see below)
        assert (changed.name, changed.description, changed.fields) == (
            "papers-2",
            "renamed",
            fields,
        )
        for n in range(3):
            await client.collections.create(f"c{n}")
        names = [
            c.name async for c in client.collections.list(page_size=2, sort_by="name", order="asc")
        ]
        assert names == ["c0", "c1", "c2", "papers-2"]
        await client.collections.delete(made.id)
        with pytest.raises(NotFound, match=made.id):
            await client.collections.get(made.id)


def test_field_updates_add_then_remove_by_key() -> None:
    updates = field_updates([FieldDefinition(key="year", unique=True)], ["author"])
    assert [(u.field_definition.key, u.operation) for u in updates] == [
        ("year", cpb.FIELD_DEFINITION_ADD),
        ("author", cpb.FIELD_DEFINITION_DELETE),
    ]
    assert updates[0].field_definition.unique


async def test_resolve_by_id_by_name_none_and_ambiguous() -> None:
    async with sim_and_client() as (_, client):
        one = await client.collections.create("unique")
        await client.collections.create("twin")
        await client.collections.create("twin")
        assert (await client.collections.resolve(one.id)).id == one.id
        assert (await client.collections.resolve("unique")).id == one.id
        with pytest.raises(NotFound, match="'nothing'"):
            await client.collections.resolve("nothing")
        with pytest.raises(UsageError, match="2 collections are named 'twin'"):
            await client.collections.resolve("twin")


async def test_documents_upload_wait_list_get_update_reindex_remove() -> None:
    async with sim_and_client(files=RagLimits(index_delay_s=0.3)) as (_, client):
        col = (await client.collections.create("docs", fields=[FieldDefinition(key="topic")])).id
        first = await client.collections.upload_document(
            col, DOCS["fruit.txt"], filename="fruit.txt", fields={"topic": "food"}
        )
        assert (first.name, first.status, first.fields) == (
            "fruit.txt",
            "processing",
            {"topic": "food"},
        )
        done = await client.collections.upload_document(
            col, DOCS["rocket.txt"], filename="rocket.txt", wait=True
        )
        assert done.status == "processed"
        assert done.chunk_count == done.chunks_processed_count == 1
        file_id = (await client.files.upload(DOCS["bread.txt"], filename="bread.txt")).id
        await client.collections.add_document(col, file_id, fields={"topic": "baking"})
        ready = await client.collections.wait_indexed(col, [file_id, first.file_id], timeout=5)
        assert [(d.file_id, d.status) for d in ready] == [
            (file_id, "processed"),
            (first.file_id, "processed"),
        ]
        listed = [
            d.name
            async for d in client.collections.list_documents(
                col, page_size=2, sort_by="name", order="asc"
            )
        ]
        assert listed == ["bread.txt", "fruit.txt", "rocket.txt"]
        got = await client.collections.batch_get_documents(col, [done.file_id, file_id])
        assert {d.file_id for d in got} == {done.file_id, file_id}
        renamed = await client.collections.update_document(
            col, file_id, name="loaf.txt", fields={"topic": "bread"}
        )
        assert (renamed.name, renamed.fields) == ("loaf.txt", {"topic": "bread"})
        await client.collections.reindex_document(col, file_id)
        assert (await client.collections.get_document(col, file_id)).status == "processing"
        await client.collections.remove_document(col, file_id)
        with pytest.raises(NotFound):
            await client.collections.get_document(col, file_id)
        assert (await client.collections.get(col)).documents_count == 2
        assert "document" in await client.collections.generate_description(col)


async def test_wait_indexed_raises_on_failure_and_on_timeout() -> None:
    async with sim_and_client(files=RagLimits(index_delay_s=30, max_indexed_bytes=100)) as (
        _,
        client,
    ):
        col = (await client.collections.create("docs")).id
        big = await client.collections.upload_document(col, b"x" * 200, filename="big.txt")
        with pytest.raises(IndexingFailed, match="is 200 bytes") as failed:
            await client.collections.wait_indexed(col, [big.file_id], timeout=5)
        assert [d.file_id for d in failed.value.documents] == [big.file_id]
        slow = await client.collections.upload_document(col, b"small", filename="s.txt")
        with pytest.raises(DeadlineExceeded, match=f"not indexed after 0.3 s: {slow.file_id}"):
            await client.collections.wait_indexed(col, [slow.file_id], timeout=0.3)


async def test_upload_document_to_a_missing_collection_leaves_no_file() -> None:
    async with sim_and_client() as (_, client):
        with pytest.raises(NotFound, match="collection_nope"):
            await client.collections.upload_document("collection_nope", b"x", filename="x.txt")
        assert [f async for f in client.files.list()] == []


@pytest.mark.parametrize("mode", ["hybrid", "semantic", "keyword", None])
async def test_search_in_each_mode_finds_the_right_chunk_first(mode: str | None) -> None:
    async with sim_and_client() as (_, client):
        col = (await client.collections.create("docs")).id
        ids = {}
        for name, data in DOCS.items():
            ids[name] = (await client.collections.upload_document(col, data, filename=name)).file_id
        await client.collections.wait_indexed(col, list(ids.values()), timeout=5)
        matches = await client.documents.search(
            "rocket engine oxygen",
            collection_ids=[col],
            mode=mode,
            limit=3,  # type: ignore[arg-type]
        )
        assert matches[0].file_id == ids["rocket.txt"]
        assert matches[0].collection_ids == (col,)
        assert "liquid oxygen" in matches[0].chunk_content


@pytest.mark.parametrize(
    ("settings", "words"),
    [
        ({"rrf_k": 20_000}, "k must be 1..10000"),
        ({"search_multiplier": 11}, "search_multiplier 1..10"),
        ({"mode": "hybrid", "embedding_weight": -1.0}, "weights must be >= 0"),
    ],
)
async def test_hybrid_settings_reach_the_service(settings: dict[str, object], words: str) -> None:
    async with sim_and_client() as (_, client):
        col = (await client.collections.create("docs")).id
        doc = await client.collections.upload_document(
            col, b"hello world", filename="h.txt", wait=True
        )
        assert doc.status == "processed"
        with pytest.raises(InvalidRequest, match=words):
            await client.documents.search("hello", collection_ids=[col], **settings)  # type: ignore[arg-type]
        fused = await client.documents.search(
            "hello",
            collection_ids=[col],
            rrf_k=10,
            embedding_weight=0.2,
            text_weight=0.8,
            search_multiplier=3,
        )
        assert [m.file_id for m in fused] == [doc.file_id]


# The management channel: where it goes and with which key (unit tests of the config).

MGMT_ENV = (
    "AGENTRT_MANAGEMENT_ENDPOINT",
    "XAI_MANAGEMENT_API_KEY",
    "XAI_MANAGEMENT_KEY",
    "AGENTRT_ENDPOINT",
)


@pytest.fixture
def clean(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in MGMT_ENV:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.mark.parametrize(
    ("kwargs", "env", "endpoint"),
    [
        ({"endpoint": "127.0.0.1:9"}, {}, "127.0.0.1:9"),  # a simulator serves both
        ({"endpoint": "api.x.ai:443"}, {}, "management-api.x.ai:443"),
        ({"endpoint": "eu-west.api.x.ai:443"}, {}, "management-api.x.ai:443"),
        ({"endpoint": "127.0.0.1:9"}, {"AGENTRT_MANAGEMENT_ENDPOINT": "10.0.0.1:7"}, "10.0.0.1:7"),
        (
            {"endpoint": "127.0.0.1:9", "management_endpoint": "127.0.0.1:8"},
            {"AGENTRT_MANAGEMENT_ENDPOINT": "10.0.0.1:7"},
            "127.0.0.1:8",
        ),
    ],
)
def test_management_endpoint_precedence(
    clean: pytest.MonkeyPatch, kwargs: dict[str, str], env: dict[str, str], endpoint: str
) -> None:
    for name, value in env.items():
        clean.setenv(name, value)
    client = Client(api_key="k", management_api_key="m", **kwargs)
    assert client.config.management_endpoint == endpoint
    assert management_config(client.config).endpoint == endpoint
    assert management_config(client.config).pool_size == 1


@pytest.mark.parametrize(
    ("explicit", "env", "key"),
    [
        ("explicit-m", {"XAI_MANAGEMENT_API_KEY": "env-m"}, "explicit-m"),
        (None, {"XAI_MANAGEMENT_API_KEY": "env-m", "XAI_MANAGEMENT_KEY": "sdk-m"}, "env-m"),
        (None, {"XAI_MANAGEMENT_KEY": "sdk-m"}, "sdk-m"),
        (None, {}, "api-k"),  # off x.ai, the API key is used
    ],
)
def test_management_key_precedence(
    clean: pytest.MonkeyPatch, explicit: str | None, env: dict[str, str], key: str
) -> None:
    for name, value in env.items():
        clean.setenv(name, value)
    client = Client(api_key="api-k", endpoint="127.0.0.1:9", management_api_key=explicit)
    assert management_config(client.config).api_key == key


async def test_x_ai_without_a_management_key_fails_at_the_call_not_before(
    clean: pytest.MonkeyPatch,
) -> None:
    client = Client(api_key="k", endpoint="api.x.ai:443")  # constructing is fine
    with pytest.raises(UsageError, match="set XAI_MANAGEMENT_API_KEY"):
        await client.collections.get("collection_x")
    with pytest.raises(UsageError, match="set XAI_MANAGEMENT_API_KEY"):
        [c async for c in client.collections.list()]
    await client.close()


async def test_management_key_never_shown(clean: pytest.MonkeyPatch) -> None:
    secret = "mgmt-secret-value"
    clean.setenv("XAI_MANAGEMENT_API_KEY", secret)
    client = Client(api_key="k", endpoint="127.0.0.1:1", timeout=2)
    texts = [repr(client), str(client), repr(client.config), repr(management_config(client.config))]
    texts.append(repr(client._management_transport()))
    with pytest.raises(Exception) as info:  # noqa: PT011 - any failure: none may show the key
        await client.collections.get("collection_x")
    err: BaseException | None = info.value
    while err is not None:
        texts += [str(err), repr(err)]
        err = err.__cause__
    await client.close()
    assert client.config.management_api_key == secret
    assert not [t for t in texts if secret in t]
