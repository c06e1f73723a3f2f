"""Agent-loop overhead: runs/s of a 3-turn, 2-tool agent, agentrt vs the same loop by hand with xai-sdk.

Both talk to one ``agentrt sim`` in another process at zero latency, replaying a
script: turn 1 calls ``get_weather``, turn 2 calls ``get_time``, turn 3 answers.
In the first table runs are sequential, so a run's time is client work plus
one server round trip per turn; the same-run ratio shows how much less the
client does. The second has 16 runs in flight. The hand-written loop is
xai-sdk's own function-calling example (``chat.sample()``, ``json.loads`` the
arguments, call the tool, ``chat.append(tool_result(...))``), on
``xai_sdk.AsyncClient``.

Each client runs in a process of its own (as each would in production), so
one's imports and threads cost nothing to another: xai-sdk imports
OpenTelemetry's API, and its credentials path runs a thread per call. Every
table is measured twice: with all clients on asyncio's default event loop, then
all on uvloop (what uvicorn, and agentrt's own commands, use when it is installed).

Also reported: the client process's CPU per turn in both cases, the
simulator's CPU per turn while serving each (from ``/proc``; it bounds
every client: sequentially a turn takes client plus server time, and with two
cores the 16-concurrent figure is bounded by their sum), and agentrt's loop CPU
per turn with no network at all (``ScriptedModel`` behind the model seam): the
cost of the loop itself.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import os
import tempfile
import time
from collections.abc import Callable, Coroutine
from contextlib import ExitStack
from functools import partial
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from benchmarks.harness import interleave, markdown_table, median, ratio, write_results
from tests.conftest import running_sim

MODEL = "grok-4-1-fast-reasoning"
PROMPT = "What are the weather and the local time in Paris?"
INSTRUCTIONS = "You are a weather assistant. Use the tools."
TURNS_PER_RUN = 3
SCRIPT_RUN = [
    {"tool_calls": [{"name": "get_weather", "arguments": {"city": "Paris"}}]},
    {"tool_calls": [{"name": "get_time", "arguments": {"city": "Paris"}}]},
    {"text": "It is 21 C and clear in Paris, and the local time is 14:05."},
]


async def get_weather(city: str) -> dict[str, Any]:
    """Get the current weather for a city.

    Args:
        city: The city name.
    """
    return {"city": city, "temp_c": 21, "sky": "clear"}


async def get_time(city: str) -> str:
    """Get the local time in a city.

    Args:
        city: The city name.
    """
    return "14:05"


CITY_SCHEMA = {
    "type": "object",
    "properties": {"city": {"type": "string", "description": "The city name."}},
    "required": ["city"],
    "additionalProperties": False,
}
TOOLS: dict[str, Callable[..., Coroutine[Any, Any, Any]]] = {
    "get_weather": get_weather,
    "get_time": get_time,
}


SECURE = "xai-sdk by hand (credentials)"
INSECURE = "xai-sdk by hand (insecure channel)"
Case = tuple[Callable[[], float], Callable[[], None], list[float], list[float]]
Samples = dict[str, list[float]]


def agentrt_case(address: str, runs: int, concurrency: int, sim_pid: int) -> Case:
    """runs/s of ``Agent.run`` over agentrt's client; also records client and simulator CPU µs per turn."""
    from agentrt.agents.agent import Agent
    from agentrt.agents.limits import Limits
    from agentrt.xai.client import Client

    runner = _runner()
    # Concurrent runs share the script's cursor, so one run may get more identical calls.
    limits = Limits(max_turns=10 * TURNS_PER_RUN, max_identical_tool_calls=None)
    tools = [get_weather, get_time]
    agent = Agent(
        name="weather", model=MODEL, instructions=INSTRUCTIONS, tools=tools, limits=limits
    )
    client = runner.run(_make(lambda: Client(api_key="bench", endpoint=address)))

    async def one_run() -> int:
        return (await agent.run(PROMPT, client=client)).turns

    return _case(runner, one_run, client.close, (runs, concurrency, sim_pid))


