"""One realtime socket's state machine: :class:`RealtimeSession`.

It reads client events one at a time and answers each (an ``error`` event for anything
malformed, never a closed socket); audio goes into a bounded input buffer and, with
server VAD, through :class:`~.vad.EnergyVad`, whose turns commit the buffer and ask for
a response. Transcriptions and responses run as tasks of the socket's
``asyncio.TaskGroup``: when the socket goes, they are cancelled and awaited, so nothing
is left running. One response runs at a time; speech that starts while it runs
(barge-in) or ``response.cancel`` ends it with status ``cancelled``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from agentrt.sim.realtime.config import SessionConfig, audio_wanted
from agentrt.sim.realtime.conversation import Conversation, client_audio, client_item
from agentrt.sim.realtime.ears import (
    MAX_UTTERANCE_S,
    Ears,
    EarsUnavailable,
    session_words,
    truecase,
)
from agentrt.sim.realtime.input_audio import InputAudio
from agentrt.sim.realtime.protocol import EventError, error_event, event, new_id, parse
from agentrt.sim.realtime.respond import ResponseOptions, run_response

if TYPE_CHECKING:
    from aiohttp import web

    from agentrt.sim.chat import ChatService
    from agentrt.sim.realtime.respond import Stream

__all__ = ["RealtimeDeps", "RealtimeSession"]

_log = logging.getLogger(__name__)
_MAX_HEARING = 8  # committed turns awaiting recognition per session (each holds its audio)
Handler = Callable[[dict[str, Any]], Awaitable[None]]


@dataclass(frozen=True, kw_only=True)
class RealtimeDeps:
    """What every session uses: the model (admission already done) and the ears."""

    model: ChatService
    ears: Ears = field(default_factory=Ears)


def _internal(exc: Exception) -> EventError:
    """A failure of the simulator itself, named by its class only (no values leak)."""
    return EventError(
        f"internal simulator error ({type(exc).__name__})", code="server_error", kind="server_error"
    )


def _tool_texts(schema: Any) -> list[str]:
    """A tool's words: its name, descriptions, parameter names and enum values."""
    if isinstance(schema, list):
        return [t for value in schema for t in _tool_texts(value)]
    if not isinstance(schema, dict):
        return []
    texts = [
        str(schema[k]) for k in ("name", "description", "title") if isinstance(schema.get(k), str)
    ]
    texts += [str(v) for v in schema.get("enum") or () if isinstance(v, str)]
    properties = schema.get("properties")
    if isinstance(properties, dict):
        texts += [str(k) for k in properties]
        texts += _tool_texts(list(properties.values()))
    for key in ("parameters", "items", "function"):
        texts += _tool_texts(schema.get(key))
    return texts


