"""The simulator's REST files endpoints, with the official ``openai`` SDK as the referee."""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import AsyncIterator

import aiohttp
import grpc
import openai
import pytest
from agentrt_protos.xai.api.v1 import files_pb2, files_pb2_grpc

from agentrt.sim.ragstore import RagLimits
from agentrt.sim.server import Simulator

KEY = "sk-sim-files"


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator(http_port=0, api_key=KEY) as running:
        yield running


@pytest.fixture
async def client(sim: Simulator) -> AsyncIterator[openai.AsyncOpenAI]:
    async with openai.AsyncOpenAI(
        base_url=sim.rest_url, api_key=KEY, max_retries=0, timeout=30
    ) as c:
        yield c


async def test_a_20_mb_file_round_trips(client: openai.AsyncOpenAI) -> None:
    data = os.urandom(20 * 1024 * 1024)
    made = await client.files.create(file=("big.bin", data), purpose="user_data")
    assert (made.object, made.bytes, made.filename) == ("file", len(data), "big.bin")
    assert (made.purpose, made.status) == ("user_data", "processed")
    got = await client.files.retrieve(made.id)
    assert got.model_dump() == made.model_dump()
    content = await client.files.content(made.id)
    assert hashlib.sha256(content.content).digest() == hashlib.sha256(data).digest()
    deleted = await client.files.delete(made.id)
    assert (deleted.id, deleted.deleted) == (made.id, True)
    with pytest.raises(openai.NotFoundError, match=made.id):
        await client.files.retrieve(made.id)
    with pytest.raises(openai.NotFoundError):
        await client.files.content(made.id)


async def test_list_is_newest_first_pages_and_filters_by_purpose(
    client: openai.AsyncOpenAI,
) -> None:
    ids = []
    for n, purpose in enumerate(["batch", "user_data", "batch"]):
        made = await client.files.create(file=(f"f{n}.jsonl", b"{}\n"), purpose=purpose)  # type: ignore[arg-type]
        ids.append(made.id)
    listed = [f.id async for f in client.files.list(limit=1)]  # one per page: the cursor works
    assert set(ids) <= set(listed)
    mine = [i for i in listed if i in ids]
    assert len(mine) == 3
    oldest_first = [f.id async for f in client.files.list(order="asc") if f.id in ids]
    assert oldest_first == list(reversed(mine))
    batch = [f.id async for f in client.files.list(purpose="batch")]
    assert sorted(batch) == sorted([ids[0], ids[2]])


async def test_a_rest_upload_is_the_grpc_store(sim: Simulator, client: openai.AsyncOpenAI) -> None:
    made = await client.files.create(file=("notes.txt", b"hello over rest"), purpose="assistants")
    async with grpc.aio.insecure_channel(sim.address) as channel:
        stub = files_pb2_grpc.FilesStub(channel)
        chunks = stub.RetrieveFileContent(
            files_pb2.RetrieveFileContentRequest(file_id=made.id),
            metadata=(("authorization", f"Bearer {KEY}"),),
        )
        data = b"".join([c.data async for c in chunks])
    assert data == b"hello over rest"


async def test_bad_uploads_are_the_sdks_errors(sim: Simulator, client: openai.AsyncOpenAI) -> None:
    with pytest.raises(openai.BadRequestError, match="purpose"):
        await client.files.create(file=("x.txt", b"x"), purpose="Not A Purpose!")  # type: ignore[arg-type]
    async with openai.AsyncOpenAI(base_url=sim.rest_url, api_key="bad", max_retries=0) as bad:
        with pytest.raises(openai.AuthenticationError):
            await bad.files.create(file=("x.txt", b"x"), purpose="batch")
        with pytest.raises(openai.AuthenticationError):
            await bad.files.list()


async def test_faults_reach_the_files_endpoints(client: openai.AsyncOpenAI) -> None:
    with pytest.raises(openai.RateLimitError) as limited:
        await client.files.list(extra_headers={"x-sim-fault": "resource_exhausted"})
    assert int(limited.value.response.headers["retry-after"]) >= 1
    with pytest.raises(openai.InternalServerError) as down:
        await client.files.create(
            file=("x.bin", b"x" * 1_000_000),
            purpose="user_data",
            extra_headers={"x-sim-fault": "abort", "x-sim-abort-after": "1"},
        )
    assert down.value.status_code == 503
    assert [f async for f in client.files.list()] == []  # nothing was stored


async def test_a_download_cut_by_a_fault_is_a_short_body(sim: Simulator) -> None:
    headers = {"authorization": f"Bearer {KEY}"}
    form = aiohttp.FormData()
    form.add_field("purpose", "user_data")
    form.add_field("file", io.BytesIO(b"y" * 3_000_000), filename="three.bin")
    async with aiohttp.ClientSession(headers=headers) as http:
        async with http.post(f"{sim.rest_url}/files", data=form) as resp:
            file_id = (await resp.json())["id"]
        cut = {"x-sim-fault": "abort", "x-sim-abort-after": "1"}
        async with http.get(f"{sim.rest_url}/files/{file_id}/content", headers=cut) as resp:
            assert resp.status == 200
            assert resp.content_length == 3_000_000
            with pytest.raises(aiohttp.ClientPayloadError):
                await resp.read()


async def test_xai_form_purpose_optional_and_a_plain_expiry(sim: Simulator) -> None:
    form = aiohttp.FormData()
    form.add_field("expires_after", "7200")  # xAI's plain form, before the file
    form.add_field("file", b"plain", filename="plain.txt")
    headers = {"authorization": f"Bearer {KEY}"}
    async with (
        aiohttp.ClientSession(headers=headers) as http,
        http.post(f"{sim.rest_url}/files", data=form) as resp,
    ):
        assert resp.status == 200
        made = await resp.json()
    assert made["purpose"] == "assistants"  # xAI's label when none is sent
    assert made["expires_at"] == made["created_at"] + 7200


async def test_the_sdks_expiry_form(client: openai.AsyncOpenAI) -> None:
    made = await client.files.create(
        file=("e.txt", b"e"),
        purpose="batch",
        expires_after={"anchor": "created_at", "seconds": 3600},
    )
    assert made.expires_at == made.created_at + 3600


async def test_xai_listing_sorts_and_pages_with_a_token(
    sim: Simulator, client: openai.AsyncOpenAI
) -> None:
    for size in (3, 1, 2):
        await client.files.create(file=(f"s{size}.bin", b"z" * size), purpose="user_data")
    headers = {"authorization": f"Bearer {KEY}"}
    sizes, token = [], None
    async with aiohttp.ClientSession(headers=headers) as http:
        while True:
            query = {"sort_by": "size", "order": "asc", "limit": "2"}
            if token is not None:
                query["pagination_token"] = token
            async with http.get(f"{sim.rest_url}/files", params=query) as resp:
                page = await resp.json()
            sizes += [f["bytes"] for f in page["data"]]
            token = page["pagination_token"]
            if token is None:
                break
    assert sizes == [1, 2, 3]


async def test_a_file_over_the_limit_is_a_413_the_sdk_reads() -> None:
    async with Simulator(http_port=0, files=RagLimits(max_file_bytes=1 << 20)) as sim:
        c = openai.AsyncOpenAI(base_url=sim.rest_url, api_key="k", max_retries=0)
        async with c:
            with pytest.raises(openai.APIStatusError, match="larger than max") as big:
                # far more than the limit: the refusal comes while the SDK is still sending
                await c.files.create(file=("big.bin", b"x" * (30 << 20)), purpose="batch")
            assert big.value.status_code == 413
            assert [f async for f in c.files.list()] == []
