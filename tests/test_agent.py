"""The agent loop, unit-tested through the model seam with ScriptedModel (no server)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from pydantic import BaseModel

from agentrt.agents.agent import Agent
from agentrt.agents.events import (
    ReasoningDelta,
    RunFinished,
    TextDelta,
    ToolCallFinished,
    ToolCallStarted,
    TurnFinished,
)
from agentrt.agents.limits import Limits
from agentrt.agents.model import ModelSettings
from agentrt.agents.run_result import RunResult
from agentrt.agents.tools import ToolContext, tool
from agentrt.errors import (
    AgentError,
    DeadlineExceeded,
    MaxTurnsExceeded,
    OutputValidationError,
    RunTimeout,
    ToolLoopDetected,
    UnknownToolError,
    UsageError,
)
from agentrt.testing import ScriptedModel, call, reply, tool_calls
from agentrt.xai.chat_request import ChatRequest, JsonSchema
from agentrt.xai.chat_response import ChatResponse, Delta
from agentrt.xai.deadline import budget
from agentrt.xai.messages import system, user

ran: list[str] = []


@tool
def get_weather(city: str) -> dict[str, Any]:
    """Current weather.

    Args:
        city: The city.
    """
    ran.append(f"weather:{city}")
    return {"city": city, "temp": 21}


@tool
async def get_time(city: str) -> str:
    """Local time in a city."""
    ran.append(f"time:{city}")
    return "14:05"


@tool
def explode(reason: str) -> str:
    """Always fails."""
    raise RuntimeError(reason)


@tool(timeout=0.05)
async def too_slow() -> str:
    """Never in time."""
    await asyncio.sleep(10)
    return "late"


finished_sleeps: list[str] = []


@tool
async def sleepy(label: str) -> str:
    """Sleeps a long time."""
    await asyncio.sleep(10)
    finished_sleeps.append(label)
    return label


class Report(BaseModel):
    city: str
    temp: int
    time: str


TOOLS = [get_weather, get_time, explode, too_slow, sleepy]


def agent(**kw: Any) -> Agent[Any]:
    kw.setdefault("tools", TOOLS)
    return Agent(name="tester", model="grok-test", instructions="Be exact.", **kw)


def roles(request: ChatRequest) -> list[str]:
    return [m.role for m in request.messages]


@pytest.fixture(autouse=True)
def _clear() -> None:
    ran.clear()
    finished_sleeps.clear()


async def test_multi_tool_multi_turn_run_with_structured_output() -> None:
    model = ScriptedModel(
        tool_calls(
            call("get_weather", {"city": "Paris"}, id="w1"),
            call("get_time", {"city": "Paris"}, id="t1"),
        ),
        tool_calls(call("get_weather", {"city": "Lyon"}, id="w2")),
        reply('{"city": "Paris", "temp": 21, "time": "14:05"}'),
    )
    with model:
        result = await agent(output_type=Report).run("Weather and time in Paris?", model=model)
    assert result.output == Report(city="Paris", temp=21, time="14:05")
    assert result.turns == 3
    assert result.usage.total_tokens == 45
    assert len(result.response_ids) == 3
    assert result.last_response_id == result.response_ids[-1]
    assert [(r.call_id, r.name, r.ok) for r in result.tool_calls] == [
        ("w1", "get_weather", True),
        ("t1", "get_time", True),
        ("w2", "get_weather", True),
    ]
    assert json.loads(result.tool_calls[0].output) == {"city": "Paris", "temp": 21}
    assert [m.role for m in result.messages] == [
        "user",
        "assistant",
        "tool",
        "tool",
        "assistant",
        "tool",
        "assistant",
    ]
    second = model.requests[1]
    assert roles(second) == ["system", "user", "assistant", "tool", "tool"]
    assert [m.tool_call_id for m in second.messages[3:]] == ["w1", "t1"]
    assert second.messages[4].text == "14:05"
    assert [getattr(t, "name", "") for t in second.tools] == [
        "get_weather",
        "get_time",
        "explode",
        "too_slow",
        "sleepy",
    ]
    assert isinstance(second.response_format, JsonSchema)
    assert second.response_format.schema["required"] == ["city", "temp", "time"]
    # the first turn's two sync tools run at once, on two threads: either may finish first
    assert sorted(ran[:2]) == ["time:Paris", "weather:Paris"]
    assert ran[2:] == ["weather:Lyon"]


async def test_text_output_and_settings_reach_the_request() -> None:
    model = ScriptedModel(reply("hello"))
    settings = ModelSettings(temperature=0.2, max_tokens=99, parallel_tool_calls=True, seed=7)
    result = await agent(settings=settings).run("hi", model=model)
    assert result.output == "hello"
    assert result.text == "hello"
    req = model.requests[0]
    assert (req.temperature, req.max_tokens, req.parallel_tool_calls, req.seed) == (
        0.2,
        99,
        True,
        7,
    )
    assert req.model == "grok-test"
    assert req.response_format is None


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [("{not json", "not valid JSON"), ('{"city": 12}', "city: Input should be a valid string")],
    ids=["malformed-json", "schema-invalid"],
)
async def test_bad_arguments_are_not_run_and_the_model_is_told(
    arguments: str, expected: str
) -> None:
    model = ScriptedModel(tool_calls(call("get_weather", arguments, id="b1")), reply("sorry"))
    result = await agent().run("go", model=model)
    assert ran == []
    assert result.turns == 2  # the bad call cost a turn
    record = result.tool_calls[0]
    assert record.error is not None
    assert record.error.kind == "invalid_arguments"
    tool_msg = model.requests[1].messages[-1]
    assert tool_msg.role == "tool"
    assert tool_msg.tool_call_id == "b1"
    assert expected in tool_msg.text


async def test_unknown_tool_is_an_error_result_by_default_or_raises() -> None:
    model = ScriptedModel(tool_calls(call("teleport", {}, id="u1")), reply("ok"))
    result = await agent().run("go", model=model)
    assert "there is no tool named 'teleport'" in model.requests[1].messages[-1].text
    assert result.tool_calls[0].error is not None
    model = ScriptedModel(tool_calls(call("teleport", {}), call("get_weather", {"city": "X"})))
    with pytest.raises(UnknownToolError, match="teleport") as info:
        await agent(limits=Limits(unknown_tool="raise")).run("go", model=model)
    assert ran == []
    assert isinstance(info.value.result, RunResult)
    assert info.value.result.turns == 1


async def test_tool_exceptions_and_timeouts_become_error_results_and_the_run_goes_on() -> None:
    model = ScriptedModel(
        tool_calls(
            call("explode", {"reason": "bad fuse"}),
            call("too_slow", {}),
            call("get_time", {"city": "Oslo"}),
        ),
        reply("done"),
    )
    result = await agent().run("go", model=model)
    assert result.output == "done"
    boom, slow, ok = result.tool_calls
    assert boom.error is not None
    assert (boom.error.type, boom.error.message) == ("RuntimeError", "bad fuse")
    assert slow.error is not None
    assert slow.error.kind == "timeout"
    assert ok.ok
    sent = [m.text for m in model.requests[1].messages[-3:]]
    assert json.loads(sent[0]) == {"error": {"type": "RuntimeError", "message": "bad fuse"}}
    assert "Traceback" not in sent[0]


async def test_invalid_structured_output_gets_a_repair_turn_that_says_what_failed() -> None:
    model = ScriptedModel(
        reply('{"city": "Paris", "temp": "warm", "time": "now"}'),
        reply('{"city": "Paris", "temp": 21, "time": "now"}'),
    )
    result = await agent(output_type=Report).run("go", model=model)
    assert result.output.temp == 21
    assert result.turns == 2
    repair = model.requests[1].messages[-1]
    assert repair.role == "user"
    assert "temp: Input should be a valid integer" in repair.text


async def test_output_still_invalid_after_repairs_raises_with_the_raw_text() -> None:
    model = ScriptedModel(reply("Paris is sunny"), reply('{"city": "Paris"}'))
    with pytest.raises(OutputValidationError) as info:
        await agent(output_type=Report).run("go", model=model)
    err = info.value
    assert err.raw == '{"city": "Paris"}'
    assert "temp: Field required" in err.reason
    assert err.exit_code == 1
    assert isinstance(err.result, RunResult)
    assert err.result.turns == 2
    model = ScriptedModel(reply("nope"))
    with pytest.raises(OutputValidationError, match="not valid JSON"):
        await agent(output_schema={"type": "object"}, limits=Limits(output_retries=0)).run(
            "go", model=model
        )


async def test_max_turns_raises_with_the_partial_result() -> None:
    model = ScriptedModel(*(tool_calls(call("get_time", {"city": f"C{i}"})) for i in range(3)))
    with pytest.raises(MaxTurnsExceeded, match="used its 3 turns") as info:
        await agent(limits=Limits(max_turns=3)).run("loop", model=model)
    partial = info.value.result
    assert isinstance(partial, RunResult)
    assert partial.turns == 3
    assert len(partial.tool_calls) == 3
    assert partial.output is None


async def test_identical_repeated_calls_are_reported_and_stopped_at_the_limit() -> None:
    same = '{"city": "Rome"}'
    model = ScriptedModel(
        tool_calls(call("get_time", same)),
        tool_calls(call("get_time", '{ "city":"Rome" }')),  # same call, other spacing
        reply("14:05"),
    )
    result = await agent().run("go", model=model)
    assert [(r.name, r.count) for r in result.repeated_tool_calls] == [("get_time", 2)]
    model = ScriptedModel(*(tool_calls(call("get_time", same)) for _ in range(3)))
    with pytest.raises(ToolLoopDetected, match="3 times"):
        await agent(limits=Limits(max_identical_tool_calls=2)).run("go", model=model)


async def test_run_deadline_while_the_model_answers() -> None:
    model = ScriptedModel(reply("late", delay=5))
    with pytest.raises(RunTimeout, match=r"0\.1 s budget") as info:
        await agent(limits=Limits(timeout=0.1)).run("go", model=model)
    assert isinstance(info.value.result, RunResult)
    assert asyncio.all_tasks() == {asyncio.current_task()}


class ServerDeadline(ScriptedModel):
    """A model whose server ends the call with DEADLINE_EXCEEDED after ``after`` seconds."""

    def __init__(self, after: float) -> None:
        super().__init__()
        self.after = after

    async def complete(
        self,
        request: ChatRequest,
        *,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> Any:
        await asyncio.sleep(self.after)
        raise DeadlineExceeded("deadline exceeded", code="DEADLINE_EXCEEDED")


@pytest.mark.parametrize(
    ("limits", "caller_s", "scope_s", "named", "not_named"),
    [
        (Limits(timeout=0.1), None, None, r"its 0\.1 s budget in turn 1", "caller"),
        (Limits(timeout=60), 0.1, None, r"the caller's deadline \(0\.1 s", "60 s"),
        (Limits(timeout=60), None, 0.1, r"the caller's deadline \(0\.1 s", "60 s"),
        (Limits(), 0.1, None, r"the caller's deadline \(0\.1 s", "budget"),
        (Limits(timeout=0.1), 30.0, None, r"its 0\.1 s budget", "caller"),
    ],
)
async def test_a_run_timeout_names_the_deadline_that_ran_out(
    limits: Limits, caller_s: float | None, scope_s: float | None, named: str, not_named: str
) -> None:
    model = ScriptedModel(reply("late", delay=5))
    deadline = None if caller_s is None else time.monotonic() + caller_s
    scope = contextlib.nullcontext() if scope_s is None else budget(scope_s)
    with scope, pytest.raises(RunTimeout, match=named) as info:
        await agent(limits=limits).run("go", model=model, deadline=deadline)
    assert not_named not in str(info.value)


async def test_a_server_deadline_on_one_call_is_not_the_runs_budget() -> None:
    with pytest.raises(DeadlineExceeded) as info:
        await agent(limits=Limits(timeout=60)).run("go", model=ServerDeadline(0.05))
    message = str(info.value)
    assert "was ended by the server after 0.0" in message
    assert "budget" not in message
    assert "s of the run's time left" in message


async def test_run_deadline_while_tools_run_cancels_them() -> None:
    model = ScriptedModel(
        tool_calls(call("sleepy", {"label": "a"}), call("sleepy", {"label": "b"}))
    )
    with pytest.raises(RunTimeout):
        await agent(limits=Limits(timeout=0.1)).run("go", model=model)
    await asyncio.sleep(0)
    assert finished_sleeps == []
    assert asyncio.all_tasks() == {asyncio.current_task()}


async def test_run_deadline_stops_a_model_that_ignores_its_timeout() -> None:
    class Deaf(ScriptedModel):
        async def complete(
            self,
            request: ChatRequest,
            *,
            timeout: float | None = None,  # noqa: ASYNC109
        ) -> ChatResponse:
            await asyncio.sleep(10)
            raise AssertionError("unreachable")

    with pytest.raises(RunTimeout):
        await agent(limits=Limits(timeout=0.05)).run("go", model=Deaf())


class Timed(ScriptedModel):
    """A scripted model that records the timeout each model call was given."""

    def __init__(self, *turns: Any) -> None:
        super().__init__(*turns)
        self.timeouts: list[float | None] = []

    async def complete(
        self,
        request: ChatRequest,
        *,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> ChatResponse:
        self.timeouts.append(timeout)
        return await super().complete(request, timeout=timeout)

    async def stream(
        self,
        request: ChatRequest,
        *,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> AsyncIterator[Delta | ChatResponse]:
        self.timeouts.append(timeout)
        async for item in super().stream(request, timeout=timeout):
            yield item


budgets_seen: list[float | None] = []


@tool
def budget_left(ctx: ToolContext) -> str:
    """Reports how much of the run's budget is left."""
    budgets_seen.append(ctx.remaining())
    return "ok"


