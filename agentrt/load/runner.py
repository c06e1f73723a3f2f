"""Workers driving the client: one request at a time per worker, measured with perf_counter.

Per streamed chunk the runner does one truth test and, for a content chunk,
one ``perf_counter()`` and one list append; everything else happens once per
request, after its stream ends. Retries are off unless the plan turns them on,
so each request's outcome is what the service did, counted once.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from agentrt.errors import AgentrtError
from agentrt.load.cpu import CpuMeter
from agentrt.load.metrics import Metrics, gaps, measure, meets_slo
from agentrt.load.outcome import Outcome, failure, finish
from agentrt.load.plan import LoadPlan
from agentrt.load.progress import LiveStats
from agentrt.load.records import OK, RequestRecord
from agentrt.load.schedule import Budget, closed_loop, open_loop, poisson_arrivals
from agentrt.xai.chat_response import USD_PER_TICK
from agentrt.xai.retry import RetryPolicy

__all__ = ["Call", "LoadResult", "Recorder", "client_for", "make_call", "run_load"]

TICK = 0.25
"""Seconds between CPU samples and progress refreshes."""
CONNECT_TIMEOUT = 10.0
"""Seconds the connections may take to open before the run (at most the request timeout)."""


@dataclass(kw_only=True)
class LoadResult:
    """A finished (measured) run: aggregated metrics, per-request records, CPU and warnings."""

    metrics: Metrics
    records: list[RequestRecord]
    wall: float
    started_unix: float
    cpu: list[dict[str, Any]]
    warnings: list[str] = field(default_factory=list)
    partial: bool = False
    """True when the run stopped before its plan's end (a signal): the figures cover part of it."""

    def to_wire(self) -> dict[str, Any]:
        """A picklable form (histograms encoded) for sending between processes."""
        return {
            "metrics": self.metrics.to_wire(),
            "records": [r.as_dict() for r in self.records],
            "wall": self.wall,
            "started_unix": self.started_unix,
            "cpu": self.cpu,
            "warnings": self.warnings,
            "partial": self.partial,
        }

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> LoadResult:
        """The inverse of :meth:`to_wire`."""
        return cls(
            metrics=Metrics.from_wire(data["metrics"]),
            records=[RequestRecord.from_dict(r) for r in data["records"]],
            wall=data["wall"],
            started_unix=data["started_unix"],
            cpu=data["cpu"],
            warnings=data["warnings"],
            partial=data.get("partial", False),
        )


Call = Callable[[int], Awaitable[Outcome]]


class Recorder:
    """Turns outcomes into records and metrics (once per request)."""

    def __init__(
        self,
        plan: LoadPlan,
        t0: float,
        live: LiveStats | None,
        on_record: Callable[[RequestRecord], None] | None = None,
    ) -> None:
        self.slo = plan.slo
        self.t0 = t0
        self.live = live
        self.on_record = on_record
        self.metrics = Metrics()
        self.records: list[RequestRecord] = []

    def add(self, number: int, lag: float, out: Outcome) -> None:
        """Record request ``number``'s outcome."""
        n = out.output_tokens or len(out.times)
        timing = measure(out.start, out.times, n)
        ok = out.status == OK
        record = RequestRecord(
            index=number,
            start=out.start - self.t0,
            lag=lag,
            status=out.status,
            error=out.error,
            elapsed=out.end - out.start,
            ttft=timing.ttft,
            e2e=timing.e2e,
            tpot=timing.tpot,
            max_itl=timing.max_itl,
            chunks=len(out.times),
            output_tokens=n if ok else 0,
            input_tokens=out.input_tokens,
            reasoning_tokens=out.reasoning_tokens,
            tokens_per_s=timing.tokens_per_s,
            finish_reason=out.finish_reason,
            good=ok and meets_slo(timing, self.slo),
            cost_usd=None if out.cost_ticks is None else out.cost_ticks * USD_PER_TICK,
        )
        self.records.append(record)
        self.metrics.add(record, gaps(out.times) if ok else ())
        if self.on_record is not None:  # streamed to --records as it completes
            self.on_record(record)
        if self.live is not None:
            self.live.finished(ok, timing.ttft)

    def drop(self) -> None:
        """Count one open-loop arrival dropped (``--max-in-flight`` requests were in flight)."""
        self.metrics.drop(time.perf_counter() - self.t0)
        if self.live is not None:
            self.live.dropped += 1


