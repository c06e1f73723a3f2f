"""The --json object of a run, and what `agentrt run` shows while it runs."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any

from agentrt.agents.dispatch import ToolCallRecord, ToolErrorInfo
from agentrt.agents.events import TextDelta, ToolCallFinished, ToolCallStarted, TurnFinished
from agentrt.agents.run_result import RunResult
from agentrt.agents.run_summary import failure_summary, run_summary
from agentrt.commands.run_display import RunDisplay, tool_line
from agentrt.errors import MaxTurnsExceeded, Unavailable
from agentrt.xai.chat_response import Usage


@dataclass(frozen=True)
class Point:
    x: int
    y: int


def _record(
    name: str, arguments: str, output: str, error: ToolErrorInfo | None = None
) -> ToolCallRecord:
    return ToolCallRecord(
        call_id=f"call_{name}",
        name=name,
        arguments=arguments,
        parsed=None,
        value=None,
        output=output,
        error=error,
        turn=1,
        started=0.0,
        duration=0.0123,
    )


def _result(output: Any, *records: ToolCallRecord) -> RunResult[Any]:
    return RunResult(
        agent="a",
        run_id="r",
        output=output,
        text="",
        messages=(),
        tool_calls=records,
        usage=Usage(prompt_tokens=10, completion_tokens=5, reasoning_tokens=2, total_tokens=17),
        turns=2,
        response_ids=("id1", "id2"),
    )


def test_summary_has_exactly_the_documented_keys() -> None:
    ok = _record("weather", '{"city": "Oslo"}', '{"temp": -3}')
    bad = _record(
        "lookup",
        "{not json",
        '{"error": ...}',
        ToolErrorInfo(kind="invalid_arguments", type="JSONDecodeError", message="bad"),
    )
    text = _record("echo", '{"s": "x"}', "plain text")
    summary = run_summary(_result(Point(1, 2), ok, bad, text), model="grok-4-1-fast-reasoning")
    assert json.loads(json.dumps(summary)) == {
        "output": {"x": 1, "y": 2},
        "turns": 2,
        "tool_calls": [
            {
                "name": "weather",
                "arguments": {"city": "Oslo"},
                "result": {"temp": -3},
                "duration_s": 0.0123,
            },
            {
                "name": "lookup",
                "arguments": "{not json",
                "error": {"kind": "invalid_arguments", "type": "JSONDecodeError", "message": "bad"},
                "duration_s": 0.0123,
            },
            {"name": "echo", "arguments": {"s": "x"}, "result": "plain text", "duration_s": 0.0123},
        ],
        "usage": {"input": 10, "output": 5, "reasoning": 2, "cost_usd": 0.0},
        "model": "grok-4-1-fast-reasoning",
        "response_ids": ["id1", "id2"],
    }


def test_display_streams_text_and_puts_tool_lines_on_stderr() -> None:
    out, err = io.StringIO(), io.StringIO()
    display = RunDisplay(
        out=out, err=err, model="m", stream_text=True, activity=True, spinner=False
    )
    display.start()
    usage = Usage()
    record = _record("weather", '{"city": "Oslo"}', '{"temp": -3}')
    for event in (
        ToolCallStarted(turn=1, call_id="c", name="weather", arguments='{"city": "Oslo"}'),
        ToolCallFinished(turn=1, record=record),
        TurnFinished(turn=1, response_id="id1", finish_reason="tool_calls", usage=usage),
        TextDelta("It is "),
        TextDelta("-3."),
        TurnFinished(turn=2, response_id="id2", finish_reason="stop", usage=usage),
    ):
        display.handle(event)
    display.close()
    assert out.getvalue() == "It is -3.\n"
    assert err.getvalue() == '  tool weather {"city": "Oslo"} -> ok (12 ms)\n'
    assert display.last_turn_text == "It is -3."


def test_quiet_display_and_error_lines() -> None:
    out, err = io.StringIO(), io.StringIO()
    display = RunDisplay(
        out=out, err=err, model="m", stream_text=False, activity=False, spinner=True
    )
    display.handle(TextDelta("hidden"))
    display.close()
    assert (out.getvalue(), err.getvalue()) == ("", "")
    failed = _record(
        "lookup", '{"id": 1}', "", ToolErrorInfo(kind="raised", type="KeyError", message="'x'")
    )
    assert tool_line(failed) == "  tool lookup {\"id\": 1} -> error KeyError: 'x' (12 ms)"


def test_failure_summary_keeps_the_partial_run_and_names_the_error() -> None:
    partial = _result("so far")
    failed = failure_summary(MaxTurnsExceeded("too many turns", result=partial), model="m")
    assert failed == {
        **run_summary(partial, model="m"),
        "error": {"type": "MaxTurnsExceeded", "message": "too many turns"},
    }
    assert list(failed)[-1] == "error"
    bare = failure_summary(Unavailable("down", code="UNAVAILABLE"), model="m")
    assert bare == {"error": {"type": "Unavailable", "message": "UNAVAILABLE: down"}}


def test_show_result_prints_json_or_an_answer_the_stream_did_not_show() -> None:
    def shown(result: RunResult[Any], streamed: str, *, as_json: bool, structured: bool) -> str:
        out = io.StringIO()
        display = RunDisplay(
            out=out, err=io.StringIO(), model="m", stream_text=True, activity=False, spinner=False
        )
        display.last_turn_text = streamed
        display.show_result(result, as_json=as_json, structured=structured)
        return out.getvalue()

    point = _result(Point(1, 2))
    assert json.loads(shown(point, "", as_json=True, structured=True)) == run_summary(
        point, model="m"
    )
    assert shown(point, "an earlier try", as_json=False, structured=True) == '{"x": 1, "y": 2}\n'
    assert shown(point, "", as_json=False, structured=True) == ""  # point.text == "" was shown
    assert shown(_result("hi"), "other", as_json=False, structured=False) == ""
