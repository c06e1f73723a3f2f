"""A self-contained HTML report: latency histograms, time series, tables.

The page shows the summary tables, four latency histograms, three charts over
time (TTFT p50/p90, output tokens/s, requests/s; each legend swatch in its
line's colour), a Workers section when the run was distributed (the report's
``distributed`` key) and the settings in words (:mod:`agentrt.load.html_settings`).
The run's last interval is usually cut short by its end: the charts leave it
out when it is under half an interval (a few draining requests in a sliver of
a second would read as a spike) and draw it dashed otherwise.

Charts are inline SVG drawn here, with a little inline CSS and JavaScript (hover
read-outs); the page loads nothing from the network, so it opens anywhere,
offline. A ``window.onerror`` hook writes any script error into the page
(``#errors``) and the last script marks ``<body data-ready>``, which is what a
headless-browser test checks.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Any

from agentrt.errors import UsageError
from agentrt.load.html_settings import settings_rows, workers_html
from agentrt.load.report import cost_text, distributed_text

__all__ = ["charted_intervals", "histogram_svg", "line_svg", "render_html", "write_html"]

_W, _H, _PAD_L, _PAD_B, _PAD_T, _PAD_R = 560, 240, 64, 40, 28, 16
_COLORS = ("#2563eb", "#dc2626", "#059669", "#d97706")

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#111;background:#fafafa}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.meta{color:#555}.grid{display:flex;flex-wrap:wrap;gap:16px}
.card{background:#fff;border:1px solid #ddd;border-radius:8px;padding:8px 12px}
table{border-collapse:collapse;background:#fff}td,th{border:1px solid #ddd;padding:4px 10px;text-align:right}
th:first-child,td:first-child{text-align:left}table.settings td{text-align:left}
tr.lost td{background:#fde8e8}svg.chart .note{fill:#666}
svg.chart text{font-size:11px;fill:#333}svg.chart .title{font-size:13px;font-weight:600}
svg.chart .axis{stroke:#888}svg.chart .bar:hover{opacity:.7}
.warn{background:#fff3cd;border:1px solid #e0c36a;padding:6px 10px;border-radius:6px}
#errors:empty{display:none}#errors{color:#b00;font-weight:600}
#readout{position:fixed;right:16px;bottom:16px;background:#111;color:#fff;padding:4px 8px;border-radius:4px;font-size:12px}
#readout:empty{display:none}
"""

_JS = """
window.onerror=function(m,s,l,c,e){var d=document.getElementById('errors');
 d.textContent+=(d.textContent?'\\n':'')+'script error: '+m;return false;};
document.addEventListener('mouseover',function(ev){var t=ev.target.closest&&ev.target.closest('[data-tip]');
 document.getElementById('readout').textContent=t?t.getAttribute('data-tip'):'';});
(function(){var n=document.querySelectorAll('svg.chart').length;
 document.body.setAttribute('data-charts',String(n));document.body.setAttribute('data-ready','1');})();
"""


def _fmt_s(seconds: float) -> str:
    ms = seconds * 1000
    if ms >= 1000:
        return f"{seconds:.3g} s"
    return f"{ms:.3g} ms"


def _svg_open(title: str, kind: str) -> list[str]:
    return [
        f'<svg class="chart {kind}" xmlns="http://www.w3.org/2000/svg" width="{_W}" height="{_H}" '
        f'viewBox="0 0 {_W} {_H}" role="img" aria-label="{escape(title)}">',
        f'<text class="title" x="{_PAD_L}" y="16">{escape(title)}</text>',
        f'<line class="axis" x1="{_PAD_L}" y1="{_H - _PAD_B}" x2="{_W - _PAD_R}" y2="{_H - _PAD_B}"/>',
        f'<line class="axis" x1="{_PAD_L}" y1="{_PAD_T}" x2="{_PAD_L}" y2="{_H - _PAD_B}"/>',
    ]


def _empty(title: str, kind: str) -> str:
    parts = _svg_open(title, kind)
    parts.append(f'<text x="{_W / 2}" y="{_H / 2}" text-anchor="middle">no data</text></svg>')
    return "".join(parts)


