"""Guardrails and hooks of the durable-run test agents (their specs: ``guarded_*.yaml``).

``recorder`` writes each hook it sees to ``$AGENTRT_DURABLE_DIR/hooks-<agent>.txt``
(name, turn, and the tool's name or the run's turns), so a test can read the order.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from agentrt.agents.guardrails import Trip
from agentrt.agents.tools import ToolContext

__all__ = ["failing", "no_lisbon_tool", "no_output", "no_passwords", "recorder"]


def no_passwords(ctx: ToolContext, text: str) -> Trip | None:
    """Trips when the input asks for a password."""
    return Trip("asks for a password") if "password" in text else None


def no_output(ctx: ToolContext, output: Any) -> Trip | None:
    """Trips on any answer."""
    return Trip(f"the answer has {len(str(output))} characters")


def no_lisbon_tool(ctx: ToolContext, args: Any) -> Trip | None:
    """Trips on a call about Lisbon."""
    return Trip(f"{ctx.tool_name} may not look at Lisbon") if "Lisbon" in str(args) else None


class _Recorder:
    def _write(self, ctx: ToolContext, line: str) -> None:
        path = Path(os.environ["AGENTRT_DURABLE_DIR"]) / f"hooks-{ctx.agent}.txt"
        with open(path, "a", encoding="utf-8") as f:
            f.write(f"{line} {ctx.turn}\n")

    def on_run_start(self, ctx: ToolContext) -> None:
        self._write(ctx, "on_run_start")

    def on_turn_start(self, ctx: ToolContext) -> None:
        self._write(ctx, "on_turn_start")

    async def on_model_response(self, ctx: ToolContext, response: Any) -> None:
        self._write(ctx, "on_model_response")

    def on_tool_start(self, ctx: ToolContext, call: Any) -> None:
        self._write(ctx, f"on_tool_start:{call.name}")

    def on_tool_end(self, ctx: ToolContext, record: Any) -> None:
        self._write(ctx, f"on_tool_end:{record.name}")

    def on_turn_end(self, ctx: ToolContext) -> None:
        self._write(ctx, "on_turn_end")

    def on_run_end(self, ctx: ToolContext, result: Any) -> None:
        self._write(ctx, f"on_run_end:{result.turns}")


class _Failing:
    def on_turn_start(self, ctx: ToolContext) -> None:
        raise RuntimeError("audit log unreachable")


recorder = _Recorder()
failing = _Failing()
