"""Tokens sent per turn of a 50-turn tool loop, with and without a history policy.

The real simulator (``agentrt.sim.Simulator`` on a loopback port, in this process)
replays a script: 50 turns that each call ``read_page`` (a ~2 KB result), then an
answer. Each case runs the same loop through ``agent.run``:

- ``none``: no policy, the whole history every turn;
- ``drop_tool_outputs`` / ``truncate_tool_outputs`` / ``compact`` / ``summarize``:
  ``HistoryPolicy(max_tokens=BUDGET, keep_last=6, truncate_chars=200)``.

Per turn: the simulator's ``usage.prompt_tokens`` for that model call (what it read,
with its own tokenizer). The policy's extra calls (CompactContext, the summarising
completion) are reported apart, as ``extra`` prompt tokens for the whole run. The
summarising call goes to a second simulator without a script (the scripted one
would hand it a tool call). Cases are interleaved per round after a warm-up round;
medians per turn. Also: the cost of the token estimate on the run's hot path (one
``HistoryFit.fit`` under the budget on a 100-message conversation).
"""

from __future__ import annotations

import argparse
import asyncio
import time
from types import SimpleNamespace
from typing import Any

from agentrt.agents.agent import Agent
from agentrt.agents.chat_model import ChatModel
from agentrt.agents.history import HistoryFit, HistoryPolicy
from agentrt.agents.limits import Limits
from agentrt.sim import Simulator
from agentrt.xai.client import Client
from agentrt.xai.messages import Message, ToolCall, system, tool_result, user
from benchmarks.harness import machine, median, write_results

CASES = ("none", "drop_tool_outputs", "truncate_tool_outputs", "compact", "summarize")
BUDGET = 4000
PAGE = "The quarterly figures rose by four percent. " * 45  # ~2 KB, sentences the sim can compact


def read_page(n: int) -> str:
    """Read page n of the report.

    Args:
        n: The page number.
    """
    return f"Page {n}. {PAGE}"


class MeasuredModel(ChatModel):
    """The simulator's chat model, recording each turn's prompt tokens; summaries go elsewhere."""

    def __init__(self, client: Client, summarizer: Client, seen: list[int]) -> None:
        super().__init__(client)
        self.summarizer = ChatModel(summarizer)
        self.seen = seen
        self.extra = 0

    async def complete(self, request: Any, *, timeout: float | None) -> Any:  # noqa: ASYNC109
        if request.messages and request.messages[0].role == "system" and not request.tools:
            response = await self.summarizer.complete(request, timeout=timeout)
            self.extra += response.usage.prompt_tokens
            return response
        response = await self.client.chat.complete(self._encoder.encode(request), timeout=timeout)
        self.seen.append(response.usage.prompt_tokens)
        return response


def _script(turns: int) -> list[dict[str, Any]]:
    calls = [{"tool_calls": [{"name": "read_page", "arguments": {"n": i}}]} for i in range(turns)]
    return [*calls, {"text": "All pages read."}]


async def one_run(case: str, turns: int, summarizer: Client) -> tuple[list[int], int]:
    """One loop of ``turns`` tool turns: prompt tokens per model call, extra prompt tokens."""
    policy = None
    if case != "none":
        policy = HistoryPolicy(max_tokens=BUDGET, strategy=case, keep_last=6)  # type: ignore[arg-type]
    agent: Agent[Any] = Agent(
        name="bench",
        model="grok-4-1-fast-reasoning",
        instructions="Read every page, then answer.",
        tools=[read_page],
        limits=Limits(max_turns=turns + 5),
        history=policy,
    )
    seen: list[int] = []
    async with Simulator(script=_script(turns)) as sim, Client(endpoint=sim.address) as client:
        model = MeasuredModel(client, summarizer, seen)
        result = await agent.run("Read the report.", model=model, client=client)
    turn_tokens = sum(seen) + model.extra
    return seen, model.extra + result.usage.prompt_tokens - turn_tokens


def fit_cost_us(n: int = 100, calls: int = 20_000) -> dict[str, float]:
    """µs per HistoryFit.fit under the budget (the per-turn path), and estimate_tokens cold."""
    from agentrt.agents.history import estimate_tokens

    messages = [system("Read."), user("Read the report.")]
    for i in range(n // 2):
        call = ToolCall(id=f"c{i}", name="read_page", arguments='{"n": 1}')
        messages.append(Message(role="assistant", tool_calls=(call,)))
        messages.append(tool_result(f"c{i}", PAGE[:200]))
    fit = HistoryFit(HistoryPolicy(max_tokens=10**9))
    loop: Any = SimpleNamespace(messages=messages, chain=None)

    async def many() -> float:
        started = time.perf_counter()
        for _ in range(calls):
            await fit.fit(loop)
        return (time.perf_counter() - started) / calls * 1e6

    warm = asyncio.run(many())
    started = time.perf_counter()
    for _ in range(1000):
        estimate_tokens(messages)
    cold = (time.perf_counter() - started) / 1000 * 1e6
    return {"fit_us": warm, "estimate_all_us": cold, "messages": float(len(messages))}


async def measure(turns: int, rounds: int) -> dict[str, list[tuple[list[int], int]]]:
    runs: dict[str, list[tuple[list[int], int]]] = {c: [] for c in CASES}
    async with Simulator() as plain, Client(endpoint=plain.address) as summarizer:
        for r in range(-1, rounds):  # round -1: warm-up, discarded
            for case in CASES:
                seen, extra = await one_run(case, turns, summarizer)
                if r >= 0:
                    runs[case].append((seen, extra))
                print(f"  round {r + 1}  {case:<22} {sum(seen):>9,} tokens sent", flush=True)
    return runs


def report(runs: dict[str, list[tuple[list[int], int]]], turns: int, rounds: int) -> None:
    rows: dict[str, Any] = {}
    for case, samples in runs.items():
        per_turn = [median([s[0][t] for s in samples]) for t in range(turns + 1)]
        rows[case] = {
            "per_turn": per_turn,
            "total": median([sum(s[0]) for s in samples]),
            "extra": median([s[1] for s in samples]),
            "last": per_turn[-1],
            "median_turn": median(per_turn),
        }
    print(f"\n{turns}-turn tool loop, budget {BUDGET} est. tokens, keep_last 6, {rounds} rounds")
    print("| case | median prompt tokens/turn | last turn | total sent | policy calls' prompt |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for case, row in rows.items():
        print(
            f"| {case} | {row['median_turn']:,.0f} | {row['last']:,.0f} | "
            f"{row['total']:,.0f} | {row['extra']:,.0f} |"
        )
    cost = fit_cost_us()
    print(
        f"\nfit() under the budget, {cost['messages']:.0f} messages: {cost['fit_us']:.2f} µs/turn; "
        f"estimating all of them from scratch: {cost['estimate_all_us']:.1f} µs"
    )
    print(machine())
    write_results("history", {"turns": turns, "rounds": rounds, "cases": rows, "fit": cost})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smoke run: figures mean nothing")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--turns", type=int, default=50)
    args = parser.parse_args()
    turns, rounds = (6, 1) if args.quick else (args.turns, args.rounds)
    report(asyncio.run(measure(turns, rounds)), turns, rounds)


if __name__ == "__main__":
    main()
