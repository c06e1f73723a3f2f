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


@pytest.mark.timeout(240)
def test_quick_suite_runs_and_writes_results(tmp_path: Path) -> None:
    env = {**os.environ, "AGENTRT_BENCH_DIR": str(tmp_path)}
    env.pop("XAI_API_KEY", None)
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=230,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    for name in BENCHMARKS:
        data = json.loads((tmp_path / f"{name}.json").read_text())
        assert data["benchmark"] == name
        assert data["machine"]["cores"] >= 1
    summary = (tmp_path / "summary.md").read_text()
    assert all(f"## {name}" in summary for name in BENCHMARKS)
