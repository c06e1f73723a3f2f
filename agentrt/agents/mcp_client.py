"""One live connection to a local MCP server: :class:`MCPConnection` (imports ``mcp`` lazily).

The connection lives in an owner task: it enters the transport (a child process
over stdio, or streamable HTTP) and the ``mcp`` client session, lists the tools,
then waits to be closed. The transport's task group and cancel scopes are entered
and left in that one task, so any task may use or close the connection; closing it
(or the owner task being cancelled) stops the child process, through the ``mcp``
package's own bounded shutdown (stdin closed, then SIGTERM, then SIGKILL of its tree).

The tool list is cached; a ``notifications/tools/list_changed`` from the server
has the owner task list them again. A server's stderr goes to a pipe read into a
bounded buffer (not the terminal); its last line is shown when it cannot start.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections import deque
from typing import TYPE_CHECKING, Any, TextIO

from agentrt.agents.mcp_config import MCPHttp, MCPServer, MCPStdio
from agentrt.errors import MCPServerError

if TYPE_CHECKING:
    from mcp import types

__all__ = ["MCPCallFailed", "MCPConnection"]

_CLOSE_S = 6.0  # the mcp package's own shutdown: 2 s grace, then a kill of the tree
_REFRESH_S = 10.0  # a tools/list after list_changed, at most

_SILENT = logging.NullHandler()
log = logging.getLogger(__name__)


class MCPCallFailed(Exception):
    """A call could not reach the server or get its answer (the model reads the message)."""


class MCPConnection:
    """A started MCP server: its tools (:attr:`tools`) and :meth:`call`; :meth:`close` when done."""

    def __init__(self, config: MCPServer) -> None:
        self.config = config
        self.tools: tuple[types.Tool, ...] = ()
        self.version = 0  # bumped each time the tool list changes
        self._session: Any = None
        self._task: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()
        self._closing = asyncio.Event()
        self._stale = asyncio.Event()
        self._refreshed = asyncio.Event()
        self._failure: BaseException | None = None
        self._garbage = 0  # stdout lines that were not JSON-RPC
        self._broken = False  # a call found the connection closed
        self._stderr = _StderrTail(config)

    @property
    def alive(self) -> bool:
        """Whether the connection is up (started, not closed, its owner task running)."""
        task = self._task
        return self._ready.is_set() and not self._broken and task is not None and not task.done()

    async def start(self) -> None:
        """Start the server and list its tools, within ``startup_timeout``.

        Raises:
            MCPServerError: it could not start, connect or list its tools.
        """
        self._task = asyncio.create_task(self._own(), name=f"mcp:{self.config.name}")
        ready = asyncio.ensure_future(self._ready.wait())
        try:
            done, _ = await asyncio.wait(
                {ready, self._task},
                timeout=self.config.startup_timeout,
                return_when=asyncio.FIRST_COMPLETED,
            )
        finally:
            ready.cancel()
        if self._ready.is_set() and not self._task.done():
            return
        reason = self._clean(self._why(timed_out=not done))  # url, args, cwd may hold ${ENV}
        await self.close()
        raise MCPServerError(self.config.name, reason)

    async def call(self, name: str, arguments: dict[str, Any]) -> types.CallToolResult:
        """Call the server's tool ``name`` (the caller bounds the time).

        Raises:
            MCPCallFailed: the server is gone, or the call failed on the way.
        """
        session = self._session
        if session is None or not self.alive:
            raise MCPCallFailed(f"MCP server {self.config.name!r} is not running{self._exit()}")
        try:
            result = await session.call_tool(name, arguments)
        except (asyncio.CancelledError, TimeoutError):
            raise
        except Exception as e:  # the mcp package's and anyio's errors alike: one translation
            if _fatal(e):  # the server is gone: stop it now, and later calls fail fast
                self._broken = True
                self._closing.set()
            raise MCPCallFailed(
                f"MCP server {self.config.name!r} failed during the call: "
                f"{type(e).__name__}: {self._clean(str(e))[:300]}{self._exit()}"
            ) from None
        from mcp import types

        if not isinstance(result, types.CallToolResult):
            raise MCPCallFailed(f"MCP server {self.config.name!r} answered {type(result).__name__}")
        return result

    async def settled(self) -> None:
        """Wait (briefly) for a tool list refresh the server asked for to finish."""
        if self._stale.is_set() and self.alive:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(_REFRESH_S):
                    await self._refreshed.wait()

    async def close(self) -> None:
        """Stop the server (idempotent); the child process is gone when this returns."""
        self._closing.set()
        task = self._task
        if task is not None and not self._ready.is_set():
            task.cancel()  # still starting: the transport's shielded shutdown stops the child
        if task is not None and not task.done():
            # asyncio.wait, not await: the owner task's own cancellation must not surface here
            await asyncio.wait({task}, timeout=_CLOSE_S)
            if not task.done():
                task.cancel()
                await asyncio.wait({task}, timeout=_CLOSE_S)
        self._stderr.close()

    async def _own(self) -> None:
        """The owner task: connect, list the tools, serve refreshes until closed."""
        # the mcp package logs a server's bad output with tracebacks: not on the user's
        # terminal by default (Python's last-resort handler); a configured root logger sees it
        logging.getLogger("mcp").addHandler(_SILENT)
        try:
            from mcp.client.session import ClientSession  # in the try: a missing extra is reported

            async with contextlib.AsyncExitStack() as stack:
                if isinstance(self.config, MCPStdio):
                    await self._stderr.start()
                read, write = await stack.enter_async_context(self._transport())
                session = await stack.enter_async_context(
                    ClientSession(read, write, message_handler=self._on_message)
                )
                await session.initialize()
                self.tools = await _list_all(session)
                self._session = session
                self._ready.set()
                await self._serve(session)
        except Exception as e:  # the failure is reported by start() or the next call
            self._failure = e
        finally:
            self._session = None

    async def _serve(self, session: Any) -> None:
        """Until closed: list the tools again whenever the server says they changed."""
        closing = asyncio.ensure_future(self._closing.wait())
        try:
            while not self._closing.is_set():
                stale = asyncio.ensure_future(self._stale.wait())
                await asyncio.wait({closing, stale}, return_when=asyncio.FIRST_COMPLETED)
                stale.cancel()
                if self._stale.is_set() and not self._closing.is_set():
                    self._refreshed.clear()
                    async with asyncio.timeout(_REFRESH_S):
                        self.tools = await _list_all(session)
                    self.version += 1
                    self._stale.clear()
                    self._refreshed.set()
        finally:
            closing.cancel()

    async def _on_message(self, message: Any) -> None:
        from mcp import types

        if isinstance(message, types.ToolListChangedNotification):
            self._refreshed.clear()
            self._stale.set()
        elif isinstance(message, Exception):
            self._garbage += 1  # e.g. a stdout line that is not JSON-RPC

    def _transport(self) -> contextlib.AbstractAsyncContextManager[Any]:
        config = self.config
        if isinstance(config, MCPStdio):
            from mcp.client.stdio import StdioServerParameters, stdio_client

            params = StdioServerParameters(
                command=config.command, args=list(config.args), env=dict(config.env), cwd=config.cwd
            )
            return stdio_client(params, errlog=self._stderr.writer())
        assert isinstance(config, MCPHttp)
        from mcp.client.streamable_http import streamable_http_client
        from mcp.shared._httpx_utils import create_mcp_http_client

        client = create_mcp_http_client(headers=dict(config.headers))
        return _with_client(client, streamable_http_client(config.url, http_client=client))

    def _why(self, timed_out: bool) -> str:
        """Why the server could not start, in one line, with what to fix."""
        config = self.config
        failure = self._failure
        if isinstance(
            failure, ImportError
        ):  # the optional extra is missing: not the server's fault
            return f"{_short(failure)}; install the mcp extra: pip install 'agentrt[mcp]'"
        if isinstance(config, MCPStdio) and config.cwd and not os.path.isdir(config.cwd):
            return f"its cwd {config.cwd!r} is not a directory; fix cwd"
        if isinstance(config, MCPStdio) and isinstance(failure, OSError):
            what = self._clean(_short(failure))
            return f"cannot run {config.command!r}: {what}; check command (and PATH)"
        if self._garbage:
            return (
                f"it wrote {self._garbage} line(s) on stdout that are not JSON-RPC; "
                "an MCP server must print only protocol messages on stdout (logs go to stderr)"
            )
        if timed_out:
            return (
                f"it did not start and list its tools within {config.startup_timeout:g} s"
                f"{self._stderr_tail()}; raise startup_timeout or check the server"
            )
        what = self._clean(_short(failure)) if failure is not None else "it stopped"
        if isinstance(config, MCPHttp):
            return f"cannot connect to {config.url}: {what}; is the server running there?"
        return f"it exited before it was ready ({what}){self._stderr_tail()}"

    def _stderr_tail(self) -> str:
        last = self._stderr.last()
        return f"; its stderr said: {self._clean(last)[:200]}" if last else ""

    def _exit(self) -> str:
        gone = self._broken or (self._task is not None and self._task.done())
        return " (it has exited)" if gone else ""

    def _clean(self, text: str) -> str:
        """``text`` without the config's secret values (env and header values, ${ENV} values)."""
        for secret in self.config.secrets():
            text = text.replace(secret, "***")
        return " ".join(self.config.redactions.text(text).split())


