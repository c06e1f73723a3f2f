"""Hostile ``agentrt load`` input and signals: a bad flag is exit 2 and one line; a stop keeps data.

Every bad flag value (and its neighbours across load's flags) fails before any
request, with one ``agentrt: error:`` line and no traceback. SIGTERM and a second
Ctrl-C stop the run and still write the reports (marked partial) from the
requests that completed, which the ``--records`` file already holds.
"""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import agentrt_command, clean_env, reaped

pytestmark = pytest.mark.e2e

BASE = ("load", "--no-progress", "--endpoint", "127.0.0.1:9", "--model", "m", "--prompt", "hi")
ONE = ("--requests", "1")
AGENT = "examples/trip_planner/trip_planner.yaml"
RAMP = ("--duration", "10s", "--ramp", "linear")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        # --metadata: gRPC's rules for keys and values, checked before the run
        ((*ONE, "--metadata", "x-bin=notb64"), "--metadata x-bin: a -bin value must be base64"),
        ((*ONE, "--metadata", "x-bin=aGVsbG8"), "a -bin value must be base64"),  # bad padding
        ((*ONE, "--metadata", "Bad Key=v"), "a key may hold only letters, digits"),
        ((*ONE, "--metadata", ":path=/x"), "a key may hold only letters, digits"),
        ((*ONE, "--metadata", "x@y=v"), "a key may hold only letters, digits"),
        ((*ONE, "--metadata", "grpc-timeout=1S"), "keys starting 'grpc-' are reserved"),
        ((*ONE, "--metadata", "x=caf\u00e9"), "the value may hold only printable ASCII"),
        ((*ONE, "--metadata", "x=a\tb"), "the value may hold only printable ASCII"),
        ((*ONE, "--metadata", "=v"), "expected KEY=VALUE"),
        ((*ONE, "--metadata", "novalue"), "expected KEY=VALUE"),
        # counts: below one, or beyond what a machine can run
        (("--requests", "0"), "--requests must be at least 1"),
        ((*ONE, "--concurrency", "0"), "--concurrency must be at least 1"),
        ((*ONE, "--concurrency", "99999999999"), "--concurrency 99999999999: at most 100,000"),
        ((*ONE, "--connections", "0"), "--connections must be at least 1"),
        ((*ONE, "--connections", "100000"), "--connections 100000: at most 1,000"),
        ((*ONE, "--processes", "0"), "--processes must be at least 1"),
        ((*ONE, "--processes", "100000"), "--processes 100000: at most 256"),
        ((*ONE, "--rate", "5", "--max-in-flight", "0"), "--max-in-flight must be at least 1"),
        ((*ONE, "--rate", "5", "--max-in-flight", "10000000"), "at most 1,000,000"),
        ((*ONE, "--max-tokens", "0"), "--max-tokens must be at least 1"),
        ((*ONE, "--max-tokens", "2147483648"), "at most 2,147,483,647"),  # int32 in the proto
        ((*ONE, "--max-tokens", "99999999999999999999"), "at most 2,147,483,647"),
        ((*ONE, "--rate", "2e6"), "--rate 2e+06: at most 1,000,000"),
        ((*ONE, "--warmup", "-1"), "--warmup must be >= 0"),
        # durations and rates
        (("--duration", "0s"), "--duration must be above zero"),
        (("--duration", "nan"), "--duration 'nan' is not a duration"),
        (("--duration", "1e999s"), "is not a duration"),
        ((*ONE, "--timeout", "0s"), "--timeout must be above zero"),
        ((*ONE, "--timeout", "99999999999s"), "--timeout 1e+11s: at most 24h"),
        ((*ONE, "--rate", "nan"), "is not a positive rate"),
        ((*ONE, "--rate", "inf"), "is not a positive rate"),
        ((*ONE, "--slo", "ttft=-1ms"), "is not a duration"),
        ((*ONE, "--slo", "foo=1ms"), "expected KEY=DURATION"),
        # ramps
        ((*ONE, "--concurrency", "2", "--ramp", "step", "--ramp-step", "nan"), "finite number"),
        ((*ONE, "--concurrency", "2", "--ramp", "linear", "--ramp-step", "inf"), "finite number"),
        ((*ONE, "--rate", "5", "--ramp", "step", "--ramp-step", "1", "--ramp-to", "inf"), "finite"),
        (
            (
                *ONE,
                "--concurrency",
                "2",
                "--ramp",
                "step",
                "--ramp-step",
                "1",
                "--ramp-every",
                "0s",
            ),
            "--ramp-every must be above zero",
        ),
        ((*ONE, "--ramp-step", "1"), "need --ramp step or --ramp linear"),
        # ramps that would grow past the bounds (and hang the loop drawing arrivals)
        ((*ONE, "--concurrency", "1", "--ramp", "step", "--ramp-step", "1"), "needs --ramp-to"),
        ((*RAMP, "--concurrency", "2", "--ramp-step", "1e300"), "--ramp-step 1e+300: at most"),
        ((*RAMP, "--rate", "2", "--ramp-step", "1e300"), "--ramp-step 1e+300: at most"),
        ((*RAMP, "--rate", "2", "--ramp-step", "1", "--ramp-to", "1e7"), "--ramp-to 1e+07: at"),
        ((*RAMP, "--concurrency", "2", "--ramp-step", "20000"), "reaches --concurrency 200,002"),
        ((*RAMP, "--rate", "2", "--ramp-step", "200000"), "reaches --rate 2,000,002 within"),
        # prompts
        ((*ONE, "--prompt", ""), "--prompt is empty"),
        ((*ONE, "--prompt", "  "), "--prompt is empty"),
        # --var: only with --agent, and only a name the spec uses (as `agentrt run`)
        ((*ONE, "--var", "x=1"), "--var fills an agent's placeholders"),
        ((*ONE, "--agent", AGENT, "--var", "x=1"), "--var x: the spec has no {x} placeholder"),
    ],
)
def test_a_bad_flag_is_one_line_and_exit_2(args: tuple[str, ...], message: str) -> None:
    proc = subprocess.run(
        agentrt_command(*BASE, *args),
        capture_output=True,
        text=True,
        timeout=30,
        env=clean_env(),
        check=False,
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("agentrt: error: "), proc.stderr
    assert message in proc.stderr
    assert proc.stderr.count("\n") == 1, proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_base64_bin_metadata_value_is_sent() -> None:
    proc = subprocess.run(
        agentrt_command(
            "load", "--no-progress", "--model", "grok-3", "--prompt", "hi", "--requests", "2",
            "--metadata", "x-trace-bin=aGVsbG8=", "--json", "-",
        ),
        capture_output=True, text=True, timeout=60, env=clean_env(), check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["summary"]["succeeded"] == 2


def _wait_for_lines(path: Path, n: int, proc: subprocess.Popen[str]) -> None:
    for _ in range(300):
        if path.exists() and len(path.read_text().splitlines()) >= n:
            return
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    raise AssertionError(f"{path} never had {n} lines")


@pytest.mark.parametrize(
    ("signals", "extra", "code"),
    [
        ((signal.SIGTERM,), (), 143),
        ((signal.SIGINT, signal.SIGINT), (), 130),
        ((signal.SIGTERM,), ("--concurrency", "4", "--processes", "2"), 143),
        ((signal.SIGINT, signal.SIGINT), ("--concurrency", "4", "--processes", "2"), 130),
    ],
    ids=["sigterm", "double-ctrl-c", "sigterm-processes", "double-ctrl-c-processes"],
)
def test_a_stop_now_writes_every_report_from_what_completed(
    tmp_path: Path, signals: tuple[signal.Signals, ...], extra: tuple[str, ...], code: int
) -> None:
    out = {name: tmp_path / name for name in ("r.json", "r.jsonl", "r.csv", "r.html")}
    proc = subprocess.Popen(
        agentrt_command(
            "load", "--no-progress", "--model", "grok-3", "--prompt", "hi",
            "--concurrency", "2", *extra, "--duration", "60s",
            "--metadata", "x-sim-itl-ms=50", "--metadata", "x-sim-output-tokens=10",
            "--json", str(out["r.json"]), "--records", str(out["r.jsonl"]),
            "--csv", str(out["r.csv"]), "--html", str(out["r.html"]),
        ),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=clean_env(),
    )  # fmt: skip
    with reaped(proc):
        _wait_for_lines(out["r.jsonl"], 3, proc)  # requests completed and were streamed
        for sig in signals:
            proc.send_signal(sig)
            time.sleep(0.1)  # the second arrives while requests (0.5 s each) are in flight
        stdout, stderr = proc.communicate(timeout=30)
    assert proc.returncode == code, stderr
    assert "Traceback" not in stderr
    assert "stopping now" in stderr
    report = json.loads(out["r.json"].read_text())
    assert report["partial"] is True
    records = out["r.jsonl"].read_text().splitlines()
    assert report["summary"]["requests"] == len(records) >= 3
    assert all(json.loads(line)["status"] == "OK" for line in records)
    assert len(out["r.csv"].read_text().splitlines()) == len(records) + 1
    assert "Partial" in out["r.html"].read_text()
    assert "partial       yes" in stdout


def test_records_are_on_disk_while_the_run_goes_on(tmp_path: Path) -> None:
    records = tmp_path / "r.jsonl"
    proc = subprocess.Popen(
        agentrt_command(
            "load", "--no-progress", "--model", "grok-3", "--prompt", "hi",
            "--concurrency", "2", "--duration", "60s", "--records", str(records),
            "--metadata", "x-sim-itl-ms=20", "--metadata", "x-sim-output-tokens=10",
        ),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=clean_env(),
    )  # fmt: skip
    with reaped(proc):
        _wait_for_lines(records, 2, proc)
        proc.kill()  # no cleanup at all: what was streamed stays
        proc.communicate()
    lines = records.read_text().splitlines()
    assert len(lines) >= 2
    assert all(json.loads(line)["status"] == "OK" for line in lines[:-1])
