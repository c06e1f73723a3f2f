"""The simulator's REST door beside chat: models, embeddings, images, tokenize, api-key.

The official ``openai`` SDK, unchanged, is the referee where it has a method; tokenize
and api-key (xAI's own endpoints) are read with aiohttp. Each answer is checked against
what the gRPC door says for the same question.
"""

from __future__ import annotations

import base64
import struct
from collections.abc import AsyncIterator

import aiohttp
import grpc
import openai
import pytest
from agentrt_protos.xai.api.v1 import (
    auth_pb2_grpc,
    embed_pb2,
    embed_pb2_grpc,
    tokenize_pb2,
    tokenize_pb2_grpc,
)
from google.protobuf import empty_pb2

from agentrt.sim.server import Simulator

KEY = "sk-sim-rest-key"
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator(http_port=0, api_key=KEY) as running:
        yield running


@pytest.fixture
async def client(sim: Simulator) -> AsyncIterator[openai.AsyncOpenAI]:
    async with openai.AsyncOpenAI(base_url=sim.rest_url, api_key=KEY, max_retries=0) as c:
        yield c


def _grpc_metadata() -> tuple[tuple[str, str]]:
    return (("authorization", f"Bearer {KEY}"),)


async def test_models_list_and_retrieve(client: openai.AsyncOpenAI) -> None:
    ids = [m.id async for m in client.models.list()]
    assert {"grok-4-0709", "grok-embed-1", "grok-2-image-1212"} <= set(ids)
    model = await client.models.retrieve("grok-4")  # an alias finds its model
    assert (model.id, model.object, model.owned_by) == ("grok-4-0709", "model", "xai")
    with pytest.raises(openai.NotFoundError, match="no-such-model"):
        await client.models.retrieve("no-such-model")


@pytest.mark.parametrize(
    ("path", "name", "price"),
    [
        ("language-models", "grok-3", "completion_text_token_price"),
        ("embedding-models", "grok-embed-1", "prompt_text_token_price"),
        ("image-generation-models", "grok-2-image-1212", "image_price"),
    ],
)
async def test_xai_detailed_models(sim: Simulator, path: str, name: str, price: str) -> None:
    headers = {"authorization": f"Bearer {KEY}"}
    async with aiohttp.ClientSession(headers=headers) as http:
        async with http.get(f"{sim.rest_url}/{path}") as resp:
            listed = (await resp.json())["models"]
        async with http.get(f"{sim.rest_url}/{path}/{name}") as resp:
            one = await resp.json()
        async with http.get(f"{sim.rest_url}/{path}/grok-nothing") as resp:
            assert resp.status == 404
    assert one in listed
    assert one["id"] == name
    assert one[price] > 0
    assert one["fingerprint"].startswith("fp_sim_")
    assert "text" in one["input_modalities"]


async def test_a_wrong_key_is_an_authentication_error(sim: Simulator) -> None:
    async with openai.AsyncOpenAI(base_url=sim.rest_url, api_key="wrong", max_retries=0) as c:
        with pytest.raises(openai.AuthenticationError):
            await c.models.list()
        with pytest.raises(openai.AuthenticationError):
            await c.embeddings.create(model="grok-embed-1", input="x")


async def _grpc_vector(sim: Simulator, text: str) -> list[float]:
    async with grpc.aio.insecure_channel(sim.address) as channel:
        reply = await embed_pb2_grpc.EmbedderStub(channel).Embed(
            embed_pb2.EmbedRequest(input=[embed_pb2.EmbedInput(string=text)], model="grok-embed-1"),
            metadata=_grpc_metadata(),
        )
    return list(reply.embeddings[0].embeddings[0].float_array)


async def test_embeddings_float_and_base64_are_the_grpc_vector(
    sim: Simulator, client: openai.AsyncOpenAI
) -> None:
    texts = ["the quick brown fox", "jumps over"]
    floats = await client.embeddings.create(
        model="grok-embed-1", input=texts, encoding_format="float"
    )
    packed = await client.embeddings.create(model="grok-embed-1", input=texts)  # SDK: base64
    assert [d.index for d in floats.data] == [0, 1]
    assert floats.usage.prompt_tokens == floats.usage.total_tokens == 6
    for a, b in zip(floats.data, packed.data, strict=True):
        assert len(a.embedding) == 64
        assert list(a.embedding) == pytest.approx(list(b.embedding), abs=0)
    assert list(floats.data[0].embedding) == await _grpc_vector(sim, texts[0])
    raw = await client.embeddings.with_raw_response.create(
        model="grok-embed-1", input="x", encoding_format="base64"
    )
    body = raw.http_response.json()["data"][0]["embedding"]
    assert list(struct.unpack("<64f", base64.b64decode(body))) == await _grpc_vector(sim, "x")


