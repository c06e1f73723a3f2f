"""One realtime session: an async context manager over a WebSocket, typed events in and out.

::

    async with client.realtime.connect(session=SessionConfig(voice="Rex")) as live:
        await live.append_audio(pcm16)          # PCM16 mono at the session's input rate
        await live.commit_audio()               # push-to-talk; server VAD commits on its own
        await live.create_response()
        async for event in live:                # AudioDelta, TranscriptDelta, FunctionCall, ...
            ...

- Entering connects (the handshake and ``session.update`` -> ``session.updated``
  within the connect timeout: the client's ``timeout`` capped by ``budget()``).
- Back-pressure: a message is read from the socket only when the consumer asks for the
  next event; aiohttp stops reading the socket while its small buffer is full, so a
  fast server waits on TCP instead of growing this process's memory.
- Iteration ends when the server closes normally (1000). Close 4001 (a wrong key, an
  expired token) raises :class:`~agentrt.errors.AuthenticationError`; any other end
  (a dropped socket, another close code, a message over ``max_message_bytes``) raises
  :class:`~agentrt.errors.StreamInterrupted` whose ``error`` says why.
- Leaving the ``async with`` (normally, by an error or by cancellation) closes the
  socket with a close frame (the server sees it), waiting at most :data:`CLOSE_TIMEOUT`.
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any

import aiohttp

from agentrt import errors
from agentrt.xai.config import redact
from agentrt.xai.deadline import Timeout, effective_timeout
from agentrt.xai.realtime.config import SessionConfig
from agentrt.xai.realtime.events import Event, ServerError, SessionUpdated, parse_event

__all__ = ["APPEND_CHUNK_BYTES", "AUTH_CLOSE_CODE", "CLOSE_TIMEOUT", "RealtimeSession"]

AUTH_CLOSE_CODE = 4001
CLOSE_TIMEOUT = 2.0
APPEND_CHUNK_BYTES = 256 * 1024
"""``append_audio`` sends longer audio as several ``input_audio_buffer.append`` events."""

_AUTH_CODES = frozenset({"invalid_api_key", "token_expired"})  # a close 4001 follows
Opener = Callable[[], Awaitable[aiohttp.ClientWebSocketResponse]]
Tracer = Callable[[BaseException | None], None]


class RealtimeSession:
    """A live realtime session; made by :meth:`agentrt.xai.realtime.service.Realtime.connect`.

    Attributes:
        model: the model named on the handshake.
        config: the settings last sent with ``session.update``.
        session: the session as the server confirmed it (``session.updated``), once entered.
    """

    def __init__(
        self,
        opener: Opener,
        *,
        model: str,
        config: SessionConfig,
        timeout: Timeout,
        default_timeout: float,
        secret: str | None = None,
        tracer: Callable[[], Tracer | None] | None = None,
        keep_bound: bool = False,
    ) -> None:
        self.model = model
        self.config = config
        self._keep_bound = keep_bound
        self.session: dict[str, Any] = {}
        self._opener = opener
        self._timeout = timeout
        self._default_timeout = default_timeout
        self._secret = secret
        self._tracer = tracer
        self._on_end: Tracer | None = None
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._received = 0
        self._ready = False
        self._ended = False
        self._closed = False
        self._auth_error = ""

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open" if self._ready else "new"
        return f"RealtimeSession(model={self.model!r}, voice={self.config.voice!r}, {state})"

    # -- lifecycle --------------------------------------------------------------------------

    async def __aenter__(self) -> RealtimeSession:
        if self._ws is not None or self._closed:
            raise errors.UsageError("a RealtimeSession is entered once; call connect() again")
        # now, not at connect(): the budget() active where the block is entered applies
        seconds = effective_timeout(self._timeout, self._default_timeout)
        self._on_end = self._tracer() if self._tracer is not None else None
        try:
            async with asyncio.timeout(seconds):
                self._ws = await self._opener()
                if self._keep_bound:  # a token's own session: confirm it, do not overwrite it
                    await self._send({"type": "session.update", "session": {"type": "realtime"}})
                else:
                    await self._send_update(self.config)
                self.session = await self._wait_updated()
        except TimeoutError:
            error = errors.DeadlineExceeded(
                f"the realtime session was not ready within {seconds:.3g} s",
                code="DEADLINE_EXCEEDED",
            )
            await self._finish(error)
            raise error from None
        except BaseException as exc:
            await self._finish(exc)
            raise
        self._ready = True
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._finish(exc)

    async def close(self) -> None:
        """Close the socket (a close frame the server sees); iteration then ends."""
        await self._finish(None)

    async def _finish(self, exc: BaseException | None) -> None:
        if self._closed:
            return
        self._closed = self._ended = True
        ws, self._ws = self._ws, None
        try:
            if ws is not None and not ws.closed:
                try:
                    async with asyncio.timeout(CLOSE_TIMEOUT):
                        await ws.close()
                except (TimeoutError, aiohttp.ClientError, OSError):
                    pass  # the socket is gone either way
                finally:
                    if not ws.closed:  # cancelled or timed out mid-close: drop the connection
                        ws._response.close()
        finally:
            if self._on_end is not None:
                self._on_end(exc)

    # -- events in ---------------------------------------------------------------------------

    def __aiter__(self) -> RealtimeSession:
        return self

    async def __anext__(self) -> Event:
        if self._ended or self._ws is None:
            raise StopAsyncIteration
        event = await self._next_event()
        if event is None:
            self._ended = True
            raise StopAsyncIteration
        return event

    async def _next_event(self) -> Event | None:
        """The next event, ``None`` after a normal close; raises on any other end."""
        ws = self._ws
        assert ws is not None
        msg = await ws.receive()
        if msg.type is aiohttp.WSMsgType.TEXT:
            self._received += 1
            event = parse_event(msg.data)
            if isinstance(event, ServerError):
                event = self._checked_error(event)
            return event
        if msg.type is aiohttp.WSMsgType.BINARY:
            self._received += 1
            return ServerError(
                "client_error", "malformed_event", "malformed server event: a binary frame"
            )
        if msg.type is aiohttp.WSMsgType.ERROR:
            raise self._failure(self._read_error(msg.data))
        self._closed_by_server(ws, msg)
        return None

    def _checked_error(self, event: ServerError) -> ServerError:
        """``event`` with the key or token blanked; an auth error's text kept for the 4001."""
        if self._secret and self._secret in event.message:
            event = ServerError(event.type, event.code, self._clean(event.message))
        if event.code in _AUTH_CODES:
            self._auth_error = self._clean(event.message or str(event.code))
        return event

    def _closed_by_server(
        self, ws: aiohttp.ClientWebSocketResponse, msg: aiohttp.WSMessage
    ) -> None:
        """Return on a normal close (1000); raise the typed error of any other."""
        self._ended = True
        code = ws.close_code if ws.close_code is not None else msg.data
        if code == aiohttp.WSCloseCode.OK:
            return
        reason = self._clean(msg.extra if isinstance(msg.extra, str) else "")
        if code == AUTH_CLOSE_CODE:
            why = self._auth_error or reason or "the server refused the key or token"
            raise errors.AuthenticationError(f"{why} (close {AUTH_CLOSE_CODE})", code="401")
        if (
            code in (None, aiohttp.WSCloseCode.ABNORMAL_CLOSURE)
            or msg.type is aiohttp.WSMsgType.CLOSED
        ):
            raise self._failure(
                errors.Unavailable("the realtime connection dropped", code="UNAVAILABLE")
            )
        detail = f": {reason}" if reason else ""
        raise self._failure(
            errors.ServerError(
                f"the server closed the session (code {code}){detail}", code=str(code)
            )
        )

    def _read_error(self, exc: object) -> errors.RPCError:
        if (
            isinstance(exc, aiohttp.WebSocketError)
            and exc.code == aiohttp.WSCloseCode.MESSAGE_TOO_BIG
        ):
            return errors.ResponseTooLarge(self._clean(str(exc)), code="1009")
        what = type(exc).__name__
        return errors.Unavailable(
            self._clean(f"the realtime connection failed: {what}: {exc}"), code="UNAVAILABLE"
        )

    def _failure(self, error: errors.RPCError) -> errors.AgentrtError:
        """``error`` itself while connecting, else a StreamInterrupted around it."""
        self._ended = True
        return errors.StreamInterrupted(self._received, error) if self._ready else error

    def _clean(self, text: str) -> str:
        text = " ".join(text.split())[:500]
        return redact(text, self._secret)

    async def _wait_updated(self) -> dict[str, Any]:
        """Read until ``session.updated``; an ``error`` event before it is raised."""
        while True:
            event = await self._next_event()
            if event is None:
                raise errors.Unavailable(
                    "the server closed the session before session.updated", code="UNAVAILABLE"
                )
            if isinstance(event, SessionUpdated):  # session.created is an OtherEvent
                return event.session
            if isinstance(event, ServerError) and event.code not in _AUTH_CODES:
                bad_request = event.type == "invalid_request_error"
                cls = errors.InvalidRequest if bad_request else errors.ServerError
                message = event.message or "session.update failed"
                raise cls(message, code=event.code or "400")

    # -- events out --------------------------------------------------------------------------

    async def _send(self, event: dict[str, Any]) -> None:
        ws = self._ws
        if ws is None or self._closed:
            raise errors.UsageError("the realtime session is closed (or not entered yet)")
        if ws.closed:
            raise self._failure(
                errors.Unavailable("the server closed the session", code="UNAVAILABLE")
            )
        try:
            await ws.send_str(json.dumps(event, separators=(",", ":")))
        except (aiohttp.ClientError, OSError) as exc:
            raise self._failure(self._read_error(exc)) from exc

    async def _send_update(self, config: SessionConfig) -> None:
        await self._send({"type": "session.update", "session": config.to_json()})
        self.config = config

    async def update_session(self, config: SessionConfig) -> None:
        """Send ``session.update`` with ``config``; ``SessionUpdated`` arrives among the events."""
        await self._send_update(config)

    async def append_audio(self, pcm16: bytes) -> None:
        """Send PCM16 mono audio at the session's input rate (split into events of 256 KiB).

        Raises:
            UsageError: not bytes, or an odd number of bytes (PCM16 is 2 bytes a sample).
        """
        if not isinstance(pcm16, bytes | bytearray | memoryview):
            raise errors.UsageError(f"append_audio takes PCM16 bytes, got {type(pcm16).__name__}")
        if len(pcm16) % 2:
            raise errors.UsageError(f"append_audio: {len(pcm16)} bytes is not whole PCM16 samples")
        view = memoryview(pcm16)
        for start in range(0, len(view), APPEND_CHUNK_BYTES):
            chunk = base64.b64encode(view[start : start + APPEND_CHUNK_BYTES]).decode("ascii")
            await self._send({"type": "input_audio_buffer.append", "audio": chunk})

    async def commit_audio(self) -> None:
        """Commit the buffered audio as a user item (push-to-talk)."""
        await self._send({"type": "input_audio_buffer.commit"})

    async def clear_audio(self) -> None:
        """Drop the audio buffered since the last commit."""
        await self._send({"type": "input_audio_buffer.clear"})

    async def send_text(self, text: str) -> None:
        """Add a user message with ``text`` (an ``input_text`` item); ask for a response after."""
        if not isinstance(text, str):
            raise errors.UsageError(f"send_text takes a string, got {type(text).__name__}")
        content = [{"type": "input_text", "text": text}]
        item = {"type": "message", "role": "user", "content": content}
        await self._send({"type": "conversation.item.create", "item": item})

    async def send_function_output(self, call_id: str, output: str) -> None:
        """Answer the function call ``call_id`` with ``output``; then ``create_response()``."""
        if not isinstance(call_id, str) or not call_id or not isinstance(output, str):
            raise errors.UsageError("send_function_output takes a call_id and an output string")
        item = {"type": "function_call_output", "call_id": call_id, "output": output}
        await self._send({"type": "conversation.item.create", "item": item})

    async def create_response(self) -> None:
        """Ask the model to answer now (after a commit, text or a function output)."""
        await self._send({"type": "response.create"})

    async def cancel_response(self) -> None:
        """Stop the response in progress (barge-in); it ends with status ``cancelled``."""
        await self._send({"type": "response.cancel"})

    async def truncate(self, item_id: str, audio_end_ms: int) -> None:
        """Cut assistant item ``item_id``'s audio at ``audio_end_ms`` (what was really played).

        Raises:
            UsageError: an empty item id or a negative time.
        """
        if not isinstance(item_id, str) or not item_id:
            raise errors.UsageError("truncate needs the assistant item's id")
        if isinstance(audio_end_ms, bool) or not isinstance(audio_end_ms, int) or audio_end_ms < 0:
            raise errors.UsageError(
                f"audio_end_ms must be a whole number >= 0, got {audio_end_ms!r}"
            )
        event = {
            "type": "conversation.item.truncate",
            "item_id": item_id,
            "content_index": 0,
            "audio_end_ms": audio_end_ms,
        }
        await self._send(event)
