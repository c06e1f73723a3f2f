"""What telemetry costs: streaming chunks/s and agent runs/s with tracing and metrics on vs off.

Cases, interleaved in one process on one uvloop event loop (same run, same
server, so the ratios compare like with like):

- ``off``: ``Client(telemetry=Telemetry(enabled=False))``;
- ``on``: spans to an ``InMemorySpanExporter`` and metrics to an ``InMemoryMetricReader``
  on injected SDK providers set up as agentrt's ``--trace``/``--metrics`` do (a
  ``BatchSpanProcessor``, exemplars off; ``--processor simple`` and ``--exemplars``
  measure the SDK's other choices), content capture off;
- ``on + content``: the same with content capture on (prompts, answers, tool I/O).

Measured: (1) chunks/s of sequential streams against ``benchmarks/stream_server.py``
(another process, pre-serialized ~4-character chunks); (2) runs/s of a 2-turn,
2-tool agent (``Agent.run``) against ``agentrt sim`` (another process, zero
latency); (3) the Python work per chunk with no network at all (the stream
path over already-parsed chunks, per-call telemetry cost amortised over the
stream); (4) the SDK's own µs per span and per histogram point
(:mod:`benchmarks.tracing_floor`). Target: ``on`` costs at most 5% on the streaming path.

``python -m benchmarks.bench_tracing [--rounds 5] [--quick] [--processor simple] [--exemplars]``
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from benchmarks.bench_stream import stream_server
from benchmarks.harness import interleave, markdown_table, median, write_results
from benchmarks.tracing_floor import floor_cases
from tests.conftest import running_sim

CASES = ("off", "on", "on + content")
MODEL = "grok-4-1-fast-reasoning"
QUESTION = "What are the weather and the time in Paris?"


SETUP = {"processor": "batch", "exemplars": False}
"""How the ``on`` cases' SDK is set up (``--processor``, ``--exemplars``)."""


def telemetries() -> dict[str, Any]:
    """One Telemetry per case; the on cases export to memory (cleared after each measurement).

    Default: agentrt's own setup (:func:`agentrt.telemetry.setup.sdk_tracer_provider`,
    ``sdk_meter_provider``): a ``BatchSpanProcessor`` (spans exported on the SDK's worker
    thread) and no exemplars. ``--processor simple`` exports each span on the caller's
    thread instead; ``--exemplars`` turns the SDK's default trace-based exemplars back on.
    """
    from opentelemetry.sdk.metrics import TraceBasedExemplarFilter
    from opentelemetry.sdk.metrics.export import InMemoryMetricReader
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from agentrt.telemetry.setup import sdk_meter_provider, sdk_tracer_provider
    from agentrt.telemetry.tracing import Telemetry

    out: dict[str, Any] = {"off": (Telemetry(enabled=False), None)}
    for name, capture in (("on", False), ("on + content", True)):
        exporter = InMemorySpanExporter()
        if SETUP["processor"] == "simple":
            tracer_provider = TracerProvider(shutdown_on_exit=False)
            tracer_provider.add_span_processor(SimpleSpanProcessor(exporter))
        else:
            tracer_provider = sdk_tracer_provider(exporter, shutdown_on_exit=False)
        reader = InMemoryMetricReader()
        extra = {"exemplar_filter": TraceBasedExemplarFilter()} if SETUP["exemplars"] else {}
        meter_provider = sdk_meter_provider(reader, shutdown_on_exit=False, **extra)
        telemetry = Telemetry(
            tracer_provider=tracer_provider, meter_provider=meter_provider, capture_content=capture
        )
        out[name] = (telemetry, (exporter, reader, tracer_provider))
    return out


def _clear(sinks: Any) -> None:
    if sinks is not None:
        exporter, reader, tracer_provider = sinks
        tracer_provider.force_flush()  # the batch processor's queue, then drop what it exported
        exporter.clear()
        reader.get_metrics_data()  # collect (and so drop) what was recorded


def _case(
    loop: asyncio.AbstractEventLoop, measure: Callable[[], Awaitable[float]], sinks: Any
) -> Callable[[], float]:
    """One measurement: ``measure()`` run on ``loop``, then the case's exporters cleared."""

    def run() -> float:
        value = float(loop.run_until_complete(measure()))
        _clear(sinks)
        return value

    return run


