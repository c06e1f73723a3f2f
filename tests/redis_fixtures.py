"""Fixtures of the session-store tests: a real ``redis-server``, started and killed by the tests.

``redis_server`` (session scope, imported by ``conftest.py``) starts Debian's
``redis-server`` (``make system-deps`` installs it) on a free loopback port with
persistence off and yields its ``redis://`` URL. ``running_redis`` starts one for a
single test (the ones that kill it). Nothing here imports the redis client.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.durable_fixtures import free_port


def redis_binary() -> str:
    """``redis-server``'s path, or skip the test saying how to install it."""
    found = shutil.which("redis-server") or (
        "/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None
    )
    if found is None:
        pytest.skip(
            "redis-server is not installed: run `make system-deps` (apt-get install redis-server)"
        )
    return found


def _wait_ready(
    port: int, process: subprocess.Popen[bytes], password: str | None, limit: float = 20
) -> None:
    """Until the server answers PING (after AUTH, and after loading its append-only file)."""
    hello = b"PING\r\n" if password is None else f"AUTH {password}\r\nPING\r\n".encode()
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if process.poll() is not None:
            raise RuntimeError(f"redis-server exited with {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1) as s:
            s.sendall(hello)
            time.sleep(0.02)
            if s.recv(256).endswith(b"+PONG\r\n"):
                return
        time.sleep(0.05)
    raise RuntimeError(f"redis-server on port {port} was not ready within {limit} s")


@contextlib.contextmanager
def running_redis(
    port: int | None = None, *, folder: Path | None = None, password: str | None = None
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A ``redis-server`` on ``port`` (a free one by default): its URL and process.

    With ``folder`` it keeps an append-only file there, fsynced at every write, so a
    server killed and started again on the same folder has everything it acknowledged.
    """
    port = port or free_port()
    args = [redis_binary(), "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    if folder is None:
        args += ["--appendonly", "no"]
    else:
        args += ["--dir", str(folder), "--appendonly", "yes", "--appendfsync", "always"]
    if password is not None:
        args += ["--requirepass", password]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_ready(port, process, password)
        auth = "" if password is None else f":{password}@"
        yield f"redis://{auth}127.0.0.1:{port}/0", process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def redis_server() -> Iterator[str]:
    """``redis://127.0.0.1:PORT/0`` of a redis-server started for this test session."""
    with running_redis() as (url, _):
        yield url
