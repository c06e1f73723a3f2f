"""``GET /v1/realtime`` (the voice API's websocket) and ``POST /v1/realtime/client_secrets``.

The socket is admitted by the simulator's API key or a live ephemeral token, sent as
``Authorization: Bearer …`` or, from a browser, as the subprotocol
``openai-insecure-api-key.TOKEN``. A socket that is not admitted is accepted, told why in
one ``error`` event (``invalid_api_key`` or ``token_expired``) and closed with 4001, as
the protocol says. The session itself lives in :mod:`agentrt.sim.realtime`.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from aiohttp import web

from agentrt.sim.realtime.config import SessionConfig
from agentrt.sim.realtime.ears import Ears
from agentrt.sim.realtime.protocol import EventError, error_event
from agentrt.sim.realtime.session import RealtimeDeps, RealtimeSession
from agentrt.sim.realtime.tokens import (
    DEFAULT_TTL_S,
    MAX_TTL_S,
    MIN_TTL_S,
    TOKEN_PREFIX,
    StoreFull,
    TokenStore,
)
from agentrt.sim.rest.body import BadRequest, json_body
from agentrt.sim.rest.context import HttpContext
from agentrt.sim.rest.errors import http_error
from agentrt.sim.rest.fields import integer, mapping
from agentrt.sim.status import SimStatus

if TYPE_CHECKING:
    from agentrt.sim.rest.deps import RestDeps

__all__ = ["DEFAULT_MODEL", "MAX_MESSAGE_BYTES", "add_routes"]

DEFAULT_MODEL = "grok-4-1-fast-non-reasoning"
"""The model a socket talks to when its URL names none."""
MAX_MESSAGE_BYTES = 8 * 1024 * 1024
"""The largest client message (an audio append of ~2 minutes at 24 kHz)."""
_HEARTBEAT_S = 20.0
_SUBPROTOCOL = "openai-insecure-api-key."
_UNAUTHORIZED = 4001


class _Admitted:
    """A context whose checks have been made: the model call admits it without a key."""


def _credential(request: web.Request) -> tuple[str | None, list[str]]:
    """The bearer credential (header or subprotocol) and the subprotocols to echo."""
    offered = [p.strip() for p in request.headers.get("Sec-WebSocket-Protocol", "").split(",")]
    offered = [p for p in offered if p]
    token = next((p[len(_SUBPROTOCOL) :] for p in offered if p.startswith(_SUBPROTOCOL)), None)
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        token = header[7:].strip()
    return token, offered


def _admit(
    request: web.Request, deps: RestDeps, store: TokenStore, model: str
) -> SessionConfig | EventError:
    """The session a socket opens with, or why it may not."""
    token, _ = _credential(request)
    fresh = SessionConfig(model=model)
    if token and token.startswith(TOKEN_PREFIX):
        state, minted = store.check(token)
        if minted is not None:
            return (
                minted.session
                if request.query.get("model") is None
                else _with_model(minted.session, model)
            )
        code = "token_expired" if state == "expired" else "invalid_api_key"
        return EventError(
            "the ephemeral token has expired: mint a new one (POST /v1/realtime/client_secrets)"
            if state == "expired"
            else "unknown ephemeral token: mint one with POST /v1/realtime/client_secrets",
            code=code,
        )
    context: Any = _KeyContext(request, token)
    try:
        deps.admit(context)
    except SimStatus as refused:
        return EventError(refused.details, code="invalid_api_key")
    return fresh


def _with_model(config: SessionConfig, model: str) -> SessionConfig:
    from dataclasses import replace

    return replace(config, model=model)


class _KeyContext(HttpContext):
    """The handshake's headers, with a subprotocol's key as the ``authorization`` header."""

    def __init__(self, request: web.Request, token: str | None) -> None:
        super().__init__(request)
        self._token = token

    def invocation_metadata(self) -> tuple[tuple[str, str], ...]:
        headers = tuple(p for p in super().invocation_metadata() if p[0] != "authorization")
        return (*headers, ("authorization", f"Bearer {self._token or ''}"))


def _secret_request(body: dict[str, Any]) -> tuple[int, dict[str, Any], str]:
    """A client secret request's life (seconds), session object and model."""
    expires = mapping(body, "expires_after", "expires_after") or {}
    if expires.get("anchor", "created_at") != "created_at":
        raise BadRequest("expires_after.anchor must be created_at", param="expires_after.anchor")
    ttl = integer(expires, "seconds", "expires_after.seconds")
    ttl = DEFAULT_TTL_S if ttl is None else ttl
    if not MIN_TTL_S <= ttl <= MAX_TTL_S:
        raise BadRequest(
            f"expires_after.seconds={ttl}: must be from {MIN_TTL_S} to {MAX_TTL_S}",
            param="expires_after.seconds",
        )
    session = mapping(body, "session", "session") or {}
    name = session.get("model") if isinstance(session.get("model"), str) else DEFAULT_MODEL
    return ttl, session, str(name)[:200]


def add_routes(router: web.UrlDispatcher, deps: RestDeps) -> None:
    """Mount ``GET /v1/realtime`` and ``POST /v1/realtime/client_secrets``."""
    model = copy.copy(deps.chat)  # the same stores, faults and script …
    model.admit = lambda context: None  # … but the socket was admitted at its handshake
    realtime = RealtimeDeps(model=model, ears=Ears())
    store = TokenStore()

    async def socket(request: web.Request) -> web.StreamResponse:
        name = request.query.get("model") or DEFAULT_MODEL
        admitted = _admit(request, deps, store, name[:200])
        _, offered = _credential(request)
        ws = web.WebSocketResponse(
            protocols=offered, max_msg_size=MAX_MESSAGE_BYTES, heartbeat=_HEARTBEAT_S
        )
        await ws.prepare(request)
        if isinstance(admitted, EventError):
            await ws.send_json(error_event(admitted))
            await ws.close(code=_UNAUTHORIZED, message=b"unauthorized")
            return ws
        session = RealtimeSession(ws, request, realtime, admitted, HttpContext(request))
        await session.run()
        return ws

    async def client_secrets(request: web.Request) -> web.Response:
        context: Any = HttpContext(request)
        deps.admit(context)
        ttl, session, name = _secret_request(await json_body(request))
        try:
            config = SessionConfig(model=name).updated(session)
            minted = store.mint(ttl, config)
        except EventError as bad:
            raise BadRequest(bad.message, param=bad.param) from None
        except StoreFull as full:
            return http_error(429, str(full))
        return web.json_response(
            {
                "value": minted.value,
                "expires_at": int(minted.expires_at),
                "session": config.to_json(),
            }
        )

    router.add_get("/v1/realtime", socket)
    router.add_post("/v1/realtime/client_secrets", client_secrets)
