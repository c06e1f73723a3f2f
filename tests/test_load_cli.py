"""``agentrt load`` end to end, as a user runs it, against ``agentrt sim`` in a subprocess.

Latency and faults are injected per request with the simulator's metadata
headers (``--metadata x-sim-...``), so one simulator serves every test here.
"""

from __future__ import annotations

import csv
import itertools
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from agentrt.load.records import FIELDS, RequestRecord
from agentrt.load.schedule import Ramp, poisson_arrivals
from tests.conftest import SimProcess

pytestmark = pytest.mark.e2e

MODEL = "grok-3"  # not a reasoning model: its first chunk is answer text


def _load(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).parent / "agentrt"
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "agentrt"]
    proc = subprocess.run(
        [*cmd, "load", "--no-progress", *args], capture_output=True, text=True, timeout=60
    )
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def _report(sim: SimProcess, *args: str) -> dict[str, Any]:
    proc = _load("--endpoint", sim.address, "--model", MODEL, *args, "--json", "-")
    report: dict[str, Any] = json.loads(proc.stdout)
    return report


def test_measured_ttft_and_itl_match_the_injected_latency(
    sim_process: SimProcess, tmp_path: Path
) -> None:
    out = {k: tmp_path / f"out.{k}" for k in ("csv", "jsonl", "html")}
    report = _report(
        sim_process,
        "--prompt", "Tell me about request {{request_number}}",
        "--concurrency", "4", "--requests", "12",
        "--metadata", "x-sim-ttft-ms=150", "--metadata", "x-sim-itl-ms=20",
        "--metadata", "x-sim-output-tokens=10",
        "--csv", str(out["csv"]), "--records", str(out["jsonl"]), "--html", str(out["html"]),
    )  # fmt: skip
    s = report["summary"]
    assert (s["requests"], s["succeeded"], s["errors_by_code"]) == (12, 12, {})
    assert (s["chunks"], s["output_tokens"], s["finish_reasons"]) == (120, 120, {"stop": 12})
    lat = s["latency_s"]
    # generous upper bounds: the machine is shared; the lower bounds are the injected delays
    assert 0.150 <= lat["ttft"]["p50"] <= 0.150 + 0.350
    assert 0.020 * 0.95 <= lat["itl"]["p50"] <= 0.020 + 0.030
    assert 0.020 * 0.95 <= lat["tpot"]["p50"] <= 0.020 + 0.030
    assert lat["itl"]["count"] == 12 * 9
    assert lat["e2e"]["p50"] >= 0.150 + 9 * 0.020 * 0.95
    with out["csv"].open() as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 12
    assert tuple(rows[0]) == FIELDS
    assert sorted(int(r["index"]) for r in rows) == list(range(12))
    records = [
        RequestRecord.from_dict(json.loads(ln)) for ln in out["jsonl"].read_text().splitlines()
    ]
    assert [r.index for r in records] == list(range(12))
    assert all(r.ok and r.chunks == 10 and r.ttft is not None for r in records)
    html = out["html"].read_text()
    assert html.startswith("<!DOCTYPE html>")
    assert html.count('<svg class="chart') == 7
    settings = html[html.index('<table class="settings">') :].partition("</table>")[0]
    assert "<td>4 users, constant</td>" in settings
    assert not any(word in settings for word in ("None", "True", "False", "{"))


def _faults(sim: SimProcess, session: str, *extra: str) -> dict[str, Any]:
    report = _report(
        sim, "--prompt", "hi", "--concurrency", "1", "--requests", "5",
        "--metadata", "x-sim-fault=unavailable", "--metadata", "x-sim-fault-on=1,3",
        "--metadata", f"x-sim-session={session}", "--metadata", "x-sim-output-tokens=3", *extra,
    )  # fmt: skip
    summary: dict[str, Any] = report["summary"]
    return summary


def test_retries_are_off_by_default_so_each_outcome_counts_once(sim_process: SimProcess) -> None:
    off = _faults(sim_process, "retries-off")
    assert (off["requests"], off["succeeded"], off["errors_by_code"]) == (5, 3, {"UNAVAILABLE": 2})
    on = _faults(sim_process, "retries-on", "--retries")
    assert (on["requests"], on["succeeded"], on["errors_by_code"]) == (5, 5, {})


