"""``client.chat`` over REST: the same surface as :class:`agentrt.xai.chat.Chat` for completions.

::

    client = Client(protocol="rest", endpoint="http://127.0.0.1:8000/v1")
    resp = await client.chat.complete(ChatRequest(model=M, messages=(user("Hi"),)))
    async with client.chat.stream(req) as stream:
        async for delta in stream:
            ...
    resp = stream.response

Requests go to ``/v1/chat/completions``, or to ``/v1/responses`` when the client's
``rest_api`` is ``"responses"`` or the request needs it (``previous_response_id``,
``store_messages``, server-side tools). Each call is a ``chat {model}`` span when
telemetry is on, exactly as over gRPC (the recorder reads the request's protobuf
view, made only then).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import TYPE_CHECKING, Any

from agentrt.errors import UsageError
from agentrt.telemetry.tracing import Telemetry, default_telemetry
from agentrt.xai.chat_request import ChatRequest
from agentrt.xai.chat_response import ChatResponse, Delta
from agentrt.xai.deadline import Timeout
from agentrt.xai.delta_stream import DeltaStream
from agentrt.xai.rest import chat_wire, responses_wire
from agentrt.xai.rest.chat_stream import chat_deltas, responses_deltas
from agentrt.xai.rest.json_encoder import JsonEncoder, JsonRequest, RestApi, encode
from agentrt.xai.rest.transport import RestTransport

if TYPE_CHECKING:
    from agentrt.telemetry.chat import ChatCall

__all__ = ["RestChat", "RestChatStream"]


class RestChatStream(DeltaStream):
    """A streaming chat call over SSE: an async iterator of :class:`Delta`, then :attr:`response`.

    The request is sent on the first iteration. Use ``async with`` (or :meth:`aclose`)
    to end it deterministically when you stop early: the connection is closed.
    """

    def __init__(
        self,
        transport: RestTransport,
        request: JsonRequest,
        timeout: Timeout,
        call: ChatCall | None = None,
    ) -> None:
        super().__init__(
            lambda result, tail: _deltas(transport, request, timeout, result, call, tail)
        )

    async def __aenter__(self) -> RestChatStream:
        return self


async def _deltas(
    transport: RestTransport,
    request: JsonRequest,
    limit: Timeout,
    result: list[ChatResponse],
    call: ChatCall | None,
    tail: bool = False,
) -> AsyncGenerator[Delta | ChatResponse, None]:
    state = [0.0, 0.0]  # perf_counter() at the first delta, deltas yielded
    headers = None if call is None else call.begin()
    events = transport.events(
        request.path, request.body(stream=True), timeout=limit, headers=headers
    )
    read = chat_deltas if request.api == "chat" else responses_deltas
    deltas = read(events, result, state, transport.config.api_key)
    try:
        async for delta in deltas:
            yield delta
    except BaseException as exc:
        if call is not None:
            call.failed(exc, state[0])
        raise
    finally:
        await deltas.aclose()
        await events.aclose()
    if call is not None:
        call.done(result[0], state[0], int(state[1]))
    if tail:  # DeltaStream.items()
        yield result[0]


class RestChat:
    """Chat completions over xAI's REST API (``client.chat`` of ``Client(protocol="rest")``)."""

    def __init__(
        self, transport: RestTransport, telemetry: Telemetry | None = None, api: RestApi = "chat"
    ) -> None:
        self._transport = transport
        self._telemetry = telemetry or default_telemetry()
        url = transport.url("")
        self._endpoint = f"{url.host}:{url.port}"
        self._api: RestApi = api

    def encoder(self) -> JsonEncoder:
        """A per-conversation encoder: ``encode(ChatRequest)`` -> what ``complete``/``stream`` take."""
        return JsonEncoder(self._api)

    def _json(self, request: ChatRequest | JsonRequest) -> JsonRequest:
        if isinstance(request, JsonRequest):
            return request
        if isinstance(request, ChatRequest):
            return encode(request, self._api)
        raise UsageError(
            f"over REST, client.chat takes a ChatRequest or an encoder's JsonRequest, "
            f"got {type(request).__name__} (a protobuf request needs protocol='grpc')"
        )

    def _chat_call(self, request: JsonRequest, *, stream: bool) -> ChatCall | None:
        """The call's telemetry recorder (``None`` while telemetry is off: nothing is built)."""
        if self._telemetry.instruments() is None:
            return None
        from agentrt.xai.chat_proto import request_to_proto

        proto = request_to_proto(request.request)
        return self._telemetry.chat_call(proto, stream=stream, endpoint=self._endpoint)

    async def complete(
        self,
        request: ChatRequest | JsonRequest,
        *,
        timeout: Timeout = None,  # noqa: ASYNC109 - it becomes the request's deadline
    ) -> ChatResponse:
        """One unary completion (``POST /chat/completions`` or ``/responses``)."""
        wire = self._json(request)
        call = self._chat_call(wire, stream=False)
        headers = None if call is None else call.begin()
        try:
            raw = await self._transport.call(
                "POST", wire.path, wire.body(stream=False), timeout=timeout, headers=headers
            )
            response = _response(wire.api, raw, self._transport.config.api_key)
        except BaseException as exc:
            if call is not None:
                call.failed(exc)
            raise
        if call is not None:
            call.done(response)
        return response

    def stream(
        self, request: ChatRequest | JsonRequest, *, timeout: Timeout = None
    ) -> RestChatStream:
        """A streaming completion over SSE; see :class:`RestChatStream`."""
        wire = self._json(request)
        return RestChatStream(self._transport, wire, timeout, self._chat_call(wire, stream=True))

    def __getattr__(self, name: str) -> Any:
        if name not in _GRPC_ONLY:
            raise AttributeError(name)
        raise UsageError(f"client.chat.{name} is not available over REST: use protocol='grpc'")


_GRPC_ONLY = frozenset(
    {
        "start_deferred",
        "get_deferred",
        "complete_deferred",
        "get_stored",
        "delete_stored",
        "compact",
    }
)


def _response(api: RestApi, raw: Any, secret: str | None) -> ChatResponse:
    if api == "chat":
        return chat_wire.response_from_json(raw, secret)
    return responses_wire.response_from_json(raw, secret)
