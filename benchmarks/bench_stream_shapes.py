"""One stream against three server shapes, each client in its own process; and the CLI, black box.

Servers (each its own process, started once per run):

- ``project``: ``benchmarks/stream_server.py``, one gRPC message per DATA frame, written
  in batches (the project's own benchmark server);
- ``grpc.aio``: ``benchmarks/aio_stream_server.py``, the generated servicer on a plain
  ``grpc.aio`` server (one message per frame, each written by gRPC);
- ``h2 packed``: ``benchmarks/h2_stream_server.py``, an ``h2``-based server that packs
  the messages end to end into full 16 KiB DATA frames (hundreds per frame).

Clients, one stream of ``--chunks`` chunks, each measurement in a fresh process (so its
CPU, all threads, is its own): ``agentrt`` (``client.chat.stream()``, on asyncio and on
uvloop), ``stub`` (the reference: the generated ``ChatStub`` on a synchronous
``grpc.insecure_channel`` with gRPC's single-threaded-stream option, iterating the
response in the calling thread, no work per chunk) and ``xai-sdk`` (``AsyncClient``,
``chat.stream()``, asyncio). Cases are interleaved, rounds repeated; figures are
medians and same-round ratios agentrt / stub.

Black box: ``agentrt chat --stream`` against ``python -m benchmarks.xai_sdk_chat`` (the
same thing written with xai-sdk), as subprocesses with stdout to /dev/null, against
each server answering ``--answer`` chunks: wall time from spawn to exit, and CPU
(user + system, from ``wait4``).

``python -m benchmarks.bench_stream_shapes [--rounds 5] [--chunks 100000] [--answer 50000]
[--shapes project,grpc.aio,h2] [--quick]``
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from benchmarks.harness import interleave, median, write_results

__all__ = ["CLIENTS", "SHAPES", "main"]

SHAPES = {
    "project": "benchmarks.stream_server",
    "grpc.aio": "benchmarks.aio_stream_server",
    "h2": "benchmarks.h2_stream_server",
}
CLIENTS = ("agentrt / asyncio", "agentrt / uvloop", "stub", "xai-sdk")
CLI = ("agentrt chat --stream", "xai-sdk script")
SINGLE_THREADED_OPTION = "SingleThreadedUnaryStream"


# ---- worker: one stream in this process -------------------------------------------------


async def _agentrt(endpoint: str, n: int) -> int:
    from agentrt.xai.chat_request import ChatRequest
    from agentrt.xai.client import Client
    from agentrt.xai.messages import user

    client = Client(endpoint=endpoint)
    got = 0
    async with client:
        async for _ in client.chat.stream(
            ChatRequest(model="b", messages=(user("go"),), max_tokens=10)
        ):
            pass  # connect and warm up, outside the measured window
        req = ChatRequest(model="b", messages=(user("go"),), max_tokens=n)
        start = _mark()
        async for _ in client.chat.stream(req):
            got += 1
        return _done(start, got)


def _stub(endpoint: str, n: int) -> int:
    import grpc
    from agentrt_protos.xai.api.v1 import chat_pb2, chat_pb2_grpc

    with grpc.insecure_channel(endpoint, options=[(SINGLE_THREADED_OPTION, 1)]) as channel:
        stub = chat_pb2_grpc.ChatStub(channel)
        for _ in stub.GetCompletionChunk(chat_pb2.GetCompletionsRequest(model="b", max_tokens=10)):
            pass
        got = 0
        start = _mark()
        for _ in stub.GetCompletionChunk(chat_pb2.GetCompletionsRequest(model="b", max_tokens=n)):
            got += 1
        return _done(start, got)


async def _xai_sdk(endpoint: str, n: int) -> int:
    from xai_sdk import AsyncClient
    from xai_sdk.chat import user

    client = AsyncClient(api_key="bench", api_host=endpoint, use_insecure_channel=True)
    async for _ in client.chat.create(model="b", messages=[user("go")], max_tokens=10).stream():
        pass
    got = 0
    start = _mark()
    async for _ in client.chat.create(model="b", messages=[user("go")], max_tokens=n).stream():
        got += 1
    return _done(start, got)


_FIGURES: dict[str, float] = {}


def _mark() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _done(start: tuple[float, float], got: int) -> int:
    wall, cpu = time.perf_counter() - start[0], time.process_time() - start[1]
    _FIGURES.update(chunks_per_s=got / wall, cpu_us_per_chunk=cpu / got * 1e6, chunks=got)
    return got


def worker(client: str, endpoint: str, n: int, profile: str | None) -> None:
    """Measure one stream and print its figures as one JSON line."""
    run: Callable[[], Any]
    if client == "stub":
        run = lambda: _stub(endpoint, n)  # noqa: E731
    elif client == "xai-sdk":
        run = lambda: asyncio.run(_xai_sdk(endpoint, n))  # noqa: E731
    else:
        import uvloop

        runner = uvloop.run if client.endswith("uvloop") else asyncio.run
        run = lambda: runner(_agentrt(endpoint, n))  # noqa: E731
    if profile:
        import cProfile

        cProfile.runctx("run()", globals(), {"run": run}, profile)
    else:
        run()
    print(json.dumps(_FIGURES))


# ---- driver -------------------------------------------------------------------------------


@contextmanager
def server(module: str, chunks: int) -> Iterator[str]:
    """Start a benchmark server module in its own process; yield its address."""
    cmd = [sys.executable, "-m", module, "--chunks", str(chunks)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        yield proc.stdout.readline().split()[-1]
    finally:
        proc.terminate()
        proc.wait(10)
        if proc.stdout is not None:
            proc.stdout.close()


BEFORE = " (before)"  # a case run with the agentrt of ``--baseline DIR``
_BASELINE: list[str] = []


def _where(case: str) -> dict[str, Any]:
    """Run a ``(before)`` case with ``--baseline``'s agentrt first on the path."""
    if not case.endswith(BEFORE):
        return {}
    base = _BASELINE[0]
    path = os.pathsep.join([base, os.path.join(base, "generated"), os.getcwd()])
    rest = os.environ.get("PYTHONPATH", "")
    return {"cwd": base, "env": {**os.environ, "PYTHONPATH": path + os.pathsep + rest}}


