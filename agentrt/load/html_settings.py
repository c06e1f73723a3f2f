"""The report's settings and workers, written as a person would say them.

The plan (:meth:`~agentrt.load.plan.LoadPlan.describe`) is JSON-ready data:
``None`` for what is not set, a dict for a ramp, ``True``/``False``. The
HTML page shows it in words instead (``20 users, constant``, ``30 s``,
``yes``) and leaves out what is not set; a key this module does not know
still gets a readable value, never a Python repr or JSON. A distributed run's
workers (the report's ``distributed`` key) become a table with each worker's
share of the requests.
"""

from __future__ import annotations

import math
from html import escape
from typing import Any

from agentrt.load.report import worker_shares

__all__ = [
    "number_text",
    "ramp_text",
    "seconds_text",
    "settings_rows",
    "value_text",
    "workers_html",
]

_LABELS = {
    "mode": "loop",
    "rate": "arrival rate",
    "max_in_flight": "at most in flight",
    "duration_s": "duration",
    "requests": "requests (limit)",
    "agent": "agent spec",
    "max_tokens": "max tokens",
    "warmup": "warm-up",
    "slo_s": "SLO (goodput)",
    "timeout_s": "timeout per request",
}
_MODES = {
    "closed": "closed (each user sends its next request when the last one ends)",
    "open": "open (requests arrive on a schedule, whatever the service does)",
}
_CALLS = {"stream": "streaming", "unary": "unary (one answer per call)", "agent": "agent"}


def number_text(value: float) -> str:
    """``20``, ``1,000``, ``0.25``: no trailing ``.0``, thousands separated."""
    if not math.isfinite(value):
        return "unlimited" if value > 0 else "-"
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.4g}"


def seconds_text(value: float) -> str:
    """``30 s``, ``1.5 s``, ``250 ms``."""
    if not math.isfinite(value):
        return number_text(value)
    if 0 < abs(value) < 1:
        return f"{number_text(round(value * 1000, 3))} ms"
    return f"{number_text(value)} s"


def ramp_text(ramp: dict[str, Any], *, open_loop: bool) -> str:
    """``20 users, constant``; ``5 requests/s, Poisson``; ``ramp 1 → 50 users over 30 s (...)``."""
    start, end = float(ramp.get("start", 0)), ramp.get("end")
    step, every = float(ramp.get("step", 0)), float(ramp.get("every", 1) or 1)

    def amount(n: float) -> str:
        unit = "requests/s" if open_loop else ("user" if n == 1 else "users")
        return f"{number_text(n)} {unit}"

    tail = ", Poisson" if open_loop else ""
    kind = ramp.get("kind", "const")
    if kind == "const" or not step:
        return f"{amount(start)}{', Poisson' if open_loop else ', constant'}"
    sign = "+" if step > 0 else "−"
    how = (
        f"{sign}{number_text(abs(step))} every {seconds_text(every)}"
        if kind == "step"
        else f"linear, {sign}{number_text(abs(step))} per {seconds_text(every)}"
    )
    if end is None:
        return f"ramp from {amount(start)}, {how}, no end{tail}"
    steps = (float(end) - start) / step
    if steps < 0:
        return f"{amount(start)}, held ({how} away from the end {number_text(float(end))}){tail}"
    over = (math.ceil(steps - 1e-9) if kind == "step" else steps) * every
    return (
        f"ramp {number_text(start)} → {amount(float(end))} over {seconds_text(over)} ({how}){tail}"
    )


def value_text(key: str, value: Any) -> str | None:
    """One setting's value in words; ``None`` when it is not set (the row is left out)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return seconds_text(value) if key.endswith("_s") else number_text(value)
    if isinstance(value, dict):
        parts = [(k, value_text(key, v)) for k, v in value.items()]
        return ", ".join(f"{k} {v}" for k, v in parts if v is not None) or "none"
    if isinstance(value, list | tuple):
        items = [value_text(key, v) for v in value]
        return ", ".join(v for v in items if v is not None) or "none"
    return str(value)


def _special(key: str, value: Any) -> str | None:
    """The settings whose words depend on what they mean, not only on their type."""
    if key in ("concurrency", "rate") and isinstance(value, dict):
        return ramp_text(value, open_loop=key == "rate")
    if key == "mode":
        return _MODES.get(str(value), str(value))
    if key == "call":
        return _CALLS.get(str(value), str(value))
    if key == "slo_s" and isinstance(value, dict):
        goals = [f"{k.upper()} ≤ {seconds_text(v)}" for k, v in value.items()]
        return ", ".join(goals) or "none (every successful request counts as good)"
    if key == "warmup" and isinstance(value, int) and not isinstance(value, bool):
        return "none" if value == 0 else f"{value:,} request{'s' if value != 1 else ''}, discarded"
    if key == "prompts" and isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,} prompt{'s' if value != 1 else ''}, round robin"
    if key == "max_in_flight" and isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,} requests (arrivals beyond are dropped)"
    return value_text(key, value)


def settings_rows(plan: dict[str, Any]) -> list[tuple[str, str]]:
    """``(label, value)`` for each setting of ``plan`` that is set, in the plan's order."""
    rows = []
    for key, value in plan.items():
        text = _special(key, value)
        if text is not None:
            label = _LABELS.get(key, key.removesuffix("_s").replace("_", " "))
            rows.append((label, text))
    return rows


def workers_html(distributed: dict[str, Any]) -> str:
    """The Workers section: how many, and each one's requests, chunks and share."""
    count, shares = worker_shares(distributed)
    lost = sum(1 for row in shares if row[4])
    note = f"; {lost:,} lost during the run (marked)" if lost else ""
    head = "".join(f"<th>{h}</th>" for h in ("worker", "requests", "chunks", "share", "status"))
    rows = []
    for label, requests, chunks, pct, gone in shares:
        cells = (
            label,
            f"{requests:,}",
            f"{chunks:,}",
            "-" if pct is None else f"{pct:.1%}",
            "lost" if gone else "ok",
        )
        cls = ' class="lost"' if gone else ""
        rows.append(f"<tr{cls}>" + "".join(f"<td>{escape(c)}</td>" for c in cells) + "</tr>")
    noun = "worker" if count == 1 else "workers"
    return (
        f'<h2>Workers</h2><p class="meta">distributed over {count:,} Locust {noun}{note}</p>'
        f'<table class="workers"><tr>{head}</tr>{"".join(rows)}</table>'
    )
