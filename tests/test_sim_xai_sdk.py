"""xAI's official SDK, unchanged, against ``agentrt sim`` started as a subprocess."""

from __future__ import annotations

import json
from collections.abc import Iterator

import grpc
import pytest
from agentrt_protos.xai.api.v1 import (
    auth_pb2_grpc,
    chat_pb2,
    chat_pb2_grpc,
    embed_pb2,
    embed_pb2_grpc,
)
from google.protobuf import empty_pb2
from pydantic import BaseModel
from xai_sdk import AsyncClient, Client
from xai_sdk.chat import assistant, tool, tool_result, user

from agentrt.sim.tokens import count_tokens
from tests.conftest import SimProcess

pytestmark = pytest.mark.e2e

WEATHER = tool(
    "get_weather",
    "Get the current weather for a city.",
    {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
)


class Weather(BaseModel):
    city: str
    temperature: float
    conditions: str


@pytest.fixture
def client(sim_process: SimProcess) -> Iterator[Client]:
    # "localhost:PORT" makes the SDK use grpc.local_channel_credentials().
    c = Client(api_key="any-key", api_host=f"localhost:{sim_process.port}", timeout=20)
    yield c
    c.close()


def test_sample_answers_and_counts_tokens_like_tokenize(client: Client) -> None:
    chat = client.chat.create(model="grok-4-1-fast-reasoning")
    chat.append(user("Hello there, how are you?"))
    r = chat.sample()
    assert "Hello there, how are you?" in r.content
    assert r.reasoning_content  # a reasoning model thinks first
    assert r.finish_reason == "REASON_STOP"
    assert r.usage.prompt_tokens == count_tokens("Hello there, how are you?")
    assert r.usage.completion_tokens == len(
        client.tokenize.tokenize_text(r.content, model="grok-3")
    )
    assert r.usage.reasoning_tokens == count_tokens(r.reasoning_content)
    assert (
        r.usage.total_tokens
        == r.usage.prompt_tokens + r.usage.completion_tokens + r.usage.reasoning_tokens
    )


def test_stream_assembles_the_same_answer_reasoning_first(client: Client) -> None:
    chat = client.chat.create(model="grok-4-1-fast-reasoning")
    chat.append(user("Stream me something"))
    unary = chat.sample()
    kinds, text = [], []
    for pair in chat.stream():
        response, chunk = pair
        if chunk.reasoning_content:
            kinds.append("r")
        if chunk.content:
            kinds.append("c")
            text.append(chunk.content)
    assert kinds.index("c") > kinds.index("r")
    assert "r" not in kinds[kinds.index("c") :]
    assert "".join(text) == response.content == unary.content
    assert response.reasoning_content == unary.reasoning_content
    assert response.usage.total_tokens == unary.usage.total_tokens
    assert response.finish_reason == "REASON_STOP"


def test_tool_call_round_trip_then_parse(client: Client) -> None:
    chat = client.chat.create(model="grok-4-1-fast-non-reasoning", tools=[WEATHER])
    chat.append(user("What's the weather in Paris?"))
    r = chat.sample()
    assert r.finish_reason == "REASON_TOOL_CALLS"
    assert [(c.function.name, json.loads(c.function.arguments)) for c in r.tool_calls] == [
        ("get_weather", {"city": "Paris"})
    ]
    chat.append(r)
    result = {"city": "Paris", "temperature": 21.50, "conditions": "light rain"}
    chat.append(tool_result(json.dumps(result), tool_call_id=r.tool_calls[0].id))
    answer = chat.sample()
    assert "21.5" in answer.content
    assert "light rain" in answer.content
    _, parsed = chat.parse(Weather)
    assert parsed == Weather(city="Paris", temperature=21.5, conditions="light rain")


def test_models_tokenize_and_images(client: Client) -> None:
    names = [m.name for m in client.models.list_language_models()]
    assert "grok-4-1-fast-reasoning" in names
    assert client.models.get_language_model("grok-4-1-fast").name == "grok-4-1-fast-reasoning"
    assert [m.name for m in client.models.list_image_generation_models()]
    tokens = client.tokenize.tokenize_text("Hello world", model="grok-3")
    assert [t.string_token for t in tokens] == ["Hello", " world"]
    image = client.image.sample("a red bicycle", model="grok-2-image", image_format="base64")
    assert image.image.startswith(b"\x89PNG\r\n\x1a\n")
    url_form = client.image.sample("a red bicycle", model="grok-2-image", image_format="url")
    assert url_form.url.startswith("http://127.0.0.1:")
    assert url_form.image == image.image  # the SDK downloads the URL


def test_stored_completion_and_previous_response_id(client: Client) -> None:
    chat = client.chat.create(model="grok-3", store_messages=True)
    chat.append(user("Remember the code ZQ-42"))
    first = chat.sample()
    stored = client.chat.get_stored_completion(first.id)
    assert stored[0].content == first.content
    follow = client.chat.create(model="grok-3", previous_response_id=first.id, store_messages=True)
    follow.append(user("And now?"))
    second = follow.sample()
    assert second.usage.cached_prompt_text_tokens > 0  # the stored turns were prepended
    assert second.usage.prompt_tokens > count_tokens("And now?")
    assert client.chat.delete_stored_completion(first.id) == first.id
    with pytest.raises(grpc.RpcError) as info:
        client.chat.get_stored_completion(first.id)
    assert info.value.code() == grpc.StatusCode.NOT_FOUND


def test_deferred_completion(client: Client) -> None:
    chat = client.chat.create(model="grok-3")
    chat.append(user("Take your time"))
    assert "Take your time" in chat.defer().content


def test_unknown_model_is_not_found(client: Client) -> None:
    chat = client.chat.create(model="no-such-model")
    chat.append(user("hi"))
    with pytest.raises(grpc.RpcError) as info:
        chat.sample()
    assert info.value.code() == grpc.StatusCode.NOT_FOUND
    assert "grok-4-1-fast-reasoning" in (info.value.details() or "")


def test_raw_stubs_embed_auth_and_unimplemented(sim_process: SimProcess) -> None:
    with grpc.insecure_channel(sim_process.address) as channel:
        embed = embed_pb2_grpc.EmbedderStub(channel)
        request = embed_pb2.EmbedRequest(
            model="grok-embed-1", input=[embed_pb2.EmbedInput(string="hi")]
        )
        a, b = embed.Embed(request, timeout=10), embed.Embed(request, timeout=10)
        vector = list(a.embeddings[0].embeddings[0].float_array)
        assert vector == list(b.embeddings[0].embeddings[0].float_array)
        assert len(vector) == 64
        assert abs(sum(v * v for v in vector) - 1) < 1e-4
        assert (
            auth_pb2_grpc.AuthStub(channel).get_api_key_info(empty_pb2.Empty(), timeout=10).user_id
        )
        with pytest.raises(grpc.RpcError) as info:
            chat_pb2_grpc.ChatStub(channel).CompactContext(
                chat_pb2.CompactContextRequest(model="grok-3"), timeout=10
            )
        assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert "nothing to compact" in (info.value.details() or "")


async def test_async_client_sample_stream_tools_parse(sim_process: SimProcess) -> None:
    client = AsyncClient(api_key="any-key", api_host=f"localhost:{sim_process.port}", timeout=20)
    try:
        chat = client.chat.create(model="grok-4-1-fast-reasoning", tools=[WEATHER])
        chat.append(user("How is the weather in Oslo and in Bergen?"))
        r = await chat.sample()
        assert sorted(json.loads(c.function.arguments)["city"] for c in r.tool_calls) == [
            "Bergen",
            "Oslo",
        ]
        chat.append(r)
        for call, temp in zip(r.tool_calls, ("3.5", "-1"), strict=True):
            chat.append(
                tool_result(
                    f'{{"temperature": {temp}, "conditions": "snow"}}', tool_call_id=call.id
                )
            )
        text = ""
        async for pair in chat.stream():
            response, chunk = pair
            text += chunk.content
        assert text == response.content
        assert "3.5" in text
        assert "-1" in text
        plain = client.chat.create(model="grok-3")
        plain.append(user("Weather in Rome: 30 degrees, sunny."))
        plain.append(assistant("Noted."))
        plain.append(user("Give me the weather for Rome as JSON"))
        _, parsed = await plain.parse(Weather)
        assert parsed.city == "Rome"
        models = await client.models.list_language_models()
        assert any(m.name == "grok-4-1-fast-reasoning" for m in models)
        image = await client.image.sample("a boat", model="grok-2-image", image_format="base64")
        assert (await image.image).startswith(b"\x89PNG")
        assert len(await client.tokenize.tokenize_text("one two", model="grok-3")) == 2
    finally:
        await client.close()


@pytest.mark.filterwarnings("ignore:chat.*_batch will be deprecated:PendingDeprecationWarning")
def test_batch_sample_and_stream_give_n_answers(client: Client) -> None:
    chat = client.chat.create(model="grok-3")
    chat.append(user("Twice, please"))
    answers = chat.sample_batch(2)
    assert [a.content for a in answers] == [answers[0].content] * 2
    assert answers[0].usage.completion_tokens == 2 * count_tokens(answers[0].content)
    for pair in chat.stream_batch(2):
        streamed, _ = pair
    assert [s.content for s in streamed] == [a.content for a in answers]


def test_server_side_web_search_reports_calls_citations_and_usage(client: Client) -> None:
    from xai_sdk.tools import web_search

    chat = client.chat.create(model="grok-4-1-fast-reasoning", tools=[web_search()])
    chat.append(user("Search the web for the latest Lisbon tram news"))
    r = chat.sample()
    assert r.citations
    assert all(url in r.content for url in r.citations)
    assert [c.function.name for c in r.tool_calls] == ["web_search"]
    assert r.server_side_tool_usage == {"SERVER_SIDE_TOOL_WEB_SEARCH": 1}
    streamed = None
    for pair in chat.stream():
        streamed, _ = pair
    assert streamed is not None
    assert list(streamed.citations) == list(r.citations)
    assert streamed.content == r.content
