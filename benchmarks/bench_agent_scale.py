"""The agent loop at realistic model latency: 100, 1,000 and 5,000 concurrent 3-turn runs in one process.

``agentrt sim`` runs in its own process with a streaming model that takes its
time: TTFT 300 ms, then 5-token chunks 50 ms apart (10 ms per token), ~50
tokens of text per turn. Its script (replayed per conversation, so concurrent runs
do not share a cursor) makes every run take 3 turns: ~50 tokens
then a ``get_weather`` call, ~50 tokens then a ``get_time`` call, a ~54-token
answer (each turn the same number of chunks, so each the same timeline). All
three clients stream:

- ``agentrt``: ``Agent.stream()`` (events consumed) over agentrt's ``Client``
  (its pool of 4 channels, each its own TCP connection);
- ``xai-sdk by hand``: the same loop on ``xai_sdk.AsyncClient`` (its credentials
  path, what an api.x.ai user gets): ``chat.create``, ``chat.stream()``,
  ``chat.append(response)``, ``json.loads`` the arguments, call the tool,
  ``chat.append(tool_result(...))``;
- ``floor``: the run's three requests encoded beforehand, streamed with the
  generated stub over ``grpc.aio`` (4 channels, as agentrt), chunks read and
  dropped: what no client on grpcio can beat.

Each (client, run count) is a fresh process (so RSS deltas are its own), cases
interleaved (sizes outer, clients inner), after a 20-run warm-up in that
process. Per case: client process CPU per turn (all its threads), memory per
in-flight run (RSS at its peak during the batch minus RSS before it, over the
runs in flight: RSS, not tracemalloc, which would slow the loop 2-3x), turns/s
sustained (turns over the batch's wall time) and the loop's added latency per
turn: a run's wall time minus 3 x the simulator's timeline for a turn (TTFT +
ITL x (chunks - 1), chunks counted once on a stream), over its turns, p50/p99
over runs. The simulator's CPU share over the batch says when it, not the
client, was the limit; the floor's added latency is the simulator's lag plus
the network.

``python -m benchmarks.bench_agent_scale [--sizes 100,1000,5000] [--rounds 1] [--quick]``
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import os
import resource
import statistics
import tempfile
import time
from collections.abc import Callable, Coroutine
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

from benchmarks.bench_agent import (
    CITY_SCHEMA,
    INSTRUCTIONS,
    MODEL,
    PROMPT,
    TOOLS,
    _process_cpu,
    get_time,
    get_weather,
)
from benchmarks.harness import median, write_results
from tests.conftest import running_sim

TTFT_MS, ITL_MS, TOKENS_PER_CHUNK = 300, 50, 5  # 10 ms per token
POOL = 4  # channels: agentrt's default pool_size, and the floor's
WARMUP_RUNS = 20
TRACED = "agentrt, tracing on"
CLIENTS = ("agentrt", TRACED, "xai-sdk by hand", "floor")
_WORDS = "the weather service reports steady conditions over the city this afternoon and "
PREFACE = (_WORDS * 4).strip()  # ~50 tokens
SCRIPT_RUN = [
    {
        "text": PREFACE,
        "tool_calls": [{"name": "get_weather", "arguments": {"city": "Paris"}}],
    },
    {"text": PREFACE, "tool_calls": [{"name": "get_time", "arguments": {"city": "Paris"}}]},
    {"text": PREFACE + " 21 C, 14:05"},
]
TURNS_PER_RUN = len(SCRIPT_RUN)


def _rss() -> int:
    """This process's resident set size in bytes."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _raise_fd_limit() -> None:
    """Soft open-files limit up to the hard one (thousands of streams, a few sockets)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def _telemetry() -> Any:
    """Spans and metrics on, as ``agentrt --trace/--metrics`` sets them up (``sdk_*_provider``):

    a ``BatchSpanProcessor`` into an exporter that drops the spans (what a production
    exporter costs the caller's thread: a queue append; the export runs on the SDK's
    worker thread, counted in process CPU), metrics into an in-memory reader, exemplars off.
    """
    from opentelemetry.sdk.metrics.export import InMemoryMetricReader
    from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult

    from agentrt.telemetry.setup import sdk_meter_provider, sdk_tracer_provider
    from agentrt.telemetry.tracing import Telemetry

    class Drop(SpanExporter):  # export costs what the SDK costs, and memory stays flat
        def export(self, spans: Any) -> SpanExportResult:
            return SpanExportResult.SUCCESS

    tracer_provider = sdk_tracer_provider(Drop(), shutdown_on_exit=False)
    meter_provider = sdk_meter_provider(InMemoryMetricReader(), shutdown_on_exit=False)
    return Telemetry(tracer_provider=tracer_provider, meter_provider=meter_provider)


def _agentrt(
    address: str, *, traced: bool = False
) -> tuple[Callable[[], Coroutine[Any, Any, int]], Any]:
    from agentrt.agents.agent import Agent
    from agentrt.agents.events import RunFinished
    from agentrt.agents.limits import Limits
    from agentrt.xai.client import Client

    limits = Limits(max_turns=10 * TURNS_PER_RUN, max_identical_tool_calls=None)
    agent = Agent(
        name="weather",
        model=MODEL,
        instructions=INSTRUCTIONS,
        tools=[get_weather, get_time],
        limits=limits,
    )
    telemetry = _telemetry() if traced else None
    client = Client(api_key="bench", endpoint=address, pool_size=POOL, telemetry=telemetry)

    async def one_run() -> int:
        turns = 0
        async with agent.stream(PROMPT, client=client) as events:
            async for event in events:
                if isinstance(event, RunFinished):
                    turns = event.result.turns
        return turns

    return one_run, client.close


def _xai_sdk(address: str) -> tuple[Callable[[], Coroutine[Any, Any, int]], Any]:
    from xai_sdk import AsyncClient
    from xai_sdk.chat import system, tool, tool_result, user

    port = address.rsplit(":", 1)[1]
    client = AsyncClient(api_key="bench", api_host=f"localhost:{port}")
    tools = [
        tool(name=name, description=f"{name} for a city.", parameters=CITY_SCHEMA) for name in TOOLS
    ]

    async def one_run() -> int:
        chat = client.chat.create(model=MODEL, tools=tools)
        chat.append(system(INSTRUCTIONS))
        chat.append(user(PROMPT))
        turns = 0
        while True:
            response = None
            async for got, _chunk in chat.stream():
                response = got
            assert response is not None
            turns += 1
            chat.append(response)
            if not response.tool_calls:
                return turns
            for call in response.tool_calls:
                args = json.loads(call.function.arguments)
                result = await TOOLS[call.function.name](**args)
                output = result if isinstance(result, str) else json.dumps(result)
                chat.append(tool_result(output, tool_call_id=call.id))

    return one_run, client.close


def _floor(address: str) -> tuple[Callable[[], Coroutine[Any, Any, int]], Any]:
    from agentrt_protos.xai.api.v1 import chat_pb2_grpc
    from grpc import aio

    from benchmarks.bench_agent import _floor_requests

    options = [("grpc.use_local_subchannel_pool", 1)]
    channels = [aio.insecure_channel(address, options=options) for _ in range(POOL)]
    stubs = [chat_pb2_grpc.ChatStub(c) for c in channels]
    requests = _floor_requests()
    metadata = (("authorization", "Bearer bench"),)
    turn = iter(range(1 << 62))

    async def one_run() -> int:
        for request in requests:
            stub = stubs[next(turn) % POOL]
            async for _chunk in stub.GetCompletionChunk(request, metadata=metadata, timeout=600):
                pass
        return TURNS_PER_RUN

    async def close() -> None:
        for channel in channels:
            await channel.close()

    return one_run, close


def _agentrt_client(address: str) -> tuple[Callable[[], Coroutine[Any, Any, int]], Any]:
    """Diagnostic, not in :data:`CLIENTS`: the floor's requests through agentrt's ``Client``
    (no agent), to split agentrt's cost into client and loop (``run_case("agentrt client", ...)``)."""
    from agentrt.xai.client import Client
    from benchmarks.bench_agent import _floor_requests

    client = Client(api_key="bench", endpoint=address, pool_size=POOL)
    requests = _floor_requests()

    async def one_run() -> int:
        for request in requests:
            async with client.chat.stream(request) as stream:
                async for _ in stream:
                    pass
        return TURNS_PER_RUN

    return one_run, client.close


