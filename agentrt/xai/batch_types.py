"""Plain values of the Batch API (``client.batch``): no protobuf in them.

A :class:`BatchItem` is one request to add (a :class:`~agentrt.xai.chat_request.ChatRequest`
or an :class:`~agentrt.xai.image_types.ImageRequest`) under the caller's id;
:class:`BatchInfo` a batch and its :class:`BatchCounts`; :class:`BatchRequestInfo` one
request's metadata; :class:`BatchResult` one finished request: its decoded response or
its typed error.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from agentrt.xai.chat_request import ChatRequest
from agentrt.xai.image_types import ImageRequest

if TYPE_CHECKING:
    from agentrt.errors import RPCError
    from agentrt.xai.chat_response import ChatResponse
    from agentrt.xai.service_types import ImageResult

__all__ = [
    "MAX_REQUEST_ID",
    "BatchCounts",
    "BatchInfo",
    "BatchItem",
    "BatchRequestInfo",
    "BatchResult",
    "BatchableRequest",
    "RequestState",
]

MAX_REQUEST_ID = 200
"""The longest batch request id ``client.batch.add`` accepts (characters)."""

BatchableRequest = ChatRequest | ImageRequest
"""What a batch item carries: a chat completion or an image generation request."""

RequestState = Literal["pending", "succeeded", "failed", "cancelled", "unknown"]
"""The state of one request of a batch."""


@dataclass(frozen=True, slots=True)
class BatchItem:
    """One request to add to a batch.

    Attributes:
        id: the caller's id of the request (1..200 characters, unique within one ``add``
            call and the batch); its result and metadata carry it.
        request: the chat or image request.
    """

    id: str
    request: BatchableRequest


@dataclass(frozen=True, kw_only=True, slots=True)
class BatchCounts:
    """How many requests a batch has, by state (``total`` is the sum of the others)."""

    total: int = 0
    pending: int = 0
    succeeded: int = 0
    failed: int = 0
    cancelled: int = 0


@dataclass(frozen=True, kw_only=True, slots=True)
class BatchInfo:
    """A batch, as the service reported it at one moment.

    Attributes:
        id: the batch id, what every other call takes.
        name: the name it was created with.
        created_at: when it was created (UTC).
        expires_at: when the service forgets it, if it does.
        cancelled_at: when it was cancelled, or ``None``.
        input_file_id: the JSONL file it was created from, or ``None``.
        counts: its requests by state.
        cost_usd: what its finished requests cost so far, in USD.
    """

    id: str
    name: str
    created_at: datetime
    expires_at: datetime | None = None
    cancelled_at: datetime | None = None
    input_file_id: str | None = None
    counts: BatchCounts = BatchCounts()
    cost_usd: float = 0.0

    @property
    def done(self) -> bool:
        """Whether no request is pending (an empty batch is done too)."""
        return self.counts.pending == 0


@dataclass(frozen=True, kw_only=True, slots=True)
class BatchRequestInfo:
    """One request of a batch: what it asked for and how far it is.

    Attributes:
        id: the batch request id.
        model: the model it asked for.
        endpoint: the API path it stands for, e.g. ``/v1/chat/completions``.
        state: ``pending``, ``succeeded``, ``failed``, ``cancelled`` (or ``unknown``).
        created_at: when it was added.
        finished_at: when it finished, or ``None`` while pending.
    """

    id: str
    model: str
    endpoint: str
    state: RequestState
    created_at: datetime | None = None
    finished_at: datetime | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class BatchResult:
    """One finished request: its response or its error (exactly one is set).

    Attributes:
        request_id: the batch request id.
        response: the decoded response (``None`` for a failed request, and for a video
            response, which this client does not decode).
        error: the failure, as the :mod:`agentrt.errors` class of its status code with
            the server's message kept.
    """

    request_id: str
    response: ChatResponse | ImageResult | None = None
    error: RPCError | None = None

    @property
    def ok(self) -> bool:
        """Whether the request succeeded."""
        return self.error is None
