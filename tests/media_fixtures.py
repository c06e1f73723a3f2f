"""Small pictures built in code (headers real enough for any reader), for the media tests."""

from __future__ import annotations

import contextlib
import os
import struct
import uuid
import zlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

__all__ = ["LOOKER", "gif", "jpeg", "png", "serving_looker", "webp"]

LOOKER = """version: 1
name: looker
model: grok-4-1-fast-reasoning
instructions: Answer about what you are shown.
"""


@contextlib.asynccontextmanager
async def serving_looker(token: str, **options: Any) -> AsyncIterator[Any]:
    """``agentrt serve`` (in process) of the LOOKER agent over a simulator: the AgentServer.

    ``options`` go to AgentServer (e.g. ``http_port=0`` for the REST door).
    """
    from agentrt.serve.auth import TokenAuth
    from agentrt.serve.catalog import Catalog
    from agentrt.serve.server import AgentServer
    from agentrt.sim.server import Simulator
    from agentrt.xai.client import Client

    spec = Path(os.environ.get("TMPDIR", "/tmp")) / f"looker-{uuid.uuid4().hex}.yaml"
    spec.write_text(LOOKER)
    try:
        async with (
            Simulator() as sim,
            Client(endpoint=sim.address) as client,
            AgentServer(
                Catalog.from_paths([spec]), client, TokenAuth([token]), **options
            ) as server,
        ):
            yield server
    finally:
        spec.unlink()


def png(width: int, height: int) -> bytes:
    """A valid RGB PNG of ``width`` x ``height`` red pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    rows = b"".join(b"\0" + b"\xff\0\0" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def jpeg(width: int, height: int) -> bytes:
    """A JPEG's header (SOI, APP0, SOF0 with the size) and EOI: enough to read its size."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"
    sof0 = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof0 + b"\xff\xd9"


def gif(width: int, height: int) -> bytes:
    """A GIF's header with its logical screen size."""
    return b"GIF89a" + struct.pack("<HH", width, height) + b"\0\0\0" + b";"


def webp(width: int, height: int) -> bytes:
    """A lossy WebP's header (VP8 frame) with its size."""
    frame = b"\0\0\0" + b"\x9d\x01\x2a" + struct.pack("<HH", width, height)
    body = b"WEBP" + b"VP8 " + struct.pack("<I", len(frame)) + frame
    return b"RIFF" + struct.pack("<I", len(body)) + body
