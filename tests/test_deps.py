"""Typed run dependencies: Agent[Out, Deps] and run(deps=...) reach tools, hooks, guardrails."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from agentrt.agents.agent import Agent
from agentrt.agents.guardrails import Trip
from agentrt.agents.tools import RunContext, ToolContext, tool
from agentrt.testing import ScriptedModel, call, reply, simulator, tool_calls


@dataclass
class Deps:
    db: dict[str, str]
    user: str


@tool
def lookup(key: str, ctx: RunContext[Deps]) -> str:
    """Look a key up.

    Args:
        key: the key.
    """
    return f"{ctx.deps.user}: {ctx.deps.db[key]}"


def test_a_run_context_parameter_is_not_part_of_the_schema() -> None:
    assert list(lookup.parameters["properties"]) == ["key"]
    assert lookup.schema.context_param == "ctx"
    assert RunContext is ToolContext


async def test_deps_reach_tools_hooks_and_guardrails() -> None:
    seen: list[Any] = []

    class Hooks:
        def on_run_start(self, ctx: RunContext[Deps]) -> None:
            seen.append(("hook", ctx.deps.user))

    def guard(ctx: RunContext[Deps], text: str) -> Trip | None:
        seen.append(("guard", ctx.deps.user))
        return None

    deps = Deps(db={"k": "v"}, user="ada")
    model = ScriptedModel(tool_calls(call("lookup", {"key": "k"})), reply("done"))
    agent: Agent[str, Deps] = Agent(
        name="a", model=model, tools=[lookup], hooks=Hooks(), input_guardrails=[guard]
    )
    result = await agent.run("look k up", deps=deps)
    assert result.tool_calls[0].output == "ada: v"
    assert sorted(seen) == [("guard", "ada"), ("hook", "ada")]


async def test_without_deps_a_tool_sees_none() -> None:
    @tool
    def show(ctx: ToolContext) -> str:
        """Show the deps."""
        return repr(ctx.deps)

    model = ScriptedModel(tool_calls(call("show", {})), reply("done"))
    result = await Agent(name="a", model=model, tools=[show]).run("go")
    assert result.tool_calls[0].output == "None"


async def test_e2e_deps_against_the_simulator() -> None:
    @tool
    async def get_weather(city: str, ctx: RunContext[Deps]) -> str:
        """Get the current weather for a city.

        Args:
            city: City name.
        """
        return f"{ctx.deps.db[city]} for {ctx.deps.user}"

    async with simulator() as sim:
        agent: Agent[str, Deps] = Agent(
            name="w", model="grok-4-1-fast-reasoning", tools=[get_weather]
        )
        result = await agent.run(
            "What is the weather in Paris?",
            client=sim.client,
            deps=Deps(db={"Paris": "sunny"}, user="ada"),
        )
    assert result.tool_calls[0].output == "sunny for ada"
