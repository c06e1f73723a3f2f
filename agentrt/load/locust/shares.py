"""Each Locust worker's share of the measurements, and the master's lossless merge of them.

A worker sends a *share* message (:data:`MESSAGE`, Locust's custom messages) every
:data:`SHARE_EVERY` seconds and once more when it stops: its cumulative
:class:`~agentrt.load.metrics.Metrics` in HdrHistogram's encoding, the records completed
since its last message, and ``final`` on the last one. The master keeps, per worker, the
latest metrics and every record; a worker that never sent ``final`` (killed, or lost to
the network) is *lost*: what it reported up to its last message counts, and the report
says so. The merge is :func:`~agentrt.load.processes.merge_results`, the one
``--processes`` uses: HDR histograms added, not re-binned.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from typing import Any

from agentrt.errors import UsageError
from agentrt.load.metrics import Metrics
from agentrt.load.processes import merge_results
from agentrt.load.records import RequestRecord
from agentrt.load.runner import LoadResult

__all__ = ["MESSAGE", "SHARE_EVERY", "ShareBook", "encode_share"]

log = logging.getLogger("agentrt.load.locust")

MESSAGE = "agentrt_share"
"""The Locust custom message type a worker's share travels as."""
SHARE_EVERY = 1.0
"""Seconds between a worker's share messages (what a killed worker loses at most)."""


def encode_share(
    *,
    worker: str,
    metrics: Metrics,
    records: list[RequestRecord],
    started_unix: float,
    wall: float,
    cpu: dict[str, Any] | None,
    final: bool,
) -> dict[str, Any]:
    """One share message's payload (msgpack- and JSON-ready)."""
    return {
        "worker": worker,
        "metrics": metrics.to_wire(),
        "records": [r.as_dict() for r in records],
        "started_unix": started_unix,
        "wall": wall,
        "cpu": cpu,
        "final": final,
    }


@dataclass
class _Worker:
    metrics: Metrics
    started_unix: float
    wall: float = 0.0
    records: list[RequestRecord] = field(default_factory=list)
    cpu: dict[str, Any] | None = None
    final: bool = False


class ShareBook:
    """The master's book of every worker's share (see the module docstring)."""

    def __init__(self) -> None:
        self.workers: dict[str, _Worker] = {}
        self.expected = 0
        """Workers connected when the test started (``distributed.workers``)."""
        self.names: list[str] = []
        """Their names, when known: one that never sent a share is lost with nothing counted."""

    def add(self, data: dict[str, Any]) -> None:
        """Take one share message (a later one replaces the worker's metrics).

        Raises:
            UsageError: the payload is not a share message.
        """
        try:
            name = str(data["worker"])
            metrics = Metrics.from_wire(data["metrics"])
            records = [RequestRecord.from_dict(r) for r in data["records"]]
            started, wall = float(data["started_unix"]), float(data["wall"])
            if not (math.isfinite(started) and math.isfinite(wall)):
                raise ValueError("started_unix and wall must be finite")
        except Exception as exc:  # a network payload: any decoding error (HDR's own too)
            raise UsageError(f"not an agentrt share message: {exc}") from None
        if name not in self.workers:
            log.info("agentrt: worker %s is reporting", name)
        entry = self.workers.setdefault(name, _Worker(metrics=metrics, started_unix=started))
        entry.metrics, entry.started_unix, entry.wall = metrics, started, max(entry.wall, wall)
        entry.records += records
        entry.cpu = data.get("cpu") or entry.cpu
        entry.final = entry.final or bool(data.get("final"))

    def lost(self) -> list[str]:
        """Workers that sent no final share (or none at all), by name."""
        silent = [n for n in self.names if n not in self.workers]
        return sorted([*silent, *(n for n, w in self.workers.items() if not w.final)])

    def result(self) -> LoadResult:
        """Every worker's share merged (losslessly); a lost worker is a warning and partial."""
        if not self.workers:
            raise UsageError("no Locust worker reported any measurement")
        results = [
            LoadResult(
                metrics=w.metrics,
                records=w.records,
                wall=w.wall,
                started_unix=w.started_unix,
                cpu=[w.cpu] if w.cpu else [],
            )
            for _, w in sorted(self.workers.items())
        ]
        merged = merge_results(results)
        lost = self.lost()
        if lost:
            merged.partial = True
            merged.warnings.append(
                f"Locust worker {', '.join(lost)} was lost before the end of the test: "
                "its requests up to its last report are counted"
            )
        return merged

    def distributed(self) -> dict[str, Any]:
        """The report's ``distributed`` section: worker count at start, and each one's share."""
        lost = set(self.lost())
        shares = [
            {
                "worker": name,
                "requests": w.metrics.requests,
                "chunks": w.metrics.chunks,
                "lost": name in lost,
            }
            for name, w in sorted(self.workers.items())
        ]
        shares += [
            {"worker": name, "requests": 0, "chunks": 0, "lost": True}
            for name in sorted(set(self.names) - set(self.workers))
        ]
        return {"workers": max(self.expected, len(self.workers)), "shares": shares}
