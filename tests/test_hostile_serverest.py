"""Hostile requests against ``agentrt serve``'s HTTP door: each refused with OpenAI's error body.

Each table row is one abusive request; the next case of a class is one more
row. Every refusal is the right HTTP status with ``{"error": {"message", "type",
"param", "code"}}`` naming what to fix, no run is left in flight, and the
server still answers a fair request afterwards: nothing a request sends crashes it.
"""

from __future__ import annotations

import asyncio
import io
import json
import socket
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from agentrt.serve.auth import TokenAuth
from agentrt.serve.catalog import Catalog
from agentrt.serve.server import AgentServer
from agentrt.sim import Simulator
from agentrt.xai.client import Client
from tests.conftest import run_agentrt

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

PROBE = Path(__file__).resolve().parent / "serve_agents" / "probe.yaml"
TOKEN = "hostile-test-token"
AUTH = {"authorization": f"Bearer {TOKEN}"}
FAIR_RESPONSE = {"model": "probe", "input": "hi"}
FAIR_CHAT = {"model": "probe", "messages": [{"role": "user", "content": "hi"}]}


def user(text: str) -> dict[str, Any]:
    return {"role": "user", "content": text}


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def server() -> AsyncIterator[AgentServer]:
    async with (
        Simulator() as sim,
        Client(endpoint=sim.address) as client,
        AgentServer(Catalog.from_paths([PROBE]), client, TokenAuth([TOKEN]), http_port=0) as served,
    ):
        yield served


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def call(
    http: aiohttp.ClientSession,
    server: AgentServer,
    path: str,
    body: bytes | None,
    *,
    method: str = "POST",
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, Any]]:
    url = f"http://{server.http_address}{path}"
    data = None if body is None else io.BytesIO(body)  # a large bytes body warns
    headers = AUTH if headers is None else headers
    async with http.request(method, url, data=data, headers=headers) as response:
        return response.status, json.loads(await response.read())


def with_(base: dict[str, Any], **fields: Any) -> bytes:
    return json.dumps({**base, **fields}).encode()


