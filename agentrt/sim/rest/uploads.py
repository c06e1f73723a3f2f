"""Reading a multipart file upload in pieces: :func:`read_upload`, :class:`Upload`.

``multipart/form-data`` with one ``file`` part (its ``filename`` set) and small text
fields: ``purpose`` (a label, as xAI takes it: lower-case letters, digits, ``_`` and
``-``), and the expiry, either xAI's ``expires_after`` (seconds) or the ``openai`` SDK's
``expires_after[anchor]`` and ``expires_after[seconds]``, sent before the file as xAI
requires. The file is read a piece at a time and kept once, as the pieces the store
writes into its blob; more than the store's ``max_file_bytes`` ends the upload with a
413 and nothing stored. Malformed bodies, a missing or repeated ``file`` part, a
repeated or unknown field, and a malformed purpose are 400s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import grpc

from agentrt.sim.rest.body import BadRequest
from agentrt.sim.status import SimStatus

if TYPE_CHECKING:
    from aiohttp import BodyPartReader, web

__all__ = ["FIELDS", "PIECE_BYTES", "Upload", "read_upload"]

PIECE_BYTES = 256 * 1024
FIELDS = ("purpose", "expires_after", "expires_after[anchor]", "expires_after[seconds]")
_MAX_FIELD_BYTES = 1024
_MAX_NAME = 1024
_PURPOSE = re.compile(r"[a-z][a-z0-9_-]{0,63}")


@dataclass
class Upload:
    """What an upload carried: the file's name and pieces, and the text fields."""

    filename: str = ""
    pieces: list[bytes] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)
    seen_file: bool = False


def _too_large(name: str, limit: int) -> SimStatus:
    # "larger than max" makes the error frame answer 413, not 429
    return SimStatus(
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        f"file {name[:200]!r} is larger than max file size {limit:,} bytes "
        "(the simulator's --max-file-bytes); nothing was stored",
    )


async def _read_file(part: BodyPartReader, upload: Upload, limit: int, abort: int | None) -> None:
    if upload.seen_file:
        raise BadRequest("send one 'file' part, not several", param="file")
    upload.seen_file = True
    name = part.filename or ""
    if not 0 < len(name) <= _MAX_NAME:
        raise BadRequest(
            f"the 'file' part needs a filename of 1..{_MAX_NAME} characters", param="file"
        )
    upload.filename, total = name, 0
    while piece := await part.read_chunk(PIECE_BYTES):
        total += len(piece)
        if total > limit:
            raise _too_large(name, limit)
        if abort is not None and len(upload.pieces) >= abort:
            raise SimStatus(
                grpc.StatusCode.UNAVAILABLE,
                f"simulated fault: upload interrupted after {abort} piece(s); nothing was stored",
            )
        upload.pieces.append(piece)


async def _read_field(part: BodyPartReader, upload: Upload) -> None:
    name = part.name or ""
    if name not in FIELDS:
        raise BadRequest(
            f"{name[:64]!r} is not a part this endpoint reads: send 'file' and "
            f"{', '.join(repr(f) for f in FIELDS)}",
            param=name[:64],
        )
    if name in upload.fields:
        raise BadRequest(f"send one {name!r} part, not several", param=name)
    value = b""
    while piece := await part.read_chunk(_MAX_FIELD_BYTES + 1):
        value += piece
        if len(value) > _MAX_FIELD_BYTES:
            raise BadRequest(f"{name} is longer than {_MAX_FIELD_BYTES} bytes", param=name)
    try:
        text = value.decode()
    except UnicodeDecodeError:
        raise BadRequest(f"{name} is not UTF-8 text", param=name) from None
    if name == "purpose" and not _PURPOSE.fullmatch(text):
        raise BadRequest(
            f"purpose {text[:64]!r} is not a purpose: a word of lower-case letters, digits, "
            "'_' and '-', e.g. assistants, batch, user_data",
            param=name,
        )
    if name.startswith("expires_after") and upload.seen_file:
        raise BadRequest(f"send {name} before the 'file' part", param="expires_after")
    upload.fields[name] = text


async def read_upload(request: web.Request, limit: int, abort: int | None) -> Upload:
    """The upload in ``request``; 400 when malformed, 413 past ``limit`` bytes."""
    from aiohttp import BodyPartReader

    if request.content_type != "multipart/form-data":
        raise BadRequest(
            "send the file as multipart/form-data with a 'file' part and a 'purpose' field"
        )
    upload = Upload()
    try:
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader):
                raise BadRequest("a nested multipart part: send 'file' and 'purpose' only")
            if part.name == "file":
                await _read_file(part, upload, limit, abort)
            else:
                await _read_field(part, upload)
    except (ValueError, AssertionError, RuntimeError) as exc:  # aiohttp's malformed multipart
        raise BadRequest(f"the multipart body is malformed: {str(exc)[:200]}") from None
    if not upload.seen_file:
        raise BadRequest(
            "the upload has no 'file' part: send the file's bytes in one", param="file"
        )
    return upload
