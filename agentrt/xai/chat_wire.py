"""A conversation's successive requests in wire form: :class:`RequestEncoder`, :class:`EncodedRequest`.

Each request of an agent run repeats the one before and adds a few messages.
Protobuf's wire format lets a request be sent as pieces laid end to end: its
settings (every field but ``messages``), then each message as one ``messages``
field. A parser reads the concatenation exactly as the request built whole
(fields may come in any order; repeated ones add up). So the encoder keeps the
bytes of the settings and of each message it has sent, and a turn serialises
only its new messages: no protobuf copy of the history, and no second
serialisation of the whole request by gRPC.
"""

from __future__ import annotations

import dataclasses
import operator
from dataclasses import dataclass
from typing import Any

from agentrt_protos.xai.api.v1 import chat_pb2
from google.protobuf.message import DecodeError

from agentrt.errors import UsageError
from agentrt.xai.bounded import remember
from agentrt.xai.chat_proto import message_to_proto, settings_to_proto
from agentrt.xai.chat_request import ChatRequest
from agentrt.xai.messages import Message

__all__ = ["EncodedRequest", "RequestEncoder"]

_SETTINGS = operator.attrgetter(
    *(f.name for f in dataclasses.fields(ChatRequest) if f.name != "messages")
)
_MESSAGES_TAG = b"\x0a"  # GetCompletionsRequest.messages: field 1, length-delimited


@dataclass(frozen=True, slots=True, eq=False)
class EncodedRequest:
    """A ``GetCompletionsRequest`` already serialised: ``client.chat`` sends ``data`` as is.

    ``logprobs`` says whether the request asks for them (``None``: not known), so a
    stream reads the chunks' logprobs only when they can be there.
    """

    data: bytes
    logprobs: bool | None = None

    def proto(self) -> chat_pb2.GetCompletionsRequest:
        """The request parsed back (telemetry reads its fields; nothing on the hot path does).

        Raises:
            UsageError: ``data`` is not a serialised ``GetCompletionsRequest``.
        """
        try:
            return chat_pb2.GetCompletionsRequest.FromString(self.data)
        except DecodeError as e:
            raise UsageError(
                f"EncodedRequest.data is not a serialised GetCompletionsRequest: {e}"
            ) from None


class RequestEncoder:
    """The wire form of the successive requests of one conversation.

    Messages are recognised by identity (they are frozen) at the same places as
    last time; the settings by equality with the last request's. The bytes are
    those of :func:`~agentrt.xai.chat_proto.request_to_proto`'s result, with the
    fields in another order. One encoder per conversation (e.g. per agent run);
    a different conversation just starts over.
    """

    __slots__ = ("_fields", "_head", "_messages", "_settings")

    def __init__(self) -> None:
        self._messages: tuple[Message, ...] = ()
        self._fields: list[bytes] = []  # one encoded ``messages`` field per message
        self._settings: tuple[Any, ...] | None = None
        self._head = b""

    def encode(self, req: ChatRequest) -> EncodedRequest:
        """The wire form of ``req``; a conversion error leaves the encoder as it was."""
        # tuple() of a tuple is the tuple itself; a list must be copied, or growing it in
        # place would make it look unchanged next time
        messages, old = tuple(req.messages), self._messages
        kept = len(old)
        if kept > len(messages) or not all(map(operator.is_, old, messages)):
            kept = _same_prefix(old, messages)
        added = [_field(message_to_proto(m).SerializeToString()) for m in messages[kept:]]
        settings = _SETTINGS(req)
        if settings != self._settings:
            self._head = _head(settings, req)
            self._settings = settings
        del self._fields[kept:]
        self._fields.extend(added)
        self._messages = messages
        return EncodedRequest(self._head + b"".join(self._fields), bool(req.logprobs))


# The settings' bytes, shared by the encoders of every run of an agent: keyed by the
# identity of the settings' values (a run's requests reuse its agent's), checked by
# equality; the entry keeps those values alive, so their ids are not reused meanwhile.
_HEADS: dict[tuple[int, ...], tuple[tuple[Any, ...], bytes]] = {}
_HEADS_KEPT = 64


def _head(settings: tuple[Any, ...], req: ChatRequest) -> bytes:
    """The serialised settings of ``req`` (``settings``: its field values but the messages)."""
    key = tuple(map(id, settings))
    found = _HEADS.get(key)
    if found is not None and found[0] == settings:
        return found[1]
    head = settings_to_proto(req).SerializeToString()  # may raise: nothing is kept then
    remember(_HEADS, key, (settings, head), _HEADS_KEPT)
    return head


def _field(body: bytes) -> bytes:
    """``body`` (a serialised Message) as one ``messages`` field: tag, varint length, bytes."""
    n = len(body)
    head = bytearray(_MESSAGES_TAG)
    while n > 0x7F:
        head.append((n & 0x7F) | 0x80)
        n >>= 7
    head.append(n)
    return bytes(head) + body


def _same_prefix(old: tuple[Message, ...], new: tuple[Message, ...]) -> int:
    """How many leading messages ``old`` and ``new`` share (the same objects)."""
    n = 0
    for a, b in zip(old, new, strict=False):
        if a is not b:
            break
        n += 1
    return n
