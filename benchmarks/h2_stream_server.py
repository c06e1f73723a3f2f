"""A gRPC streaming server built on the ``h2`` package that packs full DATA frames.

``python -m benchmarks.h2_stream_server [--port 0] [--chunks N]`` serves
``xai_api.Chat/GetCompletionChunk`` on 127.0.0.1 and prints ``listening on
127.0.0.1:PORT``. A stream sends ``max_tokens`` chunks (default ``--chunks``, 1000),
each a ~4-character token, then a final chunk with the finish reason and usage.

The server shape it stands for: an independent implementation (not gRPC's, not the
project's own ``stream_server.py``) that lays the gRPC messages of a response end to
end and cuts that byte string into DATA frames as large as the client allows
(16 KiB), so hundreds of messages arrive in each frame and messages straddle frame
boundaries, as a proxy or a server with a write buffer sends them. The HTTP/2 state
machine is the ``h2`` package's (flow control, SETTINGS, PING, HPACK); the response
bytes are built once per stream, so the server costs a small fraction of a µs per
chunk and the client is what the benchmark measures. ``h2`` is not a project
dependency: ``pip install h2`` (``bench_stream_shapes`` skips this shape without it).
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys

from agentrt_protos.xai.api.v1 import chat_pb2, sample_pb2, usage_pb2

__all__ = ["main", "response_body", "serve"]

TOKEN = "tok "
ASSISTANT = chat_pb2.ROLE_ASSISTANT  # xai-sdk prints only assistant deltas
PATH = b"/xai_api.Chat/GetCompletionChunk"
WINDOW = 1 << 24  # our receive window: requests never wait for a WINDOW_UPDATE


def _message(body: bytes) -> bytes:
    return b"\x00" + len(body).to_bytes(4) + body


def response_body(n: int) -> bytes:
    """The gRPC-framed messages of a ``n``-chunk answer, end to end."""
    mid = chat_pb2.GetChatCompletionChunk(
        id="bench-1",
        model="bench-model",
        outputs=[
            chat_pb2.CompletionOutputChunk(
                index=0, delta=chat_pb2.Delta(content=TOKEN, role=ASSISTANT)
            )
        ],
    ).SerializeToString()
    last = chat_pb2.GetChatCompletionChunk(
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
    return _message(mid) * (n - 1) + _message(last)


class _Connection(asyncio.Protocol):
    """One client connection: h2 parses, we answer each request with packed frames."""

    def __init__(self, default: int) -> None:
        import h2.config
        import h2.connection

        config = h2.config.H2Configuration(client_side=False, header_encoding=None)
        self.conn = h2.connection.H2Connection(config=config)
        self.default = default
        self.bodies: dict[int, bytearray] = {}  # request bodies while they arrive
        self.pending: dict[int, memoryview] = {}  # response bytes not sent yet

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport: asyncio.Transport = transport  # type: ignore[assignment]
        self.conn.initiate_connection()
        self.conn.update_settings({0x4: WINDOW})  # SETTINGS_INITIAL_WINDOW_SIZE
        self.conn.increment_flow_control_window(WINDOW - 65_535)
        self._flush()

    def data_received(self, data: bytes) -> None:
        import h2.events as ev
        import h2.exceptions

        try:
            events = self.conn.receive_data(data)
        except h2.exceptions.ProtocolError:
            self._flush()
            self.transport.close()
            return
        for event in events:
            if isinstance(event, ev.RequestReceived):
                self._on_headers(event.stream_id, dict(event.headers))
            elif isinstance(event, ev.DataReceived):
                self.conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
                if event.stream_id in self.bodies:
                    self.bodies[event.stream_id] += event.data
            elif isinstance(event, ev.StreamEnded) and event.stream_id in self.bodies:
                self._start(event.stream_id)
            elif isinstance(event, ev.StreamReset):
                self.bodies.pop(event.stream_id, None)
                self.pending.pop(event.stream_id, None)
        self._pump()
        self._flush()

    def _on_headers(self, sid: int, headers: dict[bytes, bytes]) -> None:
        if headers.get(b":path") == PATH:
            self.bodies[sid] = bytearray()
            return
        self.conn.send_headers(
            sid,
            [(b":status", b"200"), (b"content-type", b"application/grpc"), (b"grpc-status", b"12")],
            end_stream=True,
        )

    def _start(self, sid: int) -> None:
        body = bytes(self.bodies.pop(sid))
        req = chat_pb2.GetCompletionsRequest.FromString(body[5:])
        n = req.max_tokens if req.HasField("max_tokens") and req.max_tokens > 0 else self.default
        self.conn.send_headers(sid, [(b":status", b"200"), (b"content-type", b"application/grpc")])
        self.pending[sid] = memoryview(response_body(n))

    def _pump(self) -> None:
        """Send full frames while the windows allow; trailers once a body is out."""
        conn = self.conn
        for sid, left in list(self.pending.items()):
            try:
                while left:
                    size = min(conn.local_flow_control_window(sid), conn.max_outbound_frame_size)
                    if size <= 0:
                        break
                    conn.send_data(sid, left[:size].tobytes())
                    left = left[size:]
            except Exception:  # the stream was closed under us (reset by the client)
                self.pending.pop(sid, None)
                continue
            if left:
                self.pending[sid] = left
            else:
                del self.pending[sid]
                conn.send_headers(sid, [(b"grpc-status", b"0")], end_stream=True)

    def _flush(self) -> None:
        out = self.conn.data_to_send()
        if out:
            self.transport.write(out)


async def serve(port: int = 0, default: int = 1000) -> None:
    """Serve until SIGINT/SIGTERM; print the bound address first."""
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: _Connection(default), "127.0.0.1", port)
    print(f"listening on 127.0.0.1:{server.sockets[0].getsockname()[1]}", flush=True)
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with server:
        await stop.wait()


def main(argv: list[str] | None = None) -> None:
    """Command-line entry: ``--port`` and ``--chunks`` (when a request names no max_tokens)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--chunks", type=int, default=1000)
    args = parser.parse_args(argv)
    asyncio.run(serve(args.port, args.chunks))


if __name__ == "__main__":
    sys.exit(main())
