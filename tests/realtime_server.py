"""A small real realtime server (aiohttp.web WebSocket on 127.0.0.1) speaking the GA protocol
from a script: the realtime client's end-to-end tests talk to it.

::

    async with ScriptedRealtime() as server:
        client = Client(protocol="rest", endpoint=server.url, api_key=server.key)
        async with client.realtime.connect() as live: ...

The script: ``session.update`` -> ``session.updated``; audio appended -> ``speech_started``
(server VAD); committed -> ``speech_stopped``, ``committed``, the input transcript;
``response.create`` (or the commit, under server VAD) -> a response with audio deltas, a transcript and a ``get_weather``
call, or, after a function output, a second response speaking it; ``response.cancel``
-> ``response.done`` cancelled; an unknown event type -> an ``error`` event. Knobs make
it refuse the handshake, close with 4001, drop the socket mid-response, flood audio or
send raw frames. It records every client event, the Authorization headers and how each
socket ended (``closes``: the close code the client sent, or ``None`` if it just went).
"""

from __future__ import annotations

import asyncio
import base64
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

__all__ = ["DELTA_PCM", "INPUT_TRANSCRIPT", "Knobs", "ScriptedRealtime"]

DELTA_PCM = bytes(range(256)) * 19  # 4864 bytes of "audio" per delta
INPUT_TRANSCRIPT = "what is the weather in Paris"


@dataclass
class Knobs:
    """How the server misbehaves (all off by default)."""

    http_status: int | None = None  # refuse the handshake with this HTTP status
    close_4001: bool = False  # accept, send an invalid_api_key error, close 4001
    drop_after_deltas: int | None = None  # abort the TCP connection after N audio deltas
    flood_bytes: int = 0  # after session.updated, send this much audio (raw bytes)
    flood_delta_bytes: int = 96 * 1024
    frames: list[str | bytes] = field(default_factory=list)  # raw frames after session.updated
    raw: bytes = b""  # bytes written straight to the socket after the frames (a forged frame)
    close_code: int | None = None  # after the frames, close with this code
    stall_update: bool = False  # never answer session.update
    refuse_update: bool = False  # answer session.update with an invalid_request_error


