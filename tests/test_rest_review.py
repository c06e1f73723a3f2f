"""Regressions found reviewing issue 19 (REST): each test failed before its fix."""

from __future__ import annotations

import json
from typing import Any

import pytest

from agentrt.xai.chat_request import ChatRequest
from agentrt.xai.client import Client
from agentrt.xai.messages import user
from agentrt.xai.rest.chat_wire import usage_from_json
from tests.simrest_helpers import KEY, rest_sim

pytestmark = pytest.mark.e2e

REQ = ChatRequest(model="grok-4", messages=(user("Plan a day in Lisbon"),))


def test_responses_output_tokens_count_reasoning_which_completion_tokens_do_not() -> None:
    usage = usage_from_json(
        {
            "input_tokens": 20,
            "output_tokens": 61,
            "output_tokens_details": {"reasoning_tokens": 34},
            "total_tokens": 81,
        }
    )
    assert (usage.completion_tokens, usage.reasoning_tokens, usage.total_tokens) == (27, 34, 81)


async def test_the_same_usage_over_grpc_rest_chat_and_rest_responses() -> None:
    async with rest_sim() as sim:
        assert sim.rest_url is not None
        clients = [
            Client(api_key=KEY, endpoint=sim.address),
            Client(api_key=KEY, endpoint=sim.rest_url, rest_api="chat"),
            Client(api_key=KEY, endpoint=sim.rest_url, rest_api="responses"),
        ]
        usages = []
        for client in clients:
            async with client:
                usages.append((await client.chat.complete(REQ)).usage)
                async with client.chat.stream(REQ) as stream:
                    usages.append((await stream.collect()).usage)
    counts = {
        (u.prompt_tokens, u.completion_tokens, u.reasoning_tokens, u.total_tokens) for u in usages
    }
    assert len(counts) == 1, usages


def test_serve_reports_output_tokens_with_reasoning_as_openai_clients_expect() -> None:
    from agentrt.serve.rest.chat_completions import chat_usage
    from agentrt.serve.rest.response_events import usage_object
    from agentrt.xai.chat_response import Usage

    usage = Usage(prompt_tokens=239, completion_tokens=89, reasoning_tokens=60, total_tokens=0)
    responses = usage_object(usage)
    assert responses["output_tokens"] == 149  # OpenAI: reasoning is part of the output
    assert responses["total_tokens"] == responses["input_tokens"] + responses["output_tokens"]
    assert chat_usage(usage)["total_tokens"] == 388  # xAI: prompt + completion + reasoning
    # what agentrt's own REST client reads back is the Usage it started from
    assert usage_from_json(responses).completion_tokens == 89


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://bob:sk-SECRETPW@api.example/v1",
        "https://bob:sk-SECRETPW@api.example:abc/v1",
        "http://:sk-SECRETPW@h/v1",
        "https://api.example/v1?api_key=sk-SECRETPW",
        "https://api.example/v1#sk-SECRETPW",
        "ftp://bob:sk-SECRETPW@h/v1",
    ],
)
def test_a_bad_rest_endpoint_error_never_shows_its_credentials(endpoint: str) -> None:
    from agentrt.errors import UsageError

    with pytest.raises(UsageError) as caught:
        Client(endpoint=endpoint, api_key="k")
    assert "SECRETPW" not in str(caught.value)
    assert "api.example" in str(caught.value) or "h/v1" in str(caught.value)


# (path, a JSON body with a lone surrogate escape where the endpoint reads text)
SURROGATES = [
    (
        "/chat/completions",
        rb'{"model":"grok-4","messages":[{"role":"user","content":"hi \ud800"}]}',
    ),
    ("/chat/completions", rb'{"model":"grok-4\udfff","messages":[{"role":"user","content":"hi"}]}'),
    ("/responses", rb'{"model":"grok-4","input":"hi \ud800"}'),
    ("/responses", rb'{"model":"grok-4","input":"hi \ud800","stream":true}'),
    ("/tokenize-text", rb'{"model":"grok-4","text":"a\udfff"}'),
    ("/images/generations", rb'{"model":"grok-2-image","prompt":"a\udbff"}'),
    ("/embeddings", rb'{"model":"grok-embed-1","input":"a\ud800"}'),
]


@pytest.mark.parametrize(("path", "body"), SURROGATES)
async def test_the_sims_rest_door_refuses_a_lone_surrogate_with_a_400(
    path: str, body: bytes
) -> None:
    import aiohttp

    async with rest_sim() as sim, aiohttp.ClientSession() as http:
        url = f"{sim.rest_url}{path}"
        headers = {"authorization": f"Bearer {KEY}", "content-type": "application/json"}
        async with http.post(url, data=body, headers=headers) as resp:
            answer = await resp.json()
    assert resp.status == 400, answer
    assert "surrogate" in answer["error"]["message"]


