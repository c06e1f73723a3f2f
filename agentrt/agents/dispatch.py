"""Running the tool calls of one model turn.

:func:`dispatch` validates every call's arguments before running anything, then
runs the valid ones concurrently under one ``asyncio.TaskGroup``, at most
``max_concurrency`` at a time. Async tools run on the event loop; sync tools on
the threads of :mod:`agentrt.agents.tool_threads`, so they never block it. Each
call gets the tool's own timeout (for a sync tool, from when its thread starts
it); the run's deadline bounds them all and, when it passes, cancels everything
in flight and raises ``TimeoutError``. Results come back in the order the model
asked for them, each with its ``tool_call_id``. A tool that fails — bad
arguments, unknown name, exception (``SystemExit`` and ``KeyboardInterrupt``
too: only cancellation passes through), timeout, a result that cannot become
text — yields an error result carrying the exception's type and message (never
a traceback) for the model to read. A result longer than ``max_result_chars``
is cut there, and the text says so.

Cancelling a dispatch cancels every async tool at once. A sync tool's thread
cannot be interrupted: its result is dropped and the thread ends when the
function returns (see :mod:`agentrt.agents.tool_threads`), so give blocking
tools a timeout of their own inside.
"""

from __future__ import annotations

import asyncio
import contextvars
import dataclasses
import functools
import json
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor
from contextlib import nullcontext
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol

from agentrt.agents.limits import Limits, unknown_tool_message
from agentrt.agents.schema import SchemaMismatch
from agentrt.agents.tool_threads import (
    ThreadEscape,
    ToolThreads,
    ToolTimedOut,
    default_tool_threads,
)
from agentrt.agents.tools import Tool, ToolContext, Toolset
from agentrt.errors import UnknownToolError
from agentrt.telemetry.tracing import Telemetry, telemetry_of

if TYPE_CHECKING:
    from agentrt.xai.messages import ToolCall

__all__ = [
    "DEFAULT_MAX_RESULT_CHARS",
    "STARTED",
    "ErrorKind",
    "ToolCallRecord",
    "ToolErrorInfo",
    "ToolJournal",
    "dispatch",
    "render_output",
]

DEFAULT_MAX_RESULT_CHARS = Limits().max_tool_result_chars
"""Characters of one tool result the model gets by default; the rest is cut (well under
the 20 MiB a gRPC message may carry, even at 4 UTF-8 bytes a character and many calls)."""

_MAX_ERROR_CHARS = 4_000  # an exception's message the model gets, at most

ErrorKind = Literal[
    "invalid_arguments", "unknown_tool", "raised", "timeout", "interrupted", "denied"
]


STARTED: Literal["started"] = "started"
"""What :meth:`ToolJournal.recorded` says of a call that began and never finished."""


class ToolJournal(Protocol):
    """Where a run keeps its tool calls (see the module docstring)."""

    def recorded(self, run_id: str, call_id: str) -> ToolCallRecord | Literal["started"] | None:
        """The call's record, ``"started"`` if it began and never finished, else ``None``."""
        ...

    def begin(self, run_id: str, call: ToolCall) -> None:
        """Mark the call started (durably) before it runs."""
        ...

    def finish(self, run_id: str, record: ToolCallRecord) -> None:
        """Keep the record of a call that ran."""
        ...


@dataclass(frozen=True, slots=True, kw_only=True)
class ToolErrorInfo:
    """Why a tool call failed: ``kind``, the exception ``type`` name and its ``message``."""

    kind: ErrorKind
    type: str
    message: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ToolCallRecord:
    """One tool call, start to end.

    Attributes:
        call_id: the model's tool call id.
        name: the tool the model asked for.
        arguments: the arguments as the model wrote them (raw JSON text).
        parsed: the validated keyword arguments, or ``None`` if they were invalid.
        value: what the tool returned (``None`` on error).
        output: the text sent back to the model (the result, or the error as JSON).
        error: why it failed, or ``None``.
        turn: the turn that asked for it.
        started: ``time.monotonic()`` when it started running (or was rejected).
        duration: seconds it ran.
    """

    call_id: str
    name: str
    arguments: str
    parsed: Mapping[str, Any] | None
    value: Any
    output: str
    error: ToolErrorInfo | None
    turn: int
    started: float
    duration: float

    @property
    def ok(self) -> bool:
        """Whether the tool ran and returned."""
        return self.error is None


