"""agentrt over gRPC vs agentrt over REST vs the official ``openai`` SDK, against the simulator.

One ``agentrt sim --http-port 0`` in its own process serves both doors, at zero latency,
so what is measured is each client's own cost. Two tables, cases interleaved in one run:

1. One stream: chunks/s of a single long streamed answer (``--output-tokens``, one
   token per chunk) and the client's CPU per chunk (this process's CPU time over the
   chunks received). agentrt over gRPC (``Client``), agentrt over REST
   (``Client(protocol="rest")``, /v1/chat/completions, SSE), and
   ``openai.AsyncOpenAI(...).chat.completions.create(stream=True)``.
2. The 3-turn agent loop of ``bench_agent`` (turn 1 calls ``get_weather``, turn 2
   ``get_time``, turn 3 answers; a script the simulator replays): runs/s of ``Agent.run``
   over gRPC, over REST, and the same loop written by hand on the openai SDK (the
   function-calling example of its docs: ``chat.completions.create``, ``json.loads`` the
   arguments, call the tool, append a ``tool`` message), sequential and 16 at a time.

3. ``agentrt load`` in one process (its own), 50 closed-loop workers streaming
   1,000-token answers: SSE events/s over ``--protocol openai`` (``--api chat`` and
   ``--api responses``) and chunks/s over gRPC, against the same simulator.

Every client of tables 1 and 2 runs in this process on its own event loop (asyncio); the
simulator's CPU is not charged to them. Goal (issue 19): agentrt's REST transport >= 1.5x
the openai SDK on tables 1 and 2; one load process >= 50k SSE events/s in table 3.

Against the simulator's gRPC door a stream is bounded by the simulator itself (grpc.aio
sends each chunk as its own message; its REST door writes an answer's events at once), so
the gRPC figures of table 1 measure the server more than agentrt: see bench_stream for the
gRPC client against a server built to keep up.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from benchmarks.bench_agent import (
    CITY_SCHEMA,
    INSTRUCTIONS,
    MODEL,
    PROMPT,
    SCRIPT_RUN,
    TOOLS,
    TURNS_PER_RUN,
    get_time,
    get_weather,
)
from benchmarks.harness import interleave, machine, markdown_table, ratio, write_results
from tests.conftest import running_sim

GRPC, REST, OPENAI = "agentrt, gRPC", "agentrt, REST", "openai SDK"
STREAM_PROMPT = "Tell me a long story about the sea."
Measure = Callable[[], float]


class _Clients:
    """One event loop per case and the client made on it; closed together."""

    def __init__(self, address: str, rest_url: str) -> None:
        from openai import AsyncOpenAI

        from agentrt.xai.client import Client

        self.runners = {name: asyncio.Runner() for name in (GRPC, REST, OPENAI)}
        self.clients: dict[str, Any] = {
            GRPC: self._make(GRPC, lambda: Client(api_key="bench", endpoint=address)),
            REST: self._make(
                REST, lambda: Client(api_key="bench", endpoint=rest_url, protocol="rest")
            ),
            OPENAI: self._make(
                OPENAI, lambda: AsyncOpenAI(api_key="bench", base_url=rest_url, max_retries=0)
            ),
        }

    def _make(self, name: str, factory: Callable[[], Any]) -> Any:
        async def make() -> Any:
            return factory()  # clients bind to the loop they are made on

        return self.runners[name].run(make())

    def run(self, name: str, work: Coroutine[Any, Any, Any]) -> Any:
        return self.runners[name].run(work)

    def close(self) -> None:
        for name, runner in self.runners.items():
            client = self.clients[name]
            runner.run(client.close())
            runner.close()


def stream_cases(
    clients: _Clients, tokens: int
) -> tuple[dict[str, Measure], dict[str, list[float]]]:
    """chunks/s of one stream per case; CPU µs per chunk appended to the second dict."""
    from agentrt.xai.chat_request import ChatRequest
    from agentrt.xai.messages import user

    request = ChatRequest(model=MODEL, messages=(user(STREAM_PROMPT),))
    cpu: dict[str, list[float]] = {name: [] for name in clients.runners}

    async def agentrt_stream(name: str) -> int:
        chunks = 0
        async with clients.clients[name].chat.stream(request, timeout=120) as stream:
            async for _ in stream:
                chunks += 1
        return chunks

    async def openai_stream() -> int:
        chunks = 0
        stream = await clients.clients[OPENAI].chat.completions.create(
            model=MODEL,
            messages=[{"role": "user", "content": STREAM_PROMPT}],
            stream=True,
        )
        async for _ in stream:
            chunks += 1
        return chunks

    def timed(name: str, work: Callable[[], Coroutine[Any, Any, int]]) -> Measure:
        def measure() -> float:
            wall, proc = time.perf_counter(), time.process_time()
            chunks = clients.run(name, work())
            wall, proc = time.perf_counter() - wall, time.process_time() - proc
            assert chunks >= tokens, (name, chunks)
            cpu[name].append(proc / chunks * 1e6)
            return chunks / wall

        return measure

    return {
        GRPC: timed(GRPC, lambda: agentrt_stream(GRPC)),
        REST: timed(REST, lambda: agentrt_stream(REST)),
        OPENAI: timed(OPENAI, openai_stream),
    }, cpu


def agent_cases(clients: _Clients, runs: int, concurrency: int) -> dict[str, Measure]:
    """runs/s of ``runs`` 3-turn agent runs, ``concurrency`` at a time, per case."""
    from agentrt.agents.agent import Agent
    from agentrt.agents.limits import Limits

    limits = Limits(max_turns=10 * TURNS_PER_RUN, max_identical_tool_calls=None)
    agent = Agent(
        name="weather",
        model=MODEL,
        instructions=INSTRUCTIONS,
        tools=[get_weather, get_time],
        limits=limits,
    )

    def agentrt_run(name: str) -> Callable[[], Coroutine[Any, Any, int]]:
        async def one() -> int:
            return (await agent.run(PROMPT, client=clients.clients[name])).turns

        return one

    return {
        GRPC: _timed(clients, GRPC, agentrt_run(GRPC), runs, concurrency),
        REST: _timed(clients, REST, agentrt_run(REST), runs, concurrency),
        OPENAI: _timed(clients, OPENAI, _openai_run(clients.clients[OPENAI]), runs, concurrency),
    }


def _openai_run(client: Any) -> Callable[[], Coroutine[Any, Any, int]]:
    """The function-calling loop of the openai SDK's docs, by hand."""
    tools = [
        {
            "type": "function",
            "function": {"name": name, "description": doc, "parameters": CITY_SCHEMA},
        }
        for name, doc in (
            ("get_weather", "Get the current weather for a city."),
            ("get_time", "Get the local time in a city."),
        )
    ]

    async def one() -> int:
        messages: list[Any] = [
            {"role": "system", "content": INSTRUCTIONS},
            {"role": "user", "content": PROMPT},
        ]
        turns = 0
        while True:
            response = await client.chat.completions.create(
                model=MODEL, messages=messages, tools=tools
            )
            turns += 1
            message = response.choices[0].message
            messages.append(message)
            if not message.tool_calls:
                return turns
            for call in message.tool_calls:
                args = json.loads(call.function.arguments)
                result = await TOOLS[call.function.name](**args)
                output = result if isinstance(result, str) else json.dumps(result)
                messages.append({"role": "tool", "tool_call_id": call.id, "content": output})

    return one


