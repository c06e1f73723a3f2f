"""The threaded reader's hand-off to asyncio, with a stand-in sync call (unit test)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator

import pytest

from agentrt.stream_thread import ThreadedStream


class FakeSyncCall:
    """Yields ``n`` ints from the reader thread, pausing now and then; fails if asked."""

    def __init__(self, n: int, fail_at: int | None = None) -> None:
        self.n = n
        self.fail_at = fail_at
        self.cancelled = threading.Event()

    def __iter__(self) -> Iterator[int]:
        for i in range(self.n):
            if self.cancelled.is_set():
                raise RuntimeError("cancelled")
            if i == self.fail_at:
                raise ValueError(f"failed at {i}")
            if i % 97 == 0:
                time.sleep(0.001)  # let the consumer catch up and wait
            yield i

    def cancel(self) -> bool:
        self.cancelled.set()
        return True


async def test_every_message_arrives_in_order_then_the_thread_ends() -> None:
    stream = ThreadedStream(FakeSyncCall(5000), asyncio.get_running_loop())
    got = [m async for m in stream]
    assert got == list(range(5000))
    await asyncio.to_thread(stream.thread.join, 5)
    assert not stream.thread.is_alive()


async def test_a_failure_reaches_the_consumer_after_the_messages_before_it() -> None:
    stream = ThreadedStream(FakeSyncCall(1000, fail_at=700), asyncio.get_running_loop())
    got: list[int] = []

    async def consume() -> None:
        async for m in stream:
            got.append(m)

    with pytest.raises(ValueError, match="failed at 700"):
        await consume()
    assert got == list(range(700))


async def test_cancel_stops_the_reader() -> None:
    call = FakeSyncCall(10**9)
    stream = ThreadedStream(call, asyncio.get_running_loop())
    async for m in stream:
        if m == 10:
            break
    stream.cancel()
    await asyncio.to_thread(stream.thread.join, 5)
    assert not stream.thread.is_alive()
    assert call.cancelled.is_set()
