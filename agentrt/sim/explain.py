"""Why the simulated model called the tools it did: the ``x-sim-explain`` trailer.

A call with metadata ``x-sim-explain: 1`` (or every call of ``agentrt sim
--explain``) gets trailing metadata ``x-sim-explain``: JSON, one entry per
function tool offered, with its relevance score, the message words (concepts)
that matched, whether it was called and why, the arguments of each call, the
required parameters nothing filled, and where each filled value came from.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence

from agentrt.sim.toolplan import Decision

__all__ = ["EXPLAIN_HEADER", "MAX_EXPLAIN_CHARS", "explain_json", "wants_explain", "write_explain"]

EXPLAIN_HEADER = "x-sim-explain"
MAX_EXPLAIN_CHARS = 4000
"""The longest trailer: gRPC clients refuse metadata past 8 KiB in all."""

_YES = frozenset({"1", "true", "yes", "on"})


def wants_explain(metadata: Mapping[str, str]) -> bool:
    """Whether the call's metadata asks for the explanation."""
    return metadata.get(EXPLAIN_HEADER, "").strip().lower() in _YES


def explain_json(decisions: Sequence[Decision], limit: int = MAX_EXPLAIN_CHARS) -> str:
    """The decisions as ASCII JSON of at most ``limit`` characters (the last tools dropped)."""
    entries = [d.as_dict() for d in decisions]
    for keep in range(len(entries), -1, -1):
        body = {"tools": entries[:keep]}
        if keep < len(entries):
            body["omitted"] = len(entries) - keep  # type: ignore[assignment]
        text = json.dumps(body, separators=(",", ":"))
        if len(text) <= limit:
            return text
    return json.dumps({"tools": [], "omitted": len(entries)})


def write_explain(call_number: int, text: str) -> None:
    """One line on the simulator's stderr (``agentrt sim --explain``)."""
    sys.stderr.write(f"explain call {call_number}: {text}\n")
    sys.stderr.flush()
