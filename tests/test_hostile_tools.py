"""Hostile tools: whatever a tool does, it fails only its own call, never the run or the process.

Each table is a class of hostile tool; the next case of the same class is one line:

- ``ESCAPES``: a tool raising a ``BaseException`` that is not cancellation
  (``sys.exit``, argparse, Ctrl-C's ``KeyboardInterrupt``) gets an error result.
- ``UNRENDERABLE`` and ``OVERSIZED``: a result that cannot become text is an error
  result; one longer than ``limits.max_tool_result_chars`` is cut, and says so.
- ``BAD_MESSAGES``: an exception whose message is unprintable, invalid or huge.
- threads: sync tools run on a bounded pool of their own, a timeout counts from
  when the tool starts, and calls that timed out but still run are counted,
  reported and never starve later calls.
- end to end: ``agentrt run`` and ``agentrt serve`` with such tools.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from agentrt_protos.agentrt.v1 import agent_pb2 as pb
from agentrt_protos.agentrt.v1 import agent_pb2_grpc

from agentrt import Agent, tool
from agentrt.agents.dispatch import dispatch
from agentrt.agents.limits import Limits
from agentrt.agents.run_result import RunResult
from agentrt.agents.tool_threads import (
    ToolThreads,
    default_tool_threads,
    set_default_tool_threads,
)
from agentrt.agents.tools import Toolset
from agentrt.testing import ScriptedModel, call, reply, tool_calls
from tests.conftest import clean_env, run_agentrt, running_server

# --- helpers -------------------------------------------------------------------------


def as_tool(fn: Callable[[], Any], *, is_async: bool, name: str = "hostile", **kw: Any) -> Any:
    """``fn`` as a tool named ``name``: a sync function, or an async one that calls it."""
    if is_async:

        async def run() -> Any:
            return fn()

        body: Any = run
    else:

        def body() -> Any:
            return fn()

    body.__name__ = name
    body.__doc__ = "A hostile tool."
    return tool(**kw)(body)


async def run_tool(t: Any, *, calls: int = 1, limits: Limits | None = None) -> RunResult[Any]:
    """An agent run in which the model calls ``t`` ``calls`` times in one turn, then answers."""
    turn = tool_calls(*[call(t.name, {}, id=f"c{i}") for i in range(calls)])
    model = ScriptedModel(turn, reply("done"))
    with model:
        return await Agent(name="h", model=model, tools=[t], limits=limits or Limits()).run("go")


def _raise(exc: BaseException) -> Callable[[], Any]:
    """A tool body raising a fresh copy of ``exc`` on each call (calls may run at once)."""

    def fn() -> Any:
        raise type(exc)(*exc.args)

    return fn


class Escape(BaseException):
    """A BaseException of a library's own."""


def _argparse_exit() -> Any:
    return argparse.ArgumentParser(prog="t", add_help=False).parse_args(["--no-such-flag"])


# --- 1. BaseExceptions that are not cancellation -------------------------------------

ESCAPES: list[tuple[str, Callable[[], Any], str]] = [
    ("sys.exit(2)", lambda: sys.exit(2), "SystemExit"),
    ("sys.exit()", lambda: sys.exit(), "SystemExit"),
    ("sys.exit(text)", lambda: sys.exit("bye"), "SystemExit"),
    ("argparse", _argparse_exit, "SystemExit"),
    ("KeyboardInterrupt", _raise(KeyboardInterrupt()), "KeyboardInterrupt"),
    ("GeneratorExit", _raise(GeneratorExit()), "GeneratorExit"),
    ("own BaseException", _raise(Escape("out")), "Escape"),
]


@pytest.mark.parametrize("calls", [1, 2], ids=["one call", "two at once"])
@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize(("fn", "kind"), [e[1:] for e in ESCAPES], ids=[e[0] for e in ESCAPES])
async def test_a_base_exception_is_the_tools_error_and_the_run_goes_on(
    fn: Callable[[], Any], kind: str, is_async: bool, calls: int
) -> None:
    result = await run_tool(as_tool(fn, is_async=is_async), calls=calls)
    assert result.output == "done"
    assert len(result.tool_calls) == calls
    for record in result.tool_calls:
        assert record.error is not None
        assert (record.error.kind, record.error.type) == ("raised", kind)
        assert json.loads(record.output)["error"]["type"] == kind


