"""A JSON message's content (a string or typed parts) as the proto's ``Content`` list.

Parts of both APIs are read: ``text``/``input_text``/``output_text``, ``image_url`` (an
object or a string) and ``input_image``, ``file`` (nested) and ``input_file`` (flat) with a
``file_id``, a base64 ``file_data`` (a ``data:`` URL or bare) or a ``file_url``.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from agentrt_protos.xai.api.v1 import chat_pb2, image_pb2

from agentrt.sim.rest.body import BadRequest
from agentrt.sim.rest.fields import mapping, text, wrong

__all__ = ["content_parts"]

_TEXT = frozenset({"text", "input_text", "output_text"})
_DETAIL = {
    "auto": image_pb2.DETAIL_AUTO,
    "low": image_pb2.DETAIL_LOW,
    "high": image_pb2.DETAIL_HIGH,
}


def content_parts(value: Any, where: str) -> list[chat_pb2.Content]:
    """``value`` (a string, ``null`` or a list of parts) as ``Content`` entries."""
    if value is None:
        return []
    if isinstance(value, str):
        return [chat_pb2.Content(text=value)]
    if not isinstance(value, list):
        raise wrong(where, "a string or an array of parts", value)
    return [_part(part, f"{where}[{i}]") for i, part in enumerate(value)]


def _part(part: Any, where: str) -> chat_pb2.Content:
    if not isinstance(part, dict):
        raise wrong(where, "an object", part)
    kind = text(part, "type", f"{where}.type")
    if kind in _TEXT:
        return chat_pb2.Content(text=text(part, "text", f"{where}.text") or "")
    if kind in ("image_url", "input_image"):
        return chat_pb2.Content(image_url=_image(part, where))
    if kind in ("file", "input_file"):
        return chat_pb2.Content(file=_file(part, where))
    raise BadRequest(
        f"{where}.type={kind!r}: use text, image_url or file (input_text, input_image, "
        "input_file in the Responses API)",
        param=f"{where}.type",
    )


def _image(part: dict[str, Any], where: str) -> image_pb2.ImageUrlContent:
    image = part.get("image_url")
    if isinstance(image, dict):  # chat completions: {"image_url": {"url": ..., "detail": ...}}
        part, where = image, f"{where}.image_url"
        url = text(part, "url", f"{where}.url")
    else:
        url = text(part, "image_url", f"{where}.image_url")
    file_id = text(part, "file_id", f"{where}.file_id")
    if not url and not file_id:
        raise BadRequest(f"{where}: an image part needs a url (or a file_id)", param=where)
    detail = text(part, "detail", f"{where}.detail") or "auto"
    if detail not in _DETAIL:
        raise BadRequest(f"{where}.detail={detail!r}: use auto, low or high", param=where)
    if file_id and not url:  # one of a oneof: setting both, even to "", keeps the last
        return image_pb2.ImageUrlContent(file_id=file_id, detail=_DETAIL[detail])
    return image_pb2.ImageUrlContent(image_url=url or "", detail=_DETAIL[detail])


def _file(part: dict[str, Any], where: str) -> chat_pb2.FileContent:
    nested = mapping(part, "file", f"{where}.file")
    if nested is not None:
        part, where = nested, f"{where}.file"
    out = chat_pb2.FileContent(
        file_id=text(part, "file_id", f"{where}.file_id") or "",
        filename=text(part, "filename", f"{where}.filename") or "",
        url=text(part, "file_url", f"{where}.file_url") or "",
    )
    data = text(part, "file_data", f"{where}.file_data")
    if data:
        out.data = _base64(data.split(",", 1)[1] if data.startswith("data:") else data, where)
    return out


def _base64(data: str, where: str) -> bytes:
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise BadRequest(f"{where}.file_data is not base64", param=f"{where}.file_data") from None
