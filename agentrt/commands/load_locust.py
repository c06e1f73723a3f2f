"""``agentrt load --locust``: the same load test on Locust's distributed engine.

Starts a Locust master (headless) and ``--locust-workers`` worker processes on this
machine, every one running :mod:`agentrt.commands.locustfile` with this command's own
flags, waits for the master to write agentrt's report, and prints its summary as
``agentrt load`` does. ``--locust-remote-workers M`` makes the master wait for M more
workers, started on other machines with ``--locust-join MASTER:PORT`` and the same flags.
The workers run with ``LOCUST_SKIP_MONKEY_PATCH=1`` (agentrt's client needs real threads);
the master with Locust's usual gevent patching.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from agentrt.errors import UsageError

__all__ = ["ARGS_ENV", "LOCUSTFILE", "add_locust_flags", "run_locust"]

ARGS_ENV = "AGENTRT_LOAD_ARGS"
"""The environment variable holding ``agentrt load``'s flags, as a JSON list of strings."""

STARTUP_S = 60.0
"""Seconds Locust may take to start and to stop, beyond the run's --duration."""


def add_locust_flags(p: argparse.ArgumentParser) -> None:
    """The ``--locust*`` flags of ``agentrt load``."""
    g = p.add_argument_group("Locust (run on Locust's master/worker engine: docs/locust.md)")
    g.add_argument("--locust", action="store_true", help="run the test on Locust's workers")
    g.add_argument(
        "--locust-workers", type=int, default=2, metavar="N", help="worker processes here (2)"
    )
    g.add_argument(
        "--locust-remote-workers",
        type=int,
        default=0,
        metavar="M",
        help="also wait for M workers started elsewhere with --locust-join",
    )
    g.add_argument(
        "--locust-bind", metavar="HOST:PORT", help="the master's address (127.0.0.1, a free port)"
    )
    g.add_argument(
        "--locust-join", metavar="HOST:PORT", help="start only the workers, for this master"
    )
    g.add_argument("--locust-csv", metavar="PREFIX", help="Locust's own CSV statistics")


def _flags(args: argparse.Namespace, endpoint: str) -> list[str]:
    """The flags every Locust process builds the plan from (the request side of the test)."""
    words = ["--endpoint", endpoint, "--protocol", args.protocol, "--api", args.api]
    words += ["--prompt", args.prompt] if args.prompt is not None else ["--prompts", args.prompts]
    words += ["--duration", args.duration, "--timeout", args.timeout]
    users = args.concurrency or 1
    words += ["--concurrency", str(users), "--connections", str(_connections(args, users))]
    for flag in ("model", "max_tokens", "slo", "agent"):
        value = getattr(args, flag)
        if value is not None:
            words += [f"--{flag.replace('_', '-')}", str(value)]
    for var in args.var:
        words += ["--var", var]
    for meta in args.metadata:
        words += ["--metadata", meta]
    words += [] if args.stream else ["--unary"]
    words += ["--retries"] if args.retries else []
    return words


def _connections(args: argparse.Namespace, users: int) -> int:
    """Each worker process's pool: as asked, else sized for its share of the users (one
    connection per 100 streams over gRPC, one per user over HTTP/1.1 REST)."""
    if args.connections is not None:
        return int(args.connections)
    workers = max(1, args.locust_workers + args.locust_remote_workers)
    share = math.ceil(users / workers)
    return int(share) if args.protocol == "openai" else max(1, math.ceil(share / 100))


def _check(args: argparse.Namespace) -> None:
    """What a Locust run cannot do, said before anything starts."""
    import importlib.util

    if importlib.util.find_spec("locust") is None:
        raise UsageError("--locust needs Locust: pip install 'agentrt[locust]'")
    unsupported = [
        (args.rate is not None, "--rate (Locust's users are closed loop: give --concurrency N)"),
        (args.requests is not None, "--requests (a Locust run lasts a --duration)"),
        (args.processes != 1, "--processes (give --locust-workers N)"),
        (args.ramp is not None, "--ramp (use a Locust LoadTestShape: docs/locust.md)"),
        (args.warmup != 0, "--warmup"),
    ]
    for bad, what in unsupported:
        if bad:
            raise UsageError(f"--locust does not take {what}")
    if args.locust_workers < 0 or args.locust_remote_workers < 0:
        raise UsageError("--locust-workers and --locust-remote-workers must be >= 0")
    if args.locust_workers + args.locust_remote_workers < 1:
        raise UsageError("--locust needs at least one worker (--locust-workers N)")
    if args.locust_csv:
        parent = os.path.dirname(args.locust_csv) or "."
        if not os.path.isdir(parent) or not os.access(parent, os.W_OK):
            raise UsageError(f"--locust-csv {args.locust_csv}: cannot write in {parent}")
    if args.locust_workers > 256:
        raise UsageError(f"--locust-workers {args.locust_workers}: at most 256")


def _address(text: str, flag: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise UsageError(f"{flag} {text}: give HOST:PORT, e.g. 127.0.0.1:5557")
    return host, int(port)


def _free_port(host: str) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        port: int = s.getsockname()[1]
        return port


def _locust(*words: str) -> list[str]:
    return [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), *words]