@pytest.mark.parametrize(
    ("fault", "code"),
    [
        ("internal", "INTERNAL"),
        ("resource_exhausted", "RESOURCE_EXHAUSTED"),
        ("abort", "UNAVAILABLE"),
    ],
)
def test_error_breakdown_by_status_code(sim_process: SimProcess, fault: str, code: str) -> None:
    report = _report(
        sim_process, "--prompt", "hi", "--concurrency", "3", "--requests", "9",
        "--metadata", f"x-sim-fault={fault}", "--metadata", "x-sim-fault-on=2,4,6",
        "--metadata", f"x-sim-session=breakdown-{fault}", "--metadata", "x-sim-abort-after=2",
        "--metadata", "x-sim-output-tokens=5",
    )  # fmt: skip
    s = report["summary"]
    assert s["errors_by_code"] == {code: 3}
    assert (s["succeeded"], s["finish_reasons"]) == (6, {"stop": 6})
    assert s["error_rate"] == pytest.approx(1 / 3)


def test_open_loop_with_slo_and_unary_calls(sim_process: SimProcess) -> None:
    report = _report(
        sim_process, "--prompt", "hi", "--rate", "40/s", "--duration", "1s", "--unary",
        "--slo", "ttft=10s,e2e=10s", "--metadata", "x-sim-output-tokens=4",
    )  # fmt: skip
    s, plan = report["summary"], report["plan"]
    assert (plan["mode"], plan["call"], plan["slo_s"]) == (
        "open",
        "unary",
        {"ttft": 10.0, "e2e": 10.0},
    )
    assert s["requests"] > 10
    assert s["failed"] == 0
    assert s["good"] == s["requests"]
    assert s["latency_s"]["ttft"]["p50"] == pytest.approx(s["latency_s"]["e2e"]["p50"])
    assert s["latency_s"]["itl"]["count"] == 0
    assert "lag_s" in s["schedule"]


def test_processes_merge_their_histograms(sim_process: SimProcess) -> None:
    report = _report(
        sim_process, "--prompt", "hi", "--concurrency", "4", "--requests", "20",
        "--processes", "2", "--metadata", "x-sim-output-tokens=6",
    )  # fmt: skip
    s = report["summary"]
    assert (s["requests"], s["succeeded"], s["output_tokens"]) == (20, 20, 120)
    assert s["latency_s"]["ttft"]["count"] == 20
    assert s["latency_s"]["itl"]["count"] == 20 * 5
    assert len(report["cpu"]) == 2


def test_agent_mode_runs_a_yaml_agent_per_request(sim_process: SimProcess) -> None:
    spec = Path(__file__).resolve().parent.parent / "examples/trip_planner/trip_planner.yaml"
    proc = _load(
        "--endpoint", sim_process.address, "--agent", str(spec), "--prompt", "Plan a day in Lisbon",
        "--concurrency", "2", "--requests", "4", "--json", "-",
    )  # fmt: skip
    report = json.loads(proc.stdout)
    assert report["plan"]["call"] == "agent"
    assert report["summary"]["succeeded"] == 4
    assert report["summary"]["latency_s"]["ttft"]["count"] == 4


def test_agent_mode_fills_the_agents_placeholders_from_var(sim_process: SimProcess) -> None:
    spec = Path(__file__).resolve().parent.parent / "examples/support_triage/support_triage.yaml"
    base = ("--endpoint", sim_process.address, "--agent", str(spec), "--requests", "2")
    with_var = _load(*base, "--var", "company=Acme", "--prompt", "Where is AB-123?", "--json", "-")
    without = _load(*base, "--prompt", "Where is AB-123?", check=False)
    assert json.loads(with_var.stdout)["summary"]["succeeded"] == 2
    assert without.returncode == 2
    assert without.stderr == (
        "agentrt: error: the instructions of agent 'support_triage' need 'company': "
        "pass --var company=...\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--prompt", "hi", "--requests", "1"), "give --model M"),
        (("--model", "m", "--prompt", "hi", "--requests", "1", "--var", "a=b"), "give --agent"),
        (("--model", "m", "--prompt", "hi", "--requests", "1", "--slo", "fast=1s"), "--slo item"),
        (("--model", "m", "--prompt", "hi", "--duration", "1s", "--ramp", "step"), "--ramp-step"),
        (("--model", "m", "--prompts", "/nonexistent.jsonl", "--requests", "1"), "cannot read"),
        (("--model", "m", "--prompt", "hi", "--rate", "fast", "--requests", "1"), "positive rate"),
        (
            ("--model", "m", "--prompt", "hi", "--requests", "1", "--max-tokens", "0"),
            "--max-tokens",
        ),
        (
            ("--model", "m", "--prompt", "hi", "--requests", "1", "--json", "/nonexistent/r.json"),
            "--json /nonexistent/r.json: no directory /nonexistent",
        ),
        (
            ("--model", "m", "--prompt", "hi", "--requests", "1", "--csv", "-"),
            "--csv -: only --json can go to stdout",
        ),
        (
            (
                "--model",
                "m",
                "--prompt",
                "hi",
                "--rate",
                "5",
                "--requests",
                "1",
                "--max-in-flight",
                "0",
            ),
            "--max-in-flight must be at least 1",
        ),
        (
            (
                "--model",
                "m",
                "--prompt",
                "hi",
                "--concurrency",
                "2",
                "--requests",
                "1",
                "--max-in-flight",
                "10",
            ),
            "--max-in-flight only applies to --rate (open loop)",
        ),
    ],
)
def test_bad_usage_is_one_line_and_exit_2(args: tuple[str, ...], message: str) -> None:
    proc = _load("--endpoint", "127.0.0.1:9", *args, check=False)
    assert proc.returncode == 2
    assert proc.stderr.startswith("agentrt: error: ")
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr


def test_unusable_inputs_and_outputs_fail_before_the_run(tmp_path: Path) -> None:
    (tmp_path / "corpus.jsonl").write_bytes(b'"caf\xe9"\n')
    base = ("--endpoint", "127.0.0.1:9", "--model", "m", "--requests", "1")
    corpus = _load(*base, "--prompts", str(tmp_path / "corpus.jsonl"), check=False)
    out_dir = _load(*base, "--prompt", "hi", "--csv", str(tmp_path), check=False)
    assert (corpus.returncode, out_dir.returncode) == (2, 2)
    assert (
        corpus.stderr
        == f"agentrt: error: cannot read prompts file {tmp_path}/corpus.jsonl: not UTF-8 text\n"
    )
    assert out_dir.stderr == f"agentrt: error: --csv {tmp_path}: is a directory; give a file name\n"


def test_no_request_succeeding_is_exit_3_and_the_report_is_still_written(
    sim_process: SimProcess, tmp_path: Path
) -> None:
    out = tmp_path / "report.json"
    proc = _load(
        "--endpoint", sim_process.address, "--model", "no-such-model", "--prompt", "hi",
        "--requests", "3", "--json", str(out), check=False,
    )  # fmt: skip
    assert proc.returncode == 3
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("agentrt: error: none of the 3 requests succeeded (NOT_FOUND 3); ")
    assert "model 'no-such-model' does not exist" in last
    assert "Traceback" not in proc.stderr
    assert json.loads(out.read_text())["summary"]["failed"] == 3


