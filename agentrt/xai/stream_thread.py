"""A server stream read by a thread on a single-threaded sync channel, handed to asyncio.

Why: in ``grpc.aio`` every streamed message costs a cross-thread wake-up of the
event loop (tens of µs of CPU). gRPC's sync channel with the experimental
``SingleThreadedUnaryStream`` option reads a stream in the calling thread at a
fraction of that. Here a reader thread iterates such a call and appends each
message to a deque; the event loop is woken only when the consumer is actually
waiting. The thread is one per stream, so :mod:`agentrt.xai.transport` uses this
only while few streams are in flight and ``grpc.aio`` beyond that.

Bursts: when a wake-up finds ``BURST`` or more messages waiting, they are
arriving faster than the loop can be woken for each, and a consumer that waits
for the next one would be woken (and the GIL handed between the two threads)
once per message: that ping-pong, not reading, was most of the cost (≈13 µs of
CPU per message against ≈5.5 µs for the bare sync reader). So while a burst
lasts the consumer sleeps ``BURST_POLL`` between batches instead of asking to be
woken; the reader fills the deque meanwhile without a hand-off. Messages that
come one at a time but faster than one per ``BURST_POLL`` (a server writing one
message per frame) start a burst too: two wake-ups closer than that. A poll that
finds nothing ends the burst. A message that arrives in a burst waits at most
``BURST_POLL``; a stream whose messages arrive further apart (a model
generating tokens) never enters a burst and is handed over at once.

Batches: the consumer takes all the messages waiting at once (:meth:`ThreadedStream.batches`),
so a fast stream costs one generator step per batch, not per message.

Bounded: the reader stops reading (and gRPC's flow control then stops the
server) while ``MAX_QUEUED`` messages wait for a consumer that has fallen
behind (queued, or in the batch it is on); it goes on once the consumer has
finished them all. Cancelling
(``cancel()``) cancels the RPC and frees a waiting reader; the thread then ends at once.
Errors are the sync call's ``grpc.RpcError`` (translated by the transport).
"""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from collections.abc import AsyncIterator
from contextlib import suppress
from typing import Any

from agentrt.xai.sync_reader import messages

__all__ = ["BURST", "BURST_POLL", "MAX_QUEUED", "SINGLE_THREADED_OPTION", "ThreadedStream"]

# The value of grpc.experimental.ChannelOptions.SingleThreadedUnaryStream.
SINGLE_THREADED_OPTION = "SingleThreadedUnaryStream"
BURST = 4  # messages found by one wake-up that start a burst
BURST_POLL = 0.001  # seconds the consumer sleeps between batches of a burst
MAX_QUEUED = 4096  # messages read ahead of a slow consumer before the reader waits


def _wake(fut: asyncio.Future[None]) -> None:
    if not fut.done():
        fut.set_result(None)


class ThreadedStream:
    """One server-streaming call read by its own thread.

    Args:
        call: the started sync call (an iterator of messages with ``cancel()``).
        loop: the event loop that consumes the messages.
    """

    def __init__(self, call: Any, loop: asyncio.AbstractEventLoop) -> None:
        self._call = call
        self._loop = loop
        self._queue: deque[Any] = deque()
        self._waiter: asyncio.Future[None] | None = None
        self._end: BaseException | bool = False
        self._held = 0  # messages of the batch the consumer is on (they count as queued)
        self._room = threading.Event()  # set while the reader may read on
        self._room.set()
        self.thread = threading.Thread(target=self._read, name="agentrt-stream", daemon=True)
        self.thread.start()

    def _read(self) -> None:
        queue = self._queue
        try:
            for message in messages(self._call):
                queue.append(message)
                if self._waiter is not None:
                    self._notify()
                if len(queue) + self._held >= MAX_QUEUED:  # the consumer fell behind: wait
                    self._room.clear()
                    if len(queue) + self._held >= MAX_QUEUED:
                        self._notify()
                        self._room.wait()
            self._end = True
        except BaseException as exc:  # handed to the consumer, raised there
            self._end = exc
        finally:
            self._notify()

    def _notify(self) -> None:
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            with suppress(RuntimeError):  # the loop is closed: nobody is waiting
                self._loop.call_soon_threadsafe(_wake, waiter)

    def cancel(self) -> bool:
        """Cancel the RPC (thread-safe); the reader thread ends soon after."""
        cancelled = bool(self._call.cancel())
        self._room.set()  # a reader waiting for room goes on, and finds the call cancelled
        return cancelled

    def __aiter__(self) -> AsyncIterator[Any]:
        return self._messages()

    async def _messages(self) -> AsyncIterator[Any]:
        async for batch in self._batches():
            for message in batch:
                yield message

    def batches(self) -> AsyncIterator[list[Any]]:
        """The messages as lists: each hand-off's messages together (see :mod:`.transport`)."""
        return self._batches()

    async def _batches(self) -> AsyncIterator[list[Any]]:
        queue = self._queue
        pop = queue.popleft
        burst = False
        loop = self._loop
        woke = -1.0  # when the last wake-up was (the loop's clock)
        room = self._room
        while True:
            if queue:  # only this side pops: taking len(queue) messages never races the reader
                batch = [pop() for _ in range(len(queue))]
                self._held = len(batch)
                yield batch
                self._held = 0
                continue
            if not room.is_set():  # the queue is empty: a reader waiting for room reads on
                room.set()
            end = self._end
            if end is not False:
                if queue:  # appended just before the end was recorded
                    continue
                if end is True:
                    return
                raise end
            if burst:
                await asyncio.sleep(BURST_POLL)
                burst = bool(queue)  # nothing came in a whole poll: the burst is over
                continue
            fut = loop.create_future()
            self._waiter = fut
            if queue or self._end is not False:  # raced with the reader: look again
                self._waiter = None
                continue
            await fut
            # A burst: many messages at once, or wake-ups closer together than a poll.
            woke, last = loop.time(), woke
            burst = len(queue) >= BURST or woke - last < BURST_POLL
