"""Hostile requests to the simulator's chat completions and responses endpoints.

Each case is one line of a table: what is sent, the HTTP status, and what the OpenAI
error body must say (its ``param`` too, when it names a field). The door answers every
one with one error that says what to fix and keeps serving.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import pytest

from agentrt.sim.server import Simulator

CHAT = "/chat/completions"
RESP = "/responses"
HI = [{"role": "user", "content": "hi"}]


def chat(**fields: Any) -> dict[str, Any]:
    return {"model": "grok-3", "messages": HI, **fields}


def resp(**fields: Any) -> dict[str, Any]:
    return {"model": "grok-3", "input": "hi", **fields}


def message(**fields: Any) -> dict[str, Any]:
    return chat(messages=[{"role": "user", "content": "hi", **fields}])


def nested(depth: int) -> bytes:
    return b'{"model": "grok-3", "messages": ' + b"[" * depth + b"]" * depth + b"}"


CASES: list[tuple[str, str, Any, int, str, str | None]] = [
    # (id, path, body (dict: JSON; bytes: raw), status, message fragment, param)
    ("not-json", CHAT, b"{not json", 400, "not valid JSON", None),
    ("empty-body", CHAT, b"", 400, "no body", None),
    ("array-body", CHAT, b"[1, 2]", 400, "must be a JSON object", None),
    ("nested-100k", CHAT, nested(100_000), 400, "nested too deeply", None),
    ("no-model", CHAT, {"messages": HI}, 400, "model is required", "model"),
    ("model-int", CHAT, chat(model=4), 400, "model must be a string", "model"),
    ("unknown-model", CHAT, chat(model="grok-99"), 404, "does not exist", None),
    ("no-messages", CHAT, {"model": "grok-3"}, 400, "messages is required", "messages"),
    ("empty-messages", CHAT, chat(messages=[]), 400, "messages is required", "messages"),
    ("messages-object", CHAT, chat(messages={"a": 1}), 400, "must be an array", "messages"),
    ("message-string", CHAT, chat(messages=["hi"]), 400, "must be an object", "messages[0]"),
    (
        "role-missing",
        CHAT,
        chat(messages=[{"content": "hi"}]),
        400,
        "role=None",
        "messages[0].role",
    ),
    ("role-bogus", CHAT, message(role="robot"), 400, "role='robot'", "messages[0].role"),
    ("content-int", CHAT, message(content=7), 400, "string or an array", "messages[0].content"),
    ("part-bogus", CHAT, message(content=[{"type": "video"}]), 400, "type='video'", None),
    ("part-string", CHAT, message(content=["x"]), 400, "must be an object", None),
    (
        "image-no-url",
        CHAT,
        message(content=[{"type": "image_url", "image_url": {}}]),
        400,
        "url",
        None,
    ),
    (
        "image-detail",
        CHAT,
        message(content=[{"type": "image_url", "image_url": {"url": "http://x", "detail": "max"}}]),
        400,
        "detail",
        None,
    ),
    (
        "file-not-b64",
        CHAT,
        message(content=[{"type": "file", "file": {"file_data": "@@@"}}]),
        400,
        "not base64",
        None,
    ),
    (
        "tool-no-id",
        CHAT,
        chat(messages=[{"role": "tool", "content": "x"}]),
        400,
        "needs tool_call_id",
        "messages[0]",
    ),
    (
        "call-no-function",
        CHAT,
        chat(messages=[{"role": "assistant", "tool_calls": [{"id": "a"}]}]),
        400,
        "function is required",
        None,
    ),
    ("tools-object", CHAT, chat(tools={}), 400, "must be an array", "tools"),
    ("tool-type", CHAT, chat(tools=[{"type": "shell"}]), 400, "type='shell'", "tools[0].type"),
    (
        "tool-no-name",
        CHAT,
        chat(tools=[{"type": "function", "function": {}}]),
        400,
        "name is required",
        None,
    ),
    (
        "tool-params-list",
        CHAT,
        chat(tools=[{"type": "function", "function": {"name": "f", "parameters": []}}]),
        400,
        "must be an object",
        None,
    ),
    ("tool-choice-int", CHAT, chat(tool_choice=5), 400, "string or an object", "tool_choice"),
    (
        "tool-choice-bogus",
        CHAT,
        chat(tool_choice="always"),
        400,
        "tool_choice='always'",
        "tool_choice",
    ),
    (
        "tool-choice-unknown",
        CHAT,
        chat(tool_choice={"type": "function", "function": {"name": "f"}}),
        400,
        "not among the tools",
        None,
    ),
    ("max-tokens-string", CHAT, chat(max_tokens="10"), 400, "must be an integer", "max_tokens"),
    ("max-tokens-huge", CHAT, chat(max_tokens=10**30), 400, "must be from 1", "max_tokens"),
    ("max-tokens-zero", CHAT, chat(max_completion_tokens=0), 400, "must be from 1", None),
    ("n-1000", CHAT, chat(n=1000), 400, "n=1000", None),
    ("n-bool", CHAT, chat(n=True), 400, "must be an integer", "n"),
    ("temperature-word", CHAT, chat(temperature="hot"), 400, "must be a number", "temperature"),
    ("seed-float", CHAT, chat(seed=1.5), 400, "must be an integer", "seed"),
    ("stop-int", CHAT, chat(stop=5), 400, "array of strings", "stop"),
    ("logprobs-string", CHAT, chat(logprobs="yes"), 400, "must be a boolean", "logprobs"),
    ("top-logprobs-alone", CHAT, chat(top_logprobs=2), 400, "needs logprobs", None),
    ("effort-bogus", CHAT, chat(reasoning_effort="max"), 400, "reasoning_effort='max'", None),
    (
        "format-string",
        CHAT,
        chat(response_format="json"),
        400,
        "must be an object",
        "response_format",
    ),
    ("format-type", CHAT, chat(response_format={"type": "xml"}), 400, "type='xml'", None),
    (
        "schema-missing",
        CHAT,
        chat(response_format={"type": "json_schema", "json_schema": {}}),
        400,
        "schema is required",
        None,
    ),
    ("stream-string", CHAT, chat(stream="yes"), 400, "must be a boolean", "stream"),
    ("options-list", CHAT, chat(stream=True, stream_options=[]), 400, "must be an object", None),
    ("unknown-previous", CHAT, chat(previous_response_id="nope"), 404, "not found", None),
    ("resp-no-input", RESP, {"model": "grok-3"}, 400, "input is required", "input"),
    ("resp-input-int", RESP, resp(input=3), 400, "string or an array", "input"),
    ("resp-item-string", RESP, resp(input=["hi"]), 400, "must be an object", "input[0]"),
    ("resp-item-type", RESP, resp(input=[{"type": "shell_call"}]), 400, "type='shell_call'", None),
    (
        "resp-role-tool",
        RESP,
        resp(input=[{"role": "tool", "content": "x"}]),
        400,
        "role='tool'",
        None,
    ),
    (
        "resp-output-no-call",
        RESP,
        resp(input=[{"type": "function_call_output", "output": "x"}]),
        400,
        "call_id is required",
        None,
    ),
    ("resp-text-format", RESP, resp(text={"format": {"type": "yaml"}}), 400, "type='yaml'", None),
    ("resp-text-string", RESP, resp(text="json"), 400, "must be an object", "text"),
    ("resp-effort", RESP, resp(reasoning={"effort": "max"}), 400, "effort='max'", None),
    ("resp-max-output", RESP, resp(max_output_tokens=-1), 400, "must be from 1", None),
    ("resp-store-string", RESP, resp(store="no"), 400, "must be a boolean", "store"),
    ("resp-metadata-list", RESP, resp(metadata=[]), 400, "must be an object", "metadata"),
    ("resp-unknown-previous", RESP, resp(previous_response_id="nope"), 404, "not found", None),
]


def _post(http: aiohttp.ClientSession, url: str, body: Any) -> Any:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return http.post(url, data=data, headers={"content-type": "application/json"})


@pytest.mark.parametrize(
    ("path", "body", "status", "says", "param"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
@pytest.mark.parametrize("stream", [False, True])
async def test_hostile_body_is_one_openai_error_and_the_door_keeps_serving(
    path: str, body: Any, status: int, says: str, param: str | None, stream: bool
) -> None:
    if stream and isinstance(body, dict):
        body = {**body, "stream": body.get("stream", True)}
    async with Simulator(http_port=0) as sim, aiohttp.ClientSession() as http:
        async with _post(http, f"{sim.rest_url}{path}", body) as answer:
            assert answer.status == status
            error = (await answer.json())["error"]
        assert says in error["message"]
        assert "\n" not in error["message"]
        if param is not None:
            assert error["param"] == param
        async with _post(http, f"{sim.rest_url}{path}", chat() if path == CHAT else resp()) as ok:
            assert ok.status == 200


ACCEPTED = [
    (
        "tool-result-without-call",
        CHAT,
        chat(messages=[{"role": "tool", "tool_call_id": "x", "content": "1"}]),
    ),
    ("10k-messages", CHAT, chat(messages=HI * 10_000)),
    ("max-tokens-int32", CHAT, chat(max_tokens=2**31 - 1)),
    ("n-max", CHAT, chat(n=128, max_tokens=5)),
    ("unknown-fields", CHAT, chat(frobnicate={"x": 1}, metadata={"a": "b"})),
    ("resp-10k-items", RESP, resp(input=[{"role": "user", "content": "hi"}] * 10_000)),
    (
        "resp-reasoning-item",
        RESP,
        resp(input=[{"type": "reasoning", "summary": []}, {"role": "user", "content": "hi"}]),
    ),
]


@pytest.mark.parametrize(("path", "body"), [c[1:] for c in ACCEPTED], ids=[c[0] for c in ACCEPTED])
async def test_odd_but_valid_requests_are_answered(path: str, body: dict[str, Any]) -> None:
    """As over gRPC: the simulator answers (a tool result with no call is read as text)."""
    async with (
        Simulator(http_port=0) as sim,
        aiohttp.ClientSession() as http,
        _post(http, f"{sim.rest_url}{path}", body) as answer,
    ):
        assert answer.status == 200
        assert (await answer.json())["model"] == "grok-3"


@pytest.mark.parametrize(
    ("method", "path"), [("GET", "/responses/nope"), ("DELETE", "/responses/nope")]
)
async def test_unknown_stored_response_is_404(method: str, path: str) -> None:
    async with (
        Simulator(http_port=0) as sim,
        aiohttp.ClientSession() as http,
        http.request(method, f"{sim.rest_url}{path}") as answer,
    ):
        assert answer.status == 404
        assert "'nope' not found" in (await answer.json())["error"]["message"]


@pytest.mark.parametrize("path", [CHAT, RESP])
async def test_a_client_gone_mid_stream_leaves_the_door_serving(path: str) -> None:
    body = chat(stream=True) if path == CHAT else resp(stream=True)
    async with Simulator(http_port=0) as sim:
        host, port = str(sim.http_address).rsplit(":", 1)
        data = json.dumps(body).encode()
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            writer.write(
                f"POST /v1{path} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
                f"x-sim-itl-ms: 20\r\ncontent-length: {len(data)}\r\n\r\n".encode()
                + data
            )
            await writer.drain()
            status = await reader.readuntil(b"\r\n")
            await reader.read(200)  # the stream has started
        finally:
            writer.close()
            await writer.wait_closed()
        assert b"200 OK" in status
        await asyncio.sleep(0.1)  # the server writes into the closed socket
        again = {**body, "stream": False}
        async with (
            aiohttp.ClientSession() as http,
            _post(http, f"{sim.rest_url}{path}", again) as ok,
        ):
            assert ok.status == 200