def _one_stream(endpoint: str, client: str, n: int, cpu: list[float]) -> Callable[[], float]:
    def run() -> float:
        cmd = [sys.executable, "-m", "benchmarks.bench_stream_shapes", "--worker"]
        cmd += [client.removesuffix(BEFORE), "--endpoint", endpoint, "--chunks", str(n)]
        out = subprocess.run(
            cmd, capture_output=True, text=True, check=True, **_where(client)
        ).stdout
        figures = json.loads(out.strip().splitlines()[-1])
        if figures["chunks"] != n:
            raise RuntimeError(f"{client}: {figures['chunks']} chunks, expected {n}")
        cpu.append(figures["cpu_us_per_chunk"])
        return float(figures["chunks_per_s"])

    return run


def _cli(endpoint: str, which: str, cpu: list[float]) -> Callable[[], float]:
    """Wall seconds of one CLI run (its CPU seconds appended to ``cpu``)."""
    cmd = _cli_cmd(endpoint, which.removesuffix(BEFORE))

    def run() -> float:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, **_where(which))
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode:
            raise RuntimeError(f"{which} exited {proc.returncode}")
        cpu.append(usage.ru_utime + usage.ru_stime)
        return wall

    return run


def _check_cli(endpoint: str, answer: int) -> None:
    """Both CLIs print the whole answer (the figures would mean nothing otherwise)."""
    for which in CLI:
        cmd = _cli_cmd(endpoint, which)
        out = subprocess.run(cmd, capture_output=True, check=True).stdout
        if len(out.strip()) != len("tok " * answer) - 1:
            raise RuntimeError(f"{which}: printed {len(out)} bytes for {answer} chunks")


def _cli_cmd(endpoint: str, which: str) -> list[str]:
    if which == CLI[0]:
        return [sys.executable, "-m", "agentrt", "chat", "--endpoint", endpoint, "--stream", "go"]
    return [sys.executable, "-m", "benchmarks.xai_sdk_chat", endpoint, "go"]


def _before(case: str) -> tuple[str, ...]:
    return (case + BEFORE,) if _BASELINE else ()


