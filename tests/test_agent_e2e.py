"""The agent loop end to end: agentrt's client against the simulator over real sockets.

Every bad-input case is produced by the simulator itself: its fault modes
(``x-sim-fault`` headers) or its script mode. Nothing is mocked.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from pydantic import BaseModel

from agentrt.agents.agent import Agent
from agentrt.agents.events import TextDelta, ToolCallFinished
from agentrt.agents.limits import Limits
from agentrt.agents.tools import tool
from agentrt.errors import (
    MaxTurnsExceeded,
    OutputValidationError,
    RunTimeout,
    ToolLoopDetected,
    UnknownToolError,
)
from agentrt.sim import FaultConfig, Realism
from agentrt.testing import simulator
from agentrt.xai.client import Client
from tests.conftest import SimProcess

pytestmark = pytest.mark.e2e

MODEL = "grok-4-1-fast-reasoning"
spans: dict[str, tuple[float, float]] = {}
ran: list[str] = []


@tool
async def get_weather(city: str) -> dict[str, Any]:
    """Get the current weather for a city.

    Args:
        city: The city name.
    """
    start = time.monotonic()
    await asyncio.sleep(0.2)
    spans[f"weather:{city}"] = (start, time.monotonic())
    ran.append(f"weather:{city}")
    return {"city": city, "temp_c": 21, "sky": "clear"}


@tool
def get_time(city: str) -> str:
    """Get the local time in a city.

    Args:
        city: The city name.
    """
    start = time.monotonic()
    time.sleep(0.2)
    spans[f"time:{city}"] = (start, time.monotonic())
    ran.append(f"time:{city}")
    return "14:05"


@tool
def get_tide(harbour: str) -> str:
    """Get the tide in a harbour; this one is broken."""
    raise ConnectionError(f"tide service for {harbour} is down")


@tool(timeout=0.1)
async def get_traffic(city: str) -> str:
    """Get the traffic in a city; this one is far too slow."""
    await asyncio.sleep(30)
    return "jammed"


class Report(BaseModel):
    city: str
    temp_c: int
    sky: str


def weather_agent(**kw: Any) -> Agent[Any]:
    kw.setdefault("tools", [get_weather, get_time, get_tide, get_traffic])
    return Agent(name="weather", model=MODEL, instructions="Answer exactly.", **kw)


def faulty(fault: str, on: str = "1") -> tuple[tuple[str, str], ...]:
    session = f"{fault}-{on}-{time.monotonic_ns()}"
    return (("x-sim-session", session), ("x-sim-fault", fault), ("x-sim-fault-on", on))


@pytest.fixture(autouse=True)
def _clear() -> None:
    spans.clear()
    ran.clear()


async def test_multi_tool_multi_turn_run_with_structured_output_and_overlapping_tools() -> None:
    async with simulator() as sim:
        agent = weather_agent(output_type=Report)
        result = await agent.run("What are the weather and the time in Paris?", client=sim.client)
        assert result.output == Report(city="Paris", temp_c=21, sky="clear")
        assert result.turns == 2
        assert sorted(r.name for r in result.tool_calls) == ["get_time", "get_weather"]
        assert all(r.ok for r in result.tool_calls)
        assert all(r.parsed == {"city": "Paris"} for r in result.tool_calls)
        a, b = spans["weather:Paris"], spans["time:Paris"]
        assert a[0] < b[1]
        assert b[0] < a[1]  # the async and the sync tool really ran at the same time
        assert result.usage.total_tokens > 0
        assert all(result.response_ids)
        more = await weather_agent().run(
            "And the weather in Oslo?", client=sim.client, history=result
        )
        assert more.turns == 2
        assert "Oslo" in more.output
        assert more.messages[: len(result.messages)] == result.messages


async def test_malformed_json_arguments_are_not_run_and_cost_a_turn() -> None:
    async with simulator() as sim, sim.connect(*faulty("malformed_args")) as client:
        result = await weather_agent().run("What is the weather in Paris?", client=client)
    assert ran == []
    assert result.turns == 2
    error = result.tool_calls[0].error
    assert error is not None
    assert error.kind == "invalid_arguments"
    assert "not valid JSON" in result.tool_calls[0].output


async def test_schema_invalid_arguments_are_not_run() -> None:
    script = [
        {"tool_calls": [{"name": "get_weather", "arguments": {"town": "Paris"}}]},
        {"text": "ok"},
    ]
    async with simulator(script=script) as sim:
        result = await weather_agent().run("Weather?", client=sim.client)
        assert sim.sim.script is not None
        assert sim.sim.script.remaining == 0
    assert ran == []
    assert "city: Field required" in result.tool_calls[0].output
    assert "town: Extra inputs are not permitted" in result.tool_calls[0].output


async def test_unknown_tool_is_an_error_result_or_raises() -> None:
    async with simulator() as sim:
        async with sim.connect(*faulty("unknown_tool")) as client:
            result = await weather_agent().run("What is the weather in Rome?", client=client)
        assert result.tool_calls[0].name == "nonexistent_tool"
        assert "there is no tool named 'nonexistent_tool'" in result.tool_calls[0].output
        assert result.turns == 2
        async with sim.connect(*faulty("unknown_tool")) as client:
            agent = weather_agent(limits=Limits(unknown_tool="raise"))
            with pytest.raises(UnknownToolError, match="nonexistent_tool"):
                await agent.run("What is the weather in Rome?", client=client)


async def test_tools_that_raise_or_time_out_give_error_results_and_the_run_goes_on() -> None:
    async with simulator() as sim:
        result = await weather_agent().run(
            "Use get_tide for Brest and get_traffic for Brest.", client=sim.client
        )
    by_name = {r.name: r for r in result.tool_calls}
    tide, traffic = by_name["get_tide"], by_name["get_traffic"]
    assert tide.error is not None
    assert (tide.error.type, tide.error.message) == (
        "ConnectionError",
        "tide service for Brest is down",
    )
    assert traffic.error is not None
    assert traffic.error.kind == "timeout"
    assert result.turns == 2
    assert isinstance(result.output, str)


async def test_invalid_structured_output_is_repaired_then_typed_error_with_raw_text() -> None:
    async with simulator() as sim:
        async with sim.connect(*faulty("invalid_output", on="2")) as client:
            result = await weather_agent(output_type=Report).run("Weather in Paris?", client=client)
        assert isinstance(result.output, Report)
        assert result.turns == 3  # tools, invalid answer, repaired answer
        async with sim.connect(*faulty("invalid_output", on="2,3")) as client:
            with pytest.raises(OutputValidationError) as info:
                await weather_agent(output_type=Report).run("Weather in Paris?", client=client)
        assert info.value.raw
        assert info.value.reason
        assert info.value.result.turns == 3


async def test_max_turns_and_repeated_identical_calls() -> None:
    async with simulator() as sim:
        with pytest.raises(MaxTurnsExceeded) as info:
            await weather_agent(limits=Limits(max_turns=1)).run(
                "Weather in Paris?", client=sim.client
            )
        assert info.value.result.turns == 1
        assert len(info.value.result.tool_calls) == 1
    same = {"tool_calls": [{"name": "get_time", "arguments": {"city": "Lima"}}]}
    async with simulator(script=[same, same, same]) as sim:
        agent = weather_agent(limits=Limits(max_identical_tool_calls=2))
        with pytest.raises(ToolLoopDetected, match=r"get_time.*3 times") as loop:
            await agent.run("Time in Lima?", client=sim.client)
        assert [(r.name, r.count) for r in loop.value.result.repeated_tool_calls] == [
            ("get_time", 3)
        ]


async def test_run_deadline_cancels_the_model_call() -> None:
    async with simulator(realism=Realism(ttft_ms=5_000)) as sim:
        with pytest.raises(RunTimeout) as info:
            await weather_agent(limits=Limits(timeout=0.3)).run("Hello there", client=sim.client)
        assert info.value.result.turns == 1
    assert asyncio.all_tasks() == {asyncio.current_task()}


async def test_run_deadline_cancels_running_tools() -> None:
    @tool
    async def survey(city: str) -> str:
        """Survey a city slowly."""
        await asyncio.sleep(30)
        ran.append("survey")
        return "done"

    async with simulator() as sim:
        agent = Agent(name="slow", model=MODEL, tools=[survey], limits=Limits(timeout=0.5))
        with pytest.raises(RunTimeout):
            await agent.run("Run survey for Paris.", client=sim.client)
    assert ran == []
    assert asyncio.all_tasks() == {asyncio.current_task()}


# Cancellation is checked against a simulator in another process, so that every task
# left in this process would be the client's.


async def leftover_tasks() -> set[asyncio.Task[Any]]:
    """Tasks other than this test's, once gRPC has run its own per-call bookkeeping
    (its status task ends a loop iteration or two after the call is cancelled)."""
    rest: set[asyncio.Task[Any]] = set()
    for _ in range(100):
        rest = asyncio.all_tasks() - {asyncio.current_task()}
        if not rest:
            break
        await asyncio.sleep(0.01)
    return rest


async def test_cancelling_a_streamed_run_leaves_nothing_running(sim_process: SimProcess) -> None:
    slow = (("x-sim-itl-ms", "20"),)
    async with Client(api_key="k", endpoint=sim_process.address, metadata=slow) as client:
        task = asyncio.create_task(_drain(weather_agent(), client))
        await asyncio.sleep(0.3)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert await leftover_tasks() == set()
        result = await weather_agent().run("Say hello", client=client)  # the client still works
        assert result.turns == 1


async def _drain(agent: Agent[Any], client: Any) -> None:
    async with agent.stream("Write a long story about the sea.", client=client) as events:
        async for _ in events:
            pass


async def test_breaking_out_of_stream_cancels_the_model_stream(sim_process: SimProcess) -> None:
    slow = (("x-sim-itl-ms", "5"),)
    async with Client(api_key="k", endpoint=sim_process.address, metadata=slow) as client:
        texts: list[str] = []
        async with weather_agent().stream("Tell me a story.", client=client) as events:
            async for event in events:
                if isinstance(event, TextDelta):
                    texts.append(event.text)
                    if len(texts) == 3:
                        break
        assert len(texts) == 3
        assert await leftover_tasks() == set()


async def test_breaking_out_of_an_agent_stream_ends_the_servers_call() -> None:
    ended = asyncio.Event()
    methods: list[str] = []

    @contextlib.contextmanager
    def observer(method: str, metadata: Mapping[str, str]) -> Iterator[None]:
        methods.append(method)
        try:
            yield
        finally:
            ended.set()

    # 2,000 tokens 20 ms apart: 40 s if the stream ran to its end
    realism = Realism(itl_ms=20, output_tokens=2000)
    async with simulator(realism=realism, observer=observer) as sim:
        texts: list[str] = []
        async with weather_agent().stream("Tell me a story.", client=sim.client) as events:
            async for event in events:
                if isinstance(event, TextDelta):
                    texts.append(event.text)
                    if len(texts) == 3:
                        break
        async with asyncio.timeout(10):
            await ended.wait()  # the server's handler ended: the call was cancelled
    assert methods == ["xai_api.Chat/GetCompletionChunk"]
    assert len(texts) == 3


async def test_streamed_tool_run_reports_tool_events_and_the_same_result() -> None:
    async with simulator() as sim:
        finished: list[ToolCallFinished] = []
        async with weather_agent().stream(
            "What is the weather in Paris?", client=sim.client
        ) as events:
            async for event in events:
                if isinstance(event, ToolCallFinished):
                    finished.append(event)
        assert [e.record.name for e in finished] == ["get_weather"]
        assert "21" in events.result.output
        typed = weather_agent(output_type=Report).stream("Weather in Paris?", client=sim.client)
        async with typed as events:
            text = "".join([e.text async for e in events if isinstance(e, TextDelta)])
        assert events.result.output == Report.model_validate_json(text)
        assert events.result.output.city == "Paris"


async def test_a_transport_fault_surfaces_as_the_clients_typed_error() -> None:
    from agentrt.errors import ServerError

    async with simulator(faults=FaultConfig(faults=frozenset({"internal"}))) as sim:
        with pytest.raises(ServerError):
            await weather_agent().run("Hello", client=sim.client)