def stream_cases(
    loop: asyncio.AbstractEventLoop,
    endpoint: str,
    streams: int,
    chunks: int,
    cpu: dict[str, list[float]],
) -> dict[str, Callable[[], float]]:
    """chunks/s of ``streams`` sequential streams of ``chunks`` chunks, per case.

    Each measurement also appends the client process's CPU µs per chunk to
    ``cpu[case]``: steadier than throughput on a shared machine, and what
    telemetry would cost.
    """
    from agentrt.xai.chat_request import ChatRequest
    from agentrt.xai.client import Client
    from agentrt.xai.messages import user

    request = ChatRequest(model="bench", messages=(user("go"),), max_tokens=chunks)
    cases = {}
    for name, (telemetry, sinks) in telemetries().items():
        client = Client(endpoint=endpoint, telemetry=telemetry)

        async def measure(client: Client = client, name: str = name) -> float:
            got = 0
            start, used = time.perf_counter(), time.process_time()
            for _ in range(streams):
                async for _ in client.chat.stream(request):
                    got += 1
            cpu.setdefault(name, []).append((time.process_time() - used) / got * 1e6)
            return got / (time.perf_counter() - start)

        cases[name] = _case(loop, measure, sinks)
    return cases


def agent_cases(
    loop: asyncio.AbstractEventLoop, endpoint: str, runs: int, cpu: dict[str, list[float]]
) -> dict[str, Callable[[], float]]:
    """runs/s of ``runs`` sequential 2-turn, 2-tool agent runs, per case.

    Each measurement also appends the client process's CPU µs per turn to
    ``cpu[case]`` (what tracing costs a turn: steadier than runs/s when shared).
    """
    from agentrt.agents.agent import Agent
    from agentrt.xai.client import Client

    async def get_weather(city: str) -> dict[str, Any]:
        """Get the current weather for a city.

        Args:
            city: The city name.
        """
        return {"city": city, "temp_c": 21}

    async def get_time(city: str) -> str:
        """Get the local time in a city.

        Args:
            city: The city name.
        """
        return "14:05"

    agent = Agent(
        name="weather", model=MODEL, instructions="Answer.", tools=[get_weather, get_time]
    )
    cases = {}
    for name, (telemetry, sinks) in telemetries().items():
        client = Client(endpoint=endpoint, telemetry=telemetry)

        async def measure(client: Client = client, name: str = name) -> float:
            start, used = time.perf_counter(), time.process_time()
            for _ in range(runs):
                result = await agent.run(QUESTION, client=client)
                assert result.turns == 2, result.turns
            cpu.setdefault(name, []).append((time.process_time() - used) / (2 * runs) * 1e6)
            return runs / (time.perf_counter() - start)

        cases[name] = _case(loop, measure, sinks)
    return cases


def work_cases(loop: asyncio.AbstractEventLoop, chunks: int) -> dict[str, Callable[[], float]]:
    """µs of Python work per chunk over already-parsed chunks (no network), per case."""
    from agentrt_protos.xai.api.v1 import chat_pb2

    from agentrt.xai import chat
    from agentrt.xai.chat_proto import request_to_proto
    from agentrt.xai.chat_request import ChatRequest
    from agentrt.xai.config import ClientConfig
    from agentrt.xai.messages import user
    from agentrt.xai.transport import Transport

    raw = chat_pb2.GetChatCompletionChunk(
        id="b",
        model="m",
        outputs=[chat_pb2.CompletionOutputChunk(delta=chat_pb2.Delta(content="tok "))],
    ).SerializeToString()
    parse = chat_pb2.GetChatCompletionChunk.FromString

    class Call:
        """Stands in for a ``grpc.aio`` call: iterated, or read message by message."""

        def __init__(self) -> None:
            self.left = chunks

        def __aiter__(self) -> Any:
            return self.chunks()

        async def chunks(self) -> Any:
            for _ in range(chunks):
                yield parse(raw)

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

    chat._STUB = Stub  # type: ignore[assignment]
    transport = Transport(ClientConfig(endpoint="127.0.0.1:1", stream_threads=0))
    request = request_to_proto(ChatRequest(model="bench", messages=(user("go"),)))
    cases = {}
    for name, (telemetry, sinks) in telemetries().items():

        async def measure(telemetry: Any = telemetry) -> float:
            start = time.perf_counter()
            call = telemetry.chat_call(request, stream=True, endpoint=transport.config.endpoint)
            async for _ in chat._deltas(transport, request, None, [], call):
                pass
            return (time.perf_counter() - start) / chunks * 1e6

        cases[name] = _case(loop, measure, sinks)
    return cases


