"""``client.chat``: chat completions, unary and streaming, deferred and stored.

::

    resp = await client.chat.complete(ChatRequest(model=M, messages=(user("Hi"),)))

    async with client.chat.stream(req) as stream:
        async for delta in stream:          # Delta(content, reasoning_content, tool_calls, choice)
            print(delta.content, end="")
    resp = stream.response                  # assembled ChatResponse (content, usage, ...)

    done = await client.chat.compact(req)   # Compacted(messages, tokens_before, tokens_after)

Leaving the ``async with`` block, breaking out of the loop, cancelling the task
or an ``asyncio.timeout`` firing cancels the RPC at once. Each call is a
``chat {model}`` span when telemetry is on (:mod:`agentrt.telemetry.tracing`); a stream's
span's parent is the trace context current when ``stream()`` was called. Every method accepts a
:class:`~agentrt.xai.chat_request.ChatRequest`, an :class:`~agentrt.xai.chat_wire.EncodedRequest`
(sent as is), or, as an escape hatch, a raw ``chat_pb2.GetCompletionsRequest``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Sequence
from time import perf_counter
from typing import TYPE_CHECKING, Any

from agentrt_protos.xai.api.v1 import chat_pb2, chat_pb2_grpc, deferred_pb2

from agentrt.errors import DeadlineExceeded, ServerError, UsageError
from agentrt.telemetry.tracing import Telemetry, default_telemetry
from agentrt.xai.chat_proto import (
    FINISH_REASONS,
    citation_from_proto,
    request_to_proto,
    response_from_proto,
    tool_call_from_proto,
    usage_from_proto,
)
from agentrt.xai.chat_request import ChatRequest
from agentrt.xai.chat_response import ChatResponse, Choice, Delta, Usage
from agentrt.xai.chat_wire import EncodedRequest, RequestEncoder
from agentrt.xai.compaction import Compacted, compact_request, compacted_from_proto
from agentrt.xai.deadline import Timeout
from agentrt.xai.delta_stream import DeltaStream
from agentrt.xai.messages import Message, ToolCall
from agentrt.xai.response_extras import SERVICE_TIERS, logprobs_from_proto, output_files_from_proto
from agentrt.xai.transport import Transport

if TYPE_CHECKING:
    from agentrt.telemetry.spans import ChatCall

__all__ = ["Chat", "ChatStream", "RequestLike"]

RequestLike = ChatRequest | chat_pb2.GetCompletionsRequest | EncodedRequest
Wire = chat_pb2.GetCompletionsRequest | EncodedRequest
_STUB = chat_pb2_grpc.ChatStub
# tuple.__new__ skips NamedTuple's Python-level __new__: ~100 ns less per chunk.
_new_delta = tuple.__new__


def _wire(request: RequestLike) -> Wire:
    """What is sent for ``request``: a protobuf, or bytes already encoded."""
    if isinstance(request, (EncodedRequest, chat_pb2.GetCompletionsRequest)):
        return request
    if isinstance(request, ChatRequest):
        return request_to_proto(request)
    raise UsageError(
        f"expected a ChatRequest, EncodedRequest or GetCompletionsRequest, got {type(request)}"
    )


def _proto(request: RequestLike) -> chat_pb2.GetCompletionsRequest:
    wire = _wire(request)
    return wire.proto() if isinstance(wire, EncodedRequest) else wire


def _route(wire: Wire) -> tuple[type, Any]:
    """The stub class and the payload that send ``wire``."""
    if isinstance(wire, EncodedRequest):
        return _EncodedStub, wire.data
    return _STUB, wire


class _EncodedStub:
    """The Chat service's completion methods for requests already serialised (bytes)."""

    def __init__(self, channel: Any) -> None:
        self.GetCompletion = channel.unary_unary(
            "/xai_api.Chat/GetCompletion",
            request_serializer=None,  # the bytes go out as they are
            response_deserializer=chat_pb2.GetChatCompletionResponse.FromString,
            _registered_method=True,
        )
        self.GetCompletionChunk = channel.unary_stream(
            "/xai_api.Chat/GetCompletionChunk",
            request_serializer=None,
            response_deserializer=chat_pb2.GetChatCompletionChunk.FromString,
            _registered_method=True,
        )


class _Acc:
    """What one choice has streamed so far (lists, joined once at the end)."""

    __slots__ = (
        "citations",
        "content",
        "encrypted",
        "finish",
        "logprobs",
        "reasoning",
        "tool_calls",
    )

    def __init__(self) -> None:
        self.content: list[str] = []
        self.reasoning: list[str] = []
        self.tool_calls: list[ToolCall] = []
        self.encrypted: list[str] = []
        self.citations: list[Any] = []
        self.logprobs: list[Any] = []  # protobuf LogProb entries, decoded once at the end
        self.finish = 0

    def choice(self, index: int) -> Choice:
        return Choice(
            index=index,
            content="".join(self.content),
            reasoning_content="".join(self.reasoning),
            tool_calls=tuple(self.tool_calls),
            finish_reason=FINISH_REASONS.get(self.finish, ""),
            encrypted_content="".join(self.encrypted),
            citations=tuple(citation_from_proto(c) for c in self.citations),
            logprobs=tuple(logprobs_from_proto(self.logprobs)) if self.logprobs else (),
        )