def xai_sdk_case(address: str, runs: int, concurrency: int, sim_pid: int, *, secure: bool) -> Case:
    """runs/s of the function-calling loop written by hand on xai-sdk's AsyncClient.

    ``secure``: the SDK's credentials path, the one every api.x.ai user takes (channel
    credentials plus a ``metadata_call_credentials`` plugin that gRPC runs on a thread
    per call; ``localhost:PORT`` makes them local credentials). Otherwise its
    ``use_insecure_channel=True`` path, which sends the key through an interceptor.
    """
    from xai_sdk import AsyncClient
    from xai_sdk.chat import system, tool, tool_result, user

    runner = _runner()
    port = address.rpartition(":")[2]

    def make() -> AsyncClient:
        if secure:
            return AsyncClient(api_key="bench", api_host=f"localhost:{port}")
        return AsyncClient(api_key="bench", api_host=address, use_insecure_channel=True)

    client = runner.run(_make(make))
    tools = [
        tool(
            name="get_weather",
            description="Get the current weather for a city.",
            parameters=CITY_SCHEMA,
        ),
        tool(name="get_time", description="Get the local time in a city.", parameters=CITY_SCHEMA),
    ]

    async def one_run() -> int:
        chat = client.chat.create(model=MODEL, tools=tools)
        chat.append(system(INSTRUCTIONS))
        chat.append(user(PROMPT))
        turns = 0
        while True:
            response = await chat.sample()
            turns += 1
            chat.append(response)
            if not response.tool_calls:
                return turns
            for call in response.tool_calls:
                args = json.loads(call.function.arguments)
                result = await TOOLS[call.function.name](**args)
                output = result if isinstance(result, str) else json.dumps(result)
                chat.append(tool_result(output, tool_call_id=call.id))

    return _case(runner, one_run, client.close, (runs, concurrency, sim_pid))


FLOOR = "floor: generated stub, no agent"


LOOPS = ("asyncio", "uvloop")
_loop = "asyncio"  # the event loop of this process's clients (set in each client process)


def _runner() -> asyncio.Runner:
    """A runner on ``_loop`` (the same kind for every client of a run)."""
    if _loop == "uvloop":
        import uvloop

        return asyncio.Runner(loop_factory=uvloop.new_event_loop)
    return asyncio.Runner()


def _floor_requests() -> list[Any]:
    """The three requests of a run, as agentrt sends them, encoded once beforehand."""
    from agentrt_protos.xai.api.v1 import chat_pb2

    def text(role: int, body: str, **extra: Any) -> Any:
        return chat_pb2.Message(role=role, content=[chat_pb2.Content(text=body)], **extra)

    def called(i: int, name: str) -> Any:
        fn = chat_pb2.FunctionCall(name=name, arguments='{"city": "Paris"}')
        return chat_pb2.Message(
            role=chat_pb2.ROLE_ASSISTANT, tool_calls=[chat_pb2.ToolCall(id=f"c{i}", function=fn)]
        )

    schema = json.dumps(CITY_SCHEMA)
    tools = [
        chat_pb2.Tool(function=chat_pb2.Function(name=n, description=n, parameters=schema))
        for n in TOOLS
    ]
    history = [text(chat_pb2.ROLE_SYSTEM, INSTRUCTIONS), text(chat_pb2.ROLE_USER, PROMPT)]
    requests = []
    for i, (name, result) in enumerate((("get_weather", "21 C"), ("get_time", "14:05"), ("", ""))):
        requests.append(chat_pb2.GetCompletionsRequest(model=MODEL, messages=history, tools=tools))
        if name:
            history = [
                *history,
                called(i, name),
                text(chat_pb2.ROLE_TOOL, result, tool_call_id=f"c{i}"),
            ]
    return requests


def floor_case(address: str, runs: int, concurrency: int, sim_pid: int) -> Case:
    """runs/s of the floor of any Python gRPC client: a run's three requests, encoded
    beforehand, sent with the generated stub on ``grpc.aio``; no tools, no parsing
    beyond gRPC's own. What no client built on grpcio can beat on this machine."""
    from agentrt_protos.xai.api.v1 import chat_pb2_grpc
    from grpc import aio

    runner = _runner()
    channel = runner.run(_make(lambda: aio.insecure_channel(address)))
    stub = chat_pb2_grpc.ChatStub(channel)
    requests = _floor_requests()
    metadata = (("authorization", "Bearer bench"),)

    async def one_run() -> int:
        for request in requests:
            await stub.GetCompletion(request, metadata=metadata, timeout=60)
        return TURNS_PER_RUN

    return _case(runner, one_run, channel.close, (runs, concurrency, sim_pid))


