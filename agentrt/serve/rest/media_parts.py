"""Pictures and files in a REST caller's user message, as message parts (checked).

Both OpenAI shapes are read: chat completions' ``image_url`` (``{"url", "detail"}``)
and ``file`` (``{"file_data", "filename"}`` or ``{"file_id"}``), and the Responses
API's ``input_image`` (``image_url`` or ``file_id``, ``detail``) and ``input_file``
(``file_data`` and ``filename``, or ``file_id``). A picture is checked as
:func:`agentrt.xai.media.image_part` checks one (PNG or JPEG, at most 20 MiB, an
http(s) or data: URL); a bad one is a 400 naming the part.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from agentrt.errors import UsageError
from agentrt.serve.rest.errors import ApiError
from agentrt.xai.media import check_detail, file_from_bytes, image_part
from agentrt.xai.messages import Content, File, Image, Text

__all__ = ["MAX_PARTS", "content_parts"]

MAX_PARTS = 16
"""Pictures and files one message may carry."""

_TEXT_PARTS = frozenset({"text", "input_text", "output_text"})
_IMAGE_PARTS = frozenset({"image_url", "input_image"})
_FILE_PARTS = frozenset({"file", "input_file"})


def _bad(field: str, what: str) -> ApiError:
    return ApiError(400, f"'{field}' {what}", param=field, code="invalid_value")


def content_parts(content: list[Any], field: str) -> tuple[Content, ...]:
    """The text, pictures and files of a user message's content list.

    Raises:
        ApiError: 400 for a part that is not text, a picture or a file, or one that
            cannot be sent (the message names it and says why).
    """
    parts: list[Content] = []
    for i, part in enumerate(content):
        where = f"{field}[{i}]"
        kind = part.get("type") if isinstance(part, dict) else None
        if kind in _TEXT_PARTS and isinstance(part.get("text"), str):
            parts.append(Text(text=part["text"]))
            continue
        if kind not in _IMAGE_PARTS | _FILE_PARTS:
            raise _bad(where, "must be a text, image or file part")
        try:
            parts.append(_image(part, where) if kind in _IMAGE_PARTS else _file(part, where))
        except UsageError as exc:
            raise _bad(where, str(exc)) from None
    if sum(not isinstance(p, Text) for p in parts) > MAX_PARTS:
        raise _bad(field, f"has more than {MAX_PARTS} images and files")
    return tuple(parts)


def _image(part: dict[str, Any], where: str) -> Image:
    source: Any = part.get("image_url")
    detail: Any = part.get("detail", "auto")
    if isinstance(source, dict):  # chat completions: {"url": ..., "detail": ...}
        detail = source.get("detail", detail)
        source = source.get("url")
    if not isinstance(detail, str):
        raise UsageError("detail must be auto, low or high")
    file_id = part.get("file_id")
    if isinstance(file_id, str) and file_id and source is None:
        return Image(file_id=file_id, detail=check_detail(detail, "detail"))
    if not isinstance(source, str) or not source.startswith(("http://", "https://", "data:")):
        raise UsageError("an image needs an http(s):// or data: URL (or a file_id)")
    return image_part(source, detail=detail, where="image")


def _file(part: dict[str, Any], where: str) -> File:
    nested = part.get("file")
    fields: dict[str, Any] = nested if isinstance(nested, dict) else part
    file_id, data = fields.get("file_id"), fields.get("file_data")
    name = fields.get("filename")
    if isinstance(file_id, str) and file_id and data is None:
        return File(file_id=file_id, filename=name if isinstance(name, str) else "")
    if not isinstance(data, str) or not isinstance(name, str):
        raise UsageError("a file needs file_data (base64) and a filename, or a file_id")
    payload = data.partition(",")[2] if data.startswith("data:") else data
    try:
        raw = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise UsageError("file_data is not valid base64") from None
    return file_from_bytes(raw, name=name, where="file")
