"""Chat: every request field reachable, unary and streaming answers assembled, deferred and stored."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from agentrt_protos.xai.api.v1 import chat_pb2, sample_pb2, usage_pb2

from agentrt.errors import DeadlineExceeded, NotFound, UsageError
from agentrt.xai.chat_proto import message_to_proto, request_to_proto, tool_to_proto
from agentrt.xai.chat_request import (
    ChatRequest,
    Guideline,
    JsonSchema,
    SearchParameters,
    SearchSource,
)
from agentrt.xai.chat_response import Delta, Usage
from agentrt.xai.client import Client
from agentrt.xai.messages import (
    ToolCall,
    assistant,
    developer,
    file,
    image,
    system,
    tool_result,
    user,
)
from agentrt.xai.tool_specs import (
    MCP,
    AttachmentSearch,
    CodeExecution,
    CollectionsSearch,
    FunctionTool,
    ImageGeneration,
    WebSearch,
    XSearch,
)
from tests.fake_xai import FakeXai, serve_fake

WEATHER = FunctionTool(
    name="get_weather",
    description="Weather for a city.",
    parameters={"type": "object", "properties": {"city": {"type": "string"}}},
    strict=True,
)
CALL = ToolCall(id="call-1", name="get_weather", arguments='{"city": "Paris"}')

FULL = ChatRequest(
    model="grok-x",
    messages=(
        system("sys"),
        developer("dev"),
        user("look", image("https://e.org/a.png", detail="high"), file("file-1")),
        assistant("calling", tool_calls=(CALL,), reasoning_content="hmm", encrypted_content="enc"),
        tool_result("call-1", '{"temp": 21}'),
    ),
    tools=(
        WEATHER,
        WebSearch(allowed_domains=("e.org",), country="FR"),
        XSearch(from_date=datetime(2025, 1, 1, tzinfo=UTC), allowed_x_handles=("xai",)),
        CodeExecution(),
        CollectionsSearch(collection_ids=("c1",), limit=3),
        MCP(server_url="https://mcp.e.org", authorization="tok"),
        AttachmentSearch(limit=2),
        ImageGeneration(action="generate"),
    ),
    tool_choice="required",
    parallel_tool_calls=False,
    response_format=JsonSchema(schema={"type": "object"}),
    reasoning_effort="high",
    search_parameters=SearchParameters(
        mode="on", sources=(SearchSource(kind="web", allowed_websites=("e.org",)),)
    ),
    previous_response_id="prev-1",
    store_messages=True,
    use_encrypted_content=True,
    temperature=0.5,
    top_p=0.9,
    max_tokens=99,
    seed=7,
    stop=("END",),
    logprobs=True,
    top_logprobs=3,
    n=2,
    user="u-1",
    frequency_penalty=0.1,
    presence_penalty=0.2,
    max_turns=4,
    include=("inline_citations", "verbose_streaming"),
    agent_count=4,
    service_tier="priority",
    safety_identifier="safe-1",
    guidelines=(Guideline(category="violence"),),
)


def is_set(msg: chat_pb2.GetCompletionsRequest, name: str) -> bool:
    field = msg.DESCRIPTOR.fields_by_name[name]
    if field.is_repeated:
        return len(getattr(msg, name)) > 0
    if field.has_presence:
        return msg.HasField(name)
    return bool(getattr(msg, name))


def test_every_get_completions_request_field_is_reachable_from_chat_request() -> None:
    msg = request_to_proto(FULL)
    unset = [f.name for f in msg.DESCRIPTOR.fields if not is_set(msg, f.name)]
    assert unset == []
    assert msg.tool_choice.mode == chat_pb2.TOOL_MODE_REQUIRED
    assert json.loads(msg.response_format.schema) == {"type": "object"}
    assert msg.response_format.format_type == chat_pb2.FORMAT_TYPE_JSON_SCHEMA
    assert msg.reasoning_effort == chat_pb2.EFFORT_HIGH
    assert list(msg.include) == [
        chat_pb2.INCLUDE_OPTION_INLINE_CITATIONS,
        chat_pb2.INCLUDE_OPTION_VERBOSE_STREAMING,
    ]
    assert msg.HasField("parallel_tool_calls")
    assert msg.parallel_tool_calls is False
    assert (msg.n, msg.seed, list(msg.stop)) == (2, 7, ["END"])


def test_unset_optional_fields_stay_unset() -> None:
    msg = request_to_proto(ChatRequest(model="m", messages=(user("hi"),)))
    for name in ("temperature", "max_tokens", "n", "parallel_tool_calls", "reasoning_effort"):
        assert not msg.HasField(name)


def test_messages_of_every_role_and_content_kind() -> None:
    protos = [message_to_proto(m) for m in FULL.messages]
    assert [p.role for p in protos] == [
        chat_pb2.ROLE_SYSTEM,
        chat_pb2.ROLE_DEVELOPER,
        chat_pb2.ROLE_USER,
        chat_pb2.ROLE_ASSISTANT,
        chat_pb2.ROLE_TOOL,
    ]
    parts = protos[2].content
    assert parts[0].text == "look"
    assert parts[1].image_url.image_url == "https://e.org/a.png"
    assert parts[2].file.file_id == "file-1"
    call = protos[3].tool_calls[0]
    assert (call.id, call.function.name, call.function.arguments) == (
        "call-1",
        "get_weather",
        '{"city": "Paris"}',
    )
    assert protos[3].reasoning_content == "hmm"
    assert protos[4].tool_call_id == "call-1"


def test_image_needs_exactly_one_source() -> None:
    with pytest.raises(UsageError):
        image()
    assert message_to_proto(user(image(file_id="f9"))).content[0].image_url.file_id == "f9"


def test_tool_declarations_of_every_kind() -> None:
    kinds = [tool_to_proto(t).WhichOneof("tool") for t in FULL.tools]
    assert kinds == [
        "function",
        "web_search",
        "x_search",
        "code_execution",
        "collections_search",
        "mcp",
        "attachment_search",
        "image_generation",
    ]
    fn = tool_to_proto(WEATHER).function
    assert json.loads(fn.parameters)["properties"]["city"] == {"type": "string"}
    assert fn.strict


def test_tool_choice_names_one_function_and_bad_values_say_what_to_fix() -> None:
    msg = request_to_proto(ChatRequest(model="m", tool_choice="get_weather"))
    assert msg.tool_choice.function_name == "get_weather"
    with pytest.raises(UsageError, match="reasoning_effort"):
        request_to_proto(ChatRequest(model="m", reasoning_effort="extreme"))  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="response_format"):
        request_to_proto(ChatRequest(model="m", response_format="yaml"))  # type: ignore[arg-type]


def test_search_sources_of_every_kind_and_bad_ones_say_what_to_fix() -> None:
    rss = SearchParameters(sources=(SearchSource(kind="rss", links=("https://e.org/feed",)),))
    msg = request_to_proto(ChatRequest(model="m", search_parameters=rss))
    assert msg.search_parameters.mode == chat_pb2.AUTO_SEARCH_MODE
    assert list(msg.search_parameters.sources[0].rss.links) == ["https://e.org/feed"]
    bad_kind = SearchParameters(sources=(SearchSource(kind="blog"),))  # type: ignore[arg-type]
    with pytest.raises(UsageError, match=r"search source kind must be .* got 'blog'"):
        request_to_proto(ChatRequest(model="m", search_parameters=bad_kind))
    bad_mode = SearchParameters(mode="always")  # type: ignore[arg-type]
    with pytest.raises(UsageError, match=r"search mode must be .* got 'always'"):
        request_to_proto(ChatRequest(model="m", search_parameters=bad_mode))


def test_usage_adds_up() -> None:
    a = Usage(prompt_tokens=1, completion_tokens=2, total_tokens=3)
    b = Usage(prompt_tokens=10, completion_tokens=20, total_tokens=30, cost_in_usd_ticks=5)
    assert a + b == Usage(
        prompt_tokens=11, completion_tokens=22, total_tokens=33, cost_in_usd_ticks=5
    )


@pytest.fixture
async def served() -> AsyncIterator[tuple[FakeXai, Client]]:
    async with serve_fake() as (state, address), Client(endpoint=address) as client:
        yield state, client


async def test_raw_request_escape_hatch_is_sent_as_is(served) -> None:
    state, client = served
    raw = request_to_proto(FULL)
    raw.n = 1
    resp = await client.chat.complete(raw)
    assert state.requests[-1] == raw
    assert resp.content == "Hello world"


async def test_complete_returns_every_choice(served) -> None:
    _, client = served
    resp = await client.chat.complete(ChatRequest(model="m", n=2))
    assert [c.index for c in resp.choices] == [0, 1]
    assert resp.finish_reason == "stop"
    assert resp.usage.total_tokens == 8
    assert (resp.message.role, resp.message.text) == ("assistant", "Hello world")


def chunk(**outputs: chat_pb2.CompletionOutputChunk) -> chat_pb2.GetChatCompletionChunk:
    return chat_pb2.GetChatCompletionChunk(id="r9", model="grok-x", outputs=list(outputs.values()))


def out(index: int = 0, finish: int = 0, **delta: object) -> chat_pb2.CompletionOutputChunk:
    return chat_pb2.CompletionOutputChunk(
        index=index, finish_reason=finish, delta=chat_pb2.Delta(**delta)
    )


SCRIPT = [
    chunk(a=out(reasoning_content="think "), b=out(1, content="B1")),
    chunk(a=out(reasoning_content="more")),
    chunk(a=out(content="Hel"), b=out(1, content="B2", finish=sample_pb2.REASON_STOP)),
    chunk(
        a=out(
            content="lo",
            citations=[chat_pb2.InlineCitation(id="1", web_citation=chat_pb2.WebCitation(url="u"))],
        )
    ),
    chunk(
        a=out(
            tool_calls=[
                chat_pb2.ToolCall(
                    id="call-1",
                    type=chat_pb2.TOOL_CALL_TYPE_CLIENT_SIDE_TOOL,
                    status=chat_pb2.TOOL_CALL_STATUS_COMPLETED,
                    function=chat_pb2.FunctionCall(name="get_weather", arguments='{"city":"P"}'),
                )
            ],
            finish=sample_pb2.REASON_TOOL_CALLS,
        )
    ),
]


async def test_stream_yields_deltas_and_assembles_the_response(served) -> None:
    state, client = served
    last = chat_pb2.GetChatCompletionChunk(
        id="r9",
        model="grok-x",
        citations=["https://a", "https://b"],
        usage=usage_pb2.SamplingUsage(
            prompt_tokens=4, completion_tokens=6, reasoning_tokens=2, total_tokens=10
        ),
    )
    state.chunks = [*SCRIPT, last]
    stream = client.chat.stream(ChatRequest(model="grok-x", n=2))
    with pytest.raises(UsageError):
        _ = stream.response
    deltas = [d async for d in stream]
    assert deltas[0] == Delta("", "think ", (), 0)
    assert deltas[1] == Delta("B1", "", (), 1)
    assert deltas[-1].tool_calls == (
        ToolCall(id="call-1", name="get_weather", arguments='{"city":"P"}'),
    )
    resp = stream.response
    assert (resp.id, resp.model) == ("r9", "grok-x")
    assert resp.content == "Hello"
    assert resp.reasoning_content == "think more"
    assert resp.finish_reason == "tool_calls"
    assert resp.tool_calls[0].name == "get_weather"
    assert resp.choices[0].citations[0].url == "u"
    assert (resp.choices[1].content, resp.choices[1].finish_reason) == ("B1B2", "stop")
    assert resp.citations == ("https://a", "https://b")
    assert (resp.usage.reasoning_tokens, resp.usage.total_tokens) == (2, 10)


async def test_deferred_completion_polls_until_done(served) -> None:
    state, client = served
    state.deferred_polls = 2
    req = ChatRequest(model="m")
    request_id = await client.chat.start_deferred(req)
    assert await client.chat.get_deferred(request_id) is None
    state.deferred_polls = 2
    resp = await client.chat.complete_deferred(req, poll_interval=0.01)
    assert resp.content == "Hello world"
    assert state.calls["GetDeferredCompletion"] == 4


async def test_deferred_completion_times_out(served) -> None:
    state, client = served
    state.deferred_polls = 10**6
    with pytest.raises(DeadlineExceeded):
        await client.chat.complete_deferred(ChatRequest(model="m"), timeout=0.2, poll_interval=0.02)


async def test_stored_completion_get_and_delete(served) -> None:
    _, client = served
    resp = await client.chat.complete(ChatRequest(model="m", store_messages=True))
    assert (await client.chat.get_stored(resp.id)).content == resp.content
    assert await client.chat.delete_stored(resp.id) == resp.id
    with pytest.raises(NotFound):
        await client.chat.get_stored(resp.id)
