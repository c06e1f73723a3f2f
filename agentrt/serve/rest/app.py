"""The HTTP door of ``agentrt serve``: :func:`make_app` and :class:`HttpDoor`.

Routes: ``POST /v1/responses``, ``POST /v1/chat/completions``, ``GET /v1/models``
(the served agents), ``GET /v1/models/{name}``, ``POST /v1/realtime/client_secrets``
(ephemeral realtime tokens for the callers' browsers), and ``GET /health`` (200
serving, 503 draining; no token needed, like gRPC health). Every ``/v1`` call
needs ``Authorization: Bearer TOKEN`` with a token of the server's key file
(the gRPC door's tokens). One middleware turns whatever ends a request badly
into OpenAI's error body; nothing a request sends can crash the server.

A client that disconnects cancels its handler (aiohttp's
``handler_cancellation``), and the handler's task is the run: the run's model
stream and tools are cancelled with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from agentrt.errors import UsageError
from agentrt.serve.rest.chat_completions import ChatEndpoint
from agentrt.serve.rest.client_secrets import ClientSecretsEndpoint
from agentrt.serve.rest.errors import ApiError, api_error_for, error_response, report_internal
from agentrt.serve.rest.mint_rate import DEFAULT_MINTS_PER_MINUTE
from agentrt.serve.rest.responses import ResponsesEndpoint
from agentrt.xai.grpc_server import host_port

if TYPE_CHECKING:
    from agentrt.serve.service import AgentsService

__all__ = ["SHUTDOWN_S", "HttpDoor", "make_app"]

SHUTDOWN_S = 0.25
"""On stop, how long requests still being answered get before they are cancelled."""


def _unauthorized() -> ApiError:
    return ApiError(
        401,
        "missing or wrong token: send 'Authorization: Bearer TOKEN' with a token from "
        "the server's --api-key-file",
        code="invalid_api_key",
    )


def _http_error(exc: web.HTTPException, request: web.Request) -> ApiError:
    """A refusal of aiohttp's router (no such route, wrong method) in OpenAI's form."""
    route = f"{request.method} {request.path[:200]}"
    if exc.status == 404:
        return ApiError(
            404,
            f"no route {route}: this server answers /v1/responses, /v1/chat/completions, "
            "/v1/models, /v1/realtime/client_secrets and /health",
            code="not_found",
        )
    reason = exc.reason or f"HTTP {exc.status}"
    return ApiError(exc.status, f"{reason}: {route}", code="invalid_request")


def _guard(service: AgentsService) -> Any:
    @web.middleware
    async def guard(request: web.Request, handler: Any) -> web.StreamResponse:
        """Authenticate ``/v1`` calls; every error as OpenAI's error body."""
        try:
            if request.path.startswith("/v1/"):
                given = request.headers.get("authorization", "")
                if not service.auth.admits([("authorization", given)]):
                    raise _unauthorized()
            response: web.StreamResponse = await handler(request)
            return response
        except web.HTTPException as exc:
            return error_response(_http_error(exc, request))
        except Exception as exc:  # cancellation (a BaseException) passes through untouched
            if isinstance(exc, ConnectionError) or request.transport is None:
                raise  # the caller has gone: nobody to tell
            error = api_error_for(exc, service.scrub)
            report_internal(exc, error, service.scrub)
            return error_response(error)

    return guard


def _model(name: str) -> dict[str, Any]:
    return {"id": name, "object": "model", "created": 0, "owned_by": "agentrt"}


class _Listing:
    """``/health`` and ``/v1/models``."""

    def __init__(self, service: AgentsService) -> None:
        self.service = service

    async def health(self, request: web.Request) -> web.Response:
        draining = self.service.draining
        body = {"status": "draining" if draining else "serving"}
        return web.json_response(body, status=503 if draining else 200)

    async def models(self, request: web.Request) -> web.Response:
        data = [_model(name) for name in self.service.catalog.names]
        return web.json_response({"object": "list", "data": data})

    async def model(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if self.service.catalog.get(name) is None:
            known = ", ".join(self.service.catalog.names)
            raise ApiError(
                404,
                f"no agent named {name!r} (this server runs: {known})",
                param="model",
                code="model_not_found",
            )
        return web.json_response(_model(name))


def make_app(service: AgentsService, secrets: ClientSecretsEndpoint) -> web.Application:
    """The application serving ``service``'s agents (bodies capped at its message limit)."""
    app = web.Application(
        client_max_size=service.limits.max_message_bytes, middlewares=[_guard(service)]
    )
    listing = _Listing(service)
    app.router.add_get("/health", listing.health)
    app.router.add_get("/v1/models", listing.models)
    app.router.add_get("/v1/models/{name}", listing.model)
    app.router.add_post("/v1/responses", ResponsesEndpoint(service).post)
    app.router.add_post("/v1/chat/completions", ChatEndpoint(service).post)
    app.router.add_post("/v1/realtime/client_secrets", secrets.post)
    return app


class HttpDoor:
    """The HTTP server of one :class:`~agentrt.serve.server.AgentServer`.

    Args:
        service: the agents, auth, limits and run slots (shared with the gRPC door).
        host: address to bind.
        port: port to bind (0: the OS picks one).
        rest_endpoint: the upstream's REST base URL for minting tokens (``None``: the client's).
        mints_per_minute: the tokens each caller may mint a minute.
    """

    def __init__(
        self,
        service: AgentsService,
        host: str,
        port: int,
        *,
        rest_endpoint: str | None = None,
        mints_per_minute: int = DEFAULT_MINTS_PER_MINUTE,
    ) -> None:
        self.service = service
        self.host = host
        self.port = port
        self.secrets = ClientSecretsEndpoint(
            service, rest_endpoint=rest_endpoint, mints_per_minute=mints_per_minute
        )
        self._runner: web.AppRunner | None = None

    @property
    def address(self) -> str:
        """``HOST:PORT`` it listens on."""
        return host_port(self.host, self.port)

    async def start(self) -> None:
        """Bind and serve.

        Raises:
            UsageError: a port out of range, or the address cannot be bound.
        """
        if not 0 <= self.port <= 65535:
            raise UsageError(f"--http-port {self.port}: must be 0 (a free port) to 65535")
        try:
            await self._bind()
        except BaseException:
            await self.secrets.close()
            raise

    async def _bind(self) -> None:
        runner = web.AppRunner(
            make_app(self.service, self.secrets),
            handle_signals=False,
            access_log=None,
            handler_cancellation=True,
            shutdown_timeout=SHUTDOWN_S,
        )
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        try:
            await site.start()
        except OSError as exc:
            await runner.cleanup()
            reason = exc.strerror or type(exc).__name__
            raise UsageError(
                f"--http-port {self.port}: cannot listen on {self.address}: {reason}"
            ) from None
        self._runner = runner
        self.port = int(runner.addresses[0][1])

    async def stop(self) -> None:
        """Stop listening; requests still answered get :data:`SHUTDOWN_S`, then are cancelled."""
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()
        await self.secrets.close()
