"""``agentrt load --protocol openai``: the same load tester over an OpenAI-compatible REST API.

End to end as a user runs it, against ``agentrt sim --http-port 0`` in a subprocess (its
REST door); latency and faults per request with ``--metadata x-sim-...``, which travel as
HTTP headers.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ListeningProcess, running_sim

pytestmark = pytest.mark.e2e

MODEL = "grok-3"  # not a reasoning model: its first chunk is answer text
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture(scope="module")
def rest_sim() -> Iterator[ListeningProcess]:
    with running_sim("--http-port", "0") as sim:
        assert sim.rest_url is not None
        yield sim


def _load(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).parent / "agentrt"
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "agentrt"]
    proc = subprocess.run(
        [*cmd, "load", "--no-progress", *args], capture_output=True, text=True, timeout=60
    )
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def _report(sim: ListeningProcess, *args: str) -> dict[str, Any]:
    assert sim.rest_url is not None
    proc = _load("--endpoint", sim.rest_url, "--model", MODEL, *args, "--json", "-")
    report: dict[str, Any] = json.loads(proc.stdout)
    return report


@pytest.mark.parametrize("api", ["chat", "responses"])
def test_streamed_ttft_and_itl_match_the_injected_latency(
    rest_sim: ListeningProcess, api: str
) -> None:
    report = _report(
        rest_sim, "--api", api, "--prompt", "Tell me about request {{request_number}}",
        "--concurrency", "4", "--requests", "12",
        "--metadata", "x-sim-ttft-ms=150", "--metadata", "x-sim-itl-ms=20",
        "--metadata", "x-sim-output-tokens=10",
    )  # fmt: skip
    assert report["plan"]["protocol"] == f"openai ({api})"
    assert report["plan"]["endpoint"] == rest_sim.rest_url
    s = report["summary"]
    assert (s["requests"], s["succeeded"], s["errors_by_code"]) == (12, 12, {})
    assert (s["chunks"], s["output_tokens"], s["finish_reasons"]) == (120, 120, {"stop": 12})
    lat = s["latency_s"]
    assert 0.150 <= lat["ttft"]["p50"] <= 0.150 + 0.350
    assert 0.020 * 0.95 <= lat["itl"]["p50"] <= 0.020 + 0.030
    assert lat["itl"]["count"] == 12 * 9


def test_unary_calls_in_open_loop(rest_sim: ListeningProcess) -> None:
    report = _report(
        rest_sim, "--prompt", "hi", "--rate", "40/s", "--duration", "1s", "--unary",
        "--metadata", "x-sim-output-tokens=4",
    )  # fmt: skip
    s = report["summary"]
    assert report["plan"]["call"] == "unary"
    assert s["requests"] > 10
    assert s["failed"] == 0
    assert s["output_tokens"] == 4 * s["requests"]
    assert s["latency_s"]["ttft"]["p50"] == pytest.approx(s["latency_s"]["e2e"]["p50"])


@pytest.mark.parametrize(
    ("fault", "code"),
    [("internal", "500"), ("resource_exhausted", "429"), ("unavailable", "503")],
)
def test_errors_are_counted_by_http_status(
    rest_sim: ListeningProcess, fault: str, code: str
) -> None:
    report = _report(
        rest_sim, "--prompt", "hi", "--concurrency", "3", "--requests", "9",
        "--metadata", f"x-sim-fault={fault}", "--metadata", "x-sim-fault-on=2,4,6",
        "--metadata", f"x-sim-session=rest-{fault}", "--metadata", "x-sim-output-tokens=5",
        "--metadata", "x-sim-retry-after-ms=0",
    )  # fmt: skip
    s = report["summary"]
    assert s["errors_by_code"] == {code: 3}
    assert s["succeeded"] == 6


def test_retries_turn_failures_into_successes(rest_sim: ListeningProcess) -> None:
    report = _report(
        rest_sim, "--prompt", "hi", "--concurrency", "1", "--requests", "5", "--retries",
        "--metadata", "x-sim-fault=unavailable", "--metadata", "x-sim-fault-on=1,3",
        "--metadata", "x-sim-session=rest-retries", "--metadata", "x-sim-output-tokens=3",
    )  # fmt: skip
    s = report["summary"]
    assert (s["requests"], s["succeeded"], s["errors_by_code"]) == (5, 5, {})


def test_processes_merge_their_histograms(rest_sim: ListeningProcess) -> None:
    report = _report(
        rest_sim, "--prompt", "hi", "--concurrency", "4", "--requests", "20",
        "--processes", "2", "--metadata", "x-sim-output-tokens=6",
    )  # fmt: skip
    s = report["summary"]
    assert (s["requests"], s["succeeded"], s["output_tokens"]) == (20, 20, 120)
    assert s["latency_s"]["itl"]["count"] == 20 * 5
    assert len(report["cpu"]) == 2


def test_a_yaml_agent_per_request_over_rest(rest_sim: ListeningProcess) -> None:
    assert rest_sim.rest_url is not None
    proc = _load(
        "--endpoint", rest_sim.rest_url, "--agent", str(EXAMPLES / "trip_planner/trip_planner.yaml"),
        "--prompt", "Plan a day in Lisbon", "--concurrency", "2", "--requests", "4", "--json", "-",
    )  # fmt: skip
    report = json.loads(proc.stdout)
    assert report["plan"]["call"] == "agent"
    assert report["plan"]["protocol"] == "openai (chat)"
    assert report["summary"]["succeeded"] == 4


def test_without_an_endpoint_it_load_tests_the_simulators_rest_door() -> None:
    proc = _load(
        "--protocol", "openai", "--model", MODEL, "--prompt", "hi", "--requests", "5", "--json", "-"
    )
    report = json.loads(proc.stdout)
    assert report["plan"]["endpoint"].startswith("http://127.0.0.1:")
    assert report["plan"]["endpoint"].endswith("/v1")
    assert report["summary"]["succeeded"] == 5


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--endpoint", "127.0.0.1:50051", "--protocol", "openai"),
            "--endpoint 127.0.0.1:50051: --protocol openai needs the API's base URL",
        ),
        (
            ("--endpoint", "http://127.0.0.1:8000/v1", "--protocol", "grpc"),
            "a URL is a REST API: add --protocol openai",
        ),
        (("--api", "responses"), "--api responses is a REST API: add --protocol openai"),
        (
            ("--endpoint", "http://127.0.0.1:8000/v1", "--metadata", "x-id-bin=AAAA"),
            "--metadata x-id-bin: binary (-bin) metadata is gRPC's",
        ),
        (("--endpoint", "http://127.0.0.1:8000/v1?x=1"), "a base URL has no query"),
        (("--endpoint", "ftp://127.0.0.1/v1"), "or, for REST, an http(s):// base URL"),
        (("--protocol", "soap"), "invalid choice: 'soap'"),
    ],
)
def test_bad_protocol_usage_is_one_line_and_exit_2(args: tuple[str, ...], message: str) -> None:
    proc = _load("--model", MODEL, "--prompt", "hi", "--requests", "1", *args, check=False)
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr


def test_nothing_listening_is_exit_3_with_the_reason() -> None:
    with socket.socket() as sock:  # free a moment ago: nothing listens there
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = _load(
        "--endpoint", f"http://127.0.0.1:{port}/v1", "--model", MODEL, "--prompt", "hi",
        "--requests", "3", "--timeout", "2s", check=False,
    )  # fmt: skip
    assert proc.returncode == 3
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("agentrt: error: none of the 3 requests succeeded"), last
    assert "Traceback" not in proc.stderr
