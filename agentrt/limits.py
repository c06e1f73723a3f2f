"""How far an agent run may go: :class:`Limits`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from agentrt.errors import UsageError

__all__ = ["Limits"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Limits:
    """The bounds of one agent run.

    Attributes:
        max_turns: model calls per run; one more raises
            :class:`~agentrt.errors.MaxTurnsExceeded` (with the partial result).
        timeout: the run's time budget in seconds (``None``: none). What is left is
            passed to every model and tool call; when it runs out, everything in
            flight is cancelled and :class:`~agentrt.errors.RunTimeout` is raised.
        max_tool_concurrency: tool calls of one turn that run at once.
        output_retries: repair turns for structured output that is not valid, before
            :class:`~agentrt.errors.OutputValidationError`.
        unknown_tool: ``"error"``: a call to a tool the agent lacks gets an error
            result the model can read; ``"raise"``: the run stops with
            :class:`~agentrt.errors.UnknownToolError`.
        max_identical_tool_calls: how often one identical call (same name, same
            arguments) may be made in a run before
            :class:`~agentrt.errors.ToolLoopDetected`; ``None``: only report repeats.
    """

    max_turns: int = 10
    timeout: float | None = None
    max_tool_concurrency: int = 8
    output_retries: int = 1
    unknown_tool: Literal["error", "raise"] = "error"
    max_identical_tool_calls: int | None = 3

    def __post_init__(self) -> None:
        if self.max_turns < 1:
            raise UsageError(f"max_turns must be >= 1, got {self.max_turns}")
        if self.timeout is not None and not self.timeout > 0:
            raise UsageError(f"timeout must be > 0 seconds, got {self.timeout}")
        if self.max_tool_concurrency < 1:
            raise UsageError(f"max_tool_concurrency must be >= 1, got {self.max_tool_concurrency}")
        if self.output_retries < 0:
            raise UsageError(f"output_retries must be >= 0, got {self.output_retries}")
        if self.unknown_tool not in ("error", "raise"):
            raise UsageError(f"unknown_tool must be 'error' or 'raise', got {self.unknown_tool!r}")
        if self.max_identical_tool_calls is not None and self.max_identical_tool_calls < 1:
            raise UsageError(
                f"max_identical_tool_calls must be >= 1 or None, got {self.max_identical_tool_calls}"
            )
