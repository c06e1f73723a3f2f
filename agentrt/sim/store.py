"""In-memory state of one simulator: stored completions and deferred completions.

Both are bounded (oldest entries go first) so a long load test cannot grow the
server without limit.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass

import grpc
from agentrt_protos.xai.api.v1 import chat_pb2

from agentrt.sim.status import SimStatus

__all__ = ["CompletionStore", "DeferredStore", "Stored"]

_MAX_ENTRIES = 10_000


@dataclass(frozen=True, kw_only=True)
class Stored:
    """A stored completion: the conversation it answered and the response."""

    messages: tuple[chat_pb2.Message, ...]
    response: chat_pb2.GetChatCompletionResponse

    def history(self) -> list[chat_pb2.Message]:
        """The conversation continued by ``previous_response_id``: messages + the answer."""
        out = list(self.messages)
        if self.response.outputs:
            m = self.response.outputs[0].message
            out.append(
                chat_pb2.Message(
                    role=chat_pb2.ROLE_ASSISTANT,
                    content=[chat_pb2.Content(text=m.content)] if m.content else [],
                    tool_calls=m.tool_calls,
                )
            )
        return out


class CompletionStore:
    """Responses kept because the request set ``store_messages``."""

    def __init__(self) -> None:
        self._items: OrderedDict[str, Stored] = OrderedDict()

    def put(self, item: Stored) -> None:
        """Keep ``item`` under its response id."""
        self._items[item.response.id] = item
        while len(self._items) > _MAX_ENTRIES:
            self._items.popitem(last=False)

    def get(self, response_id: str) -> Stored:
        """The stored completion, or NOT_FOUND."""
        item = self._items.get(response_id)
        if item is None:
            raise SimStatus(
                grpc.StatusCode.NOT_FOUND,
                f"response {response_id!r} not found (it was never stored with "
                "store_messages=true, or it was deleted)",
            )
        return item

    def delete(self, response_id: str) -> None:
        """Forget a stored completion, or NOT_FOUND."""
        self.get(response_id)
        del self._items[response_id]


class DeferredStore:
    """Deferred completions: PENDING until their simulated generation time has passed."""

    def __init__(self) -> None:
        self._items: OrderedDict[str, tuple[float, chat_pb2.GetChatCompletionResponse]] = (
            OrderedDict()
        )

    def put(
        self, request_id: str, ready_in_s: float, response: chat_pb2.GetChatCompletionResponse
    ) -> None:
        """Keep ``response``; it is DONE ``ready_in_s`` seconds from now."""
        self._items[request_id] = (time.monotonic() + ready_in_s, response)
        while len(self._items) > _MAX_ENTRIES:
            self._items.popitem(last=False)

    def get(self, request_id: str) -> chat_pb2.GetDeferredCompletionResponse:
        """PENDING or DONE with the response; NOT_FOUND for an unknown id."""
        from agentrt_protos.xai.api.v1 import deferred_pb2

        item = self._items.get(request_id)
        if item is None:
            raise SimStatus(grpc.StatusCode.NOT_FOUND, f"deferred request {request_id!r} not found")
        ready_at, response = item
        if time.monotonic() < ready_at:
            return chat_pb2.GetDeferredCompletionResponse(status=deferred_pb2.PENDING)
        return chat_pb2.GetDeferredCompletionResponse(status=deferred_pb2.DONE, response=response)
