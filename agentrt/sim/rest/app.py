"""The HTTP door's aiohttp application and its lifecycle: :class:`RestDeps`, :class:`HttpDoor`.

Each endpoint module has ``add_routes(router, deps)``; :data:`ENDPOINTS` mounts them all
under ``/v1``. One middleware turns every failure into an OpenAI error body (a
:class:`~agentrt.sim.status.SimStatus`, aiohttp's own 404/405/413, and, last, anything
unexpected as a 500 that names only the exception's class) and, when the simulator has an
observer, wraps each request in it (a span continued from ``traceparent``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from agentrt.errors import UsageError
from agentrt.sim.rest import (
    api_key,
    batches,
    chat_completions,
    embeddings,
    files,
    images,
    models,
    realtime,
    responses,
    tokenize,
)
from agentrt.sim.rest.body import BadRequest
from agentrt.sim.rest.context import HttpContext
from agentrt.sim.rest.deps import RestDeps
from agentrt.sim.rest.errors import error_response, http_error
from agentrt.sim.status import SimStatus
from agentrt.xai.grpc_server import host_port

if TYPE_CHECKING:
    from agentrt.sim.handlers import Observer

__all__ = ["ENDPOINTS", "MAX_BODY_BYTES", "HttpDoor", "make_app"]

MAX_BODY_BYTES = 64 * 1024 * 1024
"""The largest request body (a file upload included); more is a 413."""

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


ENDPOINTS = (
    chat_completions,
    responses,
    models,
    embeddings,
    images,
    tokenize,
    api_key,
    files,
    batches,
    realtime,
)


def _middleware(observer: Observer | None) -> Any:
    @web.middleware
    async def door(request: web.Request, handler: Handler) -> web.StreamResponse:
        if observer is None:
            return await _answer(request, handler)
        metadata = dict(HttpContext(request).invocation_metadata())
        with observer(f"{request.method} {request.path}", metadata):
            return await _answer(request, handler)

    return door


async def _answer(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except BadRequest as bad:
        return http_error(400, bad.details, param=bad.param)
    except SimStatus as status:
        return error_response(status)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return http_error(exc.status, _reason(exc, request))
    except Exception as exc:
        return http_error(500, f"internal simulator error ({type(exc).__name__})")


def _reason(exc: web.HTTPException, request: web.Request) -> str:
    if exc.status == 404:
        return f"no such endpoint: {request.method} {request.path}"
    if exc.status == 405:
        return f"{request.method} is not allowed on {request.path}"
    if exc.status == 413:
        return f"the request body is larger than {MAX_BODY_BYTES:,} bytes"
    return exc.reason


def make_app(deps: RestDeps) -> web.Application:
    """The application: every endpoint module's routes, behind the error middleware."""
    app = web.Application(client_max_size=MAX_BODY_BYTES, middlewares=[_middleware(deps.observer)])
    for endpoint in ENDPOINTS:
        endpoint.add_routes(app.router, deps)
    return app


class HttpDoor:
    """The running HTTP door: :meth:`start` it on a host and port, :meth:`stop` it."""

    def __init__(self, deps: RestDeps, grace_s: float) -> None:
        self._runner = web.AppRunner(
            make_app(deps), access_log=None, handle_signals=False, shutdown_timeout=grace_s
        )
        self._host = ""
        self.port = 0

    async def start(self, host: str, port: int) -> None:
        """Listen on ``host:port`` (0: a free port)."""
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        try:
            await site.start()
        except OSError as exc:
            await self._runner.cleanup()
            raise UsageError(
                f"--http-port {port}: cannot listen on {host}: {exc.strerror or exc}"
            ) from None
        self._host, self.port = host, self._runner.addresses[0][1]

    @property
    def address(self) -> str:
        """``HOST:PORT`` of the door."""
        return host_port(self._host, self.port)

    async def stop(self) -> None:
        """Stop listening; requests in flight get the grace it was made with."""
        await self._runner.cleanup()
