"""A plain ``grpc.aio`` server of ``xai_api.Chat/GetCompletionChunk``: one message per frame.

``python -m benchmarks.aio_stream_server [--port 0] [--chunks N]`` prints ``listening on
127.0.0.1:PORT``. The servicer is the generated one (``chat_pb2_grpc.ChatServicer``),
yielding the same ~4-character-token chunks as ``stream_server.py`` (``max_tokens`` of
them, default ``--chunks``), the last with the finish reason and usage. gRPC's server
writes each message as its own DATA frame, the shape most real gRPC servers have. It
spends ≈15-20 µs of CPU per chunk, so on a 2-core machine it can be the bottleneck:
the benchmark reads its figures as same-run ratios against the stub on this server.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from collections.abc import AsyncIterator
from typing import Any

from agentrt_protos.xai.api.v1 import chat_pb2, chat_pb2_grpc, sample_pb2, usage_pb2
from grpc import aio

__all__ = ["main", "serve"]

TOKEN = "tok "
ASSISTANT = chat_pb2.ROLE_ASSISTANT  # xai-sdk prints only assistant deltas


class _Chat(chat_pb2_grpc.ChatServicer):
    def __init__(self, default: int) -> None:
        self.default = default
        self.mid = chat_pb2.GetChatCompletionChunk(
            id="bench-1",
            model="bench-model",
            outputs=[
                chat_pb2.CompletionOutputChunk(
                    index=0, delta=chat_pb2.Delta(content=TOKEN, role=ASSISTANT)
                )
            ],
        )

    async def GetCompletionChunk(
        self, request: chat_pb2.GetCompletionsRequest, context: Any
    ) -> AsyncIterator[chat_pb2.GetChatCompletionChunk]:
        n = request.max_tokens if request.HasField("max_tokens") and request.max_tokens > 0 else 0
        n = n or self.default
        mid = self.mid
        for _ in range(n - 1):
            yield mid
        last = chat_pb2.GetChatCompletionChunk()
        last.CopyFrom(mid)
        last.outputs[0].finish_reason = sample_pb2.REASON_STOP
        last.usage.CopyFrom(
            usage_pb2.SamplingUsage(prompt_tokens=5, completion_tokens=n, total_tokens=n + 5)
        )
        yield last


async def serve(port: int = 0, default: int = 1000) -> None:
    """Serve until SIGINT/SIGTERM; print the bound address first."""
    server = aio.server()
    chat_pb2_grpc.add_ChatServicer_to_server(_Chat(default), server)
    bound = server.add_insecure_port(f"127.0.0.1:{port}")
    await server.start()
    print(f"listening on 127.0.0.1:{bound}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await server.stop(0)


def main(argv: list[str] | None = None) -> None:
    """Command-line entry: ``--port`` and ``--chunks`` (when a request names no max_tokens)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--chunks", type=int, default=1000)
    args = parser.parse_args(argv)
    asyncio.run(serve(args.port, args.chunks))


if __name__ == "__main__":
    sys.exit(main())
