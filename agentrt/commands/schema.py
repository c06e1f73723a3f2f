"""``agentrt schema``: the JSON Schema of the agent spec format, for editors and CI."""

from __future__ import annotations

import argparse
import json
from typing import Any

__all__ = ["register"]

EXAMPLES = """examples:
  agentrt schema > agent-spec.schema.json
  agentrt schema --output .vscode/agent-spec.schema.json

Editors with the YAML language server validate and complete agent files when
the file starts with:
  # yaml-language-server: $schema=./agent-spec.schema.json
"""


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add the ``schema`` subcommand."""
    p = sub.add_parser(
        "schema",
        parents=[common],
        help="print the JSON Schema of the agent spec format",
        description=__doc__,
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    p.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    from agentrt.errors import UsageError
    from agentrt.specs.agent_spec import spec_json_schema

    text = json.dumps(spec_json_schema(), indent=2) + "\n"
    if args.output:
        try:
            with open(args.output, "w", encoding="utf-8") as f:
                f.write(text)
        except OSError as e:
            raise UsageError(f"--output {args.output}: {e.strerror or e}") from None
    else:
        print(text, end="")
    return 0