_MAKERS: dict[str, Callable[[str], Any]] = {
    TRACED: partial(_agentrt, traced=True),
    "agentrt client": _agentrt_client,
    "agentrt": _agentrt,
    "xai-sdk by hand": _xai_sdk,
    "floor": _floor,
}


async def _batch(one_run: Callable[[], Coroutine[Any, Any, int]], runs: int) -> list[float]:
    """``runs`` runs at once; each run's (wall s, turns), flattened as wall per turn pairs."""
    out: list[float] = []

    async def timed() -> None:
        start = time.perf_counter()
        turns = await one_run()
        out.extend((time.perf_counter() - start, float(turns)))

    async with asyncio.TaskGroup() as tg:
        for _ in range(runs):
            tg.create_task(timed())
    return out


async def _peak_rss(peak: list[int], stop: asyncio.Event) -> None:
    while not stop.is_set():
        peak[0] = max(peak[0], _rss())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 0.05)


def run_case(name: str, address: str, runs: int, sim_pid: int) -> dict[str, Any]:
    """In a fresh process: warm up, then ``runs`` concurrent runs of client ``name``, measured."""
    import uvloop

    _raise_fd_limit()

    async def main() -> dict[str, Any]:
        one_run, close = _MAKERS[name](address)
        try:
            await _batch(one_run, WARMUP_RUNS)
            before = _rss()
            peak, stop = [before], asyncio.Event()
            sim0, cpu0, wall0 = _process_cpu(sim_pid), time.process_time(), time.perf_counter()
            async with asyncio.TaskGroup() as tg:
                tg.create_task(_peak_rss(peak, stop))
                try:
                    pairs = await _batch(one_run, runs)
                finally:
                    stop.set()
            wall = time.perf_counter() - wall0
            cpu, sim = time.process_time() - cpu0, _process_cpu(sim_pid) - sim0
        finally:
            await close()
        turns = sum(pairs[1::2])
        return {
            "wall_s": wall,
            "turns": turns,
            "cpu_us_per_turn": cpu / turns * 1e6,
            "sim_cpu_share": sim / wall,
            "rss_bytes_per_run": (peak[0] - before) / runs,
            "run_walls": pairs[0::2],
            "run_turns": pairs[1::2],
        }

    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(main())