# path, body, status, words the message says, the param named
HOSTILE_BODIES: list[tuple[str, bytes, int, str, str | None]] = [
    # the body itself
    ("/v1/responses", b"{", 400, "not valid JSON", None),
    ("/v1/responses", b"", 400, "not valid JSON", None),
    ("/v1/responses", b"\xff\xfe\x00", 400, "not valid JSON", None),
    ("/v1/responses", b"[" * 200_000, 400, "not valid JSON", None),
    ("/v1/responses", b"[]", 400, "JSON object", None),
    ("/v1/responses", b'"probe"', 400, "JSON object", None),
    ("/v1/responses", b"x" * 2_000_000, 413, "limit of 1048576 bytes", None),
    ("/v1/chat/completions", with_(FAIR_CHAT, pad="x" * 1_100_000), 413, "bytes", None),
    # model
    ("/v1/responses", b'{"input": "hi"}', 400, "'model' is required", "model"),
    ("/v1/responses", with_(FAIR_RESPONSE, model=5), 400, "non-empty string", "model"),
    ("/v1/responses", with_(FAIR_RESPONSE, model=""), 400, "non-empty string", "model"),
    ("/v1/responses", with_(FAIR_RESPONSE, model="nobody"), 404, "runs: probe", "model"),
    ("/v1/responses", with_(FAIR_RESPONSE, model="../../etc/passwd"), 404, "runs: probe", "model"),
    ("/v1/chat/completions", with_(FAIR_CHAT, model=None), 400, "'model' is required", "model"),
    # input (responses)
    ("/v1/responses", b'{"model": "probe"}', 400, "'input' is required", "input"),
    ("/v1/responses", with_(FAIR_RESPONSE, input=5), 400, "string or a list", "input"),
    ("/v1/responses", with_(FAIR_RESPONSE, input=""), 400, "must not be empty", "input"),
    ("/v1/responses", with_(FAIR_RESPONSE, input="   "), 400, "input is empty", None),
    ("/v1/responses", with_(FAIR_RESPONSE, input=[]), 400, "non-empty list", "input"),
    ("/v1/responses", with_(FAIR_RESPONSE, input=[5]), 400, "an object", "input[0]"),
    (
        "/v1/responses",
        with_(FAIR_RESPONSE, input=[{"role": "wizard"}]),
        400,
        "one of",
        "input[0].role",
    ),
    (
        "/v1/responses",
        with_(FAIR_RESPONSE, input=[{"role": "user", "content": [{"type": "input_image"}]}]),
        400,
        "an image needs an http(s):// or data: URL",
        "input[0].content[0]",
    ),
    (
        "/v1/responses",
        with_(FAIR_RESPONSE, input=[user("hi"), {"role": "assistant", "content": "yo"}]),
        400,
        "end with a user message",
        "input",
    ),
    (
        "/v1/responses",
        with_(FAIR_RESPONSE, input=[user("x")] * 10_000),
        400,
        "at most 1000",
        "input",
    ),
    ("/v1/responses", with_(FAIR_RESPONSE, input="x" * 300_000), 400, "at most 262144", None),
    (
        "/v1/responses",
        with_(FAIR_RESPONSE, input=[{"type": "computer_call"}, user("hi")]),
        400,
        "must be message, function_call",
        "input[0].type",
    ),
    (
        "/v1/responses",
        with_(FAIR_RESPONSE, input=[{"type": "function_call", "name": 5}, user("hi")]),
        400,
        "must be a string",
        "input[0].call_id",
    ),
    ("/v1/responses", b'{"model": "probe", "input": "hi \\ud800"}', 400, "not valid UTF-8", None),
    (
        "/v1/chat/completions",
        b'{"model": "probe", "messages": [{"role": "user", "content": "\\udfff"}]}',
        400,
        "not valid UTF-8",
        None,
    ),
    # the other fields (responses)
    ("/v1/responses", with_(FAIR_RESPONSE, stream="yes"), 400, "true or false", "stream"),
    ("/v1/responses", with_(FAIR_RESPONSE, stream=1), 400, "true or false", "stream"),
    ("/v1/responses", with_(FAIR_RESPONSE, instructions=5), 400, "a string", "instructions"),
    ("/v1/responses", with_(FAIR_RESPONSE, metadata=["a"]), 400, "object of strings", "metadata"),
    (
        "/v1/responses",
        with_(FAIR_RESPONSE, metadata={"k": 5}),
        400,
        "object of strings",
        "metadata",
    ),
    (
        "/v1/responses",
        with_(FAIR_RESPONSE, metadata={str(i): "v" for i in range(100)}),
        400,
        "at most 64",
        None,
    ),
    ("/v1/responses", with_(FAIR_RESPONSE, variables={"nope": "x"}), 400, "no variable", None),
    (
        "/v1/responses",
        with_(FAIR_RESPONSE, tools=[{"type": "function"}]),
        400,
        "own tools",
        "tools",
    ),
    (
        "/v1/responses",
        with_(FAIR_RESPONSE, previous_response_id="resp_1"),
        400,
        "keeps no responses",
        "previous_response_id",
    ),
    # chat completions
    ("/v1/chat/completions", b'{"model": "probe"}', 400, "non-empty list", "messages"),
    ("/v1/chat/completions", with_(FAIR_CHAT, messages={}), 400, "non-empty list", "messages"),
    (
        "/v1/chat/completions",
        with_(FAIR_CHAT, messages=[{"role": "user"}]),
        400,
        "input is empty",
        None,
    ),
    (
        "/v1/chat/completions",
        with_(FAIR_CHAT, messages=[{"role": "tool", "content": "x"}, user("hi")]),
        400,
        "must be a string",
        "messages[0].tool_call_id",
    ),
    (
        "/v1/chat/completions",
        with_(FAIR_CHAT, messages=[{"role": "assistant", "tool_calls": "x"}, user("hi")]),
        400,
        "non-empty list",
        "messages[0].tool_calls",
    ),
    (
        "/v1/chat/completions",
        with_(FAIR_CHAT, messages=[user("x")] * 10_000),
        400,
        "at most 1000",
        "messages",
    ),
    ("/v1/chat/completions", with_(FAIR_CHAT, n=2), 400, "'n' must be 1", "n"),
    ("/v1/chat/completions", with_(FAIR_CHAT, n=-1), 400, "'n' must be 1", "n"),
    (
        "/v1/chat/completions",
        with_(FAIR_CHAT, stream_options="x"),
        400,
        "an object",
        "stream_options",
    ),
    (
        "/v1/chat/completions",
        with_(FAIR_CHAT, stream=True, stream_options={"include_usage": "yes"}),
        400,
        "true or false",
        "include_usage",
    ),
]


