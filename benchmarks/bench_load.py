"""How many streamed chunks/s ``agentrt load`` drives, from one process and with --processes 2.

The server is ``benchmarks/stream_server.py`` in its own process (pre-serialized
chunks, so it is not the bottleneck). Each measurement runs the real command,
``agentrt load --concurrency 100 --max-tokens N --duration D --json -``, in a fresh
process, and takes its ``chunks_per_s`` (chunks over the measured wall time;
start-up is excluded) and the event loop's share of a core. For a same-run
baseline, ``bench_stream``'s raw generated-stub worker drives 100 streams too.
Target: >= 80k chunks/s from one process.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from benchmarks.bench_stream import stream_server
from benchmarks.harness import interleave, markdown_table, median, write_results

STREAMS = 100
TARGET = 80_000


def _agentrt() -> list[str]:
    script = Path(sys.executable).parent / "agentrt"
    return [str(script)] if script.exists() else [sys.executable, "-m", "agentrt"]


def _load_case(
    endpoint: str, processes: int, duration: str, tokens: int, cpu: list[float]
) -> Callable[[], float]:
    def run() -> float:
        cmd = [
            *_agentrt(), "load", "--no-progress", "--endpoint", endpoint, "--model", "bench",
            "--prompt", "hi", "--concurrency", str(STREAMS), "--duration", duration,
            "--max-tokens", str(tokens), "--processes", str(processes), "--json", "-",
        ]  # fmt: skip
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        report = json.loads(out)
        cpu.append(max(c["loop_core_fraction"] for c in report["cpu"]))
        failed = report["summary"]["failed"]
        if failed:
            raise RuntimeError(f"{failed} requests failed: {report['summary']['errors_by_code']}")
        return float(report["summary"]["chunks_per_s"])

    return run


def _raw_case(endpoint: str, chunks: int) -> Callable[[], float]:
    def run() -> float:
        cmd = [
            sys.executable, "-m", "benchmarks.bench_stream", "--worker", "--client", "raw stub",
            "--loop", "uvloop", "--endpoint", endpoint, "--chunks", str(chunks),
            "--streams", str(STREAMS),
        ]  # fmt: skip
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        return float(json.loads(out.strip().splitlines()[-1])["chunks_per_s"])

    return run


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--duration", default="5s", help="measured time of each load run")
    parser.add_argument("--tokens", type=int, default=1000, help="chunks per stream")
    parser.add_argument("--quick", action="store_true", help="a seconds-long smoke run")
    args = parser.parse_args(argv)
    rounds, duration = (1, "1s") if args.quick else (args.rounds, args.duration)
    cpu: dict[str, list[float]] = {}
    with stream_server() as endpoint:
        cases = {
            "raw stub x100 (baseline)": _raw_case(endpoint, 50_000 if args.quick else 200_000),
            "agentrt load x100, 1 process": _load_case(
                endpoint, 1, duration, args.tokens, cpu.setdefault("1", [])
            ),
            "agentrt load x100, --processes 2": _load_case(
                endpoint, 2, duration, args.tokens, cpu.setdefault("2", [])
            ),
        }
        samples = interleave(cases, rounds, warmup=0 if args.quick else 1)
    one = median(samples["agentrt load x100, 1 process"])
    two = median(samples["agentrt load x100, --processes 2"])
    raw = median(samples["raw stub x100 (baseline)"])
    print(markdown_table(samples, unit="chunks/s", baseline="agentrt load x100, 1 process"))
    print(
        f"\nagentrt load, one process: {one:,.0f} chunks/s (target >= {TARGET:,}); "
        f"{one / raw:.2f}x the raw stub; --processes 2: {two / one:.2f}x one process. "
        f"Event loop busy: {median(cpu['1']):.0%} of a core (1 process), "
        f"{median(cpu['2']):.0%} (busiest of 2)."
    )
    write_results(
        "load",
        {
            "unit": "chunks/s",
            "streams": STREAMS,
            "samples": samples,
            "loop_core_fraction": cpu,
            "target_one_process": TARGET,
            "ratio_processes2_over_1": two / one,
            "ratio_load_over_raw": one / raw,
        },
    )


if __name__ == "__main__":
    main()
