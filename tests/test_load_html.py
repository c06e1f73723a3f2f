"""The HTML report in a real browser: headless Chromium (Debian's chromium) loads it offline,
the charts are there after its scripts ran, and nothing went to the console as an error.

One Chromium launch: ``--dump-dom`` prints the DOM after the page's scripts ran;
``--enable-logging=stderr`` puts console errors ("Uncaught ...") on stderr. The
page marks ``<body data-ready="1" data-charts="N">`` from its last script and writes
any script error into ``#errors`` (a ``window.onerror`` hook).
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

from agentrt.load.html import write_html
from agentrt.load.metrics import Metrics
from agentrt.load.records import RequestRecord
from agentrt.load.report import build_report

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
    "--virtual-time-budget=2000",
    "--dump-dom",
)


def _report() -> dict[str, object]:
    metrics, records = Metrics(), []
    for i in range(200):
        ok = i % 17 != 0
        ttft = 0.05 + (i % 13) * 0.01
        rec = RequestRecord(
            index=i, start=i * 0.05, status="OK" if ok else "INTERNAL", elapsed=0.4,
            ttft=ttft if ok else None, e2e=0.4 if ok else None, tpot=0.01 if ok else None,
            max_itl=0.02 if ok else None, chunks=30 if ok else 0, output_tokens=30 if ok else 0,
            tokens_per_s=75.0 if ok else None, finish_reason="stop" if ok else "", good=ok,
        )  # fmt: skip
        metrics.add(rec, [0.01 + (i % 5) * 0.002] * 29 if ok else ())
        records.append(rec)
    plan = {"endpoint": "127.0.0.1:1", "model": "grok-3", "mode": "closed", "call": "stream"}
    cpu = [{"loop_core_fraction": 0.4, "process_core_fraction": 0.6}]
    return build_report(
        plan=plan, metrics=metrics, records=records, wall=10.4, started_unix=0.0, cpu=cpu
    )


def test_html_report_renders_in_headless_chromium(tmp_path: Path) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, "chromium is missing: run `make system-deps` (installs Debian's chromium)"
    page = tmp_path / "report.html"
    write_html(page, _report())
    profile = tmp_path / "profile"
    proc = subprocess.run(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    dom = proc.stdout
    body = re.search(r"<body[^>]*>", dom)
    assert body is not None, dom[:500]
    assert 'data-ready="1"' in body.group(0), "the page's script did not run to the end"
    assert 'data-charts="7"' in body.group(0)
    assert len(re.findall(r'<svg class="chart histogram"', dom)) == 4
    assert len(re.findall(r'<svg class="chart timeseries"', dom)) == 3
    assert len(re.findall(r'<rect class="bar"', dom)) >= 8
    assert len(re.findall(r"<polyline", dom)) == 5
    assert re.search(r'<pre id="errors"></pre>', dom), "a script error was written into the page"
    console = [ln for ln in proc.stderr.splitlines() if "CONSOLE" in ln or "Uncaught" in ln]
    assert console == []


_COLOURS_JS = """<script>
var out=[];document.querySelectorAll('svg.chart.timeseries').forEach(function(svg){
 var css=function(el,p){return getComputedStyle(el).getPropertyValue(p);};
 out.push({lines:[].map.call(svg.querySelectorAll('polyline'),function(e){return css(e,'stroke');}),
  swatches:[].map.call(svg.querySelectorAll('.swatch'),function(e){
   var r=e.getBoundingClientRect();return r.width>0&&r.height>0?css(e,'fill'):'hidden';})});});
document.body.setAttribute('data-colours',JSON.stringify(out));
</script></body>"""


def test_legend_swatches_show_their_lines_colour_in_chromium(tmp_path: Path) -> None:
    """The colours as the browser paints them (CSS can override an SVG fill attribute)."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, "chromium is missing: run `make system-deps` (installs Debian's chromium)"
    page = tmp_path / "report.html"
    write_html(page, _report())
    page.write_text(page.read_text().replace("</body>", _COLOURS_JS, 1))
    proc = subprocess.run(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    found = re.search(r'data-colours="([^"]*)"', proc.stdout)
    assert found is not None, proc.stdout[:500]
    charts = json.loads(html.unescape(found.group(1)))
    assert [len(c["lines"]) for c in charts] == [2, 1, 2]
    for chart in charts:
        assert chart["swatches"] == chart["lines"]
        assert len(set(chart["lines"])) == len(chart["lines"])
        assert all(c.startswith("rgb(") for c in chart["lines"])
