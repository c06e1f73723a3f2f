"""Pictures and files for a user message, from paths, URLs or bytes, checked before any call.

::

    from agentrt.xai.media import image_part, file_part
    from agentrt.xai.messages import user

    message = user("What is in this picture?", image_part("photo.jpg"), file_part("notes.txt"))

A local picture becomes a ``data:`` URL whose MIME type comes from its bytes
(never from its name); an ``http(s)://`` URL is passed as it is (the model
service fetches it). xAI reads PNG and JPEG pictures of at most 20 MiB
(:data:`MAX_IMAGE_BYTES`, :data:`IMAGE_FORMATS`); anything else is a one-line
:class:`~agentrt.errors.UsageError` that names the input and says what it is,
before any model call. A file part carries the file's bytes and name inline.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import stat
from collections.abc import Sequence
from pathlib import Path

from agentrt.errors import UsageError
from agentrt.xai.image_sniff import describe_bytes, human_size, sniff_image
from agentrt.xai.messages import Content, File, Image, ImageDetail

__all__ = [
    "DETAILS",
    "IMAGE_FORMATS",
    "MAX_FILE_BYTES",
    "MAX_IMAGE_BYTES",
    "check_detail",
    "file_from_bytes",
    "file_part",
    "image_from_bytes",
    "image_part",
    "inline_bytes",
]

MAX_IMAGE_BYTES = 20 * 1024 * 1024
"""xAI's limit on one picture."""

IMAGE_FORMATS = ("PNG", "JPEG")
"""The picture formats xAI reads."""

MAX_FILE_BYTES = 20 * 1024 * 1024
"""The largest file sent inline in a message (larger ones: upload, and attach the id)."""

DETAILS: tuple[ImageDetail, ...] = ("auto", "low", "high")

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]+):")
_DATA_URL = re.compile(r"^data:([^,;]*)((?:;[^,;]*)*),", re.DOTALL)


def check_detail(detail: str, where: str = "--image-detail") -> ImageDetail:
    """``detail`` if it is ``auto``, ``low`` or ``high``.

    Raises:
        UsageError: any other value.
    """
    for known in DETAILS:
        if detail == known:
            return known
    raise UsageError(f"{where} {detail!r}: use one of auto, low, high")


def image_part(source: str, *, detail: str = "auto", where: str = "--image") -> Image:
    """A picture from a local path, an ``http(s)://`` URL, or a ``data:`` URL.

    Raises:
        UsageError: a missing or unreadable path, a URL of another scheme, bytes that
            are not a picture, a format xAI does not read, or a picture over 20 MiB.
    """
    level = check_detail(detail, f"{where} detail")
    scheme = _SCHEME.match(source)
    if scheme is not None:
        kind = scheme.group(1).lower()
        if kind in ("http", "https"):
            if len(source) <= len(kind) + 3:
                raise UsageError(f"{where} {source!r}: the URL names no host")
            return Image(url=source, detail=level)
        if kind == "data":
            data = _data_url_bytes(source, where)
            return image_from_bytes(data, name="(data: URL)", detail=level, where=where)
        if not Path(source).exists():
            raise UsageError(
                f"{where} {_short(source)}: {kind}: URLs are not fetched; give an http(s):// or "
                "data: URL, or a local path"
            )
    data = _read(source, MAX_IMAGE_BYTES, where, "picture")
    return image_from_bytes(data, name=source, detail=level, where=where)


def image_from_bytes(
    data: bytes, *, name: str, detail: str = "auto", where: str = "--image"
) -> Image:
    """A picture from its bytes, as a ``data:`` URL with the MIME type its bytes say.

    Raises:
        UsageError: not a picture, a format xAI does not read, or over 20 MiB.
    """
    level = check_detail(detail, f"{where} detail")
    info = sniff_image(data)
    if info is None:
        raise UsageError(
            f"{where} {name}: not a picture (it is {describe_bytes(data)}); give a PNG or JPEG image"
        )
    if info.format not in IMAGE_FORMATS:
        raise UsageError(
            f"{where} {name}: a {info.format} image, which xAI does not read; "
            "convert it to PNG or JPEG"
        )
    if len(data) > MAX_IMAGE_BYTES:
        raise UsageError(
            f"{where} {name}: {human_size(len(data))}, over xAI's 20 MiB limit per image; "
            "make it smaller"
        )
    encoded = base64.b64encode(data).decode("ascii")
    return Image(url=f"data:{info.mime_type};base64,{encoded}", detail=level)


def file_part(path: str, *, where: str = "--file") -> File:
    """A file's bytes and name, inline (its MIME type from its bytes).

    Raises:
        UsageError: a missing or unreadable path, or a file over :data:`MAX_FILE_BYTES`.
    """
    data = _read(path, MAX_FILE_BYTES, where, "file")
    return file_from_bytes(data, name=os.path.basename(path) or path, where=where)


def file_from_bytes(data: bytes, *, name: str, where: str = "--file") -> File:
    """A file part from bytes and a name.

    Raises:
        UsageError: empty name, or more than :data:`MAX_FILE_BYTES`.
    """
    if not name.strip():
        raise UsageError(f"{where}: a file needs a name")
    if len(data) > MAX_FILE_BYTES:
        raise UsageError(
            f"{where} {name}: {human_size(len(data))}, over the "
            f"{MAX_FILE_BYTES // 2**20} MiB limit for a file in a message; upload it with "
            "`agentrt files upload` and give the file id"
        )
    info = sniff_image(data)
    kind = describe_bytes(data[:4096])
    mime = info.mime_type if info else ("text/plain" if kind == "text" else "")
    if not mime:
        mime = "application/pdf" if data.startswith(b"%PDF-") else "application/octet-stream"
    return File(data=data, filename=name, mime_type=mime)


def inline_bytes(parts: Sequence[Content]) -> int:
    """About how many bytes the inline pictures and files of ``parts`` add to a request."""
    size = 0
    for part in parts:
        if isinstance(part, Image):
            size += len(part.url)
        elif isinstance(part, File):
            size += len(part.data)
    return size


def _data_url_bytes(url: str, where: str) -> bytes:
    match = _DATA_URL.match(url)
    if match is None or ";base64" not in match.group(2).lower():
        raise UsageError(f"{where} {_short(url)}: a data: URL must be data:image/...;base64,...")
    try:
        return base64.b64decode(url[match.end() :], validate=True)
    except (binascii.Error, ValueError):
        raise UsageError(f"{where} {_short(url)}: the data: URL is not valid base64") from None


def _read(path: str, limit: int, where: str, what: str) -> bytes:
    """The bytes of ``path``, a regular file of at most ``limit`` bytes."""
    try:
        st = os.stat(path)
        if stat.S_ISDIR(st.st_mode):
            raise UsageError(f"{where} {path}: a directory; give a {what}")
        if not stat.S_ISREG(st.st_mode):  # a FIFO or a device would block or never end
            raise UsageError(f"{where} {path}: not a regular file; give a {what}")
        if st.st_size > limit:
            raise UsageError(
                f"{where} {path}: {human_size(st.st_size)}, over the "
                f"{limit // 2**20} MiB limit for a {what}; make it smaller"
            )
        with open(path, "rb") as f:
            return f.read(limit + 1)
    except FileNotFoundError:
        raise UsageError(f"{where} {path}: no such file") from None
    except OSError as e:
        raise UsageError(f"{where} {path}: {e.strerror or e}") from None


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."
