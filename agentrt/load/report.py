"""The outputs of a load test: the report (JSON), the summary table, CSV and JSONL.

:func:`build_report` makes one JSON-ready dict: the plan, the summary figures
(:meth:`~agentrt.load.metrics.Metrics.summary`), latency histograms binned for
charts, a time series, the load generator's CPU use and any warnings (among
them: open-loop arrivals dropped at ``--max-in-flight``). The
per-request records go to JSONL (``--records``) and CSV (``--csv``), one row
per request with the columns of :data:`~agentrt.load.records.FIELDS`.
"""

from __future__ import annotations

import csv
import json
import math
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from agentrt.errors import UsageError
from agentrt.load.metrics import LATE, Histogram, Metrics
from agentrt.load.records import FIELDS, RequestRecord
from agentrt.load.timeseries import time_series

__all__ = [
    "build_report",
    "chart_bins",
    "cost_text",
    "distributed_text",
    "report_of",
    "summary_text",
    "worker_label",
    "worker_shares",
    "write_csv",
    "write_json",
    "write_jsonl",
]

_LATENCIES = ("ttft", "itl", "tpot", "e2e")


def chart_bins(h: Histogram, *, bins: int = 40) -> dict[str, list[float]]:
    """``h`` regrouped into at most ``bins`` log-spaced bins: ``edges`` (n+1) and ``counts`` (n)."""
    buckets = h.buckets()
    if not buckets:
        return {"edges": [], "counts": []}
    lo, hi = max(buckets[0][0], 1e-9), max(buckets[-1][0], 1e-9)
    if hi <= lo * 1.0001:
        return {"edges": [lo, hi * 1.0001 + 1e-9], "counts": [sum(c for _, c in buckets)]}
    ratio = (hi / lo) ** (1 / bins)
    edges = [lo * ratio**i for i in range(bins + 1)]
    counts = [0] * bins
    log_lo, log_ratio = math.log(lo), math.log(ratio)
    for value, count in buckets:
        i = int((math.log(max(value, lo)) - log_lo) / log_ratio)
        counts[min(bins - 1, max(0, i))] += count
    return {"edges": edges, "counts": [float(c) for c in counts]}