class ChatStream(DeltaStream):
    """A streaming chat call: an async iterator of :class:`Delta`, then :attr:`response`.

    The RPC starts on the first iteration. Use ``async with`` (or :meth:`aclose`)
    to end it deterministically when you stop early.
    """

    def __init__(
        self,
        transport: Transport,
        request: RequestLike,
        timeout: Timeout,
        call: ChatCall | None = None,
    ) -> None:
        wire = _wire(request)
        super().__init__(lambda result, tail: _deltas(transport, wire, timeout, result, call, tail))

    async def __aenter__(self) -> ChatStream:
        return self


async def _deltas(
    transport: Transport,
    request: Wire,
    limit: Timeout,
    result: list[ChatResponse],
    call: ChatCall | None = None,
    tail: bool = False,
) -> AsyncGenerator[Delta | ChatResponse, None]:
    """The hot path: yield each chunk's deltas, keep what the final response needs
    (and yield the response last when ``tail``).

    Telemetry (``call``) adds no per-chunk work: the first chunk's time is taken
    where its choice's accumulator is made, the rest is counted at the end.
    """
    accs: dict[int, _Acc] = {}
    citations: list[str] = []
    last = None
    # per chunk, logprobs are looked for only when the request may have asked for them
    logprobs = request.logprobs is not False
    first = 0.0
    metadata = None if call is None else call.begin()
    stub, payload = _route(request)
    batches = transport.stream_batches(
        stub, "GetCompletionChunk", payload, timeout=limit, metadata=metadata
    )
    try:
        async for batch in batches:  # what arrived together: no generator step per chunk
            for chunk in batch:
                last = chunk
                outs = chunk.outputs
                # Iterating a repeated field costs ~200 ns more than indexing its only item.
                for out in (outs[0],) if len(outs) == 1 else outs:
                    i = out.index
                    acc = accs.get(i)
                    if acc is None:
                        acc = accs[i] = _Acc()
                        if not first:
                            first = perf_counter()
                    d = out.delta
                    c = d.content
                    r = d.reasoning_content
                    if c:
                        acc.content.append(c)
                    if r:
                        acc.reasoning.append(r)
                    calls: tuple[ToolCall, ...] = ()
                    if d.tool_calls:
                        calls = tuple(tool_call_from_proto(t) for t in d.tool_calls)
                        acc.tool_calls.extend(calls)
                    if d.encrypted_content:
                        acc.encrypted.append(d.encrypted_content)
                    if d.citations:
                        acc.citations.extend(d.citations)
                    if out.finish_reason:
                        acc.finish = out.finish_reason
                    if logprobs and out.HasField("logprobs"):
                        acc.logprobs.extend(out.logprobs.content)
                    yield _new_delta(Delta, (c, r, calls, i))
                if chunk.citations:
                    citations.extend(chunk.citations)
    except BaseException as exc:
        if call is not None:
            call.failed(exc, first)
        raise
    finally:
        await batches.aclose()
    response = _assemble(last, accs, citations)
    result.append(response)
    if call is not None:
        call.done(response, first, sum(len(a.content) + len(a.reasoning) for a in accs.values()))
    if tail:
        yield response


def _assemble(last: Any, accs: dict[int, _Acc], citations: list[str]) -> ChatResponse:
    """The response of a stream; ``output_files`` and the service tier are the last chunk's."""
    choices = tuple(accs[i].choice(i) for i in sorted(accs)) or (Choice(),)
    if last is None:
        return ChatResponse(choices=choices)
    return ChatResponse(
        id=last.id,
        model=last.model,
        choices=choices,
        usage=usage_from_proto(last.usage) if last.HasField("usage") else Usage(),
        citations=tuple(dict.fromkeys(citations)),
        system_fingerprint=last.system_fingerprint,
        service_tier=SERVICE_TIERS.get(last.service_tier, ""),
        output_files=output_files_from_proto(files) if (files := last.output_files) else (),
    )


