"""Local MCP servers an agent uses as tools: :class:`MCPStdio` and :class:`MCPHttp`.

::

    Agent(..., mcp_servers=[
        MCPStdio("files", "npx", ("-y", "@modelcontextprotocol/server-filesystem", "/data")),
        MCPHttp("search", "http://127.0.0.1:8931/mcp", headers={"Authorization": token},
                include=("search_*",), prefix="web", needs_approval=("delete_page",)),
    ])

A config only describes a server; connecting lives in :mod:`agentrt.agents.mcp_client`,
the tools it offers in :mod:`agentrt.agents.mcp_tools`. Nothing here imports ``mcp``.
"""

from __future__ import annotations

import fnmatch
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from agentrt.errors import UsageError
from agentrt.telemetry.redaction import NO_REDACTIONS, Redactions

__all__ = ["DEFAULT_MCP_STARTUP_TIMEOUT", "DEFAULT_MCP_TIMEOUT", "MCPHttp", "MCPServer", "MCPStdio"]

DEFAULT_MCP_TIMEOUT = 30.0
"""Seconds one MCP tool call may take by default."""
DEFAULT_MCP_STARTUP_TIMEOUT = 15.0
"""Seconds a server may take to start and list its tools by default."""

_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class _Common:
    """What both kinds of server share (see :class:`MCPStdio` for the fields)."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    prefix: str = ""
    timeout: float = DEFAULT_MCP_TIMEOUT
    startup_timeout: float = DEFAULT_MCP_STARTUP_TIMEOUT
    needs_approval: bool | tuple[str, ...] = False
    # values a spec took from ${ENV} (in url, args, cwd ...): used, masked in every message
    redactions: Redactions = field(default=NO_REDACTIONS, repr=False, compare=False)

    def _check_common(self, name: str) -> None:
        if not _NAME.match(name):
            raise UsageError(f"MCP server name {name!r} must match [A-Za-z0-9_-]{{1,64}}")
        for what in ("timeout", "startup_timeout"):
            value = getattr(self, what)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise UsageError(f"MCP server {name!r}: {what} must be seconds, got {value!r}")
            if not (math.isfinite(value) and value > 0):
                raise UsageError(f"MCP server {name!r}: {what} must be > 0 seconds, got {value}")
        if self.prefix and not _NAME.match(self.prefix):
            raise UsageError(
                f"MCP server {name!r}: prefix {self.prefix!r} must match [A-Za-z0-9_-]{{1,64}}"
            )
        for what in ("include", "exclude"):
            _fix(self, what, _strings(name, what, getattr(self, what)))
        if not isinstance(self.needs_approval, bool):
            _fix(self, "needs_approval", _strings(name, "needs_approval", self.needs_approval))

    def __repr__(self) -> str:
        """The dataclass repr, without env/header values and with ``${ENV}`` values masked."""
        from dataclasses import fields

        shown = (f"{f.name}={getattr(self, f.name)!r}" for f in fields(self) if f.repr)
        return self.redactions.text(f"{type(self).__name__}({', '.join(shown)})")

    def selects(self, tool_name: str) -> bool:
        """Whether the server's tool ``tool_name`` is offered (``include`` then ``exclude`` globs)."""
        if self.include and not any(fnmatch.fnmatchcase(tool_name, p) for p in self.include):
            return False
        return not any(fnmatch.fnmatchcase(tool_name, p) for p in self.exclude)

    def exposed_name(self, tool_name: str) -> str:
        """The name the model sees: ``prefix_tool`` with a prefix, else the server's name."""
        return f"{self.prefix}_{tool_name}" if self.prefix else tool_name

    def approval_for(self, tool_name: str) -> bool:
        """Whether a person approves each call of the server's tool ``tool_name``."""
        rule = self.needs_approval
        if isinstance(rule, bool):
            return rule
        return any(fnmatch.fnmatchcase(tool_name, p) for p in rule)


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class MCPStdio(_Common):
    """An MCP server started as a child process, spoken to over its stdin and stdout.

    Attributes:
        name: the server's name in errors, traces and ``agentrt validate``.
        command: the program to run (looked up on ``PATH``).
        args: its arguments.
        env: variables set for it, over a minimal safe environment (values never shown).
        cwd: its working directory (default: the current one).
        include: tool names or globs to offer (default: all).
        exclude: tool names or globs not to offer.
        prefix: the tools are offered as ``prefix_tool`` (against name collisions).
        timeout: seconds one call may take (the model gets a timeout error).
        startup_timeout: seconds the server may take to start and list its tools.
        needs_approval: ``True`` (every tool), or tool names/globs whose calls a person approves.
        redactions: strings (values from ``${ENV}``) masked wherever the server is described.
    """

    name: str
    command: str
    args: tuple[str, ...] = ()
    env: Mapping[str, str] = field(default_factory=dict, repr=False)
    cwd: str | None = None

    def __init__(self, name: str, command: str, args: Sequence[str] = (), **kw: Any) -> None:
        _init(self, name=name, command=command, args=args, **kw)

    def __post_init__(self) -> None:
        self._check_common(self.name)
        if not isinstance(self.command, str) or not self.command.strip():
            raise UsageError(f"MCP server {self.name!r}: command must be a program name or path")
        _fix(self, "args", _strings(self.name, "args", self.args))
        env = self.env
        if not isinstance(env, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in env.items()
        ):
            raise UsageError(f"MCP server {self.name!r}: env must map names to strings")
        _fix(self, "env", MappingProxyType(dict(env)))

    def key(self) -> tuple[Any, ...]:
        """What identifies this server's connection (two equal keys share one in a pool)."""
        return (
            "stdio",
            self.name,
            self.command,
            self.args,
            tuple(sorted(self.env.items())),
            self.cwd,
        )

    def secrets(self) -> tuple[str, ...]:
        """Values that must never appear in a message (the ``env`` values)."""
        return tuple(v for v in self.env.values() if len(v) >= 4)


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class MCPHttp(_Common):
    """An MCP server reached over streamable HTTP.

    Attributes:
        name: the server's name in errors, traces and ``agentrt validate``.
        url: its ``http://`` or ``https://`` endpoint, e.g. ``http://127.0.0.1:8000/mcp``.
        headers: sent on every request (e.g. ``Authorization``; values never shown).
        include, exclude, prefix, timeout, startup_timeout, needs_approval, redactions: as
            :class:`MCPStdio`.
    """

    name: str
    url: str
    headers: Mapping[str, str] = field(default_factory=dict, repr=False)

    def __init__(self, name: str, url: str, **kw: Any) -> None:
        _init(self, name=name, url=url, **kw)

    def __post_init__(self) -> None:
        self._check_common(self.name)
        if not isinstance(self.url, str) or not re.match(r"^https?://[^\s/]+", self.url):
            raise UsageError(
                f"MCP server {self.name!r}: url must be http:// or https:// with a host, "
                f"got {self.url!r}"
            )
        headers = self.headers
        if not isinstance(headers, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in headers.items()
        ):
            raise UsageError(f"MCP server {self.name!r}: headers must map names to strings")
        _fix(self, "headers", MappingProxyType(dict(headers)))

    def key(self) -> tuple[Any, ...]:
        """What identifies this server's connection (two equal keys share one in a pool)."""
        return ("http", self.name, self.url, tuple(sorted(self.headers.items())))

    def secrets(self) -> tuple[str, ...]:
        """Values that must never appear in a message (the header values)."""
        return tuple(v for v in self.headers.values() if len(v) >= 4)


MCPServer = MCPStdio | MCPHttp
"""A local MCP server's config."""


def _init(obj: Any, **values: Any) -> None:
    """Set every field (defaults for those not given), then check them (``__post_init__``)."""
    from dataclasses import MISSING, fields

    for f in fields(obj):
        if f.name in values:
            value = values.pop(f.name)
        elif f.default is not MISSING:
            value = f.default
        else:
            assert f.default_factory is not MISSING
            value = f.default_factory()
        object.__setattr__(obj, f.name, value)
    if values:
        raise UsageError(f"MCP server {obj.name!r}: unknown option(s) {', '.join(sorted(values))}")
    obj.__post_init__()


def _fix(obj: Any, name: str, value: Any) -> None:
    object.__setattr__(obj, name, value)


def _strings(server: str, what: str, values: Any) -> tuple[str, ...]:
    if isinstance(values, str) or not isinstance(values, Sequence):
        raise UsageError(f"MCP server {server!r}: {what} must be a list of strings")
    if not all(isinstance(v, str) for v in values):
        raise UsageError(f"MCP server {server!r}: {what} must be a list of strings")
    return tuple(values)
