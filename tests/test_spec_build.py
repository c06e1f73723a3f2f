"""From a spec to an Agent: tools with overrides, builtins, sub-agents, output, settings, limits."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from pydantic import BaseModel

from agentrt.agents.agent import Agent
from agentrt.agents.tools import Tool
from agentrt.errors import OutputValidationError, UsageError
from agentrt.sim import Simulator
from agentrt.specs.agent_spec import AgentSpec, SpecError, load_agent
from agentrt.testing import ScriptedModel
from agentrt.xai.tool_specs import MCP, WebSearch, XSearch
from tests.conftest import forgetting_modules, write_files

TOOLS = '''
from pydantic import BaseModel

from agentrt.agents.tools import tool


def get_weather(city: str) -> str:
    """Today's weather in a city.

    Args:
        city: City name.
    """
    return f"sunny in {city}"


@tool(timeout=9, idempotent=True)
def decorated(n: int) -> int:
    """Double a number."""
    return 2 * n


def bad_signature(*args):
    """Takes anything."""


class Answer(BaseModel):
    text: str
'''


@pytest.fixture(autouse=True)
def _forget_imported_tools() -> Iterator[None]:
    with forgetting_modules("build_t_"):
        yield


def _write(root: Path, files: dict[str, str]) -> Path:
    write_files(root, files)
    return root / "agent.yaml"


HEAD = "version: 1\nname: main\nmodel: grok-4-1-fast-reasoning\ninstructions: Help {who}.\n"


def test_a_full_spec_builds_the_agent_it_describes(tmp_path: Path) -> None:
    spec_file = _write(
        tmp_path,
        {
            "build_t_full.py": TOOLS,
            "sub/helper.yaml": "version: 1\nname: helper\ndescription: Helps.\nmodel: m\ninstructions: Assist {who}.\n",
            "agent.yaml": HEAD
            + textwrap.dedent(
                """\
                description: The main agent.
                tools:
                  - function: build_t_full:get_weather
                    name: weather
                    description: The weather, today.
                    timeout: 1m30s
                  - function: build_t_full:decorated
                  - builtin: web_search
                    allowed_domains: [example.org]
                    user_location: {country: PT, city: Lisbon}
                  - builtin: x_search
                    from_date: 2025-01-02
                  - builtin: mcp
                    server_url: https://mcp.example.org
                    authorization: ${BUILD_T_TOKEN:-none}
                  - agent: sub/helper.yaml
                    name: ask_helper
                    timeout: 20s
                output: {type: build_t_full:Answer}
                settings: {temperature: 0.2, max_tokens: 99, reasoning_effort: high, parallel_tool_calls: false, seed: 7, stop: [END]}
                limits: {max_turns: 3, timeout: 2m, max_tool_concurrency: 2, output_retries: 0}
                """
            ),
        },
    )
    agent = load_agent(spec_file, variables={"who": "Ada"}, environ={"BUILD_T_TOKEN": "tok"})
    assert isinstance(agent, Agent)
    assert agent.name == "main"
    assert agent.description == "The main agent."
    assert agent.instructions == "Help Ada."
    items = list(agent.tools)
    weather, doubled, web, x, mcp, helper = items
    assert isinstance(weather, Tool)
    assert (weather.name, weather.description, weather.timeout) == (
        "weather",
        "The weather, today.",
        90.0,
    )
    assert weather("Oslo") == "sunny in Oslo"
    assert isinstance(doubled, Tool)
    assert (doubled.name, doubled.timeout, doubled.idempotent) == ("decorated", 9.0, True)
    assert web == WebSearch(allowed_domains=("example.org",), country="PT", city="Lisbon")
    assert isinstance(x, XSearch)
    assert x.from_date == datetime(2025, 1, 2)
    assert isinstance(mcp, MCP)
    assert mcp.authorization == "tok"
    assert isinstance(helper, Tool)
    assert (helper.name, helper.description, helper.timeout) == ("ask_helper", "Helps.", 20.0)
    assert agent.settings.temperature == 0.2
    assert agent.settings.max_tokens == 99
    assert agent.settings.reasoning_effort == "high"
    assert agent.settings.parallel_tool_calls is False
    assert agent.settings.stop == ("END",)
    assert (agent.limits.max_turns, agent.limits.timeout) == (3, 120.0)
    assert (agent.limits.max_tool_concurrency, agent.limits.output_retries) == (2, 0)


async def test_the_built_agent_runs_with_its_sub_agent_and_the_same_variables(
    tmp_path: Path,
) -> None:
    spec_file = _write(
        tmp_path,
        {
            "helper.yaml": (
                "version: 1\nname: helper\nmodel: grok-4-1-fast-reasoning\n"
                "instructions: Assist {who} with {topic}.\n"
            ),
            "agent.yaml": HEAD + "tools:\n  - agent: helper.yaml\n",
        },
    )
    spec = AgentSpec.from_file(spec_file)
    assert spec.variables() == ["who", "topic"]
    with pytest.raises(UsageError, match=r"agent 'helper' need 'topic'"):
        spec.to_agent({"who": "Ada"})
    agent = spec.to_agent({"who": "Ada", "topic": "sums"})
    async with Simulator() as sim:
        from agentrt.xai.client import Client

        async with Client(endpoint=sim.address) as client:
            result = await agent.run('Ask the helper: "what is 2+2"', client=client)
    [call] = result.tool_calls
    assert call.name == "helper"
    assert call.error is None
    assert result.turns == 2


async def test_output_schema_is_enforced_on_the_built_agent(tmp_path: Path) -> None:
    schema = "output:\n  schema: {type: object, properties: {n: {type: integer}}, required: [n]}\n"
    agent = AgentSpec.from_text(HEAD.replace("{who}", "me") + schema).to_agent()
    ok = await agent.run("hi", model=ScriptedModel('{"n": 3}'))
    assert ok.output == {"n": 3}
    with pytest.raises(OutputValidationError):
        await agent.run("hi", model=ScriptedModel('{"m": 1}', '{"m": 2}'))


def test_a_missing_placeholder_value_is_a_usage_error(tmp_path: Path) -> None:
    spec = AgentSpec.from_text(HEAD)
    assert spec.variables() == ["who"]
    with pytest.raises(UsageError, match=r"agent 'main' need 'who'"):
        spec.to_agent()


@pytest.mark.parametrize(
    ("tools", "expected"),
    [
        (
            "  - function: build_t_bad:bad_signature\n",
            "agent.yaml:6:15: tools[0].function: 'build_t_bad:bad_signature' cannot be a tool: ",
        ),
        (
            "  - function: build_t_bad:get_weather\n  - function: build_t_bad:get_weather\n",
            "agent.yaml:7:5: tools[1]: two tools are named 'get_weather' (tools[0] and tools[1]); "
            "give one another name with 'name:'",
        ),
        (
            "  - function: build_t_bad:Answer\n",
            "agent.yaml:6:15: tools[0].function: 'build_t_bad:Answer' is not a function "
            "(it is the class Answer); a tool must be a callable",
        ),
    ],
)
def test_tools_that_cannot_be_built_are_spec_problems(
    tools: str, expected: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(tmp_path, {"build_t_bad.py": TOOLS, "agent.yaml": HEAD + "tools:\n" + tools})
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SpecError) as info:
        AgentSpec.from_file("agent.yaml")
    assert any(str(p).startswith(expected) for p in info.value.problems), info.value


def test_a_module_shadowed_by_an_earlier_import_is_reported(tmp_path: Path) -> None:
    for sub in ("one", "two"):
        _write(
            tmp_path / sub,
            {
                "build_t_same.py": TOOLS,
                "agent.yaml": HEAD + "tools: [{function: build_t_same:get_weather}]\n",
            },
        )
    AgentSpec.from_file(tmp_path / "one" / "agent.yaml")
    with pytest.raises(SpecError, match="is shadowed by another module of that name"):
        AgentSpec.from_file(tmp_path / "two" / "agent.yaml")


def test_output_type_must_be_a_pydantic_model_and_is_used(tmp_path: Path) -> None:
    _write(tmp_path, {"build_t_out.py": TOOLS})
    spec = AgentSpec.from_text(HEAD + "output: {type: build_t_out:Answer}\n", base_dir=tmp_path)
    assert spec.output_type is not None
    assert issubclass(spec.output_type, BaseModel)
    assert spec.output_type.__name__ == "Answer"
