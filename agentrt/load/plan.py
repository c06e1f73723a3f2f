"""What a load test does: the :class:`LoadPlan` value, built once from the command line."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any, Literal

from agentrt.errors import UsageError
from agentrt.load.prompts import Corpus
from agentrt.load.schedule import Ramp
from agentrt.load.units import Slo

__all__ = [
    "DEFAULT_MAX_IN_FLIGHT",
    "MAX_RATE",
    "MAX_TIMEOUT",
    "MAX_TOKENS",
    "MAX_WORKERS",
    "LoadPlan",
]

DEFAULT_MAX_IN_FLIGHT = 1000
"""Open loop: requests in flight at most, unless ``--max-in-flight`` says otherwise."""

MAX_WORKERS = 100_000
"""Closed loop: the most workers, at the start or at a ramp's peak (as ``--concurrency``)."""

MAX_RATE = 1_000_000.0
"""Open loop: the highest arrival rate, per second; beyond, drawing arrivals would stall the loop."""

MAX_TOKENS = 2**31 - 1
"""The proto's ``max_tokens`` is an int32: a larger value fails every request."""

MAX_TIMEOUT = 86_400.0
"""The longest ``--timeout`` (a day); gRPC's deadline arithmetic overflows far beyond it."""


@dataclass(frozen=True, kw_only=True)
class LoadPlan:
    """One load test.

    Attributes:
        model: the model every request names.
        corpus: the prompts, taken round robin.
        concurrency: closed loop: workers over time (exclusive with ``rate``).
        rate: open loop: Poisson arrivals per second over time.
        max_in_flight: open loop: at most this many requests at once; an arrival
            due beyond it is dropped and counted (``None``:
            :data:`DEFAULT_MAX_IN_FLIGHT`; closed loop: must be ``None``).
        duration: stop starting requests after this many seconds.
        requests: stop after this many requests (at least one of the two is set).
        connections: TCP connections (the client's pool size).
        stream: streaming (GetCompletionChunk) or unary (GetCompletion) calls.
        max_tokens: the requests' max_tokens, unless a corpus line sets its own.
        warmup: requests sent (and discarded) before the measured run.
        slo: objectives for goodput.
        retries: let the client retry (off: every outcome is counted once).
        timeout: each request's deadline, in seconds.
        metadata: extra gRPC metadata on every request.
        seed: seed of the open-loop arrival times.
        agent: a YAML agent spec run once per request instead of one chat call.
        variables: values of the agent's ``{placeholders}`` (``--var NAME=VALUE``).
        endpoint: HOST:PORT of the service under test (``--protocol openai``: its base
            URL, ``http(s)://HOST[:PORT]/PATH``).
        api_key: the key sent as ``authorization: Bearer``; never shown.
        protocol: ``grpc`` (xAI's gRPC API) or ``openai`` (an OpenAI-compatible REST API).
        api: with ``openai``: ``chat`` (``/chat/completions``) or ``responses`` (``/responses``).
    """

    model: str
    corpus: Corpus
    concurrency: Ramp | None = None
    rate: Ramp | None = None
    max_in_flight: int | None = None
    duration: float | None = None
    requests: int | None = None
    connections: int | None = None
    stream: bool = True
    max_tokens: int | None = None
    warmup: int = 0
    slo: Slo = field(default_factory=Slo)
    retries: bool = False
    timeout: float = 60.0
    metadata: tuple[tuple[str, str], ...] = field(default=(), repr=False)  # may carry credentials
    seed: int = 0
    agent: str | None = None
    variables: tuple[tuple[str, str], ...] = ()
    endpoint: str = "127.0.0.1:0"
    api_key: str | None = field(default=None, repr=False)
    protocol: Literal["grpc", "openai"] = "grpc"
    api: Literal["chat", "responses"] = "chat"

    def __post_init__(self) -> None:
        self._check_protocol()
        if (self.concurrency is None) == (self.rate is None):
            raise UsageError("give one of --concurrency N (closed loop) or --rate R (open loop)")
        if self.max_in_flight is not None:
            self._check_max_in_flight(self.max_in_flight)
        if self.duration is None and self.requests is None:
            raise UsageError("give --duration (e.g. 30s) or --requests N")
        if self.requests is not None and self.requests < 1:
            raise UsageError("--requests must be at least 1")
        if self.connections is not None and self.connections < 1:
            raise UsageError("--connections must be at least 1")
        if self.warmup < 0:
            raise UsageError("--warmup must be >= 0")
        if self.max_tokens is not None and self.max_tokens < 1:
            raise UsageError("--max-tokens must be at least 1")
        if self.max_tokens is not None and self.max_tokens > MAX_TOKENS:
            raise UsageError(f"--max-tokens {self.max_tokens}: at most {MAX_TOKENS:,}")
        if self.timeout > MAX_TIMEOUT:
            raise UsageError(f"--timeout {self.timeout:g}s: at most 24h ({MAX_TIMEOUT:,.0f}s)")
        if self.concurrency is not None:
            self._check_ramp(self.concurrency, "--concurrency", MAX_WORKERS)
        if self.rate is not None:
            self._check_ramp(self.rate, "--rate", MAX_RATE)

    def _check_protocol(self) -> None:
        if self.protocol not in ("grpc", "openai"):
            raise UsageError(f"--protocol {self.protocol}: choose grpc or openai")
        if self.api not in ("chat", "responses"):
            raise UsageError(f"--api {self.api}: choose chat or responses")
        if self.protocol == "grpc" and self.api != "chat":
            raise UsageError("--api responses is a REST API: add --protocol openai")
        if self.protocol == "openai":
            binary = [key for key, _ in self.metadata if key.endswith("-bin")]
            if binary:
                raise UsageError(
                    f"--metadata {binary[0]}: binary (-bin) metadata is gRPC's; "
                    "HTTP headers are text"
                )

    def _check_ramp(self, ramp: Ramp, flag: str, limit: float) -> None:
        """``ramp`` stays within ``limit`` for the whole run, or a one-line error says how not."""
        if ramp.start > limit:
            raise UsageError(f"{flag} {ramp.start:g}: at most {limit:,.0f}")
        if ramp.end is not None and ramp.end > limit:
            raise UsageError(f"--ramp-to {ramp.end:g}: at most {limit:,.0f} (as {flag})")
        if abs(ramp.step) > limit:
            raise UsageError(f"--ramp-step {ramp.step:g}: at most {limit:,.0f} (as {flag})")
        peak = ramp.peak(self.duration)
        if math.isinf(peak) and flag == "--concurrency":
            raise UsageError("a growing --concurrency ramp needs --ramp-to (its end) or --duration")
        if math.isfinite(peak) and peak > limit:
            raise UsageError(
                f"the ramp reaches {flag} {peak:,.0f} within --duration; at most {limit:,.0f}: "
                "give --ramp-to, a smaller --ramp-step or a shorter --duration"
            )

    def _check_max_in_flight(self, value: int) -> None:
        if self.concurrency is not None:
            raise UsageError(
                "--max-in-flight only applies to --rate (open loop); "
                "with --concurrency N at most N requests are in flight"
            )
        if value < 1:
            raise UsageError("--max-in-flight must be at least 1")

    @property
    def in_flight_cap(self) -> int | None:
        """Open loop: the most requests in flight at once; closed loop: ``None``."""
        if self.rate is None:
            return None
        return DEFAULT_MAX_IN_FLIGHT if self.max_in_flight is None else self.max_in_flight

    @property
    def pool_size(self) -> int:
        """Connections to open: as asked, else one per 100 peak workers (a stream limit).

        Over REST (HTTP/1.1, a request per connection at a time) the default is one per
        peak worker, or the in-flight cap in open loop.
        """
        if self.connections is not None:
            return self.connections
        per = 1 if self.protocol == "openai" else 100
        if self.concurrency is not None:
            peak = self.concurrency.peak(self.duration)
            return max(1, math.ceil(peak / per)) if math.isfinite(peak) else 4
        if self.protocol == "openai":
            return self.in_flight_cap or DEFAULT_MAX_IN_FLIGHT
        return 4

    def split(self, parts: int, index: int) -> LoadPlan:
        """The share of this plan that worker process ``index`` of ``parts`` runs."""

        def share(total: int | None) -> int | None:
            if total is None:
                return None
            return total // parts + (index < total % parts)

        def scale(ramp: Ramp | None) -> Ramp | None:
            if ramp is None:
                return None
            end = None if ramp.end is None else ramp.end / parts
            return dataclasses.replace(
                ramp, start=ramp.start / parts, step=ramp.step / parts, end=end
            )

        cap = self.in_flight_cap
        concurrency = self.concurrency
        if concurrency is not None and concurrency.kind == "const":
            concurrency = dataclasses.replace(concurrency, start=share(int(concurrency.start)) or 0)
        else:
            concurrency = scale(concurrency)
        return dataclasses.replace(
            self,
            concurrency=concurrency,
            rate=scale(self.rate),
            max_in_flight=share(cap),
            requests=share(self.requests),
            warmup=share(self.warmup) or 0,
            connections=None if self.connections is None else max(1, share(self.connections) or 1),
            seed=self.seed + index,
        )

    def describe(self) -> dict[str, Any]:
        """The plan as JSON-ready settings for the report (never the key)."""

        def ramp(r: Ramp | None) -> dict[str, Any] | None:
            return None if r is None else dataclasses.asdict(r)

        return {
            "endpoint": self.endpoint,
            "protocol": "grpc" if self.protocol == "grpc" else f"openai ({self.api})",
            "model": self.model,
            "mode": "closed" if self.concurrency is not None else "open",
            "concurrency": ramp(self.concurrency),
            "rate": ramp(self.rate),
            "max_in_flight": self.in_flight_cap,
            "duration_s": self.duration,
            "requests": self.requests,
            "connections": self.pool_size,
            "call": "agent" if self.agent else ("stream" if self.stream else "unary"),
            "agent": self.agent,
            "max_tokens": self.max_tokens,
            "warmup": self.warmup,
            "slo_s": self.slo.as_dict(),
            "retries": self.retries,
            "timeout_s": self.timeout,
            "prompts": len(self.corpus),
            "seed": self.seed,
        }
