"""The price of durability: runs/s of a short agent on Temporal (1 and 2 workers) vs in-process.

The agent (``tests/durable_agents/planner.yaml``) takes 2 turns: turn 1 calls
``get_weather`` and ``find_places`` in parallel, turn 2 answers; each tool
appends one line to a file. Everything runs on this machine: a Temporal dev
server (``temporal server start-dev``, SQLite file), ``agentrt sim`` at zero
latency in its own process, and ``agentrt worker`` processes: one on one task
queue, two on another. Each sample starts ``--runs`` runs, ``--concurrency`` at
a time, from this process and waits for all; the in-process case runs the same
agent with ``Agent.run`` over one client. Cases are interleaved. A second table
gives the milliseconds one run takes when runs go one at a time.

On Temporal a run is 2 model-call and 2 tool-call activities plus 3 workflow
tasks, each a round trip through the server and a history write; that is the
cost measured here, against a model with no latency at all. With a real model
(seconds per call) it is small in proportion.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from collections.abc import Awaitable, Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from benchmarks.harness import interleave, markdown_table, ratio, write_results
from tests.conftest import running_sim
from tests.durable_fixtures import PLANNER, running_temporal, running_worker

PROMPT = "Plan a day in Lisbon: check the weather and find places to visit"
IN_PROCESS = "in-process (Agent.run)"
ONE = "Temporal, 1 worker"
TWO = "Temporal, 2 workers"


def in_process_case(address: str, runs: int, concurrency: int) -> Callable[[], float]:
    """runs/s of ``Agent.run`` on one client, ``concurrency`` at a time."""
    from agentrt.specs.agent_spec import AgentSpec
    from agentrt.xai.client import Client

    agent = AgentSpec.from_file(PLANNER).to_agent()

    async def batch() -> float:
        async with Client(endpoint=address) as client:
            return await _runs_per_s(lambda: agent.run(PROMPT, client=client), runs, concurrency)

    return lambda: asyncio.run(batch())


def temporal_case(temporal: str, queue: str, runs: int, concurrency: int) -> Callable[[], float]:
    """runs/s of durable runs on ``queue``, ``concurrency`` in flight."""
    from agentrt.durable.connection import TemporalTarget, connect_temporal
    from agentrt.durable.starter import run_durable
    from agentrt.specs.agent_spec import AgentSpec

    agent = AgentSpec.from_file(PLANNER).to_agent()

    async def batch() -> float:
        client = await connect_temporal(TemporalTarget(address=temporal, task_queue=queue))
        return await _runs_per_s(
            lambda: run_durable(client, queue, agent, PROMPT), runs, concurrency
        )

    return lambda: asyncio.run(batch())


async def _runs_per_s(run: Callable[[], Awaitable[object]], runs: int, concurrency: int) -> float:
    """runs/s of ``runs`` calls of ``run``, at most ``concurrency`` at a time."""
    gate = asyncio.Semaphore(concurrency)

    async def one() -> None:
        async with gate:
            await run()

    start = time.perf_counter()
    async with asyncio.TaskGroup() as tg:
        for _ in range(runs):
            tg.create_task(one())
    return runs / (time.perf_counter() - start)


def _ms_per_run(case: Callable[[], float]) -> Callable[[], float]:
    """Milliseconds per run from a runs/s case."""
    return lambda: 1000.0 / case()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--runs", type=int, default=200, help="agent runs per sample")
    parser.add_argument("--concurrency", type=int, default=50, help="runs in flight")
    parser.add_argument("--quick", action="store_true", help="a seconds-long smoke run")
    args = parser.parse_args(argv)
    rounds, runs = (2, 20) if args.quick else (args.rounds, args.runs)
    latency_runs = 5 if args.quick else 20
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        os.environ["AGENTRT_DURABLE_DIR"] = tmp
        temporal = stack.enter_context(running_temporal(Path(tmp)))
        sim = stack.enter_context(running_sim())
        worker = (str(PLANNER), "--endpoint", sim.address)
        for queue, count in (("bench-1", 1), ("bench-2", 2)):
            for _ in range(count):
                stack.enter_context(running_worker(temporal, *worker, "--task-queue", queue))
        cases = {
            IN_PROCESS: in_process_case(sim.address, runs, args.concurrency),
            ONE: temporal_case(temporal, "bench-1", runs, args.concurrency),
            TWO: temporal_case(temporal, "bench-2", runs, args.concurrency),
        }
        samples = interleave(cases, rounds)
        one_at_a_time = interleave(
            {
                IN_PROCESS: _ms_per_run(in_process_case(sim.address, latency_runs, 1)),
                ONE: _ms_per_run(temporal_case(temporal, "bench-1", latency_runs, 1)),
            },
            rounds,
        )
    print(
        f"\nRuns/s of a 2-turn, 2-tool agent, {runs} runs per sample, {args.concurrency} in flight "
        "(simulator at zero latency; server, simulator and workers on this machine):\n"
    )
    print(markdown_table(samples, unit="runs/s", baseline=IN_PROCESS))
    print(f"\nOne run at a time ({latency_runs} runs per sample), milliseconds per run:\n")
    print(markdown_table(one_at_a_time, unit="ms/run", baseline=IN_PROCESS))
    out: dict[str, Any] = {
        "ms_per_run_sequential": one_at_a_time,
        "runs_per_s": samples,
        "runs": runs,
        "concurrency": args.concurrency,
        "temporal_1_vs_in_process": ratio(samples, ONE, IN_PROCESS),
        "temporal_2_vs_1": ratio(samples, TWO, ONE),
    }
    print(
        f"\nTemporal (1 worker) / in-process: {out['temporal_1_vs_in_process']:.2f}x; "
        f"2 workers / 1 worker: {out['temporal_2_vs_1']:.2f}x"
    )
    write_results("durable", out)


if __name__ == "__main__":
    main()
