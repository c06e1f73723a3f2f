"""One request's measured outcome: the row behind every report.

Times are seconds; ``start`` is relative to the start of the measured run, and
``lag`` is how late the request started against its schedule (open loop only).
A failed request keeps what was measured before it failed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

__all__ = ["FIELDS", "OK", "RequestRecord"]

OK = "OK"
"""The ``status`` of a request that succeeded; failures carry the gRPC status code name."""


@dataclass(frozen=True, kw_only=True, slots=True)
class RequestRecord:
    """What one request did.

    Attributes:
        index: the request's number in the run (0-based, warm-up excluded).
        start: when it started, seconds after the run started.
        lag: seconds it started behind its scheduled time (0 in closed loop).
        status: ``"OK"`` or the gRPC status code name, e.g. ``"UNAVAILABLE"``.
        error: the error message of a failed request, else ``""``.
        elapsed: seconds from start to the end of the call (success or failure).
        ttft: time to the first non-empty content chunk, or ``None``.
        e2e: time to the last content chunk (unary: to the response), or ``None``.
        tpot: time per output token after the first, or ``None``.
        max_itl: the longest gap between consecutive content chunks, or ``None``.
        chunks: content chunks received.
        output_tokens: completion tokens the server reported (else chunks).
        input_tokens: prompt tokens the server reported.
        reasoning_tokens: reasoning tokens the server reported.
        tokens_per_s: ``output_tokens / e2e``, or ``None``.
        finish_reason: ``"stop"``, ``"length"``, ... or ``""``.
        good: succeeded and met every SLO (always ``True`` for a success without SLOs).
        cost_usd: what the server charged for the request (an agent run: all its model
            calls), in US dollars, failed requests included; ``None`` when it reported none.
    """

    index: int
    start: float
    lag: float = 0.0
    status: str = OK
    error: str = ""
    elapsed: float = 0.0
    ttft: float | None = None
    e2e: float | None = None
    tpot: float | None = None
    max_itl: float | None = None
    chunks: int = 0
    output_tokens: int = 0
    input_tokens: int = 0
    reasoning_tokens: int = 0
    tokens_per_s: float | None = None
    finish_reason: str = ""
    good: bool = False
    cost_usd: float | None = None

    @property
    def ok(self) -> bool:
        """True when the request succeeded."""
        return self.status == OK

    def as_dict(self) -> dict[str, Any]:
        """The record as a JSON-ready dict (field order as :data:`FIELDS`)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RequestRecord:
        """The inverse of :meth:`as_dict` (unknown keys are ignored)."""
        return cls(**{k: data[k] for k in FIELDS if k in data})


FIELDS: tuple[str, ...] = tuple(f.name for f in fields(RequestRecord))
"""The column names of the per-request CSV and JSONL outputs, in order."""
