"""Every benchmark still runs: the seconds-long ``--quick`` smoke version of ``make bench``.

The figures of a smoke run mean nothing and are not checked; what is checked is
that each benchmark finishes and writes its JSON with the machine it ran on.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = sorted(p.stem.removeprefix("bench_") for p in (ROOT / "benchmarks").glob("bench_*.py"))


def test_every_benchmark_is_listed() -> None:
    assert {
        "agent",
        "agent_scale",
        "durable",
        "import",
        "load",
        "serve",
        "sim",
        "stream",
        "tracing",
    } <= set(BENCHMARKS)


def _quick(tmp_path: Path, *names: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AGENTRT_BENCH_DIR": str(tmp_path)}
    env.pop("XAI_API_KEY", None)
    return subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", *names],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=170,
        check=False,
    )


# One benchmark per test (each in its own processes, as `make bench` runs them): a slow one
# on a busy machine has its own time limit instead of eating the whole suite's.
@pytest.mark.timeout(180)
@pytest.mark.parametrize("name", BENCHMARKS)
def test_each_benchmark_runs_quick_and_writes_its_results(tmp_path: Path, name: str) -> None:
    proc = _quick(tmp_path, name)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    data = json.loads((tmp_path / f"{name}.json").read_text())
    assert data["benchmark"] == name
    assert data["machine"]["cores"] >= 1
    assert f"## {name}" in (tmp_path / "summary.md").read_text()


@pytest.mark.timeout(120)
def test_the_suite_runs_several_and_sums_them_up(tmp_path: Path) -> None:
    proc = _quick(tmp_path, "import", "sessions_bytes")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    summary = (tmp_path / "summary.md").read_text()
    assert "## import" in summary
    assert "## sessions_bytes" in summary
    assert "machine:" in summary
    bad = _quick(tmp_path, "no_such_benchmark")
    assert bad.returncode == 2
    assert "unknown benchmark(s): no_such_benchmark" in bad.stderr
