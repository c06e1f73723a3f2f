"""``agentrt serve``'s ``POST /v1/realtime/client_secrets``: ephemeral tokens for browsers.

A real :class:`~agentrt.serve.server.AgentServer` (its HTTP door on 127.0.0.1)
mints at a real upstream, tests/realtime_server.py (the GA protocol, which
records what it was asked to mint and accepts the tokens it minted). The
official ``openai`` SDK, unchanged, is the caller: it mints, then the token
opens a realtime socket at the URL the answer gives. The last test runs the
CLI as a subprocess.
"""

from __future__ import annotations

import contextlib
import json
import socket
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import openai
import pytest
from aiohttp import web

from agentrt.serve.auth import TokenAuth
from agentrt.serve.catalog import Catalog
from agentrt.serve.server import AgentServer
from agentrt.sim import Simulator
from agentrt.xai.client import Client
from tests.conftest import clean_env, run_agentrt, running_server
from tests.realtime_server import ScriptedRealtime

pytestmark = pytest.mark.e2e

AGENTS = Path(__file__).resolve().parent / "serve_agents"
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
TOKEN = "mint-caller-token"
OTHER = "mint-other-token"
KEY = "xai-upstream-SECRET-key-0123456789"  # the server's own key: never in any answer


class Upstream(ScriptedRealtime):
    """The scripted realtime server, whose minting can be made to refuse."""

    def __init__(self) -> None:
        super().__init__(key=KEY)
        self.mint_status: int | None = None
        self.mint_headers: dict[str, str] = {}

    async def _mint(self, request: web.Request) -> web.Response:
        if self.mint_status is None:
            return await super()._mint(request)
        # an upstream that echoes the key it was sent: the server must scrub it
        said = f"refused for key {request.headers.get('Authorization', '')}"
        body = {"error": {"message": said, "type": "rate_limit_error"}}
        return web.json_response(body, status=self.mint_status, headers=self.mint_headers)


@contextlib.asynccontextmanager
async def serving(
    upstream_url: str | None = None, key: str = KEY, **options: Any
) -> AsyncIterator[tuple[AgentServer, Upstream]]:
    """The probe agent behind two caller tokens; minting at the scripted upstream."""
    async with (
        Upstream() as upstream,
        Simulator() as sim,
        Client(endpoint=sim.address, api_key=key) as client,
        AgentServer(
            Catalog.from_paths([AGENTS / "probe.yaml"]),
            client,
            TokenAuth([TOKEN, OTHER]),
            http_port=0,
            rest_endpoint=upstream_url or upstream.url,
            **options,
        ) as server,
    ):
        yield server, upstream


@contextlib.asynccontextmanager
async def sdk(server: AgentServer, key: str = TOKEN) -> AsyncIterator[openai.AsyncOpenAI]:
    assert server.rest_url is not None
    async with openai.AsyncOpenAI(base_url=server.rest_url, api_key=key, max_retries=0) as oa:
        yield oa


async def post(
    server: AgentServer, body: Any, token: str = TOKEN
) -> tuple[int, dict[str, str], str]:
    """A raw mint: status, headers, body text."""
    headers = {"authorization": f"Bearer {token}"}
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{server.rest_url}/realtime/client_secrets", json=body, headers=headers) as r,
    ):
        return r.status, dict(r.headers), await r.text()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_the_sdk_mints_a_token_that_opens_a_realtime_socket() -> None:
    async with serving() as (server, upstream), sdk(server) as oa:
        session: Any = {
            "type": "realtime",
            "model": "grok-voice-latest",
            "instructions": "Be brief.",
            "audio": {"output": {"voice": "Rex"}},
        }
        secret = await oa.realtime.client_secrets.create(
            expires_after={"anchor": "created_at", "seconds": 120}, session=session
        )
        assert secret.value.startswith("ek_")
        assert abs(secret.expires_at - (time.time() + 120)) < 5
        assert secret.session.type == "realtime"
        url = (secret.model_extra or {})["url"]
        assert url == upstream.url.replace("http://", "ws://") + "/realtime?model=grok-voice-latest"
        asked = upstream.secret_requests[-1]
        assert asked["expires_after"] == {"seconds": 120}  # xAI documents only the seconds
        assert asked["session"]["instructions"] == "Be brief."
        assert asked["session"]["audio"]["output"]["voice"] == "Rex"
        assert asked["session"]["model"] == "grok-voice-latest"
        # the browser's part: the token alone opens the socket at the given URL
        async with (
            aiohttp.ClientSession() as http,
            http.ws_connect(url, headers={"Authorization": f"Bearer {secret.value}"}) as ws,
        ):
            first = await ws.receive_json(timeout=5)
        assert first["type"] == "session.created"
        assert upstream.auth_headers[-1] == f"Bearer {secret.value}"


