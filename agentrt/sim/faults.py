"""Realism and fault injection: server-wide settings, per-request header overrides.

Every setting has a command-line flag (server-wide) and a request metadata
header (this call only; a header wins over the flag). Faults apply to model
calls (``GetCompletion``, ``GetCompletionChunk``, ``StartDeferredCompletion``)
that are *selected*: every call, the calls numbered in ``fault-on`` (1-based,
counted per ``x-sim-session`` value, or server-wide without one), or a seeded
random fraction ``fault-rate`` of them.
"""

from __future__ import annotations

import random
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from operator import methodcaller

import grpc

from agentrt.sim.knobs import (
    ERROR_FAULTS,
    FAULTS,
    HEADERS,
    KNOBS,
    MAX_SESSION_CHARS,
    MODEL_FAULTS,
    RETRY_AFTER_KEY,
)
from agentrt.sim.model import Quirks
from agentrt.sim.status import SimStatus

__all__ = [
    "ERROR_FAULTS",
    "FAULTS",
    "HEADERS",
    "RETRY_AFTER_KEY",
    "CallPlan",
    "FaultConfig",
    "FaultInjector",
    "Realism",
    "parse_call_numbers",
    "parse_fail_models",
    "parse_faults",
]


_MAX_SESSIONS = 100_000


@dataclass(frozen=True, kw_only=True)
class Realism:
    """Timing and shape of streamed answers."""

    ttft_ms: float = 0.0
    itl_ms: float = 0.0
    tokens_per_chunk: int = 1
    output_tokens: int | None = None


@dataclass(frozen=True, kw_only=True)
class FaultConfig:
    """Server-wide fault settings (the command-line flags)."""

    faults: frozenset[str] = frozenset()
    on_calls: frozenset[int] = frozenset()
    rate: float | None = None
    abort_after: int = 3
    retry_after_ms: int = 1000
    deadline_stall_ms: int = 30_000
    seed: int = 0
    fail_models: tuple[tuple[str, str], ...] = ()  # (model, fault): that model's calls fail


@dataclass(frozen=True, kw_only=True)
class CallPlan:
    """What happens to one model call."""

    error: str | None = None
    abort_after: int | None = None
    quirks: Quirks = field(default_factory=Quirks)
    realism: Realism = field(default_factory=Realism)
    retry_after_ms: int = 1000
    deadline_stall_ms: int = 30_000
    call_number: int = 0
    job_failed: bool = False  # a deferred video job started by this call ends FAILED

    def raise_error(self) -> None:
        """Raise the planned error fault, unless it is 'deadline' (the caller stalls first)."""
        n = self.call_number
        if self.error == "unavailable":
            raise SimStatus(
                grpc.StatusCode.UNAVAILABLE, f"simulated fault: service unavailable (call {n})"
            )
        if self.error == "internal":
            raise SimStatus(grpc.StatusCode.INTERNAL, f"simulated fault: internal error (call {n})")
        if self.error == "too_large":
            raise SimStatus(
                grpc.StatusCode.RESOURCE_EXHAUSTED,
                "simulated fault: Received message larger than max (20971521 vs. 20971520)",
            )
        if self.error == "resource_exhausted":
            raise SimStatus(
                grpc.StatusCode.RESOURCE_EXHAUSTED,
                f"simulated fault: rate limit exceeded; retry after {self.retry_after_ms} ms (call {n})",
                trailers=((RETRY_AFTER_KEY, str(self.retry_after_ms)),),
            )


_is_sim_header = methodcaller("startswith", "x-sim-")


def _bad_header(name: str, value: str, expected: str) -> SimStatus:
    return SimStatus(
        grpc.StatusCode.INVALID_ARGUMENT, f"metadata {name}={value!r}: expected {expected}"
    )


def parse_faults(text: str) -> frozenset[str]:
    """Fault names from ``a,b``; ValueError names the unknown one."""
    names = frozenset(n.strip().replace("-", "_") for n in text.split(",") if n.strip())
    if names == {"none"}:
        return frozenset()
    unknown = sorted(names - FAULTS.keys())
    if unknown:
        raise ValueError(f"unknown fault {unknown[0]!r} (known: {', '.join(FAULTS)})")
    return names


def parse_fail_models(text: str) -> tuple[tuple[str, str], ...]:
    """``(model, fault)`` pairs from ``a=unavailable,b=internal``; ValueError says what is wrong."""
    pairs: list[tuple[str, str]] = []
    for part in text.split(","):
        model, sep, fault = part.strip().partition("=")
        fault = fault.strip().replace("-", "_")
        if not part.strip():
            continue
        if not sep or not model.strip() or fault not in MODEL_FAULTS:
            raise ValueError(
                f"{part.strip()[:60]!r} is not MODEL=FAULT with FAULT one of "
                f"{', '.join(sorted(MODEL_FAULTS))}"
            )
        pairs.append((model.strip(), fault))
    return tuple(pairs)


def parse_call_numbers(text: str) -> frozenset[int]:
    """Call numbers from ``1,3``; ValueError when one is not a positive integer."""
    try:
        numbers = frozenset(int(n) for n in text.split(",") if n.strip())
    except ValueError:
        raise ValueError(f"{text!r} is not a list of call numbers like 1,3") from None
    if any(n < 1 for n in numbers):
        raise ValueError("call numbers start at 1")
    return numbers


