"""One response of a realtime session: the model's call, its events, its speech.

:func:`run_response` asks the simulator's model (the same :class:`ChatService` the REST
and gRPC doors use: faults, script, latency knobs) for the conversation's next turn and
streams it: function calls as ``function_call`` items with their arguments, answers as
spoken audio (``response.output_audio.delta``, ~100 ms each) with the transcript beside
it, or as text when the response is text only. The time to first token passes before the
first delta; the inter-token gap between deltas. The ``abort`` fault cuts the socket
mid-response; an error fault fails the response with an ``error`` event.
"""

from __future__ import annotations

import asyncio
import base64
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from agentrt.sim.realtime.protocol import event, new_id
from agentrt.sim.realtime.voice import VoiceUnavailable, speak
from agentrt.sim.rest.errors import error_body, status_of
from agentrt.sim.status import SimStatus

if TYPE_CHECKING:
    from agentrt.sim.chat import Call, ChatService
    from agentrt.sim.realtime.config import SessionConfig
    from agentrt.sim.realtime.conversation import Conversation

__all__ = ["DELTA_MS", "Host", "ResponseOptions", "Stream", "run_response"]

DELTA_MS = 100
"""Audio per ``response.output_audio.delta``."""


class Host(Protocol):
    """What a response uses of its session (:class:`~.session.RealtimeSession`)."""

    config: SessionConfig
    conversation: Conversation
    conversation_id: str
    model: ChatService
    context: Any

    async def send(self, message: dict[str, Any]) -> None: ...

    async def warn_once(self, code: str, message: str) -> None: ...

    def cut(self) -> None: ...


@dataclass(frozen=True, slots=True)
class ResponseOptions:
    """What ``response.create`` may override for one response."""

    instructions: str | None = None
    audio_out: bool | None = None


class Aborted(Exception):
    """The ``abort`` fault cut the socket."""


class Stream:
    """One response's state: its id, items and the deltas it has sent (for ``abort``)."""

    def __init__(self, session: Host, response_id: str, audio_out: bool) -> None:
        self.session, self.id, self.audio_out = session, response_id, audio_out
        self.output: list[dict[str, Any]] = []
        self.deltas = 0
        self.abort_after: int | None = None
        self.gap_s = 0.0
        self.audio_ms = 0.0

    def response(self, status: str, **extra: Any) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": "realtime.response",
            "status": status,
            "output": self.output,
            "output_modalities": ["audio"] if self.audio_out else ["text"],
            "conversation_id": self.session.conversation_id,
            **extra,
        }

    async def delta(self, kind: str, **fields: Any) -> None:
        """Send one delta, paced, and cut the socket when the ``abort`` fault says."""
        if self.deltas and self.gap_s > 0:
            await asyncio.sleep(self.gap_s)
        if self.abort_after is not None and self.deltas >= self.abort_after:
            self.session.cut()
            raise Aborted
        self.deltas += 1
        await self.session.send(event(kind, response_id=self.id, **fields))


async def run_response(session: Host, options: ResponseOptions, stream_box: list[Stream]) -> None:
    """Create, stream and finish one response (``stream_box`` gets its state, for cancel)."""
    config = session.config
    audio_out = config.audio_out if options.audio_out is None else options.audio_out
    stream = Stream(session, new_id("resp"), audio_out)
    stream_box.append(stream)
    await session.send(event("response.created", response=stream.response("in_progress")))
    instructions = config.instructions if options.instructions is None else options.instructions
    request = session.conversation.request(config, instructions)
    try:
        call = await session.model.prepare(request, session.context)
    except SimStatus as status:
        await _failed(stream, status)
        return
    stream.abort_after = call.plan.abort_after
    stream.gap_s = call.plan.realism.itl_ms / 1000
    first = call.plan.realism.ttft_ms / 1000 + call.delay_s
    try:
        if call.reply.tool_calls:
            if first > 0:
                await asyncio.sleep(first)
            for call_out in call.reply.tool_calls:
                await _function_call(stream, call_out.id, call_out.name, call_out.arguments)
        else:
            await _answer(stream, call.reply.content, first)
    except Aborted:
        return
    await _done(stream, call)


async def _failed(stream: Stream, status: SimStatus) -> None:
    error = json.loads(error_body(status_of(status), status.details))["error"]
    session = stream.session
    await session.send(event("error", error={**error, "event_id": None}))
    details = {"type": "failed", "error": {"type": error["type"], "code": error["code"]}}
    await session.send(
        event("response.done", response=stream.response("failed", status_details=details))
    )


def usage_json(call: Call, audio_ms: float) -> dict[str, Any]:
    """The ``usage`` of a response: the model's tokens, and its audio as tokens (10/s)."""
    reply = call.reply
    audio_tokens = round(audio_ms / 100)
    out = reply.completion_tokens + audio_tokens
    return {
        "total_tokens": reply.prompt_tokens + out,
        "input_tokens": reply.prompt_tokens,
        "output_tokens": out,
        "input_token_details": {
            "text_tokens": reply.prompt_tokens,
            "audio_tokens": 0,
            "cached_tokens": reply.cached_prompt_tokens,
        },
        "output_token_details": {
            "text_tokens": reply.completion_tokens,
            "audio_tokens": audio_tokens,
        },
    }


