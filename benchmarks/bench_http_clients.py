"""The REST transport's HTTP client, chosen by measurement: aiohttp vs httpx2 vs a bare socket.

A server in its own process (a bare asyncio protocol, so it is never the bottleneck)
answers every POST with ``--events`` SSE events shaped like chat completion chunks,
written at once (a Content-Length body). Each client POSTs, reads the body as it arrives and splits it into
events with the same parser (``agentrt.xai.rest.sse`` is not used: the same few lines for
every case, so only the HTTP library differs), and ``json.loads`` each event. Reported:
events/s for one stream, and this process's CPU per event. Cases interleaved, medians,
same-run ratios to the bare socket (the floor of any Python client on this machine).

``httpx2`` is the HTTP client of the official ``openai`` SDK (3.x); aiohttp is the
candidate for agentrt's REST transport and doors.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import time
from collections.abc import Callable, Coroutine
from typing import Any

from benchmarks.harness import interleave, machine, markdown_table, write_results

CHUNK = (
    'data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"grok-4",'
    '"choices":[{"index":0,"delta":{"content":" word"},"finish_reason":null}]}\n\n'
)


def _serve(port_out: Any, events: int) -> None:
    """The server process: every request gets ``events`` SSE events, chunked, then the end."""
    body = (CHUNK * events + "data: [DONE]\n\n").encode()
    head = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-length: %d\r\n\r\n"
    payload = head % len(body) + body

    class Proto(asyncio.Protocol):
        def connection_made(self, transport: Any) -> None:
            self.transport, self.buf = transport, b""

        def data_received(self, data: bytes) -> None:
            self.buf += data
            while b"\r\n\r\n" in self.buf:
                head_end = self.buf.index(b"\r\n\r\n") + 4
                length = 0
                for line in self.buf[:head_end].split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                if len(self.buf) < head_end + length:
                    return
                self.buf = self.buf[head_end + length :]
                self.transport.write(payload)

    async def main() -> None:
        server = await asyncio.get_running_loop().create_server(Proto, "127.0.0.1", 0)
        port_out.send(server.sockets[0].getsockname()[1])
        await server.serve_forever()

    asyncio.run(main())


def _split(buffer: bytearray, data: bytes) -> int:
    """Append ``data``; parse and count the complete events in ``buffer`` (consumed)."""
    buffer += data
    end = buffer.rfind(b"\n\n")
    if end < 0:
        return 0
    count = 0
    for event in bytes(buffer[: end + 2]).split(b"\n\n"):
        if event.startswith(b"data: {"):
            json.loads(event[6:])
            count += 1
    del buffer[: end + 2]
    return count


BODY = json.dumps({"model": "grok-4", "messages": [{"role": "user", "content": "hi"}]})


def aiohttp_case(url: str) -> Callable[[], Coroutine[Any, Any, int]]:
    import aiohttp

    holder: list[Any] = []

    async def aclose() -> None:
        if holder:
            await holder[0].close()

    async def one() -> int:
        if not holder:
            holder.append(aiohttp.ClientSession())
        buffer, count = bytearray(), 0
        async with holder[0].post(
            url, data=BODY, headers={"content-type": "application/json"}
        ) as r:
            async for data in r.content.iter_any():
                count += _split(buffer, data)
        return count

    one.aclose = aclose  # type: ignore[attr-defined]
    return one


def httpx2_case(url: str) -> Callable[[], Coroutine[Any, Any, int]]:
    import httpx2

    holder: list[Any] = []

    async def aclose() -> None:
        if holder:
            await holder[0].aclose()

    async def one() -> int:
        if not holder:
            holder.append(httpx2.AsyncClient())
        buffer, count = bytearray(), 0
        async with holder[0].stream(
            "POST", url, content=BODY, headers={"content-type": "application/json"}
        ) as r:
            async for data in r.aiter_raw():
                count += _split(buffer, data)
        return count

    one.aclose = aclose  # type: ignore[attr-defined]
    return one


def socket_case(port: int) -> Callable[[], Coroutine[Any, Any, int]]:
    """The floor: asyncio streams, a hand-written request, the body read to its length."""
    request = (
        f"POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\n"
        f"content-type: application/json\r\ncontent-length: {len(BODY)}\r\n\r\n{BODY}"
    ).encode()
    holder: list[Any] = []

    async def aclose() -> None:
        if holder:
            holder[0][1].close()

    async def one() -> int:
        if not holder:
            holder.append(await asyncio.open_connection("127.0.0.1", port, limit=1 << 20))
        reader, writer = holder[0]
        writer.write(request)
        head = await reader.readuntil(b"\r\n\r\n")
        left = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
        buffer, count = bytearray(), 0
        while left:
            data = await reader.read(min(left, 1 << 16))
            left -= len(data)
            count += _split(buffer, data)
        return count

    one.aclose = aclose  # type: ignore[attr-defined]
    return one


FLOOR = "bare asyncio socket (floor)"
Case = Callable[[], Coroutine[Any, Any, int]]


def _table(port: int, events: int, repeat: int, rounds: int) -> tuple[dict[str, list[float]], ...]:
    """events/s (``repeat`` requests of ``events`` events each) and CPU µs per request."""
    url = f"http://127.0.0.1:{port}/v1/chat/completions"
    runner = asyncio.Runner()
    cases: dict[str, Case] = {
        FLOOR: socket_case(port),
        "aiohttp": aiohttp_case(url),
        "httpx2 (the openai SDK's)": httpx2_case(url),
    }
    cpu: dict[str, list[float]] = {name: [] for name in cases}

    def timed(name: str) -> Callable[[], float]:
        async def many() -> int:
            return sum([await cases[name]() for _ in range(repeat)])

        def measure() -> float:
            wall, proc = time.perf_counter(), time.process_time()
            count = runner.run(many())
            wall, proc = time.perf_counter() - wall, time.process_time() - proc
            assert count == events * repeat, (name, count)
            cpu[name].append(proc / repeat * 1e6)
            return count / wall

        return measure

    try:
        samples = interleave({name: timed(name) for name in cases}, rounds)
    finally:
        runner.run(_close(cases))
        runner.close()
    return samples, {k: v[1:] for k, v in cpu.items()}


async def _close(cases: dict[str, Case]) -> None:
    for case in cases.values():
        closer = getattr(case, "aclose", None)
        if closer is not None:
            await closer()


def _server(events: int) -> tuple[Any, int]:
    ctx = multiprocessing.get_context("spawn")
    ours, theirs = ctx.Pipe()
    server = ctx.Process(target=_serve, args=(theirs, events), daemon=True)
    server.start()
    return server, ours.recv()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=2_000, help="small requests per sample")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    rounds, events, requests = (
        (1, 5_000, 100) if args.quick else (args.rounds, args.events, args.requests)
    )
    out: dict[str, Any] = {"machine": machine()}
    for label, n, repeat in (
        (f"one SSE stream of {events:,} events", events, 1),
        (f"{requests:,} sequential requests of one event", 1, requests),
    ):
        server, port = _server(n)
        try:
            samples, cpu = _table(port, n, repeat, rounds)
        finally:
            server.terminate()
            server.join()
        unit = "events/s" if repeat == 1 else "requests/s"
        print(f"\n{label} ({unit}):\n")
        print(markdown_table(samples, unit=unit, baseline=FLOOR))
        print(f"\nClient CPU per request, {label}:\n")
        print(markdown_table(cpu, unit="µs/request", baseline=FLOOR))
        out[label] = {"rate": samples, "cpu_us_per_request": cpu}
    write_results("http_clients", out)


if __name__ == "__main__":
    main()