@pytest.mark.parametrize(("path", "body", "status", "says", "param"), HOSTILE_BODIES)
async def test_a_hostile_body_is_refused_with_the_openai_error_body(
    server: AgentServer,
    http: aiohttp.ClientSession,
    path: str,
    body: bytes,
    status: int,
    says: str,
    param: str | None,
) -> None:
    got, answer = await call(http, server, path, body)
    assert got == status, answer
    error = answer["error"]
    assert says in error["message"]
    assert error["param"] == param
    assert error["type"]
    assert server.service.slots.in_flight == 0


async def test_a_huge_body_without_a_length_is_cut_off_at_the_limit(
    server: AgentServer, http: aiohttp.ClientSession
) -> None:
    async def chunks() -> AsyncIterator[bytes]:  # chunked: no Content-Length to refuse early
        yield b'{"model": "probe", "input": "'
        for _ in range(40):
            yield b"x" * 65536

    url = f"http://{server.http_address}/v1/responses"
    async with http.post(url, data=chunks(), headers=AUTH) as response:
        assert response.status == 413
        answer = await response.json()
    assert "limit of 1048576 bytes" in answer["error"]["message"]


# method, path, headers, status, words the message says
HOSTILE_CALLS: list[tuple[str, str, dict[str, str] | None, int, str]] = [
    ("POST", "/v1/responses", {}, 401, "Bearer TOKEN"),
    ("POST", "/v1/responses", {"authorization": "Bearer wrong"}, 401, "Bearer TOKEN"),
    ("POST", "/v1/responses", {"authorization": f"Basic {TOKEN}"}, 401, "Bearer TOKEN"),
    ("POST", "/v1/responses", {"authorization": f"bearer  {TOKEN}"}, 401, "Bearer TOKEN"),
    ("POST", "/v1/chat/completions", {"authorization": TOKEN}, 401, "Bearer TOKEN"),
    ("GET", "/v1/models", {}, 401, "Bearer TOKEN"),
    ("GET", "/v1/responses", None, 405, "Method Not Allowed"),
    ("PUT", "/health", None, 405, "Method Not Allowed"),
    ("POST", "/v1/nothing", None, 404, "/v1/responses"),
    ("GET", "/v2/responses", None, 404, "/v1/chat/completions"),
    ("GET", "/v1/models/nobody", None, 404, "runs: probe"),
]


@pytest.mark.parametrize(("method", "path", "headers", "status", "says"), HOSTILE_CALLS)
async def test_a_hostile_call_is_refused_with_the_openai_error_body(
    server: AgentServer,
    http: aiohttp.ClientSession,
    method: str,
    path: str,
    headers: dict[str, str] | None,
    status: int,
    says: str,
) -> None:
    body = json.dumps(FAIR_RESPONSE).encode()
    got, answer = await call(http, server, path, body, method=method, headers=headers)
    assert got == status, answer
    assert says in answer["error"]["message"]
    assert TOKEN not in json.dumps(answer)  # a token is never echoed


# header values a client may send that must not break a run
ODD_HEADERS = [
    {"x-stainless-read-timeout": "-5"},
    {"x-stainless-read-timeout": "nan"},
    {"x-stainless-read-timeout": "1e999"},
    {"x-stainless-read-timeout": "soon"},
    {"traceparent": "garbage"},
]


