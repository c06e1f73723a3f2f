"""``POST /v1/realtime/client_secrets``: ephemeral tokens for callers' browsers.

A caller of this server (its usual bearer token) asks for a token; the server
mints it upstream with its *own* key (``client.realtime.create_client_secret``)
and answers in OpenAI's GA shape, ``{"value", "expires_at", "session"}``, plus
``url``: the WebSocket URL the browser connects to with the token. The
server's key never leaves: the upstream's error messages are scrubbed of it,
and an upstream refusal of that key is told as the server's problem (502), not
the caller's. Each caller may mint ``--max-token-mints-per-minute`` tokens a
minute (:class:`~agentrt.serve.rest.mint_rate.MintRate`).

The upstream's REST base URL is the client's (``--rest-endpoint``,
``$AGENTRT_REST_ENDPOINT``, ``https://api.x.ai/v1`` beside x.ai's gRPC
endpoint, or the REST endpoint itself); without one, minting answers 501.
Upstream rate limits are passed on at once (429 with its ``retry-after``)
rather than waited out, so a browser's page is never held for long.
"""

from __future__ import annotations

import dataclasses
import math
from typing import TYPE_CHECKING, Any

from aiohttp import web

from agentrt import errors
from agentrt.serve.rest.body import read_json
from agentrt.serve.rest.errors import ApiError
from agentrt.serve.rest.mint_rate import MintRate
from agentrt.serve.rest.secret_request import MintRequest, mint_request
from agentrt.serve.status import Scrubber
from agentrt.xai.realtime.config import SessionConfig
from agentrt.xai.tool_specs import FunctionTool

if TYPE_CHECKING:
    from agentrt.serve.service import AgentsService
    from agentrt.telemetry.redaction import Redactions
    from agentrt.xai.realtime.service import ClientSecret, Realtime

__all__ = ["MINT_TIMEOUT_S", "ClientSecretsEndpoint", "upstream_error"]

MINT_TIMEOUT_S = 15.0
"""The longest a mint waits for the upstream (connecting and retrying included)."""


class ClientSecretsEndpoint:
    """Serves ``POST /v1/realtime/client_secrets``; :meth:`close` when the door stops.

    Args:
        service: the served agents, auth and limits.
        rest_endpoint: the upstream's REST base URL (``None``: the client's own).
        mints_per_minute: what each caller may mint.
    """

    def __init__(
        self, service: AgentsService, *, rest_endpoint: str | None, mints_per_minute: int
    ) -> None:
        self.service = service
        self.rate = MintRate(mints_per_minute)
        self.realtime: Realtime | None = None
        self.unavailable = ""
        self._open(rest_endpoint)

    def _open(self, rest_endpoint: str | None) -> None:
        from agentrt.xai.realtime.service import Realtime

        client = self.service.client
        # no waiting out an upstream 429 here: the caller gets it with its retry-after
        config = dataclasses.replace(
            client.config,
            rest_endpoint=rest_endpoint or client.config.rest_endpoint,
            rate_limit_retries=0,
        )
        self.scrub = Scrubber.of([*self.service.scrub.secrets, config.api_key])
        try:
            self.realtime = Realtime(config, client.telemetry, None)
        except errors.UsageError as exc:
            self.unavailable = self.scrub(str(exc))

    async def close(self) -> None:
        """Close the upstream HTTP session."""
        realtime, self.realtime = self.realtime, None
        if realtime is not None:
            await realtime.close()

    async def post(self, request: web.Request) -> web.Response:
        """Mint one token upstream for the caller."""
        service = self.service
        if service.draining:
            raise ApiError(503, "the server is shutting down; mint elsewhere", code="draining")
        body = await read_json(request, service.limits.max_message_bytes)
        asked = mint_request(body)
        config, redactions = self._session(asked)
        if self.realtime is None:
            raise ApiError(
                501,
                f"this server cannot mint realtime tokens: {self.unavailable} "
                "(start agentrt serve with --rest-endpoint URL)",
                code="realtime_unavailable",
            )
        caller = request.headers.get("authorization", "") if service.auth.required else ""
        self.rate.take(caller)
        try:
            secret = await self.realtime.create_client_secret(
                expires_after_s=asked.seconds,
                session=config,
                model=asked.model,
                timeout=MINT_TIMEOUT_S,
            )
        except errors.RPCError as exc:
            raise upstream_error(exc, self.realtime.base_url, self.scrub) from None
        return web.json_response(self._answer(secret, config, asked, redactions))

    def _session(self, asked: MintRequest) -> tuple[SessionConfig, Redactions | None]:
        """The session to bind: the caller's settings, over the agent's when one is named."""
        settings = dict(asked.settings)
        redactions = None
        if asked.agent is not None:
            agent = _agent(self.service, asked)
            redactions = agent.redactions
            extra = settings.get("instructions", "")
            settings["instructions"] = "\n\n".join(t for t in (agent.instructions, extra) if t)
            settings["tools"] = tuple(
                t for t in agent.tools.declarations() if isinstance(t, FunctionTool)
            )
            _spec_voice(self.service, asked.agent, settings)
        try:
            return SessionConfig(**settings), redactions
        except errors.UsageError as exc:
            raise ApiError(400, f"session: {exc}", param="session", code="invalid_value") from None

    def _answer(
        self,
        secret: ClientSecret,
        config: SessionConfig,
        asked: MintRequest,
        redactions: Redactions | None,
    ) -> dict[str, Any]:
        from agentrt.xai.realtime.service import DEFAULT_MODEL, websocket_url

        assert self.realtime is not None
        session = secret.session or {**config.to_json(), "model": asked.model or DEFAULT_MODEL}
        if redactions is not None:  # values a spec took from ${ENV} never reach a browser
            session = redactions.data(session)
        model = asked.model or str(session.get("model") or DEFAULT_MODEL)
        return {
            "value": secret.value,
            "expires_at": int(secret.expires_at),
            "session": session,
            "url": str(websocket_url(self.realtime.base_url, model)),
        }


