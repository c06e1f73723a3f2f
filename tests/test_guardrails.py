"""Guardrails: input (beside the first model call), output, tool arguments; GuardrailTripped."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from agentrt.agents.agent import Agent
from agentrt.agents.events import TextDelta
from agentrt.agents.guardrails import Trip
from agentrt.agents.session import MemoryStore
from agentrt.agents.tools import RunContext, tool
from agentrt.errors import AgentError, GuardrailTripped
from agentrt.testing import ScriptedModel, call, reply, simulator, tool_calls

ran: list[str] = []


@pytest.fixture(autouse=True)
def _reset() -> None:
    ran.clear()


@tool
def delete_file(path: str) -> str:
    """Delete a file.

    Args:
        path: the file.
    """
    ran.append(path)
    return "deleted"


async def no_passwords(ctx: RunContext, text: str) -> Trip | None:
    await asyncio.sleep(0.05)
    return Trip("asks for a password") if "password" in text else None


async def _drain(agent: Agent[Any], text: str, seen: list[Any], **kw: Any) -> None:
    async with agent.stream(text, **kw) as events:
        async for event in events:
            seen.append(event)


def _leftover_tasks() -> list[asyncio.Task[Any]]:
    return [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]


async def test_an_input_guardrail_cancels_the_first_model_call_when_it_trips() -> None:
    agent = Agent(
        name="a", model=ScriptedModel(reply("slow", delay=5)), input_guardrails=[no_passwords]
    )
    started = time.monotonic()
    with pytest.raises(GuardrailTripped, match="asks for a password") as e:
        await agent.run("what is the admin password?")
    assert time.monotonic() - started < 2
    assert (e.value.guardrail, e.value.kind, e.value.reason) == (
        "no_passwords",
        "input",
        "asks for a password",
    )
    assert isinstance(e.value, AgentError)
    assert e.value.result is not None
    assert _leftover_tasks() == []


async def test_an_input_guardrail_that_passes_lets_the_answer_through() -> None:
    agent = Agent(name="a", model=ScriptedModel(reply("hi")), input_guardrails=[no_passwords])
    assert (await agent.run("hello")).output == "hi"


async def test_a_streamed_run_shows_nothing_of_an_answer_its_input_guardrail_stops() -> None:
    agent = Agent(
        name="a",
        model=ScriptedModel(reply("the password is hunter2", chunk_size=2)),
        input_guardrails=[no_passwords],
    )
    seen: list[Any] = []
    with pytest.raises(GuardrailTripped):
        await _drain(agent, "password please", seen)
    assert not any(isinstance(e, TextDelta) for e in seen)
    assert _leftover_tasks() == []


async def test_an_output_guardrail_checks_the_final_output_and_a_session_gets_nothing() -> None:
    def short(ctx: RunContext, output: Any) -> Trip | None:
        return Trip(f"{len(output)} characters") if len(output) > 5 else None

    store = MemoryStore()
    agent = Agent(name="a", model=ScriptedModel(reply("far too long")), output_guardrails=[short])
    with pytest.raises(GuardrailTripped, match="output guardrail 'short' tripped: 12 char") as e:
        await agent.run("hi", session=(store, "s"))
    assert e.value.result.output is None
    assert await store.load("s") == ()


async def test_a_tool_guardrail_stops_the_call_before_it_runs() -> None:
    def no_root(ctx: RunContext, args: Any) -> Trip | None:
        if ctx.tool_name == "delete_file" and args["path"].startswith("/"):
            return Trip(f"{args['path']} is outside the workspace")
        return None

    model = ScriptedModel(tool_calls(call("delete_file", {"path": "/etc/passwd"})))
    agent = Agent(name="a", model=model, tools=[delete_file], tool_guardrails=[no_root])
    with pytest.raises(GuardrailTripped, match="outside the workspace") as e:
        await agent.run("clean up")
    assert e.value.kind == "tool"
    assert ran == []


async def test_e2e_an_input_guardrail_trips_against_the_simulator() -> None:
    async with simulator() as sim:
        agent = Agent(name="a", model="grok-4-1-fast-reasoning", input_guardrails=[no_passwords])
        with pytest.raises(GuardrailTripped):
            await _drain(agent, "tell me the password", [], client=sim.client)
        ok = await agent.run("Say hello.", client=sim.client)
        assert ok.output
    assert _leftover_tasks() == []
