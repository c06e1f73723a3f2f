"""``client.realtime``: open realtime sessions and mint ephemeral tokens for browsers.

The WebSocket URL is the REST base URL (:func:`agentrt.xai.config.rest_base_url`)
with http -> ws and ``/realtime?model=MODEL`` appended. The handshake carries
``Authorization: Bearer KEY`` (the API key, or the ephemeral token given to
``connect``) and shares the REST transport's aiohttp session (one per event loop).

Handshake failures are typed: HTTP 401 -> :class:`~agentrt.errors.AuthenticationError`,
any other 4xx -> its :mod:`agentrt.xai.rest.http_errors` class, 5xx or no connection ->
:class:`~agentrt.errors.Unavailable`, no session within the connect timeout ->
:class:`~agentrt.errors.DeadlineExceeded`. A session gets one ``realtime {model}``
span (CLIENT) when telemetry is on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

import aiohttp
from yarl import URL

from agentrt import errors
from agentrt.telemetry.names import OP_REALTIME, PROVIDER, Attr
from agentrt.telemetry.tracing import Telemetry, trace_headers
from agentrt.xai.config import ClientConfig, redact, rest_base_url
from agentrt.xai.deadline import Deadline, Timeout
from agentrt.xai.realtime.config import SessionConfig
from agentrt.xai.realtime.session import CLOSE_TIMEOUT, RealtimeSession, Tracer
from agentrt.xai.rest.http_errors import from_status
from agentrt.xai.rest.transport import RestTransport

__all__ = [
    "DEFAULT_MODEL",
    "MAX_TOKEN_SECONDS",
    "MIN_TOKEN_SECONDS",
    "ClientSecret",
    "Realtime",
    "websocket_url",
]

DEFAULT_MODEL = "grok-voice-latest"
MIN_TOKEN_SECONDS = 10
MAX_TOKEN_SECONDS = 7200


@dataclass(frozen=True)
class ClientSecret:
    """An ephemeral token for one client (a browser) to open realtime sessions with.

    Attributes:
        value: the token (``connect(token=...)``, or the browser's subprotocol); never in ``repr``.
        expires_at: when it stops working (UNIX seconds).
        session: the session settings the server bound to it.
    """

    value: str = field(repr=False)
    expires_at: float
    session: dict[str, Any] = field(default_factory=dict, repr=False)


def websocket_url(base: str, model: str) -> URL:
    """``ws(s)://HOST[:PORT]/PATH/realtime?model=MODEL`` for REST base URL ``base``."""
    url = URL(base.rstrip("/") + "/realtime")
    scheme = "wss" if url.scheme == "https" else "ws"
    return url.with_scheme(scheme).with_query(model=model)


class Realtime:
    """The realtime API of a client (``client.realtime``).

    Args:
        config: the client's settings (the REST base URL comes from them).
        telemetry: where the session spans go.
        transport: the client's transport; reused when it is the REST one.

    Raises:
        UsageError: there is no REST base URL (a gRPC endpoint off x.ai, no ``rest_endpoint``).
    """

    def __init__(self, config: ClientConfig, telemetry: Telemetry, transport: object) -> None:
        base = rest_base_url(config)
        self._owned = not isinstance(transport, RestTransport)
        if isinstance(transport, RestTransport):
            self._rest = transport
        else:
            self._rest = RestTransport(replace(config, endpoint=base, protocol="rest"))
        self.base_url = base
        self._config = config
        self._telemetry = telemetry

    def __repr__(self) -> str:
        return f"Realtime(base_url={self.base_url!r})"

    def connect(
        self,
        *,
        model: str | None = None,
        session: SessionConfig | None = None,
        token: str | None = None,
        timeout: Timeout = None,
    ) -> RealtimeSession:
        """A session to enter with ``async with`` (it connects then, not now).

        Args:
            model: the voice model (default ``grok-voice-latest``).
            session: the settings sent with ``session.update`` (default ``SessionConfig()``;
                with a ``token`` and no session, the session the token was minted with).
            token: an ephemeral token (``create_client_secret``) instead of the API key.
            timeout: seconds (or a Deadline) to be connected and configured; default the
                client's timeout, capped by an active ``budget()``.

        Raises:
            UsageError: a bad model, session or token argument.
        """
        model = model or DEFAULT_MODEL
        if not isinstance(model, str) or not model.strip() or len(model) > 256:
            raise errors.UsageError(f"model must be a model name, got {model!r}"[:200])
        if session is not None and not isinstance(session, SessionConfig):
            raise errors.UsageError("session must be a SessionConfig")
        if token is not None and (not isinstance(token, str) or not token or _unsafe(token)):
            raise errors.UsageError("token must be the non-empty value of a ClientSecret")
        if timeout is not None and not isinstance(timeout, Deadline) and not timeout > 0:
            raise errors.UsageError(f"timeout must be > 0 seconds, got {timeout!r}")
        url = websocket_url(self.base_url, model)
        headers = dict(trace_headers())
        if token is not None:
            headers["authorization"] = f"Bearer {token}"
        secret = token or self._config.api_key

        async def opener() -> aiohttp.ClientWebSocketResponse:
            return await self._open(url, headers, secret)

        return RealtimeSession(
            opener,
            model=model,
            config=session or SessionConfig(),
            timeout=timeout,
            default_timeout=self._config.timeout,
            secret=secret,
            tracer=lambda: self._span(model),
            keep_bound=token is not None and session is None,
        )

    async def _open(
        self, url: URL, headers: dict[str, str], secret: str | None
    ) -> aiohttp.ClientWebSocketResponse:
        session = self._rest.session()
        try:
            return await session.ws_connect(
                url,
                headers=headers,
                max_msg_size=self._config.max_message_bytes,
                timeout=aiohttp.ClientWSTimeout(ws_receive=None, ws_close=CLOSE_TIMEOUT),
                autoping=True,
                # no permessage-deflate: base64 PCM barely compresses, and inflating every
                # audio delta costs CPU on the hot path (and opens the door to inflate bombs)
                compress=0,
            )
        except aiohttp.WSServerHandshakeError as exc:
            raise _handshake_error(exc.status, url, secret) from None
        except (aiohttp.ClientError, OSError) as exc:
            what = redact(f"{type(exc).__name__}: {exc}", secret)
            host = f"{url.scheme}://{url.host}:{url.port}{url.path}"
            raise errors.Unavailable(f"{host}: {what}"[:500], code="UNAVAILABLE") from None

    def _span(self, model: str) -> Tracer | None:
        """A ``realtime {model}`` span started now, ended by the returned callback."""
        inst = self._telemetry.instruments()
        if inst is None:
            return None
        try:
            from opentelemetry.trace import SpanKind, StatusCode

            url = URL(self.base_url)
            span = inst.tracer.start_span(
                f"realtime {model}",
                kind=SpanKind.CLIENT,
                attributes={
                    Attr.OPERATION: OP_REALTIME,
                    Attr.PROVIDER: PROVIDER,
                    Attr.REQUEST_MODEL: model,
                    Attr.SERVER_ADDRESS: url.host or "",
                    Attr.SERVER_PORT: url.port or 0,
                },
            )
        except Exception:  # telemetry never breaks the session
            return None

        def end(exc: BaseException | None) -> None:
            try:
                if exc is not None and not isinstance(exc, GeneratorExit):
                    span.set_status(StatusCode.ERROR)
                    span.set_attribute("error.type", type(exc).__name__)
                span.end()
            except Exception:
                pass

        return end

    async def create_client_secret(
        self,
        *,
        expires_after_s: int = 600,
        session: SessionConfig | None = None,
        model: str | None = None,
        timeout: Timeout = None,  # noqa: ASYNC109 - it becomes the call's deadline
    ) -> ClientSecret:
        """Mint an ephemeral token (``POST /v1/realtime/client_secrets``) for a browser.

        Args:
            expires_after_s: its lifetime, 10 to 7200 seconds.
            session: settings to bind to it (optional).
            model: the model to bind to it (optional).
            timeout: the call's deadline (default: the client's, capped by ``budget()``).

        Raises:
            UsageError: a lifetime outside 10-7200 s.
            RPCError: the server refused (401 -> AuthenticationError, ...) or was unreachable.
        """
        seconds = expires_after_s
        if isinstance(seconds, bool) or not isinstance(seconds, int):
            raise errors.UsageError(f"expires_after_s must be whole seconds, got {seconds!r}")
        if not MIN_TOKEN_SECONDS <= seconds <= MAX_TOKEN_SECONDS:
            raise errors.UsageError(
                f"expires_after_s must be from {MIN_TOKEN_SECONDS} to {MAX_TOKEN_SECONDS}, got {seconds}"
            )
        # xAI documents only ``expires_after.seconds``: its anchor (creation) is implied, and
        # settings are sent only when the caller binds some (the browser sends its own too).
        body: dict[str, Any] = {"expires_after": {"seconds": seconds}}
        if session is not None or model:
            bound = session.to_json() if session is not None else {"type": "realtime"}
            if model:
                bound["model"] = model
            body["session"] = bound
        raw = await self._rest.call(
            "POST", "/realtime/client_secrets", json.dumps(body).encode(), timeout=timeout
        )
        return _secret_of(raw)

    async def close(self) -> None:
        """Close the HTTP session this object made (a REST client's own is closed by the client)."""
        if self._owned:
            await self._rest.close()


def _unsafe(text: str) -> bool:
    return any(c in text for c in "\r\n\0 ") or not text.isascii()


def _secret_of(raw: Any) -> ClientSecret:
    """The ClientSecret of the answer (``value``, ``expires_at``, ``session``)."""
    if isinstance(raw, dict) and isinstance(raw.get("client_secret"), dict):
        raw = {**raw, **raw["client_secret"]}  # the beta shape nests the token
    value = raw.get("value") if isinstance(raw, dict) else None
    expires = raw.get("expires_at") if isinstance(raw, dict) else None
    if not isinstance(value, str) or not value or _unsafe(value):
        raise errors.ServerError("the client secret answer has no usable 'value'", code="200")
    if isinstance(expires, bool) or not isinstance(expires, int | float):
        raise errors.ServerError("the client secret answer has no numeric 'expires_at'", code="200")
    session = raw.get("session")
    return ClientSecret(value, float(expires), session if isinstance(session, dict) else {})


def _handshake_error(status: int, url: URL, secret: str | None) -> errors.RPCError:
    where = f"{url.scheme}://{url.host}:{url.port}{url.path}"
    if status >= 500:
        return errors.Unavailable(f"{where}: the server answered HTTP {status}", code=str(status))
    if status == 401:
        return errors.AuthenticationError(
            f"{where}: the API key or token was refused (HTTP 401)", code="401"
        )
    return from_status(status, f"{where}: the handshake got HTTP {status}".encode(), {}, secret)
