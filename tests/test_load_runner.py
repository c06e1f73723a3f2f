"""The load runner: outcomes become records, failures are classified, cancellation leaves nothing."""

from __future__ import annotations

import asyncio
import contextlib
import pickle

import pytest

from agentrt.errors import InvalidRequest, StreamInterrupted, Unavailable, UsageError
from agentrt.load.metrics import Metrics
from agentrt.load.outcome import Outcome, failure
from agentrt.load.plan import LoadPlan
from agentrt.load.progress import LiveStats
from agentrt.load.prompts import Corpus
from agentrt.load.records import RequestRecord
from agentrt.load.runner import LoadResult, Recorder, run_load
from agentrt.load.schedule import Ramp
from agentrt.load.units import Slo
from agentrt.sim import Simulator


def _plan(**kw: object) -> LoadPlan:
    base: dict[str, object] = {
        "model": "grok-3",
        "corpus": Corpus.from_prompt("hi"),
        "concurrency": Ramp(start=2),
        "requests": 4,
    }
    return LoadPlan(**{**base, **kw})  # type: ignore[arg-type]


def test_recorder_applies_definitions_and_slo() -> None:
    live = LiveStats()
    rec = Recorder(_plan(slo=Slo(ttft=0.15)), t0=100.0, live=live)
    rec.add(
        0,
        0.0,
        Outcome(
            start=101.0,
            times=[101.1, 101.2, 101.3],
            output_tokens=5,
            end=101.4,
            finish_reason="stop",
        ),
    )
    rec.add(
        1,
        0.0,
        Outcome(
            start=102.0, times=[102.2, 102.3], output_tokens=2, end=102.3, finish_reason="length"
        ),
    )
    rec.add(2, 0.0, Outcome(start=103.0, times=[], status="UNAVAILABLE", error="down", end=103.1))
    a, b, c = rec.records
    assert (a.start, a.ttft, a.e2e, a.tpot, a.chunks, a.good) == pytest.approx(
        (1.0, 0.1, 0.3, 0.05, 3, True)
    )
    assert (b.good, b.finish_reason) == (False, "length")
    assert (c.ok, c.good, c.output_tokens, c.elapsed) == (False, False, 0, pytest.approx(0.1))
    s = rec.metrics.summary(3.0)
    assert (s["good"], s["errors_by_code"], s["latency_s"]["itl"]["count"]) == (
        1,
        {"UNAVAILABLE": 1},
        3,
    )
    assert (live.completed, live.errors) == (3, 1)


def test_failures_are_classified_by_status_code() -> None:
    interrupted = StreamInterrupted(4, Unavailable("reset", code="UNAVAILABLE"))
    out = failure(Outcome(start=0.0, times=[1.0]), interrupted)
    assert (out.status, out.error) == ("UNAVAILABLE", str(interrupted))
    assert (
        failure(Outcome(start=0.0, times=[]), InvalidRequest("bad", code="INVALID_ARGUMENT")).status
        == "INVALID_ARGUMENT"
    )
    assert failure(Outcome(start=0.0, times=[]), UsageError("x")).status == "UsageError"


def test_plan_checks_and_split() -> None:
    with pytest.raises(UsageError, match="one of --concurrency"):
        _plan(rate=Ramp(start=5))
    with pytest.raises(UsageError, match="--duration"):
        _plan(requests=None)
    plan = _plan(concurrency=Ramp(start=5), requests=11, warmup=3)
    parts = [plan.split(2, i) for i in range(2)]
    assert [p.concurrency.start for p in parts if p.concurrency] == [3, 2]
    assert [p.requests for p in parts] == [6, 5]
    assert [p.warmup for p in parts] == [2, 1]
    assert [p.seed for p in parts] == [0, 1]
    opened = _plan(concurrency=None, rate=Ramp(kind="step", start=10, step=4, end=30)).split(2, 1)
    assert opened.rate == Ramp(kind="step", start=5, step=2, end=15)
    assert _plan(concurrency=Ramp(start=250)).pool_size == 3


