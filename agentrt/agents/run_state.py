"""A paused run as JSON: :class:`RunState` (see :mod:`agentrt.agents.approval`).

The state holds the conversation so far (without the instructions), the turn
counters, the tool calls already run (this turn's too), the calls waiting for a
decision and, for a run on a session, where its turn starts. It is not signed:
keep it where only the person who decides can change it (``agentrt serve`` keeps
it server-side). :meth:`RunState.from_json` checks every field, and
``Agent.resume`` checks that the pending and done calls are exactly the calls of
the last assistant message, so an edited state cannot make a tool run that the
model did not ask for.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from agentrt.agents.dispatch import ToolCallRecord, ToolErrorInfo
from agentrt.agents.message_json import messages_from_json, messages_to_json
from agentrt.errors import UsageError
from agentrt.xai.chat_response import Usage
from agentrt.xai.messages import Message

__all__ = ["RUN_STATE_VERSION", "PendingCall", "RunState", "SessionMark"]

RUN_STATE_VERSION = 1
_KINDS = frozenset(
    {"invalid_arguments", "unknown_tool", "raised", "timeout", "interrupted", "denied"}
)


@dataclass(frozen=True, slots=True, kw_only=True)
class PendingCall:
    """A call waiting for a decision.

    Attributes:
        call_id: the model's tool call id (the key of ``decisions``).
        tool: the tool's name.
        arguments: the arguments as the model wrote them (JSON text).
        note: why approval is asked when the tool's check failed (else ``""``).
    """

    call_id: str
    tool: str
    arguments: str
    note: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionMark:
    """Where a paused run's session turn starts: the turn is appended when it finishes."""

    session_id: str
    expected_turns: int
    history_len: int
    input: str


@dataclass(frozen=True, slots=True, kw_only=True)
class RunState:
    """A run paused for approval; ``to_json()`` / ``from_json()`` to keep it anywhere.

    Attributes:
        agent: the agent's name (``resume`` refuses another agent's state).
        run_id: the run's id.
        messages: the conversation so far, instructions left out.
        turns: model calls made.
        usage: token usage so far.
        response_ids: the model's response id of each turn.
        records: tool calls of earlier turns (``value`` and ``parsed`` are not kept).
        done: this turn's calls that needed no approval, already run.
        pending: this turn's calls waiting for a decision.
        seen_calls: ``(name, canonical arguments, count)`` for the repeated-call limit.
        repairs_left: output repair turns left.
        session: where the session turn starts, for a run on a session.
    """

    agent: str
    run_id: str
    messages: tuple[Message, ...]
    turns: int
    usage: Usage
    response_ids: tuple[str, ...]
    records: tuple[ToolCallRecord, ...]
    done: tuple[ToolCallRecord, ...]
    pending: tuple[PendingCall, ...]
    seen_calls: tuple[tuple[str, str, int], ...] = ()
    repairs_left: int = 0
    session: SessionMark | None = None

    def to_json(self) -> dict[str, Any]:
        """The state as a dict of JSON values (``"v"``: the format version)."""
        usage = dataclasses.asdict(self.usage)
        usage["server_side_tools_used"] = list(self.usage.server_side_tools_used)
        return {
            "v": RUN_STATE_VERSION,
            "agent": self.agent,
            "run_id": self.run_id,
            "messages": messages_to_json(self.messages),
            "turns": self.turns,
            "usage": usage,
            "response_ids": list(self.response_ids),
            "records": [_record_json(r) for r in self.records],
            "done": [_record_json(r) for r in self.done],
            "pending": [dataclasses.asdict(p) for p in self.pending],
            "seen_calls": [list(s) for s in self.seen_calls],
            "repairs_left": self.repairs_left,
            "session": None if self.session is None else dataclasses.asdict(self.session),
        }

    @classmethod
    def from_json(cls, data: Any) -> RunState:
        """The state :meth:`to_json` made.

        Raises:
            UsageError: another version, or a field missing or of the wrong type (named).
        """
        d = _obj(data, "run state")
        if d.get("v") != RUN_STATE_VERSION:
            raise UsageError(
                f"run state v={d.get('v')!r} is not supported (this agentrt reads "
                f"v={RUN_STATE_VERSION})"
            )
        try:
            return _decode(d)
        except (TypeError, ValueError, KeyError, AttributeError) as e:
            raise UsageError(f"run state: a field is missing or of the wrong type ({e})") from None


