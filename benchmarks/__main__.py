"""Run the benchmark suite: ``python -m benchmarks [--quick] [NAME …]``.

Runs every ``benchmarks/bench_*.py`` (or the named ones) in its own process, one
after another, so they do not compete for the two cores, then writes a combined
Markdown summary to ``bench-results/summary.md``. ``--quick`` is the seconds-long
smoke version CI may run; its figures mean nothing.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from benchmarks.harness import RESULTS_DIR, machine

HERE = Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "names", nargs="*", help="benchmarks to run, e.g. import stream (default: all)"
    )
    parser.add_argument("--quick", action="store_true", help="smoke run: seconds, not minutes")
    args = parser.parse_args()
    available = sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))
    names = args.names or available
    unknown = sorted(set(names) - set(available))
    if unknown:
        print(
            f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(available)}",
            file=sys.stderr,
        )
        return 2
    sections, failed = [f"# Benchmark run\n\nmachine: `{machine()}`\n"], []
    for name in names:
        print(f"== {name}", flush=True)
        cmd = [
            sys.executable,
            "-m",
            f"benchmarks.bench_{name}",
            *(["--quick"] if args.quick else []),
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=HERE.parent)
        print(proc.stdout, end="")
        if proc.returncode:
            print(proc.stderr, file=sys.stderr)
            failed.append(name)
        # Keep tables and conclusions; drop per-round progress lines and file notices.
        kept = [ln for ln in proc.stdout.splitlines() if not ln.startswith(("  ", "wrote "))]
        sections.append(f"## {name}\n\n" + "\n".join(kept).strip() + "\n")
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / "summary.md").write_text("\n".join(sections))
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
