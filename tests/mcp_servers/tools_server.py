"""A real MCP server for the tests: ``python tools_server.py [--http PORT] [--mode MODE]``.

Tools: ``add_numbers``, ``shout_text``, ``city_forecast`` (structured), ``broken_tool``
(an isError result), ``slow_tool`` (sleeps), ``crash_server`` (the process dies mid-call),
``unlock_tools`` (adds ``secret_tool`` and tells the client its tool list changed).
``--mode garbage`` writes non-JSON-RPC lines on stdout; ``--mode hang`` never answers.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time


def _misbehave(argv: list[str]) -> None:
    """The broken modes act before the mcp import, so they misbehave at once even on a busy machine."""
    mode = argv[argv.index("--mode") + 1] if "--mode" in argv[:-1] else "ok"
    if mode == "garbage":
        for _ in range(3):
            print("this is not JSON-RPC", flush=True)
        sys.stdout.write('{"jsonrpc": "2.0", "id": 1, "result": 42}\n')
        sys.stdout.flush()
        time.sleep(60)
        sys.exit(0)
    if mode == "hang":
        time.sleep(60)
        sys.exit(0)
    if mode == "exit":
        print("cannot start: missing config", file=sys.stderr)
        sys.exit(3)


if __name__ == "__main__":
    _misbehave(sys.argv[1:])

from mcp.server.mcpserver import Context, MCPServer  # noqa: E402
from mcp.server.mcpserver.exceptions import ToolError  # noqa: E402

server = MCPServer("agentrt-test-tools")


@server.tool()
def add_numbers(a: int, b: int) -> int:
    """Add two numbers together."""
    return a + b


@server.tool()
def shout_text(text: str) -> str:
    """Shout the text: return it in upper case."""
    print("shouting to stderr", file=sys.stderr)
    return text.upper()


@server.tool()
def city_forecast(city: str) -> dict[str, object]:
    """The weather forecast for a city."""
    return {"city": city, "sky": "sunny", "celsius": 21}


@server.tool()
def broken_tool(reason: str) -> str:
    """A tool that always fails with the reason."""
    raise ToolError(f"broken on purpose: {reason}")


@server.tool()
async def slow_tool(seconds: float) -> str:
    """Sleep for some seconds, then answer."""
    await asyncio.sleep(seconds)
    return "slept"


@server.tool()
def crash_server(code: int) -> str:
    """Crash the whole server process."""
    os._exit(code)


@server.tool()
async def unlock_tools(ctx: Context) -> str:
    """Unlock the secret tool (the tool list changes)."""

    def secret_tool(word: str) -> str:
        """The secret tool: it whispers the word."""
        return f"psst {word}"

    server.add_tool(secret_tool)
    await ctx.session.send_tool_list_changed()
    return "unlocked"


@server.tool()
def env_value(name: str) -> str:
    """The value of an environment variable of the server."""
    return os.environ.get(name, "<unset>")


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--http", type=int, default=0)
    p.add_argument("--mode", default="ok")
    p.add_argument("--tag", default="")  # lets a test find its own server processes
    args = p.parse_args()
    if args.http:
        server.run("streamable-http", host="127.0.0.1", port=args.http)
    else:
        server.run()


if __name__ == "__main__":
    main()
