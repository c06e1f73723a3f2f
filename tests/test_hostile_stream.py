"""Hostile servers against the lean sync stream reader (agentrt/xai/sync_reader.py).

Each row is a way a server ends a stream; the lean reader must see exactly what gRPC's own
iterator sees: the same messages, then the same status code, details and trailers. Real
grpc.aio server on 127.0.0.1 (tests/fake_xai.py), real sync channels.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

import grpc
import pytest
from agentrt_protos.xai.api.v1 import chat_pb2, chat_pb2_grpc

from agentrt.xai.stream_thread import SINGLE_THREADED_OPTION
from agentrt.xai.sync_reader import _internals, messages
from tests.fake_xai import FakeXai, Fault, serve_fake

TOKENS = [f"t{i}" for i in range(40)]


def _fault(code: grpc.StatusCode, **kw: Any) -> Callable[[FakeXai], None]:
    return lambda s: s.faults.append(Fault(code, **kw))


def _fail_after(n: int, fault: Fault) -> Callable[[FakeXai], None]:
    def setup(s: FakeXai) -> None:
        s.fail_after, s.fail_after_fault = n, fault

    return setup


CASES: list[tuple[str, Callable[[FakeXai], None], float]] = [
    ("whole stream", lambda s: None, 10),
    ("refused before any message", _fault(grpc.StatusCode.UNAUTHENTICATED, details="bad key"), 10),
    (
        "rate limited with trailers",
        _fault(grpc.StatusCode.RESOURCE_EXHAUSTED, trailing=(("retry-after", "3"),)),
        10,
    ),
    ("fails mid-stream", _fail_after(7, Fault(grpc.StatusCode.INTERNAL, details="boom")), 10),
    ("fails after the last message", _fail_after(39, Fault(grpc.StatusCode.UNAVAILABLE)), 10),
    ("hangs past the deadline", lambda s: setattr(s, "hang", True), 0.3),
    ("slow past the deadline", lambda s: setattr(s, "chunk_delay", 0.05), 0.5),
]


def _read(address: str, lean: bool, timeout: float) -> tuple[Any, ...]:
    options = [(SINGLE_THREADED_OPTION, 1)]
    with grpc.insecure_channel(address, options=options) as channel:
        call = chat_pb2_grpc.ChatStub(channel).GetCompletionChunk(
            chat_pb2.GetCompletionsRequest(model="m"), timeout=timeout
        )
        if lean:
            assert _internals(call) is not None  # the lean loop, not the fallback
        got: list[str] = []
        try:
            for chunk in messages(call) if lean else call:
                got.append(chunk.outputs[0].delta.content)
        except grpc.RpcError as exc:
            return got, exc.code(), exc.details(), tuple(exc.trailing_metadata() or ())
        return got, call.code(), call.details(), tuple(call.trailing_metadata() or ())


@pytest.mark.parametrize(("setup", "deadline"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
async def test_the_lean_reader_ends_every_stream_as_grpc_does(
    setup: Callable[[FakeXai], None], deadline: float
) -> None:
    results = []
    for lean in (False, True):
        state = FakeXai(tokens=TOKENS)
        setup(state)
        async with serve_fake(state=state) as (_, address):
            results.append(await asyncio.to_thread(_read, address, lean, deadline))
    plain, lean_result = results
    if plain[1] == grpc.StatusCode.DEADLINE_EXCEEDED:
        # how far a slow stream got is timing, and so is gRPC's own wording of the expiry
        # ("Deadline Exceeded" or "Stream removed (Deadline Exceeded)") for either reader
        assert lean_result[1] == plain[1]
        assert "Deadline Exceeded" in lean_result[2]
        plain, lean_result = plain[3:], lean_result[3:]
    assert lean_result == plain


async def test_a_cancel_from_another_thread_ends_the_lean_reader_as_grpc_does() -> None:
    state = FakeXai(tokens=TOKENS, chunk_delay=0.01)
    async with serve_fake(state=state) as (_, address):

        def read() -> tuple[int, grpc.StatusCode]:
            with grpc.insecure_channel(address, options=[(SINGLE_THREADED_OPTION, 1)]) as ch:
                call = chat_pb2_grpc.ChatStub(ch).GetCompletionChunk(
                    chat_pb2.GetCompletionsRequest(model="m"), timeout=10
                )
                got = 0
                try:
                    for _ in messages(call):
                        got += 1
                        if got == 3:
                            threading.Thread(target=call.cancel).start()
                except grpc.RpcError as exc:
                    return got, exc.code()
                return got, grpc.StatusCode.OK

        got, code = await asyncio.to_thread(read)
    assert code == grpc.StatusCode.CANCELLED
    assert 3 <= got < len(TOKENS)


def test_anything_but_grpcs_single_threaded_call_is_simply_iterated() -> None:
    assert list(messages(iter([1, 2, 3]))) == [1, 2, 3]
    assert _internals([1, 2]) is None


def test_a_grpc_release_the_lean_loop_was_not_checked_against_is_simply_iterated(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from types import SimpleNamespace

    from agentrt.xai import sync_reader

    class FakeCall:  # has what the lean loop reads: only the version check can refuse it
        _state = SimpleNamespace(due=set(), condition=threading.Condition())
        _call = object()
        _response_deserializer = None

    FakeCall.__name__ = "_SingleThreadedRendezvous"
    assert sync_reader._internals(FakeCall()) is not None
    monkeypatch.setattr(grpc, "__version__", "1.99.0")
    assert sync_reader._internals(FakeCall()) is None