class ScriptedRealtime:
    """The server; ``async with`` starts it on a free port (see the module docstring)."""

    def __init__(self, knobs: Knobs | None = None, key: str = "sk-test-KEY-123456") -> None:
        self.knobs = knobs or Knobs()
        self.key = key
        self.received: list[dict[str, Any]] = []
        self.auth_headers: list[str] = []
        self.extensions: list[str | None] = []
        self.closes: list[int | None] = []
        self.tokens: dict[str, float] = {}
        self.secret_requests: list[dict[str, Any]] = []
        self.flood_sent = 0
        self.ended = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def __aenter__(self) -> ScriptedRealtime:
        app = web.Application()
        app.router.add_get("/v1/realtime", self._socket)
        app.router.add_post("/v1/realtime/client_secrets", self._mint)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}/v1"
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._runner is not None
        await self._runner.cleanup()

    # -- tokens ------------------------------------------------------------------------------

    def _authorized(self, request: web.Request) -> bool:
        header = request.headers.get("Authorization", "")
        self.auth_headers.append(header)
        self.extensions.append(request.headers.get("Sec-WebSocket-Extensions"))
        token = header.removeprefix("Bearer ")
        if token == self.key:
            return True
        return self.tokens.get(token, 0.0) > time.time()

    async def _mint(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {self.key}":
            body = {"error": {"message": "wrong key", "type": "invalid_request_error"}}
            return web.json_response(body, status=401)
        body = await request.json()
        self.secret_requests.append(body)
        seconds = body["expires_after"]["seconds"]
        value = "ek_" + secrets.token_hex(8)
        self.tokens[value] = time.time() + seconds
        answer = {
            "value": value,
            "expires_at": int(time.time()) + seconds,
            "session": body["session"],
        }
        return web.json_response(answer)

    # -- the socket --------------------------------------------------------------------------

    async def _socket(self, request: web.Request) -> web.StreamResponse:
        knobs = self.knobs
        if knobs.http_status is not None:
            return web.Response(status=knobs.http_status, text="refused")
        ws = web.WebSocketResponse(max_msg_size=64 * 1024 * 1024)
        await ws.prepare(request)
        try:
            if knobs.close_4001 or not self._authorized(request):
                error = {
                    "type": "invalid_request_error",
                    "code": "invalid_api_key",
                    "message": "bad key",
                }
                await ws.send_json({"type": "error", "error": error})
                await ws.close(code=4001, message=b"unauthorized")
                return ws
            await ws.send_json({"type": "session.created", "session": {"type": "realtime"}})
            await _Conversation(self, ws, request).run()
        finally:
            self.ended.set()
        return ws


class _Conversation:
    """One socket's scripted conversation."""

    def __init__(
        self, server: ScriptedRealtime, ws: web.WebSocketResponse, request: web.Request
    ) -> None:
        self.server = server
        self.ws = ws
        self.request = request
        self.session: dict[str, Any] = {}
        self.audio = 0
        self.speaking = False
        self.outputs: list[str] = []
        self.responses = 0
        self.deltas = 0
        self.flooding: asyncio.Task[None] | None = None

    async def run(self) -> None:
        try:
            async for msg in self.ws:
                if msg.type is not WSMsgType.TEXT:
                    continue
                event = json.loads(msg.data)
                self.server.received.append(event)
                if await self._handle(event):
                    return
        finally:
            if self.flooding is not None:
                self.flooding.cancel()
                await asyncio.gather(self.flooding, return_exceptions=True)
        self.server.closes.append(self.ws.close_code if self.ws.close_code != 1006 else None)

    async def send(self, event: dict[str, Any]) -> None:
        await self.ws.send_json(event)

    async def _handle(self, event: dict[str, Any]) -> bool:
        """Answer one client event; True when the server ended the socket itself."""
        kind = event.get("type")
        if kind == "session.update":
            if self.server.knobs.stall_update:
                return False
            if self.server.knobs.refuse_update:
                error = {
                    "type": "invalid_request_error",
                    "code": "bad_voice",
                    "message": "no such voice",
                }
                await self.send({"type": "error", "error": error})
                return False
            self.session = event["session"]
            await self.send({"type": "session.updated", "session": self.session})
            return await self._after_update()
        if kind == "input_audio_buffer.append":
            self.audio += len(base64.b64decode(event["audio"]))
            vad = self.session.get("audio", {}).get("input", {}).get("turn_detection")
            if vad and not self.speaking:
                self.speaking = True
                await self.send(
                    {
                        "type": "input_audio_buffer.speech_started",
                        "item_id": "item_u1",
                        "audio_start_ms": 0,
                    }
                )
        elif kind == "input_audio_buffer.commit":
            await self._committed()
            if self.session.get("audio", {}).get("input", {}).get("turn_detection"):
                return await self._respond()  # server VAD answers a finished turn on its own
        elif kind == "conversation.item.create":
            item = event["item"]
            if item["type"] == "function_call_output":
                self.outputs.append(item["output"])
            await self.send({"type": "conversation.item.added", "item": item})
        elif kind == "response.create":
            return await self._respond()
        elif kind == "response.cancel":
            await self.send(
                {
                    "type": "response.done",
                    "response": {"id": "resp_x", "status": "cancelled", "usage": {}},
                }
            )
        elif kind not in ("input_audio_buffer.clear", "conversation.item.truncate"):
            error = {
                "type": "invalid_request_error",
                "code": "unknown_event",
                "message": f"unknown event {kind!r}",
            }
            await self.send({"type": "error", "error": error})
        return False

    async def _after_update(self) -> bool:
        knobs = self.server.knobs
        for frame in knobs.frames:
            if isinstance(frame, bytes):
                await self.ws.send_bytes(frame)
            else:
                await self.ws.send_str(frame)
        if knobs.raw:
            assert self.request.transport is not None
            self.request.transport.write(knobs.raw)
        if knobs.close_code is not None:
            await self.ws.close(code=knobs.close_code, message=b"scripted close")
            return True
        if knobs.flood_bytes:  # a task, so the loop keeps reading and sees the client close
            self.flooding = asyncio.create_task(self._flood())
        return False

    async def _flood(self) -> None:
        knobs = self.server.knobs
        piece = base64.b64encode(bytes(knobs.flood_delta_bytes)).decode()
        event = json.dumps(
            {
                "type": "response.output_audio.delta",
                "response_id": "r",
                "item_id": "i",
                "delta": piece,
            }
        )
        while self.server.flood_sent < knobs.flood_bytes and not self.ws.closed:
            await self.ws.send_str(event)
            self.server.flood_sent += knobs.flood_delta_bytes

    async def _committed(self) -> None:
        if self.speaking:
            self.speaking = False
            await self.send(
                {
                    "type": "input_audio_buffer.speech_stopped",
                    "item_id": "item_u1",
                    "audio_end_ms": 500,
                }
            )
        await self.send(
            {"type": "input_audio_buffer.committed", "item_id": "item_u1", "previous_item_id": None}
        )
        await self.send(
            {
                "type": "conversation.item.input_audio_transcription.completed",
                "item_id": "item_u1",
                "content_index": 0,
                "transcript": INPUT_TRANSCRIPT,
            }
        )

    async def _respond(self) -> bool:
        self.responses += 1
        rid = f"resp_{self.responses}"
        await self.send(
            {"type": "response.created", "response": {"id": rid, "status": "in_progress"}}
        )
        await self.send(
            {
                "type": "rate_limits.updated",
                "rate_limits": [
                    {"name": "requests", "limit": 100, "remaining": 99, "reset_seconds": 1.0}
                ],
            }
        )
        text = f"It is {self.outputs[-1]} in Paris." if self.outputs else "Let me check."
        if await self._speak(rid, f"item_a{self.responses}", text):
            return True
        if not self.outputs:
            call = {
                "response_id": rid,
                "item_id": "item_fc",
                "output_index": 1,
                "call_id": "call_1",
            }
            await self.send(
                {"type": "response.function_call_arguments.delta", **call, "delta": '{"city":'}
            )
            await self.send(
                {
                    "type": "response.function_call_arguments.done",
                    **call,
                    "name": "get_weather",
                    "arguments": '{"city": "Paris"}',
                }
            )
        usage = {"total_tokens": 42, "input_tokens": 30, "output_tokens": 12}
        await self.send(
            {
                "type": "response.done",
                "response": {"id": rid, "status": "completed", "usage": usage},
            }
        )
        return False

    async def _speak(self, rid: str, item: str, text: str) -> bool:
        ids = {"response_id": rid, "item_id": item, "output_index": 0, "content_index": 0}
        for _ in range(2):
            delta = base64.b64encode(DELTA_PCM).decode()
            await self.send({"type": "response.output_audio.delta", **ids, "delta": delta})
            self.deltas += 1
            drop = self.server.knobs.drop_after_deltas
            if drop is not None and self.deltas >= drop:
                assert self.request.transport is not None
                self.request.transport.abort()  # no close frame: the socket just goes
                return True
        await self.send({"type": "response.output_audio_transcript.delta", **ids, "delta": text})
        await self.send({"type": "response.output_audio.done", **ids})
        await self.send(
            {"type": "response.output_audio_transcript.done", **ids, "transcript": text}
        )
        return False