class Chat:
    """Chat completions over xAI's ``Chat`` service (``client.chat``)."""

    def __init__(self, transport: Transport, telemetry: Telemetry | None = None) -> None:
        self._transport = transport
        self._telemetry = telemetry or default_telemetry()
        self._endpoint = transport.config.endpoint

    def encoder(self) -> RequestEncoder:
        """A per-conversation encoder: ``encode(ChatRequest)`` -> what ``complete``/``stream`` take
        (the messages already sent are not serialised again)."""
        return RequestEncoder()

    async def complete(
        self,
        request: RequestLike,
        *,
        timeout: Timeout = None,  # noqa: ASYNC109 - it becomes the gRPC deadline
    ) -> ChatResponse:
        """One unary completion (GetCompletion)."""
        wire = _wire(request)
        call = self._chat_call(wire, stream=False)
        stub, payload = _route(wire)
        if call is None:
            resp = await self._transport.unary(stub, "GetCompletion", payload, timeout=timeout)
            return response_from_proto(resp)
        try:
            resp = await self._transport.unary(
                stub, "GetCompletion", payload, timeout=timeout, metadata=call.begin()
            )
            response = response_from_proto(resp)
        except BaseException as exc:
            call.failed(exc)
            raise
        call.done(response)
        return response

    def _chat_call(self, wire: Wire, *, stream: bool) -> ChatCall | None:
        """The call's telemetry recorder (``None`` while telemetry is off: nothing is parsed)."""
        if self._telemetry.instruments() is None:
            return None
        try:
            proto = wire.proto() if isinstance(wire, EncodedRequest) else wire
        except UsageError:  # bytes that are no request: sent untraced, the server says so
            return None
        return self._telemetry.chat_call(proto, stream=stream, endpoint=self._endpoint)

    def stream(self, request: RequestLike, *, timeout: Timeout = None) -> ChatStream:
        """A streaming completion (GetCompletionChunk); see :class:`ChatStream`."""
        wire = _wire(request)
        return ChatStream(self._transport, wire, timeout, self._chat_call(wire, stream=True))

    async def start_deferred(
        self,
        request: RequestLike,
        *,
        timeout: Timeout = None,  # noqa: ASYNC109 - it becomes the gRPC deadline
    ) -> str:
        """Start a deferred completion; returns its request id for :meth:`get_deferred`."""
        resp = await self._transport.unary(
            _STUB, "StartDeferredCompletion", _proto(request), timeout=timeout
        )
        return str(resp.request_id)

    async def get_deferred(
        self,
        request_id: str,
        *,
        timeout: Timeout = None,  # noqa: ASYNC109 - it becomes the gRPC deadline
    ) -> ChatResponse | None:
        """The deferred completion's response, or ``None`` while it is pending.

        Raises:
            ServerError: the deferred completion failed or expired.
        """
        req = deferred_pb2.GetDeferredRequest(request_id=request_id)
        resp = await self._transport.unary(_STUB, "GetDeferredCompletion", req, timeout=timeout)
        if resp.status == deferred_pb2.PENDING:
            return None
        if resp.status == deferred_pb2.DONE and resp.HasField("response"):
            return response_from_proto(resp.response)
        status = deferred_pb2.DeferredStatus.Name(resp.status)
        raise ServerError(f"deferred completion {request_id} ended {status}", code=status)

    async def complete_deferred(
        self,
        request: RequestLike,
        *,
        timeout: float = 600.0,  # noqa: ASYNC109 - an overall polling budget
        poll_interval: float = 1.0,
    ) -> ChatResponse:
        """Start a deferred completion and poll until it is done or ``timeout`` passes.

        Raises:
            DeadlineExceeded: still pending after ``timeout`` seconds.
        """
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        request_id = await self.start_deferred(request, timeout=timeout)
        while True:
            left = end - loop.time()
            if left <= 0:
                raise DeadlineExceeded(
                    f"deferred completion {request_id} still pending after {timeout} s",
                    code="DEADLINE_EXCEEDED",
                )
            resp = await self.get_deferred(request_id, timeout=left)
            if resp is not None:
                return resp
            await asyncio.sleep(min(poll_interval, max(0.0, end - loop.time())))

    async def get_stored(
        self,
        response_id: str,
        *,
        timeout: Timeout = None,  # noqa: ASYNC109 - it becomes the gRPC deadline
    ) -> ChatResponse:
        """A stored completion (one made with ``store_messages=True``)."""
        req = chat_pb2.GetStoredCompletionRequest(response_id=response_id)
        resp = await self._transport.unary(_STUB, "GetStoredCompletion", req, timeout=timeout)
        return response_from_proto(resp)

    async def compact(
        self,
        conversation: ChatRequest | Sequence[Message],
        *,
        model: str | None = None,
        timeout: Timeout = None,  # noqa: ASYNC109 - it becomes the gRPC deadline
    ) -> Compacted:
        """Have the server compact a conversation (CompactContext); see :mod:`.compaction`.

        Args:
            conversation: a ChatRequest (its messages and model) or the messages.
            model: the model that compacts (default: the request's).
            timeout: the call's deadline in seconds.

        Returns:
            The compacted context: send ``.messages`` in place of the history.

        Raises:
            UsageError: no model, or no message to compact (nothing is sent).
        """
        req = compact_request(conversation, model)
        resp = await self._transport.unary(_STUB, "CompactContext", req, timeout=timeout)
        return compacted_from_proto(resp)

    async def delete_stored(
        self,
        response_id: str,
        *,
        timeout: Timeout = None,  # noqa: ASYNC109 - it becomes the gRPC deadline
    ) -> str:
        """Delete a stored completion; returns the deleted response id."""
        req = chat_pb2.DeleteStoredCompletionRequest(response_id=response_id)
        resp = await self._transport.unary(_STUB, "DeleteStoredCompletion", req, timeout=timeout)
        return str(resp.response_id)