async def test_the_default_lifetime_is_600_seconds_and_the_session_realtime() -> None:
    async with serving() as (server, upstream), sdk(server) as oa:
        secret = await oa.realtime.client_secrets.create()
        assert abs(secret.expires_at - (time.time() + 600)) < 5
        assert upstream.secret_requests[-1]["expires_after"]["seconds"] == 600
        assert upstream.secret_requests[-1]["session"]["type"] == "realtime"
        assert upstream.secret_requests[-1]["session"]["audio"]["output"]["voice"] == "Ara"


async def test_a_wrong_caller_token_is_401_and_nothing_is_minted() -> None:
    async with serving() as (server, upstream), sdk(server, key="not-a-token") as oa:
        with pytest.raises(openai.AuthenticationError):
            await oa.realtime.client_secrets.create()
        assert upstream.secret_requests == []


async def test_an_agent_fills_the_session_with_its_instructions_and_tools() -> None:
    async with serving() as (server, upstream), sdk(server) as oa:
        secret = await oa.realtime.client_secrets.create(
            session={"type": "realtime", "instructions": "Speak French."},
            extra_body={"agent": "probe"},
        )
        bound = upstream.secret_requests[-1]["session"]
        spec = Catalog.from_paths([AGENTS / "probe.yaml"]).get("probe")
        assert spec is not None
        assert bound["instructions"] == f"{spec.spec.instructions}\n\nSpeak French."
        assert [t["name"] for t in bound["tools"]] == ["whoami", "nap", "hang"]
        assert all(
            t["type"] == "function" and "properties" in t["parameters"] for t in bound["tools"]
        )
        assert bound["audio"]["output"]["voice"] == "Ara"
        assert secret.session.type == "realtime"


async def test_the_upstream_down_is_503() -> None:
    down = f"http://127.0.0.1:{free_port()}/v1"
    async with serving(upstream_url=down) as (server, _upstream), sdk(server) as oa:
        with pytest.raises(openai.APIStatusError) as caught:
            await oa.realtime.client_secrets.create()
    assert caught.value.status_code == 503
    assert "cannot be reached" in caught.value.message


async def test_the_upstreams_429_is_a_429_with_its_retry_after_and_no_key() -> None:
    async with serving() as (server, upstream):
        upstream.mint_status = 429
        upstream.mint_headers = {"retry-after": "7"}
        started = time.monotonic()
        status, headers, text = await post(server, {})
        assert time.monotonic() - started < 3  # passed on, not waited out
        async with sdk(server) as oa:
            with pytest.raises(openai.RateLimitError) as caught:
                await oa.realtime.client_secrets.create()
    assert (status, headers["Retry-After"]) == (429, "7")
    assert json.loads(text)["error"]["code"] == "rate_limit_exceeded"
    assert KEY not in text
    assert caught.value.response.headers["retry-after"] == "7"


