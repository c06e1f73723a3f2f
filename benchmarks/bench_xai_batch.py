"""Agent runs on xAI's Batch API (``agentrt batch --xai-batch``) against interactive runs.

Against one ``agentrt sim --batch-rate 0`` in its own process (answers at zero
latency, so what is measured is the client's and the Batch API's own cost):

- **submit**: ``client.batch.add`` of ``--requests`` one-turn chat requests
  (default 10,000) into a new batch, requests/s, in a fresh process (peak RSS);
- **batched tool runs**: ``agentrt batch SPEC INPUTS --xai-batch`` over ``--runs``
  inputs (default 1,000) of a one-tool agent (turn 1 calls the tool, turn 2
  answers: 2 batch rounds), wall seconds, its peak RSS, the cost it reports;
- **interactive tool runs**: the same agent and inputs with ``Agent.run``, 64 at
  a time on one client, wall seconds, peak RSS and the summed ``usage.cost_usd``;
- **batched one-turn runs**: ``--xai-batch`` over ``--requests`` inputs of an
  agent without tools (1 round), wall seconds and peak RSS.

Each case runs in a fresh process (``ru_maxrss`` of that child alone), cases
interleaved. The simulator charges batch requests what interactive ones cost (it
knows no batch discount), so the cost columns compare like with like; against
api.x.ai the batch side is what xAI bills for batches. With a real model a batch
round takes minutes to hours, and interactive turns seconds: the wall figures here
measure agentrt's overhead, not the trade a real job sees.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.harness import interleave, markdown_table, write_results
from tests.conftest import agentrt_command, clean_env, running_sim

SPEC = """
version: 1
name: stock_checker
model: grok-4-1-fast-reasoning
instructions: Check the stock of the product the user names with check_stock, then answer.
tools:
  - function: stock_tools:check_stock
