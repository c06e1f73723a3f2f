"""Hostile input for the load report's words: odd plans, odd workers, odd time series.

Each table is one class of hostile input; the next case of a class is one line. Whatever
comes in, the page renders, the settings table holds no Python repr or JSON, text from a
worker cannot inject markup (HTML) or control characters (the terminal summary), and the
over-time charts draw no spike from a sliver of an interval.
"""

from __future__ import annotations

import html
import math
import re
from typing import Any

import pytest

from agentrt.load.html import render_html
from agentrt.load.metrics import Metrics
from agentrt.load.records import RequestRecord
from agentrt.load.report import build_report, summary_text

PLAN = {"endpoint": "127.0.0.1:1", "model": "m", "mode": "closed", "call": "stream"}
CPU = [{"loop_core_fraction": 0.5, "process_core_fraction": 0.7}]
REPR = ("None", "True", "False", "{", "}", "[", "]", "nan", "inf", "null")


def _report(**extra: Any) -> dict[str, Any]:
    records = [RequestRecord(index=i, start=i * 0.1, elapsed=0.05, ttft=0.01) for i in range(20)]
    report = build_report(
        plan=PLAN, metrics=Metrics(), records=records, wall=2.0, started_unix=0.0, cpu=CPU
    )
    return {**report, **extra}


def _settings(page: str) -> str:
    start = page.index('<table class="settings">')
    return page[start : page.index("</table>", start)]


@pytest.mark.parametrize(
    "plan",
    [
        {"extra": {"a": None, "b": True, "c": [1, None, "x"]}},
        {"tags": [], "labels": {}, "flags": [True, False]},
        {"duration_s": math.inf, "timeout_s": math.nan},
        {"requests": 10**20, "warmup": -1, "seed": 2**63},
        {"concurrency": {"start": 3}},
        {"concurrency": {"kind": "zigzag", "start": 2, "step": 1, "every": 0}},
        {"concurrency": {"kind": "step", "start": 50, "step": -5, "every": 2, "end": 80}},
        {"rate": {"kind": "linear", "start": 0.5, "step": 0.25, "every": 0.5, "end": None}},
        {"rate": {"kind": "step", "start": 1, "step": 1, "every": 1, "end": 1}},
        {"concurrency": None, "rate": None, "max_in_flight": None, "agent": None},
        {"slo_s": {}, "mode": "sideways", "call": "carrier pigeon"},
        {"slo_s": {"ttft": 0.0005, "e2e": 90.0}, "max_in_flight": 10**6},
    ],
)
def test_odd_plans_are_still_written_in_words(plan: dict[str, Any]) -> None:
    table = _settings(render_html(_report(plan={**PLAN, **plan})))
    cells = re.findall(r"<td>(.*?)</td>", table)
    for needle in REPR:
        assert not [c for c in cells if needle in c], needle


@pytest.mark.parametrize(
    "hostile",
    [
        "<img src=x onerror=alert(1)>",
        "</td></table><script>alert(1)</script>",
        '" onmouseover="alert(1)',
    ],
)
def test_text_from_the_plan_or_a_worker_cannot_inject_markup(hostile: str) -> None:
    distributed = {"workers": 1, "shares": [{"worker": hostile, "requests": 1, "chunks": 1}]}
    plan = {**PLAN, "model": hostile, "extra": hostile}
    page = render_html(_report(plan=plan, distributed=distributed))
    assert f"<td>{html.escape(hostile)}</td><td>1</td>" in page  # the Workers table
    assert hostile not in page
    assert "<script>alert" not in page
    assert "<img" not in page


@pytest.mark.parametrize(
    ("distributed", "line"),
    [
        ({"workers": 2, "shares": []}, "over 2 Locust workers"),
        ({"workers": 1, "shares": [{"worker": "w", "requests": 0}]}, "over 1 Locust worker (w -)"),
        (
            {"workers": "3", "shares": [{"worker": "a", "requests": 1}]},
            "over 1 Locust worker (a 100%)",
        ),
        ({"shares": None}, "over 0 Locust workers"),
        ({"workers": 2, "shares": ["w1", None, {"worker": "w2", "requests": 4}]}, "(w2 100%)"),
        (
            {"shares": [{"worker": "x", "requests": -5}, {"worker": "y", "requests": True}]},
            "(x -, y -)",
        ),
        (
            {"shares": [{"worker": "x", "requests": "9"}, {"worker": "y", "requests": 1}]},
            "(x 0%, y 100%)",
        ),
        ({"shares": [{"worker": "a\nb\x1b[31mred\r", "requests": 1}]}, "(ab[31mred 100%)"),
        ({"shares": [{"worker": "w" * 500, "requests": 1}]}, "(" + "w" * 39 + "… 100%)"),
        ({"shares": [{"worker": None, "requests": 1, "lost": "yes"}]}, "(None 100%; 1 lost)"),
        (
            {"shares": [{"worker": f"w{i}", "requests": 1} for i in range(50)]},
            "w7 2%, 42 more)",
        ),
        (None, None),  # not a mapping: ignored, as if the run was on one machine
        ([], None),
        ("2 workers", None),
        (3, None),
    ],
)
def test_odd_worker_shares_make_one_clean_summary_line_and_a_table(
    distributed: Any, line: str | None
) -> None:
    report = _report(distributed=distributed)
    lines = [ln for ln in summary_text(report).splitlines() if ln.startswith("distributed")]
    if line is None:
        assert lines == []
        assert "Workers" not in render_html(report)
        return
    assert len(lines) == 1
    assert line in lines[0]
    assert all(ch.isprintable() for ch in lines[0])
    page = render_html(report)
    assert "<h2>Workers</h2>" in page
    assert "\x1b" not in page


def _rates(page: str) -> list[float]:
    tips = re.findall(r'data-tip="completed/s at [0-9.e+-]+ s: ([0-9,.]+)', page)
    return [float(v.replace(",", "")) for v in tips]


@pytest.mark.parametrize(
    ("wall", "ends"),
    [
        (10.4, [i * 0.05 + 0.025 for i in range(208)]),  # 10.4 / 0.1 is 104.00000000000001
        (0.05, [0.01, 0.02, 0.03]),  # the whole run is one short interval: still drawn
        (3.0001, [i * 0.01 + 0.005 for i in range(300)] + [3.00005] * 3),
        (0.0, []),
    ],
)
def test_a_sliver_of_a_last_interval_draws_no_spike(wall: float, ends: list[float]) -> None:
    records = [
        RequestRecord(index=i, start=max(0.0, end - 0.005), elapsed=min(end, 0.005))
        for i, end in enumerate(ends)
    ]
    report = build_report(
        plan=PLAN, metrics=Metrics(), records=records, wall=wall, started_unix=0.0, cpu=CPU
    )
    assert sum(row["completed"] for row in report["time_series"]) == len(ends)
    rates = _rates(render_html(report))
    if not ends:
        return
    assert rates, "nothing drawn"
    steady = len(ends) / max(wall, 0.1)
    assert max(rates) <= max(steady * 1.3, len(ends) / wall), rates[-3:]
    # A report written by an older agentrt (no span_s) still renders every point.
    older = {**report, "time_series": [dict(row) for row in report["time_series"]]}
    for row in older["time_series"]:
        del row["span_s"]
    assert len(_rates(render_html(older))) == len(report["time_series"])