@pytest.mark.parametrize(
    ("upstream_status", "status", "said"),
    [
        (401, 502, "refused this server's credentials"),
        (403, 403, "does not allow"),
        (500, 502, "failed"),
        (503, 503, "cannot be reached"),
        (400, 400, "refused the session"),
    ],
)
async def test_upstream_refusals_keep_their_meaning_without_the_key(
    upstream_status: int, status: int, said: str
) -> None:
    async with serving() as (server, upstream):
        upstream.mint_status = upstream_status
        got, _, text = await post(server, {})
    assert got == status
    assert said in json.loads(text)["error"]["message"]
    assert KEY not in text


async def test_the_upstream_refusing_the_servers_key_says_so_without_it() -> None:
    async with serving(key="xai-a-wrong-key-9876543210") as (server, _upstream), sdk(server) as oa:
        with pytest.raises(openai.InternalServerError) as caught:
            await oa.realtime.client_secrets.create()
    assert caught.value.status_code == 502
    assert "xai-a-wrong-key" not in caught.value.response.text


async def test_each_caller_token_may_mint_its_limit_per_minute() -> None:
    async with serving(max_token_mints_per_minute=2) as (server, upstream):
        answers = [await post(server, {}) for _ in range(3)]
        other = await post(server, {}, token=OTHER)
    assert [a[0] for a in answers] == [200, 200, 429]
    assert 1 <= int(answers[2][1]["Retry-After"]) <= 60
    assert "--max-token-mints-per-minute 2" in json.loads(answers[2][2])["error"]["message"]
    assert other[0] == 200  # the limit is per caller token
    assert len(upstream.secret_requests) == 3
    assert all(KEY not in a[2] for a in [*answers, other])


async def test_the_cli_mints_at_its_rest_endpoint_with_its_own_key(tmp_path: Path) -> None:
    keys = tmp_path / "tokens.txt"
    keys.write_text(f"{TOKEN}\n")
    async with Upstream() as upstream:
        with running_server(
            "serve",
            str(AGENTS / "probe.yaml"),
            "--http-port",
            "0",
            "--api-key-file",
            str(keys),
            "--endpoint",
            "127.0.0.1:9",  # gRPC, never dialled here: minting goes to --rest-endpoint
            "--rest-endpoint",
            upstream.url,
            "--max-token-mints-per-minute",
            "1",
            env={"XAI_API_KEY": KEY},
            drop=("AGENTRT_ENDPOINT", "AGENTRT_REST_ENDPOINT"),
        ) as served:
            assert served.rest_url is not None
            async with openai.AsyncOpenAI(
                base_url=served.rest_url, api_key=TOKEN, max_retries=0
            ) as oa:
                raw = await oa.realtime.client_secrets.with_raw_response.create(
                    expires_after={"anchor": "created_at", "seconds": 30}
                )
                with pytest.raises(openai.RateLimitError):
                    await oa.realtime.client_secrets.create()
    assert json.loads(raw.text)["value"].startswith("ek_")
    assert KEY not in raw.text
    assert upstream.tokens  # the upstream minted it, with the server's key
    assert served.process.returncode == 0
    assert KEY not in served.stderr


