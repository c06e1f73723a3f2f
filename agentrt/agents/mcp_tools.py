"""An MCP server's tools as :class:`~agentrt.agents.tools.Tool` s, dispatched like local ones.

Each tool the server lists (after ``include``/``exclude``, named ``prefix_tool`` with
a prefix) becomes a ``Tool`` whose schema validates the model's arguments against
the server's ``inputSchema`` and whose function calls the server; its ``timeout``
is the server's, its ``needs_approval`` the server's rule for that name. So
argument errors, timeouts, result limits, approvals and ``execute_tool`` spans are
:mod:`agentrt.agents.dispatch`'s, as for any tool.

A result becomes text for the model: ``structuredContent`` as JSON, else the text
parts joined (images, audio and resources described in one bracketed line); an
``isError`` result is a tool error (:class:`MCPToolError`) the model reads.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from agentrt.agents.schema import FunctionSchema, SchemaMismatch
from agentrt.agents.tools import Tool, ToolContext, Toolset
from agentrt.errors import UsageError

if TYPE_CHECKING:
    from mcp import types

    from agentrt.agents.mcp_client import MCPConnection

__all__ = ["MCPToolError", "mcp_toolset", "result_value"]

_CTX = "_agentrt_ctx"  # the ToolContext's keyword, taken out before the server is called
_BAD = re.compile(r"[^A-Za-z0-9_-]")

OnCalled = Callable[[ToolContext[Any], "MCPConnection"], Awaitable[None]]


class MCPToolError(Exception):
    """The MCP server answered a call with ``isError``; the message is its text."""


@dataclass(frozen=True, slots=True, kw_only=True)
class _MCPSchema(FunctionSchema):
    """A server's ``inputSchema`` as a validator (jsonschema; any object if it is not valid)."""

    _validator: Any = None

    def validate_json(self, arguments: str) -> dict[str, Any]:
        """Parse and validate the model's raw JSON ``arguments``.

        Raises:
            SchemaMismatch: not JSON, not an object, or not valid against the schema.
        """
        try:
            data = json.loads(arguments.strip() or "{}")
        except ValueError as e:
            raise SchemaMismatch(f"not valid JSON ({e})") from None
        if not isinstance(data, dict):
            raise SchemaMismatch(f"expected a JSON object, got {type(data).__name__}")
        if self._validator is not None:
            errors = sorted(self._validator.iter_errors(data), key=lambda e: list(e.absolute_path))
            if errors:
                parts = [f"{_path(e.json_path)}: {e.message}" for e in errors[:5]]
                raise SchemaMismatch("; ".join(parts))
        return data


def _path(json_path: str) -> str:
    return "(root)" if json_path == "$" else json_path.removeprefix("$.")


def _schema(name: str, description: str, parameters: dict[str, Any]) -> _MCPSchema:
    import jsonschema

    validator = None
    try:
        cls = jsonschema.validators.validator_for(
            parameters, default=jsonschema.Draft202012Validator
        )
        cls.check_schema(parameters)
        validator = cls(parameters)
    except Exception:  # a server's broken schema: the server checks its own arguments
        validator = None
    return _MCPSchema(
        name=name,
        description=description,
        parameters=parameters,
        strict_compatible=False,
        context_param=_CTX,
        _model=None,
        _names=(),
        _invalid=SchemaMismatch,
        _validator=validator,
    )


def _parameters(tool: types.Tool) -> dict[str, Any]:
    schema = dict(tool.input_schema or {})
    schema.setdefault("type", "object")
    schema.pop("title", None)
    if schema.get("type") == "object":
        schema.setdefault("properties", {})
    return schema


def _make_tool(conn: MCPConnection, tool: types.Tool, on_called: OnCalled) -> Tool:
    config = conn.config
    server_name = tool.name
    exposed = _BAD.sub("_", config.exposed_name(server_name))[:64]
    description = tool.description or tool.title or f"{server_name} (MCP server {config.name})"
    parameters = _parameters(tool)

    async def call_mcp(**arguments: Any) -> Any:
        ctx = arguments.pop(_CTX)
        try:
            result = await conn.call(server_name, arguments)
        finally:
            await on_called(ctx, conn)
        return result_value(result)

    return Tool(
        name=exposed,
        description=description,
        parameters=parameters,
        strict=False,
        timeout=config.timeout,
        idempotent=bool(tool.annotations and tool.annotations.idempotent_hint),
        fn=call_mcp,
        is_async=True,
        schema=_schema(exposed, description, parameters),
        needs_approval=config.approval_for(server_name),
    )


def result_value(result: types.CallToolResult) -> Any:
    """What the model gets of a call's result (see the module docstring).

    Raises:
        MCPToolError: the server marked the result an error.
    """
    if result.is_error:
        raise MCPToolError(_text(result.content) or "the MCP tool failed (no message)")
    if result.structured_content is not None:
        return result.structured_content
    return _text(result.content)


def _text(content: Sequence[Any]) -> str:
    return "\n".join(_part(c) for c in content)


def _part(part: Any) -> str:
    kind = getattr(part, "type", "")
    if kind == "text":
        return str(part.text)
    if kind in ("image", "audio"):
        size = len(part.data) * 3 // 4  # base64
        return f"[{kind}: {part.mime_type}, about {size} bytes]"
    if kind == "resource_link":
        return f"[resource link: {part.uri}]"
    if kind == "resource":
        inner = part.resource
        text = getattr(inner, "text", None)
        if isinstance(text, str):
            return text
        return f"[resource: {inner.uri} ({inner.mime_type or 'binary'})]"
    return f"[{kind or type(part).__name__} content]"


def mcp_toolset(
    local: Toolset, connections: Sequence[MCPConnection], on_called: OnCalled
) -> Toolset:
    """``local``'s tools and every connection's selected tools, in one :class:`Toolset`.

    Raises:
        UsageError: two tools would have one name (servers, or a server and a local tool).
    """
    owner: dict[str, str] = dict.fromkeys(local.functions, "a local tool")
    made: list[Tool] = []
    for conn in connections:
        config = conn.config
        for tool in conn.tools:
            if not config.selects(tool.name):
                continue
            item = _make_tool(conn, tool, on_called)
            here = f"MCP server {config.name!r}"
            if item.name in owner:
                raise UsageError(
                    f"tool name {item.name!r} of {here} is also {owner[item.name]}'s: set "
                    f"prefix: on the server (tools become prefix_{tool.name}) or exclude: it"
                )
            owner[item.name] = here
            made.append(item)
    return Toolset([*local.items, *made])
