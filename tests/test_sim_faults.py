"""Every fault and realism knob of ``agentrt sim``: the client sees the documented outcome.

Most tests share one simulator and switch faults per call with metadata
headers; one more simulator is started with the command-line flags, to show
the flags do the same.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import grpc
import jsonschema
import pytest
from agentrt_protos.xai.api.v1 import chat_pb2, chat_pb2_grpc

from agentrt.sim.tokens import count_tokens
from tests.conftest import SimProcess, running_sim

pytestmark = pytest.mark.e2e

WEATHER = chat_pb2.Tool(
    function=chat_pb2.Function(
        name="get_weather",
        description="Get the weather for a city.",
        parameters=json.dumps(
            {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
        ),
    )
)
SCHEMA = {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}


def _request(text: str = "Hello", **kw: Any) -> chat_pb2.GetCompletionsRequest:
    return chat_pb2.GetCompletionsRequest(
        model="grok-3",
        messages=[chat_pb2.Message(role=chat_pb2.ROLE_USER, content=[chat_pb2.Content(text=text)])],
        **kw,
    )


def _session(**headers: str) -> tuple[tuple[str, str], ...]:
    """Metadata for one test: its own session, plus x-sim-* headers (underscores → dashes)."""
    pairs = {
        "x-sim-session": uuid.uuid4().hex,
        **{f"x-sim-{k.replace('_', '-')}": v for k, v in headers.items()},
    }
    return tuple(pairs.items())


@pytest.fixture
async def stub(sim_process: SimProcess) -> AsyncIterator[chat_pb2_grpc.ChatStub]:
    async with grpc.aio.insecure_channel(sim_process.address) as channel:
        yield chat_pb2_grpc.ChatStub(channel)


@pytest.fixture(scope="module")
def flagged() -> Iterator[SimProcess]:
    """A simulator configured by flags: internal on calls 2 and 3, short deadline stall."""
    with running_sim(
        "--fault", "internal", "--fault-on", "2,3", "--deadline-stall-ms", "200", "--seed", "5"
    ) as sim:
        yield sim


async def _error(call: Any) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await call
    return info.value


@pytest.mark.parametrize(
    ("fault", "code"),
    [
        ("unavailable", grpc.StatusCode.UNAVAILABLE),
        ("internal", grpc.StatusCode.INTERNAL),
        ("too_large", grpc.StatusCode.RESOURCE_EXHAUSTED),
    ],
)
async def test_error_faults_end_the_call_with_their_code(
    stub: chat_pb2_grpc.ChatStub, fault: str, code: grpc.StatusCode
) -> None:
    err = await _error(stub.GetCompletion(_request(), metadata=_session(fault=fault), timeout=10))
    assert err.code() == code
    assert "simulated fault" in (err.details() or "")
    trailers = dict(err.trailing_metadata() or ())
    assert trailers["x-request-id"].startswith("sim-")
    if fault == "too_large":
        assert "larger than max" in (err.details() or "")
        assert "grpc-retry-pushback-ms" not in trailers


async def test_resource_exhausted_carries_a_retry_hint(stub: chat_pb2_grpc.ChatStub) -> None:
    md = _session(fault="resource_exhausted", retry_after_ms="250")
    err = await _error(stub.GetCompletion(_request(), metadata=md, timeout=10))
    assert err.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert dict(err.trailing_metadata() or ())["grpc-retry-pushback-ms"] == "250"


async def test_faults_on_numbered_calls_per_session(stub: chat_pb2_grpc.ChatStub) -> None:
    md = _session(fault="unavailable", fault_on="1,2")
    for _ in range(2):
        err = await _error(stub.GetCompletion(_request(), metadata=md, timeout=10))
        assert err.code() == grpc.StatusCode.UNAVAILABLE
    assert (await stub.GetCompletion(_request(), metadata=md, timeout=10)).outputs
    other = _session(fault="unavailable", fault_on="2")  # a new session counts from 1 again
    assert (await stub.GetCompletion(_request(), metadata=other, timeout=10)).outputs


async def _rate_pattern(stub: chat_pb2_grpc.ChatStub, session: str, rate: str) -> list[bool | str]:
    md = (
        ("x-sim-session", session),
        ("x-sim-fault", "internal"),
        ("x-sim-fault-on", ""),  # every call (overrides the flagged server's --fault-on)
        ("x-sim-fault-rate", rate),
    )
    out: list[bool | str] = []
    for _ in range(20):
        try:
            await stub.GetCompletion(_request(), metadata=md, timeout=10)
            out.append(True)
        except grpc.aio.AioRpcError as exc:
            out.append(exc.code().name)
    return out


async def test_fault_rate_is_seeded(stub: chat_pb2_grpc.ChatStub, flagged: SimProcess) -> None:
    session = uuid.uuid4().hex
    pattern = await _rate_pattern(stub, session, "0.5")
    assert 0 < pattern.count("INTERNAL") < 20
    assert pattern.count("INTERNAL") + pattern.count(True) == 20
    assert await _rate_pattern(stub, uuid.uuid4().hex, "0") == [True] * 20
    assert await _rate_pattern(stub, uuid.uuid4().hex, "1") == ["INTERNAL"] * 20
    async with grpc.aio.insecure_channel(flagged.address) as channel:  # --seed 5: another pattern
        assert await _rate_pattern(chat_pb2_grpc.ChatStub(channel), session, "0.5") != pattern


async def test_deadline_fault_stalls_until_the_deadline(stub: chat_pb2_grpc.ChatStub) -> None:
    started = time.monotonic()
    err = await _error(
        stub.GetCompletion(_request(), metadata=_session(fault="deadline"), timeout=0.3)
    )
    assert err.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    assert time.monotonic() - started >= 0.25


async def test_abort_cuts_the_stream_after_k_chunks(stub: chat_pb2_grpc.ChatStub) -> None:
    call = stub.GetCompletionChunk(
        _request(), metadata=_session(fault="abort", abort_after="4"), timeout=10
    )
    received = [await call.read() for _ in range(4)]
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await call.read()
    assert all(c.outputs[0].delta.content for c in received)
    assert info.value.code() == grpc.StatusCode.UNAVAILABLE
    assert "aborted after 4 chunks" in (info.value.details() or "")


async def test_malformed_args_and_unknown_tool(stub: chat_pb2_grpc.ChatStub) -> None:
    request = _request("What is the weather in Paris?", tools=[WEATHER])
    good = await stub.GetCompletion(request, metadata=_session(), timeout=10)
    assert json.loads(good.outputs[0].message.tool_calls[0].function.arguments) == {"city": "Paris"}
    bad = await stub.GetCompletion(request, metadata=_session(fault="malformed_args"), timeout=10)
    with pytest.raises(json.JSONDecodeError):
        json.loads(bad.outputs[0].message.tool_calls[0].function.arguments)
    unknown = await stub.GetCompletion(request, metadata=_session(fault="unknown_tool"), timeout=10)
    assert unknown.outputs[0].message.tool_calls[0].function.name == "nonexistent_tool"


async def test_invalid_output_fails_the_schema(stub: chat_pb2_grpc.ChatStub) -> None:
    fmt = chat_pb2.ResponseFormat(
        format_type=chat_pb2.FORMAT_TYPE_JSON_SCHEMA, schema=json.dumps(SCHEMA)
    )
    good = await stub.GetCompletion(
        _request("n is 4", response_format=fmt), metadata=_session(), timeout=10
    )
    jsonschema.validate(json.loads(good.outputs[0].message.content), SCHEMA)
    md = _session(fault="invalid_output")
    bad = await stub.GetCompletion(_request("n is 4", response_format=fmt), metadata=md, timeout=10)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(json.loads(bad.outputs[0].message.content), SCHEMA)


async def test_realism_headers_shape_the_stream(stub: chat_pb2_grpc.ChatStub) -> None:
    md = _session(output_tokens="30", tokens_per_chunk="4", ttft_ms="200", itl_ms="5")
    started = time.monotonic()
    chunks = [c async for c in stub.GetCompletionChunk(_request(), metadata=md, timeout=10)]
    elapsed = time.monotonic() - started
    texts = [c.outputs[0].delta.content for c in chunks if c.outputs[0].delta.content]
    assert [count_tokens(t) for t in texts] == [4] * 7 + [2]
    assert chunks[-1].usage.completion_tokens == 30
    assert elapsed >= 0.2 + 7 * 0.005


async def test_bad_header_is_invalid_argument(stub: chat_pb2_grpc.ChatStub) -> None:
    for md in (_session(fault="explode"), _session(ttft_ms="soon")):
        err = await _error(stub.GetCompletion(_request(), metadata=md, timeout=10))
        assert err.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert "x-sim-" in (err.details() or "")


async def test_flags_configure_the_same_faults(flagged: SimProcess) -> None:
    async with grpc.aio.insecure_channel(flagged.address) as channel:
        stub = chat_pb2_grpc.ChatStub(channel)
        assert (await stub.GetCompletion(_request(), timeout=10)).outputs  # call 1
        for _ in range(2):  # calls 2 and 3
            err = await _error(stub.GetCompletion(_request(), timeout=10))
            assert err.code() == grpc.StatusCode.INTERNAL
        assert (await stub.GetCompletion(_request(), timeout=10)).outputs  # call 4
        started = time.monotonic()  # --deadline-stall-ms 200, and the call has no deadline
        err = await _error(
            stub.GetCompletion(_request(), metadata=_session(fault="deadline", fault_on="1"))
        )
        assert err.code() == grpc.StatusCode.DEADLINE_EXCEEDED
        assert time.monotonic() - started >= 0.19
        # a header wins over the flags: 'none' turns the server's faults off for the call
        md = (("x-sim-fault", "none"),)
        assert (await stub.GetCompletion(_request(), metadata=md, timeout=10)).outputs