def _case(
    runner: asyncio.Runner,
    one_run: Callable[[], Coroutine[Any, Any, int]],
    aclose: Callable[[], Coroutine[Any, Any, None]],
    shape: tuple[int, int, int],
) -> Case:
    """A case from one run's coroutine: its measurement, its close, its CPU samples.

    ``shape``: runs per sample, runs in flight, the simulator's pid.
    """
    runs, concurrency, sim_pid = shape
    cpu: list[float] = []
    sim_cpu: list[float] = []

    async def batch() -> None:
        await _run_all(one_run, runs, concurrency)

    def close() -> None:
        runner.run(aclose())
        runner.close()

    return _timed(runner, batch, runs, (cpu, sim_cpu, sim_pid)), close, cpu, sim_cpu


async def _run_all(
    one_run: Callable[[], Coroutine[Any, Any, int]], runs: int, concurrency: int
) -> None:
    """``runs`` runs, ``concurrency`` at a time; together they take exactly 3 turns per run."""
    left = iter(range(runs))
    turns = 0

    async def worker() -> None:
        nonlocal turns
        for _ in left:
            n = await one_run()  # not `turns += await ...`: that reads turns before awaiting
            turns += n

    async with asyncio.TaskGroup() as tg:
        for _ in range(concurrency):
            tg.create_task(worker())
    assert turns == runs * TURNS_PER_RUN, (turns, runs)


async def _make(factory: Callable[[], Any]) -> Any:
    return factory()  # clients bind to the running loop they are made on


def _timed(
    runner: asyncio.Runner,
    batch: Callable[[], Coroutine[Any, Any, None]],
    runs: int,
    cpu_of: tuple[list[float], list[float], int],
) -> Callable[[], float]:
    """A measurement of runs/s that also appends client and simulator CPU µs per turn."""
    cpu, sim_cpu, sim_pid = cpu_of
    turns = runs * TURNS_PER_RUN

    def measure() -> float:
        sim = _process_cpu(sim_pid)
        wall, proc = time.perf_counter(), time.process_time()
        runner.run(batch())
        wall, proc = time.perf_counter() - wall, time.process_time() - proc
        cpu.append(proc / turns * 1e6)
        sim_cpu.append((_process_cpu(sim_pid) - sim) / turns * 1e6)
        return runs / wall

    return measure


def _process_cpu(pid: int) -> float:
    """CPU seconds process ``pid``'s threads have used (``/proc``; 0 without it).

    The threads' ``schedstat`` (nanoseconds) when the kernel keeps it, else the
    process's ``stat`` (10 ms ticks: too coarse for short samples).
    """
    total = 0
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{task}/schedstat") as f:
                    total += int(f.read().split()[0])
            except OSError:  # the thread ended meanwhile
                continue
        if total:
            return total / 1e9
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def loop_cpu_case(runs: int, *, streaming: bool) -> Callable[[], float]:
    """CPU µs per turn of agentrt's loop alone: ScriptedModel behind the seam, no network."""
    from agentrt.agents.agent import Agent
    from agentrt.testing import ScriptedModel, call, reply, tool_calls

    agent = Agent(
        name="weather", model=MODEL, instructions=INSTRUCTIONS, tools=[get_weather, get_time]
    )

    def script() -> ScriptedModel:
        turns = []
        for _ in range(runs):
            turns += [
                tool_calls(call("get_weather", {"city": "Paris"})),
                tool_calls(call("get_time", {"city": "Paris"})),
                reply(str(SCRIPT_RUN[2]["text"]), chunk_size=16),
            ]
        return ScriptedModel(*turns)

    async def batch(model: ScriptedModel) -> None:
        for _ in range(runs):
            if streaming:
                async with agent.stream(PROMPT, model=model) as events:
                    async for _event in events:
                        pass
            else:
                await agent.run(PROMPT, model=model)
        model.assert_done()

    def measure() -> float:
        model = script()  # built outside the measurement
        proc = time.process_time()
        asyncio.run(batch(model))
        return (time.process_time() - proc) / (runs * TURNS_PER_RUN) * 1e6

    return measure