def _knob(metadata: Mapping[str, str], name: str, default: float) -> float:
    """The header of knob ``name``, in its range, or ``default`` without one."""
    knob = KNOBS[name]
    raw = metadata.get(knob.header)
    if raw is None:
        return default
    try:
        return knob.parse(raw)
    except ValueError:
        raise _bad_header(knob.header, raw, knob.allowed) from None


def _check_settings(config: FaultConfig, realism: Realism) -> None:
    """ValueError naming the first setting outside its knob's range (``None`` means unset)."""
    for settings in (config, realism):
        for name, value in vars(settings).items():
            knob = KNOBS.get("fault_rate" if name == "rate" else name)
            if knob is not None and value is not None and not knob.least <= value <= knob.most:
                raise ValueError(
                    f"{type(settings).__name__}.{name}={value!r}: expected {knob.allowed}"
                )


class FaultInjector:
    """Decides, call by call, which faults and timings apply."""

    def __init__(self, config: FaultConfig, realism: Realism) -> None:
        _check_settings(config, realism)
        self.config = config
        self.realism = realism
        self._counts: OrderedDict[str, int] = OrderedDict()
        plain = CallPlan(
            quirks=Quirks(output_tokens=realism.output_tokens),
            realism=realism,
            retry_after_ms=int(config.retry_after_ms),
            deadline_stall_ms=config.deadline_stall_ms,
        )
        self._plain_fields = dict(vars(plain))  # what every plain plan holds but its number

    def plan(self, metadata: Mapping[str, str]) -> CallPlan:
        """The plan for one model call with these (lower-case) metadata headers."""
        cfg = self.config
        session = metadata.get("x-sim-session", "")
        if len(session) > MAX_SESSION_CHARS:
            raise _bad_header(
                "x-sim-session", session[:40], f"at most {MAX_SESSION_CHARS} characters"
            )
        number = self._counts.pop(session, 0) + 1
        self._counts[session] = number  # most recent last; the oldest sessions are forgotten
        if len(self._counts) > _MAX_SESSIONS:
            self._counts.popitem(last=False)
        if not cfg.faults and not any(map(_is_sim_header, metadata)):
            return self._plain(number)  # the common case, per call: nothing to decide
        active = self._active_faults(metadata, session, number)
        realism = self._realism(metadata)
        quirks = Quirks(
            malformed_tool_args="malformed_args" in active,
            unknown_tool="unknown_tool" in active,
            invalid_output="invalid_output" in active,
            output_tokens=realism.output_tokens,
        )
        abort = int(_knob(metadata, "abort_after", cfg.abort_after))
        retry_after = _knob(metadata, "retry_after_ms", cfg.retry_after_ms)
        return CallPlan(
            error=next((f for f in sorted(active) if f in ERROR_FAULTS), None),
            abort_after=abort if "abort" in active else None,
            quirks=quirks,
            realism=realism,
            retry_after_ms=int(retry_after),
            deadline_stall_ms=cfg.deadline_stall_ms,
            call_number=number,
            job_failed="job_failed" in active,
        )

    def fail_model(self, metadata: Mapping[str, str], model: str, plan: CallPlan) -> None:
        """Raise the fault ``--fail-model`` / ``x-sim-fail-model`` gives calls naming ``model``."""
        raw = metadata.get("x-sim-fail-model")
        if raw is None:
            pairs = self.config.fail_models
        else:
            try:
                pairs = parse_fail_models(raw)
            except ValueError as exc:
                raise _bad_header("x-sim-fail-model", raw[:60], str(exc)) from None
        for name, fault in pairs:
            if name == model:
                replace(plan, error=fault).raise_error()

    def _plain(self, number: int) -> CallPlan:
        """The plan of call ``number`` when no fault and no header applies.

        Made for every call, so its fields are copied from those built once rather
        than set one by one by the frozen dataclass's ``__init__`` (a third of the time).
        """
        plan = object.__new__(CallPlan)
        vars(plan).update(self._plain_fields, call_number=number)
        return plan

    def _active_faults(
        self, metadata: Mapping[str, str], session: str, number: int
    ) -> frozenset[str]:
        """The faults that apply to call ``number`` of ``session``."""
        cfg = self.config
        try:
            faults = (
                parse_faults(metadata["x-sim-fault"]) if "x-sim-fault" in metadata else cfg.faults
            )
            on_calls = cfg.on_calls
            if "x-sim-fault-on" in metadata:
                on_calls = parse_call_numbers(metadata["x-sim-fault-on"])
        except ValueError as exc:
            raise SimStatus(
                grpc.StatusCode.INVALID_ARGUMENT, f"metadata x-sim-fault…: {exc}"
            ) from None
        rate = _knob(metadata, "fault_rate", -1.0 if cfg.rate is None else cfg.rate)
        selected = bool(faults) and (not on_calls or number in on_calls)
        if selected and rate >= 0:
            selected = random.Random(f"{cfg.seed}:{session}:{number}").random() < rate
        return faults if selected else frozenset()

    def _realism(self, metadata: Mapping[str, str]) -> Realism:
        base = self.realism
        if not any(k.startswith("x-sim-") for k in metadata):
            return base
        output = metadata.get("x-sim-output-tokens")  # "" leaves it unset
        return replace(
            base,
            ttft_ms=_knob(metadata, "ttft_ms", base.ttft_ms),
            itl_ms=_knob(metadata, "itl_ms", base.itl_ms),
            tokens_per_chunk=int(_knob(metadata, "tokens_per_chunk", base.tokens_per_chunk)),
            output_tokens=int(_knob(metadata, "output_tokens", 0))
            if output
            else base.output_tokens,
        )
