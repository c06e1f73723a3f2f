"""chat_wire: a conversation's requests in wire form, each turn serialising only its new messages."""

from __future__ import annotations

import dataclasses

import pytest
from agentrt_protos.xai.api.v1 import chat_pb2
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from agentrt.errors import ServerError, UsageError
from agentrt.telemetry.tracing import Telemetry
from agentrt.xai.chat_proto import request_to_proto
from agentrt.xai.chat_request import ChatRequest, JsonSchema
from agentrt.xai.chat_wire import EncodedRequest, RequestEncoder
from agentrt.xai.client import Client
from agentrt.xai.messages import Message, ToolCall, assistant, system, tool_result, user
from agentrt.xai.tool_specs import FunctionTool, WebSearch
from tests.conftest import errors_on_threads
from tests.fake_xai import serve_fake

WEATHER = FunctionTool(
    name="get_weather",
    description="Weather for a city.",
    parameters={"type": "object", "properties": {"city": {"type": "string"}}},
)
CALL = ToolCall(id="call-1", name="get_weather", arguments='{"city": "Paris"}')


def request(*messages: Message, **settings: object) -> ChatRequest:
    fields: dict[str, object] = {
        "tools": (WEATHER, WebSearch()),
        "response_format": JsonSchema(schema={"type": "object"}),
        "temperature": 0.5,
        **settings,
    }
    return ChatRequest(model="m", messages=messages, **fields)  # type: ignore[arg-type]


def decoded(encoded: EncodedRequest) -> chat_pb2.GetCompletionsRequest:
    return chat_pb2.GetCompletionsRequest.FromString(encoded.data)


def test_a_growing_conversation_encodes_exactly_like_request_to_proto() -> None:
    encoder = RequestEncoder()
    history = [system("be brief"), user("weather?")]
    for turn in range(4):
        req = request(*history)
        assert decoded(encoder.encode(req)) == request_to_proto(req)
        history += [assistant(tool_calls=(CALL,)), tool_result("call-1", f'{{"t": {turn}}}')]


def test_a_message_longer_than_127_bytes_gets_a_multi_byte_length() -> None:
    encoder = RequestEncoder()
    for size in (10, 127, 128, 300, 20_000, 3_000_000):
        req = request(user("x" * size))
        assert decoded(encoder.encode(req)) == request_to_proto(req)


def test_a_changed_or_shorter_history_starts_over_where_it_differs() -> None:
    encoder = RequestEncoder()
    a, b, c = user("a"), user("b"), user("c")
    encoder.encode(request(a, b, c))
    for messages in [(a, user("b")), (a,), (c, b, a), (a, b, c, user("d")), ()]:
        req = request(*messages)
        assert decoded(encoder.encode(req)) == request_to_proto(req)


def test_changed_settings_are_encoded_again() -> None:
    encoder = RequestEncoder()
    first = request(user("a"))
    encoder.encode(first)
    for req in [
        dataclasses.replace(first, temperature=0.9),
        dataclasses.replace(first, model="other", tools=()),
        dataclasses.replace(first, response_format=None, max_tokens=5),
        first,
    ]:
        assert decoded(encoder.encode(req)) == request_to_proto(req)


def test_equal_but_distinct_messages_are_converted_again() -> None:
    encoder = RequestEncoder()
    encoder.encode(request(user("same")))
    sent = decoded(encoder.encode(request(user("same"), user("next"))))
    assert [m.content[0].text for m in sent.messages] == ["same", "next"]


def test_a_message_that_fails_to_convert_leaves_the_encoder_consistent() -> None:
    encoder = RequestEncoder()
    first = user("hi")
    encoder.encode(request(first))
    bad = Message(role="robot")  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="message role must be one of system, developer, user, "):
        encoder.encode(request(first, user("x"), bad))
    req = request(first, user("y"))
    assert decoded(encoder.encode(req)) == request_to_proto(req)


def test_bad_settings_fail_without_changing_what_the_encoder_sends_next() -> None:
    encoder = RequestEncoder()
    good = request(user("a"))
    encoder.encode(good)
    with pytest.raises(Exception, match="reasoning_effort"):
        encoder.encode(request(user("a"), reasoning_effort="extreme"))
    assert decoded(encoder.encode(good)) == request_to_proto(good)


def test_proto_parses_the_request_back() -> None:
    req = request(user("a"))
    assert RequestEncoder().encode(req).proto() == request_to_proto(req)