def run_all(
    shapes: list[str], rounds: int, n: int, answer: int, warmup: int = 1
) -> tuple[
    dict[str, list[float]], dict[str, list[float]], dict[str, list[float]], dict[str, list[float]]
]:
    """Every shape's servers at once, all cases interleaved in one run."""
    cpu: dict[str, list[float]] = {}
    cli_cpu: dict[str, list[float]] = {}
    streams: dict[str, Callable[[], float]] = {}
    clis: dict[str, Callable[[], float]] = {}
    with ExitStack() as stack:
        for shape in shapes:
            endpoint = stack.enter_context(server(SHAPES[shape], answer))
            for client in CLIENTS + _before("agentrt / uvloop"):
                name = f"{shape}: {client}"
                streams[name] = _one_stream(endpoint, client, n, cpu.setdefault(name, []))
            _check_cli(endpoint, answer)
            for which in CLI + _before(CLI[0]):
                name = f"{shape}: {which}"
                clis[name] = _cli(endpoint, which, cli_cpu.setdefault(name, []))
        one = interleave(streams, rounds, warmup=warmup)
        black = interleave(clis, rounds, warmup=warmup)
    return one, cpu, black, cli_cpu


def report(
    shapes: list[str],
    one: dict[str, list[float]],
    cpu: dict[str, list[float]],
    black: dict[str, list[float]],
    cli_cpu: dict[str, list[float]],
) -> dict[str, float]:
    """Print the tables; return the same-round ratios."""
    ratios: dict[str, float] = {}
    print("\n| shape | client | chunks/s (median) | client CPU µs/chunk | vs stub, same round |")
    print("| --- | --- | ---: | ---: | ---: |")
    for shape in shapes:
        stub = one[f"{shape}: stub"]
        for client in CLIENTS + _before("agentrt / uvloop"):
            name = f"{shape}: {client}"
            r = median([a / b for a, b in zip(one[name], stub, strict=True)])
            ratios[name + " / stub"] = r
            print(
                f"| {shape} | {client} | {median(one[name]):,.0f} | "
                f"{median(cpu[name]):.1f} | {r:.2f}x |"
            )
    print("\n| shape | CLI | wall s (median) | CPU s | xai-sdk / it, wall, same round | CPU |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for shape in shapes:
        x = f"{shape}: {CLI[1]}"
        for name in (f"{shape}: {c}" for c in CLI + _before(CLI[0])):
            wall = median([b / c for b, c in zip(black[x], black[name], strict=True)])
            cpus = median([b / c for b, c in zip(cli_cpu[x], cli_cpu[name], strict=True)])
            ratios[f"{name} wall: xai-sdk / it"] = wall
            ratios[f"{name} cpu: xai-sdk / it"] = cpus
            print(
                f"| {shape} | {name.split(': ')[1]} | {median(black[name]):.3f} | "
                f"{median(cli_cpu[name]):.3f} | {wall:.2f}x | {cpus:.2f}x |"
            )
    print("\ngoals: agentrt >= 0.9x the stub on every shape; agentrt chat --stream >= 5x xai-sdk")
    return ratios


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--chunks", type=int, default=100_000, help="chunks of the one stream")
    parser.add_argument("--answer", type=int, default=50_000, help="chunks of the CLI's answer")
    parser.add_argument("--shapes", default=",".join(SHAPES))
    parser.add_argument("--quick", action="store_true", help="a seconds-long smoke run")
    parser.add_argument("--baseline", metavar="DIR", help="also run agentrt from DIR (before)")
    parser.add_argument("--worker", choices=CLIENTS, help=argparse.SUPPRESS)
    parser.add_argument("--endpoint", help=argparse.SUPPRESS)
    parser.add_argument("--profile", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker, args.endpoint, args.chunks, args.profile)
        return
    if args.baseline:
        _BASELINE.append(os.path.abspath(args.baseline))
    shapes = [s for s in args.shapes.split(",") if s]
    if "h2" in shapes and importlib.util.find_spec("h2") is None:
        print("the h2 package is not installed (pip install h2): skipping the h2 shape")
        shapes.remove("h2")
    rounds, n, answer = (1, 2000, 2000) if args.quick else (args.rounds, args.chunks, args.answer)
    if args.quick:  # a smoke run inside the whole quick suite: one shape, no warm-up round
        shapes = shapes[:1]
    one, cpu, black, cli_cpu = run_all(shapes, rounds, n, answer, warmup=0 if args.quick else 1)
    ratios = report(shapes, one, cpu, black, cli_cpu)
    write_results(
        "stream_shapes",
        {
            "chunks": n,
            "answer_chunks": answer,
            "one_stream_chunks_per_s": one,
            "client_cpu_us_per_chunk": cpu,
            "cli_wall_s": black,
            "cli_cpu_s": cli_cpu,
            "ratios": ratios,
        },
    )


if __name__ == "__main__":
    main()
