"""Tools: the decorator, Tool values, Toolset listing and server-side tool declarations."""

from __future__ import annotations

from typing import Literal

import pytest

from agentrt.agents.tools import Tool, ToolContext, Toolset, server_tool, tool
from agentrt.errors import UsageError
from agentrt.xai.tool_specs import MCP, FunctionTool, WebSearch


@tool
def get_weather(city: str, unit: Literal["C", "F"] = "C") -> dict[str, float]:
    """Current weather in a city.

    Args:
        city: City name, e.g. "Paris".
        unit: Temperature unit.
    """
    return {"temp": 21.0}


@tool(name="lookup", timeout=2.5, idempotent=True, description="Look a code up.")
async def find_code(code: str) -> str:
    return code.lower()


def test_decorator_builds_a_tool_and_keeps_the_function_callable() -> None:
    assert isinstance(get_weather, Tool)
    assert get_weather.name == "get_weather"
    assert get_weather.description == "Current weather in a city."
    assert get_weather.parameters["properties"]["city"]["description"] == 'City name, e.g. "Paris".'
    assert get_weather.is_async is False
    assert get_weather.timeout is None
    assert get_weather.strict is False  # "unit" has a default
    assert get_weather("Paris") == {"temp": 21.0}


def test_decorator_with_options() -> None:
    assert find_code.name == "lookup"
    assert find_code.description == "Look a code up."
    assert find_code.timeout == 2.5
    assert find_code.idempotent is True
    assert find_code.is_async is True
    assert find_code.strict is True  # one required plain string: strict-compatible


def test_strict_true_on_a_schema_that_cannot_be_strict_says_why() -> None:
    def f(a: int = 1) -> None:
        """F."""

    with pytest.raises(UsageError, match="strict=True needs every parameter required"):
        Tool.from_function(f, strict=True)
    assert Tool.from_function(f, strict=False).strict is False


def test_bad_timeout_is_refused() -> None:
    with pytest.raises(UsageError, match="timeout must be > 0"):
        Tool.from_function(get_weather.fn, timeout=0)


def test_declaration_is_a_function_tool() -> None:
    decl = get_weather.declaration()
    assert decl == FunctionTool(
        name="get_weather",
        description="Current weather in a city.",
        parameters=get_weather.parameters,
        strict=False,
    )


def test_toolset_lists_local_and_server_tools_in_order() -> None:
    def plain(x: int) -> int:
        """Double x."""
        return 2 * x

    web = server_tool("web_search", allowed_domains=["example.org"])
    ts = Toolset([get_weather, web, plain, find_code])
    assert len(ts) == 4
    assert "plain" in ts
    assert "web_search" not in ts
    assert ts.get("plain") is not None
    assert ts.get("nope") is None
    decls = ts.declarations()
    assert [type(d).__name__ for d in decls] == [
        "FunctionTool",
        "WebSearch",
        "FunctionTool",
        "FunctionTool",
    ]
    assert decls[1] == WebSearch(allowed_domains=("example.org",))
    listing = ts.describe()
    assert [d["name"] for d in listing] == ["get_weather", "web_search", "plain", "lookup"]
    assert listing[1] == {
        "name": "web_search",
        "kind": "server",
        "options": {"allowed_domains": ("example.org",)},
    }
    assert listing[2]["description"] == "Double x."
    assert listing[2]["strict"] is True


def test_toolset_refuses_two_tools_with_one_name() -> None:
    with pytest.raises(UsageError, match="two tools are named 'get_weather'"):
        Toolset([get_weather, get_weather])


def test_toolset_refuses_things_that_are_not_tools() -> None:
    with pytest.raises(UsageError, match="not a tool"):
        Toolset([42])  # type: ignore[list-item]
    with pytest.raises(UsageError, match="has no Python function"):
        Toolset([FunctionTool(name="x")])


def test_server_tool_by_name_with_helpful_errors() -> None:
    assert server_tool("code_execution") is not None
    with pytest.raises(
        UsageError, match="unknown server-side tool 'web_serch'; choose one of web_search"
    ):
        server_tool("web_serch")
    with pytest.raises(UsageError, match="unknown option"):
        server_tool("web_search", domains=["x"])
    with pytest.raises(UsageError, match="collection_ids"):
        server_tool("collections_search")


def test_mcp_secrets_stay_out_of_listings_and_reprs() -> None:
    spec = server_tool("mcp", server_url="https://mcp.example", authorization="Bearer sekrit-123")
    assert isinstance(spec, MCP)
    listing = Toolset([spec]).describe()
    assert "sekrit" not in repr(listing)
    assert "sekrit" not in repr(spec)
    assert listing[0]["options"] == {"server_url": "https://mcp.example"}


def test_tool_context_remaining_and_usage_sink() -> None:
    seen: list[object] = []
    ctx = ToolContext(deadline=None, usage_sink=seen.append)
    assert ctx.remaining() is None
    ctx.add_usage("u")  # type: ignore[arg-type]
    assert seen == ["u"]


async def test_async_callable_objects_are_async_tools() -> None:
    class Lookup:
        async def __call__(self, code: str) -> str:
            return code.upper()

    t = Tool.from_function(Lookup(), name="lookup_code")
    assert t.is_async is True
    assert await t(code="ab") == "AB"
