"""A chat request as one typed, immutable value: every GetCompletionsRequest field.

::

    req = ChatRequest(
        model="grok-4-1-fast-reasoning",
        messages=(system("Be brief."), user("Weather in Paris?")),
        tools=(FunctionTool(name="get_weather", parameters={...}),),
        tool_choice="auto",
        temperature=0.2,
    )
    req2 = dataclasses.replace(req, messages=(*req.messages, response.message))

Anything this type does not cover can still be sent: ``client.chat`` also
accepts a raw ``chat_pb2.GetCompletionsRequest``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from agentrt.xai.messages import Message
from agentrt.xai.tool_specs import ToolSpec

__all__ = [
    "ChatRequest",
    "Guideline",
    "JsonSchema",
    "ReasoningEffort",
    "ResponseFormat",
    "SearchParameters",
    "SearchSource",
    "ToolChoice",
]

ReasoningEffort = Literal["none", "low", "medium", "high", "xhigh"]
ToolChoice = str
"""``"auto"``, ``"none"``, ``"required"``, or the name of the one function to call."""


@dataclass(frozen=True, kw_only=True)
class JsonSchema:
    """Structured output: the answer must be JSON matching ``schema``."""

    schema: Mapping[str, Any]


ResponseFormat = Literal["text", "json_object"] | JsonSchema


@dataclass(frozen=True, kw_only=True)
class SearchSource:
    """One source of live search (``kind`` is ``web``, ``news``, ``x`` or ``rss``)."""

    kind: Literal["web", "news", "x", "rss"]
    allowed_websites: tuple[str, ...] = ()
    excluded_websites: tuple[str, ...] = ()
    country: str | None = None
    safe_search: bool = False
    included_x_handles: tuple[str, ...] = ()
    excluded_x_handles: tuple[str, ...] = ()
    post_favorite_count: int | None = None
    post_view_count: int | None = None
    links: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class SearchParameters:
    """Live search settings (the older search API; prefer server-side search tools)."""

    mode: Literal["off", "on", "auto"] = "auto"
    sources: tuple[SearchSource, ...] = ()
    from_date: datetime | None = None
    to_date: datetime | None = None
    return_citations: bool = True
    max_search_results: int | None = None


@dataclass(frozen=True, kw_only=True)
class Guideline:
    """A policy guideline: ``behavior`` for content of ``category``."""

    category: Literal["nsfw", "violence", "profanity"]
    behavior: Literal["decline"] = "decline"


@dataclass(frozen=True, kw_only=True)
class ChatRequest:
    """Everything a chat completion can be asked for; ``None`` means the server default.

    Attributes:
        model: model name, e.g. ``grok-4-1-fast-reasoning``.
        messages: the conversation so far.
        tools: function definitions and server-side tools the model may use.
        tool_choice: ``auto``, ``none``, ``required`` or one function's name.
        parallel_tool_calls: allow several tool calls in one turn.
        response_format: ``text``, ``json_object`` or a :class:`JsonSchema`.
        reasoning_effort: for reasoning models.
        include: extra outputs, as IncludeOption names without the prefix
            (e.g. ``"inline_citations"``, ``"verbose_streaming"``).
    """

    model: str
    messages: tuple[Message, ...] = ()
    tools: tuple[ToolSpec, ...] = ()
    tool_choice: ToolChoice | None = None
    parallel_tool_calls: bool | None = None
    response_format: ResponseFormat | None = None
    reasoning_effort: ReasoningEffort | None = None
    search_parameters: SearchParameters | None = None
    previous_response_id: str | None = None
    store_messages: bool = False
    use_encrypted_content: bool = False
    temperature: float | None = None
    top_p: float | None = None
    max_tokens: int | None = None
    seed: int | None = None
    stop: tuple[str, ...] = ()
    logprobs: bool = False
    top_logprobs: int | None = None
    n: int | None = None
    user: str = ""
    frequency_penalty: float | None = None
    presence_penalty: float | None = None
    max_turns: int | None = None
    include: tuple[str, ...] = ()
    agent_count: Literal[4, 16] | None = None
    service_tier: Literal["default", "priority"] | None = None
    safety_identifier: str | None = None
    guidelines: tuple[Guideline, ...] = ()
