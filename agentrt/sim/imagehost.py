"""A tiny HTTP server for URL-form images: ``GET /images/<key>.png`` on loopback.

``GenerateImage`` with ``IMG_FORMAT_URL`` returns ``http://HOST:PORT/images/<key>.png``;
fetching it (as xai-sdk's ``ImageResponse.image`` does) gets the PNG. Only
GET of a known image answers 200; everything else gets 404 or 405. Bounded:
the oldest images are forgotten first.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections import OrderedDict

__all__ = ["ImageHost"]

_MAX_IMAGES = 1_000
_MAX_REQUEST_BYTES = 8_192


class ImageHost:
    """Serves generated PNGs over HTTP/1.1; start it, :meth:`put` images, stop it."""

    def __init__(self, host: str) -> None:
        # One concrete address: "localhost" or a wildcard would bind several
        # sockets, each with its own ephemeral port.
        self._host = "127.0.0.1" if host in ("0.0.0.0", "", "::", "localhost") else host
        self._images: OrderedDict[str, bytes] = OrderedDict()
        self._server: asyncio.Server | None = None
        self._port = 0

    async def start(self) -> None:
        """Listen on a free port of the simulator's host."""
        self._server = await asyncio.start_server(self._handle, self._host, 0)
        self._port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Stop listening."""
        server, self._server = self._server, None
        if server is not None:
            server.close()
            await server.wait_closed()

    def put(self, png: bytes) -> str:
        """Keep ``png`` and return the URL it is served at."""
        key = hashlib.sha256(png).hexdigest()[:32]
        self._images[key] = png
        self._images.move_to_end(key)
        while len(self._images) > _MAX_IMAGES:
            self._images.popitem(last=False)
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{self._port}/images/{key}.png"

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            async with asyncio.timeout(10):
                head = await reader.readuntil(b"\r\n\r\n")
            status, body = self._answer(head[:_MAX_REQUEST_BYTES])
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError):
            status, body = "400 Bad Request", b""
        kind = "image/png" if status.startswith("200") else "text/plain"
        writer.write(
            f"HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {len(body)}\r\n"
            "Connection: close\r\n\r\n".encode()
            + body
        )
        try:
            await writer.drain()
        finally:
            writer.close()

    def _answer(self, head: bytes) -> tuple[str, bytes]:
        method, _, rest = head.decode("latin-1").partition(" ")
        path = rest.partition(" ")[0]
        if method != "GET":
            return "405 Method Not Allowed", b""
        key = path.removeprefix("/images/").removesuffix(".png")
        png = self._images.get(key) if path.startswith("/images/") else None
        return ("200 OK", png) if png is not None else ("404 Not Found", b"")
