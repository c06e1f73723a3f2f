"""``agentrt batch --xai-batch``: agent runs whose turns go through the simulator's Batch API.

Real parts over real sockets: ``agentrt sim --data-dir`` in a subprocess, the CLI in
another; a kill -9 mid-job and a rerun lose nothing, duplicate nothing and run no tool twice.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import agentrt_command, clean_env, reaped, running_sim

pytestmark = pytest.mark.e2e

SPEC = """
version: 1
name: stock_checker
model: grok-4-1-fast-reasoning
instructions: Check the stock of the product the user names with check_stock, then answer.
tools:
  - function: stock_tools:check_stock
limits: {max_turns: 4, timeout: 5s}
"""
TOOLS = '''
import os


def check_stock(product: str) -> dict:
    """How many of a product are in stock.

    Args:
        product: the product's name, e.g. "kettle".
    """
    with open(os.environ["STOCK_LOG"], "a") as log:
        log.write(product + "\\n")
    return {"product": product, "in_stock": len(product) * 3}
'''
PRODUCTS = ["kettle", "toaster", "blender", "lamp", "desk", "chair", "mirror", "rug"]


def _job(tmp_path: Path, count: int) -> tuple[Path, Path, Path]:
    (tmp_path / "stock.yaml").write_text(SPEC)
    (tmp_path / "stock_tools.py").write_text(TOOLS)
    inputs = tmp_path / "inputs.jsonl"
    lines = [
        {"id": i, "input": f'How many "{PRODUCTS[i % len(PRODUCTS)]}{i}" are in stock?'}
        for i in range(count)
    ]
    inputs.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return tmp_path / "stock.yaml", inputs, tmp_path / "out.jsonl"


def _command(spec: Path, inputs: Path, out: Path, endpoint: str, *extra: str) -> list[str]:
    return agentrt_command(
        "batch",
        str(spec),
        str(inputs),
        "--xai-batch",
        "--endpoint",
        endpoint,
        "--out",
        str(out),
        *extra,
    )


def _env(tmp_path: Path) -> dict[str, str]:
    return clean_env(
        STOCK_LOG=str(tmp_path / "stock.log"), PYTHONPATH=os.environ.get("PYTHONPATH", "")
    )


def _lines(out: Path) -> list[dict]:
    return [json.loads(line) for line in out.read_text().splitlines()]


def test_every_run_answers_after_its_tool_ran_once(tmp_path: Path) -> None:
    spec, inputs, out = _job(tmp_path, 12)
    with running_sim("--data-dir", str(tmp_path / "sim"), "--batch-rate", "0") as sim:
        done = subprocess.run(
            _command(spec, inputs, out, sim.address, "--json"),
            env=_env(tmp_path),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["ok"] == 12
    assert summary["failed"] == 0
    assert summary["rounds"] == 2  # every run's tool turn in one batch, every answer in another
    lines = _lines(out)
    assert sorted(line["id"] for line in lines) == list(range(12))
    for line in lines:
        assert [c["name"] for c in line["tool_calls"]] == ["check_stock"]
        assert line["turns"] == 2
    log = (tmp_path / "stock.log").read_text().split()
    assert sorted(log) == sorted(f"{PRODUCTS[i % len(PRODUCTS)]}{i}" for i in range(12))


def test_a_killed_job_rerun_loses_nothing_and_runs_no_tool_twice(tmp_path: Path) -> None:
    spec, inputs, out = _job(tmp_path, 40)
    log = tmp_path / "stock.log"
    with running_sim("--data-dir", str(tmp_path / "sim"), "--batch-rate", "25") as sim:
        first = subprocess.Popen(
            _command(spec, inputs, out, sim.address, "-q"),
            env=_env(tmp_path),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        with reaped(first):
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and (
                not log.exists() or len(log.read_text().split()) < 5
            ):
                time.sleep(0.05)  # the first round answered; tools are running
            first.send_signal(signal.SIGKILL)
            first.communicate(timeout=10)  # reaped, its pipes closed
        assert log.exists()
        again = subprocess.run(
            _command(spec, inputs, out, sim.address, "--json"),
            env=_env(tmp_path),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert again.returncode in (0, 1), again.stderr
    summary = json.loads(again.stdout)
    assert summary["resumed"] > 0  # runs picked up from their last turn, not started over
    assert summary["skipped"] + summary["ok"] + summary["failed"] == 40
    lines = _lines(out)
    assert Counter(line["id"] for line in lines) == Counter(range(40))  # each once, none lost
    ran = Counter(log.read_text().split())
    assert all(n == 1 for n in ran.values()), ran  # no tool ran twice
    interrupted = [
        line
        for line in lines
        if any(
            (c.get("error") or {}).get("type") == "Interrupted" for c in line.get("tool_calls", [])
        )
    ]
    assert len(ran) + len(interrupted) >= 40 - sum(1 for line in lines if "error" in line)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--temporal", "127.0.0.1:7233"), "not both"),
        (("--endpoint", "nope"), "HOST:PORT"),
    ],
)
def test_bad_flags_are_one_line(tmp_path: Path, extra: tuple[str, ...], message: str) -> None:
    spec, inputs, out = _job(tmp_path, 1)
    cmd = agentrt_command("batch", str(spec), str(inputs), "--xai-batch", "--out", str(out), *extra)
    done = subprocess.run(
        cmd, env=_env(tmp_path), capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert message in lines[0]


def test_without_a_server_that_keeps_batches_it_says_what_to_do(tmp_path: Path) -> None:
    spec, inputs, out = _job(tmp_path, 1)
    cmd = agentrt_command("batch", str(spec), str(inputs), "--xai-batch", "--out", str(out))
    done = subprocess.run(
        cmd, env=_env(tmp_path), capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 2
    assert "agentrt sim --data-dir" in done.stderr
    assert not out.exists()


def test_the_api_going_away_stops_the_job_and_a_rerun_finishes_it(tmp_path: Path) -> None:
    import socket

    spec, inputs, out = _job(tmp_path, 12)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = str(s.getsockname()[1])
    data = str(tmp_path / "sim")
    with running_sim("--data-dir", data, "--port", port, "--batch-rate", "4") as sim:
        job = subprocess.Popen(
            _command(spec, inputs, out, sim.address, "-q"),
            env=_env(tmp_path),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        with reaped(job):
            time.sleep(1.5)  # the first round is in flight: 12 requests at 4/s
            sim.process.send_signal(signal.SIGKILL)
            _, err = job.communicate(timeout=60)
    assert job.returncode == 3, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "run the same command again to resume" in lines[0]
    assert not out.exists() or _lines(out) == []  # no run was written off as failed
    with running_sim("--data-dir", data, "--port", port, "--batch-rate", "0") as sim:
        again = subprocess.run(
            _command(spec, inputs, out, sim.address, "--json"),
            env=_env(tmp_path),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["resumed"] == 12
    assert sorted(line["id"] for line in _lines(out)) == list(range(12))
    assert Counter((tmp_path / "stock.log").read_text().split()) == Counter(
        f"{PRODUCTS[i % len(PRODUCTS)]}{i}" for i in range(12)
    )
