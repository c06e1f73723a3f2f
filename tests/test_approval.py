"""Tool approval: a run pauses at calls that need a person, and resumes from a JSON state."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from agentrt.agents.agent import Agent
from agentrt.agents.approval import ApprovalRequired, Approve, Deny
from agentrt.agents.events import RunFinished, ToolCallFinished
from agentrt.agents.run_state import RunState
from agentrt.agents.session import MemoryStore
from agentrt.agents.tools import ToolContext, tool
from agentrt.errors import UsageError
from agentrt.testing import ScriptedModel, call, reply, simulator, tool_calls

counts: Counter[str] = Counter()


@pytest.fixture(autouse=True)
def _reset() -> None:
    counts.clear()


@tool
def lookup(order: str) -> str:
    """Look an order up.

    Args:
        order: the order id.
    """
    counts["lookup"] += 1
    return f"{order} shipped"


@tool(needs_approval=True)
def refund(order: str) -> str:
    """Refund an order.

    Args:
        order: the order id.
    """
    counts["refund"] += 1
    return f"{order} refunded"


def _script(*final: str) -> ScriptedModel:
    first = tool_calls(
        call("lookup", {"order": "A1"}, id="c1"), call("refund", {"order": "A1"}, id="c2")
    )
    return ScriptedModel(first, *(reply(t) for t in final))


def _roundtrip(state: RunState) -> RunState:
    return RunState.from_json(json.loads(json.dumps(state.to_json())))


async def test_a_run_pauses_and_resumes_without_running_a_call_twice() -> None:
    model = _script("done")
    agent = Agent(name="shop", model=model, tools=[lookup, refund])
    paused = await agent.run("refund A1")
    assert isinstance(paused.outcome, ApprovalRequired)
    assert paused.output is None
    assert [(p.call_id, p.tool, json.loads(p.arguments)) for p in paused.outcome.calls] == [
        ("c2", "refund", {"order": "A1"})
    ]
    assert counts == {"lookup": 1}
    assert paused.to_dict()["approval_required"] == [
        {"call_id": "c2", "tool": "refund", "arguments": '{"order": "A1"}', "note": ""}
    ]
    final = await agent.resume(_roundtrip(paused.outcome.state), {"c2": Approve()})
    assert final.to_dict()["approval_required"] is None
    assert final.outcome is None
    assert final.output == "done"
    assert counts == {"lookup": 1, "refund": 1}
    tool_messages = [m for m in model.requests[1].messages if m.role == "tool"]
    assert [(m.tool_call_id, m.text) for m in tool_messages] == [
        ("c1", "A1 shipped"),
        ("c2", "A1 refunded"),
    ]
    assert [r.call_id for r in final.tool_calls] == ["c1", "c2"]
    assert final.turns == 2
    assert final.run_id == paused.run_id


async def test_a_denied_call_does_not_run_and_the_model_reads_the_reason() -> None:
    model = _script("ok, no refund")
    agent = Agent(name="shop", model=model, tools=[lookup, refund])
    paused = await agent.run("refund A1")
    assert paused.outcome is not None
    final = await agent.resume(paused.outcome.state, {"c2": Deny("over the limit")})
    assert counts == {"lookup": 1}
    last_tool = [m for m in model.requests[1].messages if m.role == "tool"][-1]
    assert json.loads(last_tool.text) == {"denied": True, "reason": "over the limit"}
    error = final.tool_calls[1].error
    assert error is not None
    assert error.kind == "denied"


async def test_needs_approval_as_a_function_asks_only_when_it_says_so() -> None:
    def big(ctx: ToolContext, args: Any) -> bool:
        assert ctx.tool_name == "pay"
        return bool(args["amount"] > 100)

    @tool(needs_approval=big)
    def pay(amount: int) -> str:
        """Pay.

        Args:
            amount: how much.
        """
        counts["pay"] += 1
        return "paid"

    model = ScriptedModel(
        tool_calls(call("pay", {"amount": 5}, id="small")),
        tool_calls(call("pay", {"amount": 500}, id="large")),
    )
    result = await Agent(name="p", model=model, tools=[pay]).run("pay")
    assert counts == {"pay": 1}
    assert result.outcome is not None
    assert [c.call_id for c in result.outcome.calls] == ["large"]


async def test_a_stream_ends_with_the_approval_required_event() -> None:
    agent = Agent(name="shop", model=_script(), tools=[lookup, refund])
    async with agent.stream("refund A1") as events:
        seen = [e async for e in events]
    assert isinstance(seen[-1], ApprovalRequired)
    assert not any(isinstance(e, RunFinished) for e in seen)
    finished = [e.record.call_id for e in seen if isinstance(e, ToolCallFinished)]
    assert finished == ["c1"]
    assert events.result.outcome is seen[-1]


async def test_a_paused_session_run_appends_its_turn_when_the_resumed_run_ends() -> None:
    store = MemoryStore()
    agent = Agent(name="shop", model=_script("refunded it"), tools=[lookup, refund])
    paused = await agent.run("refund A1", session=(store, "s"))
    assert paused.outcome is not None
    assert await store.load("s") == ()
    state = _roundtrip(paused.outcome.state)
    with pytest.raises(UsageError, match="session=\\(store, 's'\\)"):
        await agent.resume(state, {"c2": Approve()})
    await agent.resume(state, {"c2": Approve()}, session=(store, "s"))
    (turn,) = await store.load("s")
    assert turn.input == "refund A1"
    assert [m.role for m in turn.messages] == ["user", "assistant", "tool", "tool", "assistant"]


async def test_e2e_approval_against_the_simulator() -> None:
    @tool
    async def get_weather(city: str) -> dict[str, Any]:
        """Get the current weather for a city.

        Args:
            city: City name.
        """
        counts["weather"] += 1
        return {"city": city, "temp_c": 21}

    @tool(needs_approval=True)
    def get_time(city: str) -> str:
        """Get the local time in a city.

        Args:
            city: City name.
        """
        counts["time"] += 1
        return "12:00"

    async with simulator() as sim:
        agent = Agent(name="w", model="grok-4-1-fast-reasoning", tools=[get_weather, get_time])
        paused = await agent.run("What are the weather and the time in Paris?", client=sim.client)
        assert paused.outcome is not None
        assert [c.tool for c in paused.outcome.calls] == ["get_time"]
        assert counts == {"weather": 1}
        decisions = {c.call_id: Approve() for c in paused.outcome.calls}
        final = await agent.resume(_roundtrip(paused.outcome.state), decisions, client=sim.client)
        assert counts == {"weather": 1, "time": 1}
        assert "Paris" in final.output
        assert sorted(r.name for r in final.tool_calls) == ["get_time", "get_weather"]
