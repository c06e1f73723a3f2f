"""Hostile requests, metadata and flags against the simulator: refused at once, or bounded.

Each table row is one abusive value; the next case of a class is one more row.
Bad metadata knobs answer INVALID_ARGUMENT naming the header and its range
before any work; bad ``agentrt sim`` flags exit 2 with one line; a call whose
caller gives up stops being worked on; a second signal ends the drain at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import signal
import subprocess
import time
from collections.abc import Iterator, Mapping
from typing import Any

import grpc
import pytest
from agentrt_protos.xai.api.v1 import chat_pb2, chat_pb2_grpc

from agentrt.sim import Simulator
from agentrt.sim.faults import FaultConfig, Realism
from agentrt.sim.knobs import MAX_OUTPUT_TOKENS
from tests.conftest import running_sim, sim_command

pytestmark = pytest.mark.e2e

SLOW = (("x-sim-ttft-ms", "30000"),)  # a call that got to work would not answer at once


def _request(n: int | None = None) -> chat_pb2.GetCompletionsRequest:
    return chat_pb2.GetCompletionsRequest(
        model="grok-3",
        messages=[chat_pb2.Message(role=chat_pb2.ROLE_USER, content=[chat_pb2.Content(text="hi")])],
        n=n,
    )


async def _code(call: Any) -> tuple[grpc.StatusCode, str]:
    try:
        await call
    except grpc.aio.AioRpcError as exc:
        return exc.code(), exc.details() or ""
    return grpc.StatusCode.OK, ""


@pytest.mark.parametrize(
    ("header", "value", "allowed"),
    [
        ("x-sim-output-tokens", "100000000", "a whole number from 0 to 100,000"),
        ("x-sim-output-tokens", str(MAX_OUTPUT_TOKENS + 1), "from 0 to 100,000"),
        ("x-sim-output-tokens", "-1", "from 0 to 100,000"),
        ("x-sim-output-tokens", "1e8", "a whole number"),
        ("x-sim-fault-rate", "2", "a number from 0 to 1"),
        ("x-sim-fault-rate", "nan", "a number from 0 to 1"),
        ("x-sim-fault-rate", "-0.1", "a number from 0 to 1"),
        ("x-sim-ttft-ms", "inf", "a number from 0 to 600,000"),
        ("x-sim-ttft-ms", "nan", "a number from 0 to 600,000"),
        ("x-sim-itl-ms", "1e12", "a number from 0 to 60,000"),
        ("x-sim-itl-ms", "-5", "a number from 0 to 60,000"),
        ("x-sim-tokens-per-chunk", "0", "a whole number from 1 to 100,000"),
        ("x-sim-tokens-per-chunk", "9" * 30, "a whole number from 1 to 100,000"),
        ("x-sim-abort-after", "10000000000", "a whole number from 0 to 1,000,000"),
        ("x-sim-retry-after-ms", "99999999999999", "a whole number from 0 to 3,600,000"),
        ("x-sim-retry-after-ms", "soon", "a whole number from 0 to 3,600,000"),
        ("x-sim-session", "s" * 201, "at most 200 characters"),
    ],
)
@pytest.mark.parametrize("streamed", [False, True])
async def test_a_bad_metadata_knob_is_invalid_argument_before_any_work(
    header: str, value: str, allowed: str, streamed: bool
) -> None:
    metadata = (*SLOW, (header, value))
    async with Simulator() as sim, grpc.aio.insecure_channel(sim.address) as channel:
        stub = chat_pb2_grpc.ChatStub(channel)
        started = time.monotonic()
        if streamed:
            stream = stub.GetCompletionChunk(_request(), metadata=metadata, timeout=10)
            code, details = await _code(stream.read())
        else:
            code, details = await _code(
                stub.GetCompletion(_request(), metadata=metadata, timeout=10)
            )
    assert (code, time.monotonic() - started < 20) == (grpc.StatusCode.INVALID_ARGUMENT, True)
    assert f"metadata {header}=" in details
    assert allowed in details


@pytest.mark.parametrize(
    ("n", "metadata", "message"),
    [
        (129, (), "n=129: ask for 1 to 128 answers"),
        (1_000_000_000, (), "ask for 1 to 128 answers"),
        (-1, (), "ask for 1 to 128 answers"),
        (128, (("x-sim-output-tokens", str(MAX_OUTPUT_TOKENS)),), "lower n or x-sim-output-tokens"),
    ],
)
async def test_too_many_answers_are_refused(
    n: int, metadata: tuple[tuple[str, str], ...], message: str
) -> None:
    async with Simulator() as sim, grpc.aio.insecure_channel(sim.address) as channel:
        call = chat_pb2_grpc.ChatStub(channel).GetCompletion(
            _request(n), metadata=metadata, timeout=10
        )
        code, details = await _code(call)
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert message in details


async def test_the_longest_answer_is_served_whole_and_small_and_one_more_token_is_refused() -> None:
    async with Simulator() as sim, grpc.aio.insecure_channel(sim.address) as channel:
        stub = chat_pb2_grpc.ChatStub(channel)
        longest = await stub.GetCompletion(
            _request(), metadata=(("x-sim-output-tokens", str(MAX_OUTPUT_TOKENS)),), timeout=20
        )
        code, _ = await _code(
            stub.GetCompletion(
                _request(), metadata=(("x-sim-output-tokens", str(MAX_OUTPUT_TOKENS + 1)),)
            )
        )
    assert longest.usage.completion_tokens == MAX_OUTPUT_TOKENS
    assert longest.ByteSize() < 2_000_000
    assert code == grpc.StatusCode.INVALID_ARGUMENT


@pytest.mark.parametrize(
    "settings",
    [
        Realism(output_tokens=100_000_000),
        Realism(itl_ms=math.nan),
        Realism(ttft_ms=math.inf),
        Realism(tokens_per_chunk=0),
        FaultConfig(rate=2.0),
        FaultConfig(deadline_stall_ms=-1),
    ],
    ids=repr,
)
async def test_bad_programmatic_settings_fail_at_start(settings: Realism | FaultConfig) -> None:
    option = "realism" if isinstance(settings, Realism) else "faults"
    with pytest.raises(ValueError, match="expected a"):
        async with Simulator(**{option: settings}):
            pass


def _recording(ends: list[float]) -> Any:
    """An observer that notes when each call's handler ends on the server."""

    @contextlib.contextmanager
    def observe(method: str, metadata: Mapping[str, str]) -> Iterator[None]:
        try:
            yield None
        finally:
            ends.append(time.monotonic())

    return observe