def _requests(plan: LoadPlan) -> Callable[[int], Any]:
    """Request ``number``'s :class:`~agentrt.xai.chat_request.ChatRequest`, from the corpus."""
    from agentrt.xai.chat_request import ChatRequest
    from agentrt.xai.messages import Message, assistant, system, user

    def message(role: str, text: str) -> Message:
        if role == "system":
            return system(text)
        return assistant(text) if role == "assistant" else user(text)

    def request(number: int) -> ChatRequest:
        prompt = plan.corpus.render(number)
        messages = tuple(message(role, text) for role, text in prompt.messages)
        max_tokens = prompt.max_tokens or plan.max_tokens
        return ChatRequest(model=plan.model, messages=messages, max_tokens=max_tokens)

    return request


def make_call(client: Any, plan: LoadPlan) -> Call:
    """The function that sends request ``number`` and measures it (chat or agent)."""
    if plan.agent is not None:
        from agentrt.load.agent_call import make_agent_call

        return make_agent_call(client, plan)
    request = _requests(plan)
    chat, timeout, perf = client.chat, plan.timeout, time.perf_counter

    async def streamed(number: int) -> Outcome:
        req = request(number)
        times: list[float] = []
        append = times.append
        out = Outcome(start=perf(), times=times)
        try:
            async with chat.stream(req, timeout=timeout) as stream:
                async for delta in stream:
                    if delta[0]:  # content
                        append(perf())
                resp = stream.response
        except AgentrtError as exc:
            return failure(out, exc)
        out.end = perf()
        return finish(out, resp)

    async def unary(number: int) -> Outcome:
        req = request(number)
        out = Outcome(start=perf(), times=[])
        try:
            resp = await chat.complete(req, timeout=timeout)
        except AgentrtError as exc:
            return failure(out, exc)
        out.end = perf()
        if resp.content:
            out.times.append(out.end)
        return finish(out, resp)

    return streamed if plan.stream else unary


def client_for(plan: LoadPlan) -> Any:
    """A client for the plan: its pool size, its timeout, retries off unless asked for.

    gRPC streams are all read by ``grpc.aio`` on the pooled channels (no reader threads),
    so every request is measured along the same path over ``--connections`` connections.
    ``--protocol openai``: the REST transport (``--api`` chat or responses), metadata as
    HTTP headers, at most ``--connections`` HTTP connections (rounded up to a hundred).
    """
    from agentrt.load.metadata import grpc_metadata
    from agentrt.xai.client import Client
    from agentrt.xai.config import ClientConfig

    rest = plan.protocol == "openai"
    pool = plan.pool_size
    if rest:
        from agentrt.xai.rest.transport import CONNECTIONS_PER_SLOT

        pool = math.ceil(pool / CONNECTIONS_PER_SLOT)
    config = ClientConfig(
        endpoint=plan.endpoint,
        api_key=plan.api_key,
        timeout=plan.timeout,
        pool_size=pool,
        metadata=plan.metadata if rest else grpc_metadata(plan.metadata),
        unavailable_attempts=5 if plan.retries else 1,
        rate_limit_retries=3 if plan.retries else 0,
        internal_retries=RetryPolicy() if plan.retries else RetryPolicy(retries=0),
        # Every request takes the same path (grpc.aio on the pool of --connections),
        # rather than the first few streams going through reader threads.
        stream_threads=0,
        protocol="rest" if rest else "grpc",
        rest_api=plan.api,
    )
    return Client(config=config)


async def _warmup(call: Call, plan: LoadPlan) -> None:
    if not plan.warmup:
        return
    workers = plan.concurrency.at(0) if plan.concurrency is not None else 8
    budget = Budget(requests=plan.warmup, deadline=None)

    async def one(number: int) -> None:
        await call(number)

    from agentrt.load.schedule import Ramp

    await closed_loop(Ramp(start=max(1, min(plan.warmup, int(workers)))), one, budget, until=None)


