"""What a chat call returns: plain values, no protobuf.

:class:`ChatResponse` is the whole answer (from ``complete()``, or assembled by
``stream()``); :class:`Delta` is one piece of a stream, kept as a NamedTuple
because one is made per streamed chunk and must be cheap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from agentrt.xai.messages import Message, Text, ToolCall

__all__ = [
    "USD_PER_TICK",
    "ChatResponse",
    "Choice",
    "Citation",
    "Delta",
    "FinishReason",
    "LogProb",
    "OutputFile",
    "ServerToolOutput",
    "TopLogProb",
    "Usage",
]

USD_PER_TICK = 1e-10
"""``cost_in_usd_ticks`` is in ticks of 1e-10 USD (xai-sdk's ``cost.USD_PER_TICK``)."""

FinishReason = str
"""``"stop"``, ``"length"``, ``"tool_calls"``, ``"max_context"``, ``"time_limit"``, or ``""``."""


@dataclass(frozen=True, kw_only=True, slots=True)
class Usage:
    """Token usage and cost of one call (add them up with ``+``).

    ``cost_in_usd_ticks`` is what the server charged, in ticks of 1e-10 USD, or
    ``None`` when it reported no cost; :attr:`cost_usd` is the same in dollars.
    Sums keep the exact tick count, so an agent run's total is exact too.
    """

    prompt_tokens: int = 0
    completion_tokens: int = 0
    reasoning_tokens: int = 0
    total_tokens: int = 0
    prompt_text_tokens: int = 0
    cached_prompt_text_tokens: int = 0
    prompt_image_tokens: int = 0
    num_sources_used: int = 0
    server_side_tools_used: tuple[str, ...] = ()
    cost_in_usd_ticks: int | None = None

    @property
    def cost_usd(self) -> float:
        """The cost in USD (0.0 when the server reported none: see ``cost_in_usd_ticks``)."""
        ticks = self.cost_in_usd_ticks
        return ticks * USD_PER_TICK if ticks else 0.0

    def __add__(self, other: Usage) -> Usage:
        cost = None
        if self.cost_in_usd_ticks is not None or other.cost_in_usd_ticks is not None:
            cost = (self.cost_in_usd_ticks or 0) + (other.cost_in_usd_ticks or 0)
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            reasoning_tokens=self.reasoning_tokens + other.reasoning_tokens,
            total_tokens=self.total_tokens + other.total_tokens,
            prompt_text_tokens=self.prompt_text_tokens + other.prompt_text_tokens,
            cached_prompt_text_tokens=self.cached_prompt_text_tokens
            + other.cached_prompt_text_tokens,
            prompt_image_tokens=self.prompt_image_tokens + other.prompt_image_tokens,
            num_sources_used=self.num_sources_used + other.num_sources_used,
            server_side_tools_used=self.server_side_tools_used + other.server_side_tools_used,
            cost_in_usd_ticks=cost,
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class Citation:
    """An inline citation: where in the content it applies and what it points to."""

    id: str
    kind: str
    url: str = ""
    start_index: int = 0
    end_index: int = 0
    file_id: str = ""
    chunk_id: str = ""


@dataclass(frozen=True, kw_only=True, slots=True)
class TopLogProb:
    """One of the likeliest tokens at a place of the answer, with its log probability."""

    token: str
    logprob: float
    bytes: bytes = b""


@dataclass(frozen=True, kw_only=True, slots=True)
class LogProb:
    """One output token's log probability, and the likeliest alternatives (``top_logprobs``)."""

    token: str
    logprob: float
    bytes: bytes = b""
    top_logprobs: tuple[TopLogProb, ...] = ()


@dataclass(frozen=True, kw_only=True, slots=True)
class OutputFile:
    """A file the response made (e.g. an image the ``image_generation`` tool drew)."""

    file_id: str
    name: str = ""


@dataclass(frozen=True, kw_only=True, slots=True)
class ServerToolOutput:
    """What a server-side tool returned (sent when the request's ``include`` asks for it).

    Attributes:
        index: the choice it belongs to.
        content: the tool's result, as the model read it.
        tool_calls: the server-side call(s) it answers (``type`` names the tool).
    """

    index: int = 0
    content: str = ""
    tool_calls: tuple[ToolCall, ...] = ()


@dataclass(frozen=True, kw_only=True, slots=True)
class Choice:
    """One of the ``n`` answers.

    ``logprobs`` holds one entry per output token when the request set ``logprobs``
    (``top_logprobs`` alternatives each when it asked for them); else it is empty.
    """

    index: int = 0
    content: str = ""
    reasoning_content: str = ""
    tool_calls: tuple[ToolCall, ...] = ()
    finish_reason: FinishReason = ""
    encrypted_content: str = ""
    citations: tuple[Citation, ...] = ()
    logprobs: tuple[LogProb, ...] = ()


@dataclass(frozen=True, kw_only=True, slots=True)
class ChatResponse:
    """A complete chat answer; the first choice's fields are shortcuts on it.

    Attributes:
        id: the response id (use as ``previous_response_id``).
        model: the model that answered.
        choices: one per requested ``n`` (usually one).
        usage: token usage and cost (``usage.cost_usd``).
        citations: source URLs the answer used.
        system_fingerprint: backend configuration fingerprint.
        service_tier: the tier that served the call (``"default"``, ``"priority"``;
            ``""`` when the server did not say).
        output_files: files the response made (images of the ``image_generation`` tool).
        tool_outputs: server-side tools' results (unary responses, when ``include`` asks).
    """

    id: str = ""
    model: str = ""
    choices: tuple[Choice, ...] = field(default_factory=lambda: (Choice(),))
    usage: Usage = field(default_factory=Usage)
    citations: tuple[str, ...] = ()
    system_fingerprint: str = ""
    service_tier: str = ""
    output_files: tuple[OutputFile, ...] = ()
    tool_outputs: tuple[ServerToolOutput, ...] = ()

    @property
    def cost_usd(self) -> float:
        """What the call cost in USD (``usage.cost_usd``)."""
        return self.usage.cost_usd

    @property
    def logprobs(self) -> tuple[LogProb, ...]:
        """The first choice's token log probabilities."""
        return self.choices[0].logprobs if self.choices else ()

    @property
    def content(self) -> str:
        """The first choice's text."""
        return self.choices[0].content if self.choices else ""

    @property
    def reasoning_content(self) -> str:
        """The first choice's reasoning text."""
        return self.choices[0].reasoning_content if self.choices else ""

    @property
    def tool_calls(self) -> tuple[ToolCall, ...]:
        """The first choice's tool calls."""
        return self.choices[0].tool_calls if self.choices else ()

    @property
    def finish_reason(self) -> FinishReason:
        """Why the first choice ended."""
        return self.choices[0].finish_reason if self.choices else ""

    @property
    def message(self) -> Message:
        """The first choice as an assistant message, to append to the conversation."""
        choice = self.choices[0] if self.choices else Choice()
        return Message(
            role="assistant",
            content=(Text(text=choice.content),) if choice.content else (),
            tool_calls=choice.tool_calls,
            encrypted_content=choice.encrypted_content,
        )


class Delta(NamedTuple):
    """One streamed piece of choice number ``choice``: new text, reasoning, whole tool calls."""

    content: str
    reasoning_content: str
    tool_calls: tuple[ToolCall, ...]
    choice: int