def histogram_svg(title: str, edges: Sequence[float], counts: Sequence[float]) -> str:
    """A bar chart of one latency histogram (log-spaced bins of seconds)."""
    if not counts or not any(counts):
        return _empty(title, "histogram")
    parts = _svg_open(title, "histogram")
    plot_w, plot_h = _W - _PAD_L - _PAD_R, _H - _PAD_T - _PAD_B
    top, n = max(counts), len(counts)
    for i, c in enumerate(counts):
        if not c:
            continue
        h = plot_h * c / top
        x = _PAD_L + plot_w * i / n
        tip = f"{_fmt_s(edges[i])} – {_fmt_s(edges[i + 1])}: {int(c):,}"
        parts.append(
            f'<rect class="bar" x="{x:.1f}" y="{_H - _PAD_B - h:.1f}" width="{max(plot_w / n - 1, 1):.1f}" '
            f'height="{h:.1f}" fill="{_COLORS[0]}" data-tip="{escape(tip)}"><title>{escape(tip)}</title></rect>'
        )
    for i in range(0, n + 1, max(1, n // 5)):
        x = _PAD_L + plot_w * i / n
        anchor = "end" if i == n else "middle"  # the last label would run off the chart
        parts.append(
            f'<text x="{x:.1f}" y="{_H - _PAD_B + 16}" text-anchor="{anchor}">{escape(_fmt_s(edges[i]))}</text>'
        )
    parts.append(f'<text x="{_PAD_L - 6}" y="{_PAD_T + 8}" text-anchor="end">{int(top):,}</text>')
    parts.append(f'<text x="{_PAD_L - 6}" y="{_H - _PAD_B}" text-anchor="end">0</text>')
    parts.append("</svg>")
    return "".join(parts)


def _series_svg(
    k: int, name: str, points: list[tuple[float, float, float, float]], fmt: Any, partial: str
) -> list[str]:
    """One series through ``(px, py, t, value)`` points: a polyline and dots with read-outs.
    ``partial``: the last point is the run's last, partial interval (this text says how
    long), drawn dashed with a hollow dot."""
    color = _COLORS[k % len(_COLORS)]
    solid = points[:-1] if partial and len(points) > 1 else points
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in solid)
    parts = [f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{path}"/>']
    if solid is not points:
        (x0, y0, _, _), (x1, y1, _, _) = points[-2], points[-1]
        parts.append(
            f'<line class="partial" x1="{x0:.1f}" y1="{y0:.1f}" x2="{x1:.1f}" y2="{y1:.1f}" '
            f'stroke="{color}" stroke-width="2" stroke-dasharray="4 3"/>'
        )
    for i, (x, y, t, value) in enumerate(points):
        last = partial and i == len(points) - 1
        tip = escape(f"{name} at {t:g} s: {fmt(value)}" + (f" ({partial})" if last else ""))
        fill = "#fff" if last else color
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{fill}" stroke="{color}" '
            f'data-tip="{tip}"><title>{tip}</title></circle>'
        )
    return parts


def _legend(names: Sequence[str]) -> str:
    """Right-aligned legend entries, in series order, each a swatch in its series' colour."""
    slot = 104
    out = []
    for k, name in enumerate(names):
        x = _W - _PAD_R - slot * (len(names) - k) + 8
        out.append(
            f'<g class="legend"><rect class="swatch" x="{x}" y="7" width="12" height="12" '
            f'rx="2" fill="{_COLORS[k % len(_COLORS)]}"/>'
            f'<text x="{x + 16}" y="17">{escape(name)}</text></g>'
        )
    return "".join(out)


def _ticks(top: float) -> list[float]:
    """Round tick values (a step of 1, 2 or 5 times a power of ten) from 0 to ``top``."""
    if top < 1e-6:
        return [0.0]
    raw = top / 6
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return [round(i * step, 9) for i in range(int(top / step + 1e-9) + 1)]


def line_svg(
    title: str,
    xs: Sequence[float],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    fmt: Any = "{:,.1f}".format,
    partial: str = "",
) -> str:
    """A line chart of one or more series over time (``None`` values are gaps).

    ``partial`` (e.g. ``"last interval, partial (0.4 s of 0.5 s)"``): the last x is an interval cut
    short by the end of the run; it is drawn dashed and the chart says so.
    """
    values = [v for _, ys in series for v in ys if v is not None]
    if not xs or not values:
        return _empty(title, "timeseries")
    parts = _svg_open(title, "timeseries")
    plot_w, plot_h = _W - _PAD_L - _PAD_R, _H - _PAD_T - _PAD_B
    x_max, y_max = max(xs[-1], 1e-9), max(values) or 1.0

    def px(x: float) -> float:
        return _PAD_L + plot_w * x / x_max

    for k, (name, ys) in enumerate(series):
        points = [
            (px(x), _H - _PAD_B - plot_h * y / y_max, x, y)
            for x, y in zip(xs, ys, strict=True)
            if y is not None
        ]
        last = partial if points and points[-1][2] == xs[-1] else ""
        parts += _series_svg(k, name, points, fmt, last)
    parts.append(_legend([name for name, _ in series]))
    for x in _ticks(x_max):
        parts.append(
            f'<text x="{px(x):.1f}" y="{_H - _PAD_B + 16}" text-anchor="middle">{x:g} s</text>'
        )
    if partial:
        parts.append(
            f'<text class="note" x="{_W - _PAD_R}" y="{_H - 4}" text-anchor="end">'
            f"dashed: {escape(partial)}</text>"
        )
    parts.append(
        f'<text x="{_PAD_L - 6}" y="{_PAD_T + 8}" text-anchor="end">{escape(fmt(y_max))}</text>'
    )
    parts.append(f'<text x="{_PAD_L - 6}" y="{_H - _PAD_B}" text-anchor="end">0</text></svg>')
    return "".join(parts)


def _table(rows: Sequence[Sequence[Any]], head: Sequence[str] | None = None) -> str:
    out = ["<table>"]
    if head:
        out.append("<tr>" + "".join(f"<th>{escape(str(h))}</th>" for h in head) + "</tr>")
    for row in rows:
        out.append("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>")
    out.append("</table>")
    return "".join(out)


def _latency_table(summary: dict[str, Any]) -> str:
    cols = ("mean", "p50", "p90", "p95", "p99", "max")
    rows = []
    for key, label in (("ttft", "TTFT"), ("itl", "ITL"), ("tpot", "TPOT"), ("e2e", "E2E")):
        h = summary["latency_s"][key]
        rows.append([label, *(f"{h[c] * 1000:,.2f}" for c in cols), f"{int(h['count']):,}"])
    t = summary["request_tokens_per_s"]
    rows.append(["per request", *(f"{t[c]:,.1f}" for c in cols), f"{int(t['count']):,}"])
    table = _table(rows, ["latency (ms)", *cols, "n"])
    # The last row is a speed, not a latency: it gets its own header row.
    head = "".join(f"<th>{h}</th>" for h in ("output tokens/s", *cols, "n"))
    return table.replace("<tr><td>per request", f"<tr>{head}</tr><tr><td>per request", 1)


def _totals(report: dict[str, Any]) -> str:
    s = report["summary"]
    rows: list[list[Any]] = [
        ["requests", f"{s['requests']:,} ({s['succeeded']:,} ok, {s['failed']:,} failed)"],
        ["wall time", f"{report['wall_s']:.2f} s"],
        ["requests/s", f"{s['requests_per_s']:,.2f}"],
        ["output tokens/s (system)", f"{s['output_tokens_per_s']:,.1f}"],
        ["chunks/s", f"{s['chunks_per_s']:,.1f}"],
        ["error rate", f"{s['error_rate']:.2%}"],
    ]
    if report["plan"].get("slo_s"):  # without objectives every success is "good": no figure
        rows.append(
            [
                "goodput",
                f"{s['goodput_per_s']:,.2f} req/s ({s['goodput_fraction']:.1%} met the SLO)",
            ]
        )
    if s.get("cost_usd") is not None:
        rows.append(["cost (as the server reported it)", cost_text(s)])
    if report["plan"].get("mode") == "open":
        rows.append(["dropped arrivals (--max-in-flight)", f"{s.get('dropped', 0):,}"])
    rows += [[f"error {k}", f"{v:,}"] for k, v in s["errors_by_code"].items()]
    rows += [[f"finish reason {k}", f"{v:,}"] for k, v in s["finish_reasons"].items()]
    for i, c in enumerate(report["cpu"]):
        rows.append(
            [
                f"client CPU (process {i})",
                f"event loop {c['loop_core_fraction']:.0%} of a core, "
                f"whole process {c['process_core_fraction']:.0%}",
            ]
        )
    return _table(rows)


def _to_ms(value: float | None) -> float | None:
    return None if value is None else value * 1000


def charted_intervals(ts: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], str]:
    """The intervals the over-time charts draw, and a note when the last one is partial.

    The run rarely ends on an interval boundary: its last interval covers less time.
    Its rates are over the time it covers, but a few requests in a sliver of a second
    (the last in-flight requests draining) would still read as a spike, so a last
    interval shorter than half the others is left out of the charts (its requests are
    in every total), and a longer one is drawn as partial.
    """
    if len(ts) < 2:
        return ts, ""
    width = ts[1]["t"] - ts[0]["t"]
    span = float(ts[-1].get("span_s", width))
    if span < width / 2:
        return ts[:-1], ""
    if span < width * 0.999:
        return ts, f"last interval, partial ({span:.3g} s of {width:g} s)"
    return ts, ""


