"""``agentrt info``: the version and the xAI services the generated stubs expose."""

from __future__ import annotations

import argparse
import json
from typing import Any

__all__ = ["register"]

EXAMPLES = """examples:
  agentrt info
  agentrt info --json | jq '.services[].name'
"""


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add the ``info`` subcommand."""
    p = sub.add_parser(
        "info",
        parents=[common],
        help="show the version and the xAI gRPC services agentrt speaks",
        description=__doc__,
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    from agentrt._version import __version__
    from agentrt.xai.wire import services

    found = services()
    if args.json:
        payload = {
            "version": __version__,
            "services": [{"name": s.full_name, "methods": list(s.methods)} for s in found],
        }
        print(json.dumps(payload, indent=2))
        return 0
    print(f"agentrt {__version__}")
    print(f"xAI gRPC services ({len(found)}):")
    for s in found:
        print(f"  {s.full_name:<24} {', '.join(s.methods)}")
    return 0
