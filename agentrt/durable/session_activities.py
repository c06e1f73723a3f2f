"""The session activities of a durable run: load a session's turns, append the run's turn.

The session store is reached only from these activities, never from workflow
code, so the workflow stays deterministic and the store's answers are recorded in
its history: a worker that dies mid-run is replaced and the run goes on with the
same history. The append is idempotent: a retried attempt (its worker died after
the write, before Temporal heard back) finds its own turn already at
``expected_turns`` (same input, response id and time) and does nothing; any other
turn there is a real conflict, :class:`~agentrt.errors.SessionConflict`, which is
not retried.
"""

from __future__ import annotations

from temporalio import activity
from temporalio.exceptions import ApplicationError

from agentrt.agents.session import SessionTurn
from agentrt.durable.codec import decode_message, encode_message
from agentrt.durable.payloads import (
    SESSION_APPEND_ACTIVITY,
    SESSION_LOAD_ACTIVITY,
    SessionAppend,
    SessionHistory,
    SessionRef,
)
from agentrt.errors import AgentrtError, SessionConflict, UsageError

__all__ = ["session_append", "session_load"]


async def _load(ref: SessionRef) -> tuple[SessionTurn, ...]:
    from agentrt.sessions.open_store import open_store

    try:
        store = open_store(ref.store)
    except UsageError as e:
        raise ApplicationError(str(e), type="UsageError", non_retryable=True) from None
    try:
        return await store.load(ref.session_id)
    except UsageError as e:  # a bad session id, or a turn this agentrt cannot read
        raise ApplicationError(str(e), type="UsageError", non_retryable=True) from None
    finally:
        await store.close()


@activity.defn(name=SESSION_LOAD_ACTIVITY)
async def session_load(ref: SessionRef) -> SessionHistory:
    """The session's turns, as one conversation (every turn's messages in order)."""
    turns = await _load(ref)
    messages = [encode_message(m) for t in turns for m in t.messages]
    usage = [dict(t.usage) for t in turns]
    return SessionHistory(turns=len(turns), messages=messages, usage=usage)


@activity.defn(name=SESSION_APPEND_ACTIVITY)
async def session_append(inp: SessionAppend) -> None:
    """Append the run's turn at index ``expected_turns``, once.

    Raises:
        ApplicationError: ``SessionConflict`` (not retried) when another turn took that index.
    """
    from agentrt.sessions.open_store import open_store

    turn = SessionTurn(
        index=inp.expected_turns,
        input=inp.input,
        messages=tuple(decode_message(m) for m in inp.messages),
        response_id=inp.response_id,
        created_at=inp.created_at,
        usage=dict(inp.usage),
    )
    store = open_store(inp.session.store)
    try:
        have = await store.load(inp.session.session_id)
        if len(have) > inp.expected_turns and _same(have[inp.expected_turns], turn):
            return  # this append already happened: an attempt retried after a crash
        await store.append(inp.session.session_id, turn, expected_turns=inp.expected_turns)
    except SessionConflict as e:
        details = {"session_id": e.session_id, "expected": e.expected, "found": e.found}
        raise ApplicationError(
            str(e), details, type="SessionConflict", non_retryable=True
        ) from None
    except UsageError as e:
        raise ApplicationError(str(e), type="UsageError", non_retryable=True) from None
    except AgentrtError as e:  # the store is down: worth another attempt
        raise ApplicationError(str(e), type=type(e).__name__) from None
    finally:
        await store.close()


def _same(stored: SessionTurn, ours: SessionTurn) -> bool:
    return (stored.input, stored.response_id, stored.created_at) == (
        ours.input,
        ours.response_id,
        ours.created_at,
    )
