"""Tiny valid PNG images, deterministic in the prompt."""

from __future__ import annotations

import hashlib
import struct
import zlib

__all__ = ["png_for_prompt"]

_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def png_for_prompt(prompt: str, *, size: int = 16, index: int = 0) -> bytes:
    """A ``size``×``size`` RGB PNG: a two-colour gradient picked from the prompt.

    The same prompt and index give the same bytes; any PNG decoder reads it.
    """
    digest = hashlib.sha256(f"{index}:{prompt}".encode()).digest()
    start, end = digest[0:3], digest[3:6]
    rows = []
    for y in range(size):
        t = y / max(size - 1, 1)
        pixel = bytes(round(a + (b - a) * t) for a, b in zip(start, end, strict=True))
        rows.append(b"\x00" + pixel * size)  # filter type 0 (None) per scanline
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        _SIGNATURE
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + _chunk(b"IEND", b"")
    )
