"""The load generator's own CPU use, so a report can say when the client was the limit.

Two figures, both as a fraction of one core: the whole process (every thread,
gRPC's own included: :func:`time.process_time`) and the event-loop thread
(:func:`time.thread_time`, sampled on that thread). Python runs the load on the
loop thread, so when that thread is near one full core the measured latencies
include the client's own queueing: the report warns, and ``--processes`` helps.
"""

from __future__ import annotations

import resource
import time
from collections.abc import Callable
from typing import Any

__all__ = ["SATURATED", "CpuMeter"]

SATURATED = 0.9
"""The event-loop thread is *saturated* above this fraction of one core."""


class CpuMeter:
    """Samples CPU time against wall time; call :meth:`sample` from the event-loop thread."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.perf_counter,
        process_cpu: Callable[[], float] = time.process_time,
        thread_cpu: Callable[[], float] = time.thread_time,
    ) -> None:
        self._clock, self._process, self._thread = clock, process_cpu, thread_cpu
        self._usage = resource.getrusage(resource.RUSAGE_SELF)
        self._start = self._last = (clock(), process_cpu(), thread_cpu())
        self.peak_loop = 0.0
        self.saturated_samples = 0
        self.samples = 0

    def sample(self) -> float:
        """The loop thread's share of a core since the last sample (also tracked for the report)."""
        now = (self._clock(), self._process(), self._thread())
        wall = now[0] - self._last[0]
        share = (now[2] - self._last[2]) / wall if wall > 0 else 0.0
        self._last = now
        self.samples += 1
        self.peak_loop = max(self.peak_loop, share)
        self.saturated_samples += share >= SATURATED
        return share

    def summary(self) -> dict[str, Any]:
        """CPU seconds, shares of one core, and whether the loop thread was saturated."""
        end = (self._clock(), self._process(), self._thread())
        usage = resource.getrusage(resource.RUSAGE_SELF)
        wall = max(end[0] - self._start[0], 1e-9)
        loop_share = (end[2] - self._start[2]) / wall
        return {
            "wall_s": wall,
            "process_cpu_s": end[1] - self._start[1],
            "user_s": usage.ru_utime - self._usage.ru_utime,
            "system_s": usage.ru_stime - self._usage.ru_stime,
            "process_core_fraction": (end[1] - self._start[1]) / wall,
            "loop_core_fraction": loop_share,
            "loop_peak_core_fraction": max(self.peak_loop, loop_share),
            "saturated": loop_share >= SATURATED,
        }

    @staticmethod
    def warning(summary: dict[str, Any]) -> str | None:
        """A one-line warning when the loop thread was saturated, else ``None``."""
        if not summary.get("saturated"):
            return None
        share = summary["loop_core_fraction"]
        return (
            f"the load generator's event loop used {share:.0%} of a core: latencies include "
            "client-side queueing; spread the load with --processes"
        )