_FACTORIES: dict[str, Callable[..., Case]] = {
    "agentrt": agentrt_case,
    SECURE: partial(xai_sdk_case, secure=True),
    INSECURE: partial(xai_sdk_case, secure=False),
    FLOOR: floor_case,
}


def _serve_case(
    pipes: tuple[Connection, Connection], name: str, args: tuple[str, int, int, int], loop: str
) -> None:
    """A client process: build case ``name``, then measure on each request until told to close.

    ``pipes``: requests in, replies out. Replies ``("ok", runs/s, client CPU, simulator
    CPU)`` per measurement, ``("closed",)`` at the end, or ``("error", text)`` once
    anything fails (the traceback goes to stderr).
    """
    global _loop
    _loop = loop
    requests, replies = pipes
    try:
        measure, close, cpu, sim_cpu = _FACTORIES[name](*args)
        try:
            while requests.recv() == "measure":
                replies.send(("ok", measure(), cpu[-1], sim_cpu[-1]))
        finally:
            close()
        replies.send(("closed",))
    except BaseException as exc:
        replies.send(("error", f"{type(exc).__name__}: {exc}"))
        raise


def process_case(name: str, args: tuple[str, int, int, int], loop: str) -> Case:
    """Case ``name`` in a process of its own: each client alone with its imports and threads.

    In one shared process, importing xai-sdk (and OpenTelemetry with it) and the
    threads its credentials path starts would be charged to every case.
    """
    ctx = multiprocessing.get_context("spawn")
    # Two one-way pipes, not one socket pair: a socket closed with a request unread
    # resets, and the reader loses the error reply queued before the reset.
    requests_in, requests_out = ctx.Pipe(duplex=False)
    replies_in, replies_out = ctx.Pipe(duplex=False)
    theirs = (requests_in, replies_out)
    proc = ctx.Process(target=_serve_case, args=(theirs, name, args, loop), daemon=True)
    return remote_case(name, proc, (replies_in, requests_out), theirs)


def remote_case(
    name: str,
    proc: BaseProcess,
    ours: tuple[Connection, Connection],
    theirs: tuple[Connection, Connection],
) -> Case:
    """Start ``proc``, which serves case ``name`` on ``theirs``, the other ends of ``ours``.

    ``ours``: replies in, requests out. A client process that fails or dies makes
    ``measure()`` raise a RuntimeError that names the case, rather than wait on it
    forever. ``close()`` joins it.
    """
    proc.start()
    for end in theirs:  # the process has its own copies; ours left open, it could die unseen
        end.close()
    replies, requests = ours
    cpu: list[float] = []
    sim_cpu: list[float] = []
    failed: list[str] = []

    def ask(command: str) -> Any:
        if failed:
            raise RuntimeError(failed[0])
        with contextlib.suppress(OSError):  # gone already: recv() says so
            requests.send(command)
        try:
            reply = replies.recv()
        except (EOFError, OSError):
            proc.join(timeout=5)
            reply = ("error", f"ended (exit code {proc.exitcode}) without answering")
        if reply[0] == "error":
            failed.append(f"{name}: client process failed: {reply[1]}")
            raise RuntimeError(failed[0])
        return reply

    def measure() -> float:
        _, rate, client, sim = ask("measure")
        cpu.append(client)
        sim_cpu.append(sim)
        return float(rate)

    def close() -> None:
        try:
            if not failed:  # else measure() has said why
                ask("close")
        finally:
            proc.join(timeout=30)
            if proc.is_alive():
                proc.terminate()
                proc.join()
            for end in ours:
                end.close()

    return measure, close, cpu, sim_cpu


def compare(
    address: str, sim_pid: int, shape: tuple[int, int, int, int], loop: str
) -> tuple[Samples, Samples, Samples]:
    """Interleaved runs/s samples of every client, its CPU µs per turn, the simulator's.

    ``shape``: runs per sample, runs in flight, rounds, warm-up rounds.
    """
    runs, concurrency, rounds, warmup = shape
    args = (address, runs, concurrency, sim_pid)
    with ExitStack() as stack:  # closes every client process, even when one failed
        made: dict[str, Case] = {}
        for name in _FACTORIES:
            made[name] = process_case(name, args, loop)
            stack.callback(made[name][1])
        samples = interleave({name: case[0] for name, case in made.items()}, rounds, warmup=warmup)
    cpu = {name: case[2][warmup:] for name, case in made.items()}
    return samples, cpu, {name: case[3][warmup:] for name, case in made.items()}