async def test_beside_a_grpc_upstream_off_xai_without_a_rest_endpoint_minting_is_501(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("AGENTRT_REST_ENDPOINT", raising=False)
    async with (
        Simulator() as sim,
        Client(endpoint=sim.address, api_key=KEY) as client,
        AgentServer(
            Catalog.from_paths([AGENTS / "probe.yaml"]), client, TokenAuth([TOKEN]), http_port=0
        ) as server,
    ):
        status, _, text = await post(server, {})
    assert status == 501
    assert "--rest-endpoint" in json.loads(text)["error"]["message"]


async def test_the_cli_help_names_the_minting_flags() -> None:
    code, out, _ = await run_agentrt("serve", "--help")
    assert code == 0
    for flag in ("--rest-endpoint", "--max-token-mints-per-minute", "/v1/realtime/client_secrets"):
        assert flag in out


async def test_the_built_in_simulator_gets_its_http_door_to_mint_at(tmp_path: Path) -> None:
    """No endpoint, no key: serve starts the simulator with its HTTP door and mints there,
    and the token opens a realtime socket on that simulator."""
    keys = tmp_path / "tokens.txt"
    keys.write_text(f"{TOKEN}\n")
    with running_server(
        "serve",
        str(AGENTS / "probe.yaml"),
        "--http-port",
        "0",
        "--api-key-file",
        str(keys),
        env=clean_env(),
        drop=("XAI_API_KEY", "AGENTRT_ENDPOINT", "AGENTRT_REST_ENDPOINT"),
    ) as served:
        url = f"{served.rest_url}/realtime/client_secrets"
        headers = {"authorization": f"Bearer {TOKEN}"}
        async with aiohttp.ClientSession() as http, http.post(url, json={}, headers=headers) as r:
            status, text = r.status, await r.text()
        assert status == 200, text
        minted = json.loads(text)
        assert minted["url"].startswith("ws://127.0.0.1:")
        assert minted["value"]
        protocols = (f"openai-insecure-api-key.{minted['value']}",)
        async with (
            aiohttp.ClientSession() as http,
            http.ws_connect(minted["url"], protocols=protocols) as ws,
        ):
            first = await ws.receive_json(timeout=10)
    assert first["type"] == "session.created"


async def test_values_a_spec_took_from_the_environment_never_reach_the_caller(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PLANNER_NAME", "Zebra-Secret-Planner-77")
    async with (
        Upstream() as upstream,
        Client(protocol="rest", endpoint=upstream.url, api_key=KEY) as client,
        AgentServer(
            Catalog.from_paths([EXAMPLES / "trip_planner"]), client, TokenAuth([TOKEN]), http_port=0
        ) as server,
    ):
        status, _, text = await post(server, {"agent": "trip_planner"})
    assert status == 200
    assert "Zebra-Secret-Planner-77" in upstream.secret_requests[-1]["session"]["instructions"]
    assert "Zebra-Secret-Planner-77" not in text
    assert "<from $PLANNER_NAME>" in json.loads(text)["session"]["instructions"]
    tools = [t["name"] for t in json.loads(text)["session"]["tools"]]
    assert tools == ["get_weather", "find_places"]


async def test_a_draining_server_mints_nothing() -> None:
    async with serving() as (server, upstream):
        server.service.draining = True
        status, _, text = await post(server, {})
    assert status == 503
    assert json.loads(text)["error"]["code"] == "draining"
    assert upstream.secret_requests == []


async def test_an_agents_spec_names_the_voice_and_turn_detection(tmp_path: Path) -> None:
    spec = tmp_path / "talker.yaml"
    spec.write_text(
        "version: 1\nname: talker\nmodel: grok-4\ninstructions: Talk.\n"
        "mode: voice\nvoice: rex\nturn_detection: push_to_talk\n"
    )
    async with (
        Upstream() as upstream,
        Simulator() as sim,
        Client(endpoint=sim.address, api_key=KEY) as client,
        AgentServer(
            Catalog.from_paths([spec]),
            client,
            TokenAuth([TOKEN]),
            http_port=0,
            rest_endpoint=upstream.url,
        ) as server,
    ):
        status, _, _ = await post(server, {"agent": "talker"})
        assert status == 200
        bound = upstream.secret_requests[-1]["session"]
        assert bound["audio"]["output"]["voice"] == "Rex"
        assert bound["audio"]["input"]["turn_detection"] is None
        # the caller's own choice still wins over the spec's
        status, _, _ = await post(
            server, {"agent": "talker", "session": {"audio": {"output": {"voice": "Eve"}}}}
        )
        assert status == 200
        assert upstream.secret_requests[-1]["session"]["audio"]["output"]["voice"] == "Eve"
