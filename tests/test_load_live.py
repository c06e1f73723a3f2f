"""The load generator's CPU meter (saturation warning) and live progress counters, on fake clocks."""

from __future__ import annotations

import io

import pytest

from agentrt.load.cpu import CpuMeter
from agentrt.load.progress import LiveStats, Progress, render_line


class Ticker:
    """A settable clock."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_cpu_meter_reports_shares_of_a_core_and_warns_when_saturated() -> None:
    wall, proc, thread = Ticker(), Ticker(), Ticker()
    meter = CpuMeter(clock=wall, process_cpu=proc, thread_cpu=thread)
    wall.now, proc.now, thread.now = 1.0, 0.9, 0.5
    assert meter.sample() == pytest.approx(0.5)
    wall.now, proc.now, thread.now = 2.0, 2.3, 1.5
    assert meter.sample() == pytest.approx(1.0)
    s = meter.summary()
    assert s["loop_core_fraction"] == pytest.approx(0.75)
    assert s["process_core_fraction"] == pytest.approx(1.15)
    assert s["loop_peak_core_fraction"] == pytest.approx(1.0)
    assert s["saturated"] is False
    assert CpuMeter.warning(s) is None
    wall.now, thread.now = 4.0, 3.7
    s = meter.summary()
    assert s["saturated"] is True
    assert "92% of a core" in (CpuMeter.warning(s) or "")


def test_live_stats_current_rps_and_p50_ttft() -> None:
    clock = Ticker()
    live = LiveStats(clock)
    for i in range(10):
        clock.now = i * 0.5
        live.finished(ok=i != 3, ttft=0.1 * (i + 1))
    snap = live.snapshot()
    assert (snap["completed"], snap["errors"]) == (10, 1)
    assert snap["rps"] == pytest.approx(5 / 2.0)  # 4.5 s: the last 2 s hold 5 finishes
    assert snap["p50_ttft"] == pytest.approx(0.55)
    live.merge_counts(4, 2, [0.2])
    assert (live.completed, live.errors) == (14, 3)
    assert "completed       14" in render_line(live.snapshot())


def test_live_line_shows_dropped_arrivals_once_there_are_some() -> None:
    live = LiveStats(Ticker())
    assert "dropped" not in render_line(live.snapshot())
    live.dropped += 2
    live.merge_counts(0, 0, [], dropped=1_500)
    assert live.snapshot()["dropped"] == 1_502
    assert render_line(live.snapshot()).endswith("dropped 1,502")


def test_progress_draws_only_when_enabled() -> None:
    live = LiveStats()
    live.finished(ok=True, ttft=0.25)
    quiet = io.StringIO()
    with Progress(live, stream=quiet) as progress:  # not a terminal: off by default
        progress.refresh()
    assert quiet.getvalue() == ""
    shown = io.StringIO()
    with Progress(live, enabled=True, stream=shown) as progress:
        progress.refresh()
    assert "p50 TTFT" in shown.getvalue()
    assert "250.0 ms" in shown.getvalue()