"""
PLAIN = """
version: 1
name: summariser
model: grok-4-1-fast-reasoning
instructions: Answer in one sentence.
"""
TOOLS = '''
def check_stock(product: str) -> dict:
    """How many of a product are in stock.

    Args:
        product: the product's name, e.g. "kettle".
    """
    return {"product": product, "in_stock": len(product) * 3}
'''
WORDS = [
    "kettle",
    "toaster",
    "blender",
    "lamp",
    "desk",
    "chair",
    "mirror",
    "rug",
    "sofa",
    "shelf",
    "clock",
    "vase",
]


def _inputs(path: Path, count: int, tools: bool) -> Path:
    with path.open("w") as f:
        for i in range(count):
            word = f"{WORDS[i % len(WORDS)]}{i}"
            text = f'How many "{word}" are in stock?' if tools else f"Say something about {word}."
            f.write(json.dumps({"id": i, "input": text}) + "\n")
    return path


def _measured(cmd: list[str], cwd: Path) -> tuple[float, int, str]:
    """Run ``cmd`` in a fresh child: wall seconds, its peak RSS (KiB), its stdout."""
    wrapper = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "wall = time.perf_counter() - t\n"
        "rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "sys.stderr.write(p.stderr)\n"
        "print(wall, rss, p.returncode)\n"
        "print(p.stdout, end='')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", wrapper, *cmd],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=clean_env(),
        check=True,
    )
    head, _, out = done.stdout.partition("\n")
    wall, rss, code = head.split()
    if code != "0":
        raise RuntimeError(f"{cmd[:4]} exited {code}: {done.stderr[-2000:]}")
    return float(wall), int(rss), out


class Bench:
    def __init__(self, address: str, root: Path, runs: int, requests: int) -> None:
        self.address, self.root = address, root
        self.runs, self.requests = runs, requests
        (root / "stock.yaml").write_text(SPEC)
        (root / "plain.yaml").write_text(PLAIN)
        (root / "stock_tools.py").write_text(TOOLS)
        self.tool_inputs = _inputs(root / "tools.jsonl", runs, tools=True)
        self.plain_inputs = _inputs(root / "plain.jsonl", requests, tools=False)
        self.rss: dict[str, list[float]] = {}
        self.cost: dict[str, list[float]] = {}
        self.n = 0

    def _keep(self, case: str, rss_kib: int, cost: float | None = None) -> None:
        self.rss.setdefault(case, []).append(rss_kib / 1024)
        if cost is not None:
            self.cost.setdefault(case, []).append(cost)

    def batched(self, case: str, spec: str, inputs: Path) -> float:
        self.n += 1
        out = self.root / f"out-{self.n}.jsonl"
        cmd = agentrt_command(
            "batch",
            spec,
            str(inputs),
            "--xai-batch",
            "--endpoint",
            self.address,
            "--out",
            str(out),
            "--json",
        )
        wall, rss, stdout = _measured(cmd, self.root)
        summary = json.loads(stdout)
        assert summary["ok"] == summary["total"], summary
        self._keep(case, rss, summary["cost_usd"])
        return wall

    def interactive(self, case: str) -> float:
        cmd = [
            sys.executable,
            "-m",
            "benchmarks.bench_xai_batch",
            "--child-interactive",
            self.address,
            str(self.root / "stock.yaml"),
            str(self.tool_inputs),
        ]
        wall, rss, stdout = _measured(cmd, Path(__file__).resolve().parent.parent)
        self._keep(case, rss, float(stdout))
        return wall

    def submit(self, case: str) -> float:
        cmd = [
            sys.executable,
            "-m",
            "benchmarks.bench_xai_batch",
            "--child-submit",
            self.address,
            str(self.requests),
        ]
        _, rss, stdout = _measured(cmd, Path(__file__).resolve().parent.parent)
        self._keep(case, rss)
        return float(stdout)


async def _interactive(address: str, spec: str, texts: list[str]) -> float:
    from agentrt.specs.agent_spec import AgentSpec
    from agentrt.xai.client import Client

    agent = AgentSpec.from_file(spec).to_agent()
    gate = asyncio.Semaphore(64)
    cost = 0.0

    async def one(text: str) -> None:
        nonlocal cost
        async with gate:
            result = await agent.run(text, client=client)
        cost += result.usage.cost_usd

    async with Client(endpoint=address) as client, asyncio.TaskGroup() as tg:
        for text in texts:
            tg.create_task(one(text))
    return cost


async def _submit(address: str, count: int) -> float:
    from agentrt.xai.batch_types import BatchItem
    from agentrt.xai.chat_request import ChatRequest
    from agentrt.xai.client import Client
    from agentrt.xai.messages import user

    items = [
        BatchItem(
            id=f"r{i}",
            request=ChatRequest(model="grok-4-1-fast-reasoning", messages=(user(f"Item {i}?"),)),
        )
        for i in range(count)
    ]
    async with Client(endpoint=address) as client:
        batch = await client.batch.create("bench submit")
        started = time.perf_counter()
        await client.batch.add(batch.id, items)
        took = time.perf_counter() - started
        await client.batch.cancel(batch.id)
    return count / took


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a seconds-long smoke run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--runs", type=int, default=1_000, help="tool-agent runs per case")
    parser.add_argument("--requests", type=int, default=10_000, help="one-turn requests per case")
    parser.add_argument("--child-interactive", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--child-submit", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child_interactive:
        address, spec, inputs = args.child_interactive
        texts = [json.loads(line)["input"] for line in Path(inputs).read_text().splitlines()]
        print(asyncio.run(_interactive(address, spec, texts)))
        return
    if args.child_submit:
        print(asyncio.run(_submit(args.child_submit[0], int(args.child_submit[1]))))
        return
    rounds, runs, requests = (1, 20, 200) if args.quick else (args.rounds, args.runs, args.requests)
    with tempfile.TemporaryDirectory() as tmp, running_sim("--batch-rate", "0") as sim:
        bench = Bench(sim.address, Path(tmp), runs, requests)
        tool_batch = f"--xai-batch, {runs:,} tool runs (s)"
        tool_live = f"interactive, {runs:,} tool runs, 64 at once (s)"
        plain_batch = f"--xai-batch, {requests:,} one-turn runs (s)"
        submit = f"client.batch.add, {requests:,} requests (req/s)"
        times = interleave(
            {
                tool_batch: lambda: bench.batched(tool_batch, "stock.yaml", bench.tool_inputs),
                tool_live: lambda: bench.interactive(tool_live),
                plain_batch: lambda: bench.batched(plain_batch, "plain.yaml", bench.plain_inputs),
            },
            rounds,
        )
        rates = interleave({submit: lambda: bench.submit(submit)}, rounds)
    print("\n### Wall time (seconds; the ratio is against interactive runs)\n")
    print(markdown_table(times, unit="s", baseline=tool_live))
    print("\n### Submission (requests/s)\n")
    print(markdown_table(rates, unit="req/s"))
    print("\n### Peak RSS of the client process (MiB; warm-up round included)\n")
    print(markdown_table(bench.rss, unit="MiB"))
    print(
        "\n### Cost the runs report (USD, simulator prices, no batch discount; warm-up included)\n"
    )
    for case, values in bench.cost.items():
        print(f"- {case}: median ${sorted(values)[len(values) // 2]:.6f} over {len(values)} jobs")
    write_results(
        "xai_batch",
        {
            "times": times,
            "rates": rates,
            "rss_mib": bench.rss,
            "cost_usd": bench.cost,
            "runs": runs,
            "requests": requests,
            "rounds": rounds,
        },
    )


if __name__ == "__main__":
    main()
