"""When requests start: closed loop, open loop (Poisson arrivals), and ramps.

- Closed loop: ``N`` workers, each starting its next request when the last one
  ends. A ramp adds workers over time (worker ``k`` starts when the ramp first
  reaches ``k + 1``).
- Open loop: requests start at Poisson arrival times of rate ``R`` (a seeded
  RNG, so a run is repeatable), whatever the service does; a ramp makes ``R`` a
  function of time (an inhomogeneous Poisson process, sampled exactly by
  thinning). Each request records how late it started against its arrival time
  (``lag``); that is how the report tells the load generator fell behind. At
  most ``max_in_flight`` requests run at once: an arrival due while that many
  are in flight is not sent but *dropped* and counted (k6's "dropped
  iterations"), so a slow or hung service cannot pile up tasks and sockets
  without bound. A dropped arrival takes no request number from the budget.
- Ramps, as in ghz: ``step`` adds ``step`` every ``every`` seconds;
  ``linear`` adds ``step`` per ``every`` seconds continuously; both stop at
  ``end`` when given.

Clocks and sleeps are injectable so the schedules can be tested on a fake clock.
"""

from __future__ import annotations

import asyncio
import math
import random
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from agentrt.errors import UsageError

__all__ = [
    "Budget",
    "Clock",
    "Ramp",
    "RampKind",
    "Sleep",
    "closed_loop",
    "open_loop",
    "poisson_arrivals",
]

RampKind = Literal["const", "step", "linear"]
Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True, kw_only=True)
class Ramp:
    """A value (requests/s or workers) as a function of seconds since the start.

    Attributes:
        kind: ``const``, ``step`` or ``linear``.
        start: the value at time 0.
        step: the increase per ``every`` seconds (may be negative).
        every: seconds per step.
        end: the value at which the ramp stops changing, if any.
    """

    kind: RampKind = "const"
    start: float
    step: float = 0.0
    every: float = 1.0
    end: float | None = None

    def __post_init__(self) -> None:
        if self.start < 0 or (self.end is not None and self.end < 0):
            raise UsageError("a ramp's start and end must be >= 0")
        if self.every <= 0:
            raise UsageError("a ramp's step duration must be above zero")
        if self.kind != "const" and self.step == 0:
            raise UsageError(f"a {self.kind} ramp needs a non-zero step")

    def at(self, t: float) -> float:
        """The value at ``t`` seconds."""
        if self.kind == "const" or t <= 0:
            return self.start
        steps = math.floor(t / self.every) if self.kind == "step" else t / self.every
        value = self.start + self.step * steps
        if self.end is not None:
            value = min(value, self.end) if self.step > 0 else max(value, self.end)
        return max(value, 0.0)

    def peak(self, until: float | None) -> float:
        """The largest value in ``[0, until]`` (``inf`` when it grows without bound)."""
        if self.kind == "const" or self.step < 0:
            return self.start
        if until is None:
            return self.end if self.end is not None else math.inf
        return self.at(until)

    def time_to_reach(self, value: float) -> float | None:
        """The first time the ramp is at least ``value``, or ``None`` if never."""
        if self.start >= value:
            return 0.0
        if self.kind == "const" or self.step < 0 or (self.end is not None and self.end < value):
            return None
        steps = (value - self.start) / self.step
        return math.ceil(steps - 1e-9) * self.every if self.kind == "step" else steps * self.every


def poisson_arrivals(rate: Ramp, *, seed: int = 0) -> Iterator[float]:
    """Arrival times (seconds from the start) of a Poisson process of rate ``rate.at(t)``.

    Exact for ramps by thinning per step window: candidates come at the window's
    peak rate and each is kept with probability ``rate(t) / peak``.
    """
    rng = random.Random(seed)
    window_start = 0.0
    window = rate.every if rate.kind != "const" else math.inf
    while True:
        window_end = window_start + window
        peak = max(rate.at(window_start), rate.at(min(window_end, window_start + 1e9) - 1e-12))
        t = window_start
        while peak > 0:
            t += rng.expovariate(peak)
            if t >= window_end:
                break
            if rng.random() * peak <= rate.at(t):
                yield t
        if peak <= 0 and (rate.kind == "const" or rate.step < 0):
            return  # the rate is zero and will stay so
        window_start = window_end