def turn_timeline(address: str, pacing: tuple[int, int]) -> float:
    """The simulator's own time for one turn, in seconds: TTFT + ITL x (chunks - 1).

    Chunks are counted on one sequential run of the floor (each turn the same count,
    checked). Uses the first 3 turns of the script.
    """
    import grpc
    from agentrt_protos.xai.api.v1 import chat_pb2_grpc

    from benchmarks.bench_agent import _floor_requests

    with grpc.insecure_channel(address) as channel:
        stub = chat_pb2_grpc.ChatStub(channel)
        counts = {
            sum(
                1 for _ in stub.GetCompletionChunk(r, metadata=(("authorization", "Bearer bench"),))
            )
            for r in _floor_requests()
        }
    assert len(counts) == 1, f"turns differ in chunks: {counts}"
    (chunks,) = counts
    ttft_ms, itl_ms = pacing
    return (ttft_ms + itl_ms * (chunks - 1)) / 1000


def _summary(result: dict[str, Any], timeline: float) -> dict[str, float]:
    added = [
        (wall - turns * timeline) / turns * 1000
        for wall, turns in zip(result["run_walls"], result["run_turns"], strict=True)
    ]
    cuts = statistics.quantiles(added, n=100) if len(added) > 1 else added * 99
    return {
        "cpu_us_per_turn": result["cpu_us_per_turn"],
        "kib_per_run": result["rss_bytes_per_run"] / 1024,
        "turns_per_s": result["turns"] / result["wall_s"],
        "added_ms_p50": cuts[49],
        "added_ms_p99": cuts[98],
        "sim_cpu_share": result["sim_cpu_share"],
    }