async def test_the_run_budget_is_passed_down_to_every_model_and_tool_call() -> None:
    budgets_seen.clear()
    model = Timed(tool_calls(call("budget_left", {})), reply("done"))
    with model:
        await agent(tools=[budget_left], limits=Limits(timeout=30)).run("go", model=model)
    first, second = model.timeouts
    assert first is not None
    assert second is not None
    assert 0 < second <= first <= 30  # what is left, shrinking as the run goes on
    (left,) = budgets_seen
    assert left is not None
    assert second <= left <= first
    streamed = Timed(reply("hi"))
    async with agent(limits=Limits(timeout=30)).stream("go", model=streamed) as events:
        async for _ in events:
            pass
    (timeout,) = streamed.timeouts
    assert timeout is not None
    assert 0 < timeout <= 30
    unbounded = Timed(tool_calls(call("budget_left", {})), reply("done"))
    with unbounded:
        await agent(tools=[budget_left]).run("go", model=unbounded)
    assert unbounded.timeouts == [None, None]
    assert budgets_seen[-1] is None


async def test_a_sub_agent_gets_what_is_left_of_its_parents_budget() -> None:
    child_model = Timed(reply("child answer"))
    child = Agent(name="helper", model=child_model, description="Helps.")  # no limit of its own
    parent_model = Timed(tool_calls(call("helper", {"input": "help"})), reply("done"))
    parent = Agent(name="boss", model=parent_model, tools=[child], limits=Limits(timeout=30))
    with child_model, parent_model:
        await parent.run("go")
    (child_timeout,) = child_model.timeouts
    first, second = parent_model.timeouts
    assert child_timeout is not None
    assert first is not None
    assert second is not None
    assert second <= child_timeout <= first <= 30


