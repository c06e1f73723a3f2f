"""A run on a session: load the turns, pick how to send them, append the new turn.

With ``session_mode="auto"`` (the default) and a model that keeps completions
(xAI's, through ``client=``), the first model call of a run measures the
request both ways with the client's request encoder (the whole history, or only
the new messages with ``previous_response_id`` of the session's last turn) and
sends the smaller; every request of a session run sets ``store_messages`` so the
next run can continue from it. ``"resend"`` always sends the history;
``"previous_response_id"`` always continues when the last turn has a response
id. A stored response that has expired (``NotFound``) is answered by resending
the history, once, without the caller seeing it.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Literal

from agentrt.agents.budget import stored_usage
from agentrt.agents.session import Session, SessionTurn
from agentrt.errors import SessionConflict, UsageError

if TYPE_CHECKING:
    from agentrt.agents.run_loop import RunLoop, RunSetup
    from agentrt.agents.run_result import RunResult
    from agentrt.xai.chat_request import ChatRequest
    from agentrt.xai.messages import Message

__all__ = ["Chain", "SessionMode", "SessionRun", "request_bytes", "stores_completions"]

SessionMode = Literal["auto", "resend", "previous_response_id"]
_MODES = ("auto", "resend", "previous_response_id")


@dataclass(slots=True)
class Chain:
    """How the requests of a session run are sent: all stored, continued when ``response_id``."""

    response_id: str | None  # continue from this stored response (None: send everything)
    sent: int  # messages[:sent] are in that stored conversation
    fell_back: bool = False

    def request(self, setup: RunSetup, messages: list[Message]) -> ChatRequest:
        """The next request: stored, and continuing ``response_id`` when there is one."""
        if self.response_id is None:
            req = setup.request(messages)
        else:
            req = setup.request(messages[self.sent :])
            req.__dict__["previous_response_id"] = self.response_id
        req.__dict__["store_messages"] = True  # a fresh request: no one else holds it yet
        return req

    def advance(self, response_id: str, sent: int) -> None:
        """The response just recorded is stored: continue from it (only new messages go)."""
        if response_id:
            self.response_id, self.sent = response_id, sent

    def fall_back(self) -> bool:
        """After NotFound: resend everything, once; False when that was done already."""
        if self.response_id is None or self.fell_back:
            return False
        self.response_id, self.fell_back = None, True
        return True


def request_bytes(request: ChatRequest) -> int:
    """The bytes ``request`` is on the gRPC wire (a fresh encoder: nothing reused)."""
    from agentrt.xai.chat_wire import RequestEncoder

    return len(RequestEncoder().encode(request).data)


@dataclass(slots=True)
class SessionRun:
    """One run's session: what was loaded, and the turn it appends."""

    session: Session
    mode: SessionMode = "auto"
    input_text: str = ""
    expected: int = 0
    history_len: int = 0
    last_bytes: tuple[int, int] | None = None  # (resend, continued) bytes of the first call

    def __post_init__(self) -> None:
        if self.mode not in _MODES:
            raise UsageError(f"session_mode={self.mode!r}: choose one of {', '.join(_MODES)}")

    def prepare(
        self, then: Callable[[RunLoop], Awaitable[None]] | None
    ) -> Callable[[RunLoop], Awaitable[None]]:
        """The loop's ``prepare``: load the session, then ``then`` (the agent's own)."""

        async def load_then(loop: RunLoop) -> None:
            await self.load(loop)
            if then is not None:
                await then(loop)

        return load_then

    async def load(self, loop: RunLoop) -> None:
        """Put the session's messages before the run's input and choose the chain."""
        turns = await self.session.store.load(self.session.session_id)
        history = [m for t in turns for m in t.messages]
        at = 1 if loop.messages and loop.messages[0].role == "system" else 0
        loop.messages[at:at] = history
        self.expected, self.history_len = len(turns), len(history)
        if loop.budget is not None and loop.setup.limits.budget_scope == "session":
            loop.budget.base = stored_usage(t.usage for t in turns)  # older turns lack cost: 0
        if self.mode == "resend" or not (self.mode != "auto" or stores_completions(loop.model)):
            return
        last = turns[-1].response_id if turns else None
        chain = Chain(None, at + len(history))
        if last and self.mode == "auto":
            full = request_bytes(chain.request(loop.setup, loop.messages))
            chain.response_id = last
            continued = request_bytes(chain.request(loop.setup, loop.messages))
            self.last_bytes = (full, continued)
            if continued >= full:
                chain.response_id = None
        elif last:
            chain.response_id = last
        loop.chain = chain

    def turn(self, result: RunResult[Any]) -> SessionTurn:
        """The turn ``result`` adds: its messages after the history."""
        usage = {k: v for k, v in asdict(result.usage).items() if type(v) is int}
        return SessionTurn(
            index=self.expected,
            input=self.input_text,
            messages=tuple(result.messages[self.history_len :]),
            response_id=result.last_response_id or None,
            created_at=time.time(),
            usage=usage,
        )

    async def append(self, loop: RunLoop, result: RunResult[Any]) -> None:
        """Append the run's turn; a SessionConflict carries ``result``."""
        try:
            await self.session.store.append(
                self.session.session_id, self.turn(result), expected_turns=self.expected
            )
        except SessionConflict as e:
            e.result = result
            raise


def stores_completions(model: Any) -> bool:
    """Whether ``model`` keeps completions on the server (xAI's does)."""
    return bool(getattr(model, "stores_completions", False))
