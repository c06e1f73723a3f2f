"""Shared pytest fixtures.

``running_server("sim", *args)`` starts an ``agentrt`` server command as a
subprocess the way a user would, parses its ``listening on HOST:PORT`` line, and
stops it with SIGTERM; ``running_sim(*args)`` is that for ``agentrt sim``, and
``sim_process`` is one such simulator shared by a test module.
``run_agentrt(*args)`` runs a one-shot ``agentrt`` command in the environment of
:func:`clean_env` and returns its exit code, stdout and stderr.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.durable_fixtures import temporal_server  # noqa: F401 - session fixture for durable tests
from tests.redis_fixtures import redis_server  # noqa: F401 - session fixture for session stores

_LISTENING = re.compile(r"listening on (\S+):(\d+)\n")
_LISTENING_REST = re.compile(r"listening on (http://\S+) \(REST\)\n")

# The default INPUT of each example (also in its README and YAML header).
TRIP_INPUT = (
    "Plan a day in Lisbon: check the weather and find places to visit, starting with a museum."
)
TRIAGE_INPUT = (
    "Triage this ticket and draft a reply. From Ada Lovelace: my order AB-123 has not arrived, "
    "the shipping was promised in 3 days. This is urgent."
)
RESEARCH_INPUT = (
    'Ask the researcher for "notes on the history of the Lisbon trams", then summarise them.'
)


def pytest_configure(config: pytest.Config) -> None:
    """Let the subprocesses the tests send Ctrl-C to see it.

    A shell runs a background job (``make test &``, a CI runner without job control)
    with SIGINT ignored, and every child inherits that, so an ``agentrt`` subprocess
    would ignore the tests' SIGINT. A Python handler is not inherited across exec:
    with it installed here, children start with SIGINT at its default.
    """
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    # Agents' upload caches (agentrt.agents.attachments) go to a scratch directory, not ~/.cache.
    os.environ["AGENTRT_CACHE_DIR"] = tempfile.mkdtemp(prefix="agentrt-test-cache-")


def pytest_unconfigure(config: pytest.Config) -> None:
    """Remove the scratch cache directory of :func:`pytest_configure`."""
    shutil.rmtree(os.environ.pop("AGENTRT_CACHE_DIR", ""), ignore_errors=True)


@dataclass
class ListeningProcess:
    """A running ``agentrt`` server subprocess (``sim``, ``serve``) and where it listens."""

    process: subprocess.Popen[str]
    host: str
    port: int
    stderr: str = ""  # what it wrote to stderr, once it has exited
    rest_url: str | None = None  # with --http-port: the REST door's base URL (``.../v1``)

    @property
    def address(self) -> str:
        """``HOST:PORT`` to connect to."""
        return f"{self.host}:{self.port}"


SimProcess = ListeningProcess


def write_files(root: Path, files: dict[str, str]) -> None:
    """Write ``files`` (relative name -> text, dedented) under ``root``, making folders."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


@contextlib.contextmanager
def forgetting_modules(prefix: str) -> Iterator[None]:
    """Drop the modules named ``prefix...`` first imported inside the block from sys.modules."""
    before = set(sys.modules)
    yield
    for name in set(sys.modules) - before:
        if name.startswith(prefix):
            del sys.modules[name]


def agentrt_command(*args: str) -> list[str]:
    """The command line of ``agentrt ARGS`` (the console script next to this Python)."""
    script = Path(sys.executable).parent / "agentrt"
    head = [str(script)] if script.exists() else [sys.executable, "-m", "agentrt"]
    return [*head, *args]


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without a key, an endpoint or OTel settings, plus ``extra``."""
    drop = (
        "XAI_API_KEY",
        "AGENTRT_ENDPOINT",
        "XAI_MANAGEMENT_API_KEY",
        "XAI_MANAGEMENT_KEY",
        "AGENTRT_REST_ENDPOINT",
        "AGENTRT_MANAGEMENT_ENDPOINT",
    )
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("OTEL_")}
    env.update(extra)
    return env


async def run_agentrt(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """Run ``agentrt ARGS`` to its end (``env`` default: :func:`clean_env`): code, stdout, stderr."""
    proc = await asyncio.create_subprocess_exec(
        *agentrt_command(*args),
        env=env or clean_env(),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate()
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


def sim_command(*args: str) -> list[str]:
    """The command line of ``agentrt sim ARGS``."""
    return agentrt_command("sim", *args)


@contextlib.contextmanager
def running_server(
    *args: str, env: dict[str, str] | None = None, drop: tuple[str, ...] = (), stop_s: float = 15
) -> Iterator[ListeningProcess]:
    """Start ``agentrt ARGS``, wait for its ``listening on`` line, SIGTERM it on exit.

    ``drop`` names environment variables the process must not inherit.
    """
    base = {k: v for k, v in os.environ.items() if k not in drop}
    process = subprocess.Popen(
        agentrt_command(*args),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**base, **(env or {})},
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    match = _LISTENING.fullmatch(line)
    if match is None:
        process.kill()
        _, err = process.communicate(timeout=10)
        raise RuntimeError(f"agentrt {args[0]} did not start: stdout={line!r} stderr={err!r}")
    server = ListeningProcess(process=process, host=match.group(1), port=int(match.group(2)))
    if "--http-port" in args:
        rest = _LISTENING_REST.fullmatch(process.stdout.readline())
        server.rest_url = rest.group(1) if rest else None
    try:
        yield server
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            _, server.stderr = process.communicate(timeout=stop_s)
        except subprocess.TimeoutExpired:
            process.kill()
            _, server.stderr = process.communicate()


def errors_on_threads(work: Callable[[int], None], threads: int = 8) -> list[BaseException]:
    """Run ``work(n)`` on ``threads`` threads at once, switching every microsecond (races show);
    the exceptions they raised."""
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            work(n)
        except Exception as exc:
            errors.append(exc)

    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        started = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
        for t in started:
            t.start()
        for t in started:
            t.join()
    finally:
        sys.setswitchinterval(switch)
    return errors


@contextlib.contextmanager
def reaped(process: subprocess.Popen[str]) -> Iterator[subprocess.Popen[str]]:
    """``process``, killed and waited for on exit if it is still running (a failed test)."""
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


def running_sim(
    *args: str, env: dict[str, str] | None = None
) -> contextlib.AbstractContextManager[ListeningProcess]:
    """Start ``agentrt sim ARGS`` (see :func:`running_server`)."""
    return running_server("sim", *args, env=env)


@pytest.fixture(scope="module")
def sim_process() -> Iterator[SimProcess]:
    """One ``agentrt sim`` (defaults, no key) shared by the tests of a module."""
    with running_sim() as sim:
        yield sim


@pytest.fixture(autouse=True)
def _test_process_stays_unpatched() -> Iterator[None]:
    """Fail the test that gevent-patched the test process (by importing Locust): every
    asyncio test after it would hang. Locust belongs in child processes only."""
    yield
    monkey = sys.modules.get("gevent.monkey")
    if monkey is not None and monkey.is_anything_patched():
        pytest.fail("this test gevent-patched the test process (it imported locust)")
