"""Tool dispatch: validation first, real overlap, order, timeouts, errors, cancellation."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from pydantic import BaseModel

from agentrt.agents.dispatch import ToolCallRecord, dispatch, render_output
from agentrt.agents.tools import ToolContext, Toolset, tool
from agentrt.errors import UnknownToolError
from agentrt.xai.messages import ToolCall

spans: dict[str, tuple[float, float]] = {}


@tool
async def nap(label: str, seconds: float = 0.1) -> str:
    """Sleep, then answer."""
    start = time.monotonic()
    await asyncio.sleep(seconds)
    spans[label] = (start, time.monotonic())
    return label


@tool
def block(label: str, seconds: float = 0.1) -> str:
    """Sleep in a thread (a sync tool)."""
    start = time.monotonic()
    time.sleep(seconds)
    spans[label] = (start, time.monotonic())
    return f"{label}@{threading.current_thread().name}"


@tool
def boom(why: str) -> str:
    """Always fails."""
    raise ValueError(f"cannot {why}")


@tool(timeout=0.05)
async def slow() -> str:
    """Too slow for its timeout."""
    await asyncio.sleep(5)
    return "never"


@tool
async def raises_timeout() -> str:
    """Raises TimeoutError itself (not a timeout of ours)."""
    raise TimeoutError("upstream timed out")


class Point(BaseModel):
    x: int
    y: int


@tool
def where(ctx: ToolContext) -> Point:
    """Returns a model, and sees its context."""
    return Point(x=ctx.turn, y=len(ctx.call_id))


ran: list[str] = []


@tool
def record(tag: str) -> str:
    """Records that it ran."""
    ran.append(tag)
    return tag


TOOLS = Toolset([nap, block, boom, slow, raises_timeout, where, record])


def c(name: str, args: dict[str, object] | str, id: str = "") -> ToolCall:
    text = args if isinstance(args, str) else json.dumps(args)
    return ToolCall(id=id or f"id-{name}-{text}", name=name, arguments=text)


def overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


async def test_async_tools_really_overlap_and_results_keep_the_models_order() -> None:
    spans.clear()
    calls = [
        c("nap", {"label": "a", "seconds": 0.2}, "1"),
        c("nap", {"label": "b", "seconds": 0.05}, "2"),
    ]
    records = await dispatch(calls, TOOLS)
    assert [r.call_id for r in records] == ["1", "2"]
    assert [r.output for r in records] == ["a", "b"]
    assert overlap(spans["a"], spans["b"])
    assert spans["b"][1] < spans["a"][1]  # b finished first, yet comes second


async def test_sync_tools_run_in_threads_and_overlap_without_blocking_the_loop() -> None:
    spans.clear()
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    calls = [c("block", {"label": x, "seconds": 0.2}) for x in "abc"]
    async with asyncio.TaskGroup() as tg:
        t = tg.create_task(ticker())
        records = await dispatch(calls, TOOLS)
        t.cancel()
    assert all(r.ok for r in records)
    assert all("MainThread" not in r.output for r in records)
    assert overlap(spans["a"], spans["b"])
    assert overlap(spans["b"], spans["c"])
    assert ticks >= 3  # the loop kept running while the threads slept


def peak_concurrency(intervals: list[tuple[float, float]]) -> int:
    """The most intervals running at one instant (an end at t comes before a start at t)."""
    edges = sorted([(start, 1) for start, _ in intervals] + [(end, -1) for _, end in intervals])
    running = peak = 0
    for _, step in edges:
        running += step
        peak = max(peak, running)
    return peak


def test_peak_concurrency() -> None:
    assert peak_concurrency([(0, 1), (1, 2), (2, 3)]) == 1
    assert peak_concurrency([(0, 2), (0.1, 1), (1, 3), (1.5, 4)]) == 3
    assert peak_concurrency([(0, 1), (0.1, 1.1), (1.0, 2), (1.1, 2.1)]) == 2


async def test_max_concurrency_caps_how_many_run_at_once() -> None:
    spans.clear()
    calls = [c("nap", {"label": x, "seconds": 0.05}) for x in "abcdef"]
    await dispatch(calls, TOOLS, max_concurrency=2)
    assert len(spans) == 6
    # exactly the cap: never more, and the calls did share it (not one at a time)
    assert peak_concurrency(list(spans.values())) == 2
    wide = [c("nap", {"label": x, "seconds": 0.2}) for x in "abcdef"]
    await dispatch(wide, TOOLS, max_concurrency=6)
    assert peak_concurrency(list(spans.values())) == 6


async def test_own_executor_is_used_for_sync_tools() -> None:
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="mine") as pool:
        records = await dispatch([c("block", {"label": "z", "seconds": 0})], TOOLS, executor=pool)
    assert "@mine" in records[0].output


async def test_invalid_arguments_are_rejected_before_anything_runs() -> None:
    ran.clear()
    calls = [
        c("record", {"tag": "ok"}, "1"),
        c("record", "{oops", "2"),
        c("record", {"tag": 3}, "3"),
    ]
    records = await dispatch(calls, TOOLS)
    assert ran == ["ok"]
    assert records[0].ok
    assert records[0].parsed == {"tag": "ok"}
    for r in records[1:]:
        assert r.error is not None
        assert r.error.kind == "invalid_arguments"
        assert r.parsed is None
    assert "not valid JSON" in records[1].output
    assert "tag: Input should be a valid string" in records[2].output
    assert json.loads(records[2].output)["error"]["type"] == "InvalidArguments"


async def test_unknown_tool_gets_an_error_result_or_raises_before_running_anything() -> None:
    ran.clear()
    records = await dispatch([c("nope", {}, "1"), c("record", {"tag": "t"}, "2")], TOOLS)
    assert records[0].error is not None
    assert records[0].error.kind == "unknown_tool"
    assert "there is no tool named 'nope'" in records[0].output
    assert "record" in records[0].output
    assert ran == ["t"]
    ran.clear()
    with pytest.raises(UnknownToolError, match="'nope'"):
        await dispatch([c("record", {"tag": "t"}), c("nope", {})], TOOLS, unknown_tool="raise")
    assert ran == []


async def test_exceptions_become_type_and_message_without_traceback() -> None:
    (r,) = await dispatch([c("boom", {"why": "fly"})], TOOLS)
    assert r.error is not None
    assert (r.error.kind, r.error.type, r.error.message) == ("raised", "ValueError", "cannot fly")
    assert json.loads(r.output) == {"error": {"type": "ValueError", "message": "cannot fly"}}
    assert "Traceback" not in r.output


async def test_per_tool_timeout_is_an_error_result_and_the_turn_goes_on() -> None:
    records = await dispatch([c("slow", {}), c("nap", {"label": "q", "seconds": 0})], TOOLS)
    assert records[0].error is not None
    assert records[0].error.kind == "timeout"
    assert "0.05 s timeout" in records[0].error.message
    assert records[1].ok
    (own,) = await dispatch([c("raises_timeout", {})], TOOLS)
    assert own.error is not None
    assert own.error.kind == "raised"
    assert own.error.message == "upstream timed out"


async def test_run_deadline_cancels_everything_in_flight() -> None:
    spans.clear()
    calls = [c("nap", {"label": x, "seconds": 5}) for x in "ab"]
    with pytest.raises(TimeoutError):
        await dispatch(calls, TOOLS, deadline=time.monotonic() + 0.05)
    assert spans == {}  # neither finished
    assert asyncio.all_tasks() == {asyncio.current_task()}


async def test_cancelling_dispatch_leaves_no_task_behind() -> None:
    calls = [c("nap", {"label": x, "seconds": 5}) for x in "abc"]
    task = asyncio.create_task(dispatch(calls, TOOLS))
    await asyncio.sleep(0.02)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert asyncio.all_tasks() == {asyncio.current_task()}


async def test_context_is_injected_and_results_are_rendered_as_json() -> None:
    finished: list[ToolCallRecord] = []
    (r,) = await dispatch(
        [c("where", {}, "abcd")],
        TOOLS,
        turn=3,
        context=ToolContext(agent="a"),
        on_finished=finished.append,
    )
    assert r.value == Point(x=3, y=4)
    assert json.loads(r.output) == {"x": 3, "y": 4}
    assert finished == [r]
    assert r.duration >= 0
    assert r.turn == 3


def test_render_output() -> None:
    assert render_output("text") == "text"
    assert render_output({"a": [1, 2]}) == '{"a":[1,2]}'
    assert render_output(object()).startswith("<object")
