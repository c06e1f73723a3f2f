"""What a picture's bytes are: format and size read from the header, never from a name.

::

    info = sniff_image(open("photo.png", "rb").read())
    info.format, info.width, info.height   # "PNG", 640, 480

PNG, JPEG, GIF, WebP and BMP dimensions come from their headers (no Pillow);
TIFF, HEIC and AVIF are recognised by their signatures, without dimensions.
:func:`describe_bytes` names what bytes that are not a picture hold (for errors
that say what a file is, not only what it is not).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

__all__ = ["ImageInfo", "describe_bytes", "describe_image", "human_size", "sniff_image"]


@dataclass(frozen=True, kw_only=True, slots=True)
class ImageInfo:
    """A picture's format and dimensions.

    Attributes:
        format: ``"PNG"``, ``"JPEG"``, ``"GIF"``, ``"WebP"``, ``"BMP"``, ``"TIFF"``,
            ``"HEIC"`` or ``"AVIF"``.
        mime_type: e.g. ``"image/png"``.
        width: pixels; 0 when the header does not say (or was cut short).
        height: pixels; 0 likewise.
    """

    format: str
    mime_type: str
    width: int = 0
    height: int = 0


def sniff_image(data: bytes) -> ImageInfo | None:
    """The picture ``data`` holds, or None when its first bytes are no picture's signature."""
    head = data[:16]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return _png(data)
    if head.startswith(b"\xff\xd8\xff"):
        return _jpeg(data)
    if head[:6] in (b"GIF87a", b"GIF89a"):
        w, h = struct.unpack("<HH", data[6:10]) if len(data) >= 10 else (0, 0)
        return ImageInfo(format="GIF", mime_type="image/gif", width=w, height=h)
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return _webp(data)
    if head.startswith(b"BM") and len(data) >= 26:
        w, h = struct.unpack("<ii", data[18:26])
        return ImageInfo(format="BMP", mime_type="image/bmp", width=abs(w), height=abs(h))
    if head[:4] in (b"II*\0", b"MM\0*"):
        return ImageInfo(format="TIFF", mime_type="image/tiff")
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"heic", b"heix", b"hevc", b"mif1"):
            return ImageInfo(format="HEIC", mime_type="image/heic")
        if brand in (b"avif", b"avis"):
            return ImageInfo(format="AVIF", mime_type="image/avif")
    return None


def _png(data: bytes) -> ImageInfo:
    w, h = struct.unpack(">II", data[16:24]) if data[12:16] == b"IHDR" else (0, 0)
    return ImageInfo(format="PNG", mime_type="image/png", width=w, height=h)


_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}  # start-of-frame markers


def _jpeg(data: bytes) -> ImageInfo:
    """Walk the segments to the first start-of-frame, which holds the dimensions."""
    i, w, h = 2, 0, 0
    while i + 9 <= len(data):
        if data[i] != 0xFF:
            break  # not a marker: a damaged file; no dimensions
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker in _SOF:
            h, w = struct.unpack(">HH", data[i + 5 : i + 9])
            break
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # no length field
            i += 2
            continue
        (length,) = struct.unpack(">H", data[i + 2 : i + 4])
        if length < 2:
            break
        i += 2 + length
    return ImageInfo(format="JPEG", mime_type="image/jpeg", width=w, height=h)


def _webp(data: bytes) -> ImageInfo:
    chunk, w, h = data[12:16], 0, 0
    if chunk == b"VP8 " and len(data) >= 30:
        w, h = (v & 0x3FFF for v in struct.unpack("<HH", data[26:30]))
    elif chunk == b"VP8L" and len(data) >= 25:
        b0, b1, b2, b3 = data[21:25]
        w = 1 + (((b1 & 0x3F) << 8) | b0)
        h = 1 + (((b3 & 0x0F) << 10) | (b2 << 2) | ((b1 & 0xC0) >> 6))
    elif chunk == b"VP8X" and len(data) >= 30:
        w = 1 + int.from_bytes(data[24:27], "little")
        h = 1 + int.from_bytes(data[27:30], "little")
    return ImageInfo(format="WebP", mime_type="image/webp", width=w, height=h)


def human_size(size: int) -> str:
    """``512 bytes``, ``1.2 KB``, ``3.4 MB`` (powers of 1,024)."""
    if size < 1024:
        return f"{size} byte{'' if size == 1 else 's'}"
    value = float(size)
    for unit in ("KB", "MB", "GB"):
        value /= 1024
        if value < 1024 or unit == "GB":
            break
    return f"{value:.1f} {unit}"


def describe_image(info: ImageInfo, size: int) -> str:
    """``"a 640x480 PNG image (12.3 KB)"`` (no dimensions when the header has none)."""
    dims = f"{info.width}x{info.height} " if info.width and info.height else ""
    return f"a {dims}{info.format} image ({human_size(size)})"


_SIGNATURES = (
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or a document stored as one)"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"\x7fELF", "a program (ELF)"),
    (b"MZ", "a Windows program"),
    (b"ID3", "MP3 audio"),
    (b"OggS", "Ogg audio or video"),
    (b"fLaC", "FLAC audio"),
)


def describe_bytes(data: bytes) -> str:
    """What ``data`` is, in a few words: a picture, a known format, text, or binary data."""
    if not data:
        return "empty"
    info = sniff_image(data)
    if info is not None:
        return describe_image(info, len(data))
    for signature, what in _SIGNATURES:
        if data.startswith(signature):
            return what
    if data.startswith(b"RIFF") and data[8:12] == b"WAVE":
        return "WAV audio"
    head = data[:4096]
    if b"\0" not in head:
        try:
            head.decode("utf-8")
            return "text"
        except UnicodeDecodeError as exc:
            if exc.start >= len(head) - 3 and len(data) > len(head):  # cut mid-character
                return "text"
    return "binary data"
