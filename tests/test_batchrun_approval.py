"""``--xai-batch`` runs cannot ask a person: a tool that needs approval fails its run, never runs unasked."""

from __future__ import annotations

import json
from pathlib import Path

from agentrt.agents.agent import Agent
from agentrt.agents.tools import tool
from agentrt.batchrun.runner import run_on_batches
from agentrt.batchrun.store import RunStore
from agentrt.durable.batch import BatchItem, ResultsFile
from agentrt.sim.server import Simulator
from agentrt.xai.client import Client

RAN: list[str] = []


@tool(needs_approval=True)
def refund(order: str) -> str:
    """Refund an order.

    Args:
        order: The order id, e.g. AB-123.
    """
    RAN.append(order)
    return "refunded"


async def test_a_tool_that_needs_approval_fails_the_batched_run_and_never_runs(
    tmp_path: Path,
) -> None:
    agent = Agent(name="shop", model="grok-4", instructions="Refund orders.", tools=[refund])
    items = [BatchItem(id=1, input="Refund order AB-123 please")]
    async with Simulator() as sim, Client(endpoint=sim.address) as client:
        with ResultsFile(tmp_path / "out.jsonl") as results:
            store = RunStore(tmp_path / "state.db", job="shop")
            try:
                summary = await run_on_batches(
                    client, lambda _: agent, items, results, store, model="grok-4", label="shop"
                )
            finally:
                store.close()
    assert (summary.ok, summary.failed) == (0, 1)
    assert RAN == []
    line = json.loads((tmp_path / "out.jsonl").read_text())
    assert "refund need a person's approval" in json.dumps(line)
