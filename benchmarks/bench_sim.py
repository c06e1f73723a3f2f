"""Simulator throughput: chunks/s ``agentrt sim`` pushes to 1 and to 100 concurrent streams.

The server runs in its own process pinned to one core (``os.sched_setaffinity``);
the client (this process, raw ``grpc.aio`` on uvloop, chunks left unparsed) is
pinned to the other core. Two figures per case:

* delivered chunks/s, what the client received (bounded by the client too);
* chunks per server CPU-second: chunks delivered over the CPU time the server
  process used meanwhile (from /proc), i.e. what the server could push with
  one core to itself. This is the simulator's own cost.

Baseline, from the same run: a straightforward ``grpc.aio`` servicer that builds
and serializes a ``GetChatCompletionChunk`` message per chunk (what the
simulator would cost without pre-serialized chunks). Every stream is one token
per chunk, zero latency.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

from benchmarks.harness import interleave, markdown_table, median, write_results

SERVER_CORE, CLIENT_CORE = 0, 1
TICKS = os.sysconf("SC_CLK_TCK")


def _sim_command() -> list[str]:
    script = Path(sys.executable).parent / "agentrt"
    return [str(script), "sim"] if script.exists() else [sys.executable, "-m", "agentrt", "sim"]


def _pin_server() -> None:
    if len(os.sched_getaffinity(0)) > 1:
        os.sched_setaffinity(0, {SERVER_CORE})


@contextlib.contextmanager
def _server(command: list[str]) -> Iterator[tuple[str, int]]:
    """Start a server process, yield (address, pid), stop it."""
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, preexec_fn=_pin_server)
    assert proc.stdout is not None
    match = re.fullmatch(r"listening on (\S+)\n", proc.stdout.readline())
    if match is None:
        proc.kill()
        raise RuntimeError(f"{command} did not start")
    try:
        yield match.group(1), proc.pid
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        proc.stdout.close()


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def _request_bytes() -> bytes:
    from agentrt_protos.xai.api.v1 import chat_pb2

    message = chat_pb2.Message(role=chat_pb2.ROLE_USER, content=[chat_pb2.Content(text="go")])
    return chat_pb2.GetCompletionsRequest(model="grok-3", messages=[message]).SerializeToString()


async def _measure(address: str, pid: int, streams: int, tokens: int) -> tuple[float, float]:
    """(chunks/s delivered, chunks per server CPU-second) for ``streams`` concurrent streams."""
    import grpc

    payload = _request_bytes()
    metadata = (("x-sim-output-tokens", str(tokens)),)
    async with grpc.aio.insecure_channel(address) as channel:
        method = channel.unary_stream(
            "/xai_api.Chat/GetCompletionChunk",
            request_serializer=lambda b: b,
            response_deserializer=None,
        )
        await channel.channel_ready()

        async def one() -> int:
            n = 0
            async for _ in method(payload, metadata=metadata, timeout=120):
                n += 1
            return n

        cpu0, t0 = _cpu_seconds(pid), time.perf_counter()
        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(one()) for _ in range(streams)]
        elapsed, cpu = time.perf_counter() - t0, _cpu_seconds(pid) - cpu0
    chunks = sum(t.result() for t in tasks)
    return chunks / elapsed, chunks / max(cpu, 1.0 / TICKS)


async def _naive_stream(request: object, context: object) -> AsyncIterator[object]:
    """A plain servicer: one message built and serialized per chunk."""
    from agentrt_protos.xai.api.v1 import chat_pb2

    metadata = dict(context.invocation_metadata())  # type: ignore[attr-defined]
    tokens = int(metadata.get("x-sim-output-tokens", "100"))
    for i in range(tokens):
        chunk = chat_pb2.GetChatCompletionChunk(
            id="resp-1", model="grok-3", system_fingerprint="fp"
        )
        chunk.created.seconds = 1_735_689_600
        delta = chat_pb2.Delta(content=f" w{i % 50}", role=chat_pb2.ROLE_ASSISTANT)
        chunk.outputs.append(chat_pb2.CompletionOutputChunk(delta=delta, index=0))
        yield chunk


async def _naive_server() -> None:
    import grpc
    from agentrt_protos.xai.api.v1 import chat_pb2

    server = grpc.aio.server()
    handler = grpc.unary_stream_rpc_method_handler(
        _naive_stream,
        request_deserializer=chat_pb2.GetCompletionsRequest.FromString,
        response_serializer=chat_pb2.GetChatCompletionChunk.SerializeToString,
    )
    server.add_generic_rpc_handlers(
        [grpc.method_handlers_generic_handler("xai_api.Chat", {"GetCompletionChunk": handler})]
    )
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    print(f"listening on 127.0.0.1:{port}", flush=True)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    await server.stop(1)


def _case(
    loop: asyncio.AbstractEventLoop,
    address: str,
    pid: int,
    streams: int,
    tokens: int,
    cpu: list[float],
) -> Callable[[], float]:
    def run() -> float:
        delivered, per_cpu = loop.run_until_complete(_measure(address, pid, streams, tokens))
        cpu.append(per_cpu)
        return delivered

    return run


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="a seconds-long smoke run")
    parser.add_argument("--naive-server", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.naive_server:
        from agentrt.launch.eventloop import run

        run(_naive_server())
        return
    rounds, scale = (1, 10) if args.quick else (args.rounds, 1)
    if len(os.sched_getaffinity(0)) > 1:
        os.sched_setaffinity(0, {CLIENT_CORE})
    import uvloop

    loop = uvloop.new_event_loop()
    naive = [sys.executable, "-m", "benchmarks.bench_sim", "--naive-server"]
    cpu: dict[str, list[float]] = {}
    with _server(_sim_command()) as (sim_addr, sim_pid), _server(naive) as (naive_addr, naive_pid):
        cases = {}
        for label, addr, pid in (("sim", sim_addr, sim_pid), ("naive", naive_addr, naive_pid)):
            for streams, tokens in ((1, 20_000 // scale), (100, 500 // scale)):
                name = f"{label}, {streams} stream{'s' if streams > 1 else ''}"
                cpu[name] = []
                cases[name] = _case(loop, addr, pid, streams, tokens, cpu[name])
        samples = interleave(cases, rounds, warmup=1)
    loop.close()
    cpu = {name: values[1:] for name, values in cpu.items()}  # drop the warm-up round
    print("\nDelivered chunks/s (client on the other core):\n")
    print(markdown_table(samples, unit="chunks/s", baseline="naive, 1 stream"))
    print("\nChunks per server CPU-second (the server's own capacity on one core):\n")
    print(markdown_table(cpu, unit="chunks/cpu-s", baseline="naive, 1 stream"))
    for which in ("1 stream", "100 streams"):
        gain = median(cpu[f"sim, {which}"]) / median(cpu[f"naive, {which}"])
        print(f"\nsim / naive server CPU efficiency, {which}: {gain:.2f}x")
    write_results("sim", {"unit": "chunks/s", "samples": samples, "per_server_cpu_second": cpu})


if __name__ == "__main__":
    main()
