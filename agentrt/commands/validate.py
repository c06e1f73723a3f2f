"""``agentrt validate``: check agent spec files and print every problem as FILE:LINE:COL: message."""

from __future__ import annotations

import argparse
import sys
from typing import Any

__all__ = ["register"]

EXAMPLES = """examples:
  agentrt validate examples/trip_planner/trip_planner.yaml
  agentrt validate examples/*/*.yaml            check several files; exit 1 if any has a problem
  agentrt validate agent.yaml --quiet           print problems only
  agentrt validate --no-import pr/agent.yaml    lint an untrusted change: runs none of its code
  agentrt validate agent.yaml --mcp             also start its MCP servers and list their tools

Each problem is printed as FILE:LINE:COL: KEY.PATH: message, the format editors
and CI annotators understand. Imports and sub-agent files are resolved too, so a
file that validates will load.

Which mode runs code: by default each spec's tools modules are IMPORTED, which
runs their top-level code (no agent runs). With --no-import nothing from the
spec is imported or run: each module:attr is found and its source parsed, so a
missing module or name is still reported, but not a tool whose signature
cannot be a tool.
"""


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add the ``validate`` subcommand."""
    p = sub.add_parser(
        "validate",
        parents=[common],
        help="check agent spec files; print each problem as FILE:LINE:COL: message",
        description=__doc__,
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("specs", nargs="+", metavar="SPEC", help="agent spec YAML files")
    p.add_argument("-q", "--quiet", action="store_true", help="print problems only, no summary")
    p.add_argument(
        "--no-import",
        action="store_true",
        help="do not import the specs' tools modules (run none of their code); "
        "check module:attr paths statically. Default: import them, which runs their code",
    )
    p.add_argument(
        "--mcp",
        action="store_true",
        help="also start each spec's mcp_servers, list their tools and stop them "
        "(default: check the entries without starting anything)",
    )
    p.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    from agentrt.specs.agent_spec import AgentSpec, SpecError
    from agentrt.specs.loader import load_file

    bad = 0
    for path in args.specs:
        try:
            spec = load_file(path, spec_type=AgentSpec, import_code=not args.no_import)
        except SpecError as exc:
            bad += 1
            for problem in exc.problems:
                print(problem)
            continue
        servers = ""
        if spec.mcp_servers:
            if args.mcp:
                found = _mcp_tools(path, spec)
                if found is None:
                    bad += 1
                    continue
                servers = found
            else:
                m = len(spec.mcp_servers)
                servers = f", {m} MCP server{'' if m == 1 else 's'} not started (--mcp starts them)"
        if not args.quiet:
            n = len(spec.tools)
            how = ", checked without importing" if args.no_import else ""
            print(
                f"{path}: ok (agent {spec.name!r}, {n} tool{'' if n == 1 else 's'}{servers}{how})",
                file=sys.stderr,
            )
    if bad and not args.quiet:
        print(f"{bad} of {len(args.specs)} spec files have problems", file=sys.stderr)
    return 1 if bad else 0


def _mcp_tools(path: str, spec: Any) -> str | None:
    """Start the spec's MCP servers and count their tools; ``None`` (and a line) if one fails."""
    import asyncio

    from agentrt.agents.mcp_run import open_connections
    from agentrt.errors import MCPServerError
    from agentrt.specs.build import mcp_servers

    async def count() -> str:
        conns = await open_connections(mcp_servers(spec))
        try:
            tools = sum(1 for c in conns for t in c.tools if c.config.selects(t.name))
        finally:
            for c in conns:
                await c.close()
        return f", {len(conns)} MCP server(s) started with {tools} tool(s)"

    try:
        return asyncio.run(count())
    except MCPServerError as e:
        print(f"{path}: mcp_servers: {e}")
        return None