async def test_cancelling_the_run_cancels_tools_and_leaves_nothing_running() -> None:
    model = ScriptedModel(
        tool_calls(call("sleepy", {"label": "a"}), call("sleepy", {"label": "b"}))
    )
    task = asyncio.create_task(agent().run("go", model=model))
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert finished_sleeps == []
    assert asyncio.all_tasks() == {asyncio.current_task()}


async def test_stream_yields_events_in_order() -> None:
    model = ScriptedModel(
        tool_calls(call("get_time", {"city": "Oslo"}, id="t1")),
        reply("It is 14:05 in Oslo.", reasoning="look up", chunk_size=6),
    )
    events = []
    async with agent().stream("time?", model=model) as stream:
        async for event in stream:
            events.append(event)
    kinds = [e.type for e in events]
    assert kinds[:3] == ["tool_call_started", "tool_call_finished", "turn_finished"]
    assert kinds[-2:] == ["turn_finished", "run_finished"]
    started = events[0]
    assert isinstance(started, ToolCallStarted)
    assert (started.call_id, started.name, started.turn) == ("t1", "get_time", 1)
    assert isinstance(events[1], ToolCallFinished)
    assert events[1].record.output == "14:05"
    text = "".join(e.text for e in events if isinstance(e, TextDelta))
    assert text == "It is 14:05 in Oslo."
    assert [e.text for e in events if isinstance(e, ReasoningDelta)] == ["look u", "p"]
    turns = [e for e in events if isinstance(e, TurnFinished)]
    assert [t.turn for t in turns] == [1, 2]
    assert isinstance(events[-1], RunFinished)
    assert stream.result.output == "It is 14:05 in Oslo."
    assert events[-1].result is stream.result


