"""Tool declarations sent with a chat request: client-side functions and xAI's server-side tools.

A :class:`FunctionTool` is a JSON-schema function definition the model may
call; your code runs it and answers with :func:`agentrt.xai.messages.tool_result`.
The others are run by xAI's servers (web and X search, code execution,
collections search, remote MCP servers, attachment search, image generation).
Pure values; :mod:`agentrt.xai.chat_proto` converts them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = [
    "MCP",
    "AttachmentSearch",
    "CodeExecution",
    "CollectionsSearch",
    "FunctionTool",
    "ImageGeneration",
    "ToolSpec",
    "WebSearch",
    "XSearch",
]


def _empty_object() -> dict[str, Any]:
    return {"type": "object", "properties": {}}


@dataclass(frozen=True, kw_only=True)
class FunctionTool:
    """A function the model may call.

    Attributes:
        name: the function name the model uses.
        description: what it does (the model reads this).
        parameters: JSON Schema of the arguments object.
        strict: ask the model to follow the schema exactly.
    """

    name: str
    description: str = ""
    parameters: Mapping[str, Any] = field(default_factory=_empty_object)
    strict: bool = False


@dataclass(frozen=True, kw_only=True)
class WebSearch:
    """xAI's server-side web search."""

    allowed_domains: tuple[str, ...] = ()
    excluded_domains: tuple[str, ...] = ()
    enable_image_understanding: bool | None = None
    enable_image_search: bool | None = None
    country: str | None = None
    city: str | None = None
    region: str | None = None
    timezone: str | None = None


@dataclass(frozen=True, kw_only=True)
class XSearch:
    """xAI's server-side search of X posts."""

    from_date: datetime | None = None
    to_date: datetime | None = None
    allowed_x_handles: tuple[str, ...] = ()
    excluded_x_handles: tuple[str, ...] = ()
    enable_image_understanding: bool | None = None
    enable_video_understanding: bool | None = None


@dataclass(frozen=True, kw_only=True)
class CodeExecution:
    """xAI's server-side code execution sandbox."""


@dataclass(frozen=True, kw_only=True)
class CollectionsSearch:
    """Search of your document collections, run by xAI."""

    collection_ids: tuple[str, ...]
    limit: int | None = None
    instructions: str | None = None


@dataclass(frozen=True, kw_only=True)
class MCP:
    """A remote MCP server whose tools xAI's servers may call."""

    server_url: str
    server_label: str = ""
    server_description: str = ""
    allowed_tool_names: tuple[str, ...] = ()
    authorization: str | None = field(default=None, repr=False)
    extra_headers: Mapping[str, str] = field(default_factory=dict, repr=False)


@dataclass(frozen=True, kw_only=True)
class AttachmentSearch:
    """Search of files attached to the conversation, run by xAI."""

    limit: int | None = None


@dataclass(frozen=True, kw_only=True)
class ImageGeneration:
    """Server-side image generation as a tool."""

    action: str | None = None


ToolSpec = (
    FunctionTool
    | WebSearch
    | XSearch
    | CodeExecution
    | CollectionsSearch
    | MCP
    | AttachmentSearch
    | ImageGeneration
)