def _fatal(e: Exception) -> bool:
    """Whether a call's error means the connection is gone (not one call's error: a JSON-RPC
    error, or a result that fails validation, leaves the server up for the next call)."""
    import anyio
    from mcp.shared.exceptions import MCPError
    from mcp_types.jsonrpc import CONNECTION_CLOSED

    if isinstance(e, MCPError):
        return e.code == CONNECTION_CLOSED
    gone = (anyio.ClosedResourceError, anyio.BrokenResourceError, anyio.EndOfStream, OSError)
    return isinstance(e, gone)


def _short(e: BaseException) -> str:
    """An exception in one short line (an ExceptionGroup: its first leaf)."""
    while isinstance(e, BaseExceptionGroup) and e.exceptions:
        e = e.exceptions[0]
    text = " ".join(str(e).split())
    return f"{type(e).__name__}: {text[:200]}" if text else type(e).__name__


@contextlib.asynccontextmanager
async def _with_client(client: Any, transport: Any) -> Any:
    async with client, transport as streams:
        yield streams


async def _list_all(session: Any) -> tuple[types.Tool, ...]:
    """Every tool, following pagination cursors."""
    from mcp import types

    tools: list[types.Tool] = []
    cursor: str | None = None
    for _ in range(100):  # a server that pages forever is cut off
        params = None if cursor is None else types.PaginatedRequestParams(cursor=cursor)
        page = await session.list_tools(params=params)
        tools.extend(page.tools)
        cursor = page.next_cursor
        if not cursor:
            break
    return tuple(tools)


