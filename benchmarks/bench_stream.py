"""The streaming path: chunks/s on one stream and under concurrency, and Python work per chunk.

Cases (each measurement runs in a fresh client process, against one server
process, ``benchmarks/stream_server.py``, which writes HTTP/2 frames encoded once
per stream and costs a fraction of a µs per chunk, so the clients are measured):

- ``agentrt``: ``async for delta in client.chat.stream(request)`` (deltas assembled
  into a response at the end);
- ``raw stub``: ``async for chunk in ChatStub(channel).GetCompletionChunk(request)``,
  the generated stub with no work per chunk;
- ``xai-sdk``: ``async for response, chunk in chat.stream()`` with xai-sdk's
  ``AsyncClient``;

each on asyncio and on uvloop. Then 1/10/100/1000 concurrent streams (same total
chunks) for agentrt and the raw stub. Last, an in-process measurement that needs
no network: agentrt's per-chunk Python work above a bare async iterator of
already-parsed chunks (the figure the "≤ ~2 µs per chunk" rule is about).

``python -m benchmarks.bench_stream [--rounds 7] [--chunks 200000] [--quick]``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from benchmarks.harness import interleave, markdown_table, median, write_results

CLIENTS = ("agentrt", "agentrt aio-only", "raw stub", "xai-sdk")
LOOPS = ("asyncio", "uvloop")
CONCURRENCY = (1, 10, 100, 1000)


# ---- worker: one measurement in this process -------------------------------------------


async def _agentrt(
    endpoint: str, n: int, streams: int, threads: int | None = None
) -> Callable[[], Any]:
    from agentrt.xai.chat_request import ChatRequest
    from agentrt.xai.client import Client
    from agentrt.xai.messages import user

    pool = max(1, streams // 100)
    extra = {} if threads is None else {"stream_threads": threads}  # None: the default
    client = Client(endpoint=endpoint, pool_size=pool, **extra)

    async def one(count: int) -> int:
        req = ChatRequest(model="bench", messages=(user("go"),), max_tokens=count)
        got = 0
        async for _ in client.chat.stream(req):
            got += 1
        return got

    return one


async def _raw(endpoint: str, n: int, streams: int) -> Callable[[], Any]:
    from agentrt_protos.xai.api.v1 import chat_pb2, chat_pb2_grpc
    from grpc import aio

    channels = [aio.insecure_channel(endpoint) for _ in range(max(1, streams // 100))]
    stubs = [chat_pb2_grpc.ChatStub(c) for c in channels]
    counter = iter(range(10**9))

    async def one(count: int) -> int:
        stub = stubs[next(counter) % len(stubs)]
        req = chat_pb2.GetCompletionsRequest(model="bench", max_tokens=count)
        got = 0
        async for _ in stub.GetCompletionChunk(req):
            got += 1
        return got

    return one


async def _xai_sdk(endpoint: str, n: int, streams: int) -> Callable[[], Any]:
    from xai_sdk import AsyncClient
    from xai_sdk.chat import user

    client = AsyncClient(api_key="bench", api_host=endpoint, use_insecure_channel=True)

    async def one(count: int) -> int:
        chat = client.chat.create(model="bench", messages=[user("go")], max_tokens=count)
        got = 0
        async for _ in chat.stream():
            got += 1
        return got

    return one


async def _agentrt_aio(endpoint: str, n: int, streams: int) -> Callable[[], Any]:
    return await _agentrt(endpoint, n, streams, threads=0)


SETUPS = {
    "agentrt": _agentrt,
    "agentrt aio-only": _agentrt_aio,
    "raw stub": _raw,
    "xai-sdk": _xai_sdk,
}


async def _measure(client: str, endpoint: str, n: int, streams: int) -> dict[str, float]:
    one = await SETUPS[client](endpoint, n, streams)
    await one(10)  # connect and warm up
    per_stream = max(1, n // streams)
    cpu, wall = time.process_time(), time.perf_counter()
    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(one(per_stream)) for _ in range(streams)]
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    total = sum(t.result() for t in tasks)
    return {"chunks_per_s": total / wall, "cpu_us_per_chunk": cpu / total * 1e6}


def worker(args: argparse.Namespace) -> None:
    """Measure one case and print its figures as one JSON line."""
    coro = _measure(args.client, args.endpoint, args.chunks, args.streams)
    if args.loop == "uvloop":
        import uvloop

        result = uvloop.run(coro)
    else:
        result = asyncio.run(coro)
    print(json.dumps(result))


# ---- driver ---------------------------------------------------------------------------


@contextmanager
def stream_server() -> Iterator[str]:
    """Start benchmarks/stream_server.py in its own process; yield its address."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.stream_server"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        yield line.split()[-1]
    finally:
        proc.terminate()
        proc.wait(10)
        if proc.stdout is not None:
            proc.stdout.close()


def _case(endpoint: str, client: str, loop: str, n: int, streams: int, cpu: list[float]):  # type: ignore[no-untyped-def]
    def run() -> float:
        cmd = [sys.executable, "-m", "benchmarks.bench_stream", "--worker", "--client", client]
        cmd += [
            "--loop",
            loop,
            "--endpoint",
            endpoint,
            "--chunks",
            str(n),
            "--streams",
            str(streams),
        ]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        figures = json.loads(out.strip().splitlines()[-1])
        cpu.append(figures["cpu_us_per_chunk"])
        return float(figures["chunks_per_s"])

    return run


