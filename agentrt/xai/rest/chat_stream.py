"""The hot path of a REST stream: SSE events -> :class:`Delta` s, then the assembled response.

Chat completions (:func:`chat_deltas`): each ``chat.completion.chunk`` yields one
Delta per choice it carries; a tool call streamed in fragments (id and name
first, arguments in pieces, by ``index``) is assembled and yielded whole, as
over gRPC, when its choice finishes. The stream must end with ``data: [DONE]``;
one that stops before it was cut, and raises :class:`~agentrt.errors.StreamInterrupted`.

Responses (:func:`responses_deltas`): ``response.output_text.delta`` and the
reasoning deltas become Deltas; ``response.completed`` (or ``.incomplete``) carries
the response, whose function calls the client must make come in one last Delta
(a call answered by a ``function_call_output`` item of the same response was run
by the server, so it is known only then).

Per event: one ``json.loads`` and a few dict lookups; no copies.
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from typing import Any

from agentrt import errors
from agentrt.xai.chat_response import ChatResponse, Choice, Delta
from agentrt.xai.messages import ToolCall
from agentrt.xai.rest import responses_wire
from agentrt.xai.rest.chat_wire import finish_reason, logprobs_from_json, usage_from_json
from agentrt.xai.rest.http_errors import error_from_body
from agentrt.xai.rest.sse import Event

__all__ = ["chat_deltas", "responses_deltas"]

# The decoder's scanner on the decoded text: half of json.loads(bytes)'s cost per event (no
# encoding sniffing, no whitespace skipping); anything it does not take whole goes to json.loads.
_scan: Callable[[str, int], tuple[Any, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]  # set by __init__, not in typeshed


def _loads(data: bytes) -> Any:
    text = data.decode()
    try:
        obj, end = _scan(text, 0)
    except StopIteration:  # not a JSON value at 0: json.loads says why (or takes " {...}")
        return json.loads(text)
    return obj if end == len(text) else json.loads(text)  # trailing text: valid or an error


_new_delta = tuple.__new__  # skips NamedTuple's Python-level __new__
_DONE = b"[DONE]"


class _Acc:
    """What one choice has streamed so far."""

    __slots__ = ("calls", "content", "finish", "logprobs", "reasoning")

    def __init__(self) -> None:
        self.content: list[str] = []
        self.reasoning: list[str] = []
        self.calls: dict[int, list[Any]] = {}  # index -> [id, type, name, [argument pieces]]
        self.finish = ""
        self.logprobs: list[Any] = []

    def add_calls(self, fragments: list[Any]) -> None:
        for f in fragments:
            entry = self.calls.get(f.get("index", len(self.calls)))
            fn = f.get("function") or {}
            if entry is None:
                entry = self.calls[f.get("index", len(self.calls))] = ["", "function", "", []]
            if f.get("id"):
                entry[0] = f["id"]
            if f.get("type"):
                entry[1] = f["type"]
            if fn.get("name"):
                entry[2] += fn["name"]
            if fn.get("arguments"):
                entry[3].append(fn["arguments"])

    def take_calls(self) -> tuple[ToolCall, ...]:
        """The calls assembled so far (each is yielded once)."""
        calls = tuple(
            ToolCall(id=e[0], name=e[2], arguments="".join(e[3]), type=e[1])
            for _, e in sorted(self.calls.items())
        )
        self.calls = {}
        return calls

    def choice(self, index: int, calls: tuple[ToolCall, ...]) -> Choice:
        return Choice(
            index=index,
            content="".join(self.content),
            reasoning_content="".join(self.reasoning),
            tool_calls=calls,
            finish_reason=self.finish,
            logprobs=logprobs_from_json({"content": self.logprobs}),
        )


def _cut(received: int, why: str) -> errors.StreamInterrupted:
    error = errors.Unavailable(why, code="UNAVAILABLE")
    return errors.StreamInterrupted(received, error)


def _fail(received: int, error: errors.RPCError) -> errors.AgentrtError:
    return errors.StreamInterrupted(received, error) if received else error


def _parse(data: bytes, received: int) -> Any:
    try:
        obj = _loads(data)
    except ValueError:
        raise _fail(
            received, errors.ServerError(f"a stream event is not JSON: {data[:200]!r}", code="200")
        ) from None
    if not isinstance(obj, dict):
        raise _fail(
            received,
            errors.ServerError(f"a stream event is not an object: {data[:200]!r}", code="200"),
        )
    return obj


async def chat_deltas(
    events: AsyncIterator[list[Event]],
    result: list[ChatResponse],
    state: list[float],
    secret: str | None = None,
) -> AsyncGenerator[Delta, None]:
    """Yield a chat completions stream's deltas; append the assembled response to ``result``.

    ``state``: ``[perf_counter() at the first choice, deltas yielded]`` for telemetry;
    ``secret`` (the API key) is blanked from an error event's message.
    """
    from time import perf_counter

    accs: dict[int, _Acc] = {}
    calls_of: dict[int, tuple[ToolCall, ...]] = {}
    last: dict[str, Any] = {}
    usage: Any = None
    received = 0
    done = False
    try:
        async for batch in events:
            for _name, data in batch:
                if data == _DONE:
                    done = True
                    continue
                obj = _parse(data, received)
                received += 1
                choices = obj.get("choices")
                if choices is None:
                    if "error" in obj:
                        raise _fail(received - 1, error_from_body(obj, secret))
                    choices = ()
                last = obj
                if (u := obj.get("usage")) is not None:
                    usage = u
                for ch in choices:
                    i = ch.get("index", 0)
                    acc = accs.get(i)
                    if acc is None:
                        acc = accs[i] = _Acc()
                        if not state[0]:
                            state[0] = perf_counter()
                    d = ch.get("delta") or {}
                    c = d.get("content") or ""
                    r = d.get("reasoning_content") or ""
                    if c:
                        if c.__class__ is not str:
                            raise TypeError(f"content is {type(c).__name__}, not text")
                        acc.content.append(c)
                    if r:
                        if r.__class__ is not str:
                            raise TypeError(f"reasoning is {type(r).__name__}, not text")
                        acc.reasoning.append(r)
                    if (t := d.get("tool_calls")) is not None:
                        acc.add_calls(t)
                    if (lp := ch.get("logprobs")) is not None and lp.get("content"):
                        acc.logprobs.extend(lp["content"])
                    calls: tuple[ToolCall, ...] = ()
                    if (f := ch.get("finish_reason")) is not None:
                        acc.finish = finish_reason(f)
                        if acc.calls:
                            calls = acc.take_calls()
                            calls_of[i] = calls_of.get(i, ()) + calls
                    state[1] += 1
                    yield _new_delta(Delta, (c, r, calls, i))
    except (TypeError, AttributeError, ValueError, KeyError) as e:
        raise _fail(max(received - 1, 0), _malformed(e)) from None  # the bad one does not count
    if not done:
        raise _cut(received, "the stream ended before data: [DONE]")
    for i, acc in sorted(accs.items()):
        if acc.calls:  # never finished: yielded whole now, before the response
            calls = acc.take_calls()
            calls_of[i] = calls_of.get(i, ()) + calls
            yield _new_delta(Delta, ("", "", calls, i))
    try:
        result.append(_assemble(last, usage, accs, calls_of))
    except (TypeError, AttributeError, ValueError) as e:
        raise _fail(received, _malformed(e)) from None


def _malformed(e: Exception) -> errors.ServerError:
    return errors.ServerError(f"a malformed stream event: {e}"[:300], code="200")


def _assemble(
    last: dict[str, Any],
    usage: Any,
    accs: dict[int, _Acc],
    calls_of: dict[int, tuple[ToolCall, ...]],
) -> ChatResponse:
    """The response of a chat completions stream; id, model and citations are the last chunk's."""
    choices = tuple(accs[i].choice(i, calls_of.get(i, ())) for i in sorted(accs))
    return ChatResponse(
        id=str(last.get("id") or ""),
        model=str(last.get("model") or ""),
        choices=choices or (Choice(),),
        usage=usage_from_json(usage),
        citations=tuple(dict.fromkeys(str(c) for c in last.get("citations") or ())),
        system_fingerprint=str(last.get("system_fingerprint") or ""),
        service_tier=str(last.get("service_tier") or ""),
    )


