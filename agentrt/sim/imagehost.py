"""A tiny HTTP server for URL-form images and public file URLs, on the simulator's host.

``GenerateImage`` with ``IMG_FORMAT_URL`` returns ``http://HOST:PORT/images/<key>.png``;
fetching it (as xai-sdk's ``ImageResponse.image`` does) gets the PNG. Bounded:
the oldest images are forgotten first.

``Files/CreatePublicUrl`` returns ``http://HOST:PORT/files/<token>`` (an unguessable
token); fetching it gets the file's bytes until the URL expires or is revoked, and
404 after. Only GET of a known image or live URL answers 200; everything else gets
404 or 405.

Finished video jobs are served at ``http://HOST:PORT/videos/<job id>.mp4``
(``video/mp4``); the oldest of at most :data:`MAX_VIDEOS` are forgotten first.
"""

from __future__ import annotations

import asyncio
import hashlib
import mimetypes
from collections import OrderedDict
from collections.abc import Callable

__all__ = ["MAX_VIDEOS", "ImageHost"]

_MAX_IMAGES = 1_000
MAX_VIDEOS = 100
_MAX_REQUEST_BYTES = 8_192
PublicFiles = Callable[[str], "tuple[str, bytes] | None"]
"""``lookup(token)`` -> (file name, bytes) of a live public URL, or None."""


class ImageHost:
    """Serves generated PNGs over HTTP/1.1; start it, :meth:`put` images, stop it."""

    def __init__(self, host: str, files: PublicFiles | None = None) -> None:
        # One concrete address: "localhost" or a wildcard would bind several
        # sockets, each with its own ephemeral port.
        self._host = "127.0.0.1" if host in ("0.0.0.0", "", "::", "localhost") else host
        self._images: OrderedDict[str, bytes] = OrderedDict()
        self._videos: OrderedDict[str, bytes] = OrderedDict()
        self._files = files
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
        return f"{self._base()}/images/{key}.png"

    def image_at(self, url: str) -> bytes | None:
        """The PNG served at ``url`` if it is one of this host's images (an edit's input)."""
        prefix = f"{self._base()}/images/"
        if not (url.startswith(prefix) and url.endswith(".png")):
            return None
        return self._images.get(url[len(prefix) : -4])

    def put_video(self, key: str, mp4: bytes) -> str:
        """Keep ``mp4`` under ``key`` and return the URL it is served at."""
        self._videos[key] = mp4
        self._videos.move_to_end(key)
        while len(self._videos) > MAX_VIDEOS:
            self._videos.popitem(last=False)
        return self.video_url(key)

    def has_video(self, key: str) -> bool:
        """Whether the video ``key`` is still served."""
        return key in self._videos

    def video_url(self, key: str) -> str:
        """The URL the video ``key`` is (or would be) served at."""
        return f"{self._base()}/videos/{key}.mp4"

    def file_url(self, token: str) -> str:
        """The URL a public file with ``token`` is served at."""
        return f"{self._base()}/files/{token}"

    def base_url(self) -> str:
        """``http://HOST:PORT`` of this host."""
        return self._base()

    def _base(self) -> str:
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{self._port}"

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            async with asyncio.timeout(10):
                head = await reader.readuntil(b"\r\n\r\n")
            status, kind, body = self._answer(head[:_MAX_REQUEST_BYTES])
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError):
            status, kind, body = "400 Bad Request", "text/plain", b""
        writer.write(
            f"HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {len(body)}\r\n"
            "Connection: close\r\n\r\n".encode()
            + body
        )
        try:
            await writer.drain()
        finally:
            writer.close()

    def _answer(self, head: bytes) -> tuple[str, str, bytes]:
        """(status, content type, body) of a request whose head is ``head``."""
        method, _, rest = head.decode("latin-1").partition(" ")
        path = rest.partition(" ")[0].partition("?")[0]  # a query string names nothing here
        if method != "GET":
            return "405 Method Not Allowed", "text/plain", b""
        missing = ("404 Not Found", "text/plain", b"")
        if path.startswith("/files/") and self._files is not None:
            found = self._files(path.removeprefix("/files/"))
            if found is None:
                return missing
            kind = mimetypes.guess_type(found[0])[0] or "application/octet-stream"
            return "200 OK", kind, found[1]
        if path.startswith("/videos/") and path.endswith(".mp4"):
            mp4 = self._videos.get(path.removeprefix("/videos/").removesuffix(".mp4"))
            return ("200 OK", "video/mp4", mp4) if mp4 is not None else missing
        key = path.removeprefix("/images/").removesuffix(".png")
        png = self._images.get(key) if path.startswith("/images/") else None
        return ("200 OK", "image/png", png) if png is not None else missing
