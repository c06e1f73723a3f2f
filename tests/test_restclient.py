"""The REST client end to end: ``Client(protocol="rest")`` against a real aiohttp server on
127.0.0.1 answering recorded OpenAI-shaped bodies (tests/rest_server.py)."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest

from agentrt import errors
from agentrt.agents.agent import Agent
from agentrt.agents.tools import tool
from agentrt.xai.chat_request import ChatRequest, JsonSchema
from agentrt.xai.client import Client
from agentrt.xai.config import ClientConfig
from agentrt.xai.deadline import budget
from agentrt.xai.messages import image, tool_result, user
from agentrt.xai.tool_specs import FunctionTool
from tests.rest_server import Reply, ScriptedServer, chunk, completion, sse

pytestmark = pytest.mark.e2e

KEY = "sk-rest-secret-123"
REQ = ChatRequest(model="grok-test", messages=(user("Hi"),))


def rest_client(server: ScriptedServer, **kw: Any) -> Client:
    kw.setdefault("api_key", KEY)
    return Client(protocol="rest", endpoint=server.url, **kw)


async def test_complete_sends_openai_json_and_returns_the_same_values_as_grpc() -> None:
    req = ChatRequest(
        model="grok-test",
        messages=(user("What is this?", image("https://img.example/cat.png", detail="high")),),
        tools=(FunctionTool(name="f", description="F.", parameters={"type": "object"}),),
        tool_choice="f",
        response_format=JsonSchema(schema={"type": "object"}),
        temperature=0.5,
        max_tokens=20,
        seed=7,
        stop=("END",),
        reasoning_effort="low",
        user="u1",
    )
    async with ScriptedServer() as server:
        server.script("/chat/completions", Reply(json=completion("A cat.")))
        async with rest_client(server, metadata=(("x-team", "blue"),)) as client:
            resp = await client.chat.complete(req)
    assert resp.content == "A cat."
    assert resp.finish_reason == "stop"
    assert (resp.id, resp.model, resp.system_fingerprint) == ("cmpl-1", "grok-test", "fp-1")
    assert resp.usage.reasoning_tokens == 4
    assert resp.usage.cached_prompt_text_tokens == 2
    assert resp.citations == ("https://a.example",)
    path, headers, body = server.requests[0]
    assert path == "/v1/chat/completions"
    assert headers["Authorization"] == f"Bearer {KEY}"
    assert headers["x-team"] == "blue"
    assert body["messages"][0]["content"][1] == {
        "type": "image_url",
        "image_url": {"url": "https://img.example/cat.png", "detail": "high"},
    }
    assert body["tools"][0]["function"]["name"] == "f"
    assert body["tool_choice"] == {"type": "function", "function": {"name": "f"}}
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["schema"] == {"type": "object"}
    assert (body["temperature"], body["max_tokens"], body["seed"]) == (0.5, 20, 7)
    assert (body["stop"], body["reasoning_effort"], body["user"]) == (["END"], "low", "u1")
    assert "stream" not in body


async def test_stream_yields_deltas_then_the_assembled_response() -> None:
    usage = {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3}
    events = sse(
        chunk(reasoning="think"),
        chunk("Hel"),
        chunk("lo", finish="stop"),
        {**chunk(usage=usage), "choices": []},
    )
    async with ScriptedServer() as server:
        server.script("/chat/completions", Reply(events=events))
        async with rest_client(server) as client, client.chat.stream(REQ) as stream:
            deltas = [d async for d in stream]
    assert [d.content for d in deltas] == ["", "Hel", "lo"]
    assert deltas[0].reasoning_content == "think"
    resp = stream.response
    assert (resp.content, resp.reasoning_content, resp.finish_reason) == ("Hello", "think", "stop")
    assert resp.usage.total_tokens == 3
    body = server.requests[0][2]
    assert body["stream"] is True
    assert body["stream_options"] == {"include_usage": True}


async def test_tool_calls_streamed_in_fragments_are_assembled_by_index() -> None:
    frags = [
        [
            {
                "index": 0,
                "id": "call_a",
                "type": "function",
                "function": {"name": "get", "arguments": ""},
            }
        ],
        [
            {
                "index": 1,
                "id": "call_b",
                "type": "function",
                "function": {"name": "put", "arguments": '{"x"'},
            }
        ],
        [{"index": 0, "function": {"arguments": '{"city":'}}],
        [{"index": 0, "function": {"arguments": ' "Paris"}'}}],
        [{"index": 1, "function": {"arguments": ": 1}"}}],
    ]
    events = sse(*(chunk(tool_calls=f) for f in frags), chunk(finish="tool_calls"))
    async with ScriptedServer() as server:
        server.script("/chat/completions", Reply(events=events))
        async with rest_client(server) as client:
            deltas = [d async for d in client.chat.stream(REQ)]
    whole = [c for d in deltas for c in d.tool_calls]
    assert [(c.id, c.name, c.arguments) for c in whole] == [
        ("call_a", "get", '{"city": "Paris"}'),
        ("call_b", "put", '{"x": 1}'),
    ]
    assert deltas[-1].tool_calls == tuple(whole)  # whole calls, once, when the choice finishes


async def test_gateway_path_prefix_is_kept() -> None:
    async with ScriptedServer(prefix="/openai/v1") as server:
        server.script("/chat/completions", Reply(json=completion("ok")))
        async with rest_client(server) as client:
            assert (await client.chat.complete(REQ)).content == "ok"
    assert server.requests[0][0] == "/openai/v1/chat/completions"


def _response_obj(text: str = "", *, call: Any = None) -> Any:
    output: list[Any] = []
    if text:
        content = [{"type": "output_text", "text": text, "annotations": []}]
        output.append({"type": "message", "role": "assistant", "content": content})
    if call:
        output.append({"type": "function_call", "id": "fc_1", **call})
    usage = {
        "input_tokens": 7,
        "output_tokens": 2,
        "total_tokens": 9,
        "output_tokens_details": {"reasoning_tokens": 1},
        "input_tokens_details": {"cached_tokens": 3},
    }
    return {
        "id": "resp_1",
        "model": "grok-test",
        "status": "completed",
        "output": output,
        "usage": usage,
    }


async def test_responses_api_unary_with_previous_response_id_and_store() -> None:
    req = ChatRequest(
        model="grok-test",
        messages=(user("Again"),),
        previous_response_id="resp_0",
        store_messages=True,
        tools=(FunctionTool(name="f"),),
    )
    async with ScriptedServer() as server:
        server.script("/responses", Reply(json=_response_obj("Done.")))
        async with rest_client(server) as client:  # rest_api="chat": routed to /responses
            resp = await client.chat.complete(req)
    assert (resp.id, resp.content, resp.finish_reason) == ("resp_1", "Done.", "stop")
    assert (resp.usage.reasoning_tokens, resp.usage.cached_prompt_text_tokens) == (1, 3)
    path, _, body = server.requests[0]
    assert path == "/v1/responses"
    assert body["previous_response_id"] == "resp_0"
    assert body["store"] is True
    assert body["input"] == [{"role": "user", "content": "Again"}]
    assert body["tools"][0] == {
        "type": "function",
        "name": "f",
        "parameters": {"type": "object", "properties": {}},
    }


async def test_responses_api_stream_text_and_function_call() -> None:
    call = {"call_id": "call_9", "name": "get", "arguments": '{"a": 1}'}
    events = [
        b"event: response.created\ndata: "
        + json.dumps({"type": "response.created"}).encode()
        + b"\n\n",
        *sse(
            {"type": "response.output_text.delta", "delta": "Hi "},
            {"type": "response.output_text.delta", "delta": "there"},
            {"type": "response.function_call_arguments.delta", "item_id": "fc_1", "delta": '{"a"'},
            {
                "type": "response.output_item.done",
                "item": {"type": "function_call", "id": "fc_1", **call},
            },
            {"type": "response.completed", "response": _response_obj("Hi there", call=call)},
            done=False,
        ),
    ]
    async with ScriptedServer() as server:
        server.script("/responses", Reply(events=events))
        async with rest_client(server, rest_api="responses") as client:
            stream = client.chat.stream(REQ)
            deltas = [d async for d in stream]
    assert "".join(d.content for d in deltas) == "Hi there"
    calls = [c for d in deltas for c in d.tool_calls]
    assert [(c.id, c.name, c.arguments) for c in calls] == [("call_9", "get", '{"a": 1}')]
    assert stream.response.finish_reason == "tool_calls"
    assert stream.response.tool_calls == tuple(calls)
    assert server.requests[0][2]["stream"] is True


STATUS_ERRORS = [
    (400, errors.InvalidRequest),
    (401, errors.AuthenticationError),
    (403, errors.PermissionDenied),
    (404, errors.NotFound),
    (408, errors.DeadlineExceeded),
    (413, errors.InvalidRequest),
    (422, errors.InvalidRequest),
    (429, errors.RateLimited),
    (500, errors.ServerError),
    (502, errors.Unavailable),
    (503, errors.Unavailable),
    (504, errors.DeadlineExceeded),
]


@pytest.mark.parametrize(("status", "cls"), STATUS_ERRORS)
async def test_each_error_status_is_its_agentrt_error(status: int, cls: type[Exception]) -> None:
    body = {"error": {"message": f"bad thing {status} (key {KEY})", "type": "x", "code": None}}
    async with ScriptedServer() as server:
        server.script(
            "/chat/completions", Reply(status=status, json=body, headers={"x-request-id": "rq-1"})
        )
        once = ClientConfig(
            endpoint=server.url, api_key=KEY, rate_limit_retries=0, unavailable_attempts=1
        )
        async with Client(config=once) as client:
            with pytest.raises(cls) as info:
                await client.chat.complete(REQ, timeout=20)
            with pytest.raises(cls):
                await client.chat.stream(REQ, timeout=20).collect()
    err = info.value
    assert isinstance(err, errors.RPCError)
    assert err.code == str(status)
    assert f"bad thing {status}" in str(err)
    assert KEY not in str(err)
    assert err.request_id == "rq-1"


async def test_429_is_retried_waiting_what_retry_after_says() -> None:
    limited = Reply(
        status=429, json={"error": {"message": "slow down"}}, headers={"retry-after-ms": "400"}
    )
    async with ScriptedServer() as server:
        server.script("/chat/completions", limited, Reply(json=completion("ok")))
        async with rest_client(server) as client:
            assert (await client.chat.complete(REQ)).content == "ok"
        assert len(server.times) == 2
        assert server.times[1] - server.times[0] >= 0.39
        server.script(
            "/chat/completions", Reply(status=429, json={}, headers={"retry-after": "0.2"})
        )
        async with rest_client(server, rate_limit_retries=2) as client:
            with pytest.raises(errors.RateLimited) as info:
                await client.chat.complete(REQ)
        assert info.value.retry_after == pytest.approx(0.2)
        assert len(server.times) == 2 + 3  # the first attempt and two retries


async def test_503_is_retried_like_unavailable_and_a_stream_before_its_first_event() -> None:
    down = Reply(status=503, json={"error": {"message": "busy"}})
    async with ScriptedServer() as server:
        server.script("/chat/completions", down, down, Reply(json=completion("up")))
        async with rest_client(server) as client:
            assert (await client.chat.complete(REQ)).content == "up"
            server.script("/chat/completions", down, Reply(events=sse(chunk("s", finish="stop"))))
            assert (await client.chat.stream(REQ).collect()).content == "s"


async def test_an_error_after_the_first_event_is_stream_interrupted() -> None:
    async with ScriptedServer() as server:
        server.script(
            "/chat/completions", Reply(events=sse(chunk("a"), chunk("b"), done=False), cut=True)
        )
        async with rest_client(server) as client:
            got: list[str] = []

            async def consume() -> None:
                async for d in client.chat.stream(REQ):
                    got.append(d.content)

            with pytest.raises(errors.StreamInterrupted) as info:
                await consume()
    assert got == ["a", "b"]
    assert info.value.chunks_received == 2
    assert len(server.requests) == 1  # never replayed


async def test_deadline_is_deadline_exceeded_unary_and_stream() -> None:
    async with ScriptedServer() as server:
        server.script("/chat/completions", Reply(json=completion("late"), delay=3))
        async with rest_client(server) as client:
            start = time.monotonic()
            with pytest.raises(errors.DeadlineExceeded):
                await client.chat.complete(REQ, timeout=0.3)
            assert time.monotonic() - start < 2
            with budget(0.3), pytest.raises(errors.DeadlineExceeded):
                await client.chat.complete(REQ, timeout=30)  # the budget caps it
            assert time.monotonic() - start < 3
            server.script("/chat/completions", Reply(events=sse(chunk("a"), done=False), hang=True))
            with pytest.raises(errors.StreamInterrupted) as info:
                await client.chat.stream(REQ, timeout=0.4).collect()
            assert isinstance(info.value.error, errors.DeadlineExceeded)


async def test_cancelling_a_stream_closes_its_connection() -> None:
    async with ScriptedServer() as server:
        server.script("/chat/completions", Reply(events=sse(chunk("a"), done=False), hang=True))
        async with rest_client(server) as client:
            first = asyncio.Event()

            async def consume() -> None:
                async for _ in client.chat.stream(REQ):
                    first.set()

            task = asyncio.create_task(consume())
            await asyncio.wait_for(first.wait(), 5)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            await asyncio.wait_for(server.disconnected.wait(), 5)


ran: list[str] = []


@tool
def get_weather(city: str) -> str:
    """The weather in a city.

    Args:
        city: its name.
    """
    ran.append(city)
    return f"sunny in {city}"


async def test_an_agent_with_a_tool_runs_unchanged_over_rest() -> None:
    call = {
        "id": "call_1",
        "type": "function",
        "function": {"name": "get_weather", "arguments": '{"city": "Oslo"}'},
    }
    async with ScriptedServer() as server:
        server.script(
            "/chat/completions",
            Reply(json=completion("", tool_calls=[call], finish="tool_calls")),
            Reply(json=completion("Sunny in Oslo.")),
        )
        agent = Agent(name="w", model="grok-test", instructions="Be brief.", tools=[get_weather])
        async with rest_client(server) as client:
            result = await agent.run("Weather in Oslo?", client=client)
    assert result.output == "Sunny in Oslo."
    assert ran == ["Oslo"]
    second = server.requests[1][2]["messages"]
    assert second[-2]["tool_calls"][0]["id"] == "call_1"
    assert second[-1] == {"role": "tool", "content": "sunny in Oslo", "tool_call_id": "call_1"}
    assert second[:2] == server.requests[0][2]["messages"]


async def test_tool_results_go_back_as_function_call_output_over_responses() -> None:
    from agentrt.xai.messages import ToolCall, assistant

    calls = (ToolCall(id="c1", name="f", arguments="{}"),)
    req = ChatRequest(
        model="grok-test",
        messages=(user("go"), assistant(tool_calls=calls), tool_result("c1", "42")),
    )
    async with ScriptedServer() as server:
        server.script("/responses", Reply(json=_response_obj("The answer is 42.")))
        async with rest_client(server, rest_api="responses") as client:
            assert (await client.chat.complete(req)).content == "The answer is 42."
    assert server.requests[0][2]["input"][1:] == [
        {"type": "function_call", "call_id": "c1", "name": "f", "arguments": "{}"},
        {"type": "function_call_output", "call_id": "c1", "output": "42"},
    ]


async def test_an_agent_streams_over_rest_with_the_tool_call_streamed_in_fragments() -> None:
    first = [
        {
            "index": 0,
            "id": "call_7",
            "type": "function",
            "function": {"name": "get_weather", "arguments": ""},
        }
    ]
    rest = [{"index": 0, "function": {"arguments": '{"city": "Rome"}'}}]
    async with ScriptedServer() as server:
        server.script(
            "/chat/completions",
            Reply(
                events=sse(
                    chunk(tool_calls=first), chunk(tool_calls=rest), chunk(finish="tool_calls")
                )
            ),
            Reply(events=sse(chunk("Sunny "), chunk("in Rome.", finish="stop"))),
        )
        agent = Agent(name="w", model="grok-test", tools=[get_weather])
        async with rest_client(server) as client, agent.stream("Rome?", client=client) as run:
            kinds = [type(e).__name__ async for e in run]
        result = run.result
    assert result.output == "Sunny in Rome."
    assert "Rome" in ran
    assert "TextDelta" in kinds
    assert all(body["stream"] for _, _, body in server.requests)
