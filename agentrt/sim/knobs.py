"""Names, meanings and bounds of the simulator's faults, settings and per-request headers.

One table, :data:`KNOBS`, bounds every numeric setting: the command-line flags
(``--itl-ms``) and the request metadata headers (``x-sim-itl-ms``) take their
ranges from it, so a value one accepts the other accepts too. The bounds keep
any one call small: no answer is longer than :data:`MAX_OUTPUT_TOKENS`.

Kept free of heavy imports so ``agentrt sim --help`` can list them cheaply.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = [
    "ERROR_FAULTS",
    "FAULTS",
    "HEADERS",
    "KNOBS",
    "MAX_OUTPUTS",
    "MAX_OUTPUT_TOKENS",
    "MAX_RESPONSE_TOKENS",
    "MAX_SESSION_CHARS",
    "MAX_TOP_LOGPROBS",
    "MODEL_FAULTS",
    "RETRY_AFTER_KEY",
    "Knob",
]

MAX_OUTPUT_TOKENS = 100_000
"""The longest plain answer, in tokens (~0.5 MB): 100x what any test or benchmark asks."""

MAX_OUTPUTS = 128
"""The most answers one request may ask for (its ``n``)."""

MAX_TOP_LOGPROBS = 8
"""The most alternatives per token a request may ask for (its ``top_logprobs``), as xAI's."""

MAX_SESSION_CHARS = 200
"""The longest ``x-sim-session`` key (the simulator remembers 100,000 of them)."""

MAX_RESPONSE_TOKENS = 1_000_000
"""The most tokens of all a request's answers together (``n`` x length; ~5 MB)."""

# fault name -> what the client sees (also the text of `agentrt sim --help`)
FAULTS: dict[str, str] = {
    "unavailable": "UNAVAILABLE before any response",
    "resource_exhausted": "RESOURCE_EXHAUSTED (rate limited), trailing metadata grpc-retry-pushback-ms",
    "too_large": "RESOURCE_EXHAUSTED 'Received message larger than max', no retry hint",
    "internal": "INTERNAL before any response",
    "deadline": "the server stalls until the call's deadline (at most --deadline-stall-ms), "
    "then DEADLINE_EXCEEDED",
    "abort": "streams only: K chunks (--abort-after) then UNAVAILABLE",
    "malformed_args": "tool calls carry arguments that are not valid JSON",
    "unknown_tool": "the model calls nonexistent_tool, which the request did not offer",
    "invalid_output": "structured output (json_schema/json_object) that fails the schema",
    "job_failed": "video jobs start, then GetDeferredVideo reports FAILED with an error",
}
ERROR_FAULTS = frozenset({"unavailable", "resource_exhausted", "too_large", "internal", "deadline"})
MODEL_FAULTS = frozenset({"unavailable", "resource_exhausted", "internal"})
"""The faults ``--fail-model`` / ``x-sim-fail-model`` can give one model's calls."""


@dataclass(frozen=True)
class Knob:
    """A numeric setting: its flag ``--NAME``, its header ``x-sim-NAME`` (if any), its range."""

    name: str  # the setting's attribute name, e.g. "itl_ms"
    meaning: str
    least: float
    most: float
    integer: bool = False
    per_request: bool = True  # has an x-sim- header

    @property
    def flag(self) -> str:
        """The command-line flag, e.g. ``--itl-ms``."""
        return "--" + self.name.replace("_", "-")

    @property
    def header(self) -> str:
        """The metadata header, e.g. ``x-sim-itl-ms``."""
        return "x-sim-" + self.name.replace("_", "-")

    @property
    def allowed(self) -> str:
        """What a valid value looks like, e.g. ``a whole number from 0 to 100,000``."""
        if self.integer:
            return f"a whole number from {int(self.least):,} to {int(self.most):,}"
        return f"a number from {self.least:,g} to {self.most:,g}"

    def parse(self, text: str) -> float:
        """The value ``text`` gives; ValueError (saying :attr:`allowed`) when out of range."""
        try:
            value: float = int(text.strip()) if self.integer else float(text)
        except ValueError:
            value = math.nan
        if not self.least <= value <= self.most:  # also rejects nan and inf
            raise ValueError(f"{text[:40]!r} is not {self.allowed}")
        return value


KNOBS: dict[str, Knob] = {
    k.name: k
    for k in (
        Knob("ttft_ms", "delay before the first chunk", 0, 600_000),
        Knob("itl_ms", "delay between chunks", 0, 60_000),
        Knob("tokens_per_chunk", "tokens per streamed chunk", 1, MAX_OUTPUT_TOKENS, True),
        Knob(
            "output_tokens", "length of plain text answers, in tokens", 0, MAX_OUTPUT_TOKENS, True
        ),
        Knob("fault_rate", "fraction of calls to fault (seeded)", 0, 1),
        Knob(
            "abort_after",
            "chunks sent before the 'abort' fault cuts the stream",
            0,
            1_000_000,
            True,
        ),
        Knob("retry_after_ms", "retry hint sent with resource_exhausted", 0, 3_600_000, True),
        Knob(
            "deadline_stall_ms", "longest stall of the 'deadline' fault", 0, 3_600_000, True, False
        ),
        Knob("seed", "seed for --fault-rate", 0, 2**63 - 1, True, False),
        Knob(
            "batch_rate",
            "batch requests processed per second (0: as fast as the model answers)",
            0,
            1_000_000,
            False,
            False,
        ),
        Knob("video_delay_ms", "time a video job stays pending", 0, 3_600_000, True, False),
    )
}

# header -> meaning (also the text of `agentrt sim --help`)
HEADERS: dict[str, str] = {
    "x-sim-fault": "comma-separated fault names for this call ('none' turns server faults off)",
    "x-sim-fault-on": "call numbers to fault, e.g. '1,2' (counted per x-sim-session); '' = all",
    "x-sim-session": "counter key for x-sim-fault-on (give each test its own), "
    f"up to {MAX_SESSION_CHARS} characters",
    "x-sim-fail-model": "MODEL=FAULT[,MODEL=FAULT]: every call naming MODEL fails with "
    f"FAULT ({', '.join(sorted(MODEL_FAULTS))}); others answer",
    "x-sim-explain": "1: trailing metadata x-sim-explain says, as JSON, why the model called "
    "each function tool or not (scores, matched words, filled arguments)",
    **{
        k.header: f"{k.meaning}, {k.allowed.split(' ', 2)[2]}"
        for k in KNOBS.values()
        if k.per_request
    },
}
# gRPC's own pushback convention (gRFC A6), read by agentrt.xai.rpc_errors as RateLimited.retry_after.
RETRY_AFTER_KEY = "grpc-retry-pushback-ms"