async def test_embeddings_refuse_bad_input(client: openai.AsyncOpenAI) -> None:
    with pytest.raises(openai.BadRequestError, match="input"):
        await client.embeddings.create(model="grok-embed-1", input=[])
    with pytest.raises(openai.NotFoundError, match="grok-3"):
        await client.embeddings.create(model="grok-3", input="x")


async def test_images_url_and_b64(sim: Simulator, client: openai.AsyncOpenAI) -> None:
    urls = await client.images.generate(model="grok-2-image", prompt="a red fox", n=2)
    assert len(urls.data) == 2
    async with aiohttp.ClientSession() as http:
        for image in urls.data:
            assert image.url is not None
            async with http.get(image.url) as resp:
                assert resp.status == 200
                assert (await resp.read()).startswith(PNG)
    inline = await client.images.generate(
        model="grok-2-image", prompt="a red fox", response_format="b64_json"
    )
    assert inline.data[0].b64_json is not None
    assert base64.b64decode(inline.data[0].b64_json).startswith(PNG)
    with pytest.raises(openai.BadRequestError, match="n must be between 1 and 10"):
        await client.images.generate(model="grok-2-image", prompt="x", n=11)


async def test_image_size_picks_the_aspect_ratio(client: openai.AsyncOpenAI) -> None:
    wide = await client.images.generate(
        model="grok-2-image", prompt="sea", size="1536x1024", response_format="b64_json"
    )
    assert wide.data[0].b64_json is not None
    png = base64.b64decode(wide.data[0].b64_json)
    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk
    assert (width, height) == (16, 11)  # the simulator's 3:2 at 1k
    with pytest.raises(openai.BadRequestError, match="size"):
        await client.images.generate(model="grok-2-image", prompt="sea", size="1000x999")


async def test_tokenize_is_the_grpc_tokenizer(sim: Simulator) -> None:
    text = "Hello world! 12345"
    headers = {"authorization": f"Bearer {KEY}"}
    async with (
        aiohttp.ClientSession(headers=headers) as http,
        http.post(f"{sim.rest_url}/tokenize-text", json={"text": text, "model": "grok-3"}) as resp,
    ):
        tokens = (await resp.json())["token_ids"]
    async with grpc.aio.insecure_channel(sim.address) as channel:
        reply = await tokenize_pb2_grpc.TokenizeStub(channel).TokenizeText(
            tokenize_pb2.TokenizeTextRequest(text=text, model="grok-3"),
            metadata=_grpc_metadata(),
        )
    assert [t["token_id"] for t in tokens] == [t.token_id for t in reply.tokens]
    assert "".join(t["string_token"] for t in tokens) == text
    assert bytes(b for t in tokens for b in t["token_bytes"]) == text.encode()


async def test_api_key_is_the_grpc_answer_without_the_key(sim: Simulator) -> None:
    headers = {"authorization": f"Bearer {KEY}"}
    async with aiohttp.ClientSession(headers=headers) as http:
        async with http.get(f"{sim.rest_url}/api-key") as resp:
            raw = await resp.text()
            info = await resp.json()
        async with http.get(f"{sim.rest_url}/api-key", headers={"authorization": "Bearer no"}) as r:
            assert r.status == 401
    async with grpc.aio.insecure_channel(sim.address) as channel:
        key = await auth_pb2_grpc.AuthStub(channel).get_api_key_info(
            empty_pb2.Empty(), metadata=_grpc_metadata()
        )
    assert KEY not in raw
    assert info["redacted_api_key"] == key.redacted_api_key
    assert info["api_key_id"] == key.api_key_id
    assert info["acls"] == list(key.acls)
    assert info["create_time"] == "2025-01-01T00:00:00Z"
    assert info["api_key_disabled"] is False
