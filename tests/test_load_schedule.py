"""Load schedules: ramps, seeded Poisson arrivals, open and closed loops (fake and real clocks)."""

from __future__ import annotations

import asyncio
import heapq
import itertools
import statistics
import time
from collections.abc import Coroutine
from typing import Any

import pytest

from agentrt.errors import UsageError
from agentrt.load.schedule import Budget, Ramp, closed_loop, open_loop, poisson_arrivals


def test_ramps() -> None:
    const = Ramp(start=5)
    assert (const.at(0), const.at(100), const.peak(None)) == (5, 5, 5)
    step = Ramp(kind="step", start=10, step=10, every=5, end=40)
    assert [step.at(t) for t in (0, 4.9, 5, 12, 100)] == [10, 10, 20, 30, 40]
    assert step.time_to_reach(25) == 10
    assert step.time_to_reach(50) is None
    assert step.peak(7) == 20
    line = Ramp(kind="linear", start=0, step=10, every=1)
    assert line.at(2.5) == pytest.approx(25)
    assert line.time_to_reach(25) == pytest.approx(2.5)
    assert line.peak(None) == float("inf")
    with pytest.raises(UsageError, match="non-zero step"):
        Ramp(kind="step", start=1)


def _take(arrivals: object, until: float) -> list[float]:
    return list(itertools.takewhile(lambda t: t < until, arrivals))  # type: ignore[call-overload]


def test_poisson_arrivals_are_seeded_and_have_the_asked_rate() -> None:
    times = _take(poisson_arrivals(Ramp(start=50), seed=1), 200.0)
    assert times == _take(poisson_arrivals(Ramp(start=50), seed=1), 200.0)
    assert times != _take(poisson_arrivals(Ramp(start=50), seed=2), 200.0)
    assert len(times) == pytest.approx(10_000, rel=0.03)  # sd of a Poisson count: 1 %
    inter = [b - a for a, b in itertools.pairwise(times)]
    assert statistics.fmean(inter) == pytest.approx(0.02, rel=0.03)
    # exponential gaps: standard deviation equals the mean
    assert statistics.stdev(inter) / statistics.fmean(inter) == pytest.approx(1.0, abs=0.05)


def test_ramped_arrivals_follow_the_ramp() -> None:
    ramp = Ramp(kind="step", start=20, step=20, every=10, end=80)
    times = _take(poisson_arrivals(ramp, seed=3), 60.0)
    per_window = [sum(1 for t in times if w * 10 <= t < w * 10 + 10) for w in range(6)]
    for got, rate in zip(per_window, (20, 40, 60, 80, 80, 80), strict=True):
        assert got == pytest.approx(rate * 10, rel=0.15)
    linear = _take(poisson_arrivals(Ramp(kind="linear", start=0, step=10, every=1), seed=4), 40.0)
    assert len(linear) == pytest.approx(10 * 40**2 / 2, rel=0.05)  # integral of 10 t


class FakeClock:
    """A clock that only moves when the (single) dispatcher sleeps; ``overshoot`` models a late wake-up."""

    def __init__(self, overshoot: float = 0.0) -> None:
        self.now = 1000.0
        self.overshoot = overshoot

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(0)  # let requests started before this sleep read the clock
        self.now += seconds + self.overshoot


@pytest.mark.parametrize("overshoot", [0.0, 0.004])
async def test_open_loop_starts_requests_on_schedule_on_a_fake_clock(overshoot: float) -> None:
    clock = FakeClock(overshoot)
    started: list[tuple[int, float, float]] = []

    async def request(number: int, due: float) -> None:
        started.append((number, clock() - 1000.0, clock() - due))

    budget = Budget(requests=None, deadline=clock() + 10.0, clock=clock)
    arrivals = poisson_arrivals(Ramp(start=20), seed=5)
    await open_loop(arrivals, request, budget, clock=clock, sleep=clock.sleep)
    expected = _take(poisson_arrivals(Ramp(start=20), seed=5), 10.0)
    assert [n for n, _, _ in started] == list(range(len(expected)))
    if not overshoot:
        assert [t for _, t, _ in started] == pytest.approx(expected)
        assert max(lag for _, _, lag in started) == pytest.approx(0.0, abs=1e-9)
    else:
        # a late wake-up shows as lag: the load generator fell behind its schedule
        assert statistics.median(lag for _, _, lag in started) == pytest.approx(0.004, abs=1e-6)


