"""The Locust integration: shares merged losslessly, a real master and workers, --locust.

The end-to-end tests start a real Locust master and two worker processes on 127.0.0.1
(``python -m locust``, headless, a few seconds) against a real ``agentrt sim``, as a
user would; each worker also dumps its own records (``--agentrt-dump``) so the master's
merged report can be checked against the union of what the workers measured.
"""

from __future__ import annotations

import asyncio
import csv
import importlib.util
import json
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agentrt.commands.load_locust import ARGS_ENV, LOCUSTFILE
from agentrt.load.locust.shares import ShareBook, encode_share
from agentrt.load.metrics import Histogram, Metrics
from agentrt.load.records import RequestRecord
from tests.conftest import SimProcess, agentrt_command, clean_env, running_sim

# The agentrt[locust] extra. Never import locust here: it would gevent-patch the test process.
pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("locust") is None, reason="needs agentrt[locust]"
)


def _record(i: int, ttft: float, chunks: int = 3, ok: bool = True) -> RequestRecord:
    return RequestRecord(
        index=i,
        start=i * 0.01,
        status="OK" if ok else "UNAVAILABLE",
        elapsed=ttft * 2,
        ttft=ttft if ok else None,
        e2e=ttft * 2 if ok else None,
        chunks=chunks,
        output_tokens=chunks if ok else 0,
        good=ok,
    )


def _share(worker: str, values: list[float], *, final: bool) -> dict[str, Any]:
    metrics, records = Metrics(), [_record(i, v) for i, v in enumerate(values)]
    for r in records:
        metrics.add(r, [(r.ttft or 0) / 10] * (r.chunks - 1))
    return encode_share(
        worker=worker,
        metrics=metrics,
        records=records,
        started_unix=1e9,
        wall=1.0,
        cpu=None,
        final=final,
    )


def test_the_merged_share_histograms_are_the_union_of_the_workers_values() -> None:
    a = [0.001 * (i + 1) for i in range(300)]
    b = [0.5 + 0.003 * i for i in range(200)]  # another range: the union's percentiles move
    book = ShareBook()
    book.expected = 2
    book.add(json.loads(json.dumps(_share("w1", a, final=True))))  # it travels as JSON/msgpack
    book.add(_share("w2", b, final=True))
    merged = book.result().metrics
    union = Histogram()
    for v in a + b:
        union.record(v)
    _close(merged.ttft.summary(), union.summary())
    assert merged.itl.count == (300 + 200) * 2
    assert book.distributed() == {
        "workers": 2,
        "shares": [
            {"worker": "w1", "requests": 300, "chunks": 900, "lost": False},
            {"worker": "w2", "requests": 200, "chunks": 600, "lost": False},
        ],
    }


def test_a_later_share_replaces_the_metrics_and_adds_its_records_only() -> None:
    book = ShareBook()
    first = _share("w1", [0.1, 0.2], final=False)
    second = _share("w1", [0.1, 0.2, 0.3], final=False)
    second["records"] = second["records"][2:]  # records since the last message only
    book.add(first)
    book.add(second)
    result = book.result()
    assert result.metrics.requests == 3
    assert len(result.records) == 3
    assert book.lost() == ["w1"]  # no final share: lost
    book.names = ["w1", "w9"]  # w9 was connected at the start and never reported
    assert book.lost() == ["w1", "w9"]
    assert book.distributed()["shares"][-1] == {
        "worker": "w9",
        "requests": 0,
        "chunks": 0,
        "lost": True,
    }
    assert result.partial
    assert any("w1 was lost" in w for w in result.warnings)


def test_the_loop_thread_runs_coroutines_for_greenlets_and_passes_errors_back() -> None:
    import gevent

    from agentrt.load.locust.bridge import LoopThread

    loop = LoopThread()
    try:

        async def double(x: int) -> int:
            await asyncio.sleep(0.01)
            return 2 * x

        async def fail() -> None:
            raise KeyError("boom")

        jobs = [gevent.spawn(loop.call, double(i)) for i in range(20)]
        gevent.joinall(jobs, timeout=10)
        assert [j.value for j in jobs] == [2 * i for i in range(20)]
        with pytest.raises(KeyError, match="boom"):
            loop.call(fail())
    finally:
        loop.close()
    assert not loop._thread.is_alive()


