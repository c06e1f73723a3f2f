"""The pictures and files of a ``RunAgentRequest`` (its ``parts``), as message parts.

Every part is checked before the run starts: bytes that are no picture, a
format xAI does not read, a picture over 20 MiB, a URL that is not http(s) or
data:, a file without a name, or more than :data:`MAX_PARTS` parts is a
:class:`~agentrt.errors.UsageError` (the caller gets INVALID_ARGUMENT naming the
part).
"""

from __future__ import annotations

from collections.abc import Sequence

from agentrt_protos.agentrt.v1 import agent_pb2 as pb

from agentrt.errors import UsageError
from agentrt.xai.media import check_detail, file_from_bytes, image_from_bytes, image_part
from agentrt.xai.messages import Content, File, Image, Message, user

__all__ = ["MAX_PARTS", "request_input"]

MAX_PARTS = 16


def request_input(text: str, parts: Sequence[pb.InputPart]) -> str | Message:
    """``text`` alone, or a user message of ``text`` and the request's parts.

    Raises:
        UsageError: a part the server cannot take (the message names it: ``parts[i]``).
    """
    if not parts:
        return text
    if len(parts) > MAX_PARTS:
        raise UsageError(f"parts has {len(parts)} entries; this server takes at most {MAX_PARTS}")
    return user(text, *(_part(p, f"parts[{i}]") for i, p in enumerate(parts)))


def _part(part: pb.InputPart, where: str) -> Content:
    kind = part.WhichOneof("part")
    if kind == "image":
        return _image(part.image, f"{where}.image")
    if kind == "file":
        return _file(part.file, f"{where}.file")
    raise UsageError(f"{where}: set image or file")


def _image(image: pb.ImageInput, where: str) -> Image:
    detail = image.detail or "auto"
    source = image.WhichOneof("source")
    if source == "data":
        return image_from_bytes(image.data, name="(bytes)", detail=detail, where=where)
    if source == "url":
        if not image.url.startswith(("http://", "https://", "data:")):
            raise UsageError(f"{where}.url: give an http(s):// or data: URL")
        return image_part(image.url, detail=detail, where=where)
    if source == "file_id":
        if not image.file_id.strip():
            raise UsageError(f"{where}.file_id: give the uploaded picture's file id")
        return Image(file_id=image.file_id, detail=check_detail(detail, f"{where}.detail"))
    raise UsageError(f"{where}: set url, data or file_id")


def _file(file: pb.FileInput, where: str) -> File:
    source = file.WhichOneof("source")
    if source == "data":
        return file_from_bytes(file.data, name=file.name, where=where)
    if source == "file_id":
        if not file.file_id.strip():
            raise UsageError(f"{where}.file_id: give the uploaded file's id")
        return File(file_id=file.file_id, filename=file.name)
    raise UsageError(f"{where}: set data or file_id")
