"""A Files server that stores nothing: the ceiling of a client's upload and download.

``python -m benchmarks.files_sink`` prints ``listening on HOST:PORT`` and serves, on
``grpc.aio`` with raw bytes (no parsing of what it receives):

* ``UploadFile``: reads the request stream and drops it; answers a ``File`` whose id
  is ``sink-<bytes received>``;
* ``RetrieveFileContent`` of ``sink-<N>``: N bytes in 1 MiB chunks, one chunk message
  serialized once and sent again and again (so its cost per chunk is gRPC's alone);
* ``RetrieveFile`` and ``DeleteFile``: answered without looking anything up.

``bench_files`` runs both clients against it beside the simulator, so the ratio
between the clients shows with and without the simulator's own storing.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator
from typing import Any

__all__ = ["main"]

CHUNK = 1 << 20


async def _upload(requests: AsyncIterator[bytes], context: Any) -> bytes:
    from agentrt_protos.xai.api.v1 import files_pb2

    received = 0
    async for raw in requests:
        received += len(raw)  # the wire size: the file's bytes plus a few bytes of framing
    return files_pb2.File(id=f"sink-{received}", filename="sink", size=received).SerializeToString()


async def _content(request: bytes, context: Any) -> AsyncIterator[bytes]:
    from agentrt_protos.xai.api.v1 import files_pb2

    size = int(files_pb2.RetrieveFileContentRequest.FromString(request).file_id.split("-")[1])
    full = files_pb2.FileContentChunk(data=b"\x00" * CHUNK).SerializeToString()
    sent = 0
    while sent < size:
        n = min(CHUNK, size - sent)
        yield (
            full if n == CHUNK else files_pb2.FileContentChunk(data=b"\x00" * n).SerializeToString()
        )
        sent += n


async def _retrieve(request: bytes, context: Any) -> bytes:
    from agentrt_protos.xai.api.v1 import files_pb2

    file_id = files_pb2.RetrieveFileRequest.FromString(request).file_id
    return files_pb2.File(id=file_id, filename="sink").SerializeToString()


async def _delete(request: bytes, context: Any) -> bytes:
    from agentrt_protos.xai.api.v1 import files_pb2

    file_id = files_pb2.DeleteFileRequest.FromString(request).file_id
    return files_pb2.DeleteFileResponse(id=file_id, deleted=True).SerializeToString()


async def serve() -> None:
    """Serve until SIGTERM."""
    import grpc

    handlers = {
        "UploadFile": grpc.stream_unary_rpc_method_handler(_upload),
        "RetrieveFileContent": grpc.unary_stream_rpc_method_handler(_content),
        "RetrieveFile": grpc.unary_unary_rpc_method_handler(_retrieve),
        "DeleteFile": grpc.unary_unary_rpc_method_handler(_delete),
    }
    options = [("grpc.max_receive_message_length", 64 << 20)]
    server = grpc.aio.server(options=options)
    server.add_generic_rpc_handlers(
        [grpc.method_handlers_generic_handler("xai_api.Files", handlers)]
    )
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    print(f"listening on 127.0.0.1:{port}", flush=True)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    await server.stop(1)


def main() -> None:
    """Entry point."""
    asyncio.run(serve())


if __name__ == "__main__":
    main()