def python_work_per_chunk(n: int, rounds: int) -> dict[str, list[float]]:
    """agentrt's per-chunk Python work over already-parsed chunks (no network), in µs."""
    from agentrt_protos.xai.api.v1 import chat_pb2

    from agentrt.xai import chat
    from agentrt.xai.config import ClientConfig
    from agentrt.xai.transport import Transport

    raw = chat_pb2.GetChatCompletionChunk(
        id="b",
        model="m",
        outputs=[chat_pb2.CompletionOutputChunk(delta=chat_pb2.Delta(content="tok "))],
    ).SerializeToString()
    parse = chat_pb2.GetChatCompletionChunk.FromString

    async def chunks() -> Any:  # stands in for grpc.aio's own iterator
        for _ in range(n):
            yield parse(raw)

    class Call:
        """Stands in for a ``grpc.aio`` call: iterated, or read message by message."""

        def __init__(self) -> None:
            self.left = n

        def __aiter__(self) -> Any:
            return chunks()

        async def read(self) -> Any:  # what agentrt's reader calls, then EOF
            from grpc import aio

            if not self.left:
                return aio.EOF
            self.left -= 1
            return parse(raw)

        def cancel(self) -> bool:
            return False

    class Stub:
        def __init__(self, channel: object) -> None:
            self.GetCompletionChunk = lambda request, timeout, metadata: Call()

    async def bare() -> None:
        async for _ in Call():
            pass

    async def agentrt() -> None:
        async for _ in chat._deltas(transport, chat_pb2.GetCompletionsRequest(), None, []):
            pass

    def timed(fn: Callable[[], Any]) -> Callable[[], float]:
        def run() -> float:
            start = time.perf_counter()
            asyncio.run(fn())
            return (time.perf_counter() - start) / n * 1e6

        return run

    chat._STUB = Stub  # type: ignore[assignment]
    transport = Transport(ClientConfig(endpoint="127.0.0.1:1", stream_threads=0))
    return interleave({"bare iterator": timed(bare), "agentrt stream": timed(agentrt)}, rounds)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--chunks", type=int, default=200_000, help="chunks per measurement")
    parser.add_argument("--quick", action="store_true", help="a seconds-long smoke run")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--client", choices=CLIENTS, help=argparse.SUPPRESS)
    parser.add_argument("--loop", choices=LOOPS, default="uvloop", help=argparse.SUPPRESS)
    parser.add_argument("--endpoint", help=argparse.SUPPRESS)
    parser.add_argument("--streams", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args)
        return
    rounds, n = (1, 2000) if args.quick else (args.rounds, args.chunks)
    cpu: dict[str, list[float]] = {}
    with stream_server() as endpoint:
        single = {}
        for loop in LOOPS:
            for client in CLIENTS:
                name = f"{client} / {loop}"
                single[name] = _case(endpoint, client, loop, n, 1, cpu.setdefault(name, []))
        one = interleave(single, rounds)
        conc = {}
        for streams in CONCURRENCY:
            for client in ("agentrt", "agentrt aio-only", "raw stub"):
                name = f"{client} x{streams}"
                total = max(n, streams * 20)
                conc[name] = _case(
                    endpoint, client, "uvloop", total, streams, cpu.setdefault(name, [])
                )
        many = interleave(conc, rounds)
    work = python_work_per_chunk(20_000 if args.quick else 200_000, 3 if args.quick else rounds)
    report(one, many, work, cpu)


def report(
    one: dict[str, list[float]],
    many: dict[str, list[float]],
    work: dict[str, list[float]],
    cpu: dict[str, list[float]],
) -> None:
    """Print the Markdown tables and write the JSON."""
    print("### One stream, chunks/s (client CPU µs per chunk in brackets)\n")
    print(markdown_table(one, unit="chunks/s", baseline="raw stub / uvloop"))
    print(
        "\nclient CPU µs/chunk (median): "
        + ", ".join(f"{k} {median(v):.1f}" for k, v in cpu.items() if k in one)
    )
    ratios: dict[str, float] = {}
    for loop in LOOPS:
        rounds = zip(
            one[f"agentrt / {loop}"],
            one[f"raw stub / {loop}"],
            one[f"xai-sdk / {loop}"],
            strict=True,
        )
        vs_raw, vs_sdk = [], []
        for a, r, x in rounds:
            vs_raw.append(a / r)
            vs_sdk.append(a / x)
        ratios[f"agentrt/raw stub ({loop})"] = median(vs_raw)
        ratios[f"agentrt/xai-sdk ({loop})"] = median(vs_sdk)
    uv = [u / a for u, a in zip(one["agentrt / uvloop"], one["agentrt / asyncio"], strict=True)]
    ratios["agentrt uvloop/asyncio"] = median(uv)
    print("\nsame-round ratios (median): " + ", ".join(f"{k} {v:.2f}x" for k, v in ratios.items()))
    print("targets: agentrt >= 1.0x raw stub, >= 3x xai-sdk\n")
    print("### Concurrent streams on uvloop, total chunks/s\n")
    print(markdown_table(many, unit="chunks/s"))
    print("\n### Python work per chunk above a bare iterator (no network), µs\n")
    print(markdown_table(work, unit="µs/chunk", baseline="bare iterator"))
    extra = median(work["agentrt stream"]) - median(work["bare iterator"])
    print(f"\nagentrt adds {extra:.2f} µs of Python work per chunk (rule: <= ~2 µs)")
    write_results(
        "stream",
        {
            "unit": "chunks/s",
            "single_stream": one,
            "concurrent": many,
            "client_cpu_us_per_chunk": cpu,
            "python_us_per_chunk": work,
            "ratios": ratios,
            "extra_python_us_per_chunk": extra,
        },
    )


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
