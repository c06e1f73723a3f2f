"""``agentrt load``'s cost figures: per request, per 1,000 requests, goodput per dollar.

End to end against ``agentrt sim`` (gRPC and its REST door), plus the aggregation rules.
"""

from __future__ import annotations

import csv
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agentrt.load.metrics import Metrics
from agentrt.load.records import RequestRecord
from tests.conftest import ListeningProcess, agentrt_command, clean_env, running_sim

pytestmark = pytest.mark.e2e

MODEL = "grok-3"
COST_KEYS = ("cost_usd", "cost_per_request_usd", "cost_per_1k_requests_usd", "goodput_per_usd")


@pytest.fixture(scope="module")
def sim() -> Iterator[ListeningProcess]:
    with running_sim("--http-port", "0") as found:
        yield found


def _load(endpoint: str, tmp: Path, *args: str) -> tuple[dict[str, Any], str]:
    proc = subprocess.run(
        agentrt_command(
            "load",
            "--no-progress",
            "--endpoint",
            endpoint,
            "--requests",
            "6",
            "--concurrency",
            "2",
            "--prompt",
            "hi",
            "--metadata",
            "x-sim-output-tokens=5",
            "--json",
            str(tmp / "r.json"),
            "--csv",
            str(tmp / "r.csv"),
            "--html",
            str(tmp / "r.html"),
            *args,
        ),
        capture_output=True,
        text=True,
        timeout=60,
        env=clean_env(),
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads((tmp / "r.json").read_text()), proc.stdout


def _check_costs(report: dict[str, Any], stdout: str, tmp: Path) -> None:
    s = report["summary"]
    assert 0 < s["cost_usd"] < 1
    assert s["cost_per_request_usd"] == pytest.approx(s["cost_usd"] / s["requests"])
    assert s["cost_per_1k_requests_usd"] == pytest.approx(1000 * s["cost_per_request_usd"])
    assert s["goodput_per_usd"] == pytest.approx(s["good"] / s["cost_usd"])
    with (tmp / "r.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert sum(float(r["cost_usd"]) for r in rows) == pytest.approx(s["cost_usd"])
    assert "cost          $" in stdout
    assert "good requests per $" in stdout
    assert "good requests per $" in (tmp / "r.html").read_text()


@pytest.mark.parametrize("call", ["stream", "unary"])
def test_grpc_chat_reports_cost_per_request_per_1k_and_goodput_per_dollar(
    sim: ListeningProcess, tmp_path: Path, call: str
) -> None:
    extra = ("--unary",) if call == "unary" else ()
    report, out = _load(sim.address, tmp_path, "--model", MODEL, *extra)
    _check_costs(report, out, tmp_path)


@pytest.mark.parametrize("api", ["chat", "responses"])
def test_rest_chat_reports_cost_too(sim: ListeningProcess, tmp_path: Path, api: str) -> None:
    assert sim.rest_url is not None
    report, out = _load(sim.rest_url, tmp_path, "--model", MODEL, "--api", api)
    _check_costs(report, out, tmp_path)


def test_agent_mode_counts_every_model_call_of_a_run(sim: ListeningProcess, tmp_path: Path) -> None:
    spec = tmp_path / "a.yaml"
    spec.write_text("version: 1\nname: a\nmodel: grok-3\ninstructions: Be brief.\n")
    report, out = _load(sim.address, tmp_path, "--agent", str(spec))
    _check_costs(report, out, tmp_path)


def _record(cost: float | None, *, status: str = "OK") -> RequestRecord:
    return RequestRecord(index=0, start=0.0, status=status, good=status == "OK", cost_usd=cost)


def test_failed_requests_cost_too_and_no_reported_cost_is_unknown_not_zero() -> None:
    m = Metrics()
    for r in (_record(0.002), _record(0.001, status="BudgetExceeded"), _record(None)):
        m.add(r)
    s = m.summary(1.0)
    assert s["cost_usd"] == pytest.approx(0.003)
    assert s["cost_per_request_usd"] == pytest.approx(0.001)  # over all 3 requests
    assert s["cost_per_1k_requests_usd"] == pytest.approx(1.0)
    assert s["goodput_per_usd"] == pytest.approx(2 / 0.003)
    merged = Metrics.from_wire(json.loads(json.dumps(m.to_wire())))
    assert merged.summary(1.0)["cost_usd"] == pytest.approx(0.003)
    empty = Metrics()
    empty.add(_record(None))
    assert [empty.summary(1.0)[k] for k in COST_KEYS] == [None] * 4