def measure(
    sizes: list[int], rounds: int, pacing: tuple[int, int]
) -> tuple[dict[str, dict[str, list[float]]], float]:
    """Per ``"client, N runs"``: each figure's samples over ``rounds``; and the turn timeline."""
    out: dict[str, dict[str, list[float]]] = {}
    ctx = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "script.json"
        script.write_text(json.dumps({"per_conversation": True, "turns": SCRIPT_RUN}))
        flags = ("--ttft-ms", str(pacing[0]), "--itl-ms", str(pacing[1]))
        flags += ("--tokens-per-chunk", str(TOKENS_PER_CHUNK), "--script", str(script))
        with running_sim(*flags) as sim:
            _raise_fd_limit()
            timeline = turn_timeline(sim.address, pacing)
            for r in range(rounds):
                for size in sizes:
                    for name in CLIENTS:
                        with ProcessPoolExecutor(1, mp_context=ctx) as pool:
                            args = (name, sim.address, size, sim.process.pid)
                            got = _summary(pool.submit(run_case, *args).result(), timeline)
                        key = f"{name}, {size:,} runs"
                        for figure, value in got.items():
                            out.setdefault(key, {}).setdefault(figure, []).append(value)
                        print(f"  round {r + 1}/{rounds}  {key:<32} " + _line(got), flush=True)
    return out, timeline


def _line(got: dict[str, float]) -> str:
    return (
        f"{got['cpu_us_per_turn']:,.0f} µs/turn  {got['kib_per_run']:,.1f} KiB/run  "
        f"{got['turns_per_s']:,.0f} turns/s  +{got['added_ms_p50']:,.1f}/"
        f"{got['added_ms_p99']:,.1f} ms  sim {got['sim_cpu_share']:.0%}"
    )


def report(results: dict[str, dict[str, list[float]]], sizes: list[int]) -> dict[str, Any]:
    """Print the table and the goal ratios; return the ratios."""
    print(
        "\n| case | client CPU µs/turn | RSS KiB per in-flight run | turns/s | "
        "added ms/turn p50 | p99 | simulator CPU |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for key, figures in results.items():
        m = {k: median(v) for k, v in figures.items()}
        print(
            f"| {key} | {m['cpu_us_per_turn']:,.0f} | {m['kib_per_run']:,.1f} | "
            f"{m['turns_per_s']:,.0f} | {m['added_ms_p50']:,.1f} | {m['added_ms_p99']:,.1f} | "
            f"{m['sim_cpu_share']:.0%} |"
        )
    ratios: dict[str, Any] = {}
    for size in sizes:

        def cpu(name: str, size: int = size) -> float:
            return median(results[f"{name}, {size:,} runs"]["cpu_us_per_turn"])

        ratios[str(size)] = {
            "vs_xai_sdk": cpu("agentrt") / cpu("xai-sdk by hand"),
            "vs_floor": cpu("agentrt") / cpu("floor"),
            "tracing_cost": cpu(TRACED) / cpu("agentrt") - 1,
        }
        print(
            f"{size:,} runs: agentrt client CPU per turn {ratios[str(size)]['vs_xai_sdk']:.2f}x "
            f"xai-sdk's (goal <= 0.5x), {ratios[str(size)]['vs_floor']:.2f}x the floor's "
            f"(goal <= 1.3x); tracing on costs {ratios[str(size)]['tracing_cost']:+.0%} "
            "client CPU per turn (goal <= +10%)"
        )
    return ratios


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--sizes",
        type=lambda text: [int(n) for n in text.split(",")],
        default=[100, 1000, 5000],
        help="concurrent runs per case, comma-separated",
    )
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="a seconds-long smoke run")
    args = parser.parse_args(argv)
    # --quick: a fast model too (the smoke run checks the machinery, not the figures)
    sizes, rounds = ([10], 1) if args.quick else (args.sizes, args.rounds)
    pacing = (20, 2) if args.quick else (TTFT_MS, ITL_MS)
    results, timeline = measure(sizes, rounds, pacing)
    print(f"\nsimulator timeline per turn: {timeline * 1000:.0f} ms")
    ratios = report(results, sizes)
    write_results(
        "agent_scale",
        {"turn_timeline_s": timeline, "cases": results, "cpu_ratios": ratios},
    )


if __name__ == "__main__":
    main()
