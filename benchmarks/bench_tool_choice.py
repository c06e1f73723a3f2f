"""Tool choice of the simulated model on the scenario corpus: the share exactly right.

Each scenario of ``tests/data/tool_scenarios.yaml`` (a prompt, its tools, the calls
a competent model makes; written by agent authors who did not read the simulator)
is played through the simulator's model, in process, the way an agent loop plays it
(see :mod:`agentrt.sim.scenarios`). A scenario is right when the model called
exactly the expected tools with the expected key arguments (and chained calls after
the result they need). Prints the share, the share per domain, and every miss, for
each corpus and for all of them together: ``tool_scenarios.yaml`` (79 scenarios, the
one the simulator's rules were developed against) and every ``tool_scenarios_holdout*.yaml``
(each written blind by another author; each a test of generality until rules were
developed on it too: tests/data/README.md says which). The shares are counts; the cost
per scenario played (all its model turns, in process) is the median of ``--rounds``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from agentrt.sim.scenarios import grade, run_scenario
from benchmarks.harness import write_results

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
CORPUS = DATA / "tool_scenarios.yaml"


def corpora() -> list[Path]:
    """Every corpus in tests/data: the main one first, then the held-out ones in order."""
    return [CORPUS, *sorted(DATA.glob("tool_scenarios_holdout*.yaml"))]


def load(path: Path = CORPUS) -> list[dict[str, Any]]:
    """The scenarios of ``path`` (a list, or a mapping with ``scenarios``)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return list(data["scenarios"] if isinstance(data, dict) else data)


def measure(scenarios: list[dict[str, Any]]) -> tuple[float, list[str], dict[str, float]]:
    """The share exactly right, the misses (``id: why``) and the share per domain."""
    misses: list[str] = []
    total, right = Counter[str](), Counter[str]()
    for scenario in scenarios:
        domain = str(scenario.get("domain", "?"))
        total[domain] += 1
        why = grade(scenario["expect"], run_scenario(scenario))
        if why is None:
            right[domain] += 1
        else:
            misses.append(f"{scenario['id']} [{domain}]: {why}")
    share = 1 - len(misses) / max(len(scenarios), 1)
    return share, misses, {d: right[d] / n for d, n in sorted(total.items())}


def _cost_ms(scenarios: list[dict[str, Any]], rounds: int) -> float:
    """Median milliseconds per scenario played (every model turn of it), over ``rounds``."""
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        for scenario in scenarios:
            run_scenario(scenario)
        times.append((time.perf_counter() - started) * 1000 / max(len(scenarios), 1))
    return statistics.median(times)


def _report(name: str, scenarios: list[dict[str, Any]]) -> dict[str, Any]:
    share, misses, domains = measure(scenarios)
    print(f"{name}: {share:.1%} of {len(scenarios)} scenarios exactly right (goal >= 90%)")
    print("  by domain: " + ", ".join(f"{d} {s:.0%}" for d, s in domains.items()))
    for miss in misses:
        print(f"  miss {miss}")
    return {"scenarios": len(scenarios), "share": share, "by_domain": domains, "misses": misses}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--corpus", type=Path, action="append", help="a scenario file (repeat; default: all three)"
    )
    parser.add_argument("--quick", action="store_true", help="one timing round")
    parser.add_argument("--rounds", type=int, default=5, help="timing rounds (median)")
    args = parser.parse_args(argv)
    paths = [p for p in (args.corpus or corpora()) if p.exists()]
    if not paths:
        print("no scenario corpus found: nothing measured", file=sys.stderr)
        write_results("tool_choice", {"scenarios": 0, "share": None, "misses": []})
        return
    out: dict[str, Any] = {"corpora": {}}
    every: list[dict[str, Any]] = []
    for path in paths:
        scenarios = load(path)
        every += scenarios
        out["corpora"][path.stem] = _report(path.stem, scenarios)
    if len(paths) > 1:
        out.update(_report("all corpora", every))
    else:
        out.update(out["corpora"][paths[0].stem])
    out["ms_per_scenario"] = _cost_ms(every, 1 if args.quick else args.rounds)
    print(f"cost: {out['ms_per_scenario']:.2f} ms per scenario played (median, in process)")
    write_results("tool_choice", out)


if __name__ == "__main__":
    main()