def test_importing_agentrt_and_its_load_package_imports_neither_locust_nor_gevent() -> None:
    code = (
        "import sys, agentrt, agentrt.load, agentrt.load.runner, agentrt.load.report, "
        "agentrt.load.locust, agentrt.load.locust.shares, agentrt.commands.load, "
        "agentrt.commands.main\n"
        "agentrt.commands.main.build_parser()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('locust', 'gevent')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- a real master and two workers -------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _flags(sim: SimProcess, seconds: int) -> str:
    return json.dumps(
        [
            *("--endpoint", sim.address, "--model", "grok-3", "--prompt", "hi"),
            *("--duration", f"{seconds}s"),
        ]
    )


class Cluster:
    def __init__(self, tmp: Path, sim: SimProcess, seconds: int) -> None:
        self.tmp, self.port = tmp, _free_port()
        (tmp / "dump").mkdir()
        env = clean_env(**{ARGS_ENV: _flags(sim, seconds)})
        head = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE)]
        master = [
            *head, "--master", "--headless", "--master-bind-host", "127.0.0.1",
            "--master-bind-port", str(self.port), "--expect-workers", "2", "-u", "4", "-r", "4",
            "--run-time", f"{seconds}s", "--csv", str(tmp / "locust"),
            "--agentrt-json", str(tmp / "report.json"), "--agentrt-dump", str(tmp / "dump"),
        ]  # fmt: skip
        worker = [*head, "--worker", "--master-host", "127.0.0.1", "--master-port", str(self.port)]
        self.logs = [(tmp / f"{n}.log").open("wb") for n in ("master", "w0", "w1")]
        self.master = subprocess.Popen(master, env=env, stdout=self.logs[0], stderr=self.logs[0])
        wenv = {**env, "LOCUST_SKIP_MONKEY_PATCH": "1"}
        self.workers = [
            subprocess.Popen(worker, env=wenv, stdout=log, stderr=log) for log in self.logs[1:]
        ]

    def wait(self, timeout: float) -> dict[str, Any]:
        code = self.master.wait(timeout=timeout)
        log = (self.tmp / "master.log").read_text(errors="replace")
        assert code == 0, log[-3000:]
        for w in self.workers:
            w.wait(timeout=15)
        report: dict[str, Any] = json.loads((self.tmp / "report.json").read_text())
        return report

    def close(self) -> None:
        for p in (self.master, *self.workers):
            if p.poll() is None:
                p.kill()
            p.wait()
        for log in self.logs:
            log.close()


@pytest.fixture
def cluster(tmp_path: Path, sim_process: SimProcess) -> Iterator[Any]:
    made: list[Cluster] = []

    def make(seconds: int) -> Cluster:
        made.append(Cluster(tmp_path, sim_process, seconds))
        return made[-1]

    yield make
    for c in made:
        c.close()


def _union(dumps: list[dict[str, Any]], name: str, scale: float = 1e6) -> dict[str, float]:
    h = Histogram(scale)
    for d in dumps:
        for r in d["records"]:
            if r["status"] == "OK" and r[name] is not None:
                h.record(r[name])
    return h.summary()


def _close(a: dict[str, float], b: dict[str, float]) -> None:
    assert {k: v for k, v in a.items() if k != "mean"} == {
        k: v for k, v in b.items() if k != "mean"
    }
    assert a["mean"] == pytest.approx(b["mean"], rel=1e-9)