class _StderrTail(asyncio.Protocol):
    """A stdio server's stderr: read from a pipe as it comes, the last lines kept (bounded),
    each also logged at DEBUG on this module's logger (secrets masked), never printed."""

    def __init__(self, config: MCPServer) -> None:
        self._config = config
        self._lines: deque[str] = deque(maxlen=64)
        self._partial = ""
        self._write: TextIO | None = None
        self._transport: asyncio.BaseTransport | None = None

    async def start(self) -> None:
        read_fd, write_fd = os.pipe()
        self._write = os.fdopen(write_fd, "w")  # the child's stderr (a dup of it)
        reader = os.fdopen(read_fd, "rb", buffering=0)
        loop = asyncio.get_running_loop()
        self._transport, _ = await loop.connect_read_pipe(lambda: self, reader)

    def writer(self) -> TextIO:
        assert self._write is not None
        return self._write

    def data_received(self, data: bytes) -> None:
        text = self._partial + data.decode("utf-8", "replace")
        *lines, self._partial = text.split("\n")
        self._partial = self._partial[-2000:]
        for line in lines:
            self._keep(line)

    def _keep(self, line: str) -> None:
        for secret in self._config.secrets():
            line = line.replace(secret, "***")
        line = self._config.redactions.text(line).rstrip()[:500]
        if line:
            self._lines.append(line)
            log.debug("MCP server %s: %s", self._config.name, line)

    def last(self) -> str:
        """The last non-empty line it wrote (so far)."""
        if self._partial.strip():
            self._keep(self._partial)
            self._partial = ""
        return self._lines[-1] if self._lines else ""

    def close(self) -> None:
        if self._write is not None:
            self._write.close()
            self._write = None
        if self._transport is not None:
            self._transport.close()
            self._transport = None
