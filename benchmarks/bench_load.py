"""How many streamed chunks/s ``agentrt load`` drives, from one process and with --processes 2.

The server is ``benchmarks/stream_server.py`` in its own process (HTTP/2 frames
encoded once per stream: a fraction of a µs of server CPU per chunk, so it is not
the bottleneck). Each measurement runs the real command,
``agentrt load --concurrency 100 --max-tokens N --duration D --json -``, in a fresh
process, and takes its ``chunks_per_s`` (chunks over the measured wall time;
start-up is excluded) and the event loop's share of a core. For a same-run
baseline, ``bench_stream``'s raw generated-stub worker drives 100 streams too.
Target: >= 80k chunks/s from one process.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from benchmarks.bench_stream import stream_server
from benchmarks.harness import agentrt_cli, interleave, markdown_table, median, write_results

STREAMS = 100
TARGET = 80_000


def _load_case(
    endpoint: str, processes: int, duration: str, tokens: int, cpu: list[float]
) -> Callable[[], float]:
    def run() -> float:
        cmd = [
            *agentrt_cli(), "load", "--no-progress", "--endpoint", endpoint, "--model", "bench",
            "--prompt", "hi", "--concurrency", str(STREAMS), "--duration", duration,
            "--max-tokens", str(tokens), "--processes", str(processes), "--json", "-",
        ]  # fmt: skip
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        report = json.loads(out)
        cpu.append(max(c["loop_core_fraction"] for c in report["cpu"]))
        failed = report["summary"]["failed"]
        if failed:
            raise RuntimeError(f"{failed} requests failed: {report['summary']['errors_by_code']}")
        return float(report["summary"]["chunks_per_s"])

    return run


def _raw_case(endpoint: str, chunks: int) -> Callable[[], float]:
    def run() -> float:
        cmd = [
            sys.executable, "-m", "benchmarks.bench_stream", "--worker", "--client", "raw stub",
            "--loop", "uvloop", "--endpoint", endpoint, "--chunks", str(chunks),
            "--streams", str(STREAMS),
        ]  # fmt: skip
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        return float(json.loads(out.strip().splitlines()[-1])["chunks_per_s"])

    return run


def python_work_per_chunk(chunks: int, repeats: int, rounds: int) -> dict[str, list[float]]:
    """Client CPU µs per chunk over already-parsed chunks (no network): the load layer's own cost.

    ``bare`` iterates the parsed chunks; ``chat.stream`` adds agentrt's chat layer;
    ``load call + record`` is what ``agentrt load`` does per request on top (timestamps,
    metric definitions, histograms).
    """
    import asyncio

    from agentrt_protos.xai.api.v1 import chat_pb2, usage_pb2

    from agentrt.load.plan import LoadPlan
    from agentrt.load.prompts import Corpus
    from agentrt.load.runner import Recorder, make_call
    from agentrt.load.schedule import Ramp
    from agentrt.xai.chat_request import ChatRequest
    from agentrt.xai.client import Client
    from agentrt.xai.messages import user

    delta = chat_pb2.CompletionOutputChunk(delta=chat_pb2.Delta(content="tok "))
    mid = chat_pb2.GetChatCompletionChunk(id="b", model="m", outputs=[delta]).SerializeToString()
    last = chat_pb2.GetChatCompletionChunk(
        id="b", model="m", outputs=[delta], usage=usage_pb2.SamplingUsage(completion_tokens=chunks)
    ).SerializeToString()
    parse = chat_pb2.GetChatCompletionChunk.FromString

    async def fake_stream(*_: object, **__: object) -> Any:
        for _ in range(chunks - 1):
            yield parse(mid)
        yield parse(last)

    async def fake_batches(*_: object, **__: object) -> Any:
        async for message in fake_stream():
            yield (message,)  # as the transport hands over a grpc.aio stream's messages

    client = Client(endpoint="127.0.0.1:1")
    client.transport.stream_batches = fake_batches  # type: ignore[method-assign]
    plan = LoadPlan(
        model="m", corpus=Corpus.from_prompt("hi"), concurrency=Ramp(start=1), requests=1
    )
    call, recorder = make_call(client, plan), Recorder(plan, 0.0, None)
    request = ChatRequest(model="m", messages=(user("hi"),))

    async def bare() -> None:
        async for _ in fake_stream():
            pass

    async def chat_stream() -> None:
        async with client.chat.stream(request) as stream:
            async for _ in stream:
                pass

    async def load_call() -> None:
        recorder.add(0, 0.0, await call(0))

    def timed(fn: Callable[[], Any]) -> Callable[[], float]:
        async def many() -> None:
            for _ in range(repeats):
                await fn()

        def run() -> float:
            start = time.process_time()
            asyncio.run(many())
            return (time.process_time() - start) / repeats / chunks * 1e6

        return run

    cases = {"bare": bare, "chat.stream": chat_stream, "load call + record": load_call}
    return interleave({k: timed(v) for k, v in cases.items()}, rounds, progress=False)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--duration", default="5s", help="measured time of each load run")
    parser.add_argument("--tokens", type=int, default=1000, help="chunks per stream")
    parser.add_argument("--quick", action="store_true", help="a seconds-long smoke run")
    args = parser.parse_args(argv)
    rounds, duration = (1, "1s") if args.quick else (args.rounds, args.duration)
    cpu: dict[str, list[float]] = {}
    with stream_server() as endpoint:
        cases = {
            "raw stub x100 (baseline)": _raw_case(endpoint, 50_000 if args.quick else 200_000),
            "agentrt load x100, 1 process": _load_case(
                endpoint, 1, duration, args.tokens, cpu.setdefault("1", [])
            ),
            "agentrt load x100, --processes 2": _load_case(
                endpoint, 2, duration, args.tokens, cpu.setdefault("2", [])
            ),
        }
        samples = interleave(cases, rounds, warmup=0 if args.quick else 1)
    one = median(samples["agentrt load x100, 1 process"])
    two = median(samples["agentrt load x100, --processes 2"])
    raw = median(samples["raw stub x100 (baseline)"])
    print(markdown_table(samples, unit="chunks/s", baseline="agentrt load x100, 1 process"))
    print(
        f"\nagentrt load, one process: {one:,.0f} chunks/s (target >= {TARGET:,}); "
        f"{one / raw:.2f}x the raw stub; --processes 2: {two / one:.2f}x one process. "
        f"Event loop busy: {median(cpu['1']):.0%} of a core (1 process), "
        f"{median(cpu['2']):.0%} (busiest of 2)."
    )
    work = python_work_per_chunk(1000, 5 if args.quick else 50, 2 if args.quick else rounds)
    print("\nPython work per chunk, no network (µs of CPU per chunk):\n")
    print(markdown_table(work, unit="µs/chunk", baseline="chat.stream"))
    layer = median(work["load call + record"]) - median(work["chat.stream"])
    print(f"\nthe load layer adds {layer:.2f} µs per chunk over chat.stream()")
    write_results(
        "load",
        {
            "unit": "chunks/s",
            "streams": STREAMS,
            "samples": samples,
            "loop_core_fraction": cpu,
            "target_one_process": TARGET,
            "ratio_processes2_over_1": two / one,
            "ratio_load_over_raw": one / raw,
            "python_us_per_chunk": work,
        },
    )


if __name__ == "__main__":
    main()
