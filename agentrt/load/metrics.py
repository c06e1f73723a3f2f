"""The load-test metrics: their definitions, and HDR histograms to summarise them.

Definitions (ARCHITECTURE.md, "Load-test metric definitions"), all measured on
the client with :func:`time.perf_counter`:

- TTFT: from the start of the call to the first non-empty content chunk;
- ITL: the gap between consecutive content chunks;
- E2E: from the start to the last content chunk (unary: to the response);
- TPOT: ``(E2E - TTFT) / (n - 1)``, ``n`` = completion tokens the server reported;
- tokens/s of a request: ``n / E2E``; of the system: ``sum(n) / wall time``;
- requests/s, error rate by gRPC status code, finish reasons, and goodput: the
  requests per second that succeeded *and* met every SLO;
- dropped (open loop): arrivals not sent because ``--max-in-flight`` requests
  were already in flight; they are not requests and figure in nothing else;
- cost: what the server reported charging (``cost_in_usd_ticks``), summed over every
  request (failed ones too); per request and per 1,000 requests; and goodput per
  dollar: good requests / dollars spent. ``None`` when no request reported a cost.

Each distribution is an HDR histogram (the ``hdrhistogram`` package, imported on
first use) at 3 significant digits — percentiles are exact to 0.1 %, never rounded
to a bucket of the report — plus an exact count, sum, minimum and maximum.
Histograms travel between processes as HdrHistogram's standard encoding.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from agentrt.errors import UsageError
from agentrt.load.records import RequestRecord
from agentrt.load.units import Slo
from agentrt.xai.chat_response import USD_PER_TICK

__all__ = [
    "LATE",
    "PERCENTILES",
    "Histogram",
    "Metrics",
    "Timing",
    "gaps",
    "measure",
    "meets_slo",
]

PERCENTILES = (50.0, 90.0, 95.0, 99.0)
LATE = 0.010
"""An open-loop request that starts this many seconds behind its schedule is *late*."""
_LOWEST, _HIGHEST, _DIGITS = 1, 3_600_000_000_000, 3


@dataclass(frozen=True, kw_only=True, slots=True)
class Timing:
    """One request's latency figures in seconds (``None`` where undefined)."""

    ttft: float | None
    e2e: float | None
    tpot: float | None
    max_itl: float | None
    tokens_per_s: float | None


def gaps(chunk_times: Sequence[float]) -> list[float]:
    """The inter-token latencies: gaps between consecutive chunk timestamps."""
    return [b - a for a, b in pairwise(chunk_times)]


def measure(start: float, chunk_times: Sequence[float], output_tokens: int) -> Timing:
    """Apply the metric definitions to one streamed request.

    Args:
        start: ``perf_counter()`` when the call started.
        chunk_times: ``perf_counter()`` at each non-empty content chunk, in order.
        output_tokens: ``n``, the completion tokens the server reported.
    """
    if not chunk_times:
        return Timing(ttft=None, e2e=None, tpot=None, max_itl=None, tokens_per_s=None)
    ttft = chunk_times[0] - start
    e2e = chunk_times[-1] - start
    tpot = (e2e - ttft) / (output_tokens - 1) if output_tokens > 1 else None
    itl = max(gaps(chunk_times), default=None)
    rate = output_tokens / e2e if output_tokens and e2e > 0 else None
    return Timing(ttft=ttft, e2e=e2e, tpot=tpot, max_itl=itl, tokens_per_s=rate)


def meets_slo(timing: Timing, slo: Slo) -> bool:
    """True when every objective set in ``slo`` is met.

    A missing TTFT or E2E fails its objective; a missing TPOT or ITL (an answer of
    one token or one chunk) has nothing to miss.
    """
    required = ((slo.ttft, timing.ttft), (slo.e2e, timing.e2e))
    optional = ((slo.tpot, timing.tpot), (slo.itl, timing.max_itl))
    for limit, value in required:
        if limit is not None and (value is None or value > limit):
            return False
    return all(limit is None or value is None or value <= limit for limit, value in optional)


def _hdr_class() -> Any:
    try:
        from hdrh.histogram import HdrHistogram
    except ImportError:
        raise UsageError(
            "agentrt load needs the hdrhistogram package: pip install 'agentrt[load]'"
        ) from None
    return HdrHistogram


