"""The realtime protocol's events as JSON: :func:`parse`, :func:`event`, :class:`EventError`.

Every event the client sends is a JSON object with a ``type``; anything else is one
``error`` event back (never a closed socket). Audio travels as base64 PCM16
little-endian mono: :func:`pcm_of` decodes it strictly.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import json
import uuid
from typing import Any

__all__ = ["EventError", "error_event", "event", "new_id", "parse", "pcm_of"]

_PREFIX = uuid.uuid4().hex[:12]
_NUMBERS = itertools.count()


def new_id(kind: str) -> str:
    """A fresh id such as ``item_…`` or ``resp_…``: unique within the process."""
    return f"{kind}_{_PREFIX}{next(_NUMBERS):08x}"


class EventError(Exception):
    """A client event the server cannot act on: becomes one ``error`` event.

    Args:
        message: what is wrong and what to send instead.
        code: the protocol's error code (``invalid_value``, ``unknown_event`` …).
        param: the field at fault, when there is one.
        kind: the error's ``type`` (``invalid_request_error`` unless the server failed).
    """

    def __init__(
        self,
        message: str,
        *,
        code: str = "invalid_value",
        param: str | None = None,
        kind: str = "invalid_request_error",
    ) -> None:
        super().__init__(message)
        self.message, self.code, self.param, self.kind = message, code, param, kind


def error_event(error: EventError, event_id: str | None = None) -> dict[str, Any]:
    """The ``error`` server event for ``error`` (``event_id``: the client event at fault)."""
    return event(
        "error",
        error={
            "type": error.kind,
            "code": error.code,
            "message": error.message,
            "param": error.param,
            "event_id": event_id,
        },
    )


def event(kind: str, **fields: Any) -> dict[str, Any]:
    """A server event of type ``kind`` with a fresh ``event_id``."""
    return {"type": kind, "event_id": new_id("event"), **fields}


def parse(text: str | bytes) -> dict[str, Any]:
    """A client event: a JSON object with a string ``type``.

    Raises:
        EventError: not JSON, not an object, or no ``type``.
    """
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        raise EventError(
            "the message is not valid JSON: send one JSON event object per message",
            code="invalid_json",
        ) from None
    if not isinstance(value, dict):
        raise EventError(
            f"an event must be a JSON object, not {type(value).__name__}", code="invalid_event"
        )
    kind = value.get("type")
    if not isinstance(kind, str) or not kind:
        raise EventError(
            "the event has no type: set 'type' (e.g. session.update)",
            code="missing_required_parameter",
            param="type",
        )
    return value


def pcm_of(value: Any, where: str) -> bytes:
    """Base64 ``value`` as PCM16 bytes.

    Raises:
        EventError: not a base64 string, or an odd number of bytes (not whole samples).
    """
    if not isinstance(value, str):
        raise EventError(f"{where} must be a base64 string of PCM16 audio", param=where)
    try:
        pcm = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise EventError(
            f"{where} is not valid base64: encode the PCM16 bytes with standard base64",
            param=where,
        ) from None
    if len(pcm) % 2:
        raise EventError(
            f"{where} holds {len(pcm)} bytes: PCM16 audio is 2 bytes per sample (an even count)",
            param=where,
        )
    return pcm
