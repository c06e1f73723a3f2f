"""Hostile input to the REST client: what a broken or malicious server sends, and bad settings.

Each table is one class of hostility; the next case of a class is one line.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from agentrt import errors
from agentrt.xai.chat_request import ChatRequest
from agentrt.xai.client import Client
from agentrt.xai.config import ClientConfig
from agentrt.xai.messages import user
from tests.rest_server import Reply, ScriptedServer, chunk, sse

pytestmark = pytest.mark.e2e

KEY = "sk-hostile-key-999"
REQ = ChatRequest(model="grok-test", messages=(user("Hi"),))
LIMIT = 64 * 1024


def _client(url: str, **kw: Any) -> Client:
    config = ClientConfig(
        endpoint=url,
        api_key=KEY,
        rate_limit_retries=0,
        unavailable_attempts=1,
        max_message_bytes=LIMIT,
        **kw,
    )
    return Client(config=config)


# A unary answer with status 200 that is no chat completion.
UNARY_200 = [
    ("garbage json", Reply(body=b'{"choices": [', content_type="application/json")),
    ("html page", Reply(body=b"<html>hello</html>", content_type="text/html")),
    ("json null", Reply(json=None)),
    ("json list", Reply(json=[1, 2])),
    ("json string", Reply(json="ok")),
    ("no choices", Reply(json={"id": "x"})),
    ("choices not a list", Reply(json={"choices": 5})),
    ("choice not an object", Reply(json={"choices": ["a"]})),
    ("message not an object", Reply(json={"choices": [{"message": 3}]})),
    ("usage not numbers", Reply(json={"choices": [], "usage": {"prompt_tokens": "many"}})),
    ("body over the limit", Reply(body=b'{"a":"' + b"x" * (LIMIT + 10) + b'"}')),
    ("invalid utf-8", Reply(body=b'{"choices": "\xff\xfe"}')),
]


@pytest.mark.parametrize(("case", "reply"), UNARY_200, ids=[c for c, _ in UNARY_200])
async def test_a_bad_200_answer_is_one_typed_error(case: str, reply: Reply) -> None:
    async with ScriptedServer() as server:
        server.script("/chat/completions", reply)
        async with _client(server.url) as client:
            with pytest.raises(errors.APIError) as info:
                await client.chat.complete(REQ)
    assert isinstance(info.value, errors.ServerError | errors.ResponseTooLarge), case
    assert len(str(info.value)) < 3000


def _line(data: bytes) -> bytes:
    return b"data: " + data + b"\n\n"


# A stream that breaks before its first event: the error itself, not StreamInterrupted.
STREAM_FIRST = [
    ("wrong content type", Reply(body=json.dumps({"choices": []}).encode()), errors.ServerError),
    ("garbage event", Reply(events=[_line(b"{nope")]), errors.ServerError),
    ("event not an object", Reply(events=[_line(b"[1]")]), errors.ServerError),
    ("endless line", Reply(events=[b"data: " + b"a" * (2 * LIMIT)]), errors.ResponseTooLarge),
    (
        "2 GiB claimed by many lines",
        Reply(events=[b"data: aaaa\n" * (LIMIT // 2)]),
        errors.ResponseTooLarge,
    ),
    (
        "error event 429",
        Reply(events=sse({"error": {"message": "slow", "code": 429}})),
        errors.RateLimited,
    ),
    (
        "error event by type",
        Reply(events=sse({"error": {"message": "no", "type": "authentication_error"}})),
        errors.AuthenticationError,
    ),
    ("error event as a string", Reply(events=sse({"error": "boom"})), errors.ServerError),
    ("choices not a list", Reply(events=sse({"choices": 5})), errors.ServerError),
    ("choice not an object", Reply(events=sse({"choices": ["a"]})), errors.ServerError),
    ("delta a list", Reply(events=sse({"choices": [{"delta": [1]}]})), errors.ServerError),
    (
        "content a number",
        Reply(events=sse({"choices": [{"delta": {"content": 5}}]})),
        errors.ServerError,
    ),
    (
        "tool calls a string",
        Reply(events=sse({"choices": [{"delta": {"tool_calls": "x"}}]})),
        errors.ServerError,
    ),
]


@pytest.mark.parametrize(("case", "reply", "cls"), STREAM_FIRST, ids=[c[0] for c in STREAM_FIRST])
async def test_a_stream_broken_from_the_start_raises_its_error(
    case: str, reply: Reply, cls: type[Exception]
) -> None:
    async with ScriptedServer() as server:
        server.script("/chat/completions", reply)
        async with _client(server.url) as client:
            with pytest.raises(cls) as info:
                await client.chat.stream(REQ).collect()
    assert KEY not in str(info.value), case


# A stream that breaks after its first event: StreamInterrupted, never replayed.
STREAM_LATER = [
    (
        "usage not numbers",
        Reply(events=sse(chunk("a"), chunk(usage={"prompt_tokens": "many"}))),
        errors.ServerError,
    ),
    (
        "reasoning a dict later",
        Reply(events=sse(chunk("a"), {"choices": [{"delta": {"reasoning_content": {"x": 1}}}]})),
        errors.ServerError,
    ),
    (
        "no [DONE]",
        Reply(events=sse(chunk("a"), chunk("b", finish="stop"), done=False)),
        errors.Unavailable,
    ),
    ("cut connection", Reply(events=sse(chunk("a"), done=False), cut=True), errors.Unavailable),
    (
        "garbage after an event",
        Reply(events=[*sse(chunk("a"), done=False), _line(b"}{")]),
        errors.ServerError,
    ),
    (
        "endless line after an event",
        Reply(events=[*sse(chunk("a"), done=False), b"data: " + b"z" * (2 * LIMIT)]),
        errors.ResponseTooLarge,
    ),
    (
        "error event after an event",
        Reply(events=sse(chunk("a"), {"error": {"message": "x", "code": 500}})),
        errors.ServerError,
    ),
]


@pytest.mark.parametrize(("case", "reply", "cls"), STREAM_LATER, ids=[c[0] for c in STREAM_LATER])
async def test_a_stream_broken_later_is_stream_interrupted(
    case: str, reply: Reply, cls: type[Exception]
) -> None:
    async with ScriptedServer() as server:
        server.script("/chat/completions", reply)
        async with _client(server.url) as client:
            with pytest.raises(errors.StreamInterrupted) as info:
                await client.chat.stream(REQ).collect()
    assert isinstance(info.value.error, cls), (case, info.value.error)
    assert info.value.chunks_received >= 1
    assert len(server.requests) == 1


RESPONSES_STREAMS = [
    (
        "delta not text",
        sse({"type": "response.created"}, {"type": "response.output_text.delta", "delta": 5}),
    ),
    ("type a list", sse({"type": "response.created"}, {"type": ["x"]})),
    (
        "no response.completed",
        sse({"type": "response.output_text.delta", "delta": "a"}, done=False),
    ),
    (
        "completed without a response",
        sse({"type": "response.output_text.delta", "delta": "a"}, {"type": "response.completed"}),
    ),
    (
        "failed",
        sse(
            {"type": "response.created"},
            {
                "type": "response.failed",
                "response": {"status": "failed", "error": {"message": "died"}},
            },
        ),
    ),
]


@pytest.mark.parametrize(
    ("case", "events"), RESPONSES_STREAMS, ids=[c for c, _ in RESPONSES_STREAMS]
)
async def test_a_broken_responses_stream_is_stream_interrupted(
    case: str, events: list[bytes]
) -> None:
    async with ScriptedServer() as server:
        server.script("/responses", Reply(events=events))
        async with _client(server.url, rest_api="responses") as client:
            with pytest.raises(errors.StreamInterrupted):
                await client.chat.stream(REQ).collect()


# Error answers the server dresses up badly: still the right class, a short key-free message.
ERROR_BODIES = [
    ("html 500", 500, b"<html><body>Internal</body></html>", errors.ServerError, "Internal"),
    ("empty 404", 404, b"", errors.NotFound, "HTTP 404"),
    (
        "key echoed",
        401,
        json.dumps({"error": {"message": f"bad key {KEY}"}}).encode(),
        errors.AuthenticationError,
        "***",
    ),
    (
        "xai shape",
        400,
        b'{"code": "Client specified an invalid argument", "error": "bad model"}',
        errors.InvalidRequest,
        "bad model",
    ),
    (
        "huge message",
        400,
        json.dumps({"error": {"message": "m" * 100_000}}).encode(),
        errors.InvalidRequest,
        "mmm",
    ),
    ("unknown 4xx", 418, b"{}", errors.InvalidRequest, "418"),
    ("unknown 5xx", 599, b"{}", errors.ServerError, "599"),
]


@pytest.mark.parametrize(
    ("case", "status", "body", "cls", "shown"), ERROR_BODIES, ids=[c[0] for c in ERROR_BODIES]
)
async def test_an_error_body_of_any_shape_is_the_right_error(
    case: str, status: int, body: bytes, cls: type[Exception], shown: str
) -> None:
    async with ScriptedServer() as server:
        server.script("/chat/completions", Reply(status=status, body=body))
        async with _client(server.url) as client:
            with pytest.raises(cls) as info:
                await client.chat.complete(REQ)
    text = str(info.value)
    assert shown in text
    assert KEY not in text
    assert len(text) < 2200


@pytest.mark.parametrize("header", ["soon", "-5", "nan", "inf", "1e12", ""])
async def test_a_nonsense_retry_after_is_no_hint(header: str) -> None:
    async with ScriptedServer() as server:
        server.script(
            "/chat/completions", Reply(status=429, json={}, headers={"retry-after": header})
        )
        async with _client(server.url) as client:
            with pytest.raises(errors.RateLimited) as info:
                await client.chat.complete(REQ)
    assert info.value.retry_after is None


async def _raw_server(reply: bytes) -> tuple[asyncio.Server, str]:
    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(1024)
        writer.write(reply)
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    return server, f"http://127.0.0.1:{port}/v1"


_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
RAW_REPLIES = [
    ("not http", b"SSH-2.0-OpenSSH\r\n", errors.Unavailable),
    ("nothing", b"", errors.Unavailable),
    ("truncated body", _HEAD + b'100\r\n\r\n{"choi', errors.Unavailable),
    ("2 GiB claimed", _HEAD + b'2147483648\r\n\r\n{"choi', errors.ResponseTooLarge),
]


@pytest.mark.parametrize(("case", "reply", "cls"), RAW_REPLIES, ids=[c[0] for c in RAW_REPLIES])
async def test_a_server_that_breaks_http_is_one_typed_error(
    case: str, reply: bytes, cls: type[Exception]
) -> None:
    server, url = await _raw_server(reply)
    async with server, _client(url) as client:
        with pytest.raises(cls):
            await client.chat.complete(REQ, timeout=10)


async def test_a_refused_connection_is_unavailable() -> None:
    server, url = await _raw_server(b"")
    server.close()
    await server.wait_closed()
    async with _client(url) as client:
        with pytest.raises(errors.Unavailable):
            await client.chat.complete(REQ, timeout=10)


BAD_SETTINGS: list[tuple[str, dict[str, Any]]] = [
    ("ftp url", {"endpoint": "ftp://x.example/v1"}),
    ("url without host", {"endpoint": "http:///v1"}),
    ("port 0", {"endpoint": "http://127.0.0.1:0/v1"}),
    ("port too big", {"endpoint": "http://127.0.0.1:70000/v1"}),
    ("query", {"endpoint": "http://127.0.0.1:8000/v1?key=1"}),
    ("credentials in url", {"endpoint": "http://user:pw@127.0.0.1:8000/v1"}),
    ("rest with host:port", {"endpoint": "127.0.0.1:8000", "protocol": "rest"}),
    ("grpc with a url", {"endpoint": "http://127.0.0.1:8000/v1", "protocol": "grpc"}),
    ("unknown protocol", {"endpoint": "127.0.0.1:8000", "protocol": "soap"}),
    ("unknown rest_api", {"endpoint": "http://127.0.0.1:8000/v1", "rest_api": "graphql"}),
    ("no key for x.ai", {"endpoint": "https://api.x.ai/v1", "api_key": None}),
    (
        "header smuggling",
        {"endpoint": "http://127.0.0.1:8000/v1", "metadata": (("x-a", "b\r\nEvil: 1"),)},
    ),
    (
        "header name with a space",
        {"endpoint": "http://127.0.0.1:8000/v1", "metadata": (("x a", "b"),)},
    ),
    ("key with a line break", {"endpoint": "http://127.0.0.1:8000/v1", "api_key": "sk\nx"}),
]


@pytest.mark.parametrize(("case", "kw"), BAD_SETTINGS, ids=[c for c, _ in BAD_SETTINGS])
def test_bad_settings_are_one_usage_error(
    case: str, kw: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("XAI_API_KEY", raising=False)
    kw.setdefault("api_key", KEY)
    with pytest.raises(errors.UsageError) as info:
        Client(**kw)
    assert KEY not in str(info.value)
    assert "\n" not in str(info.value)


NOT_OVER_REST = ["files", "batch", "collections", "video", "documents"]


@pytest.mark.parametrize("service", NOT_OVER_REST)
def test_services_rest_lacks_name_protocol_grpc(service: str) -> None:
    client = Client(protocol="rest", endpoint="http://127.0.0.1:9/v1", api_key=KEY)
    with pytest.raises(errors.UsageError, match="protocol='grpc'"):
        getattr(client, service).list()


GRPC_ONLY_REQUESTS: list[tuple[str, dict[str, Any]]] = [
    ("agent_count", {"agent_count": 4}),
    ("max_turns", {"max_turns": 3}),
    ("protobuf request", {}),
    ("top_logprobs out of range", {"logprobs": True, "top_logprobs": 9}),
    ("top_logprobs without logprobs", {"top_logprobs": 2}),
]


@pytest.mark.parametrize(("case", "kw"), GRPC_ONLY_REQUESTS, ids=[c for c, _ in GRPC_ONLY_REQUESTS])
async def test_requests_rest_cannot_carry_are_one_usage_error(
    case: str, kw: dict[str, Any]
) -> None:
    client = Client(protocol="rest", endpoint="http://127.0.0.1:9/v1", api_key=KEY)
    request: Any = ChatRequest(model="m", messages=(user("x"),), **kw) if kw else b"raw bytes"
    with pytest.raises(errors.UsageError, match=r"grpc|logprobs"):
        await client.chat.complete(request)
    await client.close()