def _decode(d: dict[str, Any]) -> RunState:
    session = d.get("session")
    usage = _obj(d["usage"], "run state.usage")
    return RunState(
        agent=_typed(d["agent"], str, "agent"),
        run_id=_typed(d["run_id"], str, "run_id"),
        messages=messages_from_json(d["messages"], "run state.messages"),
        turns=_count(d["turns"], "turns"),
        usage=_usage(usage),
        response_ids=tuple(
            _typed(r, str, "response_ids") for r in _typed(d["response_ids"], list, "response_ids")
        ),
        records=tuple(_record(r, "records") for r in _typed(d["records"], list, "records")),
        done=tuple(_record(r, "done") for r in _typed(d["done"], list, "done")),
        pending=tuple(_pending(p) for p in _typed(d["pending"], list, "pending")),
        seen_calls=tuple(_seen(s) for s in _typed(d.get("seen_calls", []), list, "seen_calls")),
        repairs_left=_count(d.get("repairs_left", 0), "repairs_left"),
        session=None if session is None else _session(session),
    )


def _usage(data: dict[str, Any]) -> Usage:
    fields: dict[str, Any] = {}
    for k, v in data.items():
        if k == "server_side_tools_used":
            fields[k] = tuple(_typed(x, str, "usage") for x in _typed(v, list, "usage"))
        elif k == "cost_in_usd_ticks" and v is None:
            fields[k] = None
        else:
            fields[k] = _count(v, f"usage.{k}")
    return Usage(**fields)


def _record_json(r: ToolCallRecord) -> dict[str, Any]:
    return {
        "call_id": r.call_id,
        "name": r.name,
        "arguments": r.arguments,
        "output": r.output,
        "error": None if r.error is None else dataclasses.asdict(r.error),
        "turn": r.turn,
        "duration": r.duration,
    }


def _record(data: Any, where: str) -> ToolCallRecord:
    d = _obj(data, f"run state.{where}[]")
    error = d.get("error")
    info = None
    if error is not None:
        e = _obj(error, f"run state.{where}[].error")
        if e.get("kind") not in _KINDS:
            raise UsageError(f"run state.{where}[].error.kind: {e.get('kind')!r} is not known")
        info = ToolErrorInfo(
            kind=e["kind"],
            type=_typed(e["type"], str, where),
            message=_typed(e["message"], str, where),
        )
    duration = d.get("duration", 0.0)
    if not isinstance(duration, (int, float)):
        raise UsageError(f"run state.{where}[].duration: expected a number")
    return ToolCallRecord(
        call_id=_typed(d["call_id"], str, where),
        name=_typed(d["name"], str, where),
        arguments=_typed(d["arguments"], str, where),
        parsed=None,
        value=None,
        output=_typed(d["output"], str, where),
        error=info,
        turn=_count(d["turn"], where),
        started=0.0,
        duration=float(duration),
    )


def _pending(data: Any) -> PendingCall:
    d = _obj(data, "run state.pending[]")
    return PendingCall(
        call_id=_typed(d["call_id"], str, "pending"),
        tool=_typed(d["tool"], str, "pending"),
        arguments=_typed(d["arguments"], str, "pending"),
        note=_typed(d.get("note", ""), str, "pending"),
    )


def _seen(data: Any) -> tuple[str, str, int]:
    s = _typed(data, list, "seen_calls")
    if len(s) != 3:
        raise UsageError("run state.seen_calls: each entry is [name, arguments, count]")
    return (
        _typed(s[0], str, "seen_calls"),
        _typed(s[1], str, "seen_calls"),
        _count(s[2], "seen_calls"),
    )


def _session(data: Any) -> SessionMark:
    d = _obj(data, "run state.session")
    return SessionMark(
        session_id=_typed(d["session_id"], str, "session"),
        expected_turns=_count(d["expected_turns"], "session"),
        history_len=_count(d["history_len"], "session"),
        input=_typed(d["input"], str, "session"),
    )


def _obj(data: Any, where: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise UsageError(f"{where}: expected an object, got {type(data).__name__}")
    return data


def _typed(value: Any, kind: type, where: str) -> Any:
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise UsageError(
            f"run state.{where}: expected a {kind.__name__}, got {type(value).__name__}"
        )
    return value


def _count(value: Any, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise UsageError(f"run state.{where}: {value!r} is not a count")
    return value
