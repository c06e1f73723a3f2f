"""File upload and download: throughput (MB/s) and peak client memory, agentrt vs xai-sdk.

``agentrt sim --max-file-bytes N`` runs in its own process (its CPU is not the client's;
on 2 cores it still competes with the client, and its CPU per case is reported).
Every case is one fresh client process, so its peak RSS (``ru_maxrss``) is its own:

* upload: xai-sdk ``AsyncClient.files.upload(path)`` / agentrt ``client.files.upload(path)``;
* download: xai-sdk ``files.content(file_id)`` written to a file (its API returns the
  whole file as bytes) / agentrt ``client.files.download_to(file_id, path)``.

A case's process imports its client, makes one small call (``get`` of a tiny file: the
channel is up), then times the operation alone. Its memory figure is its peak RSS minus
that of an idle process of the same client that did everything but the operation
(measured every round). Files are random bytes of ``--size-mb`` MB (10^6 bytes; 200 by
default) and ``--small-mb`` (50): the two sizes show whether memory grows with the file.
The large size also runs against ``benchmarks/files_sink.py`` (its own process), a
Files server that stores nothing and serves a download from one chunk serialized once:
the clients' own ceiling, without the simulator's storing. Cases are interleaved over
``--rounds`` rounds after a warm-up round; tables give medians, ratios are agentrt /
xai-sdk (medians of same-round ratios). agentrt's side runs only if the installed
agentrt has ``client.files`` (issue 17's client).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from benchmarks.harness import median, write_results
from tests.conftest import running_sim

MB = 1_000_000
CLIENTS = ("xai-sdk", "agentrt")
ROOT = Path(__file__).resolve().parent.parent


def agentrt_has_files() -> bool:
    """Whether this agentrt's client has ``files`` (issue 17's client)."""
    try:
        from agentrt.xai.files import Files  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return False
    return hasattr(Files, "upload") and hasattr(Files, "download_to")


# The child side: one operation in a fresh process, reported as one JSON line.


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / MB  # KiB on Linux


async def _xai_sdk_child(address: str, op: str, arg: str, ping: str) -> dict[str, Any]:
    from xai_sdk import AsyncClient

    host = f"localhost:{address.rpartition(':')[2]}"  # local channel credentials
    client = AsyncClient(api_key="bench", api_host=host, management_api_host=host, timeout=600)
    if ping:
        await client.files.get(ping)
    start, cpu = time.perf_counter(), time.process_time()
    result: Any = None
    if op in ("upload", "keep"):
        result = (await client.files.upload(arg)).id
    elif op.startswith("download"):
        data = await client.files.content(arg)
        await asyncio.to_thread(Path(op.partition(":")[2]).write_bytes, data)
        del data
    seconds, cpu_s = time.perf_counter() - start, time.process_time() - cpu

    if op == "upload":
        await client.files.delete(result)
    await client.close()
    return {"seconds": seconds, "cpu_s": cpu_s, "file_id": result}


async def _agentrt_child(address: str, op: str, arg: str, ping: str) -> dict[str, Any]:
    from agentrt.xai.client import Client

    async with Client(api_key="bench", endpoint=address, timeout=600) as client:
        files: Any = client.files  # type: ignore[attr-defined,unused-ignore]
        await files.get(ping)
        start, cpu = time.perf_counter(), time.process_time()
        result: Any = None
        if op == "upload":
            result = (await files.upload(arg)).id
        elif op.startswith("download"):
            await files.download_to(arg, op.partition(":")[2])
        seconds, cpu_s = time.perf_counter() - start, time.process_time() - cpu
        if op == "upload":
            await files.delete(result)
    return {"seconds": seconds, "cpu_s": cpu_s, "file_id": result}


def child(client: str, address: str, op: str, arg: str, ping: str) -> None:
    """Run one operation and print its report: ``idle``, ``upload`` (the file is deleted
    afterwards), ``keep`` (an upload that stays), ``download:DEST``."""
    run = _agentrt_child if client == "agentrt" else _xai_sdk_child
    report = asyncio.run(run(address, op, arg, ping))
    report["peak_mb"] = _peak_mb()
    print(json.dumps(report), flush=True)


# The parent side.


def _run_child(client: str, address: str, op: str, arg: str, ping: str) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "benchmarks.bench_files", "--child", client, address, op, arg]
    proc = subprocess.run([*cmd, ping], capture_output=True, text=True, cwd=ROOT, check=False)
    if proc.returncode:
        raise RuntimeError(f"{client} {op} failed: {proc.stderr.strip()[-2000:]}")
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def _sim_cpu_s(pid: int) -> float:
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except (OSError, IndexError, ValueError):
            continue  # a thread that ended meanwhile
    return total / 1e9


def _random_file(path: Path, size: int) -> None:
    with path.open("wb") as out:
        for start in range(0, size, MB):
            out.write(os.urandom(min(MB, size - start)))


@contextlib.contextmanager
def _sink() -> Iterator[tuple[str, int]]:
    """Start ``benchmarks.files_sink``; yield (address, pid); stop it."""
    cmd = [sys.executable, "-m", "benchmarks.files_sink"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line.startswith("listening on "):
        proc.kill()
        raise RuntimeError(f"files_sink did not start: {line!r}")
    try:
        yield line.split()[-1], proc.pid
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        proc.stdout.close()


class Run:
    """The servers (simulator, sink), the files, and every sample of every case."""

    def __init__(self, servers: dict[str, tuple[str, int]], tmp: Path, clients: list[str]) -> None:
        self.servers, self.tmp, self.clients = servers, tmp, clients
        self.ping = {"sim": self._keep(tmp / "ping.txt", 10), "sink": "sink-0"}
        self.sources: dict[int, tuple[Path, str]] = {}
        self.mbps: dict[str, list[float]] = {}
        self.extra_mb: dict[str, list[float]] = {}
        self.sim_cpu: dict[str, list[float]] = {}
        self.client_cpu: dict[str, list[float]] = {}

    def _keep(self, path: Path, size: int) -> str:
        _random_file(path, size)
        address = self.servers["sim"][0]
        return str(_run_child("xai-sdk", address, "keep", str(path), "")["file_id"])

    def add_size(self, size: int) -> None:
        """Write a file of ``size`` bytes and keep a copy on the simulator to download."""
        path = self.tmp / f"data-{size}.bin"
        self.sources[size] = (path, self._keep(path, size))

    def _case(self, client: str, op: str, size: int, server: str) -> dict[str, Any]:
        path, file_id = self.sources[size]
        file_id = file_id if server == "sim" else f"sink-{size}"
        dest = self.tmp / f"out-{client}.bin"
        arg, how = (str(path), "upload") if op == "upload" else (file_id, f"download:{dest}")
        address, pid = self.servers[server]
        cpu = _sim_cpu_s(pid)
        report = _run_child(client, address, how, arg, self.ping[server])
        report["sim_cpu_s"] = _sim_cpu_s(pid) - cpu
        if op == "download":
            if dest.stat().st_size != size:
                raise RuntimeError(f"{client} downloaded {dest.stat().st_size} of {size} bytes")
            dest.unlink()
        return report

    def round(self, keep: bool) -> None:
        """One round: an idle process per client, then every (size, op, client) case against
        the simulator, then the largest size's against the sink."""
        address, ping = self.servers["sim"][0], self.ping["sim"]
        idle = {c: _run_child(c, address, "idle", "", ping)["peak_mb"] for c in self.clients}
        plan = [(size, "sim") for size in sorted(self.sources)] + [(max(self.sources), "sink")]
        for size, server in plan:
            for op in ("upload", "download"):
                for client in self.clients:
                    report = self._case(client, op, size, server)
                    name = f"{client} {op} {size // MB} MB" + (", sink" if server == "sink" else "")
                    extra = report["peak_mb"] - idle[client]
                    rate = size / MB / report["seconds"]
                    print(
                        f"  {'round' if keep else 'warmup':>8}  {name:<36} {rate:8.1f} MB/s  "
                        f"+{extra:7.1f} MB",
                        flush=True,
                    )
                    if keep:
                        self.mbps.setdefault(name, []).append(rate)
                        self.extra_mb.setdefault(name, []).append(extra)
                        self.sim_cpu.setdefault(name, []).append(report["sim_cpu_s"])
                        self.client_cpu.setdefault(name, []).append(report["cpu_s"])


