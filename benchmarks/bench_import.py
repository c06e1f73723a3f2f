"""Import cost: ``python -c "import agentrt"`` vs ``import xai_sdk`` (and grpc, bare Python).

Each round starts one fresh interpreter per case, in the same order; the figure is
wall time in milliseconds. The ratio is xai_sdk's median over agentrt's, from the
same run (target: at least 3x). "net" figures subtract the bare interpreter's start.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

from benchmarks.harness import interleave, markdown_table, median, write_results

CASES = {
    "python (bare)": "pass",
    "import agentrt": "import agentrt",
    "import grpc": "import grpc",
    "import xai_sdk": "import xai_sdk",
}


def _timer(code: str) -> float:
    def run() -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        return (time.perf_counter() - start) * 1000

    return run


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--quick", action="store_true", help="a seconds-long smoke run")
    args = parser.parse_args(argv)
    rounds = 2 if args.quick else args.rounds
    samples = interleave(
        {name: _timer(code) for name, code in CASES.items()}, rounds, progress=False
    )
    bare = median(samples["python (bare)"])
    agentrt, xai = median(samples["import agentrt"]), median(samples["import xai_sdk"])
    ratio, net_ratio = xai / agentrt, (xai - bare) / max(agentrt - bare, 0.1)
    print(markdown_table(samples, unit="ms", baseline="import agentrt"))
    print(
        f"\nxai_sdk / agentrt import time: {ratio:.1f}x (net of interpreter start: {net_ratio:.1f}x); target >= 3x"
    )
    write_results(
        "import",
        {
            "unit": "ms",
            "samples": samples,
            "ratio_xai_sdk_over_agentrt": ratio,
            "net_ratio": net_ratio,
        },
    )


if __name__ == "__main__":
    main()
