"""Local MCP servers as tools: real servers (tests/mcp_servers/) over stdio and streamable HTTP."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Iterator

import pytest

from agentrt.agents.agent import Agent
from agentrt.agents.approval import ApprovalRequired, Approve
from agentrt.agents.events import RunFinished
from agentrt.agents.mcp_config import MCPHttp, MCPStdio
from agentrt.agents.tools import tool
from agentrt.errors import UsageError
from agentrt.testing import ScriptedModel, call, tool_calls
from tests.mcp_helpers import http_server, mcp_children, server_args


def stdio(**kw: object) -> MCPStdio:
    return MCPStdio("tools", sys.executable, server_args(), **kw)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def http_url() -> Iterator[str]:
    with http_server() as url:
        yield url


def outputs(result: object) -> dict[str, str]:
    return {r.name: r.output for r in result.tool_calls}  # type: ignore[attr-defined]


async def test_stdio_tools_run_through_dispatch_and_the_child_is_reaped() -> None:
    model = ScriptedModel(
        tool_calls(
            call("add_numbers", {"a": 2, "b": 3}),
            call("shout_text", {"text": "hi"}),
            call("broken_tool", {"reason": "on purpose"}),
            call("city_forecast", {"city": 7}),
        ),
        "done",
    )
    agent = Agent(name="a", model=model, mcp_servers=[stdio()])
    result = await agent.run("go")
    out = outputs(result)
    assert json.loads(out["add_numbers"]) == {"result": 5}  # structuredContent as JSON
    assert json.loads(out["shout_text"]) == {"result": "HI"}
    broken = json.loads(out["broken_tool"])["error"]
    assert broken["type"] == "MCPToolError"
    assert "broken on purpose: on purpose" in broken["message"]
    bad = json.loads(out["city_forecast"])["error"]  # validated against the inputSchema
    assert bad["type"] == "InvalidArguments"
    assert "city: 7 is not of type 'string'" in bad["message"]
    declared = {t.name for t in model.requests[0].tools}  # type: ignore[attr-defined]
    assert {"add_numbers", "unlock_tools", "env_value"} <= declared
    assert mcp_children() == set()


async def test_include_exclude_and_prefix_shape_the_tool_list() -> None:
    model = ScriptedModel(tool_calls(call("w_city_forecast", {"city": "Oslo"})), "done")
    server = stdio(include=("city_*", "add_*", "shout_text"), exclude=("add_*",), prefix="w")
    result = await Agent(name="a", model=model, mcp_servers=[server]).run("go")
    names = sorted(t.name for t in model.requests[0].tools)  # type: ignore[attr-defined]
    assert names == ["w_city_forecast", "w_shout_text"]
    assert json.loads(outputs(result)["w_city_forecast"])["city"] == "Oslo"


@pytest.mark.parametrize(
    ("servers", "local", "expected"),
    [
        (
            (stdio(), MCPStdio("other", sys.executable, server_args())),
            False,
            "also MCP server 'tools'",
        ),
        ((stdio(include=("add_numbers",)),), True, "is also a local tool's"),
    ],
)
async def test_name_collisions_are_a_usage_error_at_start(
    servers: tuple[MCPStdio, ...], local: bool, expected: str
) -> None:
    @tool
    def add_numbers(a: int) -> int:
        """Local adder."""
        return a

    agent = Agent(
        name="a",
        model=ScriptedModel("x"),
        tools=[add_numbers] if local else [],
        mcp_servers=servers,
    )
    with pytest.raises(UsageError, match=expected):
        await agent.run("go")
    assert mcp_children() == set()


async def test_a_tool_list_change_is_seen_on_the_next_turn() -> None:
    model = ScriptedModel(
        tool_calls(call("unlock_tools", {})), tool_calls(call("secret_tool", {"word": "w"})), "ok"
    )
    result = await Agent(name="a", model=model, mcp_servers=[stdio()]).run("go")
    assert "secret_tool" not in {t.name for t in model.requests[0].tools}  # type: ignore[attr-defined]
    assert "secret_tool" in {t.name for t in model.requests[1].tools}  # type: ignore[attr-defined]
    assert json.loads(outputs(result)["secret_tool"]) == {"result": "psst w"}


async def test_approval_applies_to_mcp_tools() -> None:
    model = ScriptedModel(
        tool_calls(
            call("add_numbers", {"a": 1, "b": 1}, id="c1"),
            call("shout_text", {"text": "x"}, id="c2"),
        ),
        "done",
    )
    agent = Agent(name="a", model=model, mcp_servers=[stdio(needs_approval=("shout_*",))])
    paused = await agent.run("go")
    assert isinstance(paused.outcome, ApprovalRequired)
    assert [p.tool for p in paused.outcome.calls] == ["shout_text"]
    final = await agent.resume(paused.outcome.state, {"c2": Approve()})
    assert json.loads(outputs(final)["shout_text"]) == {"result": "X"}
    assert mcp_children() == set()


async def test_streamable_http_server_tools(http_url: str) -> None:
    model = ScriptedModel(tool_calls(call("web_city_forecast", {"city": "Rome"})), "done")
    agent = Agent(name="a", model=model, mcp_servers=[MCPHttp("web", http_url, prefix="web")])
    result = await agent.run("go")
    assert json.loads(outputs(result)["web_city_forecast"])["sky"] == "sunny"


async def test_a_pool_starts_the_server_once_for_many_runs_and_stops_it() -> None:
    agent = Agent(
        name="a",
        model=ScriptedModel(
            *[
                t
                for _ in range(3)
                for t in (tool_calls(call("add_numbers", {"a": 1, "b": 2})), "ok")
            ]
        ),
        mcp_servers=[stdio()],
    )
    async with agent.mcp():
        pids = mcp_children()
        assert len(pids) == 1
        for _ in range(3):
            result = await agent.run("go")
            assert json.loads(outputs(result)["add_numbers"]) == {"result": 3}
            assert mcp_children() == pids  # the same process: not started per run
    assert mcp_children() == set()


async def test_stream_uses_the_servers_and_a_cancelled_run_leaves_no_child() -> None:
    model = ScriptedModel(tool_calls(call("add_numbers", {"a": 4, "b": 4})), "ok")
    agent = Agent(name="a", model=model, mcp_servers=[stdio()])
    async with agent.stream("go") as events:
        kinds = [type(e).__name__ async for e in events]
    assert kinds[-1] == RunFinished.__name__
    assert json.loads(outputs(events.result)["add_numbers"]) == {"result": 8}
    slow = Agent(
        name="b",
        model=ScriptedModel(tool_calls(call("slow_tool", {"seconds": 30})), "ok"),
        mcp_servers=[stdio()],
    )
    task = asyncio.create_task(slow.run("go"))
    await asyncio.sleep(1.5)
    assert len(mcp_children()) == 1
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert mcp_children() == set()


def test_import_agentrt_does_not_import_mcp() -> None:
    code = "import sys, agentrt, agentrt.agents.agent; print('mcp' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: MCPStdio("bad name", "x"), "must match"),
        (lambda: MCPStdio("s", ""), "command must be"),
        (lambda: MCPStdio("s", "x", timeout=0), "timeout must be > 0"),
        (lambda: MCPStdio("s", "x", include="a*"), "include must be a list"),
        (lambda: MCPHttp("s", "ftp://host"), "url must be http"),
        (lambda: MCPHttp("s", "http://h", prefix="a b"), "prefix"),
        (lambda: Agent(name="a", model="m", mcp_servers=[object()]), "mcp_servers takes"),
        (lambda: Agent(name="a", model="m", mcp_servers=[stdio(), stdio()]), "two MCP servers"),
    ],
)
def test_bad_configs_are_usage_errors(make: object, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        make()  # type: ignore[operator]
