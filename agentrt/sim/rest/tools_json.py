"""Tools, tool choice and output formats of a JSON body, onto a ``GetCompletionsRequest``.

Both APIs are read here: chat completions nest a function under ``"function"``, the
Responses API puts its fields flat (``{"type": "function", "name": ...}``). Server-side
tools (``web_search``, ``x_search``, ``code_interpreter``/``code_execution``,
``file_search``/``collections_search``, ``attachment_search``, ``mcp``) become the
proto's own tool entries, which the model simulates as over gRPC.
"""

from __future__ import annotations

import json
from typing import Any

from agentrt_protos.xai.api.v1 import chat_pb2

from agentrt.sim.rest.body import BadRequest
from agentrt.sim.rest.fields import array, boolean, integer, mapping, text, wrong

__all__ = ["add_response_format", "add_tool_choice", "add_tools"]

_SERVER = {
    "web_search": "web_search",
    "web_search_preview": "web_search",
    "x_search": "x_search",
    "code_interpreter": "code_execution",
    "code_execution": "code_execution",
    "attachment_search": "attachment_search",
}
_COLLECTIONS = ("file_search", "collections_search")
_MODES = {"auto": chat_pb2.TOOL_MODE_AUTO, "none": chat_pb2.TOOL_MODE_NONE}
_MODES["required"] = chat_pb2.TOOL_MODE_REQUIRED


def add_tools(request: chat_pb2.GetCompletionsRequest, tools: list[Any] | None) -> None:
    """Add the body's ``tools`` to ``request``."""
    for i, tool in enumerate(tools or ()):
        where = f"tools[{i}]"
        if not isinstance(tool, dict):
            raise wrong(where, "an object", tool)
        kind = text(tool, "type", f"{where}.type")
        if kind == "function":
            _add_function(request.tools.add().function, tool, where)
        elif kind in _SERVER:
            getattr(request.tools.add(), _SERVER[kind]).SetInParent()
        elif kind in _COLLECTIONS:
            _add_collections(request.tools.add().collections_search, tool, where)
        elif kind == "mcp":
            _add_mcp(request.tools.add().mcp, tool, where)
        else:
            raise BadRequest(
                f"{where}.type={kind!r}: use function, web_search, x_search, code_interpreter, "
                "file_search, collections_search, attachment_search or mcp",
                param=f"{where}.type",
            )


def _add_function(out: chat_pb2.Function, tool: dict[str, Any], where: str) -> None:
    fn = tool
    if "function" in tool:  # chat completions nest it; the Responses API does not
        fn = mapping(tool, "function", f"{where}.function") or {}
        where = f"{where}.function"
    name = text(fn, "name", f"{where}.name")
    if not name:
        raise BadRequest(f"{where}.name is required", param=f"{where}.name")
    out.name = name
    out.description = text(fn, "description", f"{where}.description") or ""
    parameters = mapping(fn, "parameters", f"{where}.parameters")
    if parameters is not None:
        out.parameters = json.dumps(parameters)
    strict = boolean(fn, "strict", f"{where}.strict")
    if strict is not None:
        out.strict = strict


def _strings(tool: dict[str, Any], key: str, where: str) -> list[str]:
    values = array(tool, key, f"{where}.{key}") or []
    for j, value in enumerate(values):
        if not isinstance(value, str):
            raise wrong(f"{where}.{key}[{j}]", "a string", value)
    return values


def _add_collections(out: chat_pb2.CollectionsSearch, tool: dict[str, Any], where: str) -> None:
    out.collection_ids.extend(
        _strings(tool, "vector_store_ids", where) + _strings(tool, "collection_ids", where)
    )
    limit = integer(tool, "max_num_results", f"{where}.max_num_results", low=1)
    limit = limit or integer(tool, "limit", f"{where}.limit", low=1)
    if limit is not None:
        out.limit = limit


def _add_mcp(out: chat_pb2.MCP, tool: dict[str, Any], where: str) -> None:
    out.server_url = text(tool, "server_url", f"{where}.server_url") or ""
    out.server_label = text(tool, "server_label", f"{where}.server_label") or ""
    out.allowed_tool_names.extend(_strings(tool, "allowed_tools", where))


def add_tool_choice(request: chat_pb2.GetCompletionsRequest, choice: Any) -> None:
    """Set ``request.tool_choice`` from the body's ``tool_choice``."""
    if choice is None:
        return
    if isinstance(choice, str):
        if choice not in _MODES:
            raise BadRequest(
                f"tool_choice={choice!r}: use auto, none, required or a function",
                param="tool_choice",
            )
        request.tool_choice.mode = _MODES[choice]
        return
    if not isinstance(choice, dict):
        raise wrong("tool_choice", "a string or an object", choice)
    fn = mapping(choice, "function", "tool_choice.function") or choice
    name = text(fn, "name", "tool_choice.function.name")
    if not name:
        raise BadRequest("tool_choice names no function", param="tool_choice")
    request.tool_choice.function_name = name


def add_response_format(
    request: chat_pb2.GetCompletionsRequest, fmt: dict[str, Any] | None, where: str
) -> None:
    """Set ``request.response_format`` from a ``response_format`` (chat) or ``text.format``.

    Chat completions nest the schema under ``json_schema``; the Responses API puts it flat.
    """
    if fmt is None:
        return
    kind = text(fmt, "type", f"{where}.type")
    out = request.response_format
    if kind == "text":
        out.format_type = chat_pb2.FORMAT_TYPE_TEXT
    elif kind == "json_object":
        out.format_type = chat_pb2.FORMAT_TYPE_JSON_OBJECT
    elif kind == "json_schema":
        inner = mapping(fmt, "json_schema", f"{where}.json_schema")
        if inner is not None:
            fmt, where = inner, f"{where}.json_schema"
        schema = mapping(fmt, "schema", f"{where}.schema")
        if schema is None:
            raise BadRequest(f"{where}.schema is required for json_schema", param=where)
        out.format_type = chat_pb2.FORMAT_TYPE_JSON_SCHEMA
        out.schema = json.dumps(schema)
    else:
        raise BadRequest(
            f"{where}.type={kind!r}: use text, json_object or json_schema", param=f"{where}.type"
        )