async def test_open_loop_stops_at_the_request_budget() -> None:
    seen: list[int] = []

    async def request(number: int, due: float) -> None:
        seen.append(number)

    budget = Budget(requests=25, deadline=None)
    await open_loop(poisson_arrivals(Ramp(start=5000), seed=0), request, budget)
    assert seen == list(range(25))


async def test_open_loop_real_clock_accuracy() -> None:
    """A short real run: every seeded arrival before the deadline starts, close to its time."""
    lags: list[float] = []

    async def request(number: int, due: float) -> None:
        lags.append(time.perf_counter() - due)
        await asyncio.sleep(0.05)  # requests overlap: open loop does not wait for them

    duration = 1.0
    budget = Budget(requests=None, deadline=time.perf_counter() + duration)
    await open_loop(poisson_arrivals(Ramp(start=100), seed=9), request, budget)
    schedule = poisson_arrivals(Ramp(start=100), seed=9)
    expected = _take(schedule, duration)
    # the dispatcher's clock starts a moment after the deadline was set
    assert len(expected) - 5 <= len(lags) <= len(expected)
    assert min(lags) >= 0.0
    assert statistics.median(lags) < 0.1  # generous: the machine is shared


async def test_closed_loop_keeps_n_requests_in_flight() -> None:
    in_flight, peak, done = 0, 0, []

    async def request(number: int) -> None:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.001)
        in_flight -= 1
        done.append(number)

    await closed_loop(Ramp(start=4), request, Budget(requests=40, deadline=None), until=None)
    assert sorted(done) == list(range(40))
    assert peak == 4


async def test_closed_loop_ramp_adds_workers_over_time() -> None:
    starts: dict[int, float] = {}
    t0 = time.perf_counter()

    async def request(number: int) -> None:
        task = asyncio.current_task()
        assert task is not None
        starts.setdefault(id(task), time.perf_counter() - t0)
        await asyncio.sleep(0.01)

    ramp = Ramp(kind="step", start=1, step=1, every=0.1, end=3)
    budget = Budget(requests=None, deadline=t0 + 0.35)
    await closed_loop(ramp, request, budget, until=0.35)
    first = sorted(starts.values())
    assert len(first) == 3
    assert first[1] >= 0.1
    assert first[2] >= 0.2
    assert {t.get_name() for t in asyncio.all_tasks()} == {asyncio.current_task().get_name()}  # type: ignore[union-attr]


async def test_closed_loop_rejects_an_unbounded_ramp() -> None:
    async def request(number: int) -> None:
        return None

    with pytest.raises(UsageError, match="--ramp-to"):
        await closed_loop(
            Ramp(kind="linear", start=1, step=1),
            request,
            Budget(requests=5, deadline=None),
            until=None,
        )


