"""Per-interval figures over the run (for the HTML chart and the JSON report).

Requests are placed in the interval in which they *finished*; each interval
gives completed requests, errors, requests/s, errors/s, output tokens/s and the
median and p90 TTFT of the requests that finished in it, and the open-loop
arrivals dropped in it. Rates are over the time an interval actually covers
(``span_s``): the last one usually ends with the run, part-way through, and
is not stretched to a full interval.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from typing import Any

from agentrt.load.records import RequestRecord

__all__ = ["bin_width", "time_series"]


def bin_width(wall: float, *, target_bins: int = 120) -> float:
    """A round interval length giving at most about ``target_bins`` intervals."""
    raw = max(wall / target_bins, 0.1)
    for width in (0.1, 0.25, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600):
        if width >= raw:
            return float(width)
    return float(math.ceil(raw / 600) * 600)


def time_series(
    records: Sequence[RequestRecord],
    wall: float,
    width: float | None = None,
    drops: Mapping[int, int] | None = None,
) -> list[dict[str, Any]]:
    """One dict per interval: ``t`` (interval start, s), ``span_s`` (the seconds of the run
    it covers: ``width``, less for the last), completed, errors, rps, tokens/s, TTFT,
    dropped arrivals (``drops``: counts per centisecond of the run)."""
    width = width or bin_width(wall)
    count = max(1, math.ceil(max(wall, 1e-9) / width))
    dropped = [0] * count
    for at, n in (drops or {}).items():
        dropped[min(count - 1, max(0, int(at / 100 / width)))] += n
    done = [0] * count
    errors = [0] * count
    tokens = [0] * count
    ttfts: list[list[float]] = [[] for _ in range(count)]
    for r in records:
        i = min(count - 1, max(0, int((r.start + r.elapsed) / width)))
        done[i] += 1
        if not r.ok:
            errors[i] += 1
            continue
        tokens[i] += r.output_tokens
        if r.ttft is not None:
            ttfts[i].append(r.ttft)
    out = []
    for i in range(count):
        span = min(width, wall - i * width) if wall > i * width else width
        span = max(span, 1e-9)
        values = sorted(ttfts[i])
        out.append(
            {
                "t": round(i * width, 9),
                "span_s": span,
                "completed": done[i],
                "errors": errors[i],
                "requests_per_s": done[i] / span,
                "errors_per_s": errors[i] / span,
                "dropped": dropped[i],
                "dropped_per_s": dropped[i] / span,
                "output_tokens_per_s": tokens[i] / span,
                "ttft_p50_s": statistics.median(values) if values else None,
                "ttft_p90_s": values[min(len(values) - 1, int(0.9 * len(values)))]
                if values
                else None,
            }
        )
    return out
