"""``agentrt serve``: runs/s and p50/p99 latency of a short agent at 1, 10 and 100 concurrent callers,
and the overhead per run compared with calling the agent in-process.

The agent is the serve tests' probe (``tests/serve_agents/probe.yaml``) asked to
``call whoami``: 2 turns (a tool call, then the answer), 1 async tool. Everything
runs on this machine: ``agentrt sim`` at zero latency in its own process,
``agentrt serve`` in another (``--max-concurrent-runs`` above the highest
concurrency), and this process as the callers, through the generated stubs
(``RunAgent``, one channel). The in-process case runs the same agent with
``Agent.run`` on one client to the same simulator. Each sample makes ``--runs``
runs, ``c`` at a time; cases are interleaved (in-process and serve at each
concurrency). Overhead per run = serve's p50 latency minus in-process p50, one
caller at a time.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Awaitable, Callable
from contextlib import ExitStack
from typing import Any

from benchmarks.harness import interleave, markdown_table, median, write_results
from tests.conftest import running_sim
from tests.test_serve import PROBE, running_serve

PROMPT = "call whoami"
LEVELS = (1, 10, 100)


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) of ``values``, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


async def _drive(one: Callable[[], Awaitable[None]], runs: int, concurrency: int) -> list[float]:
    """Make ``runs`` calls of ``one``, ``concurrency`` at a time; return each latency (s)."""
    gate = asyncio.Semaphore(concurrency)
    latencies: list[float] = []

    async def timed() -> None:
        async with gate:
            start = time.perf_counter()
            await one()
            latencies.append(time.perf_counter() - start)

    async with asyncio.TaskGroup() as tg:
        for _ in range(runs):
            tg.create_task(timed())
    return latencies


class Case:
    """One (way, concurrency) case: each call is one sample (runs/s); latencies kept aside."""

    def __init__(self, sample: Callable[[], Awaitable[list[float]]], runs: int) -> None:
        self._sample = sample
        self.runs = runs
        self.p50: list[float] = []
        self.p99: list[float] = []

    def __call__(self) -> float:
        start = time.perf_counter()
        latencies = asyncio.run(self._sample())
        rate = self.runs / (time.perf_counter() - start)
        self.p50.append(percentile(latencies, 0.50) * 1000)
        self.p99.append(percentile(latencies, 0.99) * 1000)
        return rate


def in_process(sim: str, runs: int, concurrency: int) -> Case:
    """``Agent.run`` on one client."""
    from agentrt.specs.agent_spec import AgentSpec
    from agentrt.xai.client import Client

    agent = AgentSpec.from_file(PROBE).to_agent()

    async def sample() -> list[float]:
        async with Client(endpoint=sim) as client:

            async def one() -> None:
                await agent.run(PROMPT, client=client)

            return await _drive(one, runs, concurrency)

    return Case(sample, runs)


def through_serve(address: str, runs: int, concurrency: int) -> Case:
    """``RunAgent`` through the generated stub, one channel."""
    import grpc
    from agentrt_protos.agentrt.v1 import agent_pb2 as pb
    from agentrt_protos.agentrt.v1 import agent_pb2_grpc

    request = pb.RunAgentRequest(agent="probe", input=PROMPT)

    async def sample() -> list[float]:
        async with grpc.aio.insecure_channel(address) as channel:
            stub = agent_pb2_grpc.AgentsStub(channel)

            async def one() -> None:
                response = await stub.RunAgent(request, timeout=60)
                if response.status.state != pb.RunStatus.SUCCEEDED:
                    raise RuntimeError(f"run failed: {response.status}")

            return await _drive(one, runs, concurrency)

    return Case(sample, runs)


def _latency_table(cases: dict[str, Case]) -> str:
    rows = ["| case | p50 ms | p99 ms |", "| --- | ---: | ---: |"]
    rows += [f"| {n} | {median(c.p50):.2f} | {median(c.p99):.2f} |" for n, c in cases.items()]
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--runs", type=int, default=300, help="agent runs per sample")
    parser.add_argument("--quick", action="store_true", help="a seconds-long smoke run")
    args = parser.parse_args(argv)
    rounds, runs = (2, 40) if args.quick else (args.rounds, args.runs)
    with ExitStack() as stack:
        sim = stack.enter_context(running_sim())
        serve = stack.enter_context(
            running_serve(str(PROBE), "--endpoint", sim.address, "--max-concurrent-runs", "1000")
        )
        cases: dict[str, Case] = {}
        for c in LEVELS:
            cases[f"in-process x{c}"] = in_process(sim.address, runs, c)
            cases[f"serve x{c}"] = through_serve(serve.address, runs, c)
        samples = interleave(cases, rounds)
    print(
        f"\nRuns/s of a 2-turn, 1-tool agent, {runs} runs per sample (simulator at zero latency):\n"
    )
    print(markdown_table(samples, unit="runs/s"))
    print("\nLatency per run (median over rounds of each sample's percentile):\n")
    print(_latency_table(cases))
    overhead = median(cases["serve x1"].p50) - median(cases["in-process x1"].p50)
    ratios = {
        c: median(samples[f"serve x{c}"]) / median(samples[f"in-process x{c}"]) for c in LEVELS
    }
    print(f"\nOverhead per run through serve, one caller: {overhead:.2f} ms (p50 difference)")
    print("serve / in-process runs/s: " + ", ".join(f"x{c}: {r:.2f}" for c, r in ratios.items()))
    out: dict[str, Any] = {
        "runs_per_s": samples,
        "p50_ms": {n: c.p50 for n, c in cases.items()},
        "p99_ms": {n: c.p99 for n, c in cases.items()},
        "runs": runs,
        "overhead_ms_per_run": overhead,
        "serve_vs_in_process": ratios,
    }
    write_results("serve", out)


if __name__ == "__main__":
    main()