class Budget:
    """Hands out request numbers until the request count or the deadline is reached.

    Args:
        requests: stop after this many requests, if given.
        deadline: stop starting requests at this clock time, if given.
        clock: the clock ``deadline`` is on.
    """

    def __init__(
        self, *, requests: int | None, deadline: float | None, clock: Clock = time.perf_counter
    ) -> None:
        self.requests = requests
        self.deadline = deadline
        self.clock = clock
        self.issued = 0
        self.stopped = False

    def stop(self) -> None:
        """End the run early: no request starts after this."""
        self.stopped = True

    def over(self) -> bool:
        """True once no request may start: stopped, all requests issued, or past the deadline."""
        if self.stopped:
            return True
        if self.requests is not None and self.issued >= self.requests:
            return True
        return self.deadline is not None and self.clock() >= self.deadline

    def take(self) -> int | None:
        """The next request number, or ``None`` when the run is over."""
        if self.over():
            return None
        self.issued += 1
        return self.issued - 1


async def closed_loop(
    workers: Ramp,
    request: Callable[[int], Awaitable[None]],
    budget: Budget,
    *,
    until: float | None,
    sleep: Sleep = asyncio.sleep,
) -> None:
    """Run ``request(number)`` back to back on as many workers as the ramp says.

    Args:
        workers: the worker count over time (const: ``N`` workers from the start).
        request: one request; it must record its own outcome and not raise.
        budget: which request comes next, and when to stop.
        until: the run's duration in seconds, if it has one (bounds the ramp).
    """
    peak = workers.peak(until)
    if math.isinf(peak):
        raise UsageError("a growing concurrency ramp needs --ramp-to (its end) or --duration")
    starts = [workers.time_to_reach(k + 1) for k in range(math.floor(peak))]

    async def worker(delay: float) -> None:
        if delay > 0:
            await sleep(delay)
        while (number := budget.take()) is not None:
            await request(number)

    async with asyncio.TaskGroup() as tg:
        for delay in starts:
            if delay is not None:
                tg.create_task(worker(delay))


class _InFlight:
    """Counts requests running: one more per start, one less as each task ends."""

    __slots__ = ("count",)

    def __init__(self) -> None:
        self.count = 0

    def started(self, task: asyncio.Task[None]) -> None:
        self.count += 1
        task.add_done_callback(self._ended)

    def _ended(self, _task: asyncio.Task[None]) -> None:
        self.count -= 1


async def open_loop(
    arrivals: Iterator[float],
    request: Callable[[int, float], Coroutine[Any, Any, None]],
    budget: Budget,
    *,
    max_in_flight: int | None = None,
    on_drop: Callable[[], None] | None = None,
    clock: Clock = time.perf_counter,
    sleep: Sleep = asyncio.sleep,
) -> int:
    """Start ``request(number, scheduled)`` at each arrival time, without waiting for any.

    ``scheduled`` is the clock time the request should start at; the request
    measures its own lag against it when it actually starts.

    Args:
        arrivals: arrival times, seconds from the start, ascending.
        request: one request; it must record its own outcome and not raise.
        budget: which request comes next, and when to stop.
        max_in_flight: at most this many requests at once (``None``: no limit);
            an arrival due while that many run is dropped: not sent, no request
            number used, ``on_drop()`` called.
        on_drop: called once per dropped arrival.
        clock: the clock arrival times are on.
        sleep: waits on ``clock``.

    Returns:
        How many arrivals were dropped.
    """
    t0, running, dropped = clock(), _InFlight(), 0
    async with asyncio.TaskGroup() as tg:
        for offset in arrivals:
            due = t0 + offset
            if budget.deadline is not None and due >= budget.deadline:
                break
            delay = due - clock()
            # Behind schedule, still yield once per arrival: requests start (and end)
            # between arrivals, so a burst of drops can never starve them.
            await (sleep(delay) if delay > 0 else asyncio.sleep(0))
            if budget.over():
                break
            if max_in_flight is not None and running.count >= max_in_flight:
                dropped += 1
                if on_drop is not None:
                    on_drop()
                continue
            number = budget.take()
            if number is None:
                break
            running.started(tg.create_task(request(number, due)))
    return dropped
