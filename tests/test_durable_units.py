"""agentrt.durable without a server: codec round trips, typed failures, batch files, plans, imports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from agentrt.agents.dispatch import ToolCallRecord, ToolErrorInfo
from agentrt.durable import codec
from agentrt.durable.batch import BatchItem, ResultsFile, read_inputs, workflow_id
from agentrt.durable.connection import TemporalTarget
from agentrt.durable.failures import run_error
from agentrt.durable.payloads import RunOutput
from agentrt.durable.registry import AgentRegistry
from agentrt.durable.starter import plan_for
from agentrt.errors import (
    AgentError,
    AuthenticationError,
    OutputValidationError,
    ToolFailed,
    UsageError,
)
from agentrt.specs.agent_spec import spec_files
from agentrt.xai.chat_response import Usage
from agentrt.xai.messages import Message, ToolCall, assistant, file, image, tool_result, user
from tests.durable_fixtures import AGENTS, PLANNER


def test_messages_round_trip_through_json() -> None:
    messages = [
        user("look", image("https://example.org/a.png", detail="low"), file(data=b"\x00\xff")),
        assistant(
            "ok",
            tool_calls=(ToolCall(id="c1", name="f", arguments='{"x": 1}'),),
            reasoning_content="hm",
            encrypted_content="enc",
        ),
        tool_result("c1", '{"y": 2}'),
        Message(role="user", name="ann"),
    ]
    for m in messages:
        assert codec.decode_message(json.loads(json.dumps(codec.encode_message(m)))) == m


def test_usage_and_records_round_trip() -> None:
    usage = Usage(prompt_tokens=3, total_tokens=5, server_side_tools_used=("web_search",))
    assert codec.decode_usage(json.loads(json.dumps(codec.encode_usage(usage)))) == usage
    record = ToolCallRecord(
        call_id="c1",
        name="f",
        arguments="{}",
        parsed={},
        value=None,
        output='{"error": 1}',
        error=ToolErrorInfo(kind="raised", type="ValueError", message="no"),
        turn=2,
        started=123.0,
        duration=0.5,
    )
    back = codec.decode_record(json.loads(json.dumps(codec.encode_record(record))))
    assert back.error == record.error
    assert (back.call_id, back.output, back.turn, back.duration) == ("c1", record.output, 2, 0.5)


def test_recorded_events_decode_to_agent_events() -> None:
    event = codec.decode_event(
        {"type": "tool_call_started", "turn": 1, "call_id": "c", "name": "f", "arguments": "{}"}
    )
    assert event.type == "tool_call_started"
    assert codec.decode_event({"type": "text_delta", "text": "hi"}).type == "text_delta"
    with pytest.raises(ValueError, match="unknown durable event type"):
        codec.decode_event({"type": "nope"})


def _application_error(kind: str, *details: object) -> Exception:
    from temporalio.client import WorkflowFailureError
    from temporalio.exceptions import ApplicationError

    error = WorkflowFailureError(cause=ApplicationError("it broke", *details, type=kind))
    return error


def _partial() -> dict[str, object]:
    out = RunOutput(
        agent="a",
        run_id="w1",
        output=None,
        text="",
        messages=[codec.encode_message(user("hi"))],
        tool_calls=[],
        usage={},
        turns=1,
        response_ids=["r1"],
    )
    from dataclasses import asdict

    return asdict(out)


def test_workflow_failures_become_the_typed_agentrt_errors() -> None:
    tool = run_error(_application_error("ToolFailed", _partial(), {}))
    assert isinstance(tool, ToolFailed)
    assert tool.exit_code == 1
    assert str(tool) == "it broke"
    assert tool.result.turns == 1
    assert tool.result.messages == (user("hi"),)
    bad = run_error(
        _application_error("OutputValidationError", _partial(), {"raw": "x", "reason": "r"})
    )
    assert isinstance(bad, OutputValidationError)
    assert (bad.raw, bad.reason) == ("x", "r")
    auth = run_error(
        _application_error("AuthenticationError", _partial(), {"code": "UNAUTHENTICATED"})
    )
    assert isinstance(auth, AuthenticationError)
    assert auth.exit_code == 3
    other = run_error(_application_error("SomethingElse"))
    assert type(other) is AgentError
    assert "SomethingElse: it broke" in str(other)


def test_read_inputs_reports_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(
        '{"id": "a", "input": "x", "vars": {"city": "Oslo"}}\n\n{"id": 2, "input": "y"}\n'
    )
    items = read_inputs(path)
    assert items == [
        BatchItem(id="a", input="x", vars={"city": "Oslo"}, line=1),
        BatchItem(id=2, input="y", line=3),
    ]
    cases = {
        "not json": "not JSON",
        "[1]": "expected an object",
        '{"input": "x"}': '"id" must be',
        '{"id": true, "input": "x"}': '"id" must be',
        '{"id": 1, "input": "x", "extra": 1}': "unknown key(s) extra",
        '{"id": 1, "input": "x", "vars": {"a": 1}}': '"vars" must be an object of strings',
    }
    for line, message in cases.items():
        path.write_text('{"id": 0, "input": "ok"}\n' + line + "\n")
        with pytest.raises(UsageError, match=r"in\.jsonl:2: ") as info:
            read_inputs(path)
        assert message in str(info.value)
    path.write_text("\n")
    with pytest.raises(UsageError, match="no inputs"):
        read_inputs(path)


def test_results_file_drops_a_cut_line_and_knows_what_is_done(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    path.write_text('{"id": "a", "output": 1}\n{"id": 2, "error": {}}\n{"id": "c", "out')
    with ResultsFile(path) as results:
        assert results.done == {'"a"', "2"}
        results.write({"id": "c", "output": 3})
        assert '"c"' in results.done
    assert [json.loads(x)["id"] for x in path.read_text().splitlines()] == ["a", 2, "c"]


def test_workflow_ids_are_stable_per_results_file(tmp_path: Path) -> None:
    item = BatchItem(id=7, input="x")
    a = workflow_id(tmp_path / "r.jsonl", "agent", item)
    assert a == workflow_id(tmp_path / "r.jsonl", "agent", item)
    assert a != workflow_id(tmp_path / "other.jsonl", "agent", item)
    assert a.startswith("agentrt-batch-agent-")
    assert a.endswith("-7")


def test_plan_carries_limits_and_tool_policies() -> None:
    agent = AgentRegistry.from_paths([AGENTS]).agent("durable_booker")
    plan = plan_for(agent)
    assert plan.max_turns == 3
    assert plan.tools["book_table"].idempotent is True
    planner = AgentRegistry.from_paths([PLANNER]).agent("durable_planner")
    assert plan_for(planner).tools["get_weather"].idempotent is False


def test_registry_and_spec_files(tmp_path: Path) -> None:
    registry = AgentRegistry.from_paths([AGENTS])
    assert sorted(registry.names) == [
        "durable_approver",
        "durable_booker",
        "durable_greeter",
        "durable_planner",
        "guarded_failing",
        "guarded_hooks",
        "guarded_input",
        "guarded_output",
        "guarded_tool",
    ]
    assert registry.agent("durable_planner") is registry.agent("durable_planner")
    greeter = registry.agent("durable_greeter", {"name": "Ann"})
    assert "Greet Ann warmly" in greeter.instructions
    assert registry.agent("durable_greeter", {"name": "Bo"}) is not greeter
    with pytest.raises(UsageError, match="name"):
        registry.agent("durable_greeter")
    with pytest.raises(LookupError, match="no agent 'x'"):
        registry.agent("x")
    with pytest.raises(UsageError, match="no such file"):
        spec_files([tmp_path / "missing.yaml"])
    with pytest.raises(UsageError, match=r"no \*\.yaml"):
        spec_files([tmp_path])
    assert AgentRegistry.from_paths([PLANNER, PLANNER]).names == ["durable_planner"]  # once
    twin = tmp_path / "twin.yaml"
    twin.write_text("version: 1\nname: durable_planner\nmodel: m\ninstructions: hi\n")
    with pytest.raises(UsageError, match="two agents are named") as info:
        AgentRegistry.from_paths([PLANNER, twin])
    assert str(twin.resolve()) in str(info.value)


def test_temporal_target_checks_the_address_and_hides_the_key() -> None:
    with pytest.raises(UsageError, match="expected HOST:PORT"):
        TemporalTarget(address="localhost")
    target = TemporalTarget.from_options("h:7233", environ={"TEMPORAL_API_KEY": "secret-key"})
    assert target.api_key == "secret-key"
    assert "secret-key" not in repr(target)
    assert target.task_queue == "agentrt"


def test_core_and_other_commands_do_not_import_temporalio() -> None:
    code = (
        "import sys, agentrt, agentrt.commands.main, agentrt.durable, agentrt.durable.idempotency; "
        "agentrt.commands.main.build_parser(); "
        "print('temporalio' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


class _TemporalDown:
    """A Temporal client whose server went away (a unit-test double)."""

    async def start_workflow(self, *args: object, **kwargs: object) -> None:
        from temporalio.service import RPCError, RPCStatusCode

        raise RPCError("connection lost", RPCStatusCode.UNAVAILABLE, b"")


async def test_a_batch_that_loses_temporal_stops_with_one_clear_error(tmp_path: Path) -> None:
    from agentrt.durable.batch import run_batch
    from agentrt.errors import Unavailable

    agent = AgentRegistry.from_paths([PLANNER]).agent("durable_planner")
    items = [BatchItem(id=i, input="hi") for i in range(5)]
    down: Any = _TemporalDown()
    with (
        ResultsFile(tmp_path / "out.jsonl") as results,
        pytest.raises(Unavailable, match="run the same command again") as info,
    ):
        await run_batch(down, "q", lambda v: agent, items, results, model="m")
    assert "out.jsonl" in str(info.value)
    assert not (tmp_path / "out.jsonl").exists()  # no empty results file is left behind