def _measure(args: argparse.Namespace, rounds: int, runs: int) -> dict[str, Any]:
    """Every table's samples, by label: one at a time and concurrent, on each event loop."""
    warmup, many = 1, 10 * runs  # concurrent samples of ~1 s: shorter ones scatter
    shapes = [("sequential", runs, 1), (f"{args.concurrency} concurrent", many, args.concurrency)]
    # Every run of every case, plus slack.
    needed = len(args.loops) * (rounds + warmup) * len(_FACTORIES) * (runs + many) + 10
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "script.json"
        script.write_text(json.dumps({"turns": SCRIPT_RUN * needed}))
        with running_sim("--script", str(script)) as sim:
            for loop in args.loops:
                for label, n, c in shapes:
                    shape = (n, c, rounds, warmup)
                    results[f"{label}, {loop}"] = compare(sim.address, sim.process.pid, shape, loop)
    return results


def _report(label: str, samples: Samples, cpu: Samples, sim_cpu: Samples) -> dict[str, Any]:
    """Print one label's tables and ratios; return them for the JSON."""
    print(
        f"\nAgent runs/s, {label} (3 turns, 2 tool calls per run on average; "
        "simulator at zero latency):\n"
    )
    print(markdown_table(samples, unit="runs/s", baseline=INSECURE))
    print(f"\nClient process CPU per turn, {label}, network included:\n")
    print(markdown_table(cpu, unit="µs/turn", baseline=INSECURE))
    print(f"\nSimulator process CPU per turn while serving each client, {label}:\n")
    print(markdown_table(sim_cpu, unit="µs/turn", baseline=INSECURE))
    vs_secure, vs_insecure = ratio(samples, "agentrt", SECURE), ratio(samples, "agentrt", INSECURE)
    floor = ratio(samples, FLOOR, SECURE)
    print(
        f"\nagentrt runs/s, {label}: {vs_secure:.2f}x xai-sdk's credentials path, "
        f"{vs_insecure:.2f}x its insecure channel (target >= 2x); the floor client: "
        f"{floor:.2f}x the credentials path, agentrt {ratio(samples, 'agentrt', FLOOR):.2f}x it"
    )
    return {
        "runs_per_s": samples,
        "client_cpu_us_per_turn": cpu,
        "simulator_cpu_us_per_turn": sim_cpu,
        "ratio_vs_credentials": vs_secure,
        "ratio_vs_insecure": vs_insecure,
        "floor_ratio_vs_credentials": floor,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument(
        "--runs", type=int, default=100, help="agent runs per sample, one at a time"
    )
    parser.add_argument("--concurrency", type=int, default=16, help="runs in flight, second table")
    parser.add_argument(
        "--loops",
        type=lambda text: tuple(text.split(",")),
        default=LOOPS,
        help="event loops the clients run on, comma-separated (default: asyncio,uvloop)",
    )
    parser.add_argument("--quick", action="store_true", help="a seconds-long smoke run")
    args = parser.parse_args(argv)
    if unknown := set(args.loops) - set(LOOPS):
        parser.error(f"--loops: unknown {', '.join(sorted(unknown))} (known: {', '.join(LOOPS)})")
    rounds, runs = (2, 10) if args.quick else (args.rounds, args.runs)
    results = _measure(args, rounds, runs)
    loop_cpu = interleave(
        {
            "agentrt loop, run()": loop_cpu_case(runs * 5, streaming=False),
            "agentrt loop, stream()": loop_cpu_case(runs * 5, streaming=True),
        },
        rounds,
        warmup=1,
    )
    out: dict[str, Any] = {"loop_cpu_us_per_turn": loop_cpu}
    for label, (samples, cpu, sim_cpu) in results.items():
        out[label] = _report(label, samples, cpu, sim_cpu)
    print("\nagentrt's loop alone (ScriptedModel, no network), CPU per turn:\n")
    print(markdown_table(loop_cpu, unit="µs/turn"))
    out["loop_cpu_median_us_per_turn"] = median(loop_cpu["agentrt loop, run()"])
    write_results("agent", out)


if __name__ == "__main__":
    main()
