"""The simulator's ``/v1/chat/completions``, refereed by the official ``openai`` SDK, unchanged."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator

import aiohttp
import openai
import pydantic
import pytest

from agentrt.sim.faults import FaultConfig
from agentrt.sim.tokens import count_tokens
from agentrt.xai.chat_request import ChatRequest
from agentrt.xai.client import Client
from agentrt.xai.messages import tool_result, user
from agentrt.xai.tool_specs import FunctionTool
from tests.simrest_helpers import KEY, WEATHER_PARAMS, openai_client, rest_sim

MODEL = "grok-4-1-fast-reasoning"
HELLO = [{"role": "user", "content": "Say hello to the REST door"}]
WEATHER = {
    "type": "function",
    "function": {"name": "get_weather", "description": "Weather.", "parameters": WEATHER_PARAMS},
}
ASK = [{"role": "user", "content": "What's the weather in Lisbon and in Porto?"}]


async def test_unary_completion_has_openai_shape_and_usage() -> None:
    async with rest_sim() as sim, openai_client(sim) as client:
        answer = await client.chat.completions.create(model=MODEL, messages=HELLO)
    choice = answer.choices[0]
    assert answer.object == "chat.completion"
    assert answer.model == MODEL
    assert choice.finish_reason == "stop"
    assert "Say hello to the REST door" in str(choice.message.content)
    reasoning = choice.message.model_extra["reasoning_content"]  # type: ignore[index]
    usage = answer.usage
    assert usage is not None
    assert usage.completion_tokens_details is not None
    assert usage.completion_tokens == count_tokens(str(choice.message.content))
    assert usage.completion_tokens_details.reasoning_tokens == count_tokens(reasoning)
    assert usage.total_tokens == (
        usage.prompt_tokens + usage.completion_tokens + count_tokens(reasoning)
    )


async def test_stream_gives_the_unary_answer_in_chunks_then_usage() -> None:
    async with rest_sim() as sim, openai_client(sim, tokens_per_chunk="2") as client:
        unary = await client.chat.completions.create(model=MODEL, messages=HELLO)
        stream = await client.chat.completions.create(
            model=MODEL, messages=HELLO, stream=True, stream_options={"include_usage": True}
        )
        chunks = [chunk async for chunk in stream]
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == unary.choices[0].message.content
    assert sum(1 for c in chunks if c.choices and c.choices[0].delta.content) == -(
        -count_tokens(text) // 2
    )
    assert chunks[0].choices[0].delta.role == "assistant"
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert chunks[-1].usage == unary.usage
    assert len({c.id for c in chunks}) == 1


async def test_raw_stream_is_event_stream_ending_with_done() -> None:
    async with rest_sim() as sim, aiohttp.ClientSession() as http:
        body = {"model": MODEL, "messages": HELLO, "stream": True}
        headers = {"authorization": f"Bearer {KEY}"}
        async with http.post(f"{sim.rest_url}/chat/completions", json=body, headers=headers) as r:
            assert r.headers["content-type"].startswith("text/event-stream")
            raw = (await r.read()).decode()
    events = raw.split("\n\n")
    assert events[-2:] == ["data: [DONE]", ""]
    assert all(e.startswith("data: {") for e in events[:-2])
    assert json.loads(events[-3][6:])["usage"]["total_tokens"] > 0  # sent without include_usage


async def test_tool_round_trip() -> None:
    async with rest_sim() as sim, openai_client(sim) as client:
        first = await client.chat.completions.create(model=MODEL, messages=ASK, tools=[WEATHER])
        calls = first.choices[0].message.tool_calls or []
        assert first.choices[0].finish_reason == "tool_calls"
        assert [json.loads(c.function.arguments) for c in calls] == [  # type: ignore[union-attr]
            {"city": "Lisbon"},
            {"city": "Porto"},
        ]
        results = [
            {"role": "tool", "tool_call_id": c.id, "content": json.dumps({"temp_c": t})}
            for c, t in zip(calls, (18.25, 16), strict=True)
        ]
        messages = [*ASK, first.choices[0].message.model_dump(exclude_none=True), *results]
        stream = await client.chat.completions.create(
            model=MODEL, messages=messages, tools=[WEATHER], stream=True
        )
        text = "".join([c.choices[0].delta.content or "" async for c in stream if c.choices])
    assert "18.25" in text


async def test_streamed_tool_calls_have_index_id_and_function() -> None:
    async with rest_sim() as sim, openai_client(sim) as client:
        stream = await client.chat.completions.create(
            model=MODEL, messages=ASK, tools=[WEATHER], stream=True
        )
        chunks = [c async for c in stream]
    calls = [t for c in chunks for t in (c.choices[0].delta.tool_calls or [])]
    assert [(t.index, t.type) for t in calls] == [(0, "function"), (1, "function")]
    assert all(t.id and t.function and t.function.name == "get_weather" for t in calls)
    assert chunks[-1].choices[0].finish_reason == "tool_calls"


class Order(pydantic.BaseModel):
    order_id: str
    items: int


async def test_json_schema_output_parses_into_a_pydantic_model() -> None:
    async with rest_sim() as sim, openai_client(sim) as client:
        parsed = await client.chat.completions.parse(
            model="grok-3",
            messages=[{"role": "user", "content": "Order AB-123 has 4 items"}],
            response_format=Order,
        )
    order = parsed.choices[0].message.parsed
    assert isinstance(order, Order)
    assert order.order_id == "AB-123"


async def test_logprobs_and_n() -> None:
    async with rest_sim() as sim, openai_client(sim) as client:
        answer = await client.chat.completions.create(
            model="grok-3", messages=HELLO, n=2, logprobs=True, top_logprobs=2
        )
    assert [c.index for c in answer.choices] == [0, 1]
    logprobs = answer.choices[0].logprobs
    assert logprobs is not None
    assert logprobs.content
    assert "".join(t.token for t in logprobs.content) == answer.choices[0].message.content
    assert all(len(t.top_logprobs) == 2 for t in logprobs.content)


ERRORS = [
    ({"key": "wrong"}, {}, openai.AuthenticationError, 401, "API key"),
    ({}, {"model": "no-such-model"}, openai.NotFoundError, 404, "'no-such-model' does not exist"),
    ({"fault": "resource_exhausted"}, {}, openai.RateLimitError, 429, "rate limit"),
    ({"fault": "internal"}, {}, openai.InternalServerError, 500, "internal error"),
    ({"fault": "unavailable"}, {}, openai.InternalServerError, 503, "unavailable"),
    ({"fault": "too_large"}, {}, openai.APIStatusError, 413, "larger than max"),
    ({}, {"n": 1000}, openai.BadRequestError, 400, "n=1000"),
    ({}, {"tool_choice": {"function": {"name": "nope"}}}, None, 400, "'nope'"),
]


@pytest.mark.parametrize(("client_args", "body", "raised", "status", "says"), ERRORS)
@pytest.mark.parametrize("stream", [False, True])
async def test_errors_are_the_sdks_own_exceptions(
    client_args: dict[str, str],
    body: dict[str, object],
    raised: type[openai.APIStatusError] | None,
    status: int,
    says: str,
    stream: bool,
) -> None:
    async with rest_sim() as sim, openai_client(sim, **client_args) as client:
        with pytest.raises(raised or openai.BadRequestError) as caught:
            await client.chat.completions.create(
                **{"model": MODEL, "messages": HELLO, "stream": stream, **body}  # type: ignore[call-overload]
            )
    assert caught.value.status_code == status
    error = caught.value.body
    assert isinstance(error, dict)
    assert error["code"] == str(status)
    assert says in error["message"]
    assert error["message"]
    if status == 429:
        assert caught.value.response.headers["retry-after"] == "1"
        assert caught.value.response.headers["retry-after-ms"] == "1000"


async def test_deadline_fault_stalls_then_answers_504() -> None:
    async with (
        rest_sim(faults=FaultConfig(deadline_stall_ms=200)) as sim,
        openai_client(sim, fault="deadline") as client,
    ):
        started = time.monotonic()
        with pytest.raises(openai.InternalServerError) as caught:
            await client.chat.completions.create(model=MODEL, messages=HELLO)
    assert caught.value.status_code == 504
    assert time.monotonic() - started >= 0.2


@pytest.mark.parametrize("itl_ms", ["0", "5"])
async def test_abort_fault_cuts_the_stream_after_k_chunks(itl_ms: str) -> None:
    async with (
        rest_sim() as sim,
        openai_client(sim, fault="abort", abort_after="3", itl_ms=itl_ms) as client,
    ):
        stream = await client.chat.completions.create(model=MODEL, messages=HELLO, stream=True)
        got: list[object] = []
        with pytest.raises(openai.APIError, match="stream aborted after 3 chunks"):
            await _collect(stream, got)
    assert len(got) == 3


async def _collect(stream: AsyncIterator[object], into: list[object]) -> None:
    async for item in stream:
        into.append(item)


async def test_pacing_spaces_the_chunks() -> None:
    async with (
        rest_sim() as sim,
        openai_client(sim, ttft_ms="100", itl_ms="10", output_tokens="5") as client,
    ):
        started = time.monotonic()
        stream = await client.chat.completions.create(model="grok-3", messages=HELLO, stream=True)
        arrivals = [time.monotonic() - started async for _ in stream]
    assert arrivals[0] >= 0.1
    assert arrivals[-1] - arrivals[0] >= 0.01 * (len(arrivals) - 2)


async def test_store_then_continue_over_grpc() -> None:
    async with rest_sim() as sim, openai_client(sim) as client:
        first = await client.chat.completions.create(model=MODEL, messages=HELLO, store=True)
        request = ChatRequest(
            model=MODEL, messages=(user("and again"),), previous_response_id=first.id
        )
        async with Client(api_key=KEY, endpoint=sim.address, timeout=20) as grpc_client:
            answer = await grpc_client.chat.complete(request)
    assert answer.usage.cached_prompt_text_tokens > 0  # the stored turns were read as history


GRPC_WEATHER = FunctionTool(name="get_weather", description="Weather.", parameters=WEATHER_PARAMS)


async def test_the_same_conversation_gives_the_same_answer_over_grpc_and_rest() -> None:
    async with (
        rest_sim() as sim,
        Client(api_key=KEY, endpoint=sim.address, timeout=20) as grpc,
        openai_client(sim) as client,
    ):
        request = ChatRequest(
            model=MODEL, messages=(user(ASK[0]["content"]),), tools=(GRPC_WEATHER,)
        )
        over_grpc = await grpc.chat.complete(request)
        over_rest = await client.chat.completions.create(model=MODEL, messages=ASK, tools=[WEATHER])
        rest_calls = over_rest.choices[0].message.tool_calls or []
        assert [(c.id, c.name, c.arguments) for c in over_grpc.tool_calls] == [
            (c.id, c.function.name, c.function.arguments)  # type: ignore[union-attr]
            for c in rest_calls
        ]
        results = [tool_result(c.id, '{"temp_c": 17}') for c in over_grpc.tool_calls]
        follow = ChatRequest(
            model=MODEL,
            messages=(*request.messages, over_grpc.message, *results),
            tools=(GRPC_WEATHER,),
        )
        second_grpc = await grpc.chat.complete(follow)
        rest_messages = [
            *ASK,
            over_rest.choices[0].message.model_dump(exclude_none=True),
            *(
                {"role": "tool", "tool_call_id": c.id, "content": '{"temp_c": 17}'}
                for c in rest_calls
            ),
        ]
        second_rest = await client.chat.completions.create(
            model=MODEL, messages=rest_messages, tools=[WEATHER]
        )
    message = second_rest.choices[0].message
    assert second_grpc.content == message.content
    assert second_grpc.reasoning_content == message.model_extra["reasoning_content"]  # type: ignore[index]
    usage = second_rest.usage
    assert usage is not None
    assert (second_grpc.usage.prompt_tokens, second_grpc.usage.completion_tokens) == (
        usage.prompt_tokens,
        usage.completion_tokens,
    )
    assert second_grpc.usage.total_tokens == usage.total_tokens
