"""Reading gRPC's single-threaded sync stream with less Python per message: :func:`messages`.

Why: iterating gRPC's ``_SingleThreadedRendezvous`` costs ≈7-8 µs of CPU per
message, about half of it Python bookkeeping around two C calls (a lock taken
twice, a generic event handler, a deserializer wrapper). The reader thread of
:mod:`agentrt.xai.stream_thread` shares the GIL with the event loop, so that
bookkeeping is paid by the whole stream: against a server that packs many
messages per frame the threaded stream ran at ≈0.65x a plain sync stub.

How: per message the loop here does what gRPC's ``_next`` does for a stream that
is going well — start a receive-message operation, take the next event of the
call's own completion queue, deserialize — and hands every other case to gRPC
itself: an event that is not this receive (initial metadata, status) goes through
gRPC's own event handler, and the end of the stream (no more messages, an error,
a cancellation, a message that does not deserialize) is left to gRPC's iterator,
so status codes, errors and trailers are exactly gRPC's. It relies on gRPC
internals (``grpc._channel``); when they are not as expected, the call is simply
iterated.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

__all__ = ["TESTED_GRPC", "messages"]

TESTED_GRPC = ("1.85.",)
"""grpcio releases whose internals the lean loop was checked against (its tests run on them);
any other release is simply iterated, so an upgrade can cost speed, never correctness."""


def messages(call: Any) -> Iterator[Any]:
    """The messages of a started sync unary-stream ``call``, then its end as gRPC raises it."""
    parts = _internals(call)
    if parts is None:
        return iter(call)
    return _lean(call, *parts)


def _internals(call: Any) -> tuple[Any, ...] | None:
    """What the lean loop needs of gRPC, or ``None`` if this call or gRPC is not as expected."""
    try:
        import grpc
        from grpc import _channel

        if not grpc.__version__.startswith(TESTED_GRPC):
            return None
        from grpc._cython import cygrpc  # type: ignore[attr-defined]

        if type(call).__name__ != "_SingleThreadedRendezvous":
            return None
        state, segregated = call._state, call._call
        handle, receive = _channel._handle_event, cygrpc.OperationType.receive_message
        operations = (cygrpc.ReceiveMessageOperation(0),)
        state.due.add  # noqa: B018 - present, or not these internals
        # the condition's lock itself: Condition.__enter__/__exit__ are two Python calls per message
        lock = state.condition._lock
        return state, lock, segregated, call._response_deserializer, handle, receive, operations
    except (ImportError, AttributeError):
        return None


def _lean(
    call: Any,
    state: Any,
    lock: Any,
    segregated: Any,
    deserialize: Any,
    handle: Any,
    receive: Any,
    operations: Any,
) -> Iterator[Any]:
    condition, due = state.condition, state.due
    while True:
        with lock:  # as gRPC: `due` holds the operation before it can complete
            if state.code is not None:
                break
            due.add(receive)
            if not segregated.operate(operations, None):
                due.discard(receive)
                break
        while True:
            event = segregated.next_event()
            ops = event.batch_operations
            if len(ops) == 1 and ops[0].type() == receive:
                break
            with condition:  # not our receive: gRPC's own handler (metadata, status)
                for callback in handle(event, state, deserialize):
                    callback()
        raw = ops[0].message()
        if raw is None:  # no more messages: gRPC's iterator reports how the call ended
            due.discard(receive)
            break
        try:
            message = raw if deserialize is None else deserialize(raw)
        except Exception:  # gRPC logs it and ends the call INTERNAL: let it do just that
            with condition:
                handle(event, state, deserialize)
            break
        due.discard(receive)
        yield message
    yield from call