async def _done(stream: Stream, call: Call) -> None:
    session = stream.session
    usage = usage_json(call, stream.audio_ms)
    await session.send(event("response.done", response=stream.response("completed", usage=usage)))
    limits = [{"name": "requests", "limit": 10_000, "remaining": 9_999, "reset_seconds": 1.0}]
    await session.send(event("rate_limits.updated", rate_limits=limits))


async def _add_item(stream: Stream, item: dict[str, Any]) -> int:
    session = stream.session
    previous = session.conversation.add(item)
    index = len(stream.output)
    stream.output.append(item)
    await session.send(
        event("response.output_item.added", response_id=stream.id, output_index=index, item=item)
    )
    await session.send(event("conversation.item.added", previous_item_id=previous, item=item))
    return index


async def _item_done(stream: Stream, item: dict[str, Any], index: int) -> None:
    item["status"] = "completed"
    session = stream.session
    await session.send(
        event("response.output_item.done", response_id=stream.id, output_index=index, item=item)
    )
    await session.send(event("conversation.item.done", item=item))


async def _function_call(stream: Stream, call_id: str, name: str, arguments: str) -> None:
    item = {
        "id": new_id("item"),
        "object": "realtime.item",
        "type": "function_call",
        "status": "in_progress",
        "call_id": call_id,
        "name": name,
        "arguments": "",
    }
    index = await _add_item(stream, item)
    where = {"item_id": item["id"], "output_index": index, "call_id": call_id}
    await stream.delta("response.function_call_arguments.delta", delta=arguments, **where)
    item["arguments"] = arguments
    await stream.session.send(
        event(
            "response.function_call_arguments.done",
            response_id=stream.id,
            name=name,
            arguments=arguments,
            **where,
        )
    )
    await _item_done(stream, item, index)


async def _answer(stream: Stream, text: str, first_s: float) -> None:
    session = stream.session
    kind = "output_audio" if stream.audio_out else "output_text"
    part: dict[str, Any] = (
        {"type": kind, "transcript": ""}
        if stream.audio_out
        else {
            "type": kind,
            "text": "",
        }
    )
    item = {
        "id": new_id("item"),
        "object": "realtime.item",
        "type": "message",
        "status": "in_progress",
        "role": "assistant",
        "content": [part],
    }
    index = await _add_item(stream, item)
    where = {"item_id": item["id"], "output_index": index, "content_index": 0}
    await session.send(
        event("response.content_part.added", response_id=stream.id, part=dict(part), **where)
    )
    started = asyncio.get_running_loop().time()
    audio = await _speech(session, text) if stream.audio_out else b""
    wait = first_s - (asyncio.get_running_loop().time() - started)
    if wait > 0:
        await asyncio.sleep(wait)
    if stream.audio_out:
        await _spoken(stream, text, audio, where)
        part["transcript"] = text
    else:
        await _written(stream, text, where)
        part["text"] = text
    await session.send(
        event("response.content_part.done", response_id=stream.id, part=dict(part), **where)
    )
    await _item_done(stream, item, index)


async def _written(stream: Stream, text: str, where: dict[str, Any]) -> None:
    for piece in _pieces(text, max(1, len(text.split()) // 3)):
        await stream.delta("response.output_text.delta", delta=piece, **where)
    await stream.session.send(
        event("response.output_text.done", response_id=stream.id, text=text, **where)
    )


async def _speech(session: Host, text: str) -> bytes:
    try:
        return await speak(text, session.config.voice, session.config.output_rate)
    except VoiceUnavailable as missing:
        await session.warn_once("voice_unavailable", str(missing))
        return b""


async def _spoken(stream: Stream, text: str, audio: bytes, where: dict[str, Any]) -> None:
    session = stream.session
    rate = session.config.output_rate
    step = rate * 2 * DELTA_MS // 1000
    chunks = [audio[i : i + step] for i in range(0, len(audio), step)]
    words = _pieces(text, max(1, len(chunks)))
    stream.audio_ms = len(audio) / 2 / rate * 1000
    session.conversation.audio_ms[where["item_id"]] = stream.audio_ms
    for i in range(max(len(chunks), len(words))):
        if i < len(words):
            await stream.delta("response.output_audio_transcript.delta", delta=words[i], **where)
        if i < len(chunks):
            encoded = base64.b64encode(chunks[i]).decode()
            await stream.delta("response.output_audio.delta", delta=encoded, **where)
    await session.send(event("response.output_audio.done", response_id=stream.id, **where))
    await session.send(
        event(
            "response.output_audio_transcript.done", response_id=stream.id, transcript=text, **where
        )
    )


def _pieces(text: str, count: int) -> list[str]:
    """``text`` cut at word boundaries into at most ``count`` pieces that join back to it."""
    words = text.split(" ")
    size = -(-len(words) // count) if words else 1
    pieces = [" ".join(words[i : i + size]) for i in range(0, len(words), size)]
    return [p if i == 0 else " " + p for i, p in enumerate(pieces)]