def test_encoders_of_one_agents_runs_share_the_settings_bytes_and_the_cache_is_bounded() -> None:
    from agentrt.xai import chat_wire

    req = request(user("a"))
    first, second = RequestEncoder(), RequestEncoder()
    first.encode(req)
    second.encode(dataclasses.replace(req, messages=(user("b"),)))  # same setting objects
    assert second._head is first._head
    other = RequestEncoder()
    changed = dataclasses.replace(req, temperature=0.9)
    assert decoded(other.encode(changed)) == request_to_proto(changed)
    assert other._head != first._head
    for i in range(chat_wire._HEADS_KEPT + 10):
        RequestEncoder().encode(request(user("x"), max_tokens=i + 1))
    assert len(chat_wire._HEADS) == chat_wire._HEADS_KEPT
    assert decoded(RequestEncoder().encode(req)) == request_to_proto(req)


def test_a_list_of_messages_grown_in_place_is_sent_whole() -> None:
    encoder = RequestEncoder()
    history = [system("be brief"), user("weather?")]
    req = request()
    encoder.encode(dataclasses.replace(req, messages=history))  # type: ignore[arg-type]
    history.append(user("and tomorrow?"))
    again = dataclasses.replace(req, messages=history)  # type: ignore[arg-type]
    sent = decoded(encoder.encode(again))
    assert [m.content[0].text for m in sent.messages] == ["be brief", "weather?", "and tomorrow?"]


@pytest.mark.parametrize("threads", [0, 4], ids=["aio", "threaded"])
async def test_the_client_sends_an_encoded_request_as_the_server_reads_request_to_proto(
    threads: int,
) -> None:
    req = request(system("be brief"), user("weather?"), assistant(tool_calls=(CALL,)))
    encoded = RequestEncoder().encode(req)
    async with (
        serve_fake() as (state, address),
        Client(endpoint=address, stream_threads=threads) as client,
    ):
        answer = await client.chat.complete(encoded)
        streamed = client.chat.stream(encoded)
        deltas = [d.content async for d in streamed]
        await client.chat.start_deferred(encoded)
    assert answer.content == "Hello world" == "".join(deltas)
    assert state.requests == [request_to_proto(req)] * 3


async def test_an_encoded_requests_call_is_traced_with_its_fields() -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider(shutdown_on_exit=False)
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    encoded = RequestEncoder().encode(request(user("weather?"), max_tokens=9))
    try:
        async with (
            serve_fake() as (_, address),
            Client(endpoint=address, telemetry=Telemetry(tracer_provider=provider)) as client,
        ):
            await client.chat.complete(encoded)
            [_ async for _ in client.chat.stream(encoded)]
    finally:
        provider.shutdown()
    spans = exporter.get_finished_spans()
    assert [s.name for s in spans] == ["chat m", "chat m"]
    assert [(s.attributes or {}).get("gen_ai.request.max_tokens") for s in spans] == [9, 9]


async def test_bytes_that_are_no_request_fail_alike_with_telemetry_on_or_off() -> None:
    garbage = EncodedRequest(b"\xff\xff\xff")
    provider = TracerProvider(shutdown_on_exit=False)
    errors = []
    try:
        for telemetry in (Telemetry(enabled=False), Telemetry(tracer_provider=provider)):
            async with (
                serve_fake() as (_, address),
                Client(endpoint=address, telemetry=telemetry) as client,
            ):
                with pytest.raises(ServerError) as unary:
                    await client.chat.complete(garbage)
                with pytest.raises(ServerError) as streamed:
                    [_ async for _ in client.chat.stream(garbage)]
                errors.append((unary.value.code, streamed.value.code))
                with pytest.raises(UsageError, match="not a serialised GetCompletionsRequest"):
                    await client.chat.start_deferred(garbage)
    finally:
        provider.shutdown()
    assert errors[0] == errors[1]


def test_encoders_on_many_threads_share_the_settings_cache_safely() -> None:
    # Each encode misses the cache (its own max_tokens) and evicts; with threads switching
    # every microsecond, two evicting the same oldest entry raised KeyError without a lock.
    messages = (user("x"),)

    def encode_many(thread: int) -> None:
        for i in range(3000):
            req = ChatRequest(model="m", messages=messages, max_tokens=thread * 10_000 + i + 1)
            RequestEncoder().encode(req)

    errors = errors_on_threads(encode_many)
    assert errors == []
