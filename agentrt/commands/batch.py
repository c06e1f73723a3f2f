"""``agentrt batch``: run an agent spec over a JSONL dataset, on Temporal or on xAI's Batch API.

Each line of INPUTS is {"id": ..., "input": "...", "vars": {...}}, optionally with
"images" and "files" (lists of paths relative to INPUTS' folder, or image URLs). Each result
is appended to --out as its run ends: {"id": ..., <the fields of agentrt run
--json>}, or the same with "error" for a run that failed. Run the same command
again to finish only what is missing (failed runs have their line: delete it to
run one again).

--temporal HOST:PORT: one durable workflow per line on the workers of the task
queue (start them with agentrt worker), at most --max-in-flight at once.

--xai-batch: every open run's next turn goes out in one batch of xAI's Batch API
(half the price, answers within hours); tools run here between rounds; runs that
finish leave. The state (which batch carries which turn, every tool call) is kept
beside the results in OUT.xbatch.sqlite, so a rerun after a crash or Ctrl-C joins
the batches in flight and runs no tool twice. Endpoint: --endpoint, then
$AGENTRT_ENDPOINT, then api.x.ai:443 with $XAI_API_KEY.

Exit codes: 0 every run this command ran was ok, 1 some failed (see their
lines), 2 bad input or spec, 3 Temporal or the API unreachable.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agentrt.agents.agent import Agent
    from agentrt.durable.batch import BatchItem, BatchSummary
    from agentrt.specs.agent_spec import AgentSpec

__all__ = ["register"]

EXAMPLES = """examples:
  agentrt worker --temporal 127.0.0.1:7233 examples/trip_planner/ &
  agentrt batch examples/trip_planner/trip_planner.yaml cities.jsonl \\
      --temporal 127.0.0.1:7233 --out plans.jsonl --max-in-flight 200
  jq -c 'select(.error)' plans.jsonl          the runs that failed
  agentrt batch examples/trip_planner/trip_planner.yaml cities.jsonl --xai-batch --out plans.jsonl
  agentrt batch agent.yaml inputs.jsonl --xai-batch --endpoint 127.0.0.1:50051 --out out.jsonl --json
"""


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add the ``batch`` subcommand."""
    from agentrt.commands.flag_values import count
    from agentrt.durable.cli_options import add_temporal_options

    p = sub.add_parser(
        "batch",
        parents=[common],
        help="run an agent over a JSONL file of inputs, on Temporal or xAI's Batch API (resumable)",
        description=__doc__,
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("spec", metavar="SPEC", help="agent spec YAML file")
    p.add_argument(
        "inputs",
        metavar="INPUTS",
        help='JSONL file: {"id", "input", "vars", "images", "files"} per line',
    )
    add_temporal_options(p, required=False)
    p.add_argument(
        "--xai-batch",
        action="store_true",
        help="send the runs' turns through xAI's Batch API instead of Temporal",
    )
    p.add_argument("--endpoint", metavar="HOST:PORT", help="with --xai-batch: the API server")
    p.add_argument(
        "--json", action="store_true", help="with --xai-batch: print a JSON summary at the end"
    )
    p.add_argument("--out", required=True, metavar="FILE", help="results JSONL (appended to)")
    p.add_argument(
        "--max-in-flight",
        type=count(),
        default=100,
        metavar="N",
        help="runs started and not yet finished at once (default: 100)",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar or summary")
    p.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    from agentrt.commands.batch_inputs import agents_for
    from agentrt.durable.batch import ResultsFile, read_inputs
    from agentrt.durable.cli_options import target_from_args
    from agentrt.errors import UsageError
    from agentrt.launch.eventloop import run
    from agentrt.specs.agent_spec import AgentSpec

    if args.xai_batch:
        if args.temporal:
            raise UsageError("give --temporal or --xai-batch, not both")
        from agentrt.commands.batch_xai import run_xai_batch

        return run_xai_batch(args)
    if not args.temporal:
        raise UsageError("say where the runs go: --temporal HOST:PORT or --xai-batch")
    if args.endpoint or args.json:
        raise UsageError("--endpoint and --json go with --xai-batch")
    target = target_from_args(args)
    if args.max_in_flight < 1:
        raise UsageError("--max-in-flight must be at least 1")
    spec = AgentSpec.from_file(args.spec)
    items = read_inputs(args.inputs)
    agents = agents_for(spec, items, args.inputs)
    with ResultsFile(args.out) as results:
        summary = run(_drive(args, target, spec, items, agents, results), loop=args.loop)
    if not args.quiet:
        print(
            f"agentrt: {summary.ok} ok, {summary.failed} failed, {summary.skipped} already done "
            f"of {summary.total}; results in {args.out}",
            file=sys.stderr,
        )
    return 1 if summary.failed else 0


async def _drive(
    args: argparse.Namespace,
    target: Any,
    spec: AgentSpec,
    items: list[BatchItem],
    agents: dict[str, Agent[Any]],
    results: Any,
) -> BatchSummary:
    import json

    from agentrt.commands.batch_inputs import progress_bar
    from agentrt.commands.run_temporal import no_workers
    from agentrt.durable.batch import run_batch
    from agentrt.durable.connection import connect_temporal
    from agentrt.durable.starter import has_workers

    client = await connect_temporal(target)
    if not args.quiet and not await has_workers(client, target.task_queue):
        print(f"agentrt: {no_workers(target)}", file=sys.stderr, flush=True)
    done = sum(1 for i in items if i.key in results.done)
    with progress_bar(quiet=args.quiet) as progress:
        task = progress.add_task(spec.name, total=len(items), completed=done, failed=0)
        failed = 0

        def advance(ok: bool) -> None:
            nonlocal failed
            failed += not ok
            progress.update(task, advance=1, failed=failed)

        return await run_batch(
            client,
            target.task_queue,
            lambda v: agents[json.dumps(v, sort_keys=True)],
            items,
            results,
            model=spec.shown(spec.primary_model),  # from ${ENV}: shown as <from $NAME>
            max_in_flight=args.max_in_flight,
            on_result=advance,
        )
