"""What ``agentrt run`` shows while an agent runs (its ``--json`` object: :mod:`agentrt.agents.run_summary`).

The answer streams to stdout as it arrives; tool activity (name, arguments,
duration, ok or error) goes to stderr, one line per call. When stderr is a
terminal, a spinner shows while the run waits on the model; it is cleared
before any other output, so lines never mix with it.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console
    from rich.status import Status

    from agentrt.agents.dispatch import ToolCallRecord
    from agentrt.agents.events import AgentEvent
    from agentrt.agents.run_result import RunResult

__all__ = ["RunDisplay", "tool_line"]

_ARGS_WIDTH = 120


class RunDisplay:
    """Renders agent events: answer text to ``out``, tool activity and a spinner to ``err``.

    ``last_turn_text`` is the text the last finished turn streamed, so a caller
    can tell whether the final answer was already shown.

    Args:
        out: where the answer goes (stdout).
        err: where tool activity goes (stderr).
        model: the model name, for the spinner.
        stream_text: write text deltas to ``out`` as they arrive (off for ``--json``).
        activity: show tool activity (off with ``--quiet``).
        spinner: show a spinner on ``err`` while waiting on the model (only on a terminal).
    """

    def __init__(
        self,
        *,
        out: IO[str],
        err: IO[str],
        model: str,
        stream_text: bool,
        activity: bool,
        spinner: bool,
    ) -> None:
        self._out = out
        self._err = err
        self._model = model
        self._stream_text = stream_text
        self._activity = activity
        self._console: Console | None = None
        self._status: Status | None = None
        self._wrote_text = False
        self._turn_text: list[str] = []
        self.last_turn_text = ""
        if spinner and activity:
            from rich.console import Console

            self._console = Console(file=err, highlight=False)
        self._handlers: dict[str, Callable[[Any], None]] = {
            "text_delta": self._text,
            "reasoning_delta": self._reasoning,
            "tool_call_started": self._tool_started,
            "tool_call_finished": self._tool_finished,
            "turn_finished": self._turn_finished,
            "run_finished": self._run_finished,
        }

    @classmethod
    def for_cli(cls, model: str, *, as_json: bool, quiet: bool) -> RunDisplay:
        """The display of ``agentrt run`` (local or durable), for ``--json`` and ``--quiet``.

        The answer streams to stdout unless ``--json``; tool activity goes to stderr
        unless ``--quiet``; a spinner shows while stderr is a terminal.
        """
        return cls(
            out=sys.stdout,
            err=sys.stderr,
            model=model,
            stream_text=not as_json,
            activity=not quiet,
            spinner=sys.stderr.isatty(),
        )

    def show_result(
        self,
        result: RunResult[Any],
        *,
        as_json: bool,
        structured: bool,
        extra: dict[str, Any] | None = None,
    ) -> None:
        """After the run: the ``--json`` summary, or a structured answer not streamed as such.

        A repair turn can replace the text that was streamed; then the answer that
        counts (the validated object, as JSON) is written after it.
        """
        from agentrt.agents.run_summary import jsonable, run_summary, with_thread_report

        if as_json:
            shown = with_thread_report(run_summary(result, model=self._model)) | (extra or {})
        elif structured and self.last_turn_text.strip() != result.text.strip():
            shown = jsonable(result.output)
        else:
            return
        print(json.dumps(shown, ensure_ascii=False), file=self._out)

    def start(self) -> None:
        """Show the spinner for the first model call."""
        self._spin(f"waiting for {self._model}")

    def handle(self, event: AgentEvent) -> None:
        """Render one event."""
        self._handlers[event.type](event)

    def close(self) -> None:
        """Stop the spinner and end the answer with a newline."""
        self._spin(None)
        self._end_text_line()

    def _text(self, event: Any) -> None:
        if not self._stream_text or not event.text:
            return
        self._turn_text.append(event.text)
        self._spin(None)
        self._out.write(event.text)
        self._out.flush()
        self._wrote_text = True

    def _reasoning(self, event: Any) -> None:
        self._spin(f"{self._model} is thinking")

    def _tool_started(self, event: Any) -> None:
        self._spin(f"running {event.name}")

    def _tool_finished(self, event: Any) -> None:
        if self._activity:
            self._spin(None)
            self._end_text_line()
            self._err.write(tool_line(event.record) + "\n")
            self._err.flush()

    def _turn_finished(self, event: Any) -> None:
        self.last_turn_text = "".join(self._turn_text)
        self._turn_text.clear()
        self._spin(f"waiting for {self._model}")  # another turn, or RunFinished stops it

    def _run_finished(self, event: Any) -> None:
        self._spin(None)

    def _end_text_line(self) -> None:
        if self._wrote_text:
            self._out.write("\n")
            self._out.flush()
            self._wrote_text = False

    def _spin(self, message: str | None) -> None:
        if self._console is None:
            return
        if message is None:
            if self._status is not None:
                self._status.stop()
                self._status = None
            return
        if self._status is None:
            self._status = self._console.status(message, spinner="dots")
            self._status.start()
        else:
            self._status.update(message)


def tool_line(record: ToolCallRecord) -> str:
    """One line about a finished tool call: name, arguments, ok or error, duration."""
    args = (
        record.arguments
        if len(record.arguments) <= _ARGS_WIDTH
        else record.arguments[: _ARGS_WIDTH - 3] + "..."
    )
    took = _duration(record.duration)
    if record.error is None:
        return f"  tool {record.name} {args} -> ok ({took})"
    return (
        f"  tool {record.name} {args} -> error {record.error.type}: {record.error.message} ({took})"
    )


def _duration(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"
