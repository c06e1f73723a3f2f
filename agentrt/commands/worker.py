"""``agentrt worker``: serve agent specs as durable Temporal workflows (needs ``agentrt[temporal]``).

Polls a Temporal task queue and runs the agents of the given spec files (or
every spec in the given directories): the agent loop as a workflow, each model
call and tool call as an activity. Start several, on several machines, on one
queue to share the work; a run whose worker dies resumes on another. Model
calls go to --endpoint, then $AGENTRT_ENDPOINT, then api.x.ai with
$XAI_API_KEY, else the built-in simulator. Stops on Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

__all__ = ["register"]

EXAMPLES = """examples:
  temporal server start-dev &                       a local Temporal (pip install 'agentrt[temporal]')
  agentrt worker --temporal 127.0.0.1:7233 examples/trip_planner/trip_planner.yaml
  agentrt worker --temporal 127.0.0.1:7233 examples/*/ --endpoint 127.0.0.1:50051 --max-concurrent 200
  TEMPORAL_API_KEY=... agentrt worker --temporal NS.ACCT.tmprl.cloud:7233 --namespace NS.ACCT agents/
"""


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add the ``worker`` subcommand."""
    from agentrt.commands.flag_values import count, seconds
    from agentrt.durable.cli_options import add_temporal_options

    p = sub.add_parser(
        "worker",
        parents=[common],
        help="run a Temporal worker for agent specs (durable runs)",
        description=__doc__,
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "specs", nargs="+", metavar="SPEC_OR_DIR", help="agent spec files or directories"
    )
    add_temporal_options(p, required=True)
    p.add_argument("--endpoint", metavar="HOST:PORT", help="model server (default: see above)")
    p.add_argument(
        "--max-concurrent",
        type=count(),
        default=100,
        metavar="N",
        help="model and tool calls this worker runs at once (default: 100)",
    )
    p.add_argument(
        "--sticky-timeout",
        type=seconds(),
        default=10.0,
        metavar="S",
        help="seconds a run waits for this worker before another takes it over (default: 10)",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no notices on stderr")
    p.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    from agentrt.durable.cli_options import target_from_args
    from agentrt.errors import UsageError
    from agentrt.launch.connect import choose_endpoint
    from agentrt.launch.eventloop import run

    target = target_from_args(args)
    if args.max_concurrent < 1:
        raise UsageError("--max-concurrent must be at least 1")
    if not args.sticky_timeout > 0:
        raise UsageError("--sticky-timeout must be > 0 seconds")
    from agentrt.durable.registry import AgentRegistry
    from agentrt.durable.worker import WorkerSettings, run_worker

    registry = AgentRegistry.from_paths(args.specs)
    settings = WorkerSettings(
        max_concurrent=args.max_concurrent, sticky_timeout=args.sticky_timeout
    )
    notice = None if args.quiet else _notice
    run(
        run_worker(
            target, registry, choose_endpoint(args.endpoint), settings=settings, notice=notice
        ),
        loop=args.loop,
    )
    return 0


def _notice(message: str) -> None:
    print(f"agentrt: {message}", file=sys.stderr, flush=True)