class Histogram:
    """A distribution of non-negative values with exact count/sum/min/max.

    Args:
        scale: values are stored as ``round(value * scale)`` integers; 1e6 keeps
            seconds as microseconds.
    """

    __slots__ = ("_hdr", "count", "max", "min", "scale", "total")

    def __init__(self, scale: float = 1e6) -> None:
        self.scale = scale
        self._hdr: Any = _hdr_class()(_LOWEST, _HIGHEST, _DIGITS)
        self.count = 0
        self.total = 0.0
        self.min = float("inf")
        self.max = 0.0

    def record(self, value: float) -> None:
        """Add one value."""
        self._hdr.record_value(max(_LOWEST, min(_HIGHEST, round(value * self.scale))))
        self.count += 1
        self.total += value
        if value < self.min:
            self.min = value
        if value > self.max:
            self.max = value

    def record_many(self, values: Iterable[float]) -> None:
        """Add every value of ``values`` (equal stored values are counted once, then added in bulk).

        A stream's inter-token gaps cluster tightly, so counting first costs a tenth of
        recording them one by one: this runs once per request on the event loop.
        """
        vals = values if isinstance(values, list | tuple) else list(values)
        if not vals:
            return
        scale, record = self.scale, self._hdr.record_value
        for stored, n in Counter([round(v * scale) for v in vals]).items():
            record(max(_LOWEST, min(_HIGHEST, stored)), n)
        self.count += len(vals)
        self.total += sum(vals)
        self.min = min(self.min, min(vals))
        self.max = max(self.max, max(vals))

    def percentile(self, p: float) -> float:
        """The value at percentile ``p`` (0-100); 0.0 when empty."""
        if not self.count:
            return 0.0
        value: float = self._hdr.get_value_at_percentile(p) / self.scale
        return min(value, self.max)

    @property
    def mean(self) -> float:
        """The exact mean; 0.0 when empty."""
        return self.total / self.count if self.count else 0.0

    def summary(self) -> dict[str, float]:
        """count, mean, min, p50, p90, p95, p99 and max."""
        out: dict[str, float] = {"count": self.count, "mean": self.mean}
        out["min"] = self.min if self.count else 0.0
        for p in PERCENTILES:
            out[f"p{p:g}"] = self.percentile(p)
        out["max"] = self.max
        return out

    def buckets(self) -> list[tuple[float, int]]:
        """Every distinct recorded value (HDR-equivalent) with its count, ascending."""
        return [
            (it.value_iterated_to / self.scale, it.count_added_in_this_iter_step)
            for it in self._hdr.get_recorded_iterator()
        ]

    def merge(self, other: Histogram) -> None:
        """Add ``other``'s values to this histogram."""
        self._hdr.add(other._hdr)
        self.count += other.count
        self.total += other.total
        self.min = min(self.min, other.min)
        self.max = max(self.max, other.max)

    def to_wire(self) -> dict[str, Any]:
        """A JSON/pickle-ready form (HdrHistogram's compressed encoding plus the exact figures)."""
        hdr = self._hdr.encode()
        return {
            "scale": self.scale,
            "hdr": hdr.decode("ascii") if isinstance(hdr, bytes) else hdr,
            "count": self.count,
            "total": self.total,
            "min": self.min if self.count else None,
            "max": self.max,
        }

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> Histogram:
        """The inverse of :meth:`to_wire`."""
        h = cls(float(data["scale"]))
        if data["count"]:
            h._hdr.add(_hdr_class().decode(data["hdr"]))
        h.count = int(data["count"])
        h.total = float(data["total"])
        h.min = float("inf") if data["min"] is None else float(data["min"])
        h.max = float(data["max"])
        return h


_HISTOGRAMS = ("ttft", "itl", "tpot", "e2e", "tokens_per_s", "lag")
_COUNTERS = (
    "requests",
    "ok",
    "good",
    "late",
    "dropped",
    "output_tokens",
    "input_tokens",
    "chunks",
    "cost_ticks",
    "costed",
)


