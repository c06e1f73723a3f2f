"""A streaming server for the benchmarks that is not the bottleneck: pre-serialized chunks.

``python -m benchmarks.stream_server [--port 0] [--loop uvloop]`` serves
``xai_api.Chat/GetCompletionChunk`` (and ``GetCompletion``) on 127.0.0.1 and
prints ``listening on 127.0.0.1:PORT``. A stream sends ``max_tokens`` chunks
(default 1000), each one ~4-character token, then a final chunk with the finish
reason and usage. The chunks are serialized once at start-up; the handler yields
the same bytes (no per-chunk protobuf work), and it is a raw bytes handler, so
the server spends its CPU on gRPC only.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from collections.abc import AsyncIterator

import grpc
from agentrt_protos.xai.api.v1 import chat_pb2, sample_pb2, usage_pb2
from grpc import aio

__all__ = ["MID_CHUNK", "main", "serve"]

TOKEN = "tok "
MID_CHUNK = chat_pb2.GetChatCompletionChunk(
    id="bench-1",
    model="bench-model",
    outputs=[chat_pb2.CompletionOutputChunk(index=0, delta=chat_pb2.Delta(content=TOKEN))],
).SerializeToString()


def _last(n: int) -> bytes:
    return chat_pb2.GetChatCompletionChunk(
        id="bench-1",
        model="bench-model",
        outputs=[
            chat_pb2.CompletionOutputChunk(
                index=0, delta=chat_pb2.Delta(content=TOKEN), finish_reason=sample_pb2.REASON_STOP
            )
        ],
        usage=usage_pb2.SamplingUsage(prompt_tokens=5, completion_tokens=n, total_tokens=n + 5),
    ).SerializeToString()


def _count(request: bytes) -> int:
    req = chat_pb2.GetCompletionsRequest.FromString(request)
    return req.max_tokens if req.HasField("max_tokens") and req.max_tokens > 0 else 1000


async def _stream(request: bytes, context: aio.ServicerContext) -> AsyncIterator[bytes]:
    n = _count(request)
    mid = MID_CHUNK
    for _ in range(n - 1):
        yield mid
    yield _last(n)


async def _unary(request: bytes, context: aio.ServicerContext) -> bytes:
    n = _count(request)
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


async def serve(port: int = 0) -> None:
    """Serve until SIGINT/SIGTERM; print the bound address first."""
    handlers = {
        "GetCompletionChunk": grpc.unary_stream_rpc_method_handler(_stream),
        "GetCompletion": grpc.unary_unary_rpc_method_handler(_unary),
    }
    server = aio.server(
        options=[
            ("grpc.keepalive_permit_without_calls", 1),
            ("grpc.http2.min_ping_interval_without_data_ms", 10_000),
            ("grpc.max_concurrent_streams", 1000),
        ]
    )
    server.add_generic_rpc_handlers(
        (grpc.method_handlers_generic_handler("xai_api.Chat", handlers),)
    )
    bound = server.add_insecure_port(f"127.0.0.1:{port}")
    await server.start()
    print(f"listening on 127.0.0.1:{bound}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await server.stop(1)


def main(argv: list[str] | None = None) -> None:
    """Command-line entry: parse ``--port`` and ``--loop`` and serve."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--loop", choices=("uvloop", "asyncio"), default="uvloop")
    args = parser.parse_args(argv)
    if args.loop == "uvloop":
        import uvloop

        uvloop.run(serve(args.port))
    else:
        asyncio.run(serve(args.port))


if __name__ == "__main__":
    sys.exit(main())