@functools.cache
def _to_json() -> Callable[[Any], bytes]:
    from pydantic_core import to_json  # pydantic is imported with the first tool anyway

    return to_json


def render_output(value: Any) -> str:
    """The text a tool result becomes for the model: strings as they are, anything else as JSON.

    Raises:
        Exception: whatever ``str(value)`` raises for a value that is not JSON-serialisable.
    """
    if isinstance(value, str):
        return value
    try:
        return _to_json()(value).decode()
    except Exception:  # not JSON-serialisable: the model still gets something readable
        return str(value)


def _model_text(value: Any, limit: int) -> str:
    """``value`` as text the wire can carry, at most ``limit`` characters and a note saying so.

    Raises:
        UnicodeEncodeError: the text is not valid Unicode (a lone surrogate).
    """
    text = render_output(value)
    if not text.isascii():
        text.encode()  # protobuf would refuse it later, failing the whole run
    if len(text) <= limit:
        return text
    return (
        f"{text[:limit]}\n[agentrt: this tool result has {len(text)} characters; "
        f"only the first {limit} are shown (limits.max_tool_result_chars)]"
    )


def _describe(e: BaseException) -> str:
    """An exception's message for the model: printable, valid Unicode, not too long."""
    try:
        if isinstance(e, SystemExit):
            text = f"the tool called sys.exit({e.code!r}); a tool should return or raise instead"
        else:
            text = str(e)
    except Exception:
        text = f"(a {type(e).__name__} whose message cannot be shown)"
    if not text.isascii():  # lone surrogates would fail every later encode of the record
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    if len(text) > _MAX_ERROR_CHARS:
        text = f"{text[:_MAX_ERROR_CHARS]}... ({len(text)} characters)"
    return text


def _error_record(
    call: ToolCall, turn: int, kind: ErrorKind, type_: str, message: str, started: float
) -> ToolCallRecord:
    info = ToolErrorInfo(kind=kind, type=type_, message=message)
    output = json.dumps({"error": {"type": type_, "message": message}})
    return _record(call, turn, started, output=output, error=info)


def _record(
    call: ToolCall,
    turn: int,
    started: float,
    *,
    output: str,
    error: ToolErrorInfo | None = None,
    parsed: Mapping[str, Any] | None = None,
    value: Any = None,
) -> ToolCallRecord:
    """The record of one call that ended now."""
    return ToolCallRecord(
        call_id=call.id,
        name=call.name,
        arguments=call.arguments,
        parsed=parsed,
        value=value,
        output=output,
        error=error,
        turn=turn,
        started=started,
        duration=time.monotonic() - started,
    )


@dataclass(frozen=True, slots=True)
class _Ready:
    call: ToolCall
    tool: Tool
    kwargs: dict[str, Any]
    journal: ToolJournal | None = None


_INTERRUPTED = (
    "this call was started before the process running it stopped, and may or may not have "
    "finished; agentrt does not run a tool twice, so it was not run again"
)


def _journaled(
    call: ToolCall, journal: ToolJournal | None, run_id: str, turn: int
) -> ToolCallRecord | None:
    """The call's result from ``journal`` when it ran (or began) before, else ``None``."""
    if journal is None:
        return None
    known = journal.recorded(run_id, call.id)
    if known is None:
        return None
    if known == STARTED:
        now = time.monotonic()
        return _error_record(call, turn, "interrupted", "Interrupted", _INTERRUPTED, now)
    assert not isinstance(known, str)
    return known