def _spec_voice(service: AgentsService, name: str, settings: dict[str, Any]) -> None:
    """The spec's ``voice`` and ``turn_detection``, where the caller did not set them."""
    served = service.catalog.get(name)
    if served is None:
        return
    if served.spec.voice:
        settings.setdefault("voice", served.spec.voice)
    if served.spec.turn_detection == "push_to_talk":
        settings.setdefault("turn_detection", None)


def _agent(service: AgentsService, asked: MintRequest) -> Any:
    served = service.catalog.get(asked.agent or "")
    if served is None:
        known = ", ".join(service.catalog.names)
        raise ApiError(
            404,
            f"no agent named {asked.agent!r} (this server runs: {known})",
            param="agent",
            code="model_not_found",
        )
    try:
        service.limits.check(input="-", run_id="", variables=asked.variables, metadata={})
        return served.agent(asked.variables)
    except errors.UsageError as exc:
        raise ApiError(400, str(exc), param="variables", code="invalid_value") from None


def upstream_error(exc: errors.RPCError, base_url: str, scrub: Scrubber) -> ApiError:
    """What the caller is told when the upstream would not mint (its words scrubbed)."""
    said = scrub(str(exc))
    where = f"the realtime API at {base_url}"
    if isinstance(exc, errors.AuthenticationError):
        # the upstream refused *this server's* key: nothing the caller can fix, and its
        # words might quote the key, so they are not passed on
        return ApiError(
            502,
            f"{where} refused this server's credentials (see the server's configuration)",
            code="upstream_authentication_failed",
        )
    if isinstance(exc, errors.PermissionDenied):
        return ApiError(403, f"{where} does not allow this: {said}", code="permission_denied")
    if isinstance(exc, errors.RateLimited):
        wait = 1 if exc.retry_after is None else max(1, math.ceil(exc.retry_after))
        return ApiError(
            429,
            f"{where} is rate limiting this server: {said}",
            code="rate_limit_exceeded",
            retry_after=wait,
        )
    if isinstance(exc, errors.InvalidRequest):
        return ApiError(
            400, f"{where} refused the session: {said}", param="session", code="invalid_value"
        )
    if isinstance(exc, errors.DeadlineExceeded):
        return ApiError(504, f"{where} did not answer in time: {said}", code="upstream_timeout")
    if isinstance(exc, errors.TransportError):
        return ApiError(503, f"{where} cannot be reached: {said}", code="upstream_unavailable")
    return ApiError(502, f"{where} failed: {said}", code="upstream_error")