_TEXT = "response.output_text.delta"
_REASONING = frozenset({"response.reasoning_summary_text.delta", "response.reasoning_text.delta"})
_FINAL = frozenset({"response.completed", "response.incomplete"})


async def responses_deltas(
    events: AsyncIterator[list[Event]],
    result: list[ChatResponse],
    state: list[float],
    secret: str | None = None,
) -> AsyncGenerator[Delta, None]:
    """Yield a Responses API stream's deltas; append its final response to ``result``."""
    from time import perf_counter

    final: ChatResponse | None = None
    received = 0
    try:
        async for batch in events:
            for name, data in batch:
                if data == _DONE:
                    continue
                obj = _parse(data, received)
                received += 1
                kind = obj.get("type") or name
                delta: Delta | None = None
                if kind == _TEXT:
                    delta = _new_delta(Delta, (obj.get("delta") or "", "", (), 0))
                elif kind in _REASONING:
                    delta = _new_delta(Delta, ("", obj.get("delta") or "", (), 0))
                elif kind in _FINAL:
                    final = _final(obj, received, secret)
                elif kind in ("error", "response.failed"):
                    raise _fail(received - 1, error_from_body(obj.get("response") or obj, secret))
                if delta is not None:
                    if delta[0].__class__ is not str or delta[1].__class__ is not str:
                        raise TypeError("a delta is not text")
                    if not state[0]:
                        state[0] = perf_counter()
                    state[1] += 1
                    yield delta
    except (TypeError, AttributeError, ValueError, KeyError) as e:
        raise _fail(max(received - 1, 0), _malformed(e)) from None  # the bad one does not count
    if final is None:
        raise _cut(received, "the stream ended before response.completed")
    calls = tuple(c for c in final.tool_calls if c.type == "function")
    if calls:
        state[1] += 1
        yield _new_delta(Delta, ("", "", calls, 0))
    result.append(final)


def _final(obj: dict[str, Any], received: int, secret: str | None) -> ChatResponse:
    try:
        return responses_wire.response_from_json(obj.get("response"), secret)
    except errors.RPCError as e:
        raise _fail(received, e) from None
