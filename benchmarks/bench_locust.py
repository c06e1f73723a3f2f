"""Chunks/s and client CPU per chunk: a Locust worker process vs ``agentrt load`` in one process.

The same work, the same run, the same machine: 100 closed-loop streams of N chunks
against ``benchmarks/stream_server.py`` (its own process), driven by

- ``agentrt load --concurrency 100`` (one process), and
- ``agentrt load --locust --locust-workers 1 -u 100`` (a Locust master and one worker
  process: agentrt's client on the worker's asyncio loop thread, 100 greenlet users
  handing it their requests, each request a Locust request event and an HDR record).

Each case reports the chunks per second its one load process drove and the CPU that
process spent per chunk (``process_cpu_s`` of the report's ``cpu`` figures over the
chunks: every thread of the worker, Locust's own greenlets included, the master not).
The integration's cost is the ratio of the CPU per chunk; the goal is at most 1.10.

On a shared machine those end-to-end figures move by tens of percent from run to run, so
a second measurement isolates the client's own work, without a network: one stream after
another of already-parsed chunks, through ``agentrt load``'s call and recorder on an
asyncio loop, and through the Locust worker's production path
(:meth:`~agentrt.load.locust.session.Session.drive`: the closed loop on the loop thread,
each finished request posted to the gevent hub, recorded there and fired as Locust's
request event into a real Locust environment's statistics), in a process with ``LOCUST_SKIP_MONKEY_PATCH=1`` as a worker
runs. CPU is the whole process's (both threads).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from benchmarks.bench_stream import stream_server
from benchmarks.harness import agentrt_cli, interleave, markdown_table, median, write_results

STREAMS = 100
GOAL = 1.10


def _case(
    endpoint: str, tokens: int, duration: str, locust: bool, cpu: list[float]
) -> Callable[[], float]:
    """One run: chunks/s per load process; appends its CPU µs per chunk to ``cpu``."""

    def run() -> float:
        cmd = [
            *agentrt_cli(), "load", "--no-progress", "--endpoint", endpoint, "--model", "bench",
            "--prompt", "hi", "--concurrency", str(STREAMS), "--duration", duration,
            "--max-tokens", str(tokens), "--json", "-",
            *(["--locust", "--locust-workers", "1"] if locust else []),
        ]  # fmt: skip
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if done.returncode:
            raise RuntimeError(done.stderr[-2000:])
        report = json.loads(done.stdout)
        s = report["summary"]
        if s["failed"]:
            raise RuntimeError(f"{s['failed']} requests failed: {s['errors_by_code']}")
        seconds = sum(c["process_cpu_s"] for c in report["cpu"])
        cpu.append(seconds / s["chunks"] * 1e6)
        return float(s["chunks_per_s"]) / max(1, len(report["cpu"]))

    return run


def _fake_client(chunks: int) -> Any:
    """A client whose streams are ``chunks`` already-parsed chunks (as bench_load's)."""
    from agentrt_protos.xai.api.v1 import chat_pb2, usage_pb2

    from agentrt.xai.client import Client

    delta = chat_pb2.CompletionOutputChunk(delta=chat_pb2.Delta(content="tok "))
    mid = chat_pb2.GetChatCompletionChunk(id="b", model="m", outputs=[delta]).SerializeToString()
    last = chat_pb2.GetChatCompletionChunk(
        id="b", model="m", outputs=[delta], usage=usage_pb2.SamplingUsage(completion_tokens=chunks)
    ).SerializeToString()
    parse = chat_pb2.GetChatCompletionChunk.FromString

    async def fake_batches(*_: object, **__: object) -> Any:
        for _ in range(chunks - 1):
            yield (parse(mid),)
        yield (parse(last),)

    async def connected(*_: object, **__: object) -> None:
        return None

    client = Client(endpoint="127.0.0.1:1")
    client.transport.stream_batches = fake_batches
    client.connect = connected  # type: ignore[method-assign]
    return client


def micro(chunks: int, repeats: int, rounds: int) -> dict[str, list[float]]:
    """CPU µs per chunk of the client's own work, agentrt load vs a Locust worker (no network)."""
    import asyncio

    import gevent
    from locust.env import Environment

    import agentrt.load.locust.session as session_mod
    from agentrt.load.plan import LoadPlan
    from agentrt.load.prompts import Corpus
    from agentrt.load.runner import Recorder, make_call
    from agentrt.load.schedule import Ramp

    plan = LoadPlan(
        model="m", corpus=Corpus.from_prompt("hi"), concurrency=Ramp(start=1), requests=1
    )
    client = _fake_client(chunks)
    call, recorder = make_call(client, plan), Recorder(plan, 0.0, None)
    env = Environment(user_classes=[])
    env.create_local_runner()  # its statistics listen to the request events
    session_mod.client_for = lambda _plan: client  # type: ignore[assignment]
    session = session_mod.Session(plan, env.events, "bench")

    async def load_requests() -> None:
        for _ in range(repeats):
            recorder.add(0, 0.0, await call(0))

    def timed(run: Callable[[], None]) -> Callable[[], float]:
        def once() -> float:
            start = time.process_time()
            run()
            return (time.process_time() - start) / repeats / chunks * 1e6

        return once

    def locust_requests() -> None:
        calls = itertools.count()
        session.drive(lambda: next(calls) >= repeats)
        gevent.sleep(0)  # the last requests' records, posted to the hub

    cases = {
        "agentrt load: call + record": timed(lambda: asyncio.run(load_requests())),
        "Locust worker: Session.drive": timed(locust_requests),
    }
    try:
        return interleave(cases, rounds, progress=False)
    finally:
        session.loop.close()


def _micro_in_worker(chunks: int, repeats: int, rounds: int) -> dict[str, list[float]]:
    """:func:`micro` in a fresh process set up as a Locust worker (stdlib unpatched)."""
    cmd = [sys.executable, "-m", "benchmarks.bench_locust", "--micro", str(chunks)]
    cmd += ["--repeats", str(repeats), "--rounds", str(rounds)]
    env = {**os.environ, "LOCUST_SKIP_MONKEY_PATCH": "1"}
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env).stdout
    result: dict[str, list[float]] = json.loads(out.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", default="5s", help="measured time of each run")
    parser.add_argument("--tokens", default="1000,100", help="chunks per stream (comma list)")
    parser.add_argument("--quick", action="store_true", help="a seconds-long smoke run")
    parser.add_argument("--micro", type=int, metavar="CHUNKS", help=argparse.SUPPRESS)
    parser.add_argument("--repeats", type=int, default=200, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.micro:  # the no-network measurement, in its own (worker-like) process
        print(json.dumps(micro(args.micro, args.repeats, args.rounds)))
        return
    rounds, duration = (1, "1s") if args.quick else (args.rounds, args.duration)
    token_counts = [100] if args.quick else [int(t) for t in args.tokens.split(",")]
    cpu: dict[str, list[float]] = {}
    cases: dict[str, Callable[[], float]] = {}
    with stream_server() as endpoint:
        for tokens in token_counts:
            for name, locust in (("agentrt load", False), ("Locust worker", True)):
                label = f"{name}, {tokens} chunks/stream"
                cases[label] = _case(endpoint, tokens, duration, locust, cpu.setdefault(label, []))
        samples = interleave(cases, rounds, warmup=0)
    print(markdown_table(samples, unit="chunks/s per load process"))
    print("\nclient CPU per chunk (µs, the load process):\n")
    print(markdown_table(cpu, unit="µs/chunk"))
    ratios = {}
    for tokens in token_counts:
        base = median(cpu[f"agentrt load, {tokens} chunks/stream"])
        ratios[tokens] = median(cpu[f"Locust worker, {tokens} chunks/stream"]) / base
        rate = median(samples[f"Locust worker, {tokens} chunks/stream"]) / median(
            samples[f"agentrt load, {tokens} chunks/stream"]
        )
        print(
            f"\n{tokens} chunks/stream: a Locust worker spends {ratios[tokens]:.2f}x the CPU per "
            f"chunk of agentrt load (goal <= {GOAL:.2f}) and drives {rate:.2f}x its chunks/s."
        )
    work: dict[int, dict[str, list[float]]] = {}
    for tokens in token_counts:
        repeats = 20 if args.quick else max(20, 100_000 // tokens)
        work[tokens] = _micro_in_worker(tokens, repeats, 2 if args.quick else 2 * rounds + 1)
        print(f"\nclient work per chunk, no network, {tokens} chunks/stream (µs of CPU):\n")
        print(markdown_table(work[tokens], unit="µs/chunk", baseline="agentrt load: call + record"))
        base = median(work[tokens]["agentrt load: call + record"])
        extra = median(work[tokens]["Locust worker: Session.drive"]) / base
        print(f"\nthe Locust worker's path: {extra:.2f}x agentrt load's CPU per chunk")
    write_results(
        "locust",
        {"unit": "chunks/s", "streams": STREAMS, "samples": samples, "cpu_us_per_chunk": cpu,
         "cpu_ratio_locust_over_load": ratios, "goal": GOAL, "no_network_us_per_chunk": work},
    )  # fmt: skip


if __name__ == "__main__":
    main()
