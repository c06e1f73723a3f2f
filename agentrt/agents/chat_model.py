"""The xAI client behind the model seam: :class:`ChatModel` (gRPC or REST, as the client speaks)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Coroutine
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agentrt.xai.chat_request import ChatRequest
    from agentrt.xai.chat_response import ChatResponse, Delta
    from agentrt.xai.client import Client
    from agentrt.xai.delta_stream import DeltaStream

__all__ = ["ChatModel"]


class ChatModel:
    """A :class:`~agentrt.agents.model.Model` that calls xAI's Chat service through ``client``.

    One per conversation (an agent run makes one): successive requests reuse the
    wire form of the messages already sent (``client.chat.encoder()``: protobuf
    bytes over gRPC, JSON over REST).
    """

    stores_completions = True  # answers previous_response_id (agentrt.agents.session_run)

    def __init__(self, client: Client) -> None:
        self.client = client
        # the encoder of the client's chat: its requests are what that chat takes
        self._encoder: Any = client.chat.encoder()

    def complete(
        self,
        request: ChatRequest,
        *,
        timeout: float | None,
    ) -> Coroutine[Any, Any, ChatResponse]:
        """One unary GetCompletion call (the chat call's own coroutine: one frame less to
        pass through each time the run waits for the model and wakes up)."""
        return self.client.chat.complete(self._encoder.encode(request), timeout=timeout)

    def stream(
        self,
        request: ChatRequest,
        *,
        timeout: float | None,
    ) -> AsyncIterator[Delta | ChatResponse]:
        """One GetCompletionChunk stream: its deltas, then the assembled response.

        The stream is made now (not on first iteration), so its span's trace
        parent is the context current at this call (the agent run's span).
        """
        stream: DeltaStream = self.client.chat.stream(
            self._encoder.encode(request), timeout=timeout
        )
        return stream.items()  # closing it cancels the call
