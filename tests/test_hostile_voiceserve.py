"""Hostile callers of ``agentrt serve``'s ``POST /v1/realtime/client_secrets``, as tables.

Each bad body gets a 400 (413 when too large, 404 for an unknown agent) naming
the field at fault in ``error.param``; nothing is minted upstream, the caller's
mint allowance is not spent, and the server's key appears in no answer. Bad
credentials get a 401. A new case of a class is one line in its table.
"""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from agentrt.serve.auth import TokenAuth
from agentrt.serve.catalog import Catalog
from agentrt.serve.server import AgentServer
from agentrt.xai.client import Client
from tests.conftest import run_agentrt
from tests.realtime_server import ScriptedRealtime

pytestmark = pytest.mark.e2e

AGENTS = Path(__file__).resolve().parent / "serve_agents"
TOKEN = "hostile-mint-token"
KEY = "xai-upstream-HOSTILE-key-55555"


@contextlib.asynccontextmanager
async def serving() -> AsyncIterator[tuple[str, ScriptedRealtime]]:
    """The mint URL of a server allowing one mint a minute, and its upstream."""
    async with (
        ScriptedRealtime(key=KEY) as upstream,
        Client(protocol="rest", endpoint=upstream.url, api_key=KEY) as client,
        AgentServer(
            Catalog.from_paths([AGENTS / "probe.yaml"]),
            client,
            TokenAuth([TOKEN]),
            http_port=0,
            max_token_mints_per_minute=1,
        ) as server,
    ):
        yield f"{server.rest_url}/realtime/client_secrets", upstream


async def post(url: str, data: bytes, auth: str | None = f"Bearer {TOKEN}") -> tuple[int, str]:
    headers = {"content-type": "application/json"}
    if auth is not None:
        headers["authorization"] = auth
    body = io.BytesIO(data)  # aiohttp warns of large raw bytes
    async with aiohttp.ClientSession() as http, http.post(url, data=body, headers=headers) as r:
        return r.status, await r.text()


def session(**fields: Any) -> dict[str, Any]:
    return {"session": {"type": "realtime", **fields}}


def audio(side: str, **fields: Any) -> dict[str, Any]:
    return session(audio={side: fields})


BAD_BODIES: list[tuple[str, Any, str | None]] = [
    # (case, body (bytes: sent as is), the param named)
    ("not json", b"{nope", None),
    ("a list", [], None),
    ("a string", "mint", None),
    ("deep nesting", b"[" * 100_000 + b"]" * 100_000, None),
    ("lone surrogate", b'{"session": {"instructions": "\\ud800"}}', None),
    ("unknown field", {"expires": 60}, "expires"),
    ("expires_after not object", {"expires_after": 60}, "expires_after"),
    ("unknown expiry field", {"expires_after": {"seconds": 60, "x": 1}}, "expires_after.x"),
    ("anchor", {"expires_after": {"anchor": "now", "seconds": 60}}, "expires_after.anchor"),
    ("seconds 9", {"expires_after": {"seconds": 9}}, "expires_after.seconds"),
    ("seconds 7201", {"expires_after": {"seconds": 7201}}, "expires_after.seconds"),
    ("seconds negative", {"expires_after": {"seconds": -600}}, "expires_after.seconds"),
    ("seconds text", {"expires_after": {"seconds": "600"}}, "expires_after.seconds"),
    ("seconds bool", {"expires_after": {"seconds": True}}, "expires_after.seconds"),
    ("seconds float", {"expires_after": {"seconds": 600.5}}, "expires_after.seconds"),
    ("seconds huge", {"expires_after": {"seconds": 10**400}}, "expires_after.seconds"),
    ("session not object", {"session": "realtime"}, "session"),
    ("session type", session(type="transcription"), "session.type"),
    ("session unknown", session(voice="Ara"), "session.voice"),
    ("model empty", session(model=""), "session.model"),
    ("model huge", session(model="m" * 1000), "session.model"),
    ("model number", session(model=4), "session.model"),
    ("instructions number", session(instructions=4), "session.instructions"),
    ("temperature high", session(temperature=3), "session.temperature"),
    ("temperature text", session(temperature="hot"), "session.temperature"),
    ("tools not list", session(tools="all"), "session.tools"),
    ("tool not object", session(tools=["get_weather"]), "session.tools[0]"),
    ("tool builtin", session(tools=[{"type": "web_search"}]), "session.tools[0].type"),
    ("tool no name", session(tools=[{"type": "function"}]), "session.tools[0].name"),
    (
        "tool parameters",
        session(tools=[{"type": "function", "name": "f", "parameters": "x"}]),
        "session.tools[0].parameters",
    ),
    (
        "tool unknown field",
        session(tools=[{"type": "function", "name": "f", "strict": True}]),
        "session.tools[0].strict",
    ),
    ("audio not object", session(audio=[]), "session.audio"),
    ("audio unknown side", session(audio={"both": {}}), "session.audio.both"),
    ("voice unknown", audio("output", voice="alloy"), "session.audio.output.voice"),
    ("voice number", audio("output", voice=1), "session.audio.output.voice"),
    ("voice on input", audio("input", voice="Ara"), "session.audio.input.voice"),
    ("rate low", audio("input", format={"rate": 1000}), "session.audio.input.format.rate"),
    ("rate text", audio("output", format={"rate": "24k"}), "session.audio.output.format.rate"),
    (
        "format type",
        audio("input", format={"type": "audio/pcmu"}),
        "session.audio.input.format.type",
    ),
    (
        "turn detection",
        audio("input", turn_detection={"type": "semantic_vad"}),
        "session.audio.input.turn_detection.type",
    ),
    ("agent number", {"agent": 7}, "agent"),
    ("agent empty", {"agent": ""}, "agent"),
    ("agent with tools", {"agent": "probe", **session(tools=[{"name": "f"}])}, "session.tools"),
    ("variables alone", {"variables": {"city": "Paris"}}, "variables"),
    ("variables unknown", {"agent": "probe", "variables": {"city": "Paris"}}, "variables"),
    ("variables not strings", {"agent": "probe", "variables": {"a": 1}}, "variables"),
]


