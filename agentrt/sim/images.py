"""Tiny valid PNG images, deterministic in the prompt (and in the image edited, if any)."""

from __future__ import annotations

import hashlib
import struct
import zlib

__all__ = ["average_colour", "png_for_prompt"]

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
Colour = tuple[int, int, int]


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def png_for_prompt(
    prompt: str,
    *,
    size: int = 16,
    index: int = 0,
    width: int | None = None,
    height: int | None = None,
    base: Colour | None = None,
) -> bytes:
    """A ``width``×``height`` RGB PNG (``size`` square by default): a two-colour gradient.

    The colours come from the prompt and index; an edit (``base``: the average colour
    of the image edited) starts from that colour. The same arguments give the same
    bytes; any PNG decoder reads it.
    """
    w, h = width or size, height or size
    digest = hashlib.sha256(f"{index}:{prompt}".encode()).digest()
    start, end = (base or tuple(digest[0:3])), digest[3:6]
    rows = []
    for y in range(h):
        t = y / max(h - 1, 1)
        pixel = bytes(round(a + (b - a) * t) for a, b in zip(start, end, strict=True))
        rows.append(b"\x00" + pixel * w)  # filter type 0 (None) per scanline
    header = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        _SIGNATURE
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + _chunk(b"IEND", b"")
    )


def _rgb_pixels(png: bytes) -> bytes | None:
    """The pixel bytes of an 8-bit RGB PNG whose rows are unfiltered (as this module makes)."""
    if not png.startswith(_SIGNATURE) or png[12:16] != b"IHDR":
        return None
    w, h, depth, colour = struct.unpack(">IIBB", png[16:26])
    if (depth, colour) != (8, 2) or w * h > 4096 * 4096:
        return None
    data, at = b"", 8
    while at + 8 <= len(png):
        (n,) = struct.unpack(">I", png[at : at + 4])
        if png[at + 4 : at + 8] == b"IDAT":
            data += png[at + 8 : at + 8 + n]
        at += 12 + n
    try:
        raw = zlib.decompress(data)
    except zlib.error:
        return None
    stride = 1 + 3 * w
    if len(raw) != stride * h or any(raw[r * stride] for r in range(h)):
        return None
    return b"".join(raw[r * stride + 1 : (r + 1) * stride] for r in range(h))


def average_colour(image: bytes) -> Colour:
    """The average colour of an RGB PNG this module can read; else a colour from its hash."""
    pixels = _rgb_pixels(image)
    if not pixels:
        d = hashlib.sha256(image).digest()
        return d[0], d[1], d[2]
    n = len(pixels) // 3
    return (sum(pixels[0::3]) // n, sum(pixels[1::3]) // n, sum(pixels[2::3]) // n)
