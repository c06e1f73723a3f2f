"""A worker process's side of a test: the loop thread, the client, and what it measured.

One :class:`Session` per Locust process and test (created at ``test_start``, closed at
``test_stop``): its :class:`~agentrt.load.locust.bridge.LoopThread` holds the client (the
plan's pool of connections, shared by every user of the process), and its
:class:`~agentrt.load.runner.Recorder` turns each request's outcome into the same record
and metrics as ``agentrt load``. Every request is also a Locust request event, so
Locust's own statistics, charts, CSV and failure table see it.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from typing import Any

from agentrt.load.cpu import CpuMeter
from agentrt.load.locust.bridge import LoopThread
from agentrt.load.locust.shares import encode_share
from agentrt.load.outcome import Outcome
from agentrt.load.plan import LoadPlan
from agentrt.load.records import RequestRecord
from agentrt.load.runner import CONNECT_TIMEOUT, Recorder, client_for, make_call

__all__ = ["Session", "request_type"]


def request_type(plan: LoadPlan) -> str:
    """The Locust request type of the plan's calls: ``grpc``, ``openai`` or ``agent``."""
    if plan.agent is not None:
        return "agent"
    return "grpc" if plan.protocol == "grpc" else "openai"


class RequestFailed(Exception):
    """What Locust's failure table shows for a failed request: its status and error."""


class Session:
    """The client and the measurements of one Locust process during one test."""

    def __init__(self, plan: LoadPlan, events: Any, worker: str, *, keep: bool = False) -> None:
        self.plan, self.events, self.worker = plan, events, worker
        self.keep = keep  # every record kept here too (--agentrt-dump); else only until sent
        self.kind = request_type(plan)
        self.name = plan.agent or plan.model
        self.loop = LoopThread()
        self.numbers = itertools.count()
        self.fresh: list[RequestRecord] = []  # completed since the last share message
        self._client: Any = None
        self._cpu: CpuMeter | None = None
        try:
            self._call = self.loop.call(self._open())
        except BaseException:
            self.loop.close()
            raise
        # the same instant on both clocks: the master shifts each worker's records by it
        self.started_unix, t0 = time.time(), time.perf_counter()
        self.recorder = Recorder(plan, t0, None, self.fresh.append)

    async def _open(self) -> Any:
        self._cpu = CpuMeter()  # on the loop thread: its thread time is the loop's
        client = client_for(self.plan)
        await client.__aenter__()
        try:
            await client.connect(timeout=min(self.plan.timeout, CONNECT_TIMEOUT))
        except BaseException:
            await client.__aexit__(None, None, None)  # no channel left behind
            raise
        self._client = client
        return make_call(client, self.plan)

    def drive(self, stopping: Callable[[], bool]) -> None:
        """Send requests one after another until ``stopping()`` (this greenlet waits).

        The closed loop runs on the loop thread: a request starts as the last one ends,
        with no hand-over between them; each finished request is recorded and reported on
        the hub (:meth:`_finished`), many per wake-up when the loop is busy. Killing this
        greenlet cancels the request in flight (it is not counted).
        """
        self.loop.call(self._drive(stopping))

    async def _drive(self, stopping: Callable[[], bool]) -> None:
        call, post, finished, numbers = self._call, self.loop.post, self._finished, self.numbers
        while not stopping():
            number = next(numbers)
            post(finished, number, await call(number))

    def _finished(self, number: int, out: Outcome) -> None:
        """On the hub: record request ``number`` and report it to Locust."""
        records = self.recorder.records
        self.recorder.add(number, 0.0, out)
        record = records[-1]
        if not self.keep:  # sent to the master with the next share (self.fresh): not kept
            records.clear()
        self.events.request.fire(
            request_type=self.kind,
            name=self.name,
            response_time=record.elapsed * 1000,
            response_length=record.chunks,
            exception=None if record.ok else RequestFailed(f"{record.status}: {record.error}"),
            context={"ttft": record.ttft, "tokens": record.output_tokens},
        )

    def share(self, *, final: bool, cpu: dict[str, Any] | None = None) -> dict[str, Any]:
        """The share message of what was measured so far (the records since the last one)."""
        records, self.fresh[:] = self.fresh[:], []
        return encode_share(
            worker=self.worker,
            metrics=self.recorder.metrics,
            records=records,
            started_unix=self.started_unix,
            wall=time.perf_counter() - self.recorder.t0,
            cpu=cpu,
            final=final,
        )

    def close(self) -> dict[str, Any] | None:
        """Close the client and the loop thread; the loop's CPU figures.

        Requests that finish while the client closes are recorded (and reported to Locust)
        before this returns; any the loop still hands back after it are dropped by both.
        """
        try:
            return self.loop.call(self._close())
        finally:
            self.loop.close()

    async def _close(self) -> dict[str, Any] | None:
        if self._client is not None:
            await self._client.__aexit__(None, None, None)
        return None if self._cpu is None else self._cpu.summary()