def _children(pid: int) -> list[int]:
    """The ``--processes`` worker processes of ``pid`` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid and b"spawn_main" in cmdline:
            found.append(int(entry.name))
    return found


def test_worker_processes_do_not_outlive_a_killed_load(sim_process: SimProcess) -> None:
    script = Path(sys.executable).parent / "agentrt"
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "agentrt"]
    proc = subprocess.Popen(
        [
            *cmd, "load", "--no-progress", "--endpoint", sim_process.address, "--model", MODEL,
            "--prompt", "hi", "--concurrency", "2", "--processes", "2", "--duration", "120s",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        children: list[int] = []
        for _ in range(200):
            children = _children(proc.pid)
            if len(children) == 2:
                break
            time.sleep(0.1)
        assert len(children) == 2
    finally:
        proc.kill()  # no cleanup in the parent at all
        proc.wait()
    for _ in range(200):  # they would run the whole 120 s if nothing ended them
        if not any(Path(f"/proc/{pid}").exists() for pid in children):
            break
        time.sleep(0.1)
    assert not any(Path(f"/proc/{pid}").exists() for pid in children)


def test_first_ctrl_c_stops_gracefully_with_a_report(sim_process: SimProcess) -> None:
    script = Path(sys.executable).parent / "agentrt"
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "agentrt"]
    proc = subprocess.Popen(
        [
            *cmd, "load", "--no-progress", "--endpoint", sim_process.address, "--model", MODEL,
            "--prompt", "hi", "--concurrency", "2", "--duration", "60s", "--json", "-",
            "--metadata", "x-sim-itl-ms=10", "--metadata", "x-sim-output-tokens=20",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    time.sleep(2.5)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "stopping: no new requests" in err
    report = json.loads(out)
    assert report["summary"]["requests"] >= 1
    assert report["summary"]["failed"] == 0
    assert report["wall_s"] < 30
    assert any("stopped early" in w for w in report["warnings"])


def test_without_an_endpoint_it_load_tests_the_built_in_simulator() -> None:
    script = Path(sys.executable).parent / "agentrt"
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "agentrt"]
    env = {k: v for k, v in os.environ.items() if k not in ("AGENTRT_ENDPOINT", "XAI_API_KEY")}
    proc = subprocess.run(
        [
            *cmd,
            "load",
            "--no-progress",
            "--model",
            MODEL,
            "--prompt",
            "hi",
            "--requests",
            "5",
            "--json",
            "-",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "load-testing the built-in simulator" in proc.stderr
    report = json.loads(proc.stdout)
    assert report["summary"]["succeeded"] == 5
    assert not report["plan"]["endpoint"].endswith(":0")
    assert any("built-in simulator" in w for w in report["warnings"])


def test_ramped_open_loop_from_the_command_line(sim_process: SimProcess) -> None:
    report = _report(
        sim_process, "--prompt", "hi", "--rate", "20", "--ramp", "step", "--ramp-step", "40",
        "--ramp-every", "500ms", "--ramp-to", "100", "--duration", "1.5s", "--seed", "3",
        "--metadata", "x-sim-output-tokens=2",
    )  # fmt: skip
    assert report["plan"]["rate"] == {
        "kind": "step", "start": 20.0, "step": 40.0, "every": 0.5, "end": 100.0,
    }  # fmt: skip
    # expected arrivals: 20/s, 60/s, 100/s for 0.5 s each = 90
    assert 50 <= report["summary"]["requests"] <= 130


def test_open_loop_drops_arrivals_beyond_max_in_flight_against_a_slow_service(
    sim_process: SimProcess,
) -> None:
    # 200 arrivals/s offered; 5 in flight at most, each taking 500 ms: at most 10/s get through
    proc = _load(
        "--endpoint", sim_process.address, "--model", MODEL, "--prompt", "hi",
        "--rate", "200/s", "--duration", "1s", "--max-in-flight", "5", "--seed", "4",
        "--metadata", "x-sim-ttft-ms=500", "--metadata", "x-sim-output-tokens=2", "--json", "-",
    )  # fmt: skip
    report = json.loads(proc.stdout)
    s = report["summary"]
    offered = len(
        list(itertools.takewhile(lambda t: t < 1.0, poisson_arrivals(Ramp(start=200), seed=4)))
    )
    assert report["plan"]["max_in_flight"] == 5
    assert 5 <= s["requests"] <= 15  # each of 5 slots: a request at ~0 s, at ~0.5 s, maybe at ~1 s
    assert s["succeeded"] == s["requests"]
    assert s["dropped"] > 100
    assert offered - 10 <= s["requests"] + s["dropped"] <= offered  # every arrival sent or dropped
    (warning,) = [w for w in report["warnings"] if "dropped" in w]
    assert warning.startswith(
        f"{s['dropped']:,} arrivals dropped: 5 requests were already in flight"
    )
    assert "lower --rate or raise --max-in-flight" in warning
    assert f"dropped       {s['dropped']:,} arrivals not sent (at most 5 in flight)" in proc.stderr


@pytest.mark.parametrize("processes", ["1", "2"])
def test_nothing_listening_is_one_line_and_exit_3_before_any_request(
    processes: str, tmp_path: Path
) -> None:
    import socket

    with socket.socket() as sock:  # free a moment ago: nothing listens there
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    out = tmp_path / "report.json"
    proc = _load(
        "--endpoint", f"127.0.0.1:{port}", "--model", MODEL, "--prompt", "hi",
        "--requests", "5", "--concurrency", "2", "--timeout", "1s", "--processes", processes,
        "--json", str(out),
        check=False,
    )  # fmt: skip
    assert proc.returncode == 3
    worker = "" if processes == "1" else "worker process [01]: "
    last = proc.stderr.strip().splitlines()[-1]
    expected = (
        f"agentrt: error: {worker}UNAVAILABLE: could not connect to 127.0.0.1:{port} within 1 s"
    )
    assert re.fullmatch(expected.replace(".", r"\."), last), last
    assert "Traceback" not in proc.stderr
    assert not out.exists()  # no report of a run that never started
