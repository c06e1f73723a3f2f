"""The threaded reader's hand-off to asyncio, with a stand-in sync call (unit test)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator

import pytest

from agentrt.xai.stream_thread import ThreadedStream


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


class HandshakeCall:
    """Yields ``bursts`` of messages back to back; after each burst, one more message,
    then blocks until the consumer says it has that one (so a consumer that is only
    handed messages in batches, or at the end, deadlocks)."""

    def __init__(self, bursts: list[int]) -> None:
        self.bursts = bursts
        self.seen = threading.Event()
        self.cancelled = threading.Event()

    def __iter__(self) -> Iterator[str]:
        for size in self.bursts:
            yield from ("burst",) * size
            self.seen.clear()
            yield "last"
            if not self.seen.wait(5):
                raise TimeoutError("the consumer never got the message after the burst")

    def cancel(self) -> bool:
        self.cancelled.set()
        return True


async def _consume_with_handshake(call: HandshakeCall) -> list[str]:
    got: list[str] = []
    async with asyncio.timeout(20):
        async for m in ThreadedStream(call, asyncio.get_running_loop()):
            got.append(m)
            if m == "last":
                call.seen.set()
    return got


async def test_a_message_after_a_burst_is_handed_over_while_the_reader_waits() -> None:
    call = HandshakeCall([5000, 3, 0, 2000, 1])
    got = await _consume_with_handshake(call)
    assert got.count("last") == 5
    assert len(got) == 5000 + 3 + 0 + 2000 + 1 + 5


async def test_messages_one_at_a_time_are_each_handed_over_at_once() -> None:
    call = HandshakeCall([0] * 200)  # the reader blocks after every message
    got = await _consume_with_handshake(call)
    assert got == ["last"] * 200


async def test_a_burst_is_not_a_wake_up_per_message(monkeypatch: pytest.MonkeyPatch) -> None:
    loop = asyncio.get_running_loop()
    wakes = 0
    real = loop.call_soon_threadsafe

    def counting(*args: object) -> object:
        nonlocal wakes
        wakes += 1
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(loop, "call_soon_threadsafe", counting)

    class Releasing:  # releases the GIL between groups of 10 messages, like a gRPC reader
        def __iter__(self) -> Iterator[int]:
            for i in range(20_000):
                if i % 10 == 0:
                    time.sleep(0)
                yield i

        def cancel(self) -> bool:
            return True

    got = [m async for m in ThreadedStream(Releasing(), loop)]
    assert got == list(range(20_000))
    assert wakes < 200, f"{wakes} wake-ups for 2,000 groups of 10 messages"


class CountingCall(FakeSyncCall):
    """Counts how many messages the reader has taken."""

    def __init__(self, n: int) -> None:
        super().__init__(n)
        self.taken = 0

    def __iter__(self) -> Iterator[int]:
        for i in super().__iter__():
            self.taken += 1
            yield i


async def test_a_slow_consumer_holds_the_reader_back() -> None:
    from agentrt.xai.stream_thread import MAX_QUEUED

    call = CountingCall(MAX_QUEUED * 10)
    stream = ThreadedStream(call, asyncio.get_running_loop())
    messages = aiter(stream)
    assert await anext(messages) == 0
    await asyncio.sleep(0.3)  # the consumer dawdles: the reader must stop, not read on
    assert call.taken <= MAX_QUEUED + 2
    got = [0] + [m async for m in messages]  # then it drains everything, in order
    assert got == list(range(MAX_QUEUED * 10))


async def test_cancel_frees_a_reader_waiting_for_room() -> None:
    from agentrt.xai.stream_thread import MAX_QUEUED

    call = CountingCall(MAX_QUEUED * 10)
    stream = ThreadedStream(call, asyncio.get_running_loop())
    await anext(aiter(stream))
    await asyncio.sleep(0.2)  # the reader is now waiting for room
    stream.cancel()
    await asyncio.to_thread(stream.thread.join, 5)
    assert not stream.thread.is_alive()


async def test_a_fast_stream_is_handed_over_in_batches_not_message_by_message() -> None:
    call = FakeSyncCall(20_000)
    stream = ThreadedStream(call, asyncio.get_running_loop())
    batches = [batch async for batch in stream.batches()]
    assert [m for batch in batches for m in batch] == list(range(20_000))
    assert len(batches) < 2_000, f"{len(batches)} batches for 20,000 messages"


async def test_fast_single_messages_are_not_a_wake_up_each(monkeypatch: pytest.MonkeyPatch) -> None:
    """One message per frame, faster than one per poll (a grpc.aio server): polled, not woken."""
    loop = asyncio.get_running_loop()
    wakes = 0
    real = loop.call_soon_threadsafe

    def counting(*args: object) -> object:
        nonlocal wakes
        wakes += 1
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(loop, "call_soon_threadsafe", counting)

    class Trickle:  # one message every ~0.1 ms, the GIL released in between
        def __iter__(self) -> Iterator[int]:
            for i in range(2_000):
                time.sleep(0.0001)
                yield i

        def cancel(self) -> bool:
            return True

    got = [m async for m in ThreadedStream(Trickle(), loop)]
    assert got == list(range(2_000))
    assert wakes < 1_000, f"{wakes} wake-ups for 2,000 messages 0.1 ms apart"