async def test_sys_exit_says_what_the_tool_did_and_only_cancellation_passes_through() -> None:
    result = await run_tool(as_tool(lambda: sys.exit(3), is_async=False))
    error = result.tool_calls[0].error
    assert error is not None
    assert "sys.exit(3)" in error.message
    # cancelling the run is not the tool's failure: it still cancels the run
    started = asyncio.Event()

    async def wait() -> str:
        """Wait."""
        started.set()
        await asyncio.sleep(30)
        return "never"

    model = ScriptedModel(tool_calls(call("wait", {})), reply("done"))
    task = asyncio.create_task(Agent(name="h", model=model, tools=[wait]).run("go"))
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


# --- 9. results that cannot become text, or are too long ------------------------------


class BadStr:
    def __str__(self) -> str:
        raise ValueError("no text for you")


class NotStr:
    def __str__(self) -> Any:
        return 42


UNRENDERABLE: list[tuple[str, Callable[[], Any]]] = [
    ("__str__ raises", BadStr),
    ("__str__ returns an int", NotStr),
    ("lone surrogate", lambda: "ok \ud800 then"),
    ("surrogate in an object's str", lambda: type("S", (), {"__str__": lambda s: "\ud83d"})()),
]


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("fn", [u[1] for u in UNRENDERABLE], ids=[u[0] for u in UNRENDERABLE])
async def test_a_result_that_cannot_become_text_is_the_tools_error(
    fn: Callable[[], Any], is_async: bool
) -> None:
    result = await run_tool(as_tool(fn, is_async=is_async))
    record = result.tool_calls[0]
    assert record.error is not None
    assert record.error.type == "UnrenderableResult"
    record.output.encode()  # what reaches the model is valid text
    assert result.output == "done"


OVERSIZED: list[tuple[str, Callable[[], Any], int]] = [
    ("long string", lambda: "x" * 1_000, 100),
    ("long list", lambda: list(range(1_000)), 100),
    ("non-ASCII text", lambda: "é" * 500, 50),
    ("default cap", lambda: "y" * 300_000, 0),
]


@pytest.mark.parametrize(("fn", "cap"), [o[1:] for o in OVERSIZED], ids=[o[0] for o in OVERSIZED])
async def test_an_oversized_result_is_cut_and_says_so(fn: Callable[[], Any], cap: int) -> None:
    limits = Limits(max_tool_result_chars=cap) if cap else Limits()
    cap = limits.max_tool_result_chars
    result = await run_tool(as_tool(fn, is_async=False), limits=limits)
    record = result.tool_calls[0]
    assert record.ok
    head, _, note = record.output.partition("\n[agentrt: ")
    assert len(head) == cap
    assert f"only the first {cap} are shown (limits.max_tool_result_chars)" in note


async def test_a_result_at_the_cap_is_not_cut() -> None:
    t = as_tool(lambda: "z" * 100, is_async=False)
    result = await run_tool(t, limits=Limits(max_tool_result_chars=100))
    assert result.tool_calls[0].output == "z" * 100


# --- error messages that are themselves hostile ---------------------------------------


class UnprintableError(Exception):
    def __str__(self) -> str:
        raise RuntimeError("no message either")


BAD_MESSAGES: list[tuple[str, BaseException, str]] = [
    ("str raises", UnprintableError(), "cannot be shown"),
    ("lone surrogate", ValueError("bad \ud800 text"), "\\ud800"),
    ("huge", ValueError("m" * 1_000_000), "(1000000 characters)"),
]


@pytest.mark.parametrize(
    ("exc", "shown"), [b[1:] for b in BAD_MESSAGES], ids=[b[0] for b in BAD_MESSAGES]
)
async def test_a_hostile_error_message_still_makes_a_readable_error(
    exc: BaseException, shown: str
) -> None:
    result = await run_tool(as_tool(_raise(exc), is_async=False))
    error = result.tool_calls[0].error
    assert error is not None
    assert shown in error.message
    assert len(error.message) < 10_000
    error.message.encode()
    result.tool_calls[0].output.encode()


# --- 2. sync tools' threads -----------------------------------------------------------


@pytest.fixture
def small_pool() -> Iterator[ToolThreads]:
    """The process's tool pool is two threads for the test."""
    before = default_tool_threads()
    pool = ToolThreads(2)
    set_default_tool_threads(pool)
    try:
        yield pool
    finally:
        set_default_tool_threads(before)


