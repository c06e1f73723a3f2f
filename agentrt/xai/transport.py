"""The pooled async gRPC transport every xAI call goes through.

- Streams are read by a thread on a single-threaded sync channel while few are
  in flight (``ClientConfig.stream_threads``, see :mod:`agentrt.xai.stream_thread`);
  beyond that by ``grpc.aio``.
- Channels are created lazily, per event loop (a ``grpc.aio`` channel belongs to
  the loop that made it), ``pool_size`` of them, each with
  ``grpc.use_local_subchannel_pool=1`` so they really are separate TCP
  connections; each call takes the channel with the fewest calls in flight.
- TLS by default; plaintext for loopback endpoints (``ClientConfig.secure``
  overrides). ``authorization: Bearer <key>`` rides on every call's metadata.
- Keepalive 30 s / 10 s, 20 MiB message limits, user agent ``agentrt/<version>``.
- UNAVAILABLE is retried by gRPC's service-config retry policy (with retry
  throttling, and a retry buffer big enough for 20 MiB requests); rate limits
  are retried by :mod:`agentrt.xai.retry`, honouring ``grpc-retry-pushback-ms``,
  and INTERNAL with ``ClientConfig.internal_retries`` (each kind its own count).
- Every call has a deadline (:mod:`agentrt.xai.deadline`); every
  ``grpc.aio.AioRpcError`` leaves this module as an :mod:`agentrt.errors` class
  (translated by :mod:`agentrt.xai.rpc_errors`), raised ``from`` the original.
- Client streams (:meth:`Transport.stream_unary`, uploads): a plain iterable is sent by
  the sync channel, gRPC consuming it in its own thread (a file is read there, a
  message only once the previous one is sent, so memory stays flat); an async
  iterable goes over ``grpc.aio``. Rate limiting is retried only when the messages
  can be made again.
- A stream that fails after its first chunk raises
  :class:`~agentrt.errors.StreamInterrupted` and is never replayed.
- Trace context: each call carries the caller's ``metadata=`` (the ``traceparent``
  of its own span, see :mod:`agentrt.telemetry.tracing`), else the current trace context.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import (
    AsyncGenerator,
    AsyncIterable,
    AsyncIterator,
    Callable,
    Iterable,
    Iterator,
    Sequence,
)
from contextlib import aclosing, suppress
from functools import partial
from typing import Any, NoReturn, TypeVar

import grpc
from grpc import _common as grpc_common
from grpc import aio

from agentrt._version import __version__
from agentrt.errors import Cancelled, RateLimited, StreamInterrupted, Unavailable
from agentrt.telemetry.tracing import trace_headers
from agentrt.xai.config import ClientConfig
from agentrt.xai.deadline import Deadline, Timeout, effective_timeout
from agentrt.xai.retry import RateLimitPolicy, is_internal
from agentrt.xai.rpc_errors import translate
from agentrt.xai.stream_thread import SINGLE_THREADED_OPTION, ThreadedStream
from agentrt.xai.sync_reader import TESTED_GRPC

__all__ = ["USER_AGENT", "Transport", "channel_options"]

USER_AGENT = f"agentrt/{__version__}"
T = TypeVar("T")
_NO_TRIES = (0, 0)  # retries made so far: (rate limited, INTERNAL)
_EOF: Any = aio.EOF  # type: ignore[attr-defined]  # what a finished stream reads


def _service_config(attempts: int) -> str:
    policy = {
        "maxAttempts": attempts,
        "initialBackoff": "0.1s",
        "maxBackoff": "2s",
        "backoffMultiplier": 2,
        "retryableStatusCodes": ["UNAVAILABLE"],
    }
    config: dict[str, Any] = {
        "methodConfig": [{"name": [{}], "retryPolicy": policy}],
        "retryThrottling": {"maxTokens": 10, "tokenRatio": 0.1},
    }
    if attempts < 2:
        del config["methodConfig"][0]["retryPolicy"]
    return json.dumps(config)


def channel_options(config: ClientConfig) -> list[tuple[str, str | int]]:
    """The gRPC channel options agentrt uses for ``config`` (user options win)."""
    limit = config.max_message_bytes
    options: dict[str, str | int] = {
        "grpc.max_send_message_length": limit,
        "grpc.max_receive_message_length": limit,
        "grpc.enable_retries": 1,
        "grpc.service_config": _service_config(config.unavailable_attempts),
        "grpc.per_rpc_retry_buffer_size": limit + 4 * 1024 * 1024,
        "grpc.keepalive_time_ms": 30_000,
        "grpc.keepalive_timeout_ms": 10_000,
        "grpc.keepalive_permit_without_calls": 1,
        "grpc.http2.max_pings_without_data": 0,
        "grpc.primary_user_agent": USER_AGENT,
        # Without this, channels with equal arguments share one TCP connection.
        "grpc.use_local_subchannel_pool": 1,
    }
    options.update(config.channel_options)
    return list(options.items())


class _Slot:
    """One channel (pooled aio, or the threaded readers' sync one), its stubs, its calls now."""

    __slots__ = ("channel", "in_flight", "stubs")

    def __init__(self, channel: Any) -> None:
        self.channel = channel
        self.in_flight = 0
        self.stubs: dict[Any, Any] = {}

    def stub(self, stub_cls: Callable[[Any], T]) -> T:
        stub: T | None = self.stubs.get(stub_cls)
        if stub is None:
            stub = self.stubs[stub_cls] = stub_cls(self.channel)
        return stub


class _Pool:
    """The channels of one event loop."""

    def __init__(self, config: ClientConfig) -> None:
        options = channel_options(config)
        make: Callable[[], aio.Channel]
        if config.use_tls:
            creds = grpc.ssl_channel_credentials()
            make = partial(aio.secure_channel, config.endpoint, creds, options)
        else:
            make = partial(aio.insecure_channel, config.endpoint, options)
        self.slots = [_Slot(make()) for _ in range(config.pool_size)]

    def pick(self) -> _Slot:
        """The channel with the fewest calls in flight (the first on a tie)."""
        slots = self.slots
        best = slots[0]
        if best.in_flight:
            for slot in slots:
                if slot.in_flight < best.in_flight:
                    best = slot
        return best

    async def close(self) -> None:
        for slot in self.slots:
            await slot.channel.close(None)


class Transport:
    """Pooled channels plus the per-call rules: auth, deadline, retries, errors.

    Args:
        config: the client's settings (the API key lives there, never in a repr).
    """

    def __init__(self, config: ClientConfig) -> None:
        self.config = config
        auth = (("authorization", f"Bearer {config.api_key}"),) if config.api_key else ()
        self._metadata: tuple[tuple[str, str], ...] = auth + config.metadata
        # grpc.aio turns a tuple into its Metadata on every call; the usual one is made once.
        self._aio_metadata = aio.Metadata(*self._metadata)
        self._pools: dict[asyncio.AbstractEventLoop, _Pool] = {}
        self._sync: _Slot | None = None  # the threaded readers' sync channel
        self._threaded = 0
        self._policy = RateLimitPolicy(
            retries=config.rate_limit_retries,
            base=config.rate_limit_backoff,
            cap=config.rate_limit_max_backoff,
        )
        self._internal = config.internal_retries

    def __repr__(self) -> str:
        return f"Transport(endpoint={self.config.endpoint!r}, tls={self.config.use_tls})"

    def _pool(self) -> _Pool:
        loop = asyncio.get_running_loop()
        pool = self._pools.get(loop)
        if pool is None:
            self._forget_closed_loops()
            pool = self._pools[loop] = _Pool(self.config)
        return pool

    def _forget_closed_loops(self) -> None:
        for old in [lp for lp in self._pools if lp.is_closed()]:
            del self._pools[old]

    def deadline(self, timeout: Timeout) -> Deadline:
        """The deadline of a call made now with per-call ``timeout``."""
        return Deadline.after(effective_timeout(timeout, self.config.timeout))

    async def unary(
        self,
        stub_cls: type,
        method: str,
        request: Any,
        *,
        timeout: Timeout,  # noqa: ASYNC109 - it becomes the gRPC deadline
        metadata: tuple[tuple[str, str], ...] | None = None,
    ) -> Any:
        """Call unary ``method`` of ``stub_cls`` on the least busy channel.

        ``metadata``: extra metadata of this call (default: the current trace context).

        Raises:
            RPCError: the translated failure (after retries).
        """
        deadline = self.deadline(timeout)
        extra = trace_headers() if metadata is None else metadata
        md = self._metadata + extra if extra else self._aio_metadata
        tries = _NO_TRIES
        while True:  # no closure or wrapper coroutine per call: this is every model turn
            slot = self._pool().pick()
            slot.in_flight += 1
            try:
                call = getattr(slot.stub(stub_cls), method)
                return await call(request, timeout=deadline.remaining(), metadata=md)
            except aio.AioRpcError as exc:
                wait, tries = self._retry_wait(exc, 0, tries, deadline)  # raises unless retried
            except asyncio.CancelledError:
                _reraise_unless_closed(0)
            finally:
                slot.in_flight -= 1
            await asyncio.sleep(wait)

    async def stream(
        self,
        stub_cls: type,
        method: str,
        request: Any,
        *,
        timeout: Timeout,  # noqa: ASYNC109 - it becomes the gRPC deadline
        metadata: tuple[tuple[str, str], ...] | None = None,
        threaded: bool = True,
    ) -> AsyncGenerator[Any, None]:
        """Yield the messages of server-streaming ``method``; cancel the RPC on exit.

        While fewer than ``stream_threads`` streams are in flight (and ``threaded``)
        the stream is read by a thread (:mod:`agentrt.xai.stream_thread`), otherwise
        by ``grpc.aio`` on the least busy pooled channel, whose flow control holds
        the server back as soon as the consumer does (``threaded=False`` for large
        messages: a file's chunks). Rate limiting before the first message is
        retried with backoff; a failure after it raises :class:`StreamInterrupted`.
        ``metadata``: as for :meth:`unary`.
        """
        batches = self.stream_batches(
            stub_cls, method, request, timeout=timeout, metadata=metadata, threaded=threaded
        )
        async with aclosing(batches):
            async for batch in batches:
                for message in batch:
                    yield message

    async def stream_batches(
        self,
        stub_cls: type,
        method: str,
        request: Any,
        *,
        timeout: Timeout,  # noqa: ASYNC109 - it becomes the gRPC deadline
        metadata: tuple[tuple[str, str], ...] | None = None,
        threaded: bool = True,
    ) -> AsyncGenerator[Sequence[Any], None]:
        """:meth:`stream` in batches, one generator step each (the hot path of a fast stream):
        a reader thread's batch is all it queued since the last, ``grpc.aio``'s one message."""
        deadline = self.deadline(timeout)
        md = self._call_metadata(metadata)
        tries = _NO_TRIES
        while True:
            try:  # a sync call can fail at once (e.g. a request that does not serialize)
                call, slot = self._open_stream(
                    stub_cls, method, request, deadline.remaining(), md, threaded
                )
            except grpc.RpcError as exc:
                raise translate(exc) from exc
            received = 0
            try:
                if slot is None:
                    async for batch in call.batches():
                        received += len(batch)
                        yield batch
                else:
                    ready, receive, deserialize, end = _aio_reader(call)
                    await ready()
                    while (raw := await receive()) is not _EOF:
                        received += 1
                        if deserialize is not None:
                            try:
                                raw = deserialize(raw)
                            except Exception:  # as gRPC: logged, and the message is None
                                raw = grpc_common.deserialize(raw, deserialize)
                        yield (raw,)
                    await end()
                return
            except asyncio.CancelledError:
                _reraise_unless_closed(received)
            except grpc.RpcError as exc:
                wait, tries = self._retry_wait(exc, received, tries, deadline)
            finally:
                call.cancel()
                if slot is None:
                    self._threaded -= 1
                else:
                    slot.in_flight -= 1
            await asyncio.sleep(wait)

    async def stream_unary(
        self,
        stub_cls: type,
        method: str,
        requests: Callable[[], Iterable[Any] | AsyncIterable[Any]],
        *,
        replayable: bool,
        timeout: Timeout,  # noqa: ASYNC109 - it becomes the gRPC deadline
        metadata: tuple[tuple[str, str], ...] | None = None,
    ) -> Any:
        """Call client-streaming ``method`` with the messages ``requests()`` makes; its answer.

        A plain iterable is consumed by gRPC's own thread on the sync channel (what it
        reads, it reads off the event loop); an async iterable is sent by ``grpc.aio``.
        Rate limiting is retried as for :meth:`unary`, but only when ``replayable``:
        ``requests()`` is called again for each attempt. An exception raised by the
        messages' iterator itself is raised as it is. ``metadata``: as for :meth:`unary`.

        Raises:
            RPCError: the translated failure (after retries).
        """
        deadline = self.deadline(timeout)
        md = self._call_metadata(metadata)
        tries = _NO_TRIES
        while True:
            failed: list[BaseException] = []  # what the request iterator raised, if anything
            try:
                return await self._send_stream(
                    stub_cls, method, requests(), failed, deadline.remaining(), md
                )
            except grpc.RpcError as exc:
                if failed:
                    raise failed[0] from None
                if not replayable:
                    raise translate(exc) from exc
                wait, tries = self._retry_wait(exc, 0, tries, deadline)
            except asyncio.CancelledError:
                task = asyncio.current_task()
                if failed and task is not None and not task.cancelling():
                    raise failed[0] from None  # grpc.aio cancels a call whose iterator raised
                _reraise_unless_closed(0)
            await asyncio.sleep(wait)

    async def _send_stream(
        self,
        stub_cls: type,
        method: str,
        messages: Iterable[Any] | AsyncIterable[Any],
        failed: list[BaseException],
        seconds: float,
        md: Any,
    ) -> Any:
        if isinstance(messages, AsyncIterable):
            slot = self._pool().pick()
            slot.in_flight += 1
            try:
                call = getattr(slot.stub(stub_cls), method)
                return await call(_guarded_async(messages, failed), timeout=seconds, metadata=md)
            finally:
                slot.in_flight -= 1
        if self._sync is None:
            self._sync = _Slot(_sync_channel(self.config))
        call = getattr(self._sync.stub(stub_cls), method)
        future = call.future(_guarded(messages, failed), timeout=seconds, metadata=md)
        loop = asyncio.get_running_loop()
        done: asyncio.Future[None] = loop.create_future()

        def wake(_: object) -> None:
            with suppress(RuntimeError):  # the loop is closed: nobody is waiting
                loop.call_soon_threadsafe(_set_done, done)

        future.add_done_callback(wake)
        try:
            await done
        except asyncio.CancelledError:
            future.cancel()
            raise
        return future.result()  # raises the call (a grpc.RpcError) when it failed

    def _call_metadata(
        self, metadata: tuple[tuple[str, str], ...] | None
    ) -> tuple[tuple[str, str], ...]:
        """Auth and client metadata, then ``metadata`` (default: the current trace context)."""
        extra = trace_headers() if metadata is None else metadata
        return self._metadata + extra if extra else self._metadata

    def _retry_wait(
        self, exc: grpc.RpcError, received: int, tries: tuple[int, int], deadline: Deadline
    ) -> tuple[float, tuple[int, int]]:
        """Seconds to wait before making a failed call again, and the retries made then;
        raises when it is not retried.

        Only rate limiting and INTERNAL (before a stream's first message) are retried,
        while each one's retries and the deadline allow; a stream failing after its
        first message is :class:`StreamInterrupted`.
        """
        error = translate(exc)
        if received:
            raise StreamInterrupted(received, error) from exc
        limited, internal = tries
        if isinstance(error, RateLimited) and limited < self._policy.retries:
            wait = self._policy.delay(limited, error.retry_after)
            tries = (limited + 1, internal)
        elif internal < self._internal.retries and is_internal(error):
            wait = self._internal.delay(internal)
            tries = (limited, internal + 1)
        else:
            raise error from exc
        if wait >= deadline.remaining():
            raise error from exc
        return wait, tries

    def _open_stream(
        self, stub_cls: type, method: str, request: Any, seconds: float, md: Any, threaded: bool
    ) -> tuple[Any, _Slot | None]:
        """Start the call on a reader thread (slot ``None``) or on the least busy channel."""
        if threaded and self._threaded < self.config.stream_threads:
            call = self._start_threaded(stub_cls, method, request, seconds, md)
            self._threaded += 1
            return call, None
        if md is self._metadata:  # grpc.aio would make its Metadata of the tuple again
            md = self._aio_metadata
        slot = self._pool().pick()
        call = getattr(slot.stub(stub_cls), method)(request, timeout=seconds, metadata=md)
        slot.in_flight += 1
        return call, slot

    def _start_threaded(
        self, stub_cls: type, method: str, request: Any, seconds: float, md: Any
    ) -> ThreadedStream:
        if self._sync is None:
            self._sync = _Slot(_sync_channel(self.config))
        call = getattr(self._sync.stub(stub_cls), method)(request, timeout=seconds, metadata=md)
        return ThreadedStream(call, asyncio.get_running_loop())

    async def connect(self, timeout: float) -> None:  # noqa: ASYNC109 - named in the error
        """Open every pooled connection of the running loop now, not at the first call.

        Raises:
            Unavailable: not every connection was ready within ``timeout`` seconds.
        """
        try:
            async with asyncio.timeout(timeout), asyncio.TaskGroup() as tg:
                for slot in self._pool().slots:
                    tg.create_task(slot.channel.channel_ready())
        except TimeoutError:
            where = self.config.endpoint
            raise Unavailable(
                f"could not connect to {where} within {timeout:g} s", code="UNAVAILABLE"
            ) from None

    async def close(self) -> None:
        """Close the running loop's channels (and forget those of finished loops).

        The sync channel of threaded streams is closed too, cancelling its
        streams. The transport stays usable: a later call opens new channels.
        """
        loop = asyncio.get_running_loop()
        pool = self._pools.pop(loop, None)
        self._forget_closed_loops()
        sync, self._sync = self._sync, None
        if sync is not None:
            sync.channel.close()
        if pool is not None:
            await pool.close()


def _reraise_unless_closed(received: int) -> NoReturn:
    """Re-raise a real cancellation; turn gRPC's "closed under the call" into an error.

    ``grpc.aio`` raises ``CancelledError`` when the channel is closed during a
    call. That is not a cancellation of the caller's task, so it must not
    look like one (it would confuse task groups and timeouts).
    """
    task = asyncio.current_task()
    if task is None or task.cancelling():
        raise
    error = Cancelled("the call was cancelled locally (the client was closed)", code="CANCELLED")
    if received:
        raise StreamInterrupted(received, error) from None
    raise error from None


def _set_done(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


def _guarded(messages: Iterable[Any], failed: list[BaseException]) -> Iterator[Any]:
    """``messages``, recording what their iterator raises (gRPC would only log it)."""
    try:
        yield from messages
    except Exception as exc:
        failed.append(exc)
        raise


async def _guarded_async(
    messages: AsyncIterable[Any], failed: list[BaseException]
) -> AsyncIterator[Any]:
    """``messages``, recording what their iterator raises (grpc.aio would cancel the call)."""
    try:
        async for message in messages:
            yield message
    except Exception as exc:
        failed.append(exc)
        raise


async def _nothing() -> None:
    return None


def _aio_reader(call: Any) -> tuple[Callable[[], Any], Callable[[], Any], Any, Callable[[], Any]]:
    """How to read a ``grpc.aio`` unary-stream ``call``: ``(ready, receive, deserialize, end)``.

    Await ``ready()`` once, then ``receive()`` until ``aio.EOF``, deserializing each with
    ``deserialize`` (when not ``None``), then ``end()`` (raises the call's error status).
    On the grpcio releases whose internals were checked (``TESTED_GRPC``) that is what
    gRPC's own iterator does, minus its Python layers per message (an async generator, a
    read coroutine, two wrappers around the deserializer): the Cython receive and the
    deserializer are called directly. Otherwise it is the public ``call.read()``.
    """
    if grpc.__version__.startswith(TESTED_GRPC):
        try:
            parts = (call._preparation, call._cython_call.receive_serialized_message)
            deserialize, end = call._response_deserializer, call._raise_for_status
        except AttributeError:  # not these internals
            pass
        else:
            preparation, receive = parts
            return partial(_await, preparation), receive, deserialize, end
    return _nothing, call.read, None, _nothing


async def _await(task: Any) -> None:
    await task


def _sync_channel(config: ClientConfig) -> grpc.Channel:
    options = [*channel_options(config), (SINGLE_THREADED_OPTION, 1)]
    if config.use_tls:
        return grpc.secure_channel(config.endpoint, grpc.ssl_channel_credentials(), options)
    return grpc.insecure_channel(config.endpoint, options)
