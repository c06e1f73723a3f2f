"""Parsing the load tester's command-line values: durations, rates, SLOs.

Durations: ``"30s"``, ``"500ms"``, ``"2m"``, ``"1m30s"``, ``"1h"`` or a bare number of
seconds. Rates: ``"50"`` or ``"50/s"`` (also ``"/m"``). SLOs:
``"ttft=500ms,tpot=50ms"`` with keys ``ttft``, ``itl``, ``tpot``, ``e2e``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from agentrt.errors import UsageError
from agentrt.specs.durations import seconds_in

__all__ = ["SLO_KEYS", "Slo", "parse_duration", "parse_rate", "parse_slo"]

SLO_KEYS = ("ttft", "itl", "tpot", "e2e")


def parse_duration(text: str, *, what: str = "duration") -> float:
    """Seconds in ``text`` (``"30s"``, ``"500ms"``, ``"1m30s"``, or ``"2.5"``).

    Raises:
        UsageError: not a positive duration.
    """
    seconds = seconds_in(text)
    if seconds is None:
        raise UsageError(f"{what} {text!r} is not a duration: use e.g. 30s, 500ms, 2m or 1m30s")
    if not seconds > 0:
        raise UsageError(f"{what} must be above zero, got {text!r}")
    return seconds


def parse_rate(text: str) -> float:
    """Requests per second in ``text`` (``"50"``, ``"50/s"``, ``"600/m"``).

    Raises:
        UsageError: not a positive rate.
    """
    value, _, per = text.strip().partition("/")
    scale = {"": 1.0, "s": 1.0, "m": 1 / 60, "h": 1 / 3600}.get(per)
    try:
        rate = float(value) * scale if scale is not None else -1.0
    except ValueError:
        rate = -1.0
    if not 0 < rate < math.inf:  # also refuses "nan" and "inf"
        raise UsageError(f"rate {text!r} is not a positive rate: use e.g. 50 or 50/s or 600/m")
    return rate


@dataclass(frozen=True, kw_only=True)
class Slo:
    """Service-level objectives, in seconds; ``None`` means not checked.

    A request is *good* (counts toward goodput) when it succeeded and meets every
    objective set: its TTFT, its TPOT, its E2E latency and its worst ITL.
    """

    ttft: float | None = None
    itl: float | None = None
    tpot: float | None = None
    e2e: float | None = None

    def as_dict(self) -> dict[str, float]:
        """The objectives that are set, in seconds."""
        pairs = {"ttft": self.ttft, "itl": self.itl, "tpot": self.tpot, "e2e": self.e2e}
        return {k: v for k, v in pairs.items() if v is not None}


def parse_slo(text: str) -> Slo:
    """Parse ``"ttft=500ms,tpot=50ms"`` into an :class:`Slo`.

    Raises:
        UsageError: an unknown key, a repeated key or a bad duration.
    """
    found: dict[str, float] = {}
    for item in filter(None, (p.strip() for p in text.split(","))):
        key, sep, value = item.partition("=")
        key = key.strip().lower()
        if not sep or key not in SLO_KEYS:
            raise UsageError(
                f"--slo item {item!r}: expected KEY=DURATION with KEY one of {', '.join(SLO_KEYS)}"
            )
        if key in found:
            raise UsageError(f"--slo gives {key} twice")
        found[key] = parse_duration(value, what=f"--slo {key}")
    if not found:
        raise UsageError("--slo is empty: give e.g. ttft=500ms,tpot=50ms")
    return Slo(**found)