class Metrics:
    """Every figure of a run, aggregated as requests finish; mergeable across processes."""

    def __init__(self) -> None:
        self.ttft = Histogram()
        self.itl = Histogram()
        self.tpot = Histogram()
        self.e2e = Histogram()
        self.tokens_per_s = Histogram(scale=1e3)
        self.lag = Histogram()
        self.statuses: Counter[str] = Counter()
        self.finish_reasons: Counter[str] = Counter()
        self.requests = 0
        self.ok = 0
        self.good = 0
        self.late = 0
        self.dropped = 0
        self.drops: Counter[int] = Counter()  # dropped arrivals per centisecond of the run
        self.output_tokens = 0
        self.input_tokens = 0
        self.chunks = 0
        self.cost_ticks = 0  # what the server charged, in 1e-10 USD (exact sums)
        self.costed = 0  # requests whose cost the server reported

    def add(self, record: RequestRecord, itls: Iterable[float] = ()) -> None:
        """Count one finished request and its inter-token gaps."""
        self.requests += 1
        self.statuses[record.status] += 1
        self.lag.record(record.lag)
        self.late += record.lag > LATE
        self.itl.record_many(itls)
        self.chunks += record.chunks
        if record.cost_usd is not None:  # a failed request was paid for too
            self.costed += 1
            self.cost_ticks += round(record.cost_usd / USD_PER_TICK)
        if not record.ok:
            return
        self.ok += 1
        self.good += record.good
        self.output_tokens += record.output_tokens
        self.input_tokens += record.input_tokens
        self.finish_reasons[record.finish_reason or "unknown"] += 1
        for name in ("ttft", "tpot", "e2e", "tokens_per_s"):
            value = getattr(record, name)
            if value is not None:
                getattr(self, name).record(value)

    def drop(self, at: float) -> None:
        """Count one open-loop arrival dropped ``at`` seconds into the run."""
        self.dropped += 1
        self.drops[int(at * 100)] += 1

    def merge(self, other: Metrics, shift: float = 0.0) -> None:
        """Add ``other``'s requests to these metrics (its drop times moved ``shift`` s later)."""
        for name in _HISTOGRAMS:
            getattr(self, name).merge(getattr(other, name))
        cs = round(shift * 100)
        for at, n in other.drops.items():
            self.drops[at + cs] += n
        self.statuses.update(other.statuses)
        self.finish_reasons.update(other.finish_reasons)
        for name in _COUNTERS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def to_wire(self) -> dict[str, Any]:
        """A JSON/pickle-ready form for sending between processes."""
        data: dict[str, Any] = {name: getattr(self, name).to_wire() for name in _HISTOGRAMS}
        data["statuses"] = dict(self.statuses)
        data["finish_reasons"] = dict(self.finish_reasons)
        data["drops"] = sorted(self.drops.items())
        for name in _COUNTERS:
            data[name] = getattr(self, name)
        return data

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> Metrics:
        """The inverse of :meth:`to_wire`."""
        m = cls()
        for name in _HISTOGRAMS:
            setattr(m, name, Histogram.from_wire(data[name]))
        m.statuses.update(data["statuses"])
        m.finish_reasons.update(data["finish_reasons"])
        m.drops.update({int(at): int(n) for at, n in data.get("drops", ())})
        for name in _COUNTERS:
            setattr(m, name, int(data.get(name, 0)))
        return m

    def summary(self, wall: float) -> dict[str, Any]:
        """The run's figures over ``wall`` seconds of measured time (JSON-ready)."""
        wall = max(wall, 1e-9)
        failed = self.requests - self.ok
        return {
            "requests": self.requests,
            "succeeded": self.ok,
            "failed": failed,
            "error_rate": failed / self.requests if self.requests else 0.0,
            "errors_by_code": {k: v for k, v in sorted(self.statuses.items()) if k != "OK"},
            "finish_reasons": dict(sorted(self.finish_reasons.items())),
            "dropped": self.dropped,
            "requests_per_s": self.requests / wall,
            "output_tokens": self.output_tokens,
            "input_tokens": self.input_tokens,
            "chunks": self.chunks,
            "chunks_per_s": self.chunks / wall,
            "output_tokens_per_s": self.output_tokens / wall,
            "good": self.good,
            "goodput_per_s": self.good / wall,
            "goodput_fraction": self.good / self.requests if self.requests else 0.0,
            "latency_s": {n: getattr(self, n).summary() for n in ("ttft", "itl", "tpot", "e2e")},
            "request_tokens_per_s": self.tokens_per_s.summary(),
            "schedule": {"late_requests": self.late, "lag_s": self.lag.summary()},
            **self._cost(),
        }

    def _cost(self) -> dict[str, Any]:
        """Cost figures (``None`` when no request reported a cost: not zero, unknown).

        Per request and per 1,000 divide by every request (failed ones cost too); goodput
        per dollar is the requests that succeeded and met the SLOs per US dollar spent.
        """
        if not self.costed:
            return dict.fromkeys(_COST_KEYS)
        usd = self.cost_ticks * USD_PER_TICK
        per = usd / self.requests if self.requests else None
        return {
            "cost_usd": usd,
            "cost_per_request_usd": per,
            "cost_per_1k_requests_usd": None if per is None else per * 1000,
            "goodput_per_usd": self.good / usd if usd > 0 else None,
        }


_COST_KEYS = ("cost_usd", "cost_per_request_usd", "cost_per_1k_requests_usd", "goodput_per_usd")
