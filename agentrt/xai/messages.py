"""Conversation messages as plain values, and short builders for them.

::

    from agentrt.xai.messages import system, user, image, assistant, tool_result

    history = [
        system("You are terse."),
        user("What is in this picture?", image("https://example.org/cat.png")),
    ]
    # after a turn: history.append(response.message)
    # after running a tool: history.append(tool_result(call.id, '{"temp": 21}'))

These types carry no protobuf; :mod:`agentrt.xai.chat_proto` converts them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "Content",
    "File",
    "Image",
    "ImageDetail",
    "Message",
    "Role",
    "Text",
    "ToolCall",
    "assistant",
    "developer",
    "file",
    "image",
    "system",
    "tool_result",
    "user",
]

Role = Literal["system", "developer", "user", "assistant", "tool"]
ImageDetail = Literal["auto", "low", "high"]


@dataclass(frozen=True, kw_only=True, slots=True)
class Text:
    """A text part of a message."""

    text: str


@dataclass(frozen=True, kw_only=True, slots=True)
class Image:
    """An image part: an ``https://`` or ``data:image/...;base64,`` URL, or an uploaded file id."""

    url: str = ""
    file_id: str = ""
    detail: ImageDetail = "auto"


@dataclass(frozen=True, kw_only=True, slots=True)
class File:
    """A file part: an uploaded ``file_id``, inline ``data``, or a ``url``."""

    file_id: str = ""
    data: bytes = b""
    filename: str = ""
    mime_type: str = ""
    url: str = ""


Content = Text | Image | File


@dataclass(frozen=True, kw_only=True, slots=True)
class ToolCall:
    """A tool call the model asked for.

    Attributes:
        id: the call id; send it back in :func:`tool_result`.
        name: the function's name.
        arguments: the arguments as the model wrote them (a JSON string, maybe invalid).
        type: ``"function"`` for client-side tools, else the server-side tool kind
            (``"web_search"``, ``"x_search"``, ``"code_execution"``, ...).
        status: ``"in_progress"``, ``"completed"``, ``"incomplete"`` or ``"failed"``.
        error_message: set when a server-side tool failed.
    """

    id: str
    name: str
    arguments: str
    type: str = "function"
    status: str = "completed"
    error_message: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Message:
    """One message of a conversation.

    Attributes:
        role: who speaks.
        content: the parts (text, images, files).
        name: an optional participant name.
        tool_calls: the calls an assistant message made.
        tool_call_id: which call a ``tool`` message answers.
        reasoning_content: an assistant's reasoning, when sent back.
        encrypted_content: an assistant's encrypted reasoning, when sent back.
    """

    role: Role
    content: tuple[Content, ...] = ()
    name: str = ""
    tool_calls: tuple[ToolCall, ...] = ()
    tool_call_id: str | None = None
    reasoning_content: str | None = None
    encrypted_content: str = ""

    @property
    def text(self) -> str:
        """The text parts, joined."""
        return "".join(p.text for p in self.content if isinstance(p, Text))


def _parts(parts: tuple[str | Content, ...]) -> tuple[Content, ...]:
    return tuple(Text(text=p) if isinstance(p, str) else p for p in parts)


def system(text: str) -> Message:
    """A system message."""
    return Message(role="system", content=(Text(text=text),))


def developer(text: str) -> Message:
    """A developer message (instructions with system-like authority)."""
    return Message(role="developer", content=(Text(text=text),))


def user(*parts: str | Content, name: str = "") -> Message:
    """A user message from text and/or :func:`image` / :func:`file` parts."""
    return Message(role="user", content=_parts(parts), name=name)


def assistant(
    text: str = "",
    *,
    tool_calls: tuple[ToolCall, ...] = (),
    reasoning_content: str | None = None,
    encrypted_content: str = "",
) -> Message:
    """An assistant message (e.g. an earlier answer, with its tool calls)."""
    content: tuple[Content, ...] = (Text(text=text),) if text else ()
    return Message(
        role="assistant",
        content=content,
        tool_calls=tool_calls,
        reasoning_content=reasoning_content,
        encrypted_content=encrypted_content,
    )


def tool_result(tool_call_id: str, content: str) -> Message:
    """The result of tool call ``tool_call_id`` (usually a JSON string)."""
    return Message(role="tool", content=(Text(text=content),), tool_call_id=tool_call_id)


def image(url: str = "", *, file_id: str = "", detail: ImageDetail = "auto") -> Image:
    """An image part from a URL (``https://`` or ``data:``) or an uploaded file id."""
    if bool(url) == bool(file_id):
        from agentrt.errors import UsageError

        raise UsageError("image(): give exactly one of url or file_id")
    return Image(url=url, file_id=file_id, detail=detail)


def file(
    file_id: str = "", *, data: bytes = b"", filename: str = "", mime_type: str = "", url: str = ""
) -> File:
    """A file part: an uploaded file id, inline bytes, or a URL."""
    return File(file_id=file_id, data=data, filename=filename, mime_type=mime_type, url=url)
