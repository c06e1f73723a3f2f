"""The ``agentrt serve`` gRPC server and its lifecycle: :class:`AgentServer`, :class:`ServeOptions`.

One ``grpc.aio`` server carries three services: ``agentrt.v1.Agents``
(:mod:`agentrt.serve.service`), the standard ``grpc.health.v1.Health`` (SERVING
for ``""``, ``agentrt.v1.Agents`` and ``agentrt.v1.Agents/NAME`` per agent) and
server reflection. With ``http_port`` set, the same agents are also served to
OpenAI clients over HTTP (:mod:`agentrt.serve.rest`), with the same tokens,
run slots and drain. Shutdown drains: health turns NOT_SERVING, new runs get
UNAVAILABLE, runs in flight get ``grace_s`` seconds to finish, and only then
does the server stop (cancelling whatever is still running).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING, Any

import grpc

from agentrt.agents.session import MemoryStore
from agentrt.agents.tool_threads import ToolThreads, set_default_tool_threads
from agentrt.serve.limits import RequestLimits, RunSlots
from agentrt.serve.paused import PausedRuns
from agentrt.serve.service import SERVICE, AgentsService
from agentrt.serve.status import Scrubber
from agentrt.xai.grpc_server import bind, host_port, server_options

if TYPE_CHECKING:
    from agentrt.agents.mcp_run import MCPPool
    from agentrt.agents.session import SessionStore
    from agentrt.serve.auth import TokenAuth
    from agentrt.serve.catalog import Catalog
    from agentrt.serve.rest.app import HttpDoor
    from agentrt.xai.client import Client

__all__ = [
    "SERVICE_NAME",
    "UNWIND_S",
    "AgentServer",
    "ServeOptions",
    "health_names",
]

SERVICE_NAME = SERVICE
UNWIND_S = 5.0
"""Longest wait, once the server has stopped, for cancelled runs to finish their clean-up."""


def health_names(catalog: Catalog) -> list[str]:
    """The names the health service answers for: the server, the service, each agent."""
    return ["", SERVICE_NAME, *(f"{SERVICE_NAME}/{name}" for name in catalog.names)]


@dataclass(frozen=True, kw_only=True)
class ServeOptions:
    """How the server listens and what it takes on.

    Attributes:
        host: address to bind.
        port: port to bind (0: the OS picks one).
        max_concurrent_runs: runs in flight before RESOURCE_EXHAUSTED.
        grace_s: seconds runs in flight get to finish when the server drains.
        limits: request size limits.
        http_port: the port of the OpenAI-compatible HTTP door (0: the OS picks one;
            ``None``: no HTTP door).
        rest_endpoint: the upstream REST base URL the HTTP door mints realtime tokens
            at (``None``: the client's, see :func:`agentrt.xai.config.rest_base_url`).
        max_token_mints_per_minute: ephemeral tokens each caller may mint a minute.
        approval_ttl_s: how long a run paused for approval waits for ResumeRun.
    """

    host: str = "127.0.0.1"
    port: int = 0
    http_port: int | None = None
    max_concurrent_runs: int = 64
    grace_s: float = 30.0
    limits: RequestLimits = field(default_factory=RequestLimits)
    rest_endpoint: str | None = None
    max_token_mints_per_minute: int = 60
    approval_ttl_s: float = 900.0


class AgentServer:
    """A running ``agentrt serve``; use it as an async context manager.

    Args:
        catalog: the agents to serve.
        client: reaches the model service (the server does not close it).
        auth: who may call.
        options: where to listen and the limits.
        scrub: removes the server's secrets from what callers see.
        sessions: where conversations are kept (default: in memory; the caller closes it).
    """

    def __init__(
        self,
        catalog: Catalog,
        client: Client,
        auth: TokenAuth,
        options: ServeOptions | None = None,
        *,
        scrub: Scrubber | None = None,
        sessions: SessionStore | None = None,
        **overrides: Any,
    ) -> None:
        self.options = dataclasses.replace(options or ServeOptions(), **overrides)
        self.catalog = catalog
        tool_caps = [a.limits.max_tool_concurrency for a in catalog] or [1]
        threads = ToolThreads(self.options.max_concurrent_runs * max(tool_caps))
        # the runs' sync tools take the process's pool: this one, sized from the caps
        set_default_tool_threads(threads)
        self.service = AgentsService(
            threads=threads,
            catalog=catalog,
            client=client,
            auth=auth,
            slots=RunSlots(self.options.max_concurrent_runs),
            limits=self.options.limits,
            scrub=scrub or Scrubber(),
            sessions=sessions if sessions is not None else MemoryStore(),
            paused=PausedRuns(self.options.approval_ttl_s),
        )
        self._server: grpc.aio.Server | None = None
        self._health: Any = None
        self._port = 0
        self._http: HttpDoor | None = None
        self._mcp: MCPPool | None = None

    @property
    def address(self) -> str:
        """``HOST:PORT`` to connect to (IPv6 hosts in brackets)."""
        return host_port(self.options.host, self._port)

    @property
    def http_address(self) -> str | None:
        """``HOST:PORT`` of the HTTP door, or ``None`` when there is none (or not yet)."""
        return None if self._http is None else self._http.address

    @property
    def rest_url(self) -> str | None:
        """The HTTP door's API root, ``http://HOST:PORT/v1`` (an OpenAI client's ``base_url``)."""
        address = self.http_address
        return None if address is None else f"http://{address}/v1"

    async def start(self) -> None:
        """Bind and serve; UsageError when the address cannot be bound."""
        from agentrt_protos.agentrt.v1 import agent_pb2_grpc
        from grpc_health.v1 import health, health_pb2, health_pb2_grpc
        from grpc_reflection.v1alpha import reflection

        if self._server is not None:
            raise RuntimeError("the server is already running")
        opts = self.options
        server = grpc.aio.server(options=server_options(max_receive=opts.limits.max_message_bytes))
        add_agents = agent_pb2_grpc.add_AgentsServicer_to_server
        add_agents(self.service, server)  # type: ignore[no-untyped-call]
        self._health = health.aio.HealthServicer()  # type: ignore[attr-defined]  # untyped in stubs
        health_pb2_grpc.add_HealthServicer_to_server(self._health, server)
        names = (SERVICE_NAME, health.SERVICE_NAME, reflection.SERVICE_NAME)
        reflection.enable_server_reflection(names, server)
        port = await bind(server, opts.host, opts.port)
        try:
            await self._start_mcp()  # before serving: a server that cannot start stops serve
            await server.start()
            for name in health_names(self.catalog):
                await self._health.set(name, health_pb2.HealthCheckResponse.SERVING)
            if opts.http_port is not None:
                await self._start_http(opts.http_port)
        except BaseException:  # nothing left listening on a server that never started
            await server.stop(None)
            await self._stop_mcp()
            raise
        self._server, self._port = server, port

    async def _start_mcp(self) -> None:
        """The served agents' MCP servers, started once and shared by every run (docs/mcp.md).

        Raises:
            MCPServerError: one could not start (none is left running).
        """
        from agentrt.specs.build import mcp_servers

        servers = [s for served in self.catalog for s in mcp_servers(served.spec)]
        if servers:
            from agentrt.agents.mcp_run import MCPPool

            pool = MCPPool(servers)
            await pool.__aenter__()
            self._mcp = pool

    async def _stop_mcp(self) -> None:
        pool, self._mcp = self._mcp, None
        if pool is not None:
            await pool.aclose()

    async def _start_http(self, port: int) -> None:
        from agentrt.serve.rest.app import HttpDoor  # aiohttp only when asked for

        opts = self.options
        door = HttpDoor(
            self.service,
            opts.host,
            port,
            rest_endpoint=opts.rest_endpoint,
            mints_per_minute=opts.max_token_mints_per_minute,
        )
        await door.start()
        self._http = door

    async def drain(self, grace_s: float | None = None) -> bool:
        """Stop taking runs, let those in flight finish (up to ``grace_s``), then stop.

        Returns:
            True when every run in flight finished within the grace period.
        """
        server = self._server
        if server is None:
            return True
        self.service.draining = True
        await self._health.enter_graceful_shutdown()
        grace = self.options.grace_s if grace_s is None else grace_s
        try:
            async with asyncio.timeout(grace):
                await self.service.slots.idle()
            finished = True
        except TimeoutError:
            finished = False
        await self.stop()
        return finished

    async def stop(self) -> None:
        """Stop at once: calls in flight are cancelled; their runs unwind before this returns.

        gRPC's ``stop`` cancels the handlers' tasks without waiting for them; the
        runs' own clean-up (model streams closed, tools cancelled) is awaited here,
        for at most :data:`UNWIND_S` seconds.
        """
        server, self._server = self._server, None
        if server is None:
            return
        door, self._http = self._http, None
        if door is not None:
            await door.stop()
        await server.stop(None)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(UNWIND_S):
                await self.service.slots.idle()
        await self._stop_mcp()  # after the runs: none uses a server being stopped

    async def __aenter__(self) -> AgentServer:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()
