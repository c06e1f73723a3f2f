"""Shared pytest fixtures.

``running_sim(*args)`` starts ``agentrt sim`` as a subprocess the way a user
would, parses its ``listening on HOST:PORT`` line, and stops it with SIGTERM;
``sim_process`` is one such simulator shared by a test module.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.durable_fixtures import temporal_server  # noqa: F401 - session fixture for durable tests

_LISTENING = re.compile(r"listening on (\S+):(\d+)\n")


@dataclass
class SimProcess:
    """A running ``agentrt sim`` subprocess."""

    process: subprocess.Popen[str]
    host: str
    port: int
    stderr: str = ""  # what the simulator wrote to stderr, once it has exited

    @property
    def address(self) -> str:
        """``HOST:PORT`` to connect to."""
        return f"{self.host}:{self.port}"


def sim_command(*args: str) -> list[str]:
    """The command line of ``agentrt sim`` (the console script next to this Python)."""
    script = Path(sys.executable).parent / "agentrt"
    head = [str(script)] if script.exists() else [sys.executable, "-m", "agentrt"]
    return [*head, "sim", *args]


@contextlib.contextmanager
def running_sim(*args: str, env: dict[str, str] | None = None) -> Iterator[SimProcess]:
    """Start ``agentrt sim ARGS``, wait for its ``listening on`` line, SIGTERM it on exit."""
    process = subprocess.Popen(
        sim_command(*args),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    match = _LISTENING.fullmatch(line)
    if match is None:
        process.kill()
        _, err = process.communicate(timeout=10)
        raise RuntimeError(f"agentrt sim did not start: stdout={line!r} stderr={err!r}")
    sim = SimProcess(process=process, host=match.group(1), port=int(match.group(2)))
    try:
        yield sim
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            _, sim.stderr = process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            _, sim.stderr = process.communicate()


@pytest.fixture(scope="module")
def sim_process() -> Iterator[SimProcess]:
    """One ``agentrt sim`` (defaults, no key) shared by the tests of a module."""
    with running_sim() as sim:
        yield sim