@pytest.mark.parametrize("headers", ODD_HEADERS)
async def test_odd_headers_are_ignored_and_the_run_answers(
    server: AgentServer, http: aiohttp.ClientSession, headers: dict[str, str]
) -> None:
    got, answer = await call(
        http,
        server,
        "/v1/chat/completions",
        json.dumps(FAIR_CHAT).encode(),
        headers={**AUTH, **headers},
    )
    assert got == 200, answer
    assert answer["choices"][0]["message"]["content"]


async def test_after_every_hostile_request_the_server_still_serves(
    server: AgentServer, http: aiohttp.ClientSession
) -> None:
    got, health = await call(http, server, "/health", None, method="GET")
    assert (got, health) == (200, {"status": "serving"})
    got, answer = await call(http, server, "/v1/responses", json.dumps(FAIR_RESPONSE).encode())
    assert got == 200, answer
    emoji = b'{"model": "probe", "input": "hi \\ud83d\\ude00"}'  # a surrogate pair is fine
    got, answer = await call(http, server, "/v1/responses", emoji)
    assert got == 200, answer
    assert answer["status"] == "completed"
    assert server.service.slots.in_flight == 0


async def test_a_burst_past_the_run_slots_is_429s_and_answers_never_500() -> None:
    async with (
        Simulator() as sim,
        Client(endpoint=sim.address) as client,
        AgentServer(
            Catalog.from_paths([PROBE]),
            client,
            TokenAuth([TOKEN]),
            http_port=0,
            max_concurrent_runs=2,
        ) as served,
        aiohttp.ClientSession() as session,
    ):
        body = json.dumps({**FAIR_RESPONSE, "stream": True}).encode()
        statuses = await asyncio.gather(*(call_status(session, served, body) for _ in range(20)))
        assert served.service.slots.in_flight == 0
    assert set(statuses) == {200, 429}
    assert statuses.count(200) >= 2


async def call_status(session: aiohttp.ClientSession, server: AgentServer, body: bytes) -> int:
    url = f"http://{server.http_address}/v1/responses"
    async with session.post(url, data=body, headers=AUTH) as response:
        await response.read()  # a stream to its end
        return response.status


# --- the command line ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def taken_port() -> Iterator[int]:
    """A port something else already listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield int(sock.getsockname()[1])


BAD_FLAGS: list[tuple[list[str], str]] = [
    (["--http-port", "70000"], "--http-port 70000: must be 0 (a free port) to 65535"),
    (["--http-port", "-1"], "--http-port -1: must be 0 (a free port) to 65535"),
    (["--http-port", "http"], "invalid int value: 'http'"),
    (["--http-port", "TAKEN"], "cannot listen on 127.0.0.1:"),
]


@pytest.mark.parametrize(("flags", "says"), BAD_FLAGS)
async def test_a_bad_http_port_exits_2_with_one_line(
    flags: list[str], says: str, taken_port: int
) -> None:
    flags = [str(taken_port) if f == "TAKEN" else f for f in flags]
    code, out, err = await run_agentrt("serve", str(PROBE), *flags)
    assert code == 2, err
    assert says in err
    assert "Traceback" not in err
    assert "listening on 127" not in out or "cannot listen" in err  # nothing left serving


@pytest.mark.parametrize("port", [-1, 65536, 10**9])
async def test_a_server_with_a_bad_http_port_does_not_start_either_door(port: int) -> None:
    from agentrt.errors import UsageError

    async with Client(endpoint="127.0.0.1:1") as client:
        server = AgentServer(Catalog.from_paths([PROBE]), client, TokenAuth(), http_port=port)
        with pytest.raises(UsageError, match="--http-port"):
            await server.start()
        assert server.http_address is None
        await server.stop()  # nothing to stop: the gRPC door was closed too


async def test_the_grpc_path_never_imports_aiohttp() -> None:
    script = (
        "import sys, agentrt, agentrt.serve.server, agentrt.commands.main\n"
        "assert 'aiohttp' not in sys.modules, 'aiohttp imported'\n"
    )
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", script, stderr=asyncio.subprocess.PIPE
    )
    _, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()