def test_a_master_and_two_workers_merge_their_histograms_losslessly(
    cluster: Any, tmp_path: Path
) -> None:
    report = cluster(2).wait(timeout=50)
    dumps = [json.loads(p.read_text()) for p in sorted((tmp_path / "dump").glob("*.json"))]
    assert len(dumps) == 2
    assert all(d["final"] and d["records"] for d in dumps)
    s = report["summary"]
    shares = report["distributed"]["shares"]
    assert report["distributed"]["workers"] == 2
    assert sorted(sh["worker"] for sh in shares) == sorted(d["worker"] for d in dumps)
    assert not any(sh["lost"] for sh in shares)
    assert not report["partial"]
    assert (
        s["requests"]
        == sum(len(d["records"]) for d in dumps)
        == sum(sh["requests"] for sh in shares)
    )
    for name in ("ttft", "tpot", "e2e"):
        _close(s["latency_s"][name], _union(dumps, name))
    _close(s["request_tokens_per_s"], _union(dumps, "tokens_per_s", 1e3))
    gaps = sum(r["chunks"] - 1 for d in dumps for r in d["records"] if r["status"] == "OK")
    assert s["latency_s"]["itl"]["count"] == gaps
    with (tmp_path / "locust_stats.csv").open() as f:
        rows = {(r["Type"], r["Name"]): r for r in csv.DictReader(f)}
    assert int(rows[("grpc", "grok-3")]["Request Count"]) == s["requests"]
    assert int(rows[("grpc", "grok-3")]["Failure Count"]) == 0


def test_a_worker_killed_mid_test_is_reported_lost_and_its_requests_are_kept(
    cluster: Any,
) -> None:
    c = cluster(6)
    log = c.tmp / "master.log"
    deadline = time.monotonic() + 40
    while log.read_text(errors="replace").count("is reporting") < 2:  # both sent a share
        assert time.monotonic() < deadline, log.read_text(errors="replace")[-2000:]
        time.sleep(0.1)
    time.sleep(1.2)  # another share each
    c.workers[1].send_signal(signal.SIGKILL)
    report = c.wait(timeout=60)
    shares = report["distributed"]["shares"]
    lost = [sh for sh in shares if sh["lost"]]
    assert report["distributed"]["workers"] == 2
    assert len(lost) == 1
    assert lost[0]["requests"] > 0
    assert report["partial"]
    assert any("was lost before the end" in w for w in report["warnings"])
    assert report["summary"]["requests"] == sum(sh["requests"] for sh in shares)


def test_agentrt_load_locust_runs_master_and_workers_from_its_own_flags(tmp_path: Path) -> None:
    """The REST path here (gRPC is the tests' above): Locust's CSV shows ``openai`` requests."""
    out, rows, stats = tmp_path / "r.json", tmp_path / "requests.csv", tmp_path / "locust"
    with running_sim("--http-port", "0") as sim:
        assert sim.rest_url is not None
        command = agentrt_command(
            "load", "--endpoint", sim.rest_url, "--model", "grok-3", "--prompt", "hi",
            "--concurrency", "4", "--duration", "2s", "--locust", "--locust-workers", "2",
            "--json", str(out), "--csv", str(rows), "--locust-csv", str(stats),
        )  # fmt: skip
        done = subprocess.run(command, env=clean_env(), capture_output=True, text=True, timeout=55)
    assert done.returncode == 0, done.stderr
    assert "TTFT" in done.stdout
    report = json.loads(out.read_text())
    assert report["distributed"]["workers"] == 2
    assert report["plan"]["protocol"] == "openai (chat)"
    assert report["summary"]["requests"] > 0
    assert report["summary"]["failed"] == 0
    with rows.open() as f:
        assert len(list(csv.DictReader(f))) == report["summary"]["requests"]
    with (tmp_path / "locust_stats.csv").open() as f:
        assert any(r["Type"] == "openai" and int(r["Request Count"]) > 0 for r in csv.DictReader(f))
    leftover = subprocess.run(["pgrep", "-f", str(LOCUSTFILE)], capture_output=True, text=True)
    assert leftover.stdout == "", f"Locust processes left running: {leftover.stdout}"


