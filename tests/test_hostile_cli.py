"""Hostile command lines and batch inputs: exit 2, one ``agentrt: error:`` line, no traceback.

Each table row is one bad flag value or input line; the next case of a class is
one more row. Every case must fail before anything starts (the Temporal address
is unreachable: reaching it would be exit 3, not 2).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import running_sim

SPEC = str(Path(__file__).parent.parent / "examples" / "trip_planner" / "trip_planner.yaml")
NOWHERE = ("--temporal", "127.0.0.1:1")


def _cli(*args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "agentrt", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _one_error_line(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    assert proc.stderr.startswith("agentrt: error: "), proc.stderr
    assert proc.stderr.count("\n") == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    return proc.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("serve", SPEC, "--grace", "inf"), "--grace: 'inf' is not a duration"),
        (("serve", SPEC, "--grace", "nan"), "--grace: 'nan' is not a duration"),
        (("serve", SPEC, "--grace", "-1"), "--grace: '-1' is not a duration"),
        (("serve", SPEC, "--grace", "1e999"), "--grace: '1e999' is not a duration"),
        (("serve", SPEC, "--port", "70000"), "--port 70000: must be 0 (a free port) to 65535"),
        (("serve", SPEC, "--port", "-1"), "--port -1: must be 0"),
        (("serve", SPEC, "--max-concurrent-runs", "0"), "--max-concurrent-runs: '0'"),
        (("serve", SPEC, "--max-concurrent-runs", "9" * 30), "--max-concurrent-runs: '999"),
        (("worker", SPEC, *NOWHERE, "--sticky-timeout", "inf"), "--sticky-timeout: 'inf'"),
        (("worker", SPEC, *NOWHERE, "--sticky-timeout", "0"), "--sticky-timeout: '0'"),
        (("worker", SPEC, *NOWHERE, "--sticky-timeout", "nan"), "--sticky-timeout: 'nan'"),
        (("worker", SPEC, *NOWHERE, "--max-concurrent", "0"), "--max-concurrent: '0'"),
        (("worker", SPEC, *NOWHERE, "--max-concurrent", "1e12"), "--max-concurrent: '1e12'"),
        (("worker", SPEC, *NOWHERE, "--max-concurrent", "2.5"), "--max-concurrent: '2.5'"),
        (("batch", SPEC, "in.jsonl", *NOWHERE, "--out", "o", "--max-in-flight", "0"), "'0'"),
        (("batch", SPEC, "in.jsonl", *NOWHERE, "--out", "o", "--max-in-flight", "inf"), "'inf'"),
        (("chat", "--timeout", "inf", "hi"), "--timeout: 'inf' is not a duration"),
        (("chat", "--timeout", "nan", "hi"), "--timeout: 'nan' is not a duration"),
        (("chat", "--timeout", "0", "hi"), "--timeout: '0' is not a duration"),
        (("chat", "--timeout", "-5", "hi"), "--timeout: '-5' is not a duration"),
        (("chat", "--timeout", "x" * 500, "hi"), "--timeout: 'xxxxxxxx"),
        (("run", SPEC, "--var", "1x=y", "hi"), "--var '1x=y': expected NAME=VALUE"),
        (("run", SPEC, "--trace", "bogus", "hi"), "--trace: invalid choice"),
        (("validate",), "required: SPEC"),
        (("validate", SPEC, "--strict"), "unrecognized arguments: --strict"),
    ],
)
def test_bad_flag_is_exit_2_one_line(args: tuple[str, ...], message: str) -> None:
    assert message in _one_error_line(_cli(*args))


def test_durations_take_units() -> None:
    # 500ms is a duration; the call then fails to connect (exit 3), not on the flag
    proc = _cli("chat", "--endpoint", "127.0.0.1:1", "--timeout", "500ms", "hi")
    assert proc.returncode == 3, proc.stderr


LONG = "a" * 1001


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (['{"id": 1, "input": "a"}', '{"id": "1", "input": "b"}'], 'id "1" and id 1 on line 1'),
        (['{"id": "1", "input": "a"}', '{"id": 1, "input": "b"}'], 'id 1 and id "1" on line 1'),
        (['{"id": -3, "input": "a"}', '{"id": "-3", "input": "b"}'], "name the same run"),
        (['{"id": "x", "input": "a"}', '{"id": "x", "input": "b"}'], 'id "x" repeats line 1'),
        ([json.dumps({"id": LONG, "input": "a"})], '"id" is 1001 characters; at most 200'),
        ([json.dumps({"id": 10**300, "input": "a"})], '"id" is 301 characters'),
        ([json.dumps({"id": "a\nb", "input": "a"})], "control or invalid character"),
        ([json.dumps({"id": "a\x00", "input": "a"})], "control or invalid character"),
        (['{"id": "\\ud800", "input": "a"}'], "control or invalid character"),
        (['{"id": "ok", "input": "\\udc80"}'], "escape that is not a character"),
        (['{"id": 1.5, "input": "a"}'], '"id" must be a non-empty string or an integer'),
        (['{"id": true, "input": "a"}'], '"id" must be a non-empty string or an integer'),
        (['{"id": null, "input": "a"}'], '"id" must be a non-empty string or an integer'),
    ],
)
def test_bad_batch_ids_are_exit_2_before_anything_starts(
    tmp_path: Path, lines: list[str], message: str
) -> None:
    inputs = tmp_path / "in.jsonl"
    inputs.write_text("\n".join(lines) + "\n")
    out = tmp_path / "out.jsonl"
    proc = _cli("batch", SPEC, str(inputs), *NOWHERE, "--out", str(out))
    assert message in _one_error_line(proc)
    assert not out.exists()


@pytest.mark.parametrize(
    "command",
    [("chat", "--stream", "Tell me a story"), ("run", "--quiet", SPEC, "Plan a day in Lisbon")],
)
def test_an_error_after_streamed_text_starts_on_its_own_line(command: tuple[str, ...]) -> None:
    with running_sim("--fault", "abort", "--abort-after", "30") as sim:
        proc = subprocess.run(
            [sys.executable, "-m", "agentrt", *command, "--endpoint", sim.address],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=30,
            check=False,
        )
    assert proc.returncode == 3, proc.stdout
    text, _, error = proc.stdout.rpartition("agentrt: error: ")
    assert text.strip(), proc.stdout  # some of the answer was streamed first
    assert text.endswith("\n"), proc.stdout
    assert "stream interrupted" in error


def test_a_server_deadline_on_one_model_call_is_not_called_the_runs_budget() -> None:
    # the spec's budget is 60 s; the server ends the first model call after 0.3 s
    with running_sim("--fault", "deadline", "--deadline-stall-ms", "300") as sim:
        proc = _cli("run", SPEC, "--endpoint", sim.address, "--quiet", "Plan a day in Lisbon")
    assert proc.returncode == 3, proc.stderr
    assert proc.stderr.count("\n") == 1, proc.stderr
    assert "the model call to grok-4-1-fast-reasoning was ended by the server after 0.3" in (
        proc.stderr
    )
    assert "budget" not in proc.stderr
