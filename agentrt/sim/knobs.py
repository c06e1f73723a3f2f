"""Names and meanings of the simulator's faults and per-request headers.

Kept free of heavy imports so ``agentrt sim --help`` can list them cheaply.
"""

from __future__ import annotations

__all__ = ["ERROR_FAULTS", "FAULTS", "HEADERS", "RETRY_AFTER_KEY"]

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
}
ERROR_FAULTS = frozenset({"unavailable", "resource_exhausted", "too_large", "internal", "deadline"})

# header -> meaning (also the text of `agentrt sim --help`)
HEADERS: dict[str, str] = {
    "x-sim-fault": "comma-separated fault names for this call ('none' turns server faults off)",
    "x-sim-fault-on": "call numbers to fault, e.g. '1,2' (counted per x-sim-session); '' = all",
    "x-sim-fault-rate": "fraction of calls to fault, 0..1 (seeded)",
    "x-sim-session": "counter key for x-sim-fault-on (give each test its own)",
    "x-sim-abort-after": "chunks sent before the 'abort' fault cuts the stream",
    "x-sim-retry-after-ms": "retry hint sent with resource_exhausted",
    "x-sim-ttft-ms": "delay before the first chunk",
    "x-sim-itl-ms": "delay between chunks",
    "x-sim-tokens-per-chunk": "tokens per streamed chunk",
    "x-sim-output-tokens": "length of plain text answers, in tokens",
}
# gRPC's own pushback convention (gRFC A6), read by agentrt.xai.rpc_errors as RateLimited.retry_after.
RETRY_AFTER_KEY = "grpc-retry-pushback-ms"
