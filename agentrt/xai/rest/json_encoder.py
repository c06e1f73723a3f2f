"""A conversation's successive requests as JSON bodies: :class:`JsonEncoder`, :class:`JsonRequest`.

Like :mod:`agentrt.xai.chat_wire` does for protobuf, the encoder keeps the JSON
of each message it has sent and of the settings, so a turn of an agent run
serialises only its new messages. A body is laid out as
``{<settings>,"stream":...,"messages":[<m1>,<m2>,...]}`` (``"input"`` for the
Responses API), so a unary call and a stream share the pieces.
"""

from __future__ import annotations

import dataclasses
import json
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from agentrt.xai.chat_request import ChatRequest
from agentrt.xai.messages import Message
from agentrt.xai.rest import chat_wire, responses_wire

__all__ = ["JsonEncoder", "JsonRequest", "RestApi", "dumps", "encode", "pick_api"]

RestApi = Literal["chat", "responses"]
_SETTINGS = operator.attrgetter(
    *(f.name for f in dataclasses.fields(ChatRequest) if f.name != "messages")
)
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_STREAM = {
    "chat": b',"stream":true,"stream_options":{"include_usage":true},"messages":[',
    "responses": b',"stream":true,"input":[',
}
_UNARY = {"chat": b',"messages":[', "responses": b',"input":['}


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON."""
    return _dumps(value).encode()


@dataclass(frozen=True, slots=True, eq=False)
class JsonRequest:
    """A request already encoded: the REST ``client.chat`` sends it as is.

    Attributes:
        api: which endpoint it is for (``chat``: ``/chat/completions``; ``responses``).
        head: the settings' JSON object without its closing brace.
        items: the messages' JSON, comma-separated.
        request: the request it encodes (telemetry reads it; nothing on the hot path does).
    """

    api: RestApi
    head: bytes
    items: bytes
    request: ChatRequest

    def body(self, *, stream: bool) -> bytes:
        """The whole JSON body, for a stream or a unary call."""
        middle = (_STREAM if stream else _UNARY)[self.api]
        return b"".join((self.head, middle, self.items, b"]}"))

    @property
    def path(self) -> str:
        """The endpoint's path under the base URL."""
        return "/chat/completions" if self.api == "chat" else "/responses"


def _message_json(api: RestApi) -> Callable[[Message], bytes]:
    if api == "chat":
        return lambda m: dumps(chat_wire.message_json(m))
    return lambda m: b",".join(dumps(item) for item in responses_wire.input_items(m))


def _head(req: ChatRequest, api: RestApi) -> bytes:
    settings = chat_wire.settings_json(req) if api == "chat" else responses_wire.settings_json(req)
    return dumps(settings)[:-1]


def pick_api(req: ChatRequest, chosen: RestApi) -> RestApi:
    """``chosen``, or ``responses`` when ``req`` needs what only it carries."""
    return "responses" if chosen == "responses" or chat_wire.needs_responses(req) else "chat"


def encode(req: ChatRequest, api: RestApi) -> JsonRequest:
    """``req`` encoded from scratch for ``api`` (or ``responses`` when it needs it)."""
    api = pick_api(req, api)
    message = _message_json(api)
    items = b",".join(message(m) for m in req.messages)
    return JsonRequest(api, _head(req, api), items, req)


class JsonEncoder:
    """The JSON of the successive requests of one conversation.

    Messages are recognised by identity (they are frozen) at the same places as
    last time; the settings by equality with the last request's.
    """

    __slots__ = ("_api", "_chosen", "_head", "_items", "_messages", "_settings")

    def __init__(self, api: RestApi = "chat") -> None:
        self._chosen: RestApi = api
        self._api: RestApi | None = None
        self._messages: tuple[Message, ...] = ()
        self._items: list[bytes] = []
        self._settings: tuple[Any, ...] | None = None
        self._head = b""

    def encode(self, req: ChatRequest) -> JsonRequest:
        """The JSON of ``req``; a conversion error leaves the encoder as it was."""
        api = pick_api(req, self._chosen)
        if api != self._api:
            self._messages, self._items, self._settings = (), [], None
        messages, old = tuple(req.messages), self._messages
        kept = len(old)
        if kept > len(messages) or not all(map(operator.is_, old, messages)):
            pairs = enumerate(zip(old, messages, strict=False))
            kept = next((i for i, (a, b) in pairs if a is not b), kept)
            kept = min(kept, len(messages))
        message = _message_json(api)
        added = [message(m) for m in messages[kept:]]
        settings = _SETTINGS(req)
        if settings != self._settings or api != self._api:
            self._head = _head(req, api)
            self._settings = settings
        self._api = api
        del self._items[kept:]
        self._items.extend(added)
        self._messages = messages
        return JsonRequest(api, self._head, b",".join(self._items), req)