def _prepare(
    calls: Sequence[ToolCall],
    tools: Toolset,
    turn: int,
    unknown_tool: str,
    journal: ToolJournal | None = None,
    run_id: str = "",
) -> list[_Ready | ToolCallRecord]:
    """Validate every call before any runs; invalid ones become error records at once."""
    out: list[_Ready | ToolCallRecord] = []
    for call in calls:
        earlier = _journaled(call, journal, run_id, turn)
        if earlier is not None:
            out.append(earlier)
            continue
        now = time.monotonic()
        tool = tools.get(call.name)
        if tool is None:
            if unknown_tool == "raise":
                raise UnknownToolError(unknown_tool_message(call.name, tools.functions))
            known = ", ".join(tools.functions) or "none"
            msg = f"there is no tool named {call.name!r}; available tools: {known}"
            out.append(_error_record(call, turn, "unknown_tool", "UnknownTool", msg, now))
            continue
        try:
            kwargs = tool.schema.validate_json(call.arguments)
        except SchemaMismatch as e:
            msg = f"invalid arguments for {call.name!r}, the tool was not run: {e}"
            out.append(_error_record(call, turn, "invalid_arguments", "InvalidArguments", msg, now))
            continue
        out.append(_Ready(call, tool, kwargs))
    return out


async def dispatch(
    calls: Sequence[ToolCall],
    tools: Toolset,
    *,
    turn: int = 0,
    max_concurrency: int = 8,
    deadline: float | None = None,
    unknown_tool: Literal["error", "raise"] = "error",
    context: ToolContext | None = None,
    executor: Executor | ToolThreads | None = None,
    on_finished: Callable[[ToolCallRecord], None] | None = None,
    max_result_chars: int = DEFAULT_MAX_RESULT_CHARS,
    journal: ToolJournal | None = None,
) -> list[ToolCallRecord]:
    """Run the tool calls of one turn; one record per call, in the order given.

    Args:
        calls: the calls the model asked for.
        tools: the agent's tools.
        turn: the turn number, recorded on each result.
        max_concurrency: at most this many tools run at once.
        deadline: ``time.monotonic()`` by which every call must end (the run's budget).
        unknown_tool: ``"error"`` answers an unknown name with an error result;
            ``"raise"`` raises :class:`~agentrt.errors.UnknownToolError` before anything runs.
        context: the template of the :class:`ToolContext` given to tools that ask for one.
        executor: where sync tools run (default:
            :func:`~agentrt.agents.tool_threads.default_tool_threads`).
        on_finished: called with each record as its call ends.
        max_result_chars: a longer result is cut to this many characters.
        journal: where calls are kept so that none runs twice across a resume
            (:mod:`agentrt.agents.journal`), keyed by ``context.run_id``.

    Raises:
        TimeoutError: ``deadline`` passed; every call still running was cancelled.
        UnknownToolError: an unknown tool was called and ``unknown_tool="raise"``.
    """
    base = context or ToolContext()
    prepared = _prepare(calls, tools, turn, unknown_tool, journal, base.run_id)
    if journal is not None:
        prepared = [
            p if isinstance(p, ToolCallRecord) else _Ready(p.call, p.tool, p.kwargs, journal)
            for p in prepared
        ]
    # an execute_tool span per call (agentrt.telemetry.tracing)
    telemetry = telemetry_of(base.client)
    only = prepared[0] if len(prepared) == 1 else None
    if isinstance(only, _Ready) and deadline is None and on_finished is None:
        # the usual turn: one valid call, no budget, nobody to tell; nothing to gather
        return [await _traced(only, telemetry, turn, base, None, executor, max_result_chars)]
    records: list[ToolCallRecord | None] = [
        p if isinstance(p, ToolCallRecord) else None for p in prepared
    ]
    for r in records:
        if r is not None:
            telemetry.tool_rejected(r)
            if on_finished is not None:
                on_finished(r)
    ready = [(i, p) for i, p in enumerate(prepared) if isinstance(p, _Ready)]
    # One call has nothing to limit.
    semaphore = asyncio.Semaphore(max(1, max_concurrency)) if len(ready) > 1 else None

    async def run(index: int, item: _Ready) -> None:
        async with nullcontext() if semaphore is None else semaphore:
            record = await _traced(
                item, telemetry, turn, base, deadline, executor, max_result_chars
            )
        records[index] = record
        if on_finished is not None:
            on_finished(record)

    scope = nullcontext() if deadline is None else asyncio.timeout(deadline - time.monotonic())
    async with scope:
        if len(ready) == 1:
            await run(*ready[0])
        elif ready:
            async with asyncio.TaskGroup() as tg:
                for index, item in ready:
                    tg.create_task(run(index, item), name=f"tool:{item.tool.name}")
    return [r for r in records if r is not None]