def _charts(report: dict[str, Any]) -> tuple[list[str], list[str]]:
    hist = report["histograms_s"]
    ts, partial = charted_intervals(report["time_series"])
    xs = [row["t"] for row in ts]
    histograms = [
        histogram_svg(f"{label} distribution", hist[key]["edges"], hist[key]["counts"])
        for key, label in (("ttft", "TTFT"), ("itl", "ITL"), ("tpot", "TPOT"), ("e2e", "E2E"))
    ]
    p50 = [_to_ms(r["ttft_p50_s"]) for r in ts]
    p90 = [_to_ms(r["ttft_p90_s"]) for r in ts]
    tokens: list[float | None] = [r["output_tokens_per_s"] for r in ts]
    done: list[float | None] = [r["requests_per_s"] for r in ts]
    errors: list[float | None] = [r["errors_per_s"] for r in ts]
    ms = "{:,.1f} ms".format
    lines = [
        line_svg("TTFT over time (ms)", xs, [("p50", p50), ("p90", p90)], fmt=ms, partial=partial),
        line_svg("Output tokens/s over time", xs, [("tokens/s", tokens)], partial=partial),
        line_svg(
            "Requests/s over time", xs, _request_series(report, ts, done, errors), partial=partial
        ),
    ]
    return histograms, lines


