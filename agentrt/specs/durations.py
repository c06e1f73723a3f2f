"""Durations written as text: ``"250ms"``, ``"5s"``, ``"2m"``, ``"1h"``, ``"1m30s"`` (also ``"us"``).

One grammar for every place that reads one (agent specs, ``agentrt load``'s options);
each caller words its own error.
"""

from __future__ import annotations

import contextlib
import math
import re

__all__ = ["PATTERN", "seconds_in"]

PATTERN = r"^(?:\d+(?:\.\d+)?(?:us|ms|s|m|h))+$"
"""What a duration with units looks like (spaces removed first); also used in JSON Schemas."""

_WHOLE = re.compile(PATTERN)
_PART = re.compile(r"(\d+(?:\.\d+)?)(us|ms|s|m|h)")
_UNIT = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def seconds_in(text: str, *, bare_number: bool = True) -> float | None:
    """The seconds ``text`` says, or ``None`` when it is not a duration.

    Spaces are ignored. ``bare_number``: a number without a unit (``"2.5"``) counts as
    seconds. Zero and negative values are returned as they are: the caller decides.
    Infinity and NaN (``"inf"``, ``"nan"``, ``"1e999"``) are not durations.
    """
    value = text.strip().replace(" ", "")
    seconds = None
    if bare_number:
        with contextlib.suppress(ValueError):
            seconds = float(value)
    if seconds is None and _WHOLE.match(value):
        seconds = sum(float(n) * _UNIT[u] for n, u in _PART.findall(value))
    return seconds if seconds is not None and math.isfinite(seconds) else None