class VirtualTime:
    """A fake clock with timers: everything waits on it, and time jumps to the next timer
    once every task is blocked (the dispatcher's sleeps and the requests' service times)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self._timers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        future = asyncio.get_running_loop().create_future()
        heapq.heappush(self._timers, (self.now + max(seconds, 0.0), next(self._seq), future))
        await future

    async def run(self, main: Coroutine[Any, Any, int]) -> int:
        """Run ``main`` to the end, advancing time whenever nothing else can run."""
        task = asyncio.create_task(main)
        while not task.done():
            for _ in range(20):  # let every woken task run until it blocks again
                await asyncio.sleep(0)
            if self._timers and not task.done():
                self.now, _, future = heapq.heappop(self._timers)
                future.set_result(None)
        return task.result()


def _expected_drops(arrivals: list[float], service: float, cap: int) -> tuple[int, int]:
    """(sent, dropped) of a cap on in-flight requests that each take ``service`` seconds."""
    ends: list[float] = []
    sent = dropped = 0
    for t in arrivals:
        ends = [e for e in ends if e > t]
        if len(ends) >= cap:
            dropped += 1
        else:
            ends.append(t + service)
            sent += 1
    return sent, dropped


async def test_open_loop_drops_arrivals_beyond_max_in_flight_on_a_fake_clock() -> None:
    clock = VirtualTime()
    running, most, sent = [0], [0], []
    drops: list[float] = []

    async def request(number: int, due: float) -> None:
        sent.append(number)
        running[0] += 1
        most[0] = max(most[0], running[0])
        await clock.sleep(0.5)  # a slow service: 0.5 s per request
        running[0] -= 1

    budget = Budget(requests=None, deadline=clock() + 10.0, clock=clock)
    arrivals = poisson_arrivals(Ramp(start=100), seed=7)  # 100/s offered, 5 / 0.5 s = 10/s served
    dropped = await clock.run(
        open_loop(
            arrivals,
            request,
            budget,
            max_in_flight=5,
            on_drop=lambda: drops.append(clock()),
            clock=clock,
            sleep=clock.sleep,
        )
    )
    expected = _take(poisson_arrivals(Ramp(start=100), seed=7), 10.0)
    assert (len(sent), dropped) == _expected_drops(expected, 0.5, 5)
    assert len(sent) + dropped == len(expected)  # every arrival was sent or dropped
    assert dropped == len(drops) > 800
    assert most[0] == 5  # never more than the cap in flight
    assert sent == list(range(len(sent)))  # drops use up no request numbers
    assert budget.issued == len(sent)


async def test_open_loop_request_budget_counts_sent_requests_not_drops() -> None:
    clock = VirtualTime()
    sent: list[int] = []

    async def request(number: int, due: float) -> None:
        sent.append(number)
        await clock.sleep(1.0)

    budget = Budget(requests=10, deadline=None, clock=clock)
    arrivals = poisson_arrivals(Ramp(start=100), seed=1)
    dropped = await clock.run(
        open_loop(arrivals, request, budget, max_in_flight=1, clock=clock, sleep=clock.sleep)
    )
    assert sent == list(range(10))  # --requests 10: ten sent, however many were dropped
    assert 800 < dropped < 1100  # ~100 arrivals dropped per 1 s request
    assert clock() - 1000.0 == pytest.approx(10.0, abs=0.2)  # and then it ended


async def test_open_loop_ends_when_stopped_while_everything_is_dropped() -> None:
    clock = VirtualTime()
    stuck = asyncio.Event()

    async def request(number: int, due: float) -> None:
        await stuck.wait()  # a hung service

    budget = Budget(requests=None, deadline=None, clock=clock)

    def on_drop() -> None:
        if clock() - 1000.0 > 5.0:
            budget.stop()  # Ctrl-C: no new request; then the hung one is let go
            stuck.set()

    arrivals = poisson_arrivals(Ramp(start=50), seed=2)
    dropped = await clock.run(
        open_loop(
            arrivals,
            request,
            budget,
            max_in_flight=3,
            on_drop=on_drop,
            clock=clock,
            sleep=clock.sleep,
        )
    )
    assert budget.issued == 3
    assert dropped == pytest.approx(250, rel=0.2)


async def test_open_loop_far_behind_schedule_still_lets_requests_run() -> None:
    """An arrival rate no clock can keep up with: the dispatcher never sleeps, yet requests
    finish and the run ends (it yields per arrival, so drops cannot starve the requests)."""
    sent: list[int] = []

    async def request(number: int, due: float) -> None:
        sent.append(number)
        await asyncio.sleep(0.01)

    budget = Budget(requests=3, deadline=None)
    async with asyncio.timeout(20):
        dropped = await open_loop(
            poisson_arrivals(Ramp(start=1e9)), request, budget, max_in_flight=1
        )
    assert sent == [0, 1, 2]
    assert dropped > 0


async def test_open_loop_without_a_cap_drops_nothing() -> None:
    clock = VirtualTime()
    running, most = [0], [0]

    async def request(number: int, due: float) -> None:
        running[0] += 1
        most[0] = max(most[0], running[0])
        await clock.sleep(0.5)
        running[0] -= 1

    budget = Budget(requests=200, deadline=None, clock=clock)
    arrivals = poisson_arrivals(Ramp(start=100), seed=3)
    dropped = await clock.run(open_loop(arrivals, request, budget, clock=clock, sleep=clock.sleep))
    assert (dropped, budget.issued) == (0, 200)
    assert most[0] > 30  # ~50 in flight: nothing held them back