SECRET = "sk-echoed-secret-777"
_ECHO = {"error": {"message": f"key {SECRET} is revoked", "type": "authentication_error"}}
# (rest_api, path, the answer: an error inside a 200, whose message echoes the key)
ECHOED = [
    ("chat", "/chat/completions", {"events": [b"data: " + json.dumps(_ECHO).encode() + b"\n\n"]}),
    (
        "responses",
        "/responses",
        {
            "events": [
                b"event: error\ndata: " + json.dumps({"type": "error", **_ECHO}).encode() + b"\n\n"
            ]
        },
    ),
    (
        "responses",
        "/responses",
        {
            "events": [
                b"data: "
                + json.dumps(
                    {"type": "response.failed", "response": {"status": "failed", **_ECHO}}
                ).encode()
                + b"\n\n"
            ]
        },
    ),
    ("responses", "/responses", {"json": {"id": "r", "status": "failed", **_ECHO}}),
    ("chat", "/chat/completions", {"json": _ECHO}),
]


@pytest.mark.parametrize(("api", "path", "reply"), ECHOED)
async def test_an_error_inside_a_200_never_shows_the_api_key(
    api: str, path: str, reply: dict[str, Any]
) -> None:
    from agentrt import errors
    from tests.rest_server import Reply, ScriptedServer

    stream = "events" in reply
    kind = {"content_type": "text/event-stream"} if stream else {}
    async with ScriptedServer() as server:
        server.script(path, Reply(**reply, **kind))
        async with Client(endpoint=server.url, api_key=SECRET, rest_api=api) as client:
            call = client.chat.stream(REQ).collect() if stream else client.chat.complete(REQ)
            with pytest.raises(errors.AuthenticationError) as caught:
                await call
    assert SECRET not in str(caught.value)
    assert "revoked" in str(caught.value)


def test_a_long_sse_event_split_in_many_reads_is_parsed_in_linear_time() -> None:
    import time

    from agentrt.xai.rest.sse import SseParser

    size, piece = 8 * 1024 * 1024, 4096
    body = b'data: "' + b"x" * size + b'"\n\n'
    parser = SseParser(16 * 1024 * 1024)
    out = []
    start = time.process_time()
    for i in range(0, len(body), piece):
        out += parser.feed(body[i : i + piece])
    elapsed = time.process_time() - start
    assert out == [("", body[6:-2])]
    assert elapsed < 1.0  # joined once: milliseconds (it was ~2,000 copies of megabytes: seconds)


@pytest.mark.parametrize(
    ("args", "env", "said"),
    [
        (("--endpoint", "http://u:sk-SECRETPW@h:1/v1", "--protocol", "grpc"), {}, "no query"),
        ((), {"AGENTRT_ENDPOINT": "http://u:sk-SECRETPW@h:1/v1"}, "no query"),
        (("--protocol", "grpc"), {"AGENTRT_ENDPOINT": "http://h:1/v1"}, "$AGENTRT_ENDPOINT http"),
        (("--protocol", "openai"), {"AGENTRT_ENDPOINT": "h:1"}, "$AGENTRT_ENDPOINT h:1"),
    ],
)
def test_load_endpoint_errors_name_their_source_and_hide_credentials(
    args: tuple[str, ...], env: dict[str, str], said: str
) -> None:
    import subprocess

    from tests.conftest import agentrt_command, clean_env

    command = agentrt_command("load", *args, "--model", "m", "--prompt", "hi", "--requests", "1")
    proc = subprocess.run(command, env=clean_env(**env), capture_output=True, text=True, timeout=30)
    assert proc.returncode == 2
    assert said in proc.stderr
    assert "SECRETPW" not in proc.stderr
    assert proc.stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("endpoint", "secure"), [("http://api.example/v1", True), ("https://api.example/v1", False)]
)
def test_secure_contradicting_a_urls_scheme_is_a_usage_error(endpoint: str, secure: bool) -> None:
    from agentrt.errors import UsageError

    with pytest.raises(UsageError, match="contradicts the endpoint's scheme"):
        Client(endpoint=endpoint, api_key="k", secure=secure)


@pytest.mark.parametrize(
    ("text", "secret", "shown"),
    [
        ("bad key sk-123456789 given", "sk-123456789", "bad key *** given"),
        ("model does not exist", "x", "model does not exist"),  # a toy key maims nothing
        ("no secret here", None, "no secret here"),
    ],
)
def test_redaction_blanks_real_keys_and_leaves_words_alone(
    text: str, secret: str | None, shown: str
) -> None:
    from agentrt.xai.config import redact

    assert redact(text, secret) == shown