def test_plan_max_in_flight_is_for_open_loop_and_checked() -> None:
    opened = _plan(concurrency=None, rate=Ramp(start=50))
    assert (opened.in_flight_cap, opened.describe()["max_in_flight"]) == (1000, 1000)
    assert _plan(concurrency=None, rate=Ramp(start=50), max_in_flight=7).in_flight_cap == 7
    assert (_plan().in_flight_cap, _plan().describe()["max_in_flight"]) == (None, None)
    with pytest.raises(UsageError, match="--max-in-flight must be at least 1"):
        _plan(concurrency=None, rate=Ramp(start=50), max_in_flight=0)
    with pytest.raises(UsageError, match="--max-in-flight only applies to --rate"):
        _plan(max_in_flight=10)
    parts = [
        _plan(concurrency=None, rate=Ramp(start=50), max_in_flight=7).split(2, i) for i in (0, 1)
    ]
    assert [p.max_in_flight for p in parts] == [4, 3]
    assert [
        _plan(concurrency=None, rate=Ramp(start=8)).split(3, i).max_in_flight for i in range(3)
    ] == [
        334,
        333,
        333,
    ]


def test_recorder_counts_dropped_arrivals_in_metrics_and_live() -> None:
    live = LiveStats()
    recorder = Recorder(_plan(concurrency=None, rate=Ramp(start=5)), 0.0, live)
    recorder.drop()
    recorder.drop()
    assert (recorder.metrics.dropped, live.dropped, live.completed) == (2, 2, 0)
    assert sum(recorder.metrics.drops.values()) == 2  # with when they happened
    s = recorder.metrics.summary(1.0)
    assert (s["dropped"], s["requests"]) == (2, 0)


def test_processes_merge_their_dropped_arrivals() -> None:
    from agentrt.load.processes import merge_results

    def result(dropped: int, started: float) -> LoadResult:
        metrics = Metrics()
        for _ in range(dropped):
            metrics.drop(0.05)
        metrics.add(RequestRecord(index=0, start=0.1, ttft=0.05, e2e=0.1, output_tokens=3))
        made = LoadResult(metrics=metrics, records=[], wall=1.0, started_unix=started, cpu=[])
        return LoadResult.from_wire(pickle.loads(pickle.dumps(made.to_wire())))

    merged = merge_results([result(5, 100.0), result(12, 100.2)])
    assert (merged.metrics.dropped, merged.metrics.requests) == (17, 2)
    assert merged.metrics.summary(merged.wall)["dropped"] == 17
    # drop times are moved to the earliest process's clock, as request start times are
    assert dict(merged.metrics.drops) == {5: 5, 25: 12}
    # and everything else every process measured (merged into a fresh Metrics)
    m = merged.metrics
    assert (m.statuses, m.finish_reasons, m.output_tokens) == ({"OK": 2}, {"unknown": 2}, 6)
    assert (m.ttft.count, m.e2e.count, m.e2e.max) == (2, 2, pytest.approx(0.1))


async def test_a_short_run_and_warmup_against_the_simulator() -> None:
    async with Simulator() as sim:
        plan = _plan(
            endpoint=sim.address, requests=6, warmup=2, metadata=(("x-sim-output-tokens", "4"),)
        )
        result = await run_load(plan)
    s = result.metrics.summary(result.wall)
    assert (s["requests"], s["succeeded"], s["output_tokens"]) == (6, 6, 24)
    assert [r.index for r in result.records] == list(range(6))


async def test_cancelling_a_run_leaves_nothing_running() -> None:
    async with Simulator() as sim:
        plan = _plan(
            endpoint=sim.address, requests=None, duration=30.0, concurrency=Ramp(start=5),
            metadata=(("x-sim-itl-ms", "20"), ("x-sim-output-tokens", "1000")),
        )  # fmt: skip
        task = asyncio.create_task(run_load(plan))
        await asyncio.sleep(0.5)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        assert task.cancelled()
    assert asyncio.all_tasks() == {asyncio.current_task()}