def _table(run: Run) -> str:
    rows = [
        "| case | MB/s | min | max | peak RSS above idle, MB | client CPU s (the operation) | server CPU s | n |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, rates in run.mbps.items():
        rows.append(
            f"| {name} | {median(rates):,.1f} | {min(rates):,.1f} | {max(rates):,.1f} | "
            f"{median(run.extra_mb[name]):,.1f} | {median(run.client_cpu[name]):.2f} | "
            f"{median(run.sim_cpu[name]):.2f} | {len(rates)} |"
        )
    return "\n".join(rows)


def _ratios(run: Run) -> dict[str, float]:
    """agentrt / xai-sdk: median of same-round ratios of MB/s and of extra memory."""
    out: dict[str, float] = {}
    for name in run.mbps:
        if not name.startswith("agentrt "):
            continue
        other = "xai-sdk " + name.removeprefix("agentrt ")
        for key, table in (("MB/s", run.mbps), ("memory", run.extra_mb)):
            pairs = zip(table[name], table[other], strict=True)
            out[f"{name.removeprefix('agentrt ')} {key}"] = median([a / b for a, b in pairs])
    return out


def _growth(run: Run, small: int, big: int) -> dict[str, float]:
    """Per client and operation: extra peak memory at the large size minus at the small one."""
    out: dict[str, float] = {}
    for client in run.clients:
        for op in ("upload", "download"):
            at = {s: median(run.extra_mb[f"{client} {op} {s} MB"]) for s in (small, big)}
            out[f"{client} {op}"] = at[big] - at[small]
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--size-mb", type=int, default=200, help="the large file, MB")
    parser.add_argument("--small-mb", type=int, default=50, help="the small file, MB")
    parser.add_argument("--quick", action="store_true", help="a seconds-long smoke run")
    parser.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child)
        return
    rounds, sizes = (1, (2, 8)) if args.quick else (args.rounds, (args.small_mb, args.size_mb))
    clients = ["xai-sdk"] + (["agentrt"] if agentrt_has_files() else [])
    if len(clients) == 1:
        print("agentrt's client has no files.upload / download_to yet (issue 17): xai-sdk only")
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-files-")))
        limit = str(max(sizes) * MB)
        sim = stack.enter_context(running_sim("--max-file-bytes", limit))
        servers = {"sim": (sim.address, sim.process.pid), "sink": stack.enter_context(_sink())}
        run = Run(servers, tmp, clients)
        for size in sizes:
            run.add_size(size * MB)
        for r in range(-1, rounds):
            run.round(keep=r >= 0)
    print(f"\nUpload and download, {rounds} rounds, one fresh client process per case:\n")
    print(_table(run))
    ratios = _ratios(run)
    for key, value in ratios.items():
        print(f"agentrt / xai-sdk, {key}: {value:.2f}x")
    growth = _growth(run, *sizes)
    print(f"\nPeak memory growth from {sizes[0]} to {sizes[1]} MB (flat = about 0):")
    for key, value in growth.items():
        print(f"{key}: {value:+.1f} MB")
    out = {
        "mb_per_s": run.mbps,
        "peak_rss_above_idle_mb": run.extra_mb,
        "client_cpu_s": run.client_cpu,
        "sim_cpu_s": run.sim_cpu,
        "agentrt_vs_xai_sdk": ratios,
        "memory_growth_mb": growth,
    }
    write_results("files", out)


if __name__ == "__main__":
    main()
