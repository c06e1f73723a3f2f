"""Sessions and approvals as ``agentrt.v1`` messages, and requests back into their terms.

Session ids a caller sends are namespaced by :func:`~agentrt.serve.auth.caller_key`
before they reach the store (``KEY@ID``), so the id a caller picks never
reaches another caller's conversation; responses show the caller's own id.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from agentrt_protos.agentrt.v1 import agent_pb2 as pb
from google.protobuf import struct_pb2

from agentrt.agents.approval import Approve, Deny
from agentrt.errors import UsageError

if TYPE_CHECKING:
    from agentrt.agents.approval import Decision
    from agentrt.agents.run_state import PendingCall
    from agentrt.agents.session import SessionTurn

__all__ = [
    "approval_message",
    "check_id",
    "decisions_of",
    "scoped_session",
    "session_turn_message",
]

_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,128}$")
_SESSION_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,100}$")  # the store's ids: 128 with the key
MAX_REASON_CHARS = 4096


def check_id(label: str, value: str) -> str:
    """``value`` when it is a valid id (``[A-Za-z0-9_.:-]{1,128}``).

    Raises:
        UsageError: it is not.
    """
    if not _ID.match(value):
        raise UsageError(f"{label} must match [A-Za-z0-9_.:-]{{1,128}}")
    return value


def scoped_session(owner: str, session_id: str) -> str:
    """The store's id of the caller's session ``session_id`` (at most 100 characters).

    Raises:
        UsageError: ``session_id`` is not ``[A-Za-z0-9_.:-]{1,100}``.
    """
    if not _SESSION_ID.match(session_id):
        raise UsageError("session_id must match [A-Za-z0-9_.:-]{1,100}")
    return f"{owner[:20]}@{session_id}"


def session_turn_message(turn: SessionTurn) -> pb.SessionTurn:
    """One stored turn, its messages as JSON objects."""
    from agentrt.agents.message_json import messages_to_json

    message = pb.SessionTurn(
        index=turn.index,
        input=turn.input,
        response_id=turn.response_id or "",
        created_at=turn.created_at,
    )
    for item in messages_to_json(turn.messages):
        struct = struct_pb2.Struct()
        struct.update(item)
        message.messages.append(struct)
    return message


def approval_message(
    run_id: str, calls: Iterable[PendingCall], expires_in_s: float
) -> pb.ApprovalRequired:
    """What a paused run tells its caller."""
    return pb.ApprovalRequired(
        run_id=run_id,
        calls=[
            pb.PendingCall(call_id=c.call_id, tool=c.tool, arguments=c.arguments, note=c.note)
            for c in calls
        ],
        expires_in_s=expires_in_s,
    )


def decisions_of(
    decisions: Iterable[pb.Decision], pending: Iterable[PendingCall]
) -> dict[str, Decision]:
    """The request's decisions, checked against the pending calls.

    Raises:
        UsageError: a call decided twice, an unknown or missing call, a reason too long.
    """
    wanted = {c.call_id for c in pending}
    out: dict[str, Decision] = {}
    for d in decisions:
        if d.call_id in out:
            raise UsageError(f"decisions: call {d.call_id!r} is decided twice")
        if d.call_id not in wanted:
            raise UsageError(f"decisions: no pending call {d.call_id[:128]!r} in this run")
        if len(d.reason) > MAX_REASON_CHARS:
            raise UsageError(f"decisions: a reason has at most {MAX_REASON_CHARS} characters")
        out[d.call_id] = Approve() if d.approve else Deny(d.reason or "a person denied this call")
    missing = sorted(wanted - out.keys())
    if missing:
        raise UsageError(f"decisions: no decision for {', '.join(missing)}: decide every call")
    return out
