"""Argument types for the commands' number and duration flags (``type=`` of ``add_argument``).

Each rejects what the flag cannot mean (``inf``, ``nan``, a negative duration,
a count out of range) while the command line is parsed, so the error is the
parser's one line, ``agentrt: error: argument --grace: ...``, exit 2, before
anything starts.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable

from agentrt.specs.durations import seconds_in

__all__ = ["MAX_COUNT", "count", "number", "seconds"]

MAX_COUNT = 1_000_000
"""The largest count a flag takes: more is a typo, and would overflow a worker's slots."""


def seconds(*, zero: bool = False, most: float = math.inf) -> Callable[[str], float]:
    """A duration: ``30``, ``2.5``, ``500ms``, ``1m30s``; finite and > 0 (``zero``: >= 0), <= ``most``."""
    least = "0 or more" if zero else "more than 0"
    if most < math.inf:
        least += f" and at most {most:,g}"

    def parse(text: str) -> float:
        value = seconds_in(text)
        if value is None or value < 0 or (value == 0 and not zero) or value > most:
            raise argparse.ArgumentTypeError(
                f"{_shown(text)} is not a duration; give {least} seconds, e.g. 30, 2.5 or 500ms"
            )
        return value

    return parse


def count(*, least: int = 1, most: int = MAX_COUNT) -> Callable[[str], int]:
    """A whole number from ``least`` to ``most``."""

    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            value = None
        if value is None or not least <= value <= most:
            raise argparse.ArgumentTypeError(
                f"{_shown(text)} is not a whole number from {least} to {most:,}"
            )
        return value

    return parse


def number(*, least: float, most: float) -> Callable[[str], float]:
    """A finite number from ``least`` to ``most`` (``nan`` and ``inf`` are refused)."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not least <= value <= most:  # also false for nan
            raise argparse.ArgumentTypeError(
                f"{_shown(text)} is not a number from {least:,g} to {most:,g}"
            )
        return value

    return parse


def _shown(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "...")
