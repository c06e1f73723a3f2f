"""``--processes P``: spread the load over P worker processes, merge what they measured.

Each worker process runs its share of the plan (:meth:`LoadPlan.split`: workers,
rate, requests and warm-up divided, its own arrival seed) on its own event
loop. All of them warm up, report ready, and start the measured run together
on one signal. They send progress counts while they run and, at the end, their
histograms in HdrHistogram's encoding (merged here without losing precision),
their per-request records and their CPU figures.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import queue as queue_mod
import threading
import time
from collections.abc import Iterator
from typing import Any

from agentrt.errors import AgentrtError, UsageError
from agentrt.load.metrics import Metrics
from agentrt.load.plan import LoadPlan
from agentrt.load.progress import LiveStats
from agentrt.load.records import RequestRecord
from agentrt.load.runner import LoadResult

__all__ = ["WorkerFailed", "merge_results", "run_processes"]


class WorkerFailed(AgentrtError):
    """A worker process failed; the message is its error."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def _exit_with_parent() -> None:
    """End this worker process once its parent is gone (killed, say), so no load outlives it."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        parent.join()  # waits on the parent's sentinel: ready when the parent has exited
        os._exit(1)


def _child(plan: LoadPlan, index: int, q: Any, go: Any, halt: Any, loop: str) -> None:
    import signal

    from agentrt.launch.eventloop import run
    from agentrt.load.runner import run_load

    # Ctrl-C reaches the whole process group: the parent decides, and tells us via ``halt``.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, daemon=True).start()

    live = LiveStats()
    sent = [0, 0, 0]

    def tick() -> None:
        done, errors = live.completed - sent[0], live.errors - sent[1]
        dropped = live.dropped - sent[2]
        sent[:] = live.completed, live.errors, live.dropped
        ttfts = list(live.ttfts)[-min(done, 64) :] if done else []
        q.put(("tick", index, done, errors, ttfts, dropped))

    async def ready() -> None:
        q.put(("ready", index))
        await asyncio.to_thread(go.wait)

    try:
        main = run_load(plan, live=live, tick=tick, ready=ready, should_stop=halt.is_set)
        result = run(main, loop=loop)  # type: ignore[arg-type]
        q.put(("done", index, result.to_wire()))
    except AgentrtError as exc:
        q.put(("error", index, str(exc), exc.exit_code))
    except BaseException as exc:
        q.put(("error", index, f"{type(exc).__name__}: {exc}", 1))


def merge_results(results: list[LoadResult]) -> LoadResult:
    """One result from the results of several processes (histograms merged losslessly)."""
    first = min(r.started_unix for r in results)
    end = max(r.started_unix + r.wall for r in results)
    metrics = Metrics()
    records: list[RequestRecord] = []
    for r in results:
        shift = r.started_unix - first
        metrics.merge(r.metrics, shift)
        records += [
            RequestRecord.from_dict({**rec.as_dict(), "start": rec.start + shift})
            for rec in r.records
        ]
    records.sort(key=lambda rec: rec.start)
    records = [
        RequestRecord.from_dict({**rec.as_dict(), "index": i}) for i, rec in enumerate(records)
    ]
    return LoadResult(
        metrics=metrics,
        records=records,
        wall=end - first,
        started_unix=first,
        cpu=[c for r in results for c in r.cpu],
        warnings=list(dict.fromkeys(w for r in results for w in r.warnings)),
    )


def _get(q: Any, timeout: float) -> Any:
    try:
        return q.get(timeout=timeout)
    except queue_mod.Empty:
        return None


async def run_processes(
    plan: LoadPlan,
    processes: int,
    *,
    live: LiveStats | None = None,
    refresh: Any = None,
    loop: str = "auto",
    should_stop: Any = None,
) -> LoadResult:
    """Run ``plan`` split over ``processes`` worker processes and merge the results.

    Args:
        plan: the whole load test.
        processes: how many worker processes.
        live: counters for the live display, fed from the workers' progress.
        refresh: called a few times a second (redraw the display).
        loop: the workers' event loop (``auto``, ``uvloop`` or ``asyncio``).
        should_stop: polled a few times a second; once True, every worker stops
            starting requests (as :func:`~agentrt.load.runner.run_load` does).

    Raises:
        UsageError: fewer workers than processes.
        WorkerFailed: a worker process failed or died.
    """
    if plan.concurrency is not None and plan.concurrency.peak(plan.duration) < processes:
        raise UsageError("--processes must not exceed --concurrency (each process needs a worker)")
    cap = plan.in_flight_cap
    if cap is not None and cap < processes:
        raise UsageError(
            "--processes must not exceed --max-in-flight (each process needs one request in flight)"
        )
    ctx = multiprocessing.get_context("spawn")
    q, go, halt = ctx.Queue(), ctx.Event(), ctx.Event()

    def poll() -> None:
        if refresh is not None:
            refresh()
        if should_stop is not None and should_stop():
            halt.set()

    with _started(
        ctx, [(plan.split(processes, i), i, q, go, halt, loop) for i in range(processes)], q
    ) as procs:
        results = await _collect(q, go, procs, live, poll)
    return merge_results(results)


@contextlib.contextmanager
def _started(ctx: Any, arguments: list[tuple[Any, ...]], q: Any) -> Iterator[list[Any]]:
    """Start one worker process per argument tuple; join (or end) them all on exit."""
    procs = [ctx.Process(target=_child, args=args, daemon=True) for args in arguments]
    for p in procs:
        p.start()
    try:
        yield procs
    finally:
        for p in procs:
            p.join(timeout=5)
            if p.is_alive():
                p.terminate()
                p.join()
            p.close()
        q.close()
        q.join_thread()


async def _collect(
    q: Any, go: Any, procs: list[Any], live: LiveStats | None, refresh: Any
) -> list[LoadResult]:
    results: dict[int, LoadResult] = {}
    ready = 0
    while len(results) < len(procs):
        msg = await asyncio.to_thread(_get, q, 0.25)
        if refresh is not None:
            refresh()
        if msg is None:
            dead = [i for i, p in enumerate(procs) if p.exitcode is not None and i not in results]
            if dead:
                raise WorkerFailed(
                    f"worker process {dead[0]} exited with code {procs[dead[0]].exitcode}"
                )
            continue
        kind, index = msg[0], msg[1]
        if kind == "ready":
            ready += 1
            if ready == len(procs):
                if live is not None:
                    live.started = time.perf_counter()
                go.set()
        elif kind == "tick" and live is not None:
            live.merge_counts(msg[2], msg[3], msg[4], msg[5])
        elif kind == "done":
            results[index] = LoadResult.from_wire(msg[2])
        elif kind == "error":
            go.set()
            raise WorkerFailed(f"worker process {index}: {msg[2]}", msg[3])
    return [results[i] for i in range(len(procs))]