class Endless(ScriptedModel):
    """Streams words until closed; records that it was closed."""

    def __init__(self) -> None:
        super().__init__()
        self.closed = False

    async def stream(
        self,
        request: ChatRequest,
        *,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> AsyncIterator[Delta | ChatResponse]:
        try:
            for i in range(1000):
                yield Delta(f"w{i} ", "", (), 0)
                await asyncio.sleep(0.001)
        finally:
            self.closed = True


async def test_breaking_out_of_stream_closes_the_model_stream_and_leaves_nothing() -> None:
    model = Endless()
    async with agent().stream("talk", model=model) as stream:
        async for event in stream:
            if isinstance(event, TextDelta) and event.text == "w3 ":
                break
    assert model.closed
    assert asyncio.all_tasks() == {asyncio.current_task()}
    with pytest.raises(UsageError, match="has not finished"):
        _ = stream.result


async def test_a_bare_break_closes_the_run_once_the_stream_is_dropped() -> None:
    model = Endless()
    async for event in agent().stream("talk", model=model):
        if isinstance(event, TextDelta):
            break
    for _ in range(5):  # the event loop closes a dropped async generator in a task of its own
        await asyncio.sleep(0)
    assert model.closed
    assert asyncio.all_tasks() == {asyncio.current_task()}


async def test_continuing_from_a_previous_result() -> None:
    model = ScriptedModel(reply("Paris is in France."), reply("About 2.1 million."))
    a = agent()
    first = await a.run("Where is Paris?", model=model)
    second = await a.run("How many people live there?", model=model, history=first)
    req = model.requests[1]
    assert roles(req) == ["system", "user", "assistant", "user"]
    assert req.messages[2].text == "Paris is in France."
    assert [m.role for m in second.messages] == ["user", "assistant", "user", "assistant"]


async def test_sub_agent_as_a_tool_with_its_own_limits_and_rolled_up_usage() -> None:
    child_model = ScriptedModel(reply("child says 42"))
    child = Agent(name="researcher", model=child_model, description="Finds numbers.")
    parent_model = ScriptedModel(
        tool_calls(call("researcher", {"input": "find it"}, id="s1")), reply("42")
    )
    parent = Agent(name="boss", model=parent_model, tools=[child])
    assert parent.tools.describe()[0]["description"] == "Finds numbers."
    with child_model, parent_model:
        result = await parent.run("What is the number?")
    assert result.tool_calls[0].output == "child says 42"
    assert child_model.requests[0].messages[-1].text == "find it"
    assert result.usage.total_tokens == 45  # 2 parent turns + 1 child turn

    looping = ScriptedModel(tool_calls(call("get_time", {"city": "X"})))
    child = Agent(name="looper", model=looping, tools=[get_time], limits=Limits(max_turns=1))
    parent_model = ScriptedModel(tool_calls(call("looper", {"input": "go"})), reply("gave up"))
    result = await Agent(name="boss", model=parent_model, tools=[child.as_tool()]).run("go")
    err = result.tool_calls[0].error
    assert err is not None
    assert err.type == "MaxTurnsExceeded"
    assert result.usage.total_tokens == 45  # the child's partial usage rolled up too


def test_bad_agent_definitions_are_refused() -> None:
    with pytest.raises(UsageError, match="agent name"):
        Agent(name="no spaces", model="m")
    with pytest.raises(UsageError, match="not both"):
        Agent(name="a", model="m", output_type=Report, output_schema={"type": "object"})  # type: ignore[call-overload]
    with pytest.raises(UsageError, match="max_turns"):
        Limits(max_turns=0)


async def test_a_model_name_needs_a_client() -> None:
    with pytest.raises(UsageError, match="pass client="):
        await agent().run("hi")


def test_each_turns_request_equals_one_built_with_every_setting() -> None:
    class Answer(BaseModel):
        city: str

    settings = ModelSettings(temperature=0.3, max_tokens=50, tool_choice="auto", seed=7)
    agent = Agent(
        name="a", model="m", instructions="be brief", output_type=Answer, settings=settings
    )
    setup = agent._setup
    first = [system("be brief"), user("hi")]
    for messages in (first, [*first, user("more")]):
        made = setup.request(messages)
        expected = ChatRequest(
            model="m",
            messages=tuple(messages),
            tools=setup.declarations,
            response_format=JsonSchema(schema=setup.output.schema),  # type: ignore[union-attr]
            **settings.request_fields(),
        )
        assert made == expected
        assert isinstance(made.messages, tuple)
        with pytest.raises(AttributeError):
            made.model = "other"  # type: ignore[misc]  # still frozen


def _scenarios() -> dict[str, tuple[dict[str, Any], list[Any], type[Exception] | None]]:
    """Agent options, model turns (fixed call ids) and the error, for run()/stream() parity."""
    rome = '{"city": "Rome"}'
    return {
        "tools then answer": (
            {},
            [tool_calls(call("get_time", rome, id="a")), reply("14:05")],
            None,
        ),
        "repair then answer": (
            {"output_type": Report},
            [reply("sunny"), reply('{"city": "Rome", "temp": 20, "time": "now"}')],
            None,
        ),
        "invalid after repairs": (
            {"output_type": Report},
            [reply("sunny"), reply("{}")],
            OutputValidationError,
        ),
        "max turns": (
            {"limits": Limits(max_turns=2)},
            [tool_calls(call("get_time", {"city": f"C{i}"}, id=f"t{i}")) for i in range(3)],
            MaxTurnsExceeded,
        ),
        "tool loop": (
            {"limits": Limits(max_identical_tool_calls=1)},
            [tool_calls(call("get_time", rome, id=f"r{i}")) for i in range(2)],
            ToolLoopDetected,
        ),
        "unknown tool raises": (
            {"limits": Limits(unknown_tool="raise")},
            [tool_calls(call("nope", id="n"))],
            UnknownToolError,
        ),
    }


def _outcome(result: RunResult[Any] | None, error: Exception | None) -> tuple[Any, ...]:
    """What a run ended with, without its clock (duration) or its run id."""
    done = result if error is None else getattr(error, "result", None)
    assert isinstance(done, RunResult)
    return (
        None if error is None else (type(error), str(error)),
        done.output,
        done.text,
        done.messages,
        [(r.call_id, r.output, r.error) for r in done.tool_calls],
        done.usage,
        done.turns,
        done.repeated_tool_calls,
    )


@pytest.mark.parametrize("scenario", list(_scenarios()))
async def test_run_and_stream_end_alike_with_the_same_limits_repairs_and_errors(
    scenario: str,
) -> None:
    ends = []
    for streamed in (False, True):
        options, turns, expected = _scenarios()[scenario]
        model = ScriptedModel(*turns)
        result: RunResult[Any] | None = None
        error: Exception | None = None
        try:
            if streamed:
                async with agent(**options).stream("go", model=model) as events:
                    async for _ in events:
                        pass
                result = events.result
            else:
                result = await agent(**options).run("go", model=model)
        except AgentError as e:  # compared below
            error = e
        assert type(error) is (type(None) if expected is None else expected)
        ends.append((_outcome(result, error), model.requests))
    assert ends[0] == ends[1]


class _Broken:
    """A Model that breaks the seam's contract: no response, or a stream without one."""

    name = "broken"

    async def complete(self, request: ChatRequest, *, timeout: float | None) -> Any:  # noqa: ASYNC109
        return None

    async def stream(self, request: ChatRequest, *, timeout: float | None) -> AsyncIterator[Any]:  # noqa: ASYNC109
        yield Delta("partial", "", (), 0)


async def test_a_model_that_returns_no_response_is_an_agent_error_with_run_and_stream() -> None:
    agent = Agent(name="a", model=_Broken())  # type: ignore[arg-type]
    with pytest.raises(AgentError, match="the model returned no response") as ran:
        await agent.run("hi")
    assert ran.value.result.turns == 1
    with pytest.raises(AgentError, match="stream ended without a response") as streamed:
        await _drain(agent.stream("hi"))
    assert streamed.value.result.turns == 1


async def _drain(stream: Any) -> None:
    async with stream as events:
        async for _ in events:
            pass
