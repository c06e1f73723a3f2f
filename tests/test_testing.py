"""agentrt.testing: the scripted model fails loudly when misused and behaves like a model otherwise."""

from __future__ import annotations

import pytest

from agentrt.agents.model import Model
from agentrt.errors import DeadlineExceeded, Unavailable
from agentrt.testing import ScriptedModel, ScriptExhausted, call, fail, reply, tool_calls
from agentrt.xai.chat_request import ChatRequest
from agentrt.xai.chat_response import ChatResponse, Delta
from agentrt.xai.messages import user

REQ = ChatRequest(model="m", messages=(user("hi"),))


def test_it_is_a_model() -> None:
    assert isinstance(ScriptedModel(), Model)


async def test_complete_replays_turns_in_order_and_records_requests() -> None:
    model = ScriptedModel("first", tool_calls(call("f", {"a": 1}, id="c1")))
    r1 = await model.complete(REQ)
    assert r1.content == "first"
    assert r1.finish_reason == "stop"
    assert r1.model == "m"
    r2 = await model.complete(REQ)
    assert r2.finish_reason == "tool_calls"
    assert [(t.id, t.name, t.arguments) for t in r2.tool_calls] == [("c1", "f", '{"a": 1}')]
    assert model.requests == [REQ, REQ]
    assert r1.id != r2.id
    assert r1.usage.total_tokens == 15


async def test_an_unexpected_call_raises() -> None:
    model = ScriptedModel("only")
    await model.complete(REQ)
    with pytest.raises(ScriptExhausted, match="unexpected model call #2"):
        await model.complete(REQ)


async def test_unused_turns_fail_at_the_end() -> None:
    model = ScriptedModel("a", "b")
    await model.complete(REQ)
    with pytest.raises(ScriptExhausted, match="1 scripted turn"), model:
        pass
    with ScriptedModel() as empty:
        assert empty.remaining == 0


async def test_stream_yields_reasoning_text_tool_calls_then_the_response() -> None:
    model = ScriptedModel(reply("Hello world", reasoning="think", chunk_size=5))
    items = [item async for item in model.stream(REQ)]
    deltas = [i for i in items if isinstance(i, Delta)]
    assert [d.reasoning_content for d in deltas if d.reasoning_content] == ["think"]
    assert [d.content for d in deltas if d.content] == ["Hello", " worl", "d"]
    assert isinstance(items[-1], ChatResponse)
    assert items[-1].content == "Hello world"


async def test_errors_delays_deadlines_and_checks() -> None:
    seen: list[ChatRequest] = []
    model = ScriptedModel(
        fail(Unavailable("down", code="UNAVAILABLE")),
        reply("late", delay=5),
        reply("checked", check=seen.append),
    )
    with pytest.raises(Unavailable):
        await model.complete(REQ)
    with pytest.raises(DeadlineExceeded):
        await model.complete(REQ, timeout=0.05)
    assert (await model.complete(REQ)).content == "checked"
    assert seen == [REQ]