def test_agentrt_load_locust_runs_a_whole_yaml_agent_per_request(
    sim_process: SimProcess, tmp_path: Path
) -> None:
    """``--agent`` on Locust: each request is a whole agent run, a Locust ``agent`` request."""
    spec = Path(__file__).resolve().parent.parent / "examples/trip_planner/trip_planner.yaml"
    out, stats = tmp_path / "r.json", tmp_path / "locust"
    command = agentrt_command(
        "load", "--endpoint", sim_process.address, "--agent", str(spec),
        "--prompt", "Plan a day in Lisbon", "--concurrency", "2", "--duration", "2s",
        "--locust", "--locust-workers", "2", "--json", str(out), "--locust-csv", str(stats),
    )  # fmt: skip
    done = subprocess.run(command, env=clean_env(), capture_output=True, text=True, timeout=55)
    assert done.returncode == 0, done.stderr
    report = json.loads(out.read_text())
    assert report["plan"]["call"] == "agent"
    assert report["distributed"]["workers"] == 2
    s = report["summary"]
    assert s["requests"] > 0
    assert s["failed"] == 0
    assert s["latency_s"]["ttft"]["count"] == s["requests"]
    with (tmp_path / "locust_stats.csv").open() as f:
        rows = [r for r in csv.DictReader(f) if r["Type"] == "agent"]
    # Locust's own statistics close when its users stop; the (at most --concurrency) runs
    # in flight then finish and count in agentrt's report only (docs/locust.md says so)
    assert rows
    assert s["requests"] - 2 <= sum(int(r["Request Count"]) for r in rows) <= s["requests"]
    leftover = subprocess.run(["pgrep", "-f", str(LOCUSTFILE)], capture_output=True, text=True)
    assert leftover.stdout == "", f"Locust processes left running: {leftover.stdout}"


def test_the_report_has_a_distributed_section_only_for_a_distributed_run() -> None:
    from agentrt.load.report import build_report

    book = ShareBook()
    book.expected = 3  # one never reported: the count at the start still says 3
    book.add(_share("w1", [0.1, 0.2], final=True))
    book.add(_share("w2", [0.3], final=False))
    result = book.result()
    common: dict[str, Any] = {
        "plan": {"mode": "closed"},
        "metrics": result.metrics,
        "records": result.records,
        "wall": result.wall,
        "started_unix": result.started_unix,
        "cpu": result.cpu,
    }
    assert "distributed" not in build_report(**common)
    report = build_report(**common, distributed=book.distributed())
    assert report["distributed"] == {
        "workers": 3,
        "shares": [
            {"worker": "w1", "requests": 2, "chunks": 6, "lost": False},
            {"worker": "w2", "requests": 1, "chunks": 3, "lost": True},
        ],
    }
    assert json.loads(json.dumps(report)) == report


def test_sigterm_to_agentrt_load_locust_ends_the_locust_processes_it_started(
    sim_process: SimProcess,
) -> None:
    command = agentrt_command(
        "load", "--endpoint", sim_process.address, "--model", "grok-3", "--prompt", "hi",
        "--concurrency", "2", "--duration", "60s", "--locust", "--locust-workers", "2",
    )  # fmt: skip
    launcher = subprocess.Popen(command, env=clean_env(), stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 20
        children: list[str] = []
        while len(children) < 3:  # the master and two workers
            assert time.monotonic() < deadline, "the Locust processes did not start"
            time.sleep(0.1)
            found = subprocess.run(["pgrep", "-P", str(launcher.pid)], capture_output=True)
            children = found.stdout.decode().split()
        launcher.send_signal(signal.SIGTERM)
        assert launcher.wait(timeout=20) == 143
        for pid in children:
            assert (
                not Path(f"/proc/{pid}").exists()
                or "zombie" in Path(f"/proc/{pid}/status").read_text().lower()
            ), f"Locust process {pid} left running"
    finally:
        if launcher.poll() is None:
            launcher.kill()
        launcher.communicate()
