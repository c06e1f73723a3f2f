"""A gRPC streaming server for the benchmarks that costs next to nothing per chunk.

``python -m benchmarks.stream_server [--port 0]`` serves ``xai_api.Chat/GetCompletionChunk``
(and ``GetCompletion``) on 127.0.0.1 and prints ``listening on 127.0.0.1:PORT``. A stream
sends ``max_tokens`` chunks (default 1000), each one ~4-character token, then a final
chunk with the finish reason and usage.

It speaks HTTP/2 itself instead of running a gRPC server: the response is built
from frames encoded once per stream, one gRPC message per DATA frame (the framing a
real gRPC server uses), written in batches of up to ``BATCH`` frames per
``transport.write`` as far as the client's flow-control windows allow. So the
server's CPU per chunk is a fraction of a microsecond and the clients under test
are what limits the figures (a ``grpc.aio`` server spends ≈17 µs per chunk, which
made it the bottleneck on a 2-core machine). What it implements of HTTP/2: the
preface, SETTINGS (and their ACK), PING ACK, WINDOW_UPDATE (connection and stream
windows, ``SETTINGS_INITIAL_WINDOW_SIZE`` changes), HEADERS + CONTINUATION
(HPACK-decoded with ``hpack``, so the dynamic table stays in step), DATA,
RST_STREAM and GOAWAY. Request bodies are acknowledged with WINDOW_UPDATE so a
long-lived connection never runs out of window. No TLS, no priorities, no push.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import struct
import sys
from dataclasses import dataclass, field

from agentrt_protos.xai.api.v1 import chat_pb2, sample_pb2, usage_pb2
from hpack import Decoder

__all__ = ["MID_CHUNK", "main", "serve"]

TOKEN = "tok "
ASSISTANT = chat_pb2.ROLE_ASSISTANT  # xai-sdk prints only assistant deltas
MID_CHUNK = chat_pb2.GetChatCompletionChunk(
    id="bench-1",
    model="bench-model",
    outputs=[
        chat_pb2.CompletionOutputChunk(index=0, delta=chat_pb2.Delta(content=TOKEN, role=ASSISTANT))
    ],
).SerializeToString()
BATCH = 512  # frames per write at most
PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
# Frame types (RFC 9113 §6).
DATA, HEADERS, RST_STREAM, SETTINGS, PING, GOAWAY, WINDOW_UPDATE, CONTINUATION = (
    0,
    1,
    3,
    4,
    6,
    7,
    8,
    9,
)
END_STREAM, ACK, END_HEADERS, PADDED, PRIORITY_FLAG = 0x1, 0x1, 0x4, 0x8, 0x20
DEFAULT_WINDOW = 65_535
MAX_FRAME = 16_384  # the client's SETTINGS_MAX_FRAME_SIZE is never below this
STREAM_PATH = b"/xai_api.Chat/GetCompletionChunk"
UNARY_PATH = b"/xai_api.Chat/GetCompletion"


def _literal(name: bytes, value: bytes) -> bytes:
    """HPACK 'literal header field without indexing, new name' (RFC 7541 §6.2.2)."""
    assert max(len(name), len(value)) < 127  # one-byte lengths
    return b"\x00" + bytes([len(name)]) + name + bytes([len(value)]) + value


# ":status: 200" is static-table entry 8 (indexed: 0x88).
RESPONSE_HEADERS = b"\x88" + _literal(b"content-type", b"application/grpc")
OK_TRAILERS = _literal(b"grpc-status", b"0")
UNIMPLEMENTED = RESPONSE_HEADERS + _literal(b"grpc-status", b"12")


def _frame(kind: int, flags: int, stream_id: int, payload: bytes) -> bytes:
    return (
        struct.pack(">I", len(payload))[1:] + bytes((kind, flags)) + stream_id.to_bytes(4) + payload
    )


def _message(body: bytes) -> bytes:
    return b"\x00" + len(body).to_bytes(4) + body


def _last_chunk(n: int) -> bytes:
    return chat_pb2.GetChatCompletionChunk(
        id="bench-1",
        model="bench-model",
        outputs=[
            chat_pb2.CompletionOutputChunk(
                index=0,
                delta=chat_pb2.Delta(content=TOKEN, role=ASSISTANT),
                finish_reason=sample_pb2.REASON_STOP,
            )
        ],
        usage=usage_pb2.SamplingUsage(prompt_tokens=5, completion_tokens=n, total_tokens=n + 5),
    ).SerializeToString()


def _unary_response(n: int) -> bytes:
    return chat_pb2.GetChatCompletionResponse(
        id="bench-1",
        model="bench-model",
        outputs=[
            chat_pb2.CompletionOutput(
                index=0,
                finish_reason=sample_pb2.REASON_STOP,
                message=chat_pb2.CompletionMessage(content=TOKEN * n),
            )
        ],
        usage=usage_pb2.SamplingUsage(prompt_tokens=5, completion_tokens=n, total_tokens=n + 5),
    ).SerializeToString()


DEFAULT_CHUNKS = [1000]  # chunks of a request without max_tokens (``--chunks``)


def _count(body: bytes) -> int:
    req = chat_pb2.GetCompletionsRequest.FromString(body[5:])
    return (
        req.max_tokens if req.HasField("max_tokens") and req.max_tokens > 0 else DEFAULT_CHUNKS[0]
    )


@dataclass(slots=True)
class _Stream:
    """One request: its headers and body while it arrives, then what is left to send."""

    sid: int
    window: int
    block: bytearray = field(default_factory=bytearray)
    path: bytes = b""
    headers_done: bool = False
    ended: bool = False  # the request is complete
    body: bytearray = field(default_factory=bytearray)
    frame: bytes = b""  # this stream's mid-chunk DATA frame
    left: int = 0  # mid chunks still to send
    tail: list[bytes] = field(default_factory=list)  # frames after the mid chunks, trailers last


class _Connection(asyncio.Protocol):
    """One client connection: parse its frames, answer, and pump the open streams."""

    def __init__(self) -> None:
        self.buf = bytearray()
        self.preface = False
        self.decoder = Decoder()
        self.streams: dict[int, _Stream] = {}
        self.sending: dict[int, _Stream] = {}
        self.window = DEFAULT_WINDOW  # the connection's send window
        self.initial = DEFAULT_WINDOW  # the client's SETTINGS_INITIAL_WINDOW_SIZE
        self.paused = False
        self.continuing = 0  # stream id whose header block continues

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport: asyncio.Transport = transport  # type: ignore[assignment]
        transport.set_write_buffer_limits(high=1 << 18)
        settings = struct.pack(">HI", 0x3, 1000) + struct.pack(">HI", 0x4, 1 << 20)
        transport.write(_frame(SETTINGS, 0, 0, settings))

    def pause_writing(self) -> None:
        self.paused = True

    def resume_writing(self) -> None:
        self.paused = False
        self._pump()

    def data_received(self, data: bytes) -> None:
        buf = self.buf
        buf += data
        if not self.preface:
            if len(buf) < len(PREFACE):
                return
            if buf[: len(PREFACE)] != PREFACE:
                self.transport.close()
                return
            del buf[: len(PREFACE)]
            self.preface = True
        pos = 0
        while len(buf) - pos >= 9:
            length = int.from_bytes(buf[pos : pos + 3])
            end = pos + 9 + length
            if len(buf) < end:
                break
            kind, flags = buf[pos + 3], buf[pos + 4]
            sid = int.from_bytes(buf[pos + 5 : pos + 9]) & 0x7FFF_FFFF
            self._on_frame(kind, flags, sid, bytes(buf[pos + 9 : end]))
            pos = end
        del buf[:pos]
        self._pump()

    def _on_frame(self, kind: int, flags: int, sid: int, payload: bytes) -> None:
        if kind == DATA:
            self._on_data(flags, sid, payload)
        elif kind in (HEADERS, CONTINUATION):
            self._on_headers(kind, flags, sid, payload)
        elif kind == WINDOW_UPDATE:
            self._on_window_update(sid, int.from_bytes(payload[:4]) & 0x7FFF_FFFF)
        elif kind == SETTINGS and not flags & ACK:
            self._on_settings(payload)
        elif kind == PING and not flags & ACK:
            self.transport.write(_frame(PING, ACK, 0, payload))
        elif kind == RST_STREAM:
            self.streams.pop(sid, None)
            self.sending.pop(sid, None)
        elif kind == GOAWAY:
            self.transport.close()

    def _on_settings(self, payload: bytes) -> None:
        for i in range(0, len(payload) - 5, 6):
            ident, value = struct.unpack(">HI", payload[i : i + 6])
            if ident == 0x4:
                delta, self.initial = value - self.initial, value
                for stream in self.streams.values():
                    stream.window += delta
        self.transport.write(_frame(SETTINGS, ACK, 0, b""))

    def _on_window_update(self, sid: int, increment: int) -> None:
        if sid == 0:
            self.window += increment
        elif (stream := self.streams.get(sid)) is not None:
            stream.window += increment

    def _on_headers(self, kind: int, flags: int, sid: int, payload: bytes) -> None:
        if kind == HEADERS:
            payload = self._strip(flags, payload)
            self.streams[sid] = _Stream(sid, self.initial)
        stream = self.streams[sid]
        stream.block += payload
        stream.ended |= kind == HEADERS and bool(flags & END_STREAM)
        if not flags & END_HEADERS:
            return
        for name, value in self.decoder.decode(bytes(stream.block), raw=True):
            if name == b":path":
                stream.path = value
        stream.headers_done = True
        if stream.ended:
            self._start(stream)

    @staticmethod
    def _strip(flags: int, payload: bytes) -> bytes:
        start, end = 0, len(payload)
        if flags & PADDED:
            start, end = 1, end - payload[0]
        if flags & PRIORITY_FLAG:
            start += 5
        return payload[start:end]

    def _on_data(self, flags: int, sid: int, payload: bytes) -> None:
        if payload:  # give the window back at once: request bodies are small
            increment = len(payload).to_bytes(4)
            self.transport.write(_frame(WINDOW_UPDATE, 0, 0, increment))
        stream = self.streams.get(sid)
        if stream is None:
            return
        stream.body += self._strip(flags & PADDED, payload)
        if flags & END_STREAM:
            stream.ended = True
            if stream.headers_done:
                self._start(stream)

    def _start(self, stream: _Stream) -> None:
        sid, write = stream.sid, self.transport.write
        if stream.path not in (STREAM_PATH, UNARY_PATH):
            write(_frame(HEADERS, END_HEADERS | END_STREAM, sid, UNIMPLEMENTED))
            self.streams.pop(sid, None)
            return
        n = _count(bytes(stream.body))
        write(_frame(HEADERS, END_HEADERS, sid, RESPONSE_HEADERS))
        if stream.path == UNARY_PATH:
            last = _message(_unary_response(n))
        else:
            stream.frame = _frame(DATA, 0, sid, _message(MID_CHUNK))
            stream.left = n - 1
            last = _message(_last_chunk(n))
        pieces = range(0, len(last), MAX_FRAME)
        stream.tail = [_frame(DATA, 0, sid, last[i : i + MAX_FRAME]) for i in pieces]
        stream.tail.append(_frame(HEADERS, END_HEADERS | END_STREAM, sid, OK_TRAILERS))
        self.sending[sid] = stream

    def _pump(self) -> None:
        """Write what the windows allow, a batch per stream per pass, until blocked."""
        while self.sending and not self.paused and self.window > 0:
            progressed = False
            for stream in list(self.sending.values()):
                progressed |= self._send_some(stream)
                if self.paused:
                    return
            if not progressed:
                return

    def _send_some(self, stream: _Stream) -> bool:
        if stream.left:
            size = len(stream.frame) - 9
            k = min(stream.left, BATCH, self.window // size, stream.window // size)
            if k <= 0:
                return False
            self.transport.write(stream.frame * k)
            stream.left -= k
            self.window -= k * size
            stream.window -= k * size
            return True
        tail, sent = stream.tail, False
        while len(tail) > 1 and (size := len(tail[0]) - 9) <= min(self.window, stream.window):
            self.transport.write(tail.pop(0))
            self.window -= size
            stream.window -= size
            sent = True
        if len(tail) == 1:  # only the trailers are left (not flow-controlled)
            self.transport.write(tail[0])
            del self.sending[stream.sid], self.streams[stream.sid]
            return True
        return sent


async def serve(port: int = 0) -> None:
    """Serve until SIGINT/SIGTERM; print the bound address first."""
    loop = asyncio.get_running_loop()
    server = await loop.create_server(_Connection, "127.0.0.1", port)
    bound = server.sockets[0].getsockname()[1]
    print(f"listening on 127.0.0.1:{bound}", flush=True)
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with server:
        await stop.wait()


def main(argv: list[str] | None = None) -> None:
    """Command-line entry: parse ``--port``, ``--loop`` and ``--chunks`` and serve."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--loop", choices=("uvloop", "asyncio"), default="uvloop")
    parser.add_argument("--chunks", type=int, default=1000, help="chunks without max_tokens")
    args = parser.parse_args(argv)
    DEFAULT_CHUNKS[0] = args.chunks
    if args.loop == "uvloop":
        import uvloop

        uvloop.run(serve(args.port))
    else:
        asyncio.run(serve(args.port))


if __name__ == "__main__":
    sys.exit(main())