def _request_series(
    report: dict[str, Any],
    ts: list[dict[str, Any]],
    done: list[float | None],
    errors: list[float | None],
) -> list[tuple[str, Sequence[float | None]]]:
    """Completed/s and errors/s, and dropped arrivals/s when the run dropped any."""
    series: list[tuple[str, Sequence[float | None]]] = [("completed/s", done), ("errors/s", errors)]
    if report["summary"].get("dropped"):
        dropped = [float(r.get("dropped_per_s", 0.0)) for r in ts]
        series.append(("dropped/s", dropped))
    return series


def render_html(report: dict[str, Any]) -> str:
    """The report as one self-contained HTML page."""
    plan, s = report["plan"], report["summary"]
    histograms, lines = _charts(report)
    warnings = "".join(f'<p class="warn">{escape(w)}</p>' for w in report["warnings"])
    if report.get("partial"):
        warnings = '<p class="warn">Partial: the run was stopped before its end.</p>' + warnings
    title = f"agentrt load: {plan['model']} @ {plan['endpoint']}"
    cards = "".join(f'<div class="card">{c}</div>' for c in histograms)
    over_time = "".join(f'<div class="card">{c}</div>' for c in lines)
    distributed = report.get("distributed")
    spread = (
        escape(f" · distributed {distributed_text(report)}")
        if isinstance(distributed, dict)
        else ""
    )
    workers = workers_html(distributed) if isinstance(distributed, dict) else ""
    settings = _table(settings_rows(plan)).replace("<table>", '<table class="settings">', 1)
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f'<meta name="viewport" content="width=device-width,initial-scale=1"><style>{_CSS}</style></head><body>'
        f'<pre id="errors"></pre><div id="readout"></div>'
        f"<h1>{escape(title)}</h1>"
        f'<p class="meta">started {escape(report["started"])} · agentrt {escape(report["agentrt"])} · '
        f"{escape(plan['mode'])} loop · {escape(str(plan['call']))}{spread}</p>{warnings}"
        f'<h2>Summary</h2><div class="grid">{_latency_table(s)}{_totals(report)}</div>'
        f'<h2>Latency histograms</h2><div class="grid">{cards}</div>'
        f'<h2>Over time</h2><div class="grid">{over_time}</div>'
        f"{workers}<h2>Settings</h2>{settings}"
        f"<script>{_JS}</script></body></html>"
    )


def write_html(path: str | Path, report: dict[str, Any]) -> None:
    """Write :func:`render_html` of ``report`` to ``path``."""
    try:
        Path(path).write_text(render_html(report), encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}") from None
