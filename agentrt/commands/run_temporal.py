"""``agentrt run SPEC INPUT --temporal HOST:PORT``: one durable run, its progress shown as it goes.

The run is started on the task queue (a worker must serve the spec's agent)
and followed through the workflow's ``events`` query: tool activity on stderr,
the answer on stdout a turn at a time, ``--json`` as for a local run. A failed
run exits as a local one would (1 for agent failures such as ``ToolFailed``).
The workflow id is announced on stderr: Ctrl-C stops following the run, not the
run itself, which carries on on the workers.

``--session ID`` continues a conversation kept in ``--session-db`` (opened by the
workers' activities, so give a path or URL they can reach). A call that needs
approval makes the run wait: its id and the ``agentrt approve`` line to decide it
are shown on stderr; after ``--approval-timeout`` undecided calls are denied.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import TYPE_CHECKING, Any

from agentrt.errors import UsageError

if TYPE_CHECKING:
    from agentrt.agents.agent import Agent
    from agentrt.agents.run_result import RunResult
    from agentrt.commands.run_display import RunDisplay
    from agentrt.durable.connection import TemporalTarget
    from agentrt.durable.payloads import SessionRef
    from agentrt.specs.agent_spec import AgentSpec

__all__ = ["add_session_options", "no_workers", "run_on_temporal"]


def add_session_options(p: argparse.ArgumentParser) -> None:
    """Add ``--approval-timeout`` to ``agentrt run`` (``--session``/``--session-db`` are run's own)."""
    from agentrt.commands.flag_values import seconds

    p.add_argument(
        "--approval-timeout",
        metavar="DUR",
        type=seconds(),
        help="with --temporal: how long a call waits for `agentrt approve` before it is "
        "denied, e.g. 30m (default: 24h)",
    )


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
    session = session_ref(args)
    model = spec.shown(spec.primary_model)  # a model name from ${ENV} is shown as <from $NAME>
    display = RunDisplay.for_cli(model, as_json=args.json, quiet=args.quiet)
    drive = _drive(
        target,
        agent,
        text,
        variables,
        display,
        model,
        as_json=args.json,
        quiet=args.quiet,
        session=session,
        approval_timeout=getattr(args, "approval_timeout", None),
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
    session: SessionRef | None,
    approval_timeout: float | None,
) -> RunResult[Any]:
    from agentrt.durable.connection import connect_temporal
    from agentrt.durable.starter import follow, has_workers, start_run
    from agentrt.errors import AgentError

    client = await connect_temporal(target)
    if not quiet and not await has_workers(client, target.task_queue):
        print(f"agentrt: {no_workers(target)}", file=sys.stderr, flush=True)
    handle = await start_run(
        client,
        target.task_queue,
        agent,
        text,
        variables=variables,
        session=session,
        approval_timeout=approval_timeout,
    )
    if not quiet:  # Ctrl-C stops following, not the run: this is how to find it again
        print(
            f"agentrt: durable run {handle.id} on task queue {target.task_queue!r} "
            f"at {target.address}",
            file=sys.stderr,
            flush=True,
        )
    display.start()
    try:
        return await follow(handle, display.handle, on_approval=_asking(handle.id, target))
    except AgentError as exc:
        if as_json and exc.result is not None:
            from agentrt.agents.run_summary import failure_summary

            print(json.dumps(failure_summary(exc, model=model), ensure_ascii=False))
        raise
    finally:
        display.close()


def session_ref(args: argparse.Namespace) -> SessionRef | None:
    """The session ``--session``/``--session-db`` name; a relative path made absolute (the
    workers open it, maybe from another directory).

    Raises:
        UsageError: ``--session-db`` without ``--session``, a bad id, or a ``memory:`` store.
    """
    from agentrt.agents.session import check_session_id
    from agentrt.commands.session_db import default_session_db
    from agentrt.durable.payloads import SessionRef

    sid, db = getattr(args, "session", None), getattr(args, "session_db", None)
    if sid is None:
        if db is not None:
            raise UsageError("--session-db needs --session ID")
        return None
    check_session_id(sid)
    store = (db or str(default_session_db())).strip()
    if store.startswith("memory:"):
        raise UsageError(
            "--session-db memory: cannot be shared with Temporal workers; give a file or redis:// URL"
        )
    from agentrt.sessions.open_store import open_store

    open_store(store)  # a spec the workers could not open is refused here (nothing is opened)
    if "://" not in store:
        store = os.path.abspath(store)
    return SessionRef(session_id=sid, store=store)


def _asking(workflow_id: str, target: TemporalTarget) -> Any:
    """What to print when the run waits for approval: each call and how to decide it."""

    def show(calls: list[dict[str, Any]]) -> None:
        for c in calls:
            print(
                f"agentrt: waiting for approval of {c.get('tool')}({c.get('arguments')}) "
                f"[call {c.get('call_id')}]: agentrt approve {workflow_id} --call "
                f"{c.get('call_id')} --temporal {target.address} [--deny REASON]",
                file=sys.stderr,
                flush=True,
            )

    return show