class RealtimeSession:
    """The server side of one ``/v1/realtime`` socket."""

    def __init__(
        self,
        ws: web.WebSocketResponse,
        request: web.Request,
        deps: RealtimeDeps,
        config: SessionConfig,
        context: Any,
    ) -> None:
        self.ws, self.request, self.deps = ws, request, deps
        self.model = deps.model
        self.config = config
        self.context = context  # the handshake's headers: faults, latency knobs
        self.conversation = Conversation()
        self.conversation_id = new_id("conv")
        self.audio = InputAudio(config)
        self._tasks: asyncio.TaskGroup | None = None
        self._response: asyncio.Task[None] | None = None
        self._stream: list[Stream] = []
        self._cancel_reason: str | None = None
        self._hearing: set[asyncio.Task[None]] = set()
        self._warned: set[str] = set()
        self._send_lock = asyncio.Lock()
        self._bias, self._capitals = self._words()
        self._handlers: dict[str, Handler] = {
            "session.update": self._session_update,
            "input_audio_buffer.append": self._append,
            "input_audio_buffer.commit": self._commit_event,
            "input_audio_buffer.clear": self._clear,
            "conversation.item.create": self._item_create,
            "conversation.item.delete": self._item_delete,
            "conversation.item.truncate": self._truncate,
            "conversation.item.retrieve": self._item_retrieve,
            "response.create": self._response_create,
            "response.cancel": self._response_cancel,
        }

    async def run(self) -> None:
        """Serve the socket until it closes; then end every task the session started."""
        await self.send(event("session.created", session=self.config.to_json()))
        async with asyncio.TaskGroup() as tasks:
            self._tasks = tasks
            try:
                await self._read()
            finally:
                for task in (*self._hearing, self._response):
                    if task is not None:
                        task.cancel()

    async def send(self, message: dict[str, Any]) -> None:
        """Send one event, waiting while the socket's buffer is full (back-pressure).

        A socket that has gone takes nothing: the read loop sees it and ends the session.
        """
        if self.ws.closed:
            return
        async with self._send_lock:
            # the client may go away mid-send; the read loop then ends the session
            with contextlib.suppress(ConnectionError, RuntimeError):
                await self.ws.send_str(json.dumps(message))

    async def warn_once(self, code: str, message: str) -> None:
        """An ``error`` event about the simulator's own setup, once per session."""
        if code not in self._warned:
            self._warned.add(code)
            await self.send(error_event(EventError(message, code=code, kind="server_error")))

    def cut(self) -> None:
        """Drop the connection at once (the ``abort`` fault): no close frame."""
        transport = self.request.transport
        if transport is not None:
            transport.close()

    async def _read(self) -> None:
        from aiohttp import WSMsgType

        async for message in self.ws:
            if message.type == WSMsgType.TEXT:
                await self._dispatch(message.data)
            elif message.type == WSMsgType.BINARY:
                await self.send(
                    error_event(EventError("send events as text messages (JSON), not binary"))
                )

    async def _dispatch(self, text: str) -> None:
        event_id = None
        try:
            body = parse(text)
            event_id = body.get("event_id") if isinstance(body.get("event_id"), str) else None
            handler = self._handlers.get(body["type"])
            if handler is None:
                raise EventError(
                    f"unknown event type {body['type'][:60]!r}: see the realtime protocol's "
                    "client events (session.update, input_audio_buffer.append, …)",
                    code="unknown_event",
                    param="type",
                )
            await handler(body)
        except EventError as error:
            await self.send(error_event(error, event_id))
        except Exception as exc:  # the simulator's own fault: say so, keep serving
            _log.exception("realtime event handler failed")
            await self.send(error_event(_internal(exc), event_id))

    def _words(self) -> tuple[frozenset[str], dict[str, str]]:
        texts = [self.config.instructions]
        for tool in self.config.tools:
            texts.extend(_tool_texts(tool))
        return session_words(texts)

    # -- session and audio -------------------------------------------------------------

    async def _session_update(self, body: dict[str, Any]) -> None:
        new = self.config.updated(body.get("session"))
        if new.input_rate != self.config.input_rate and len(self.audio):
            raise EventError(
                "cannot change the input rate with audio in the buffer: commit or clear it first",
                param="session.audio.input.format.rate",
            )
        self.config = new
        self.audio.configure(new)
        self._bias, self._capitals = self._words()
        await self.send(event("session.updated", session=new.to_json()))

    async def _append(self, body: dict[str, Any]) -> None:
        for turn in self.audio.append(body.get("audio")):
            if turn.started:
                await self.send(
                    event(
                        "input_audio_buffer.speech_started",
                        audio_start_ms=turn.at_ms,
                        item_id=self.audio.item_id,
                    )
                )
                knobs = self.config.turn_detection
                if knobs is not None and knobs.interrupt_response:
                    self._cancel("turn_detected")
            else:
                await self.send(
                    event(
                        "input_audio_buffer.speech_stopped",
                        audio_end_ms=turn.at_ms,
                        item_id=self.audio.item_id,
                    )
                )
                knobs = self.config.turn_detection
                await self._commit(respond=knobs is not None and knobs.create_response)

    async def _commit_event(self, body: dict[str, Any]) -> None:
        if not self.audio.has_speech():
            raise EventError(
                "the input audio buffer holds less than 100 ms of audio: append more first",
                code="input_audio_buffer_commit_empty",
            )
        if len(self._hearing) >= _MAX_HEARING:
            raise EventError(
                f"{_MAX_HEARING} committed turns are still being recognised: wait for their "
                "transcripts before committing more",
                code="rate_limit_exceeded",
            )
        await self._commit(respond=False)

    async def _commit(self, *, respond: bool) -> None:
        item_id, pcm = self.audio.take()
        pcm = pcm[: MAX_UTTERANCE_S * self.config.input_rate * 2]  # no more is heard: keep no more
        item = {
            "id": item_id,
            "object": "realtime.item",
            "type": "message",
            "status": "completed",
            "role": "user",
            "content": [{"type": "input_audio", "transcript": None}],
        }
        previous = self.conversation.add(item)
        await self.send(
            event("input_audio_buffer.committed", previous_item_id=previous, item_id=item_id)
        )
        await self.send(event("conversation.item.added", previous_item_id=previous, item=item))
        self._start(self._hear(item, pcm, respond), self._hearing, "sim-realtime-hear")

    async def _transcribe(self, pcm: bytes) -> str:
        try:
            text = await self.deps.ears.hear(pcm, self.config.input_rate, self._bias)
        except EarsUnavailable as missing:
            await self.warn_once("transcription_unavailable", str(missing))
            return ""
        return truecase(text, self._capitals) if text else ""

    async def _hear(self, item: dict[str, Any], pcm: bytes, respond: bool) -> None:
        text = await self._transcribe(pcm)
        item["content"][0]["transcript"] = text
        if self.config.transcribe:
            await self.send(
                event(
                    "conversation.item.input_audio_transcription.completed",
                    item_id=item["id"],
                    content_index=0,
                    transcript=text,
                )
            )
        await self.send(event("conversation.item.done", item=item))
        if respond:
            await self._respond(ResponseOptions())

    async def _clear(self, body: dict[str, Any]) -> None:
        self.audio.clear()
        await self.send(event("input_audio_buffer.cleared"))

    # -- conversation ------------------------------------------------------------------

    async def _item_create(self, body: dict[str, Any]) -> None:
        item = client_item(body.get("item"))
        for index, pcm in client_audio(body["item"]):  # spoken parts are heard first
            item["content"][index]["transcript"] = await self._transcribe(pcm)
        if item["id"] in self.conversation.items:
            raise EventError(f"item {item['id']!r} is already in the conversation", param="item.id")
        previous = body.get("previous_item_id")
        before = self.conversation.add(item, previous if isinstance(previous, str) else None)
        await self.send(event("conversation.item.added", previous_item_id=before, item=item))
        await self.send(event("conversation.item.done", item=item))

    async def _item_delete(self, body: dict[str, Any]) -> None:
        self.conversation.delete(body.get("item_id"))
        await self.send(event("conversation.item.deleted", item_id=body["item_id"]))

    async def _item_retrieve(self, body: dict[str, Any]) -> None:
        item = self.conversation.get(body.get("item_id"))
        await self.send(event("conversation.item.retrieved", item=item))

    async def _truncate(self, body: dict[str, Any]) -> None:
        item = self.conversation.get(body.get("item_id"))
        total = self.conversation.audio_ms.get(item["id"])
        end = body.get("audio_end_ms")
        if total is None:
            raise EventError("only a spoken assistant answer can be truncated", param="item_id")
        if not isinstance(end, int) or isinstance(end, bool) or not 0 <= end <= total + 1:
            raise EventError(
                f"audio_end_ms must be an integer from 0 to {int(total)} (the answer's length)",
                param="audio_end_ms",
            )
        part = item["content"][0]
        words = (part.get("transcript") or "").split()
        part["transcript"] = " ".join(words[: round(len(words) * end / max(total, 1))])
        self.conversation.audio_ms[item["id"]] = float(end)
        await self.send(
            event(
                "conversation.item.truncated",
                item_id=item["id"],
                content_index=0,
                audio_end_ms=end,
            )
        )

    # -- responses ---------------------------------------------------------------------

    async def _response_create(self, body: dict[str, Any]) -> None:
        options = body.get("response") or {}
        if not isinstance(options, dict):
            raise EventError("response must be an object", param="response")
        instructions = options.get("instructions")
        if instructions is not None and not isinstance(instructions, str):
            raise EventError(
                "response.instructions must be a string", param="response.instructions"
            )
        modalities = options.get("output_modalities", options.get("modalities"))
        audio_out = None
        if modalities is not None:
            audio_out = audio_wanted(modalities, "response.output_modalities")
        await self._respond(ResponseOptions(instructions=instructions, audio_out=audio_out))

    async def _respond(self, options: ResponseOptions) -> None:
        if self._response is not None and not self._response.done():
            raise EventError(
                "a response is already in progress: wait for response.done or send response.cancel",
                code="conversation_already_has_active_response",
            )
        self._cancel_reason = None
        self._stream = []
        self._response = self._start(self._run_response(options), None, "sim-realtime-response")

    async def _response_cancel(self, body: dict[str, Any]) -> None:
        if not self._cancel("client_cancelled"):
            raise EventError("no response is in progress", code="response_cancel_not_active")

    def _cancel(self, reason: str) -> bool:
        if self._response is None or self._response.done():
            return False
        self._cancel_reason = reason
        self._response.cancel()
        return True

    async def _run_response(self, options: ResponseOptions) -> None:
        try:
            if self._hearing:
                await asyncio.wait(set(self._hearing))  # the response needs their words
            await run_response(self, options, self._stream)
        except asyncio.CancelledError:
            reason = self._cancel_reason
            task = asyncio.current_task()
            if reason is None or task is None or self.ws.closed:
                raise
            task.uncancel()
            await self._cancelled(reason)

    async def _cancelled(self, reason: str) -> None:
        if not self._stream:
            return
        stream = self._stream[0]
        for item in stream.output:
            item["status"] = "incomplete"
        details = {"type": "cancelled", "reason": reason}
        await self.send(
            event("response.done", response=stream.response("cancelled", status_details=details))
        )

    def _start(
        self, work: Awaitable[None], into: set[asyncio.Task[None]] | None, name: str
    ) -> asyncio.Task[None]:
        assert self._tasks is not None
        task = self._tasks.create_task(self._guarded(work), name=name)
        if isinstance(work, Coroutine):  # a task cancelled before its first step never awaits it
            task.add_done_callback(lambda _: work.close())
        if into is not None:
            into.add(task)
            task.add_done_callback(into.discard)
        return task

    async def _guarded(self, work: Awaitable[None]) -> None:
        """Run ``work``; a bug in it is an ``error`` event, not a dead session."""
        try:
            await work
        except EventError as error:
            await self.send(error_event(error))
        except Exception as exc:  # the simulator's own fault: say so, keep serving
            _log.exception("realtime session task failed")
            await self.send(error_event(_internal(exc)))
