"""The REST client's small services and its session's life, end to end against the scripted
aiohttp server of tests/rest_server.py (127.0.0.1, real sockets)."""

from __future__ import annotations

import pytest

from agentrt import errors
from tests.rest_server import Reply, ScriptedServer, completion
from tests.test_restclient import REQ, rest_client

pytestmark = pytest.mark.e2e


async def test_the_small_services_over_rest() -> None:
    async with ScriptedServer() as server:
        models = {
            "models": [
                {
                    "id": "grok-test",
                    "aliases": ["g"],
                    "created": 1700000000,
                    "prompt_text_token_price": 20,
                }
            ]
        }
        server.script("/language-models", Reply(json=models))
        server.script(
            "/tokenize-text",
            Reply(
                json={
                    "token_ids": [{"token_id": 7, "string_token": "hi", "token_bytes": [104, 105]}]
                }
            ),
        )
        server.script(
            "/embeddings",
            Reply(
                json={
                    "model": "e",
                    "data": [
                        {"index": 1, "embedding": [0.5]},
                        {"index": 0, "embedding": [1.0, 2.0]},
                    ],
                }
            ),
        )
        server.script(
            "/images/generations",
            Reply(json={"data": [{"url": "https://img.example/1.png"}, {"b64_json": "QUJD"}]}),
        )
        server.script(
            "/api-key",
            Reply(
                json={
                    "redacted_api_key": "sk-***",
                    "name": "ci",
                    "acls": ["api-key:model:*"],
                    "api_key_blocked": False,
                }
            ),
        )
        async with rest_client(server) as client:
            (model,) = await client.models.list()
            tokens = await client.tokenizer.tokenize("hi", model="grok-test")
            vectors = await client.embeddings.create(["a", "b"], model="e")
            images = await client.images.generate("a cat", model="img", n=2)
            info = await client.auth.api_key_info()
            with pytest.raises(errors.UsageError, match="protocol='grpc'"):
                await client.images.generate("a cat", model="img", aspect_ratio="16:9")
    assert (model.name, model.aliases, model.prices) == (
        "grok-test",
        ("g",),
        {"prompt_text_token_price": 20},
    )
    assert model.created is not None
    assert model.created.year == 2023
    assert [(t.token_id, t.string_token, t.token_bytes) for t in tokens] == [(7, "hi", b"hi")]
    assert vectors.vectors == ((1.0, 2.0), (0.5,))
    assert images.images[0].url == "https://img.example/1.png"
    assert images.images[1].base64 == "data:image/jpeg;base64,QUJD"
    assert (info.redacted_api_key, info.name, info.acls) == ("sk-***", "ci", ("api-key:model:*",))
    bodies = {path: body for path, _, body in server.requests}
    assert bodies["/v1/tokenize-text"] == {"text": "hi", "model": "grok-test"}
    assert bodies["/v1/embeddings"] == {
        "input": ["a", "b"],
        "model": "e",
        "encoding_format": "float",
    }
    assert bodies["/v1/images/generations"] == {
        "prompt": "a cat",
        "model": "img",
        "response_format": "url",
        "n": 2,
    }


async def test_close_closes_the_session_and_the_client_stays_usable() -> None:
    async with ScriptedServer() as server:
        server.script("/chat/completions", Reply(json=completion("ok")))
        client = rest_client(server)
        await client.chat.complete(REQ)
        session = client.transport._session()
        await client.close()
        assert session.closed
        assert (await client.chat.complete(REQ)).content == "ok"  # a new session
        await client.close()


async def test_https_proxy_settings_are_honoured_like_grpc(monkeypatch: pytest.MonkeyPatch) -> None:
    async with ScriptedServer() as proxy:
        proxy.script("/chat/completions", Reply(json=completion("via proxy")))
        monkeypatch.setenv("HTTP_PROXY", proxy.url.removesuffix("/v1"))
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        from agentrt.xai.client import Client

        async with Client(endpoint="http://gateway.invalid:8080/v1", api_key="k") as client:
            assert (await client.chat.complete(REQ, timeout=10)).content == "via proxy"
    assert proxy.requests[0][1]["Host"] == "gateway.invalid:8080"


async def test_many_concurrent_streams_share_one_session() -> None:
    import asyncio

    from tests.rest_server import chunk, sse

    async with ScriptedServer() as server:
        server.script("/chat/completions", Reply(events=sse(chunk("a"), chunk("b", finish="stop"))))
        async with rest_client(server, pool_size=1) as client:
            async with asyncio.TaskGroup() as tg:
                tasks = [tg.create_task(client.chat.stream(REQ).collect()) for _ in range(40)]
            assert {t.result().content for t in tasks} == {"ab"}
            assert len(client.transport._sessions) == 1
    assert len(server.requests) == 40


async def test_no_retry_starts_when_its_wait_would_outlast_the_deadline() -> None:
    import time

    limited = Reply(status=429, json={"error": {"message": "later"}}, headers={"retry-after": "5"})
    async with ScriptedServer() as server:
        server.script("/chat/completions", limited)
        async with rest_client(server) as client:
            start = time.monotonic()
            with pytest.raises(errors.RateLimited) as info:
                await client.chat.complete(REQ, timeout=1)
            assert time.monotonic() - start < 0.9
    assert info.value.retry_after == 5
    assert len(server.requests) == 1
