"""``agentrt batch`` end to end: 200 inputs across two workers, every result once, re-runs add nothing."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import SimProcess
from tests.durable_fixtures import BOOKER, PLANNER, agentrt_command, calls, running_worker

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]

QUEUE = "batch"
N = 200


def batch(*args: str, counts: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AGENTRT_DURABLE_DIR": str(counts)}
    return subprocess.run(
        agentrt_command("batch", *args), capture_output=True, text=True, timeout=150, env=env
    )


def results(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_batch_of_200_across_two_workers_then_reruns_do_nothing_new(
    temporal_server: str, sim_process: SimProcess, tmp_path: Path
) -> None:
    inputs = tmp_path / "inputs.jsonl"
    lines = [
        {"id": f"c{i}", "input": f"Plan a day in Town{i}: check the weather and find places"}
        for i in range(N)
    ]
    inputs.write_text("".join(json.dumps(x) + "\n" for x in lines))
    out = tmp_path / "results.jsonl"
    env = {"AGENTRT_DURABLE_DIR": str(tmp_path)}
    worker = (str(PLANNER), "--endpoint", sim_process.address, "--task-queue", QUEUE)
    command = (str(PLANNER), str(inputs), "--temporal", temporal_server, "--task-queue", QUEUE)
    command += ("--out", str(out), "--max-in-flight", "64")
    with (
        running_worker(temporal_server, *worker, env=env),
        running_worker(temporal_server, *worker, env=env),
    ):
        first = batch(*command, counts=tmp_path)
        assert first.returncode == 0, first.stderr
        assert f"{N} ok, 0 failed, 0 already done of {N}" in first.stderr
        got = results(out)
        assert sorted(r["id"] for r in got) == sorted(x["id"] for x in lines)  # each once
        by_id = {r["id"]: r for r in got}
        assert all("error" not in r for r in got)
        assert "Town7 museum" in str(by_id["c7"]["output"])
        assert [c["name"] for c in by_id["c7"]["tool_calls"]] == ["get_weather", "find_places"]
        weather = calls(tmp_path, "get_weather")
        assert len(weather) == N
        assert len({line.split()[0] for line in weather}) == 2  # both workers took runs

        again = batch(*command, counts=tmp_path)
        assert again.returncode == 0, again.stderr
        assert f"0 ok, 0 failed, {N} already done of {N}" in again.stderr
        assert len(results(out)) == N

        # lose the last 50 results and cut a line in half, as a crash mid-write would:
        # the re-run writes them again from the finished workflows, running nothing new
        kept = out.read_text().splitlines(keepends=True)[: N - 50]
        out.write_text("".join(kept) + '{"id": "c1')
        third = batch(*command, counts=tmp_path)
        assert third.returncode == 0, third.stderr
        assert f"50 ok, 0 failed, {N - 50} already done of {N}" in third.stderr
        final = results(out)
        assert sorted(r["id"] for r in final) == sorted(x["id"] for x in lines)
        assert len(calls(tmp_path, "get_weather")) == N
        assert len(calls(tmp_path, "find_places")) == N


def test_bad_input_line_is_file_line_and_exit_2(tmp_path: Path) -> None:
    inputs = tmp_path / "inputs.jsonl"
    inputs.write_text('{"id": 1, "input": "hi"}\n\n{"id": 2, "input": ""}\n')
    args = (str(PLANNER), str(inputs), "--temporal", "127.0.0.1:1", "--out", str(tmp_path / "o"))
    done = batch(*args, counts=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f'agentrt: error: {inputs}:3: "input" must be a non-empty string'
    )
    inputs.write_text('{"id": 1, "input": "hi"}\n{"id": 1, "input": "again"}\n')
    done = batch(*args, counts=tmp_path)
    assert done.returncode == 2
    assert f"{inputs}:2: id 1 repeats line 1" in done.stderr


def test_unusable_files_are_exit_2_and_no_empty_results_file_is_left(tmp_path: Path) -> None:
    inputs = tmp_path / "inputs.jsonl"
    inputs.write_text('{"id": 1, "input": "hi"}\n')
    out = tmp_path / "results.jsonl"
    args = (str(PLANNER), str(inputs), "--temporal", "127.0.0.1:1", "--out")
    to_a_dir = batch(*args, str(tmp_path), counts=tmp_path)
    unreachable = batch(*args, str(out), counts=tmp_path)
    inputs.write_bytes(b'{"id": 1, "input": "caf\xe9"}\n')
    binary = batch(*args, str(out), counts=tmp_path)
    assert to_a_dir.returncode == 2
    assert (
        to_a_dir.stderr == f"agentrt: error: {tmp_path}: cannot write the results: Is a directory\n"
    )
    assert unreachable.returncode == 3, unreachable.stderr
    assert not out.exists()  # nothing ran: no empty results file left behind
    assert binary.returncode == 2
    assert binary.stderr == f"agentrt: error: {inputs}: not UTF-8 text\n"


def test_failed_runs_are_error_lines_and_exit_1(
    temporal_server: str, sim_process: SimProcess, tmp_path: Path
) -> None:
    inputs = tmp_path / "inputs.jsonl"
    inputs.write_text(
        "".join(f'{{"id": {i}, "input": "Book a table in Porto"}}\n' for i in range(3))
    )
    out = tmp_path / "results.jsonl"
    worker = (str(BOOKER), "--endpoint", sim_process.address, "--task-queue", "batch-fail")
    with running_worker(temporal_server, *worker, env={"AGENTRT_DURABLE_DIR": str(tmp_path)}):
        done = batch(
            str(BOOKER), str(inputs), "--temporal", temporal_server, "--task-queue", "batch-fail",
            "--out", str(out), counts=tmp_path,
        )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert "0 ok, 3 failed, 0 already done of 3" in done.stderr
    lines = results(out)
    assert sorted(r["id"] for r in lines) == [0, 1, 2]
    for line in lines:
        assert line["error"]["type"] == "ToolFailed"
        assert "the booking service is down" in line["error"]["message"]
        assert line["turns"] == 1
    assert len(calls(tmp_path, "book_table")) == 9  # 3 attempts each: book_table is idempotent