def _blocker(gate: threading.Event) -> Any:
    def fn() -> str:
        gate.wait(10)
        return "released"

    return fn


async def test_a_timeout_counts_from_when_the_tool_starts_not_its_wait_for_a_thread() -> None:
    nap = tool(timeout=0.5)(_named("nap", lambda: time.sleep(0.3) or "rested"))
    calls = [call("nap", {}, id=f"c{i}") for i in range(4)]
    records = await dispatch(calls, Toolset([nap]), executor=ToolThreads(2))
    # two waited 0.3 s for a thread, then ran 0.3 s: within their 0.5 s timeout
    assert [r.output for r in records] == ["rested"] * 4


async def test_many_runs_of_a_sync_tool_do_not_time_out_waiting_for_threads() -> None:
    # the case: the loop's default executor had 6 threads; 40 runs queued on it
    nap = tool(timeout=1.0)(_named("nap", lambda: time.sleep(0.3) or "rested"))
    runs = [run_tool(nap) for _ in range(40)]
    results = await asyncio.gather(*runs)
    assert [r.tool_calls[0].error for r in results] == [None] * 40


async def test_abandoned_threads_are_counted_and_never_starve_later_tools(
    small_pool: ToolThreads,
) -> None:
    gate = threading.Event()
    stuck = tool(timeout=0.05)(_named("stuck", _blocker(gate)))
    try:
        first = await run_tool(stuck, calls=2)
        assert [r.error.kind for r in first.tool_calls if r.error] == ["timeout", "timeout"]
        assert small_pool.abandoned == 2
        # every thread is held: a later sync tool fails at once instead of waiting forever
        quick = as_tool(lambda: "ran", is_async=False, name="quick")
        async with asyncio.timeout(5):
            later = await run_tool(quick)
        error = later.tool_calls[0].error
        assert error is not None
        assert error.type == "ToolThreadsExhausted"
        assert "timed out or were cancelled" in error.message
    finally:
        gate.set()
    await _until(lambda: small_pool.abandoned == 0)
    again = await run_tool(as_tool(lambda: "ran", is_async=False, name="quick"))
    assert again.tool_calls[0].output == "ran"


async def test_a_call_waiting_for_a_thread_fails_when_abandoned_calls_take_them_all() -> None:
    gate = threading.Event()
    pool = ToolThreads(1)
    stuck = tool(timeout=0.1)(_named("stuck", _blocker(gate)))
    waits = _named("waits", lambda: "ran")
    calls = [call("stuck", {}, id="a"), call("waits", {}, id="b")]
    try:
        async with asyncio.timeout(5):
            records = await dispatch(calls, Toolset([stuck, tool(waits)]), executor=pool)
    finally:
        gate.set()
    assert [r.error.type if r.error else None for r in records] == [
        "TimeoutError",
        "ToolThreadsExhausted",
    ]


async def test_a_call_cancelled_before_its_thread_starts_holds_nothing() -> None:
    gate = threading.Event()
    pool = ToolThreads(1)
    stuck = tool(_named("stuck", _blocker(gate)))
    waits = tool(_named("waits", lambda: "ran"))
    calls = [call("stuck", {}, id="a"), call("waits", {}, id="b")]
    try:
        with pytest.raises(TimeoutError):
            await dispatch(calls, Toolset([stuck, waits]), executor=pool, deadline=_in(0.1))
        assert pool.abandoned == 1  # the running one; the queued one never started
    finally:
        gate.set()
    await _until(lambda: pool.abandoned == 0)


def _named(name: str, fn: Callable[[], Any]) -> Callable[[], Any]:
    def body() -> Any:
        return fn()

    body.__name__ = name
    body.__doc__ = "A test tool."
    return body


def _in(seconds: float) -> float:
    return time.monotonic() + seconds


async def _until(check: Callable[[], bool], within: float = 5.0) -> None:
    """Poll ``check`` (a count other threads change: there is no event to wait on)."""
    give_up = time.monotonic() + within
    while not check():
        assert time.monotonic() < give_up, "never happened"
        await asyncio.sleep(0.01)


# --- end to end: agentrt run ----------------------------------------------------------

CLI_TOOLS = '''
import sys
import time


def exits() -> str:
    """Exit the process the way argparse and click do."""
    sys.exit(2)


def huge() -> str:
    """Return more text than a gRPC message may carry."""
    return "x" * (21 * 1024 * 1024)


def stuck() -> str:
    """Block for a long time."""
    time.sleep(30)
    return "late"
'''


