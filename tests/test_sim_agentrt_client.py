"""agentrt's own client against ``agentrt sim`` (a subprocess): the calls and the error paths."""

from __future__ import annotations

import dataclasses
import json
import time
import uuid

import jsonschema
import pytest

from agentrt import errors
from agentrt.sim.tokens import count_tokens
from agentrt.xai.chat_request import ChatRequest, JsonSchema
from agentrt.xai.client import Client
from agentrt.xai.messages import tool_result, user
from agentrt.xai.tool_specs import FunctionTool
from tests.conftest import SimProcess

pytestmark = pytest.mark.e2e

WEATHER = FunctionTool(
    name="get_weather",
    description="Get the current weather for a city.",
    parameters={"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
)


def _client(sim: SimProcess, **headers: str) -> Client:
    """A client whose every call carries its own x-sim-session plus the given x-sim-* headers."""
    md = {
        "x-sim-session": uuid.uuid4().hex,
        **{f"x-sim-{k.replace('_', '-')}": v for k, v in headers.items()},
    }
    return Client(api_key="any", endpoint=sim.address, metadata=tuple(md.items()), timeout=20)


async def test_complete_stream_and_tool_round_trip(sim_process: SimProcess) -> None:
    async with _client(sim_process) as client:
        request = ChatRequest(
            model="grok-4-1-fast-reasoning",
            messages=(user("What's the weather in Lisbon and in Porto?"),),
            tools=(WEATHER,),
        )
        first = await client.chat.complete(request)
        assert first.finish_reason == "tool_calls"
        assert [json.loads(c.arguments) for c in first.tool_calls] == [
            {"city": "Lisbon"},
            {"city": "Porto"},
        ]
        results = tuple(
            tool_result(c.id, json.dumps({"city": json.loads(c.arguments)["city"], "temp_c": t}))
            for c, t in zip(first.tool_calls, (18.25, 16), strict=True)
        )
        follow = dataclasses.replace(request, messages=(*request.messages, first.message, *results))
        async with client.chat.stream(follow) as stream:
            deltas = [d async for d in stream]
        answer = stream.response
        assert "".join(d.content for d in deltas) == answer.content
        assert "18.25" in answer.content
        assert "Porto" in answer.content
        assert answer.reasoning_content
        assert answer.usage.reasoning_tokens == count_tokens(answer.reasoning_content)


async def test_structured_output_models_tokenizer_images_embeddings(
    sim_process: SimProcess,
) -> None:
    schema = {
        "type": "object",
        "properties": {"order_id": {"type": "string"}, "items": {"type": "integer", "minimum": 1}},
        "required": ["order_id", "items"],
    }
    async with _client(sim_process) as client:
        request = ChatRequest(
            model="grok-3",
            messages=(user("Order AB-123 has 4 items"),),
            response_format=JsonSchema(schema=schema),
        )
        out = json.loads((await client.chat.complete(request)).content)
        jsonschema.validate(out, schema)
        assert out == {"order_id": "AB-123", "items": 4}
        assert "grok-4-1-fast-reasoning" in [m.name for m in await client.models.list()]
        assert [
            t.string_token for t in await client.tokenizer.tokenize("Hi there", model="grok-3")
        ] == [
            "Hi",
            " there",
        ]
        images = await client.images.generate("a kite", model="grok-2-image", image_format="base64")
        assert images.images[0].base64.startswith("data:image/png;base64,")
        vectors = (await client.embeddings.create(["a", "b"], model="grok-embed-1")).vectors
        assert len(vectors) == 2
        assert vectors[0] != vectors[1]


async def test_unavailable_is_retried_transparently(sim_process: SimProcess) -> None:
    async with _client(sim_process, fault="unavailable", fault_on="1") as client:
        reply = await client.chat.complete(ChatRequest(model="grok-3", messages=(user("hi"),)))
        assert reply.content


async def test_rate_limit_honours_the_retry_hint(sim_process: SimProcess) -> None:
    async with _client(
        sim_process, fault="resource_exhausted", fault_on="1", retry_after_ms="300"
    ) as client:
        started = time.monotonic()
        reply = await client.chat.complete(ChatRequest(model="grok-3", messages=(user("hi"),)))
        assert reply.content
        assert time.monotonic() - started >= 0.25  # waited for the server's hint
    async with _client(sim_process, fault="resource_exhausted", retry_after_ms="5") as client:
        with pytest.raises(errors.RateLimited) as info:
            await client.chat.complete(ChatRequest(model="grok-3", messages=(user("hi"),)))
        assert info.value.retry_after == 0.005


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        ("internal", errors.ServerError),
        ("too_large", errors.ResponseTooLarge),
        ("deadline", errors.DeadlineExceeded),
    ],
)
async def test_error_faults_become_typed_errors(
    sim_process: SimProcess, fault: str, error: type[errors.AgentrtError]
) -> None:
    async with _client(sim_process, fault=fault) as client:
        with pytest.raises(error):
            await client.chat.complete(
                ChatRequest(model="grok-3", messages=(user("hi"),)), timeout=0.5
            )


async def test_aborted_stream_is_interrupted_not_replayed(sim_process: SimProcess) -> None:
    async with _client(sim_process, fault="abort", abort_after="3") as client:
        request = ChatRequest(model="grok-3", messages=(user("tell me something long"),))
        received = []
        with pytest.raises(errors.StreamInterrupted) as info:  # noqa: PT012 - the stream is the call
            async with client.chat.stream(request) as stream:
                async for delta in stream:
                    received.append(delta)
        assert info.value.chunks_received == 3
        assert len(received) == 3
        assert isinstance(info.value.error, errors.Unavailable)
