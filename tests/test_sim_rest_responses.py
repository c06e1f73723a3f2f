"""The simulator's ``/v1/responses``, refereed by the official ``openai`` SDK, unchanged."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import openai
import pydantic
import pytest

from agentrt.sim.tokens import count_tokens
from agentrt.xai.chat_request import ChatRequest
from agentrt.xai.client import Client
from agentrt.xai.messages import user
from tests.simrest_helpers import KEY, WEATHER_PARAMS, openai_client, rest_sim

MODEL = "grok-4-1-fast-reasoning"
WEATHER = {
    "type": "function",
    "name": "get_weather",
    "description": "Weather.",
    "parameters": WEATHER_PARAMS,
}
ASK = "What's the weather in Lisbon and in Porto?"


async def test_unary_response_has_items_and_usage() -> None:
    async with rest_sim() as sim, openai_client(sim) as client:
        answer = await client.responses.create(
            model=MODEL, input="Say hello", instructions="Be brief."
        )
    assert answer.object == "response"
    assert answer.status == "completed"
    assert [item.type for item in answer.output] == ["reasoning", "message"]
    assert "Say hello" in answer.output_text
    reasoning = answer.output[0]
    assert reasoning.type == "reasoning"
    assert reasoning.content
    usage = answer.usage
    assert usage is not None
    assert usage.output_tokens_details.reasoning_tokens == count_tokens(reasoning.content[0].text)
    assert usage.output_tokens == (
        count_tokens(answer.output_text) + usage.output_tokens_details.reasoning_tokens
    )
    assert usage.total_tokens == usage.input_tokens + usage.output_tokens
    assert answer.instructions == "Be brief."
    assert answer.store is True


async def test_stream_events_in_order_and_numbered() -> None:
    async with rest_sim() as sim, openai_client(sim) as client:
        unary = await client.responses.create(model=MODEL, input="Say hello")
        stream = await client.responses.create(model=MODEL, input="Say hello", stream=True)
        events = [event async for event in stream]
    kinds = [e.type for e in events]
    assert [e.sequence_number for e in events] == list(range(len(events)))
    assert kinds[:2] == ["response.created", "response.in_progress"]
    assert kinds[-1] == "response.completed"
    message = kinds.index("response.output_item.added", kinds.index("response.reasoning_text.done"))
    assert kinds[message : message + 3] == [
        "response.output_item.added",
        "response.content_part.added",
        "response.output_text.delta",
    ]
    assert kinds[-4:] == [
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
        "response.completed",
    ]
    text = "".join(e.delta for e in events if e.type == "response.output_text.delta")
    assert text == unary.output_text
    final = events[-1].response  # type: ignore[union-attr]
    assert final.output_text == text
    assert final.usage == unary.usage


async def test_function_tool_round_trip_with_function_call_output() -> None:
    async with rest_sim() as sim, openai_client(sim) as client:
        first = await client.responses.create(model=MODEL, input=ASK, tools=[WEATHER])
        calls = [item for item in first.output if item.type == "function_call"]
        assert [json.loads(c.arguments) for c in calls] == [{"city": "Lisbon"}, {"city": "Porto"}]
        outputs = [
            {"type": "function_call_output", "call_id": c.call_id, "output": f'{{"temp_c": {t}}}'}
            for c, t in zip(calls, (18.25, 16), strict=True)
        ]
        second = await client.responses.create(
            model=MODEL,
            input=[{"role": "user", "content": ASK}, *calls, *outputs],  # type: ignore[list-item]
            tools=[WEATHER],
        )
        chained = await client.responses.create(
            model=MODEL,
            previous_response_id=first.id,
            input=outputs,
            tools=[WEATHER],  # type: ignore[arg-type]
        )
    assert "18.25" in second.output_text
    assert chained.output_text == second.output_text


async def test_streamed_function_calls() -> None:
    async with rest_sim() as sim, openai_client(sim) as client:
        stream = await client.responses.create(model=MODEL, input=ASK, tools=[WEATHER], stream=True)
        events = [e async for e in stream]
    done = [e for e in events if e.type == "response.function_call_arguments.done"]
    assert [json.loads(e.arguments) for e in done] == [{"city": "Lisbon"}, {"city": "Porto"}]
    items = [e.item for e in events if e.type == "response.output_item.done"]
    assert [i.type for i in items] == ["reasoning", "function_call", "function_call"]


class Order(pydantic.BaseModel):
    order_id: str
    items: int


async def test_json_schema_output_parses_into_a_pydantic_model() -> None:
    async with rest_sim() as sim, openai_client(sim) as client:
        parsed = await client.responses.parse(
            model="grok-3", input="Order AB-123 has 4 items", text_format=Order
        )
    assert parsed.output_parsed == Order(order_id="AB-123", items=4)


async def test_previous_response_id_get_and_delete() -> None:
    async with rest_sim() as sim, openai_client(sim) as client:
        first = await client.responses.create(model=MODEL, input="My name is Ada.")
        second = await client.responses.create(
            model=MODEL, input="What is my name?", previous_response_id=first.id
        )
        assert second.previous_response_id == first.id
        assert second.usage is not None
        assert second.usage.input_tokens_details.cached_tokens > 0
        got = await client.responses.retrieve(first.id)
        assert got.output_text == first.output_text
        assert got.usage == first.usage
        await client.responses.delete(first.id)
        with pytest.raises(openai.NotFoundError):
            await client.responses.retrieve(first.id)
        unstored = await client.responses.create(model=MODEL, input="hi", store=False)
        with pytest.raises(openai.NotFoundError):
            await client.responses.retrieve(unstored.id)


async def test_stored_responses_are_shared_with_grpc() -> None:
    async with (
        rest_sim() as sim,
        openai_client(sim) as client,
        Client(api_key=KEY, endpoint=sim.address, timeout=20) as grpc,
    ):
        over_rest = await client.responses.create(model=MODEL, input="My name is Ada.")
        request = ChatRequest(
            model=MODEL, messages=(user("Who am I?"),), previous_response_id=over_rest.id
        )
        over_grpc = await grpc.chat.complete(request)
        assert over_grpc.usage.cached_prompt_text_tokens > 0
        stored = ChatRequest(model=MODEL, messages=(user("Remember me."),), store_messages=True)
        kept = await grpc.chat.complete(stored)
        got = await client.responses.retrieve(kept.id)
    assert got.output_text == kept.content


async def test_the_same_conversation_gives_the_same_answer_over_chat_and_responses() -> None:
    async with rest_sim() as sim, openai_client(sim) as client:
        via_chat = await client.chat.completions.create(
            model=MODEL,
            messages=[{"role": "system", "content": "Be brief."}, {"role": "user", "content": ASK}],
        )
        via_responses = await client.responses.create(
            model=MODEL, instructions="Be brief.", input=ASK
        )
    assert via_responses.output_text == via_chat.choices[0].message.content
    assert via_responses.usage is not None
    assert via_chat.usage is not None
    assert via_responses.usage.total_tokens == via_chat.usage.total_tokens


async def _collect(stream: AsyncIterator[object], into: list[object]) -> None:
    async for item in stream:
        into.append(item)


async def test_abort_sends_an_error_event_and_cuts_before_completed() -> None:
    async with (
        rest_sim() as sim,
        openai_client(sim, fault="abort", abort_after="2") as client,
    ):
        stream = await client.responses.create(model=MODEL, input="Say hello", stream=True)
        got: list[object] = []
        with pytest.raises(openai.APIConnectionError):
            await _collect(stream, got)
    kinds = [getattr(e, "type", None) for e in got]
    assert kinds[-1] == "error"
    assert "response.completed" not in kinds
    assert kinds.count("response.reasoning_text.delta") == 2


@pytest.mark.parametrize(
    ("client_args", "raised"),
    [
        ({"key": "wrong"}, openai.AuthenticationError),
        ({"fault": "resource_exhausted"}, openai.RateLimitError),
        ({"fault": "unavailable"}, openai.InternalServerError),
    ],
)
async def test_errors_are_the_sdks_own_exceptions(
    client_args: dict[str, str], raised: type[openai.APIStatusError]
) -> None:
    async with rest_sim() as sim, openai_client(sim, **client_args) as client:
        with pytest.raises(raised):
            await client.responses.create(model=MODEL, input="hi", stream=True)


async def test_server_side_tools_are_output_items_and_counted_in_usage() -> None:
    async with rest_sim() as sim, openai_client(sim) as client:
        answer = await client.responses.create(
            model=MODEL,
            input="Search the web for the latest news, then calculate 6*7 with code",
            tools=[
                {"type": "web_search"},
                {"type": "code_interpreter", "container": {"type": "auto"}},
            ],
        )
        stream = await client.responses.create(
            model=MODEL,
            input="Search the web for the latest news",
            tools=[{"type": "web_search"}],
            stream=True,
        )
        events = [e async for e in stream]
    kinds = [item.type for item in answer.output]
    assert "web_search_call" in kinds
    assert "code_interpreter_call" in kinds
    assert kinds[-1] == "message"
    assert answer.usage is not None
    assert answer.usage.model_extra["num_sources_used"] > 0  # type: ignore[index]
    done = [e.item.type for e in events if e.type == "response.output_item.done"]
    assert "web_search_call" in done


async def test_top_logprobs_unary_and_streamed() -> None:
    async with rest_sim() as sim, openai_client(sim) as client:
        answer = await client.responses.create(model="grok-3", input="Say hello", top_logprobs=2)
        stream = await client.responses.create(
            model="grok-3", input="Say hello", top_logprobs=2, stream=True
        )
        events = [e async for e in stream]
    part = answer.output[-1].content[0]  # type: ignore[union-attr]
    assert "".join(p.token for p in part.logprobs) == answer.output_text
    assert all(len(p.top_logprobs) == 2 for p in part.logprobs)
    deltas = [e for e in events if e.type == "response.output_text.delta"]
    assert [p.token for e in deltas for p in e.logprobs] == [p.token for p in part.logprobs]


async def test_max_output_tokens_makes_an_incomplete_response() -> None:
    async with rest_sim() as sim, openai_client(sim) as client:
        answer = await client.responses.create(
            model="grok-3", input="Say hello", max_output_tokens=3
        )
        stream = await client.responses.create(
            model="grok-3", input="Say hello", max_output_tokens=3, stream=True
        )
        events = [e async for e in stream]
    assert answer.status == "incomplete"
    assert answer.incomplete_details is not None
    assert answer.incomplete_details.reason == "max_output_tokens"
    assert count_tokens(answer.output_text) == 3
    assert events[-1].type == "response.incomplete"
