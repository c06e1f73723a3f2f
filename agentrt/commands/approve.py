"""``agentrt approve WORKFLOW_ID --call ID [--deny REASON]``: decide a durable run's waiting tool calls.

A durable run (``agentrt run --temporal``) whose turn asks for a tool that needs
approval waits, durably, for a decision: workers may stop and start meanwhile.
This sends it: the approved calls run (as activities), a denied one gives the
model your reason. ``--all`` decides every waiting call. Errors are one line
(exit 2): no such workflow, a workflow that already finished, a call id that is
not waiting (unknown, or decided already).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

__all__ = ["register"]

EXAMPLES = """examples:
  agentrt approve agentrt-refunder-1a2b --call call_7 --temporal 127.0.0.1:7233
  agentrt approve agentrt-refunder-1a2b --all --temporal 127.0.0.1:7233
  agentrt approve agentrt-refunder-1a2b --call call_7 --deny "amount too high" --temporal 127.0.0.1:7233
"""


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add the ``approve`` subcommand."""
    from agentrt.durable.cli_options import add_temporal_options

    p = sub.add_parser(
        "approve",
        parents=[common],
        help="approve or deny the tool calls a durable run waits on",
        description=__doc__,
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("workflow_id", metavar="WORKFLOW_ID", help="the run's workflow id")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "--call", action="append", metavar="ID", help="a waiting call's id (repeatable)"
    )
    which.add_argument("--all", action="store_true", help="every call the run waits on")
    p.add_argument("--deny", metavar="REASON", help="deny instead; the model reads REASON")
    add_temporal_options(p, required=True)
    p.set_defaults(handler=_approve)


def _approve(args: argparse.Namespace) -> int:
    from agentrt.durable.cli_options import target_from_args
    from agentrt.errors import UsageError
    from agentrt.launch.eventloop import run

    if args.deny is not None and not args.deny.strip():
        raise UsageError("--deny REASON: the reason is empty; say why (the model reads it)")
    if not args.workflow_id.strip():
        raise UsageError("WORKFLOW_ID is empty: give the id agentrt run --temporal printed")
    target = target_from_args(args)
    decided, checked = run(_send(target, args), loop=args.loop)
    verb = "denied" if args.deny is not None else "approved"
    print(f"{verb} {', '.join(decided)} of workflow {args.workflow_id}")
    if not checked:
        print(
            "agentrt: no worker answered, so the call ids were not checked; "
            "the run ignores an id that is not waiting",
            file=sys.stderr,
        )
    return 0


async def _send(target: Any, args: argparse.Namespace) -> tuple[list[str], bool]:
    from agentrt.durable.approve import decide
    from agentrt.durable.connection import connect_temporal

    client = await connect_temporal(target)
    return await decide(
        client, args.workflow_id, list(args.call or []), every=args.all, deny=args.deny
    )
