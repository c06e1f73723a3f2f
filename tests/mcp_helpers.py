"""Helpers of the MCP tests: the test server's command, HTTP servers on free ports, live children."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

SERVER = str(Path(__file__).parent / "mcp_servers" / "tools_server.py")


def server_args(*extra: str) -> tuple[str, ...]:
    """Arguments of ``sys.executable`` that start the test MCP server over stdio."""
    return (SERVER, *extra)


def children() -> set[int]:
    """Pids of this process's live (not zombie) descendants, from /proc."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z":
            parents[int(entry)] = int(fields[1])
    found: set[int] = set()
    frontier = {os.getpid()}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def mcp_children() -> set[int]:
    """Live descendants running the test MCP server over stdio."""
    out = set()
    for pid in children():
        with contextlib.suppress(OSError):
            cmdline = Path(f"/proc/{pid}/cmdline").read_text()
            if "tools_server.py" in cmdline and "--http" not in cmdline:
                out.add(pid)
    return out


def tagged(tag: str) -> set[int]:
    """Pids of live processes anywhere whose command line has ``--tag TAG``."""
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        with contextlib.suppress(OSError):
            if Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
                continue
            args = Path(f"/proc/{entry}/cmdline").read_text().split("\0")
            if "tools_server.py" in " ".join(args) and tag in args:
                found.add(int(entry))
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def http_server() -> Iterator[str]:
    """The test MCP server over streamable HTTP on a free 127.0.0.1 port: its URL."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, SERVER, "--http", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the MCP HTTP test server did not start")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        proc.terminate()
        proc.wait(10)
