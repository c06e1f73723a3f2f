"""Session store overhead: what loading a conversation and appending its new turn costs a run.

Each run does what ``agent.run(..., session=...)`` does around its model calls: load its
session (10 turns of history already there) and append one turn of realistic size
(question, a tool call, a ~2 KB tool result, a ~600-byte answer: ~3.5 KB of JSON), with
``expected_turns`` from the load. Cases: SQLite (a file in a temp folder) and Redis (a
``redis-server`` subprocess on loopback, persistence off) with 1 run at a time and 100
runs at once, each run on a session of its own; MemoryStore as the floor. Figures:

- wall µs per turn: a batch's wall time over its runs (the store's cost per turn at
  that concurrency, what a ``serve`` process pays);
- median latency per run (load + append, ms): what one run waits.

Cases are interleaved, a warm-up round discarded, medians reported. Between batches,
untimed, each session is trimmed back to its 10 turns so every round loads the same.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

from agentrt.agents.session import MemoryStore, SessionStore, SessionTurn
from agentrt.sessions.codec import encode_turn
from agentrt.sessions.redis_store import RedisStore
from agentrt.sessions.sqlite import SqliteStore
from agentrt.xai.messages import ToolCall, assistant, tool_result, user
from benchmarks.harness import interleave, markdown_table, median, write_results
from tests.redis_fixtures import running_redis

HISTORY = 10


def realistic_turn(index: int, run: int) -> SessionTurn:
    question = f"Run {run}: plan a day in Lisbon with a museum, lunch by the river and a tram ride."
    call = ToolCall(id=f"call-{run}-{index}", name="find_places", arguments='{"city": "Lisbon"}')
    places = [
        {"name": f"Place {i}", "kind": "museum", "rating": 4.5, "notes": "x" * 40}
        for i in range(20)
    ]
    return SessionTurn(
        index=index,
        input=question,
        messages=(
            user(question),
            assistant(tool_calls=(call,)),
            tool_result(call.id, repr(places)[:2000]),
            assistant(
                "Morning at the Gulbenkian, lunch at the Time Out Market, tram 28 after. " * 8
            ),
        ),
        response_id=f"resp-{uuid.uuid4().hex}",
        created_at=time.time(),
        usage={"prompt_tokens": 1800, "completion_tokens": 240},
    )


async def one_run(store: SessionStore, session_id: str, run: int, latencies: list[float]) -> None:
    started = time.perf_counter()
    turns = await store.load(session_id)
    await store.append(session_id, realistic_turn(len(turns), run), expected_turns=len(turns))
    latencies.append(time.perf_counter() - started)


async def prepare(store: SessionStore, runs: int) -> list[str]:
    ids = [f"bench-{runs}-{n}" for n in range(runs)]
    for session_id in ids:
        await store.delete(session_id)
        for i in range(HISTORY):
            await store.append(session_id, realistic_turn(i, 0), expected_turns=i)
    return ids


async def batch(store: SessionStore, ids: list[str], batches: int, latencies: list[float]) -> float:
    """``batches`` batches of one run per session, all at once; wall µs per turn."""
    spent = 0.0
    for _ in range(batches):
        started = time.perf_counter()
        async with asyncio.TaskGroup() as group:
            for run, session_id in enumerate(ids):
                group.create_task(one_run(store, session_id, run, latencies))
        spent += time.perf_counter() - started
        for session_id in ids:  # untimed: back to HISTORY turns
            await store.trim(session_id, keep_last=HISTORY)
    return spent / (batches * len(ids)) * 1e6


def report(samples: dict[str, list[float]], latencies: dict[str, list[float]]) -> None:
    """Print the two tables and write ``bench-results/sessions.json``."""
    size = len(encode_turn(realistic_turn(0, 0)))
    print(f"\nload ({HISTORY} turns) + append of a {size:,}-byte turn, per run\n")
    print(markdown_table(samples, unit="µs wall per turn", baseline="memory, 1 concurrent"))
    print("\n| case | median latency per run (ms) | p95 |\n| --- | ---: | ---: |")
    for name, values in latencies.items():
        ordered = sorted(values)
        p95 = ordered[int(0.95 * (len(ordered) - 1))] if ordered else 0.0
        print(f"| {name} | {statistics.median(values) * 1e3:.2f} | {p95 * 1e3:.2f} |")
    write_results(
        "sessions",
        {
            "turn_bytes": size,
            "history_turns": HISTORY,
            "us_per_turn": {k: median(v) for k, v in samples.items()},
            "latency_ms_median": {k: statistics.median(v) * 1e3 for k, v in latencies.items()},
            "samples": samples,
        },
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smoke run: figures mean nothing")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    rounds, batches = (1, 1) if args.quick else (args.rounds, 4)
    loop = asyncio.new_event_loop()
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        redis_url, _ = stack.enter_context(running_redis())
        stores: dict[str, SessionStore] = {
            "memory": MemoryStore(),
            "sqlite": SqliteStore(folder / "sessions.db"),
            "redis": RedisStore(redis_url, prefix="bench:"),
        }
        cases: dict[str, Callable[[], float]] = {}
        latencies: dict[str, list[float]] = {}
        for kind, store in stores.items():
            for runs in (1, 100):
                name = f"{kind}, {runs} concurrent"
                ids = loop.run_until_complete(prepare(store, runs))
                latencies[name] = []
                cases[name] = lambda s=store, i=ids, lat=latencies[name]: loop.run_until_complete(
                    batch(s, i, batches, lat)
                )
        samples = interleave(cases, rounds, warmup=0 if args.quick else 1)
        for store in stores.values():
            loop.run_until_complete(store.close())
    loop.close()
    report(samples, latencies)


if __name__ == "__main__":
    main()
