"""When MCP servers run: with each run, or once per process (:class:`MCPPool`), shared by runs.

A run of an agent with ``mcp_servers=`` gets each server's connection from the
open pool that has it (``async with agent.mcp():``, or the one ``agentrt serve``
and the Temporal worker open at start), else starts the server for itself and
stops it when the run ends, however it ends (success, error, cancellation). A
pooled connection that died is replaced by a run-own one. The run's tool list is
the agent's tools plus the servers' (:func:`agentrt.agents.mcp_tools.mcp_toolset`);
when a server says its tools changed, later runs see the new list, and a run in
progress from the turn after its next call to that server.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar

from agentrt.agents.mcp_client import MCPConnection
from agentrt.agents.mcp_config import MCPHttp, MCPServer, MCPStdio
from agentrt.agents.mcp_tools import mcp_toolset
from agentrt.agents.tools import ToolContext
from agentrt.errors import MCPServerError, UsageError

if TYPE_CHECKING:
    from types import TracebackType

    from agentrt.agents.events import AgentEvent
    from agentrt.agents.run_loop import RunLoop, RunSetup

__all__ = ["MCPPool", "MCPRuntime", "open_connections"]

T = TypeVar("T")
# connections of the open pools, by server key, with the event loop they belong to
_SHARED: dict[tuple[Any, ...], tuple[asyncio.AbstractEventLoop, MCPConnection]] = {}


async def open_connections(servers: Sequence[MCPServer]) -> list[MCPConnection]:
    """Start every server at once; all started, or none left running and the first error raised.

    Raises:
        MCPServerError: a server could not start.
    """
    conns = [MCPConnection(s) for s in servers]
    failures: list[MCPServerError] = []

    async def start(conn: MCPConnection) -> None:
        try:
            await conn.start()
        except MCPServerError as e:
            failures.append(e)

    try:
        async with asyncio.TaskGroup() as tg:
            for conn in conns:
                tg.create_task(start(conn), name=f"mcp-start:{conn.config.name}")
    except BaseException:
        await _close_all(conns)
        raise
    if failures:
        await _close_all(conns)
        raise failures[0]
    return conns


async def _close_all(conns: Iterable[MCPConnection]) -> None:
    for conn in conns:
        await conn.close()


class MCPPool:
    """Servers started once and shared by the runs inside ``async with`` (same event loop).

    ``async with MCPPool(servers):`` or ``async with agent.mcp():``. Runs of any agent
    whose server config equals one here use this pool's connection.
    """

    def __init__(self, servers: Iterable[MCPServer]) -> None:
        unique: dict[tuple[Any, ...], MCPServer] = {}
        for s in servers:
            unique.setdefault(s.key(), s)
        self.servers = tuple(unique.values())
        self._mine: list[MCPConnection] = []

    async def __aenter__(self) -> MCPPool:
        """Start the servers no open pool has yet.

        Raises:
            MCPServerError: a server could not start (none is left running).
        """
        fresh = [s for s in self.servers if s.key() not in _SHARED]
        self._mine = await open_connections(fresh)
        loop = asyncio.get_running_loop()
        for conn in self._mine:
            _SHARED[conn.config.key()] = (loop, conn)
        return self

    async def __aexit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Stop this pool's servers (their child processes are gone when it returns)."""
        mine, self._mine = self._mine, []
        for conn in mine:
            if _SHARED.get(conn.config.key(), (None, None))[1] is conn:
                del _SHARED[conn.config.key()]
        await _close_all(mine)


def _shared(server: MCPServer) -> MCPConnection | None:
    found = _SHARED.get(server.key())
    if found is None or found[0] is not asyncio.get_running_loop() or not found[1].alive:
        return None
    return found[1]


class MCPRuntime:
    """An agent's MCP servers at run time (made by ``Agent(mcp_servers=...)``)."""

    def __init__(self, servers: Sequence[MCPServer], base: Callable[[], RunSetup]) -> None:
        self.servers = tuple(servers)
        self._base = base  # the agent's own setup (its local tools)
        # by (connection id, tool list version); the connections are kept to check identity
        self._setups: dict[tuple[tuple[int, int], ...], tuple[tuple[Any, ...], RunSetup]] = {}
        self._runs: dict[str, tuple[RunLoop, list[MCPConnection]]] = {}

    @classmethod
    def of(cls, agent: str, servers: Iterable[Any], base: Callable[[], RunSetup]) -> MCPRuntime:
        """Check ``Agent(mcp_servers=...)`` and make its runtime.

        Raises:
            UsageError: an entry is not a server config, or two have one name.
        """
        checked: list[MCPServer] = []
        for s in servers:
            if not isinstance(s, MCPStdio | MCPHttp):
                raise UsageError(
                    f"agent {agent!r}: mcp_servers takes MCPStdio(...) or MCPHttp(...), got {s!r}"
                )
            if any(c.name == s.name for c in checked):
                raise UsageError(f"agent {agent!r}: two MCP servers are named {s.name!r}")
            checked.append(s)
        return cls(checked, base)

    async def drive(self, go: Callable[[RunLoop], Awaitable[T]], loop: RunLoop) -> T:
        """``go(loop)`` with the servers attached to the run."""
        async with self._attached(loop):
            return await go(loop)

    async def events(self, loop: RunLoop) -> AsyncIterator[AgentEvent]:
        """``loop.events()`` with the servers attached to the run."""
        async with self._attached(loop):
            events = loop.events()
            try:
                async for event in events:
                    yield event
            finally:
                await events.aclose()  # type: ignore[attr-defined]

    @contextlib.asynccontextmanager
    async def _attached(self, loop: RunLoop) -> AsyncIterator[None]:
        async with self._connections() as conns:
            loop.setup = self._setup(conns)
            self._runs[loop.run_id] = (loop, conns)
            try:
                yield
            finally:
                self._runs.pop(loop.run_id, None)

    @contextlib.asynccontextmanager
    async def setup(self) -> AsyncIterator[RunSetup]:
        """The agent's setup with the servers' tools, for one step of a durable run (the
        servers of an open pool, else started for the block)."""
        async with self._connections() as conns:
            yield self._setup(conns)

    @contextlib.asynccontextmanager
    async def _connections(self) -> AsyncIterator[list[MCPConnection]]:
        """Each server's connection: an open pool's, else one started here and stopped after."""
        shared = {s.key(): c for s in self.servers if (c := _shared(s)) is not None}
        own = await open_connections([s for s in self.servers if s.key() not in shared])
        try:
            by_key = {**shared, **{c.config.key(): c for c in own}}
            yield [by_key[s.key()] for s in self.servers]
        finally:
            await _close_all(own)

    def _setup(self, conns: Sequence[MCPConnection]) -> RunSetup:
        """The run's setup for these connections' current tool lists (cached)."""
        key = tuple((id(c), c.version) for c in conns)
        found = self._setups.get(key)
        if found is not None and all(a is b for a, b in zip(found[0], conns, strict=True)):
            return found[1]
        base = self._base()
        tools = mcp_toolset(base.tools, conns, self._called)
        made = replace(base, tools=tools, declarations=tools.declarations())
        if len(self._setups) > 64:  # runs own their connections: keys come and go
            self._setups.clear()
        self._setups[key] = (tuple(conns), made)
        return made

    async def _called(self, ctx: ToolContext[Any], conn: MCPConnection) -> None:
        """After a call: if the server changed its tools, the run's next turn sees them."""
        await conn.settled()
        run = self._runs.get(ctx.run_id)
        if run is not None:
            loop, conns = run
            loop.setup = self._setup(conns)
