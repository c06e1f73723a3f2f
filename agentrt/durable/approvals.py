"""A durable run's approval state, kept by the workflow: :class:`Approvals`.

The workflow records the calls of a turn that need a person's decision, answers
the ``pending`` query with them, and takes decisions from the ``approve`` signal
(``{call_id: {"approve": true} | {"deny": "reason"}}``). A signal comes from
outside, so every entry is checked: an entry for a call that is not pending
(unknown, or decided already: the first decision wins), or of any other shape,
is ignored and counted, never fatal to the run. Standard library only: this runs
inside the workflow sandbox, deterministically.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["Approvals", "decision_of", "denied_record"]

_MAX_REASON = 2000


def decision_of(value: Any) -> dict[str, Any] | None:
    """``value`` as ``{"approve": True}`` or ``{"deny": reason}``; None when it is neither."""
    if not isinstance(value, dict) or len(value) != 1:
        return None
    if value.get("approve") is True:
        return {"approve": True}
    reason = value.get("deny")
    if isinstance(reason, str) and reason.strip() and len(reason) <= _MAX_REASON:
        return {"deny": reason}
    return None


class Approvals:
    """The calls waiting for a decision, and the decisions taken so far."""

    def __init__(self) -> None:
        self.pending: dict[str, dict[str, Any]] = {}
        self.decisions: dict[str, dict[str, Any]] = {}
        self.ignored = 0

    def ask(self, calls: list[dict[str, Any]]) -> None:
        """Start waiting for a decision on each of ``calls``."""
        self.pending = {c["call_id"]: c for c in calls}
        self.decisions = {}

    def waiting(self) -> list[dict[str, Any]]:
        """The pending calls not decided yet (the ``pending`` query's answer)."""
        return [c for k, c in self.pending.items() if k not in self.decisions]

    def offer(self, payload: Any) -> None:
        """Take the valid decisions of one ``approve`` signal; ignore the rest."""
        if not isinstance(payload, dict):
            self.ignored += 1
            return
        for call_id, value in payload.items():
            decision = decision_of(value)
            if decision is None or call_id not in self.pending or call_id in self.decisions:
                self.ignored += 1
                continue
            self.decisions[call_id] = decision

    def settled(self) -> bool:
        """Whether every pending call has a decision."""
        return all(k in self.decisions for k in self.pending)

    def deny_rest(self, reason: str) -> None:
        """Deny every call still undecided with ``reason`` (the approval timeout ran out)."""
        for call_id in self.pending:
            self.decisions.setdefault(call_id, {"deny": reason})

    def take(self) -> dict[str, dict[str, Any]]:
        """The decisions, and nothing pending any more."""
        out, self.pending, self.decisions = self.decisions, {}, {}
        return out


def denied_record(call: dict[str, Any], reason: str, turn: int) -> dict[str, Any]:
    """The tool record of a denied call (as :mod:`agentrt.durable.codec` encodes records):
    the model reads the person's reason, as in a local run."""
    return {
        "call_id": call["id"],
        "name": call["name"],
        "arguments": call["arguments"],
        "parsed": None,
        "value": None,
        "output": json.dumps({"denied": True, "reason": reason}),
        "error": {"kind": "denied", "type": "ApprovalDenied", "message": reason},
        "turn": turn,
        "duration": 0.0,
    }