def _cost(samples: dict[str, list[float]], case: str, *, rate: bool) -> float:
    """Per-round cost of ``case`` relative to ``off`` in percent (median of same-round ratios)."""
    pairs = zip(samples[case], samples["off"], strict=True)
    if rate:
        return median([(off / on - 1) * 100 for on, off in pairs])
    return median([(on / off - 1) * 100 for on, off in pairs])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="a seconds-long smoke run")
    parser.add_argument(
        "--processor",
        choices=("batch", "simple"),
        default="batch",
        help="span processor of the on cases (default batch: agentrt's own setup)",
    )
    parser.add_argument(
        "--exemplars", action="store_true", help="the SDK's default trace-based exemplars on"
    )
    args = parser.parse_args(argv)
    SETUP.update(processor=args.processor, exemplars=args.exemplars)
    import uvloop

    rounds = 1 if args.quick else args.rounds
    streams, chunks, runs = (2, 1000, 20) if args.quick else (5, 20_000, 200)
    loop = uvloop.new_event_loop()
    cpu: dict[str, list[float]] = {}
    try:
        with stream_server() as endpoint:
            stream = interleave(stream_cases(loop, endpoint, streams, chunks, cpu), rounds)
            cpu = {name: cpu[name][-rounds:] for name in stream}  # drop the warm-up
        agent_cpu: dict[str, list[float]] = {}
        with running_sim() as sim:
            agents = interleave(agent_cases(loop, sim.address, runs, agent_cpu), rounds)
        agent_cpu = {name: agent_cpu[name][-rounds:] for name in agents}  # drop the warm-up
        work = interleave(work_cases(loop, 20_000 if args.quick else 100_000), rounds)
        floor = interleave(floor_cases(2_000 if args.quick else 20_000), rounds)
    finally:
        loop.close()
    costs = (
        {f"stream {c}": _cost(stream, c, rate=True) for c in CASES[1:]}
        | {f"stream CPU {c}": _cost(cpu, c, rate=False) for c in CASES[1:]}
        | {f"agent {c}": _cost(agents, c, rate=True) for c in CASES[1:]}
        | {f"agent CPU {c}": _cost(agent_cpu, c, rate=False) for c in CASES[1:]}
        | {f"work {c}": _cost(work, c, rate=False) for c in CASES[1:]}
    )
    print("### Streaming, chunks/s (one stream at a time)\n")
    print(markdown_table(stream, unit="chunks/s", baseline="off"))
    print("\n### Streaming, client CPU µs per chunk (network included)\n")
    print(markdown_table(cpu, unit="µs/chunk", baseline="off"))
    print("\n### Agent runs/s (2 turns, 2 tools, sequential)\n")
    print(markdown_table(agents, unit="runs/s", baseline="off"))
    print("\n### Agent runs, client CPU µs per turn (network included)\n")
    print(markdown_table(agent_cpu, unit="µs/turn", baseline="off"))
    print("\n### Python work per chunk, no network, µs\n")
    print(markdown_table(work, unit="µs/chunk", baseline="off"))
    print(
        "\n### The SDK's own floor, hot loop, µs per span / per point (benchmarks/tracing_floor.py)\n"
    )
    print(markdown_table(floor, unit="µs"))
    print(f"\non cases: {SETUP['processor']} span processor, exemplars {SETUP['exemplars']}")
    print(
        "\ncost vs off (median of same-round ratios, %): "
        + ", ".join(f"{k} {v:+.1f}%" for k, v in costs.items())
    )
    print(
        "target: stream on <= +5% (throughput, and client CPU per chunk); "
        "agent CPU on <= +10% per turn"
    )
    write_results(
        "tracing",
        {
            "stream_chunks_per_s": stream,
            "stream_cpu_us_per_chunk": cpu,
            "agent_runs_per_s": agents,
            "agent_cpu_us_per_turn": agent_cpu,
            "python_us_per_chunk": work,
            "cost_percent": costs,
            "setup": dict(SETUP),
            "sdk_floor_us": floor,
        },
    )


if __name__ == "__main__":
    main()