def _cli_spec(tmp_path: Path, name: str, extra: str = "") -> str:
    (tmp_path / "hostile_cli_tools.py").write_text(textwrap.dedent(CLI_TOOLS))
    path = tmp_path / f"{name}.yaml"
    path.write_text(
        f"version: 1\nname: {name}\nmodel: grok-4-1-fast-reasoning\n"
        f"instructions: Call the {name} tool.\n"
        f"tools:\n  - function: hostile_cli_tools:{name}\n{extra}"
    )
    return str(path)


CLI_CASES: list[tuple[str, str, str]] = [
    ("exits", "", "SystemExit"),
    ("huge", "", "limits.max_tool_result_chars"),
    ("stuck", "    timeout: 200ms\n", "TimeoutError"),
]


@pytest.mark.e2e
@pytest.mark.parametrize(("name", "extra", "shown"), CLI_CASES, ids=[c[0] for c in CLI_CASES])
async def test_agentrt_run_survives_the_tool_and_reports_it(
    tmp_path: Path, name: str, extra: str, shown: str
) -> None:
    spec = _cli_spec(tmp_path, name, extra)
    began = time.monotonic()
    code, out, err = await run_agentrt("run", spec, f"Call {name} now.", "--json", "--quiet")
    assert code == 0, err
    assert "Traceback" not in err
    summary = json.loads(out)
    assert shown in json.dumps(summary["tool_calls"][0])
    assert time.monotonic() - began < 20  # never waits for a stuck thread at exit


@pytest.mark.e2e
async def test_agentrt_run_json_reports_threads_still_running(tmp_path: Path) -> None:
    spec = _cli_spec(tmp_path, "stuck", "    timeout: 200ms\n")
    code, out, err = await run_agentrt("run", spec, "Call stuck now.", "--json", "--quiet")
    assert code == 0, err
    assert json.loads(out)["abandoned_tool_threads"] == 1
    assert "still runs on its thread" in err
    assert "exiting without waiting for them" in err


# --- end to end: agentrt serve --------------------------------------------------------

TOKEN = "hostile-tools-token"
AUTH = (("authorization", f"Bearer {TOKEN}"),)


@pytest.fixture(scope="module")
def serve_hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``agentrt serve`` (built-in simulator upstream) of agents with hostile tools."""
    root = tmp_path_factory.mktemp("serve_hostile")
    specs = [_cli_spec(root, "exits"), _cli_spec(root, "stuck", "    timeout: 200ms\n")]
    (root / "tokens.txt").write_text(f"{TOKEN}\n")
    with running_server(
        "serve",
        *specs,
        "--api-key-file",
        str(root / "tokens.txt"),
        env=clean_env(),
        drop=("XAI_API_KEY", "AGENTRT_ENDPOINT"),
    ) as served:
        yield served.address
        assert served.process.poll() is None, "the server died"


async def _run(address: str, agent: str) -> pb.RunAgentResponse:
    async with grpc.aio.insecure_channel(address) as channel:
        stub = agent_pb2_grpc.AgentsStub(channel)
        request = pb.RunAgentRequest(agent=agent, input=f"Call {agent} now.")
        return await stub.RunAgent(request, metadata=AUTH, timeout=20)


async def _status(address: str) -> pb.ServerStatus:
    async with grpc.aio.insecure_channel(address) as channel:
        stub = agent_pb2_grpc.AgentsStub(channel)
        return await stub.GetServerStatus(pb.GetServerStatusRequest(), metadata=AUTH, timeout=10)


@pytest.mark.e2e
async def test_serve_survives_a_tool_that_exits_and_serves_the_next_call(
    serve_hostile: str,
) -> None:
    for _ in range(2):
        response = await _run(serve_hostile, "exits")
        assert response.status.state == pb.RunStatus.SUCCEEDED
        assert "SystemExit" in response.result.tool_calls[0].error.type
    assert (await _status(serve_hostile)).runs_in_flight == 0


@pytest.mark.e2e
async def test_serve_status_reports_threads_held_by_abandoned_tools(serve_hostile: str) -> None:
    response = await _run(serve_hostile, "stuck")
    assert response.result.tool_calls[0].error.kind == "timeout"
    status = await _status(serve_hostile)
    assert status.abandoned_tool_threads == 1
    assert status.tool_threads >= status.max_concurrent_runs
