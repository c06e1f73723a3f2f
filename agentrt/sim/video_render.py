"""Small, playable MP4 videos drawn deterministically from their prompts (PyAV, optional).

A video is one or more :class:`Segment` s (a generated clip, then each extension):
every frame of a segment shows a background and a square sliding across it, both
coloured from the hash of the segment's prompt. Pinned frames (the first frame, the
last frame, keyframes) are filled with one solid colour instead, taken from the
image that pins them. H.264 when the PyAV wheel has an encoder for it, else MPEG-4
part 2; 24 frames a second; ``yuv420p`` so every player opens it.

PyAV is imported only when a video is encoded: without it the simulator still runs
and its Video service answers FAILED_PRECONDITION (:func:`missing_encoder`).
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import io
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = [
    "FPS",
    "INSTALL_HINT",
    "Segment",
    "VideoSpec",
    "colour_of_image",
    "data_url_bytes",
    "encode",
    "frame_size",
    "missing_encoder",
]

FPS = 24
INSTALL_HINT = "pip install 'agentrt[video]'"
Colour = tuple[int, int, int]

# The short side of each resolution: a fifth of the real one, so videos stay tiny.
_SHORT_SIDE = {"480p": 96, "720p": 144, "1080p": 216}
_RATIOS = {"1:1": (1, 1), "16:9": (16, 9), "9:16": (9, 16), "4:3": (4, 3), "3:4": (3, 4)}
_RATIOS |= {"3:2": (3, 2), "2:3": (2, 3)}
_PNG = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class Segment:
    """``seconds`` of video drawn from ``prompt``; ``pinned``: frame index -> solid colour."""

    prompt: str
    seconds: int
    pinned: Mapping[int, Colour] = field(default_factory=dict)


@dataclass(frozen=True)
class VideoSpec:
    """Everything a video's frames are drawn from (kept to extend it later)."""

    width: int
    height: int
    segments: tuple[Segment, ...]

    @property
    def seconds(self) -> int:
        """The whole video's length in seconds."""
        return sum(s.seconds for s in self.segments)


def frame_size(aspect_ratio: str, resolution: str) -> tuple[int, int]:
    """(width, height), both even, of ``aspect_ratio`` (``"16:9"``) at ``resolution``."""
    across, down = _RATIOS[aspect_ratio]
    short = _SHORT_SIDE[resolution]
    if across >= down:
        return _even(short * across / down), short
    return short, _even(short * down / across)


def _even(x: float) -> int:
    return int(x) // 2 * 2


def missing_encoder() -> bool:
    """True when PyAV is not installed (the Video service then refuses every job)."""
    return importlib.util.find_spec("av") is None


def colour_of_image(data: bytes) -> Colour:
    """The colour an image pins a frame to: a PNG's first pixel, else a hash of the bytes.

    The first pixel of a PNG's first row is stored unfiltered whatever the row's
    filter, so it is read without decoding the image (8-bit RGB or RGBA PNGs only).
    """
    if data.startswith(_PNG) and len(data) > 33 and data[24] == 8 and data[25] in (2, 6):
        idat = data.find(b"IDAT")
        if idat > 0:
            try:
                raw = zlib.decompressobj().decompress(data[idat + 4 :], 8)
            except zlib.error:
                raw = b""
            if len(raw) >= 4:
                return raw[1], raw[2], raw[3]
    digest = hashlib.sha256(data).digest()
    return digest[0], digest[1], digest[2]


def data_url_bytes(url: str) -> bytes | None:
    """The bytes of a base64 ``data:`` URL, None for any other URL."""
    head, sep, payload = url.partition(",")
    if not (sep and head.startswith("data:") and head.endswith(";base64")):
        return None
    try:
        return base64.b64decode(payload, validate=True)
    except ValueError:
        return None


def _colours(prompt: str) -> tuple[Colour, Colour, int]:
    """(background, square, speed in pixels a frame) of a prompt."""
    d = hashlib.sha256(prompt.encode()).digest()
    return (d[0], d[1], d[2]), (255 - d[0], 255 - d[1], 255 - d[2]), 1 + d[3] % 4


def _frame_bytes(width: int, height: int, line: int, prompt: str, i: int) -> bytes:
    """One RGB frame (rows padded to ``line`` bytes): the square at its place in frame ``i``."""
    bg, fg, speed = _colours(prompt)
    side = max(2, height // 3)
    x = (i * speed) % max(1, width - side)
    top = (height - side) // 2
    plain = (bytes(bg) * width).ljust(line, b"\0")
    square = (bytes(bg) * x + bytes(fg) * side + bytes(bg) * (width - x - side)).ljust(line, b"\0")
    return plain * top + square * side + plain * (height - top - side)


def _solid(width: int, height: int, line: int, colour: Colour) -> bytes:
    return (bytes(colour) * width).ljust(line, b"\0") * height


def encode(spec: VideoSpec) -> bytes:
    """The MP4 of ``spec`` (blocking: run it in a thread). ImportError without PyAV."""
    import av

    codec = "libx264" if "libx264" in av.codecs_available else "mpeg4"
    out = io.BytesIO()
    with av.open(out, "w", format="mp4") as container:
        stream = container.add_stream(codec, rate=FPS)
        assert isinstance(stream, av.VideoStream)  # a video codec makes a video stream
        stream.width, stream.height, stream.pix_fmt = spec.width, spec.height, "yuv420p"
        stream.codec_context.thread_count = 1  # the simulator encodes two at a time at most
        if codec == "libx264":
            stream.codec_context.options = {"preset": "ultrafast"}
        pts = 0
        for segment in spec.segments:
            for i in range(segment.seconds * FPS):
                frame = av.VideoFrame(spec.width, spec.height, "rgb24")
                plane = frame.planes[0]
                pinned = segment.pinned.get(i)
                plane.update(
                    _solid(spec.width, spec.height, plane.line_size, pinned)
                    if pinned is not None
                    else _frame_bytes(spec.width, spec.height, plane.line_size, segment.prompt, i)
                )
                frame.pts = pts
                pts += 1
                container.mux(stream.encode(frame.reformat(format="yuv420p")))
        container.mux(stream.encode(None))
    return out.getvalue()
