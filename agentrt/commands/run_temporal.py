"""``agentrt run SPEC INPUT --temporal HOST:PORT``: one durable run, its progress shown as it goes.

The run is started on the task queue (a worker must serve the spec's agent)
and followed through the workflow's ``events`` query: tool activity on stderr,
the answer on stdout a turn at a time, ``--json`` as for a local run. A failed
run exits as a local one would (1 for agent failures such as ``ToolFailed``).
The workflow id is announced on stderr: Ctrl-C stops following the run, not the
run itself, which carries on on the workers.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from agentrt.errors import UsageError

if TYPE_CHECKING:
    from agentrt.agents.agent import Agent
    from agentrt.agents.run_result import RunResult
    from agentrt.commands.run_display import RunDisplay
    from agentrt.durable.connection import TemporalTarget
    from agentrt.specs.agent_spec import AgentSpec

__all__ = ["no_workers", "run_on_temporal"]


def no_workers(target: TemporalTarget) -> str:
    """The notice for a task queue no worker polls: runs wait until one does."""
    return (
        f"no worker polls task queue {target.task_queue!r} at {target.address} yet; the run "
        f"waits for one: agentrt worker --temporal {target.address} "
        f"--task-queue {target.task_queue} SPEC"
    )


def run_on_temporal(
    args: argparse.Namespace,
    spec: AgentSpec,
    agent: Agent[Any],
    text: str,
    variables: dict[str, str],
) -> int:
    """Run ``agent`` on ``text`` as a durable workflow; the exit code."""
    from agentrt.commands.run_display import RunDisplay
    from agentrt.durable.cli_options import target_from_args
    from agentrt.launch.eventloop import run

    if args.endpoint:
        raise UsageError(
            "--endpoint has no effect with --temporal: the workers call the model; "
            "give it to agentrt worker"
        )
    target = target_from_args(args)
    model = spec.shown(spec.model)  # a model name from ${ENV} is shown as <from $NAME>
    display = RunDisplay.for_cli(model, as_json=args.json, quiet=args.quiet)
    drive = _drive(
        target, agent, text, variables, display, model, as_json=args.json, quiet=args.quiet
    )
    result = run(drive, loop=args.loop)
    display.show_result(result, as_json=args.json, structured=spec.output is not None)
    return 0


async def _drive(
    target: TemporalTarget,
    agent: Agent[Any],
    text: str,
    variables: dict[str, str],
    display: RunDisplay,
    model: str,
    *,
    as_json: bool,
    quiet: bool,
) -> RunResult[Any]:
    from agentrt.durable.connection import connect_temporal
    from agentrt.durable.starter import follow, has_workers, start_run
    from agentrt.errors import AgentError

    client = await connect_temporal(target)
    if not quiet and not await has_workers(client, target.task_queue):
        print(f"agentrt: {no_workers(target)}", file=sys.stderr, flush=True)
    handle = await start_run(client, target.task_queue, agent, text, variables=variables)
    if not quiet:  # Ctrl-C stops following, not the run: this is how to find it again
        print(
            f"agentrt: durable run {handle.id} on task queue {target.task_queue!r} "
            f"at {target.address}",
            file=sys.stderr,
            flush=True,
        )
    display.start()
    try:
        return await follow(handle, display.handle)
    except AgentError as exc:
        if as_json and exc.result is not None:
            from agentrt.agents.run_summary import failure_summary

            print(json.dumps(failure_summary(exc, model=model), ensure_ascii=False))
        raise
    finally:
        display.close()