def build_report(
    *,
    plan: dict[str, Any],
    metrics: Metrics,
    records: Sequence[RequestRecord],
    wall: float,
    started_unix: float,
    cpu: list[dict[str, Any]],
    warnings: Sequence[str] = (),
    partial: bool = False,
    distributed: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The whole report as a JSON-ready dict (``partial``: the run was stopped early).

    ``distributed``: a run on Locust's workers (:mod:`agentrt.load.locust`): ``workers``
    (connected at the start) and ``shares`` (each one's requests, chunks and ``lost``);
    stored under the key ``distributed`` only when given.
    """
    from agentrt._version import __version__

    warnings = [*warnings, *_schedule_warning(plan, metrics), *_dropped_warning(plan, metrics)]
    report = {
        "agentrt": __version__,
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started_unix)),
        "plan": plan,
        "partial": partial,
        "wall_s": wall,
        "summary": metrics.summary(wall),
        "histograms_s": {n: chart_bins(getattr(metrics, n)) for n in _LATENCIES},
        "time_series": time_series(records, wall, drops=metrics.drops),
        "cpu": cpu,
        "warnings": list(warnings),
    }
    if distributed is not None:
        report["distributed"] = distributed
    return report


def _schedule_warning(plan: dict[str, Any], metrics: Metrics) -> list[str]:
    """A warning when more than 1 % of open-loop requests started late."""
    if plan.get("mode") != "open" or metrics.late <= max(1, metrics.requests // 100):
        return []
    lag = metrics.lag
    return [
        f"the load generator fell behind its schedule: {metrics.late:,} of {metrics.requests:,} "
        f"requests started more than {LATE * 1000:.0f} ms late (p99 lag "
        f"{lag.percentile(99) * 1000:,.1f} ms, max {lag.max * 1000:,.1f} ms)"
    ]


def _dropped_warning(plan: dict[str, Any], metrics: Metrics) -> list[str]:
    """A warning when open-loop arrivals were dropped at ``--max-in-flight``."""
    if not metrics.dropped:
        return []
    cap = plan.get("max_in_flight")
    if cap == 1:
        in_flight = "1 request was"
    else:
        in_flight = f"{cap:,} requests were" if isinstance(cap, int) else "the most allowed were"
    n = metrics.dropped
    arrivals = "1 arrival" if n == 1 else f"{n:,} arrivals"
    return [
        f"{arrivals} dropped: {in_flight} already in flight "
        "(--max-in-flight); the service is slower than the offered rate — lower --rate or "
        "raise --max-in-flight"
    ]


def _ms(value: float) -> str:
    return f"{value * 1000:,.2f}"


def _latency_lines(s: dict[str, Any]) -> list[str]:
    cols = ("mean", "p50", "p90", "p95", "p99", "max")
    lines = ["latency (ms)  " + "".join(f"{c:>10}" for c in cols) + f"{'n':>9}"]
    for key, label in (("ttft", "TTFT"), ("itl", "ITL"), ("tpot", "TPOT"), ("e2e", "E2E")):
        h = s["latency_s"][key]
        cells = "".join(f"{_ms(h[c]):>10}" for c in cols)
        lines.append(f"{label:<14}{cells}{int(h['count']):>9,}")
    t = s["request_tokens_per_s"]
    cells = "".join(f"{t[c]:>10,.1f}" for c in cols)
    lines.append(f"{'tokens/s/req':<14}{cells}{int(t['count']):>9,}")
    return lines


def _open_loop_lines(report: dict[str, Any]) -> list[str]:
    s, cap = report["summary"], report["plan"].get("max_in_flight")
    lag = s["schedule"]["lag_s"]
    limit = f" (at most {cap:,} in flight)" if isinstance(cap, int) else ""
    return [
        f"schedule      {s['schedule']['late_requests']:,} requests started >10 ms late; "
        f"lag p99 {_ms(lag['p99'])} ms, max {_ms(lag['max'])} ms",
        f"dropped       {s.get('dropped', 0):,} arrivals not sent{limit}",
    ]


def summary_text(report: dict[str, Any]) -> str:
    """The end-of-run summary: a latency table (ms) and the totals, as plain text."""
    s = report["summary"]
    lines = _latency_lines(s)
    lines += [
        "",
        f"requests      {s['requests']:,} in {report['wall_s']:.2f} s "
        f"({s['requests_per_s']:,.1f}/s): {s['succeeded']:,} ok, {s['failed']:,} failed "
        f"({s['error_rate']:.2%})",
        f"throughput    {s['output_tokens_per_s']:,.1f} output tokens/s, "
        f"{s['chunks_per_s']:,.1f} chunks/s",
    ]
    if report["plan"].get("slo_s"):
        lines.append(
            f"goodput       {s['goodput_per_s']:,.2f} req/s ({s['goodput_fraction']:.1%} met the SLO)"
        )
    if s["errors_by_code"]:
        codes = ", ".join(f"{k} {v:,}" for k, v in s["errors_by_code"].items())
        lines.append(f"errors        {codes}")
    reasons = ", ".join(f"{k} {v:,}" for k, v in s["finish_reasons"].items()) or "-"
    lines.append(f"finish        {reasons}")
    if s.get("cost_usd") is not None:
        lines.append(f"cost          {cost_text(s)}")
    if report["plan"].get("mode") == "open":
        lines += _open_loop_lines(report)
    loop = ", ".join(f"{c['loop_core_fraction']:.0%}" for c in report["cpu"])
    proc = ", ".join(f"{c['process_core_fraction']:.0%}" for c in report["cpu"])
    lines.append(f"client CPU    event loop {loop} of a core; whole process {proc}")
    distributed = distributed_text(report)
    if distributed:
        lines.append(f"distributed   {distributed}")
    if report.get("partial"):
        lines.append(PARTIAL)
    lines += [f"warning       {w}" for w in report["warnings"]]
    return "\n".join(lines)


WorkerShare = tuple[str, int, int, float | None, bool]
"""One worker of a distributed run: label, requests, chunks, share of the requests, lost."""


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def worker_label(worker: Any) -> str:
    """A worker's id as one printable line of at most 40 characters (it came from the worker)."""
    text = "".join(ch for ch in str(worker) if ch.isprintable()).strip() or "?"
    return text if len(text) <= 40 else text[:39] + "…"


def worker_shares(distributed: dict[str, Any]) -> tuple[int, list[WorkerShare]]:
    """The report's ``distributed`` key as (worker count, one :data:`WorkerShare` a worker)."""
    shares = [s for s in distributed.get("shares") or [] if isinstance(s, dict)]
    total = sum(_count(s.get("requests")) for s in shares)
    rows = [
        (
            worker_label(s.get("worker")),
            _count(s.get("requests")),
            _count(s.get("chunks")),
            _count(s.get("requests")) / total if total else None,
            bool(s.get("lost")),
        )
        for s in shares
    ]
    count = distributed.get("workers")
    return _count(count) or len(rows), rows


def distributed_text(report: dict[str, Any]) -> str | None:
    """``over 2 Locust workers (w1 52%, w2 48%; 1 lost)``; ``None`` for a one-machine run."""
    distributed = report.get("distributed")
    if not isinstance(distributed, dict):
        return None
    count, rows = worker_shares(distributed)
    parts = [f"{label} {'-' if pct is None else f'{pct:.0%}'}" for label, _, _, pct, _ in rows]
    if len(parts) > 8:  # one line, however many workers
        parts = [*parts[:8], f"{len(parts) - 8:,} more"]
    lost = sum(1 for row in rows if row[4])
    inner = ", ".join(parts) + (f"; {lost:,} lost" if lost else "")
    noun = "worker" if count == 1 else "workers"
    return f"over {count:,} Locust {noun}" + (f" ({inner})" if inner else "")


def cost_text(s: dict[str, Any]) -> str:
    """``$0.0123 in all, $0.000123 a request, $0.123 per 1,000; 8,130.1 good requests per $``."""
    per_dollar = s["goodput_per_usd"]
    good = "-" if per_dollar is None else f"{per_dollar:,.1f}"
    return (
        f"{_usd(s['cost_usd'])} in all, {_usd(s['cost_per_request_usd'])} a request, "
        f"{_usd(s['cost_per_1k_requests_usd'])} per 1,000; {good} good requests per $"
    )


def _usd(value: float | None) -> str:
    """Dollars to 3 significant digits, at most 10 decimals (a tick is 1e-10 USD)."""
    if value is None:
        return "-"
    return f"${value:,.2f}" if value >= 1 else f"${value:.3g}" if value >= 1e-10 else "$0"


PARTIAL = "partial       yes: the run was stopped before its end; these figures cover part of it"


def _open(path: str | Path) -> Any:
    try:
        return Path(path).open("w", encoding="utf-8", newline="")
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}") from None


def write_json(path: str | Path, report: dict[str, Any]) -> None:
    """Write the report as indented JSON."""
    with _open(path) as f:
        json.dump(report, f, indent=2)
        f.write("\n")


def write_jsonl(path: str | Path, records: Sequence[RequestRecord]) -> None:
    """Write one JSON object per request (replacing the file in one step: a kill midway
    leaves the lines streamed during the run)."""
    tmp = Path(f"{path}.tmp")
    with _open(tmp) as f:
        for r in records:
            f.write(json.dumps(r.as_dict()))
            f.write("\n")
    os.replace(tmp, path)


def write_csv(path: str | Path, records: Sequence[RequestRecord]) -> None:
    """Write one CSV row per request (header: :data:`FIELDS`; empty cell for ``None``)."""
    with _open(path) as f:
        writer = csv.writer(f)
        writer.writerow(FIELDS)
        for r in records:
            writer.writerow(["" if v is None else v for v in r.as_dict().values()])


def report_of(
    plan: dict[str, Any], result: Any, *, distributed: dict[str, Any] | None = None
) -> dict[str, Any]:
    """:func:`build_report` of a finished run (a :class:`~agentrt.load.runner.LoadResult`)."""
    return build_report(
        plan=plan,
        metrics=result.metrics,
        records=result.records,
        wall=result.wall,
        started_unix=result.started_unix,
        cpu=result.cpu,
        warnings=result.warnings,
        partial=result.partial,
        distributed=distributed,
    )
