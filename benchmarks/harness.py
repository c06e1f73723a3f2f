"""Shared benchmark machinery: interleaved rounds, medians, ratios, JSON and Markdown.

Every benchmark in this folder runs its cases A B C A B C … rather than A A A B B B,
so that whatever else the machine does falls on all cases alike, and reports the
median of each case and ratios between cases taken from the same run. A single
absolute number on a shared machine means little; a same-run ratio means more.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = [
    "RESULTS_DIR",
    "agentrt_cli",
    "interleave",
    "machine",
    "markdown_table",
    "median",
    "ratio",
    "write_results",
]

RESULTS_DIR = Path(
    os.environ.get("AGENTRT_BENCH_DIR", Path(__file__).resolve().parent.parent / "bench-results")
)


def agentrt_cli() -> list[str]:
    """The command that runs this environment's ``agentrt`` CLI."""
    script = Path(sys.executable).parent / "agentrt"
    return [str(script)] if script.exists() else [sys.executable, "-m", "agentrt"]


def interleave(
    cases: Mapping[str, Callable[[], float]],
    rounds: int,
    *,
    warmup: int = 1,
    progress: bool = True,
) -> dict[str, list[float]]:
    """Run every case once per round, in the same order each round; return all samples.

    Each callable does one measurement and returns its figure (a rate or a time).
    ``warmup`` rounds run first and are discarded.
    """
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for r in range(-warmup, rounds):
        for name, case in cases.items():
            value = case()
            if r >= 0:
                samples[name].append(value)
            if progress:
                tag = "warmup" if r < 0 else f"round {r + 1}/{rounds}"
                print(f"  {tag:>12}  {name:<40} {value:,.2f}", flush=True)
    return samples


def median(values: Sequence[float]) -> float:
    """The median of ``values``."""
    return float(statistics.median(values))


def ratio(samples: Mapping[str, Sequence[float]], numerator: str, denominator: str) -> float:
    """Median of ``numerator`` over median of ``denominator``."""
    return median(samples[numerator]) / median(samples[denominator])


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu or platform.processor(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def write_results(name: str, data: Mapping[str, Any]) -> Path:
    """Write ``data`` (plus the machine description) to ``bench-results/<name>.json``."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    path.write_text(json.dumps({"benchmark": name, "machine": machine(), **data}, indent=2))
    print(f"wrote {path}")
    return path


def markdown_table(
    samples: Mapping[str, Sequence[float]],
    *,
    unit: str,
    baseline: str | None = None,
) -> str:
    """A Markdown table of medians (and min/max) per case, with ratios to ``baseline``.

    The ratio column is this case's median over the baseline's, so for a rate
    above 1 is faster and for a time above 1 is slower.
    """
    head = f"| case | median {unit} | min | max | n |"
    sep = "| --- | ---: | ---: | ---: | ---: |"
    if baseline:
        head += f" vs {baseline} |"
        sep += " ---: |"
    rows = [head, sep]
    for name, values in samples.items():
        row = f"| {name} | {median(values):,.1f} | {min(values):,.1f} | {max(values):,.1f} | {len(values)} |"
        if baseline:
            row += f" {ratio(samples, name, baseline):.2f}x |"
        rows.append(row)
    return "\n".join(rows)