async def run_load(
    plan: LoadPlan,
    *,
    live: LiveStats | None = None,
    tick: Callable[[], None] | None = None,
    ready: Callable[[], Awaitable[None]] | None = None,
    should_stop: Callable[[], bool] | None = None,
    should_abort: Callable[[], bool] | None = None,
    on_record: Callable[[RequestRecord], None] | None = None,
) -> LoadResult:
    """Run ``plan`` against ``plan.endpoint`` and return what was measured.

    Args:
        plan: the load test.
        live: counters for a live display, updated as requests finish.
        tick: called every :data:`TICK` seconds during the measured run (progress).
        ready: awaited after warm-up, right before the measured run starts.
        should_stop: polled every :data:`TICK` seconds; once it returns True no
            new request starts, those in flight finish, and the result says so.
        should_abort: polled every :data:`TICK` seconds; once it returns True the
            requests in flight are cancelled and the result (marked partial)
            holds the requests that completed.
        on_record: called with each request's record as it completes.
    """
    async with client_for(plan) as client:
        await client.connect(timeout=min(plan.timeout, CONNECT_TIMEOUT))  # not in the first TTFTs
        call = make_call(client, plan)
        await _warmup(call, plan)
        if ready is not None:
            await ready()
        recorder = Recorder(plan, time.perf_counter(), live, on_record)
        return await _measure(plan, call, recorder, tick, _Stops(should_stop, should_abort))


@dataclass(frozen=True, slots=True)
class _Stops:
    """The two ways a caller can end a run early (see :func:`run_load`)."""

    graceful: Callable[[], bool] | None
    abort: Callable[[], bool] | None


async def _tick(
    stop: asyncio.Event,
    cpu: CpuMeter,
    budget: Budget,
    tick: Callable[[], None] | None,
    stops: _Stops,
    abort: Callable[[], None],
) -> None:
    """Every :data:`TICK` seconds until ``stop``: sample the CPU, honour a stop, redraw."""
    while not stop.is_set():
        try:
            async with asyncio.timeout(TICK):
                await stop.wait()
        except TimeoutError:
            pass
        cpu.sample()
        if stops.graceful is not None and not budget.stopped and stops.graceful():
            budget.stop()
        if stops.abort is not None and stops.abort():
            budget.stop()
            abort()
        if tick is not None:
            tick()


async def _drive(plan: LoadPlan, call: Call, recorder: Recorder, budget: Budget) -> None:
    """Run the plan's schedule, recording every request."""
    perf = time.perf_counter

    async def closed(number: int) -> None:
        recorder.add(number, 0.0, await call(number))

    async def opened(number: int, due: float) -> None:
        lag = perf() - due
        recorder.add(number, max(lag, 0.0), await call(number))

    if plan.concurrency is not None:
        await closed_loop(plan.concurrency, closed, budget, until=plan.duration)
    else:
        assert plan.rate is not None
        arrivals = poisson_arrivals(plan.rate, seed=plan.seed)
        cap = plan.in_flight_cap
        await open_loop(arrivals, opened, budget, max_in_flight=cap, on_drop=recorder.drop)


STOPPED = "stopped early by an interrupt: the figures cover the requests started before it"
ABORTED = (
    "stopped by a signal (SIGTERM or a second Ctrl-C): requests in flight were cancelled "
    "and are not counted; the figures cover the requests that completed"
)


async def _measure(
    plan: LoadPlan,
    call: Call,
    recorder: Recorder,
    tick: Callable[[], None] | None,
    stops: _Stops,
) -> LoadResult:
    started_unix, t0 = time.time(), time.perf_counter()
    recorder.t0 = t0
    if recorder.live is not None:
        recorder.live.started = t0
    deadline = None if plan.duration is None else t0 + plan.duration
    budget = Budget(requests=plan.requests, deadline=deadline)
    cpu, stop, aborted = CpuMeter(), asyncio.Event(), asyncio.Event()
    async with asyncio.TaskGroup() as tg:
        driving = tg.create_task(_drive(plan, call, recorder, budget))
        driving.add_done_callback(lambda _: stop.set())

        def abort() -> None:
            if not driving.done():
                aborted.set()
                driving.cancel()

        # A TaskGroup ignores a child cancelled from outside it: the abort ends only the drive.
        tg.create_task(_tick(stop, cpu, budget, tick, stops, abort))
    wall = time.perf_counter() - t0
    summary = cpu.summary()
    warnings = [w for w in (CpuMeter.warning(summary),) if w]
    if aborted.is_set() or budget.stopped:
        warnings.append(ABORTED if aborted.is_set() else STOPPED)
    return LoadResult(
        metrics=recorder.metrics,
        records=sorted(recorder.records, key=lambda r: r.index),
        wall=wall,
        started_unix=started_unix,
        cpu=[summary],
        warnings=warnings,
        partial=aborted.is_set() or budget.stopped,
    )
