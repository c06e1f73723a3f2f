"""``agentrt batch --xai-batch``: the runs of a dataset, their turns sent through xAI's Batch API.

See :mod:`agentrt.batchrun` for how rounds, resuming and the tool journal work;
this module is the command: endpoint, files, progress and the summary.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from typing import TYPE_CHECKING, Any

from agentrt.errors import UsageError

if TYPE_CHECKING:
    from rich.progress import Progress

    from agentrt.agents.agent import Agent
    from agentrt.batchrun.runner import BatchedSummary
    from agentrt.batchrun.store import RunStore
    from agentrt.durable.batch import BatchItem, ResultsFile
    from agentrt.specs.agent_spec import AgentSpec

__all__ = ["run_xai_batch"]


def run_xai_batch(args: argparse.Namespace) -> int:
    """Run ``args.inputs`` through the Batch API; exit 1 when a run failed."""
    from agentrt.batchrun.store import RunStore, state_path
    from agentrt.commands.batch_inputs import agents_for
    from agentrt.durable.batch import ResultsFile, read_inputs
    from agentrt.launch.connect import choose_endpoint
    from agentrt.launch.eventloop import run
    from agentrt.specs.agent_spec import AgentSpec

    choice = choose_endpoint(args.endpoint)
    if choice.endpoint is None:
        raise UsageError(
            "--xai-batch needs a server that keeps batches: set XAI_API_KEY, or start "
            "`agentrt sim --data-dir DIR` and pass --endpoint HOST:PORT"
        )
    spec = AgentSpec.from_file(args.spec)
    items = read_inputs(args.inputs)
    agents = agents_for(spec, items, args.inputs)
    where = hashlib.sha256(choice.endpoint.encode()).hexdigest()[:12]  # never the endpoint itself
    with ResultsFile(args.out) as results:
        store = RunStore(state_path(args.out), job=f"{spec.name} {where}")
        try:
            summary = run(
                _drive(args, choice.endpoint, spec, items, agents, results, store),
                loop=args.loop,
            )
        finally:
            store.close()
    _report(args, summary)
    return 1 if summary.failed else 0


async def _drive(
    args: argparse.Namespace,
    endpoint: str,
    spec: AgentSpec,
    items: list[BatchItem],
    agents: dict[str, Agent[Any]],
    results: ResultsFile,
    store: RunStore,
) -> BatchedSummary:
    from agentrt.batchrun.runner import run_on_batches
    from agentrt.commands.batch_inputs import progress_bar
    from agentrt.xai.client import Client

    done = sum(1 for i in items if i.key in results.done)
    async with Client(endpoint=endpoint) as client:
        with progress_bar(quiet=args.quiet or args.json) as progress:
            task = progress.add_task(spec.name, total=len(items), completed=done, failed=0)
            failed = 0

            def advance(ok: bool) -> None:
                nonlocal failed
                failed += not ok
                progress.update(task, advance=1, failed=failed)

            return await run_on_batches(
                client,
                lambda v: agents[json.dumps(v, sort_keys=True)],
                items,
                results,
                store,
                model=spec.shown(spec.primary_model),  # from ${ENV}: shown as <from $NAME>
                label=f"agentrt {spec.name}",
                on_result=advance,
                on_progress=_on_progress(progress, task),
            )


def _on_progress(progress: Progress, task: Any) -> Any:
    def show(info: Any) -> None:
        c = info.counts
        progress.update(
            task, description=f"batch {info.id[:16]}: {c.succeeded + c.failed}/{c.total} answered"
        )

    return show


def _report(args: argparse.Namespace, summary: BatchedSummary) -> None:
    if args.json:
        out = {
            "total": summary.total,
            "ok": summary.ok,
            "failed": summary.failed,
            "skipped": summary.skipped,
            "resumed": summary.resumed,
            "rounds": summary.rounds,
            "cost_usd": round(summary.cost_usd, 6),
            "results": str(args.out),
        }
        print(json.dumps(out))
    elif not args.quiet:
        print(
            f"agentrt: {summary.ok} ok, {summary.failed} failed, {summary.skipped} already done "
            f"of {summary.total} in {summary.rounds} batch round(s), ${summary.cost_usd:.4f}; "
            f"results in {args.out}",
            file=sys.stderr,
        )
