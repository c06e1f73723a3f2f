"""Run every input of a dataset as an agent run whose turns go to xAI's Batch API.

:func:`run_on_batches` starts one run per input not yet in the results file, all
behind one :class:`~agentrt.batchrun.rounds.RoundBatcher`: a round's batch holds
one turn of every open run. Tools run locally between rounds, journaled in the
:class:`~agentrt.batchrun.store.RunStore` so a rerun runs none twice. Each result
line is appended (and fsynced) as its run ends: the fields of ``agentrt run
--json`` plus the id, or the same with ``error``.

A run resumed after a crash starts again from its last model call; its turn count
(``limits.max_turns``) starts again there too. ``limits.timeout`` does not apply:
a batch may take hours, bounded by the job, not by a run.
"""

from __future__ import annotations

import asyncio
import copy
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from agentrt.batchrun.rounds import CURRENT_RUN, RoundBatcher
from agentrt.batchrun.store import RunStore
from agentrt.errors import AgentError, AgentrtError, RPCError, UsageError

if TYPE_CHECKING:
    from agentrt.agents.agent import Agent
    from agentrt.durable.batch import BatchItem, ResultsFile
    from agentrt.xai.batch_types import BatchInfo
    from agentrt.xai.client import Client
    from agentrt.xai.messages import Message

__all__ = ["BatchedSummary", "run_on_batches"]


@dataclass(kw_only=True)
class BatchedSummary:
    """What one :func:`run_on_batches` call did, and what it cost (USD, as reported)."""

    total: int = 0
    skipped: int = 0
    ok: int = 0
    failed: int = 0
    resumed: int = 0
    rounds: int = 0
    cost_usd: float = 0.0


async def run_on_batches(
    client: Client,
    agents: Callable[[dict[str, str]], Agent[Any]],
    items: list[BatchItem],
    results: ResultsFile,
    store: RunStore,
    *,
    model: str,
    label: str,
    on_result: Callable[[bool], None] | None = None,
    on_progress: Callable[[BatchInfo], None] | None = None,
) -> BatchedSummary:
    """Run every item of ``items`` not yet in ``results``; return when all have a line.

    Args:
        agents: the agent for an item's vars (built by the caller, cached).
        model: the model name written in each result line.
        label: the batches' name prefix (the agent's name).
        on_result: called with True (ok) or False (failed) as each run ends.
        on_progress: called with each poll of a batch in flight.
    """
    todo = [i for i in items if i.key not in results.done]
    summary = BatchedSummary(total=len(items), skipped=len(items) - len(todo))
    batcher = RoundBatcher(
        client=client, store=store, runs=len(todo), label=label, on_progress=on_progress
    )

    async def one(item: BatchItem) -> None:
        CURRENT_RUN.set(item.key)  # this task's context: the batcher reads it
        try:
            ok = await _run_one(
                client, agents(item.vars), item, results, store, batcher, model, summary
            )
        finally:
            batcher.leave()
        summary.ok += ok
        summary.failed += not ok
        if on_result is not None:
            on_result(ok)

    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(batcher.drive(), name="batch-rounds")
            for item in todo:
                tg.create_task(one(item), name=f"run:{item.key}")
    except BaseExceptionGroup as group:
        raise _stopped(group, store) from group
    summary.rounds = batcher.rounds
    return summary


def _stopped(group: BaseExceptionGroup[BaseException], store: RunStore) -> BaseException:
    """The error that stopped the job, saying that a rerun resumes it."""
    first: BaseException = group
    while isinstance(first, BaseExceptionGroup):
        first = first.exceptions[0]
    if isinstance(first, RPCError):
        resume = f"the job stopped; run the same command again to resume it (state in {store.path})"
        stopped = copy.copy(first)  # its class, code and attributes, whatever its constructor
        stopped.details = f"{first.details}; {resume}"
        stopped.args = (f"{first.code}: {stopped.details}",)
        return stopped
    return first


async def _run_one(
    client: Client,
    agent: Agent[Any],
    item: BatchItem,
    results: ResultsFile,
    store: RunStore,
    batcher: RoundBatcher,
    model: str,
    summary: BatchedSummary,
) -> bool:
    from agentrt.agents.run_summary import failure_summary, run_summary
    from agentrt.agents.tools import Tool
    from agentrt.durable.batch_parts import line_parts
    from agentrt.xai.messages import user

    if agent.tools.approvals:  # nobody can answer inside a batch: never run such a tool unasked
        asking = ", ".join(
            sorted(t.name for t in agent.tools.items if isinstance(t, Tool) and t.needs_approval)
        )
        refused = UsageError(
            f"tool(s) {asking} need a person's approval, which a batched run cannot ask for: "
            "run this agent with `agentrt run` (it asks), or drop needs_approval/approval"
        )
        results.write({"id": item.id, **failure_summary(refused, model=model)})
        return False
    earlier = store.messages(item.key)
    start: str | list[Message] = item.input
    if earlier is not None:  # resumed: from its last model call
        summary.resumed += 1
        start = [m for m in earlier if m.role != "system"]
    unbounded = _without_timeout(agent)
    try:
        if earlier is None and (item.images or item.files):  # a bad one: this line's error
            start = [user(item.input, *line_parts(item.images, item.files))]
        result = await unbounded.run(
            start, client=client, model=batcher, run_id=item.key, journal=store
        )
    except (AgentError, AgentrtError) as e:
        failed = failure_summary(e, model=model)
        summary.cost_usd += _cost(failed)
        results.write({"id": item.id, **failed})
        store.forget(item.key)
        return False
    line = run_summary(result, model=model)
    summary.cost_usd += _cost(line)
    results.write({"id": item.id, **line})
    store.forget(item.key)
    return True


def _without_timeout(agent: Agent[Any]) -> Agent[Any]:
    """``agent`` with no run time budget (a shallow copy: tools and setup are shared)."""
    if agent.limits.timeout is None:
        return agent
    copy = object.__new__(type(agent))
    copy.__dict__.update(agent.__dict__)
    copy.limits = dataclasses.replace(agent.limits, timeout=None)
    return copy


def _cost(line: dict[str, Any]) -> float:
    usage = line.get("usage") or {}
    value = usage.get("cost_usd", 0.0) if isinstance(usage, dict) else 0.0
    return float(value) if isinstance(value, int | float) else 0.0