@pytest.mark.parametrize(("case", "body", "param"), BAD_BODIES, ids=[c[0] for c in BAD_BODIES])
async def test_a_bad_body_is_400_naming_the_field(case: str, body: Any, param: str | None) -> None:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    async with serving() as (url, upstream):
        status, text = await post(url, data)
        error = json.loads(text)["error"]
        assert (status, error["param"]) == (400, param), text
        assert error["type"] == "invalid_request_error"
        assert "\n" not in error["message"]
        assert upstream.secret_requests == []
        assert (await post(url, b"{}"))[0] == 200  # the refusal spent no mint


OTHER_REFUSALS: list[tuple[str, bytes, int, str | None]] = [
    ("unknown agent", b'{"agent": "nosuch"}', 404, "agent"),
    (
        "over the size limit",
        b'{"session": {"instructions": "' + b"x" * 2_000_000 + b'"}}',
        413,
        None,
    ),
]


@pytest.mark.parametrize(
    ("case", "data", "status", "param"), OTHER_REFUSALS, ids=[c[0] for c in OTHER_REFUSALS]
)
async def test_other_refusals_keep_their_status(
    case: str, data: bytes, status: int, param: str | None
) -> None:
    async with serving() as (url, upstream):
        got, text = await post(url, data)
    assert (got, json.loads(text)["error"]["param"]) == (status, param)
    assert upstream.secret_requests == []


BAD_CREDENTIALS = [
    None,
    "",
    "Bearer",
    f"bearer {TOKEN}",
    f"Bearer  {TOKEN}",
    f"Basic {TOKEN}",
    f"Bearer {TOKEN[:-1]}",
    f"Bearer {KEY}",  # the upstream's key is not a caller's token
]


@pytest.mark.parametrize("auth", BAD_CREDENTIALS)
async def test_bad_credentials_are_401(auth: str | None) -> None:
    async with serving() as (url, upstream):
        status, text = await post(url, b"{}", auth=auth)
    assert status == 401
    assert json.loads(text)["error"]["code"] == "invalid_api_key"
    assert upstream.secret_requests == []
    assert KEY not in text


async def test_the_key_is_in_no_answer_and_the_token_only_in_its_own() -> None:
    async with serving() as (url, upstream):
        answers = [await post(url, json.dumps(b).encode()) for b in ({"agent": "probe"}, {})]
    assert [a[0] for a in answers] == [200, 429]  # one mint a minute
    assert all(KEY not in text for _, text in answers)
    minted = json.loads(answers[0][1])
    assert set(minted) == {"value", "expires_at", "session", "url"}
    assert minted["value"] in upstream.tokens


BAD_FLAGS = [
    ("--rest-endpoint", "ftp://example.com/v1"),
    ("--rest-endpoint", "127.0.0.1:8000"),
    ("--rest-endpoint", "http://user:pw@example.com/v1"),
    ("--max-token-mints-per-minute", "0"),
    ("--max-token-mints-per-minute", "-5"),
    ("--max-token-mints-per-minute", "many"),
]


@pytest.mark.parametrize(("flag", "value"), BAD_FLAGS)
async def test_a_bad_minting_flag_is_one_line_and_exit_2(flag: str, value: str) -> None:
    code, out, err = await run_agentrt("serve", str(AGENTS / "probe.yaml"), flag, value)
    assert code == 2
    assert flag in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert out == ""
    assert "pw@" not in err  # a credential in a URL is never echoed
