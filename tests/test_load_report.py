"""Load-test outputs from synthetic records: report, time series, JSON/CSV/JSONL/HTML files."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

import pytest

from agentrt.load.html import render_html
from agentrt.load.metrics import Histogram, Metrics, gaps
from agentrt.load.plan import LoadPlan
from agentrt.load.prompts import Corpus
from agentrt.load.records import FIELDS, RequestRecord
from agentrt.load.report import (
    build_report,
    chart_bins,
    summary_text,
    write_csv,
    write_json,
    write_jsonl,
)
from agentrt.load.schedule import Ramp
from agentrt.load.timeseries import bin_width, time_series
from agentrt.load.units import parse_slo

PLAN = {
    "endpoint": "127.0.0.1:1",
    "model": "m",
    "mode": "open",
    "call": "stream",
    "slo_s": {"ttft": 0.5},
}
CPU = [{"loop_core_fraction": 0.5, "process_core_fraction": 0.7}]


def _records() -> list[RequestRecord]:
    out = []
    for i in range(40):
        ok = i % 10 != 9
        out.append(
            RequestRecord(
                index=i,
                start=i * 0.1,
                lag=0.02 if i == 5 else 0.0,
                status="OK" if ok else "UNAVAILABLE",
                error="" if ok else "UNAVAILABLE: down",
                elapsed=0.3,
                ttft=0.1 + i * 0.001 if ok else None,
                e2e=0.3 if ok else None,
                tpot=0.02 if ok else None,
                max_itl=0.03 if ok else None,
                chunks=11 if ok else 0,
                output_tokens=11 if ok else 0,
                tokens_per_s=11 / 0.3 if ok else None,
                finish_reason="stop" if ok else "",
                good=ok and i < 20,
            )
        )
    return out


def _report() -> tuple[dict[str, Any], list[RequestRecord]]:
    records = _records()
    metrics = Metrics()
    for r in records:
        metrics.add(r, gaps([0.0, 0.02, 0.04]) if r.ok else ())
    report = build_report(
        plan=PLAN, metrics=metrics, records=records, wall=4.3, started_unix=0.0, cpu=CPU,
        warnings=["the load generator's event loop used 95% of a core"],
    )  # fmt: skip
    return report, records


def test_report_has_the_summary_histograms_and_time_series() -> None:
    report, _ = _report()
    s = report["summary"]
    assert (s["requests"], s["failed"], s["errors_by_code"]) == (40, 4, {"UNAVAILABLE": 4})
    assert s["schedule"]["late_requests"] == 1
    assert sum(report["histograms_s"]["ttft"]["counts"]) == 36
    assert report["started"] == "1970-01-01T00:00:00Z"
    json.dumps(report)  # JSON-ready


def test_time_series_bins_requests_by_finish_time() -> None:
    series = time_series(_records(), wall=4.3, width=1.0)
    assert [row["t"] for row in series] == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert sum(row["completed"] for row in series) == 40
    assert sum(row["errors"] for row in series) == 4
    # requests 0..6 end before 1.0 s (start i*0.1 + 0.3)
    assert series[0]["completed"] == 7
    assert series[0]["output_tokens_per_s"] == pytest.approx(77.0)
    assert series[0]["ttft_p50_s"] == pytest.approx(0.103)
    assert series[-1]["requests_per_s"] == pytest.approx(series[-1]["completed"] / 0.3)
    assert bin_width(30) == 0.25
    assert bin_width(3600) == 30


def test_chart_bins_keep_every_count() -> None:
    h = Histogram()
    h.record_many([0.001 * (1 + i % 50) for i in range(1000)])
    bins = chart_bins(h, bins=20)
    assert len(bins["edges"]) == 21
    assert len(bins["counts"]) == 20
    assert sum(bins["counts"]) == 1000
    assert chart_bins(Histogram()) == {"edges": [], "counts": []}


def test_summary_text_names_everything() -> None:
    report, _ = _report()
    text = summary_text(report)
    for needle in ("TTFT", "ITL", "TPOT", "E2E", "UNAVAILABLE 4", "stop 36", "goodput", "warning"):
        assert needle in text


def test_files_are_written_and_valid(tmp_path: Path) -> None:
    report, records = _report()
    write_json(tmp_path / "r.json", report)
    write_jsonl(tmp_path / "r.jsonl", records)
    write_csv(tmp_path / "r.csv", records)
    assert json.loads((tmp_path / "r.json").read_text()) == report
    lines = (tmp_path / "r.jsonl").read_text().splitlines()
    assert [RequestRecord.from_dict(json.loads(ln)) for ln in lines] == records
    with (tmp_path / "r.csv").open() as f:
        rows = list(csv.reader(f))
    assert tuple(rows[0]) == FIELDS
    assert len(rows) == 41
    assert rows[10][FIELDS.index("status")] == "UNAVAILABLE"
    assert rows[10][FIELDS.index("ttft")] == ""


def test_html_is_self_contained() -> None:
    report, _ = _report()
    page = render_html(report)
    assert page.count('<svg class="chart') == 7
    assert '<rect class="bar"' in page
    assert page.count("<polyline") >= 3
    stripped = page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "http://" not in stripped
    assert "https://" not in stripped
    assert "<script src" not in page
    assert "<link" not in page


def test_falling_behind_the_open_loop_schedule_is_a_warning() -> None:
    metrics = Metrics()
    for i in range(100):
        metrics.add(RequestRecord(index=i, start=i * 0.01, lag=0.05 if i < 5 else 0.001))
    report = build_report(
        plan=PLAN, metrics=metrics, records=[], wall=1.0, started_unix=0.0, cpu=CPU
    )
    (warning,) = report["warnings"]
    assert "fell behind its schedule: 5 of 100 requests started more than 10 ms late" in warning
    closed = build_report(
        plan={**PLAN, "mode": "closed"},
        metrics=metrics,
        records=[],
        wall=1.0,
        started_unix=0.0,
        cpu=CPU,
    )
    assert closed["warnings"] == []


def test_dropped_arrivals_are_in_the_summary_table_html_and_a_warning() -> None:
    metrics = Metrics()
    for i in range(10):
        metrics.add(RequestRecord(index=i, start=i * 0.1))
    metrics.dropped = 1234
    plan = {**PLAN, "max_in_flight": 10}
    report = build_report(
        plan=plan, metrics=metrics, records=[], wall=1.0, started_unix=0.0, cpu=CPU
    )
    assert report["summary"]["dropped"] == 1234
    assert report["warnings"] == [
        "1,234 arrivals dropped: 10 requests were already in flight (--max-in-flight); the "
        "service is slower than the offered rate — lower --rate or raise --max-in-flight"
    ]
    text = summary_text(report)
    assert "dropped       1,234 arrivals not sent (at most 10 in flight)" in text
    assert "warning       1,234 arrivals dropped" in text
    page = render_html(report)
    assert "<td>dropped arrivals (--max-in-flight)</td><td>1,234</td>" in page
    assert "1,234 arrivals dropped: 10 requests were already in flight" in page
    assert json.loads(json.dumps(report)) == report


def test_no_drops_no_warning_and_closed_loop_shows_no_drop_line() -> None:
    report, _ = _report()
    assert report["summary"]["dropped"] == 0
    assert not any("dropped" in w for w in report["warnings"])
    assert "dropped       0 arrivals not sent" in summary_text(report)
    closed = {**report, "plan": {**PLAN, "mode": "closed"}}
    assert "arrivals not sent" not in summary_text(closed)
    assert "dropped arrivals" not in render_html(closed)


def test_the_dropped_warning_says_one_arrival_and_one_request_in_the_singular() -> None:
    metrics = Metrics()
    metrics.add(RequestRecord(index=0, start=0.0))
    metrics.dropped = 1
    plan = {**PLAN, "max_in_flight": 1}
    report = build_report(
        plan=plan, metrics=metrics, records=[], wall=1.0, started_unix=0.0, cpu=CPU
    )
    assert report["warnings"][0].startswith(
        "1 arrival dropped: 1 request was already in flight (--max-in-flight)"
    )


def test_the_time_series_and_its_chart_show_when_arrivals_were_dropped() -> None:
    metrics = Metrics()
    for i in range(10):
        metrics.add(RequestRecord(index=i, start=i * 0.1, e2e=0.05, elapsed=0.05))
    for at in (0.12, 0.13, 0.61):
        metrics.drop(at)
    plan = {**PLAN, "max_in_flight": 10}
    report = build_report(
        plan=plan, metrics=metrics, records=[], wall=1.0, started_unix=0.0, cpu=CPU
    )
    series = report["time_series"]
    width = series[1]["t"] - series[0]["t"]
    by_bin = {round(row["t"] / width): row["dropped"] for row in series if row["dropped"]}
    assert by_bin == {round(0.12 // width): 2, round(0.61 // width): 1}
    assert sum(row["dropped"] for row in series) == 3
    assert "dropped/s" in render_html(report)
    quiet = build_report(
        plan=plan, metrics=Metrics(), records=[], wall=1.0, started_unix=0.0, cpu=CPU
    )
    assert "dropped/s" not in render_html(quiet)


def test_the_requests_chart_plots_errors_per_second_like_the_other_series() -> None:
    failed = [
        RequestRecord(index=i, start=0.0, status="UNAVAILABLE", elapsed=0.1) for i in range(3)
    ]
    series = time_series(failed, wall=1.0, width=0.25)
    assert (series[0]["errors"], series[0]["errors_per_s"]) == (3, pytest.approx(12.0))
    assert series[0]["errors_per_s"] == series[0]["requests_per_s"]  # every request failed
    metrics = Metrics()
    for r in failed:
        metrics.add(r)
    report = build_report(
        plan=PLAN, metrics=metrics, records=failed, wall=1.0, started_unix=0.0, cpu=CPU
    )
    page = render_html(report)
    assert "errors/s" in page
    assert ">errors<" not in page


def _plan(**kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"model": "grok-3", "corpus": Corpus.from_prompt("hi"), "duration": 30.0}
    return LoadPlan(**{**base, **kw}).describe()


def _settings(page: str) -> str:
    start = page.index('<table class="settings">')
    return page[start : page.index("</table>", start)]


@pytest.mark.parametrize(
    ("plan", "words"),
    [
        (_plan(concurrency=Ramp(start=20)), ["20 users, constant", "30 s", "no", "60 s"]),
        (_plan(concurrency=Ramp(start=1)), ["1 user, constant"]),
        (
            _plan(concurrency=Ramp(kind="step", start=1, step=5, every=3, end=50)),
            ["ramp 1 → 50 users over 30 s (+5 every 3 s)"],
        ),
        (_plan(rate=Ramp(start=5), requests=100, duration=None), ["5 requests/s, Poisson", "100"]),
        (
            _plan(rate=Ramp(kind="linear", start=10, step=2, every=1), max_in_flight=50),
            ["ramp from 10 requests/s, linear, +2 per 1 s, no end, Poisson", "50 requests"],
        ),
        (
            _plan(concurrency=Ramp(start=4), slo=parse_slo("ttft=500ms,tpot=50ms"), retries=True),
            ["TTFT ≤ 500 ms, TPOT ≤ 50 ms", "yes"],
        ),
        (
            _plan(concurrency=Ramp(start=2), stream=False, max_tokens=64, warmup=3, timeout=0.25),
            ["unary", "64", "3 requests, discarded", "250 ms"],
        ),
    ],
)
def test_the_settings_table_is_in_words_not_python_or_json(
    plan: dict[str, Any], words: list[str]
) -> None:
    report, _ = _report()
    table = _settings(render_html({**report, "plan": plan}))
    for needle in ("None", "{", "}", "[", "True", "False", "null", "_s<"):
        assert needle not in table, needle
    for word in words:
        assert word in table, word


def _steady(tail: float, in_tail: int) -> dict[str, Any]:
    """200 requests/s finish, steadily, for 30 s; then ``in_tail`` more in the last ``tail`` s."""
    ends = [(k + 0.5) * 0.005 for k in range(6000)]
    ends += [30.0 + (k + 0.5) * tail / in_tail for k in range(in_tail)]
    records = [
        RequestRecord(index=i, start=end - min(end, 0.05), elapsed=min(end, 0.05), ttft=0.01)
        for i, end in enumerate(ends)
    ]
    return build_report(
        plan=PLAN, metrics=Metrics(), records=records, wall=30.0 + tail, started_unix=0.0, cpu=CPU
    )


@pytest.mark.parametrize(
    ("tail", "in_tail", "drawn_partial"),
    [
        (0.4, 80, True),  # the run ends 0.4 s into a 0.5-s interval: drawn, marked partial
        (0.3, 60, True),
        (0.004, 3, False),  # a sliver with the last requests draining: left out of the chart
        (0.02, 6, False),
    ],
)
def test_the_last_partial_interval_is_not_drawn_as_a_spike(
    tail: float, in_tail: int, drawn_partial: bool
) -> None:
    report = _steady(tail, in_tail)
    assert sum(row["completed"] for row in report["time_series"]) == 6000 + in_tail
    last = report["time_series"][-1]
    assert last["span_s"] == pytest.approx(tail)
    assert last["requests_per_s"] == pytest.approx(last["completed"] / tail)
    page = render_html(report)
    tips = re.findall(r'data-tip="completed/s at ([0-9.]+) s: ([0-9,.]+)( \(.*?\))?"', page)
    rates = [float(v.replace(",", "")) for _, v, _ in tips]
    assert len(rates) >= 60
    assert max(rates) <= 200 * 1.05, max(rates)
    assert min(rates[1:]) >= 200 * 0.95
    assert ("dashed: last interval, partial" in page) is drawn_partial
    assert bool(tips[-1][2]) is drawn_partial
    assert float(tips[-1][0]) == (30.0 if drawn_partial else 29.5)


def test_each_legend_swatch_has_its_lines_colour_and_the_colours_differ() -> None:
    report, _ = _report()
    charts = re.findall(r'<svg class="chart timeseries".*?</svg>', render_html(report))
    assert len(charts) == 3
    for chart in charts:
        strokes = re.findall(r'<polyline fill="none" stroke="(#[0-9a-f]{6})"', chart)
        swatches = re.findall(r'<rect class="swatch"[^>]* fill="(#[0-9a-f]{6})"', chart)
        assert swatches == strokes
        assert len(set(strokes)) == len(strokes)
    assert len(re.findall(r'class="swatch"', charts[0])) == 2  # TTFT p50 and p90


DISTRIBUTED = {
    "workers": 2,
    "shares": [
        {"worker": "w1", "requests": 26, "chunks": 260, "lost": False},
        {"worker": "w2", "requests": 24, "chunks": 240, "lost": True},
    ],
}


def test_a_distributed_run_names_its_workers_and_their_shares() -> None:
    report, _ = _report()
    report = {**report, "distributed": DISTRIBUTED}
    lines = summary_text(report).splitlines()
    assert "distributed   over 2 Locust workers (w1 52%, w2 48%; 1 lost)" in lines
    page = render_html(report)
    assert "<h2>Workers</h2>" in page
    assert "distributed over 2 Locust workers; 1 lost during the run" in page
    assert "<tr><td>w1</td><td>26</td><td>260</td><td>52.0%</td><td>ok</td></tr>" in page
    assert '<tr class="lost"><td>w2</td><td>24</td><td>240</td><td>48.0%</td><td>lost</td>' in page
    # A one-machine run (no "distributed" key) shows none of it.
    report, _ = _report()
    assert "distributed" not in summary_text(report)
    page = render_html(report)
    assert "Workers" not in page
    assert "Locust" not in page
