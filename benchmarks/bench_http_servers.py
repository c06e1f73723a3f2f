"""HTTP servers for the simulator's REST door: SSE events/s each serves to one client.

The candidates serve the same answer, a chat completions stream of ``--events``
``chat.completion.chunk`` events and ``[DONE]`` (built once, as the simulator builds an
unpaced answer), to ``POST /v1/chat/completions``:

* ``aiohttp.web``, the body written once (what the simulator does without pacing);
* ``aiohttp.web``, one write per event (what it does with ``--itl-ms``);
* a raw ``asyncio.Protocol`` with the ``httptools`` parser, the body written once (the
  floor: no framework at all);
* ``starlette`` on ``uvicorn`` (httptools), the body written once, when both are installed
  (``pip install uvicorn starlette httptools``; they are not agentrt dependencies).

Each server is its own process pinned to one core, on uvloop (as ``agentrt sim`` runs);
the client (this process, aiohttp, streams one after another, events counted, not
parsed) is pinned to the other. Cases are interleaved over rounds; medians and same-run
ratios to ``aiohttp.web`` are reported, with the machine. aiohttp stays the decision
unless a candidate is far faster.

Run: ``python -m benchmarks http_servers`` (``--quick`` for a smoke run).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

from benchmarks.harness import interleave, machine, markdown_table, median, write_results

SERVER_CORE, CLIENT_CORE = 0, 1
CANDIDATES = {
    "aiohttp.web (one write)": "aiohttp",
    "aiohttp.web (write per event)": "aiohttp-per-event",
    "asyncio.Protocol + httptools": "raw",
    "starlette + uvicorn": "uvicorn",
}


def sse_events(count: int) -> list[bytes]:
    """``count`` chunk events of one token each, then ``[DONE]``, as the simulator sends."""
    head = (
        'data: {"id":"3f1c2a9e-5b7d-4e8f-9a00-000000000001","object":"chat.completion.chunk",'
        '"created":1796374551,"model":"grok-3","system_fingerprint":"fp_sim_grok3","choices":['
    )
    events = [
        f'{head}{{"index":0,"delta":{{"role":"assistant","content":{json.dumps(f" tok{i}")}}},'
        f'"finish_reason":null,"logprobs":null}}]}}\n\n'.encode()
        for i in range(count)
    ]
    return [*events, b"data: [DONE]\n\n"]


def _serve_aiohttp(sock: socket.socket, events: list[bytes], per_event: bool) -> None:
    from aiohttp import web

    body = b"".join(events)

    async def handler(request: web.Request) -> web.StreamResponse:
        await request.read()
        if not per_event:
            return web.Response(body=body, content_type="text/event-stream")
        response = web.StreamResponse(headers={"content-type": "text/event-stream"})
        await response.prepare(request)
        for event in events:
            await response.write(event)
        return response

    app = web.Application()
    app.router.add_post("/v1/chat/completions", handler)
    web.run_app(app, sock=sock, print=None, access_log=None, handle_signals=True)


def _serve_raw(sock: socket.socket, events: list[bytes]) -> None:
    import httptools

    body = b"".join(events)
    answer = (
        b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-length: "
        + str(len(body)).encode()
        + b"\r\n\r\n"
        + body
    )

    class Protocol(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            self.transport: Any = transport  # uvloop's is no asyncio.Transport subclass
            self.parser = httptools.HttpRequestParser(self)

        def data_received(self, data: bytes) -> None:
            try:
                self.parser.feed_data(data)
            except httptools.HttpParserError:
                self.transport.close()

        def on_message_complete(self) -> None:
            self.transport.write(answer)

    async def main() -> None:
        server = await asyncio.get_running_loop().create_server(Protocol, sock=sock)
        await server.serve_forever()

    asyncio.run(main())


def _serve_uvicorn(sock: socket.socket, events: list[bytes]) -> None:
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    body = b"".join(events)

    async def handler(request: Request) -> Response:
        await request.body()
        return Response(body, media_type="text/event-stream")

    app = Starlette(routes=[Route("/v1/chat/completions", handler, methods=["POST"])])
    config = uvicorn.Config(app, loop="uvloop", http="httptools", log_level="warning")
    config.access_log = False
    asyncio.run(uvicorn.Server(config).serve(sockets=[sock]))


def serve(kind: str, events: int) -> None:
    """Run one candidate server (a child process): print its port, serve until killed."""
    with contextlib.suppress(ImportError):
        import uvloop

        uvloop.install()  # the simulator runs on uvloop too
    if len(os.sched_getaffinity(0)) > 1:
        os.sched_setaffinity(0, {SERVER_CORE})
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1024)
    print(f"listening on {sock.getsockname()[1]}", flush=True)
    made = sse_events(events)
    if kind.startswith("aiohttp"):
        _serve_aiohttp(sock, made, per_event=kind == "aiohttp-per-event")
    elif kind == "raw":
        _serve_raw(sock, made)
    else:
        _serve_uvicorn(sock, made)


@contextlib.contextmanager
def _server(kind: str, events: int) -> Iterator[str]:
    command = [sys.executable, "-m", "benchmarks.bench_http_servers", "--serve", kind]
    proc = subprocess.Popen([*command, "--events", str(events)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    match = re.fullmatch(r"listening on (\d+)\n", proc.stdout.readline())
    try:
        if match is None:
            raise RuntimeError(f"{kind} server did not start")
        yield f"http://127.0.0.1:{match.group(1)}/v1/chat/completions"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


async def _events_per_s(url: str, seconds: float) -> float:
    import aiohttp

    body = b'{"model":"grok-3","messages":[{"role":"user","content":"hi"}],"stream":true}'
    count = 0
    async with aiohttp.ClientSession() as http:
        started = time.perf_counter()
        while time.perf_counter() - started < seconds:
            async with http.post(url, data=body) as response:
                async for piece in response.content.iter_any():
                    count += piece.count(b"\n\n")
        return count / (time.perf_counter() - started)


def _available() -> dict[str, str]:
    needs = {"raw": ("httptools",), "uvicorn": ("uvicorn", "starlette", "httptools")}
    return {
        name: kind
        for name, kind in CANDIDATES.items()
        if all(importlib.util.find_spec(m) for m in needs.get(kind, ()))
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: seconds, not minutes")
    parser.add_argument("--events", type=int, default=1000, help="events per stream")
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.events)
        return
    if len(os.sched_getaffinity(0)) > 1:
        os.sched_setaffinity(0, {CLIENT_CORE})
    seconds, rounds = (0.3, 2) if args.quick else (2.0, 5)
    with contextlib.ExitStack() as stack:
        urls = {
            name: stack.enter_context(_server(kind, args.events))
            for name, kind in _available().items()
        }
        cases = {
            name: lambda u=url: asyncio.run(_events_per_s(u, seconds)) for name, url in urls.items()
        }
        samples = interleave(cases, rounds)
    baseline = "aiohttp.web (one write)"
    table = markdown_table(samples, unit="events/s", baseline=baseline)
    print(f"\nmachine: {machine()['cpu']}\n\n{table}")
    write_results(
        "http_servers",
        {
            "events_per_stream": args.events,
            "medians_events_per_s": {name: median(v) for name, v in samples.items()},
            "samples": samples,
            "table": table,
        },
    )


if __name__ == "__main__":
    main()
