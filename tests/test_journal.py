"""The tool journal: a resumed run (same run id, same model response) runs no tool twice."""

from __future__ import annotations

import json

from agentrt.agents.agent import Agent
from agentrt.agents.journal import STARTED, MemoryJournal
from agentrt.testing import ScriptedModel, call, reply, tool_calls
from agentrt.xai.messages import ToolCall


def _agent(model: ScriptedModel, ran: list[str]) -> Agent:
    def book(room: str) -> str:
        """Book a room.

        Args:
            room: which room.
        """
        ran.append(room)
        return f"booked {room}"

    return Agent(name="a", model=model, tools=[book])


def _turns() -> ScriptedModel:
    return ScriptedModel(
        tool_calls(call("book", {"room": "blue"}, id="c1"), call("book", {"room": "red"}, id="c2")),
        reply("done"),
    )


async def test_a_replayed_response_reuses_the_recorded_results() -> None:
    journal, ran = MemoryJournal(), []
    first = await _agent(_turns(), ran).run("book", run_id="r1", journal=journal)
    again = await _agent(_turns(), ran).run("book", run_id="r1", journal=journal)
    assert sorted(ran) == ["blue", "red"]  # each once, not twice
    assert journal.runs == 2
    assert [r.output for r in again.tool_calls] == [r.output for r in first.tool_calls]


async def test_another_run_id_is_another_run() -> None:
    journal, ran = MemoryJournal(), []
    await _agent(_turns(), ran).run("book", run_id="r1", journal=journal)
    await _agent(_turns(), ran).run("book", run_id="r2", journal=journal)
    assert sorted(ran) == ["blue", "blue", "red", "red"]


async def test_a_call_that_began_and_never_ended_is_not_run_again() -> None:
    journal, ran = MemoryJournal(), []
    journal.begin("r1", ToolCall(id="c1", name="book", arguments='{"room": "blue"}'))
    result = await _agent(_turns(), ran).run("book", run_id="r1", journal=journal)
    assert ran == ["red"]
    interrupted, booked = result.tool_calls
    assert interrupted.error is not None
    assert interrupted.error.kind == "interrupted"
    assert "does not run a tool twice" in json.loads(interrupted.output)["error"]["message"]
    assert booked.output == "booked red"
    assert journal.calls[("r1", "c2")] != STARTED


async def test_without_a_journal_nothing_is_kept() -> None:
    ran: list[str] = []
    await _agent(_turns(), ran).run("book", run_id="r1")
    await _agent(_turns(), ran).run("book", run_id="r1")
    assert sorted(ran) == ["blue", "blue", "red", "red"]