async def _traced(
    item: _Ready,
    telemetry: Telemetry,
    turn: int,
    base: ToolContext,
    deadline: float | None,
    executor: Executor | ToolThreads | None,
    max_result_chars: int,
) -> ToolCallRecord:
    """One call inside its ``execute_tool`` span (a no-op while telemetry is off)."""
    call = item.call
    journal = item.journal
    if journal is not None:
        journal.begin(base.run_id, call)
    with telemetry.tool_run(name=call.name, call_id=call.id, arguments=call.arguments) as t:
        record = await _run_one(item, turn, base, deadline, executor, max_result_chars)
        t.done(record)
    if journal is not None:
        journal.finish(base.run_id, record)
    return record


async def _run_one(
    item: _Ready,
    turn: int,
    base: ToolContext,
    deadline: float | None,
    executor: Executor | ToolThreads | None,
    max_result_chars: int,
) -> ToolCallRecord:
    tool, call = item.tool, item.call
    kwargs = item.kwargs
    if tool.schema.context_param is not None:
        ctx = dataclasses.replace(
            base, call_id=call.id, tool_name=tool.name, turn=turn, deadline=deadline
        )
        kwargs = {**kwargs, tool.schema.context_param: ctx}
    started = time.monotonic()
    try:
        value = await _invoke(tool, kwargs, executor)
    except ToolTimedOut:
        msg = f"tool {tool.name!r} did not finish within its {tool.timeout:g} s timeout"
        return _error_record(call, turn, "timeout", "TimeoutError", msg, started)
    except asyncio.CancelledError:
        raise
    except BaseException as e:  # SystemExit, KeyboardInterrupt too: the tool failed, not the run
        if isinstance(e, ThreadEscape):
            e = e.original
        return _error_record(call, turn, "raised", type(e).__name__, _describe(e), started)
    try:
        output = _model_text(value, max_result_chars)
    except Exception as e:
        msg = f"the tool returned a {type(value).__name__} that cannot become text: {_describe(e)}"
        return _error_record(call, turn, "raised", "UnrenderableResult", msg, started)
    return _record(call, turn, started, output=output, parsed=item.kwargs, value=value)


async def _invoke(
    tool: Tool, kwargs: dict[str, Any], executor: Executor | ToolThreads | None
) -> Any:
    """The tool's value; :class:`ToolTimedOut` when its own timeout passed."""
    if tool.is_async:
        work = tool.fn(**kwargs)
    elif not isinstance(executor, Executor):
        threads = executor or default_tool_threads()
        return await threads.call(tool.name, functools.partial(tool.fn, **kwargs), tool.timeout)
    else:
        call = functools.partial(contextvars.copy_context().run, tool.fn, **kwargs)
        work = asyncio.get_running_loop().run_in_executor(executor, call)
    if tool.timeout is None:  # no timeout scope to enter and leave around every call
        return await work
    limit = asyncio.timeout(tool.timeout)
    try:
        async with limit:
            return await work
    except TimeoutError:
        if limit.expired():
            raise ToolTimedOut(tool.timeout) from None
        raise
