"""The seam between the plain agent loop and what a run may add (sessions, approvals,
hooks, guardrails): :class:`Extension`, which :mod:`agentrt.agents.run_extras` (the
module itself) implements, and :class:`RequestChain`
(:class:`agentrt.agents.session_run.Chain`).

``loop`` and ``setup`` are a :class:`~agentrt.agents.run_loop.RunLoop` and its
``RunSetup``, typed ``Any`` here: this module sits below the loop it describes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from agentrt.agents.dispatch import ToolCallRecord
    from agentrt.agents.events import RunFinished
    from agentrt.agents.run_result import RunResult
    from agentrt.xai.chat_request import ChatRequest
    from agentrt.xai.chat_response import ChatResponse
    from agentrt.xai.messages import Message, ToolCall

__all__ = ["Extension", "RequestChain"]


class RequestChain(Protocol):
    """How a session run's requests are sent (:class:`agentrt.agents.session_run.Chain`)."""

    response_id: str | None

    def request(self, setup: Any, messages: list[Message]) -> ChatRequest:
        """The next request."""
        ...

    def advance(self, response_id: str, sent: int) -> None:
        """A response was recorded."""
        ...

    def fall_back(self) -> bool:
        """After NotFound: resend everything once; False when done already."""
        ...


class Extension(Protocol):
    """Hooks, guardrails, approvals, sessions: :mod:`agentrt.agents.run_extras` (the module)."""

    async def start(self, loop: Any) -> list[ToolCallRecord]:
        """Before the first turn."""
        ...

    async def model_call(self, loop: Any) -> ChatResponse:
        """One unary model call."""
        ...

    def model_stream(self, loop: Any) -> AsyncIterator[Any]:
        """One streamed model call."""
        ...

    async def run_tools(self, loop: Any, calls: list[ToolCall]) -> list[ToolCallRecord]:
        """This turn's calls."""
        ...

    async def turn_end(self, loop: Any, finished: RunFinished | None) -> RunResult[Any] | None:
        """After a turn."""
        ...

    def resend_on_expiry(
        self, loop: Any, chain: RequestChain, first: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        """A continued stream that falls back to resending."""
        ...