def _timed(
    clients: _Clients,
    name: str,
    one: Callable[[], Coroutine[Any, Any, int]],
    runs: int,
    concurrency: int,
) -> Measure:
    async def batch() -> None:
        left = iter(range(runs))
        turns = 0

        async def worker() -> None:
            nonlocal turns
            for _ in left:
                n = await one()
                turns += n

        async with asyncio.TaskGroup() as tg:
            for _ in range(concurrency):
                tg.create_task(worker())
        assert turns == runs * TURNS_PER_RUN, (name, turns, runs)

    def measure() -> float:
        wall = time.perf_counter()
        clients.run(name, batch())
        return runs / (time.perf_counter() - wall)

    return measure


def load_cases(address: str, rest_url: str, seconds: int) -> dict[str, Measure]:
    """chunks/s that one ``agentrt load`` process reports, per protocol."""
    agentrt = str(Path(sys.executable).parent / "agentrt")
    common = ("--model", MODEL, "--prompt", "hi", "--concurrency", "50", "--warmup", "50")

    def run(*args: str) -> Measure:
        def measure() -> float:
            out = subprocess.run(
                [agentrt, "load", "--no-progress", *common, "--duration", f"{seconds}s", *args,
                 "--json", "-"],
                capture_output=True, text=True, check=True, timeout=seconds + 60,
            )  # fmt: skip
            report = json.loads(out.stdout)
            assert report["summary"]["failed"] == 0, report["summary"]
            return float(report["summary"]["chunks"]) / float(report["wall_s"])

        return measure

    return {
        "load, REST chat": run("--endpoint", rest_url),
        "load, REST responses": run("--endpoint", rest_url, "--api", "responses"),
        "load, gRPC": run("--endpoint", address),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--tokens", type=int, default=50_000, help="chunks in the one stream")
    parser.add_argument("--runs", type=int, default=100, help="agent runs per sample")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--quick", action="store_true", help="a seconds-long smoke run")
    args = parser.parse_args(argv)
    rounds, tokens, runs = (1, 2_000, 10) if args.quick else (args.rounds, args.tokens, args.runs)
    out: dict[str, Any] = {"machine": machine()}
    with running_sim("--http-port", "0", "--output-tokens", str(tokens)) as sim:
        assert sim.rest_url is not None
        clients = _Clients(sim.address, sim.rest_url)
        try:
            measures, cpu = stream_cases(clients, tokens)
            samples = interleave(measures, rounds)
        finally:
            clients.close()
    out["stream_chunks_per_s"], out["stream_cpu_us_per_chunk"] = samples, cpu
    print(f"\nOne stream of {tokens:,} chunks (chunks/s):\n")
    print(markdown_table(samples, unit="chunks/s", baseline=OPENAI))
    print("\nClient CPU per chunk:\n")
    print(markdown_table({k: v[1:] for k, v in cpu.items()}, unit="µs/chunk", baseline=OPENAI))
    print(f"\nagentrt REST / openai SDK: {ratio(samples, REST, OPENAI):.2f}x (goal >= 1.5x)")
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "script.json"
        needed = 3 * (rounds + 1) * (runs + runs * 4) + 10
        script.write_text(json.dumps({"turns": SCRIPT_RUN * needed}))
        with running_sim("--http-port", "0", "--script", str(script)) as sim:
            assert sim.rest_url is not None
            clients = _Clients(sim.address, sim.rest_url)
            try:
                for label, n, c in (
                    ("sequential", runs, 1),
                    (f"{args.concurrency} at a time", runs * 4, args.concurrency),
                ):
                    samples = interleave(agent_cases(clients, n, c), rounds)
                    out[f"agent_runs_per_s, {label}"] = samples
                    print(f"\n3-turn agent runs/s, {label}:\n")
                    print(markdown_table(samples, unit="runs/s", baseline=OPENAI))
                    print(
                        f"\nagentrt REST / openai SDK: {ratio(samples, REST, OPENAI):.2f}x, "
                        f"gRPC / REST {ratio(samples, GRPC, REST):.2f}x"
                    )
            finally:
                clients.close()
    with running_sim("--http-port", "0", "--output-tokens", "1000") as sim:
        assert sim.rest_url is not None
        samples = interleave(load_cases(sim.address, sim.rest_url, 2 if args.quick else 8), rounds)
    out["load_chunks_per_s"] = samples
    print("\nagentrt load, one process, 50 streams of 1,000 chunks (chunks/s):\n")
    print(markdown_table(samples, unit="chunks/s", baseline="load, gRPC"))
    write_results("rest", out)


if __name__ == "__main__":
    main()