@pytest.mark.parametrize(
    ("tokens", "expected"),
    [
        (MAX_OUTPUT_TOKENS, grpc.StatusCode.DEADLINE_EXCEEDED),  # 500 s of paced chunks
        (100_000_000, grpc.StatusCode.INVALID_ARGUMENT),  # was: GBs built, every client blocked
    ],
)
@pytest.mark.parametrize("streamed", [False, True])
async def test_a_call_past_its_deadline_stops_working_and_others_are_served(
    streamed: bool, tokens: int, expected: grpc.StatusCode
) -> None:
    ends: list[float] = []
    metadata = (("x-sim-itl-ms", "5"), ("x-sim-output-tokens", str(tokens)))
    async with (
        Simulator(observer=_recording(ends)) as sim,
        grpc.aio.insecure_channel(sim.address) as channel,
    ):
        stub = chat_pb2_grpc.ChatStub(channel)
        started = time.monotonic()
        if streamed:
            call = stub.GetCompletionChunk(_request(), metadata=metadata, timeout=0.3)
            code, _ = await _code(_drain(call))
        else:
            code, _ = await _code(stub.GetCompletion(_request(), metadata=metadata, timeout=0.3))
        other = await stub.GetCompletion(_request(), timeout=1.5)
        await asyncio.sleep(0.2)
    assert code == expected
    assert other.outputs[0].message.content
    assert len(ends) == 2
    assert ends[0] - started < 1.5  # the server side ended with the deadline, not 500 s later


async def _drain(call: Any) -> None:
    async for _ in call:
        pass


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        sim_command(*args), capture_output=True, text=True, timeout=30, check=False
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--itl-ms", "nan"), "--itl-ms: 'nan' is not a number from 0 to 60,000"),
        (("--itl-ms", "inf"), "--itl-ms: 'inf'"),
        (("--itl-ms", "-1"), "--itl-ms: '-1'"),
        (("--ttft-ms", "nan"), "--ttft-ms: 'nan' is not a number from 0 to 600,000"),
        (("--ttft-ms", "1e999"), "--ttft-ms: '1e999'"),
        (("--tokens-per-chunk", "0"), "--tokens-per-chunk: '0' is not a whole number from 1"),
        (("--tokens-per-chunk", "nan"), "--tokens-per-chunk: 'nan'"),
        (("--output-tokens", "100000000"), "--output-tokens: '100000000' is not a whole number"),
        (("--output-tokens", "inf"), "--output-tokens: 'inf'"),
        (("--fault-rate", "nan"), "--fault-rate: 'nan' is not a number from 0 to 1"),
        (("--fault-rate", "-0.5"), "--fault-rate: '-0.5'"),
        (("--abort-after", "1e9"), "--abort-after: '1e9'"),
        (("--retry-after-ms", "-5"), "--retry-after-ms: '-5'"),
        (("--retry-after-ms", "9" * 20), "--retry-after-ms: '999"),
        (("--deadline-stall-ms", "nan"), "--deadline-stall-ms: 'nan'"),
        (("--deadline-stall-ms", "-1"), "--deadline-stall-ms: '-1'"),
        (("--seed", "-1"), "--seed: '-1'"),
        (("--seed", "inf"), "--seed: 'inf'"),
        (("--grace", "nan"), "--grace: 'nan' is not a duration"),
        (("--grace", "inf"), "--grace: 'inf' is not a duration"),
        (("--grace", "-1"), "--grace: '-1' is not a duration"),
        (("--grace", "1e300"), "--grace: '1e300' is not a duration"),
    ],
)
def test_a_bad_numeric_flag_exits_2_with_one_line(args: tuple[str, ...], message: str) -> None:
    out = _run(*args)
    assert (out.returncode, out.stdout) == (2, ""), out.stderr
    assert out.stderr.startswith("agentrt: error: argument ")
    assert message in out.stderr
    assert out.stderr.count("\n") == 1
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize("second", [signal.SIGINT, signal.SIGTERM])
def test_a_second_signal_while_draining_stops_at_once(second: signal.Signals) -> None:
    with (
        running_sim("--itl-ms", "200", "--output-tokens", "200", "--grace", "60") as sim,
        grpc.insecure_channel(sim.address) as channel,
    ):
        stream = chat_pb2_grpc.ChatStub(channel).GetCompletionChunk(_request(), timeout=30)
        next(stream)
        sim.process.send_signal(signal.SIGINT)
        time.sleep(0.5)
        assert sim.process.poll() is None  # draining: the stream still has 40 s to go
        sim.process.send_signal(second)
        assert sim.process.wait(timeout=5) == 0
        with pytest.raises(grpc.RpcError):
            list(stream)
    assert "Traceback" not in sim.stderr
