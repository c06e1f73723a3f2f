"""Hostile MCP servers and entries: each case a one-line error (or a tool error), no child left."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from agentrt.agents.agent import Agent
from agentrt.agents.mcp_config import MCPHttp, MCPStdio
from agentrt.errors import MCPServerError
from agentrt.testing import ScriptedModel, call, tool_calls
from tests.conftest import clean_env
from tests.mcp_helpers import SERVER, free_port, mcp_children, server_args

PY = sys.executable

# --- servers that cannot start: MCPServerError, one line, nothing left running -------------

START_FAILURES = {
    "missing command": (
        lambda: MCPStdio("s", "/no/such/mcp-server", env={"TOKEN": "hunter2-secret"}),
        "cannot run '/no/such/mcp-server'",
    ),
    "missing cwd": (
        lambda: MCPStdio("s", PY, server_args(), cwd="/no/such/dir"),
        "its cwd '/no/such/dir' is not a directory",
    ),
    "exits at start": (
        lambda: MCPStdio("s", PY, server_args("--mode", "exit")),
        "its stderr said: cannot start: missing config",
    ),
    "garbage on stdout": (
        lambda: MCPStdio("s", PY, server_args("--mode", "garbage"), startup_timeout=2),
        "not JSON-RPC",
    ),
    "hangs at start": (
        lambda: MCPStdio("s", PY, server_args("--mode", "hang"), startup_timeout=1),
        "did not start and list its tools within 1 s",
    ),
    "refused url": (
        lambda: MCPHttp(
            "s", f"http://127.0.0.1:{free_port()}/mcp", headers={"X-Key": "hunter2-secret"}
        ),
        "cannot connect to http://127.0.0.1:",
    ),
}


@pytest.mark.parametrize("case", list(START_FAILURES), ids=list(START_FAILURES))
async def test_a_server_that_cannot_start_is_a_one_line_error(case: str) -> None:
    make, expected = START_FAILURES[case]
    agent = Agent(name="a", model=ScriptedModel("never"), mcp_servers=[make()])
    started = time.monotonic()
    with pytest.raises(MCPServerError) as caught:
        await agent.run("go")
    message = str(caught.value)
    assert message.startswith("MCP server 's' cannot start: ")
    assert expected in message
    assert "\n" not in message
    assert "hunter2-secret" not in message
    assert time.monotonic() - started < 8
    assert mcp_children() == set()


# --- a value a spec took from ${ENV} (in url, args, cwd) is masked in the error ------------

ENV_SECRET = "s3cret-from-env-42"
ENV_ENTRIES = {
    "url query": "url: http://127.0.0.1:{port}/mcp?key=${{MCP_KEY}}",
    "arg echoed on stderr": (
        f"command: {PY}\n    args: ['-c', 'import sys; print(sys.argv[1], file=sys.stderr); "
        "sys.exit(3)', '${{MCP_KEY}}']"
    ),
    "cwd": "command: {py}\n    cwd: /no/such/${{MCP_KEY}}",
}


@pytest.mark.parametrize("case", list(ENV_ENTRIES), ids=list(ENV_ENTRIES))
async def test_a_value_from_env_is_masked_in_the_start_error(case: str) -> None:
    from agentrt.specs.agent_spec import AgentSpec
    from agentrt.specs.build import mcp_servers

    entry = ENV_ENTRIES[case].format(port=free_port(), py=PY)
    text = (
        f"version: 1\nname: a\nmodel: m\ninstructions: hi\nmcp_servers:\n  - name: s\n    {entry}\n"
    )
    spec = AgentSpec.from_text(text, environ={"MCP_KEY": ENV_SECRET})
    agent = Agent(name="a", model=ScriptedModel("never"), mcp_servers=mcp_servers(spec))
    assert ENV_SECRET not in repr(mcp_servers(spec))
    assert "name='s'" in repr(mcp_servers(spec))
    with pytest.raises(MCPServerError) as caught:
        await agent.run("go")
    assert str(caught.value).startswith("MCP server 's' cannot start: ")
    assert ENV_SECRET not in str(caught.value)
    assert "<from $MCP_KEY>" in str(caught.value)
    assert mcp_children() == set()


@pytest.mark.parametrize(
    "server",
    [MCPStdio("s", PY, server_args()), MCPHttp("s", "http://127.0.0.1:9/mcp")],
    ids=["stdio", "http"],
)
async def test_without_the_mcp_package_the_error_says_to_install_the_extra(
    server: MCPStdio | MCPHttp, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "mcp.client.session", None)  # import fails, as uninstalled
    agent = Agent(name="a", model=ScriptedModel("never"), mcp_servers=[server])
    with pytest.raises(MCPServerError) as caught:
        await agent.run("go")
    assert "pip install 'agentrt[mcp]'" in str(caught.value)
    assert "is the server running" not in str(caught.value)
    assert mcp_children() == set()


# --- servers that fail during a call: the model reads a tool error, the run goes on -----------

CALL_FAILURES = {
    "crash mid-call": ("crash_server", {"code": 9}, "MCPCallFailed", "failed during the call"),
    "hang mid-call": ("slow_tool", {"seconds": 30}, "TimeoutError", "within its 0.5 s timeout"),
    "isError result": ("broken_tool", {"reason": "r"}, "MCPToolError", "broken on purpose: r"),
    "arguments off schema": ("add_numbers", {"a": []}, "InvalidArguments", "'b' is a required"),
    "unknown tool": ("no_such_tool", {}, "UnknownTool", "there is no tool named"),
}


@pytest.mark.parametrize("case", list(CALL_FAILURES), ids=list(CALL_FAILURES))
async def test_a_failing_call_is_a_tool_error_the_model_reads(case: str) -> None:
    name, args, kind, expected = CALL_FAILURES[case]
    model = ScriptedModel(tool_calls(call(name, args)), "recovered")
    server = MCPStdio("s", PY, server_args(), timeout=0.5)
    result = await Agent(name="a", model=model, mcp_servers=[server]).run("go")
    assert result.output == "recovered"
    error = json.loads(result.tool_calls[0].output)["error"]
    assert error["type"] == kind, error
    assert expected in error["message"], error
    assert mcp_children() == set()


BAD_RESULTS = {  # what the mcp package raises for an answer that is no valid result
    "result off its output schema": RuntimeError("Invalid structured content returned by tool"),
    "result of the wrong shape": ValueError("1 validation error for CallToolResult"),
}


@pytest.mark.parametrize("case", list(BAD_RESULTS), ids=list(BAD_RESULTS))
async def test_a_garbage_result_is_a_tool_error_and_the_server_stays_up(
    case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from agentrt.agents.mcp_client import MCPCallFailed, MCPConnection

    conn = MCPConnection(MCPStdio("s", PY, server_args()))
    await conn.start()
    try:
        real = conn._session.call_tool

        async def garbage(name: str, arguments: dict[str, object]) -> object:
            raise BAD_RESULTS[case]

        monkeypatch.setattr(conn._session, "call_tool", garbage)
        with pytest.raises(MCPCallFailed, match="failed during the call"):
            await conn.call("add_numbers", {"a": 1, "b": 2})
        assert conn.alive
        monkeypatch.setattr(conn._session, "call_tool", real)
        result = await conn.call("add_numbers", {"a": 1, "b": 2})
        assert result.content[0].text == "3"
    finally:
        await conn.close()
    assert mcp_children() == set()


async def test_after_a_crash_later_calls_fail_fast() -> None:
    model = ScriptedModel(
        tool_calls(call("crash_server", {"code": 1})),
        tool_calls(call("add_numbers", {"a": 1, "b": 1})),
        "ok",
    )
    result = await Agent(name="a", model=model, mcp_servers=[MCPStdio("s", PY, server_args())]).run(
        "go"
    )
    error = json.loads(result.tool_calls[1].output)["error"]
    assert error["type"] == "MCPCallFailed"
    assert "not running" in error["message"]


# --- bad YAML entries: exit 2, FILE:LINE:COL, nothing started -------------------------------

BAD_ENTRIES = {
    "no transport": ("- name: s\n    args: [x]", "6:5", "give command: (a stdio server) or url:"),
    "both transports": ("- name: s\n    command: x\n    url: http://h/mcp", "6:5", "not both"),
    "bad url": ("- name: s\n    url: ftp://h", "7:10", "expected an http:// or https:// URL"),
    "url with args": (
        "- name: s\n    url: http://h/mcp\n    args: [a]",
        "6:5",
        "args apply to command:",
    ),
    "unknown key": ("- name: s\n    command: x\n    comand: y", "8:5", "unknown key 'comand'"),
    "bad timeout": ("- name: s\n    command: x\n    timeout: soon", "8:14", "expected a duration"),
    "bad approval": (
        "- name: s\n    command: x\n    needs_approval: maybe",
        "8:21",
        "true, false or a list",
    ),
    "bad name": ("- name: a b\n    command: x", "6:11", "expected a string matching"),
    "twice": (
        "- name: s\n    command: x\n  - name: s\n    command: y",
        "6:3",
        "two MCP servers are named 's'",
    ),
}


@pytest.mark.parametrize("case", list(BAD_ENTRIES), ids=list(BAD_ENTRIES))
def test_bad_mcp_entries_are_exit_2_with_file_line_col(case: str, tmp_path: Path) -> None:
    entry, where, expected = BAD_ENTRIES[case]
    spec = tmp_path / "agent.yaml"
    spec.write_text(
        "version: 1\nname: a\nmodel: grok-4\ninstructions: hi\nmcp_servers:\n  " + entry + "\n"
    )
    result = subprocess.run(
        [PY, "-m", "agentrt", "run", str(spec), "hello"],
        capture_output=True,
        text=True,
        env=clean_env(),
        timeout=60,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    first = result.stderr.splitlines()[0]
    assert first.startswith("agentrt: error: "), first
    assert f"agent.yaml:{where}: " in first, first
    assert expected in first, first
    assert "Traceback" not in result.stderr


def test_run_with_a_missing_command_is_exit_2_one_line(tmp_path: Path) -> None:
    spec = tmp_path / "agent.yaml"
    spec.write_text(
        textwrap.dedent(
            """\
            version: 1
            name: a
            model: grok-4
            instructions: hi
            mcp_servers:
              - name: files
                command: /no/such/server
                env: {TOKEN: "${MCP_TEST_TOKEN}"}
            """
        )
    )
    env = clean_env(MCP_TEST_TOKEN="hunter2-secret")
    result = subprocess.run(
        [PY, "-m", "agentrt", "run", str(spec), "hello"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("agentrt: ")
    assert "MCP server 'files' cannot start: cannot run" in last
    assert "Traceback" not in result.stderr
    assert "hunter2-secret" not in result.stderr
    assert Path(SERVER).exists()


async def test_a_run_cancelled_while_its_server_starts_leaves_no_child() -> None:
    server = MCPStdio("s", PY, server_args("--mode", "hang"), startup_timeout=30)
    task = asyncio.create_task(
        Agent(name="a", model=ScriptedModel("x"), mcp_servers=[server]).run("go")
    )
    for _ in range(100):  # until the child runs
        await asyncio.sleep(0.05)
        if mcp_children():
            break
    assert mcp_children()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert mcp_children() == set()


async def test_a_pooled_server_that_crashed_is_replaced_for_the_next_run() -> None:
    model = ScriptedModel(
        tool_calls(call("crash_server", {"code": 3})),
        "crashed",
        tool_calls(call("add_numbers", {"a": 2, "b": 2})),
        "ok",
    )
    agent = Agent(name="a", model=model, mcp_servers=[MCPStdio("s", PY, server_args())])
    async with agent.mcp():
        first = await agent.run("go")
        assert json.loads(first.tool_calls[0].output)["error"]["type"] == "MCPCallFailed"
        second = await agent.run("go")
        assert json.loads(second.tool_calls[0].output) == {"result": 4}
    assert mcp_children() == set()
