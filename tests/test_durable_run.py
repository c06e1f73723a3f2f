"""``agentrt run --temporal`` end to end: the real Temporal dev server, ``agentrt worker`` and
``agentrt sim`` as subprocesses; a multi-tool run equals a local run; a failing tool is a typed failure."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SimProcess
from tests.durable_fixtures import (
    BOOKER,
    PLANNER,
    agentrt_command,
    calls,
    free_port,
    running_worker,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]

PROMPT = "Plan a day in Lisbon: check the weather and find places to visit"
GREETER = PLANNER.parent / "greeter.yaml"
CANCELLER = PLANNER.parent / "once" / "canceller.yaml"
RESEARCH = Path(__file__).parent.parent / "examples" / "research" / "research.yaml"


@pytest.fixture(scope="module")
def counts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("durable-run")


@pytest.fixture(scope="module")
def worker(temporal_server: str, sim_process: SimProcess, counts: Path) -> Iterator[str]:
    env = {"AGENTRT_DURABLE_DIR": str(counts)}
    args = (str(PLANNER), str(BOOKER), str(GREETER), str(CANCELLER), str(RESEARCH.parent))
    args += ("--endpoint", sim_process.address)
    args += ("--task-queue", "run")
    with running_worker(temporal_server, *args, env=env) as process:
        yield temporal_server
    assert process.returncode == 0  # SIGTERM stops a worker gracefully


def agentrt(*args: str, counts: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AGENTRT_DURABLE_DIR": str(counts)}
    return subprocess.run(
        agentrt_command(*args), capture_output=True, text=True, timeout=90, env=env, check=False
    )


def durable_and_local(
    spec: Path, prompt: str, worker: str, sim: SimProcess, counts: Path
) -> tuple[dict[str, Any], dict[str, Any]]:
    """``agentrt run --json`` of ``spec`` through the worker, then locally: both summaries."""
    durable = agentrt(
        "run", str(spec), prompt, "--temporal", worker, "--task-queue", "run", "--json",
        counts=counts,
    )  # fmt: skip
    assert durable.returncode == 0, durable.stderr
    local = agentrt("run", str(spec), prompt, "--endpoint", sim.address, "--json", counts=counts)
    assert local.returncode == 0, local.stderr
    return json.loads(durable.stdout), json.loads(local.stdout)


def test_multi_tool_run_as_a_workflow_equals_a_local_run(
    worker: str, sim_process: SimProcess, counts: Path
) -> None:
    got, want = durable_and_local(PLANNER, PROMPT, worker, sim_process, counts)
    assert got["output"] == want["output"]
    assert "Lisbon museum" in got["output"]
    assert got["turns"] == want["turns"] == 2
    strip = [{k: v for k, v in c.items() if k != "duration_s"} for c in got["tool_calls"]]
    assert strip == [{k: v for k, v in c.items() if k != "duration_s"} for c in want["tool_calls"]]
    assert [c["name"] for c in strip] == ["get_weather", "find_places"]
    assert got["usage"] == want["usage"]
    # the tools saw one idempotency key per call: workflow id + tool call id
    keys = [line.split()[1] for line in calls(counts, "get_weather")]
    assert keys[0].startswith("agentrt-durable_planner-")
    assert keys[0].count(":call_") == 1


def test_a_sub_agent_runs_inside_its_tool_call_and_its_usage_counts(
    worker: str, sim_process: SimProcess, counts: Path
) -> None:
    ask = 'Ask the researcher for "notes on the history of the Lisbon trams"'
    got, want = durable_and_local(RESEARCH, ask, worker, sim_process, counts)
    assert [c["name"] for c in got["tool_calls"]] == ["researcher"]
    assert got["output"] == want["output"]
    assert got["usage"] == want["usage"]  # the researcher's model calls included


def test_variables_reach_the_worker(worker: str, sim_process: SimProcess, counts: Path) -> None:
    def usage(name: str, *where: str) -> dict[str, int]:
        done = agentrt(
            "run", str(GREETER), "hello", "--var", f"name={name}", "--json", *where, counts=counts
        )
        assert done.returncode == 0, done.stderr
        result: dict[str, int] = json.loads(done.stdout)["usage"]
        return result

    durable = usage("Alexandria of the Long Name", "--temporal", worker, "--task-queue", "run")
    local = usage("Alexandria of the Long Name", "--endpoint", sim_process.address)
    assert durable == local  # the same instructions, so the same prompt tokens
    assert usage("Al", "--endpoint", sim_process.address)["input"] < local["input"]


def test_run_streams_tool_activity_and_the_answer(worker: str, counts: Path) -> None:
    done = agentrt(
        "run", str(PLANNER), PROMPT, "--temporal", worker, "--task-queue", "run", counts=counts
    )
    assert done.returncode == 0, done.stderr
    assert "agentrt: durable run agentrt-durable_planner-" in done.stderr
    assert "tool get_weather" in done.stderr
    assert "tool find_places" in done.stderr
    assert "Lisbon museum" in done.stdout


def test_a_tool_that_keeps_failing_ends_the_run_with_a_typed_failure(
    worker: str, counts: Path
) -> None:
    before = len(calls(counts, "book_table"))
    done = agentrt(
        "run", str(BOOKER), "Book a table in Lisbon", "--temporal", worker, "--task-queue", "run",
        "--json", counts=counts,
    )  # fmt: skip
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert lines[-1].startswith("agentrt: error: tool 'book_table' (3 attempts) failed: ")
    assert lines[-1].endswith("RuntimeError: the booking service is down")
    assert "Traceback" not in done.stderr
    summary = json.loads(done.stdout)
    assert summary["error"]["type"] == "ToolFailed"
    assert summary["turns"] == 1
    # idempotent: retried, every attempt with the same idempotency key
    attempts = calls(counts, "book_table")[before:]
    assert len(attempts) == 3
    assert len({line.split()[1] for line in attempts}) == 1


def test_a_failing_tool_not_marked_idempotent_runs_once(worker: str, counts: Path) -> None:
    before = len(calls(counts, "cancel_booking"))
    done = agentrt(
        "run", str(CANCELLER), "Cancel my booking in Porto", "--temporal", worker,
        "--task-queue", "run", "--json", counts=counts,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("agentrt: error: tool 'cancel_booking' (1 attempt) failed: "), last
    assert last.endswith("RuntimeError: the booking service is down")
    assert "Traceback" not in done.stderr
    assert json.loads(done.stdout)["error"]["type"] == "ToolFailed"
    assert len(calls(counts, "cancel_booking")[before:]) == 1  # never retried


def test_unreachable_temporal_is_one_line_and_exit_3(counts: Path) -> None:
    address = f"127.0.0.1:{free_port()}"
    done = agentrt("run", str(PLANNER), PROMPT, "--temporal", address, counts=counts)
    assert done.returncode == 3
    assert done.stderr.strip().splitlines() == [
        done.stderr.strip(),
    ]
    assert f"cannot reach Temporal at {address}" in done.stderr
    worker = agentrt("worker", str(PLANNER), "--temporal", address, counts=counts)
    assert worker.returncode == 3
    assert f"cannot reach Temporal at {address}" in worker.stderr


def test_endpoint_with_temporal_is_a_usage_error(counts: Path) -> None:
    done = agentrt(
        "run", str(PLANNER), PROMPT, "--temporal", "127.0.0.1:7233", "--endpoint", "x:1",
        counts=counts,
    )  # fmt: skip
    assert done.returncode == 2
    assert "give it to agentrt worker" in done.stderr


def test_a_queue_without_workers_is_announced_and_ctrl_c_stops_following(
    worker: str, counts: Path
) -> None:
    process = subprocess.Popen(
        agentrt_command("run", str(PLANNER), PROMPT, "--temporal", worker, "--task-queue", "idle"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "AGENTRT_DURABLE_DIR": str(counts)},
    )
    assert process.stderr is not None
    try:
        assert "no worker polls task queue 'idle'" in process.stderr.readline()
        assert "agentrt: durable run agentrt-durable_planner-" in process.stderr.readline()
    finally:
        process.send_signal(signal.SIGINT)
        try:
            _, err = process.communicate(timeout=15)
        finally:
            if process.poll() is None:  # never leave it (or its pipes) behind
                process.kill()
                process.communicate()
    assert process.returncode == 130
    assert "agentrt: interrupted" in err
