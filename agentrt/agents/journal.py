"""A journal of tool calls: what makes a resumed run run no tool twice.

A run given a :class:`ToolJournal` (``Agent.run(..., journal=...)``) asks it about
every valid tool call before running it:

- a call the journal has a record of is not run again: its recorded result is used;
- a call the journal saw start but never finish (the process died while it ran) is
  not run again either: the model gets an ``interrupted`` error result saying so
  (at most once, never twice);
- any other call is marked started, run, and its record kept.

Calls are keyed by the run's ``run_id`` and the model's ``call_id``, so a run
resumed with the same id and the same model response finds its calls again.
Implementations must make ``begin`` durable before returning (it runs before the
tool does); :class:`MemoryJournal` keeps them in memory, for tests.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from agentrt.agents.dispatch import STARTED, ToolCallRecord, ToolJournal

if TYPE_CHECKING:
    from agentrt.xai.messages import ToolCall

__all__ = ["STARTED", "MemoryJournal", "ToolJournal"]  # STARTED and ToolJournal: from dispatch


class MemoryJournal:
    """A :class:`ToolJournal` in a dict (tests, and runs that need no durability)."""

    def __init__(self) -> None:
        self.calls: dict[tuple[str, str], ToolCallRecord | Literal["started"]] = {}
        self.runs = 0  # calls actually started through this journal

    def recorded(self, run_id: str, call_id: str) -> ToolCallRecord | Literal["started"] | None:
        return self.calls.get((run_id, call_id))

    def begin(self, run_id: str, call: ToolCall) -> None:
        self.calls[(run_id, call.id)] = STARTED
        self.runs += 1

    def finish(self, run_id: str, record: ToolCallRecord) -> None:
        self.calls[(run_id, record.call_id)] = record