@contextlib.contextmanager
def _processes(commands: list[tuple[list[str], dict[str, str], Path]]) -> Iterator[list[Any]]:
    """Start each command (its output to its log file); end and reap them all on exit."""
    procs: list[subprocess.Popen[bytes]] = []
    try:
        for command, env, log in commands:
            with log.open("wb") as out:
                procs.append(subprocess.Popen(command, env=env, stdout=out, stderr=out))
        yield procs
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def run_locust(args: argparse.Namespace, endpoint: str | None) -> dict[str, Any] | None:
    """Run the test on Locust; the report (``None`` with ``--locust-join``: workers only).

    Raises:
        UsageError: a flag Locust cannot honour, or no --endpoint.
        AgentrtError: the master ended without a report (its log's last line says why).
    """
    _check(args)
    if endpoint is None:
        raise UsageError("--locust needs --endpoint (or $AGENTRT_ENDPOINT): the service under test")
    if args.duration is None:
        raise UsageError("--locust needs --duration")
    from agentrt.load.units import parse_duration

    duration = parse_duration(args.duration, what="--duration")
    # As agentrt load: at the end no request starts, those in flight finish (within --timeout).
    timeout = parse_duration(args.timeout, what="--timeout")
    env = {**os.environ, ARGS_ENV: json.dumps(_flags(args, endpoint))}
    worker_env = {**env, "LOCUST_SKIP_MONKEY_PATCH": "1"}
    with tempfile.TemporaryDirectory(prefix="agentrt-locust-") as tmp:
        logs = Path(tmp)
        if args.locust_join:
            host, port = _address(args.locust_join, "--locust-join")
            with _sigterm_exits():  # a SIGTERM still ends the workers it started
                _run_workers(args, host, port, worker_env, logs, timeout=None)
            return None
        host, port = (
            _address(args.locust_bind, "--locust-bind")
            if args.locust_bind
            else (
                "127.0.0.1",
                0,
            )
        )
        port = port or _free_port(host)
        report_path = logs / "report.json"
        users = str(args.concurrency or 1)
        master = _locust(
            "--master", "--headless", "--master-bind-host", host, "--master-bind-port", str(port),
            "--expect-workers", str(args.locust_workers + args.locust_remote_workers),
            "-u", users, "-r", str(int(users) * 10), "--run-time", f"{math.ceil(duration)}s",
            "--stop-timeout", f"{math.ceil(timeout)}s",
            "--agentrt-json", str(report_path), "--only-summary",
            *_outputs(args),
            *(["--csv", args.locust_csv] if args.locust_csv else []),
        )  # fmt: skip
        workers = _worker_commands(args, host, port, worker_env, logs)
        with _sigterm_exits(), _processes([(master, env, logs / "master.log"), *workers]) as procs:
            try:
                code = procs[0].wait(timeout=duration + timeout + STARTUP_S)
            except subprocess.TimeoutExpired:
                code = None
        if not report_path.exists():
            raise _failed(code, logs)
        report: dict[str, Any] = json.loads(report_path.read_text(encoding="utf-8"))
        return report


def _outputs(args: argparse.Namespace) -> list[str]:
    """The master writes the per-request outputs itself (the records stay on the master)."""
    words = []
    for flag in ("csv", "records", "html"):
        path = getattr(args, flag)
        if path:
            words += [f"--agentrt-{flag}", os.path.abspath(path)]
    return words


@contextlib.contextmanager
def _sigterm_exits() -> Iterator[None]:
    """SIGTERM (a timeout, a kill, CI cancelling) exits through the ``finally`` blocks, so the
    Locust processes this command started are ended with it, never left running."""
    import signal

    def stop(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)

    try:
        saved = signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread: nothing to install
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, saved)


def _worker_commands(
    args: argparse.Namespace, host: str, port: int, env: dict[str, str], logs: Path
) -> list[tuple[list[str], dict[str, str], Path]]:
    word = ("--worker", "--master-host", host, "--master-port", str(port))
    return [(_locust(*word), env, logs / f"worker{i}.log") for i in range(args.locust_workers)]


def _run_workers(
    args: argparse.Namespace,
    host: str,
    port: int,
    env: dict[str, str],
    logs: Path,
    timeout: float | None,
) -> None:
    """``--locust-join``: run the workers until the master tells them to quit."""
    with _processes(_worker_commands(args, host, port, env, logs)) as procs:
        for p in procs:
            p.wait(timeout=timeout)


def _failed(code: int | None, logs: Path) -> Exception:
    """Why the master wrote no report: the last error line of its log, or of a worker's."""
    from agentrt.errors import AgentrtError

    lines = []
    for log in sorted(logs.glob("*.log")):  # master.log first
        lines += [ln for ln in log.read_text(errors="replace").splitlines() if ln.strip()]
    ours = [ln.partition("agentrt: error: ")[2] for ln in lines if "agentrt: error: " in ln]
    errors = [ln for ln in lines if "error" in ln.lower()] or lines
    last = (
        ours[-1].strip()
        if ours
        else "no worker reported a measurement (did the workers reach --endpoint before "
        "--duration ended?); the log's last line: " + (errors[-1].strip() if errors else "none")
    )
    why = "did not finish in time" if code is None else f"exited with code {code}"
    return AgentrtError(f"the Locust master {why} without a report: {last}")


LOCUSTFILE = Path(__file__).with_name("locustfile.py")
"""The locustfile every process of ``--locust`` runs (``python -m`` this module prints it)."""

if __name__ == "__main__":
    print(LOCUSTFILE)
