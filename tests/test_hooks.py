"""Lifecycle hooks: the same calls for run() and stream(); a failing hook is HookFailed."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from agentrt.agents.agent import Agent
from agentrt.agents.dispatch import ToolCallRecord
from agentrt.agents.run_result import RunResult
from agentrt.agents.tools import RunContext, tool
from agentrt.errors import HookFailed, UsageError
from agentrt.testing import ScriptedModel, call, reply, simulator, tool_calls
from agentrt.xai.chat_response import ChatResponse
from agentrt.xai.messages import ToolCall


@tool
def double(n: int) -> int:
    """Double a number.

    Args:
        n: the number.
    """
    return n * 2


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, int, Any]] = []

    async def on_run_start(self, ctx: RunContext) -> None:
        self.calls.append(("run_start", ctx.turn, ctx.deps))

    def on_turn_start(self, ctx: RunContext) -> None:
        self.calls.append(("turn_start", ctx.turn, None))

    async def on_model_response(self, ctx: RunContext, response: ChatResponse) -> None:
        self.calls.append(("model_response", ctx.turn, response.finish_reason))

    def on_tool_start(self, ctx: RunContext, call: ToolCall) -> None:
        self.calls.append(("tool_start", ctx.turn, (ctx.tool_name, call.id)))

    async def on_tool_end(self, ctx: RunContext, record: ToolCallRecord) -> None:
        self.calls.append(("tool_end", ctx.turn, record.output))

    def on_turn_end(self, ctx: RunContext) -> None:
        self.calls.append(("turn_end", ctx.turn, None))

    async def on_run_end(self, ctx: RunContext, result: RunResult[Any]) -> None:
        self.calls.append(("run_end", ctx.turn, result.output))


EXPECTED = [
    ("run_start", 0, "deps!"),
    ("turn_start", 1, None),
    ("model_response", 1, "tool_calls"),
    ("tool_start", 1, ("double", "c1")),
    ("tool_end", 1, "4"),
    ("turn_end", 1, None),
    ("turn_start", 2, None),
    ("model_response", 2, "stop"),
    ("turn_end", 2, None),
    ("run_end", 2, "four"),
]


def _model() -> ScriptedModel:
    return ScriptedModel(tool_calls(call("double", {"n": 2}, id="c1")), reply("four"))


@pytest.mark.parametrize("streamed", [False, True])
async def test_hooks_are_called_in_order_for_run_and_stream(streamed: bool) -> None:
    hooks = Recorder()
    agent = Agent(name="a", model=_model(), tools=[double], hooks=hooks)
    if streamed:
        async with agent.stream("double 2", deps="deps!") as events:
            async for _ in events:
                pass
    else:
        await agent.run("double 2", deps="deps!")
    assert hooks.calls == EXPECTED


async def test_run_hooks_come_after_the_agents() -> None:
    order: list[str] = []

    class A:
        def on_run_start(self, ctx: RunContext) -> None:
            order.append("agent")

    class B:
        def on_run_start(self, ctx: RunContext) -> None:
            order.append("run")

    await Agent(name="a", model=ScriptedModel(reply("x")), hooks=A()).run("x", hooks=B())
    assert order == ["agent", "run"]


async def _drain(agent: Agent[Any], text: str) -> None:
    async with agent.stream(text) as events:
        async for _ in events:
            pass


class Raises:
    def on_tool_start(self, ctx: RunContext, call: ToolCall) -> None:
        raise ValueError("audit log is down")


class Hangs:
    async def on_turn_start(self, ctx: RunContext) -> None:
        await asyncio.sleep(30)


@pytest.mark.parametrize("streamed", [False, True])
@pytest.mark.parametrize(
    ("hooks", "hook", "words"),
    [
        (Raises(), "on_tool_start", "ValueError: audit log is down"),
        (Hangs(), "on_turn_start", "did not return within 0.1 s"),
    ],
)
async def test_a_failing_hook_stops_the_run_with_hook_failed(
    hooks: Any, hook: str, words: str, streamed: bool
) -> None:
    ran: list[int] = []

    @tool
    def work(n: int) -> int:
        """Work.

        Args:
            n: n.
        """
        ran.append(n)
        return n

    model = ScriptedModel(tool_calls(call("work", {"n": 1})), reply("x"))
    agent = Agent(name="a", model=model, tools=[work], hooks=hooks, hook_timeout=0.1)
    with pytest.raises(HookFailed, match=words) as e:
        await (_drain(agent, "go") if streamed else agent.run("go"))
    assert e.value.hook == hook
    assert e.value.result is not None
    assert ran == []
    assert [t.get_name() for t in asyncio.all_tasks() if t is not asyncio.current_task()] == []


def test_a_hooks_object_with_no_hook_is_refused() -> None:
    with pytest.raises(UsageError, match="has none of on_run_start"):
        Agent(name="a", model=ScriptedModel(), hooks=object())


async def test_e2e_hooks_against_the_simulator() -> None:
    hooks = Recorder()
    async with simulator() as sim:
        agent = Agent(name="a", model="grok-4-1-fast-reasoning", hooks=hooks)
        result = await agent.run("Say hello.", client=sim.client, deps="deps!")
    assert [c[0] for c in hooks.calls] == [
        "run_start",
        "turn_start",
        "model_response",
        "turn_end",
        "run_end",
    ]
    assert hooks.calls[-1][2] == result.output
