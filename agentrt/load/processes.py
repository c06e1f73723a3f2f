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
from collections.abc import Callable, Iterator
from typing import Any, Protocol

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


def _child(plan: LoadPlan, index: int, q: Any, go: Any, halt: Any, abort: Any, loop: str) -> None:
    import signal

    from agentrt.launch.eventloop import run
    from agentrt.load.runner import run_load

    # Ctrl-C (and a group's SIGTERM) reach every process: the parent decides, and tells
    # us via ``halt`` (stop starting requests) or ``abort`` (stop now).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, daemon=True).start()

    live = LiveStats()
    sent = [0, 0, 0]
    fresh: list[dict[str, Any]] = []  # records completed since the last tick

    def tick() -> None:
        done, errors = live.completed - sent[0], live.errors - sent[1]
        dropped = live.dropped - sent[2]
        sent[:] = live.completed, live.errors, live.dropped
        ttfts = list(live.ttfts)[-min(done, 64) :] if done else []
        records = fresh[:]
        fresh.clear()
        q.put(("tick", index, done, errors, ttfts, dropped, records))

    async def ready() -> None:
        q.put(("ready", index))
        await asyncio.to_thread(go.wait)

    try:
        main = run_load(
            plan,
            live=live,
            tick=tick,
            ready=ready,
            should_stop=halt.is_set,
            should_abort=abort.is_set,
            on_record=lambda r: fresh.append(r.as_dict()),
        )
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
        partial=any(r.partial for r in results),
    )


def _get(q: Any, timeout: float) -> Any:
    try:
        return q.get(timeout=timeout)
    except queue_mod.Empty:
        return None


ABORT_GRACE_S = 10.0
"""After a stop-now, how long the worker processes may take to send what they measured."""


class _Signals(Protocol):
    def should_stop(self) -> bool: ...
    def should_abort(self) -> bool: ...


async def run_processes(
    plan: LoadPlan,
    processes: int,
    *,
    live: LiveStats | None = None,
    refresh: Any = None,
    loop: str = "auto",
    signals: _Signals | None = None,
    on_record: Callable[[dict[str, Any]], None] | None = None,
) -> LoadResult:
    """Run ``plan`` split over ``processes`` worker processes and merge the results.

    Args:
        plan: the whole load test.
        processes: how many worker processes.
        live: counters for the live display, fed from the workers' progress.
        refresh: called a few times a second (redraw the display).
        loop: the workers' event loop (``auto``, ``uvloop`` or ``asyncio``).
        signals: polled a few times a second: once ``should_stop()``, every worker
            stops starting requests; once ``should_abort()``, every worker stops now
            and sends what it measured (as :func:`~agentrt.load.runner.run_load`).
            A worker that does not within :data:`ABORT_GRACE_S` is counted from the
            records it streamed, and a warning says so.
        on_record: called with each record (as a dict) the workers stream.

    Raises:
        UsageError: fewer workers than processes.
        WorkerFailed: a worker process failed or died (unless stopping now).
    """
    if plan.concurrency is not None and plan.concurrency.peak(plan.duration) < processes:
        raise UsageError("--processes must not exceed --concurrency (each process needs a worker)")
    cap = plan.in_flight_cap
    if cap is not None and cap < processes:
        raise UsageError(
            "--processes must not exceed --max-in-flight (each process needs one request in flight)"
        )
    ctx = multiprocessing.get_context("spawn")
    q, go, halt, abort = ctx.Queue(), ctx.Event(), ctx.Event(), ctx.Event()

    def poll() -> bool:
        """Redraw and pass signals on; True once stopping now."""
        if refresh is not None:
            refresh()
        if signals is not None and signals.should_stop():
            halt.set()
        if signals is not None and signals.should_abort():
            abort.set()
        return bool(abort.is_set())

    args = [(plan.split(processes, i), i, q, go, halt, abort, loop) for i in range(processes)]
    with _started(ctx, args, q) as procs:
        collector = _Collector(procs, go, live, on_record)
        await collector.run(q, poll)
    return collector.result()


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
                p.kill()  # workers ignore SIGTERM (the parent decides when they stop)
                p.join()
            p.close()
        q.close()
        q.join_thread()


class _Collector:
    """Gathers the workers' messages: progress, streamed records, results, failures."""

    def __init__(
        self,
        procs: list[Any],
        go: Any,
        live: LiveStats | None,
        on_record: Callable[[dict[str, Any]], None] | None,
    ) -> None:
        self.procs, self.go, self.live, self.on_record = procs, go, live, on_record
        self.results: dict[int, LoadResult] = {}
        self.streamed: dict[int, list[dict[str, Any]]] = {i: [] for i in range(len(procs))}
        self.ready = 0
        self.started_unix = time.time()
        self.aborted = False

    async def run(self, q: Any, poll: Callable[[], bool]) -> None:
        """Read messages until every worker sent its result (or, stopping now, the grace ends)."""
        give_up: float | None = None
        while len(self.results) < len(self.procs):
            msg = await asyncio.to_thread(_get, q, 0.25)
            if poll() and give_up is None:
                self.aborted, give_up = True, time.monotonic() + ABORT_GRACE_S
            if msg is not None:
                self._handle(msg)
                continue
            dead = [
                i
                for i, p in enumerate(self.procs)
                if p.exitcode is not None and i not in self.results
            ]
            if self.aborted and (dead or time.monotonic() > (give_up or 0)):
                return
            if dead:
                code = self.procs[dead[0]].exitcode
                raise WorkerFailed(f"worker process {dead[0]} exited with code {code}")

    def _handle(self, msg: tuple[Any, ...]) -> None:
        kind, index = msg[0], msg[1]
        if kind == "ready":
            self.ready += 1
            if self.ready == len(self.procs):
                if self.live is not None:
                    self.live.started = time.perf_counter()
                self.started_unix = time.time()
                self.go.set()
        elif kind == "tick":
            if self.live is not None:
                self.live.merge_counts(msg[2], msg[3], msg[4], msg[5])
            self.streamed[index] += msg[6]
            if self.on_record is not None:
                for record in msg[6]:
                    self.on_record(record)
        elif kind == "done":
            self.results[index] = LoadResult.from_wire(msg[2])
        elif kind == "error":
            self.go.set()
            raise WorkerFailed(f"worker process {index}: {msg[2]}", msg[3])

    def result(self) -> LoadResult:
        """The merged result; a worker that sent none is counted from its streamed records."""
        results = [self.results[i] for i in sorted(self.results)]
        missing = [i for i in range(len(self.procs)) if i not in self.results]
        for i in missing:
            results.append(_from_records(self.streamed[i], self.started_unix))
        merged = merge_results(results)
        if missing:
            merged.partial = True
            names = ", ".join(str(i) for i in missing)
            merged.warnings.append(
                f"worker process {names} did not send its results in time: its requests "
                "are counted from the records it streamed (no inter-token latencies)"
            )
        return merged


def _from_records(records: list[dict[str, Any]], started_unix: float) -> LoadResult:
    """A worker's result rebuilt from its streamed records (histograms without ITL)."""
    metrics = Metrics()
    rows = [RequestRecord.from_dict(r) for r in records]
    for row in rows:
        metrics.add(row)
    wall = max((r.start + r.elapsed for r in rows), default=0.0)
    return LoadResult(
        metrics=metrics, records=rows, wall=wall, started_unix=started_unix, cpu=[], partial=True
    )
