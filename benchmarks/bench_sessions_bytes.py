"""Bytes sent per turn of a session: resending the history vs ``previous_response_id``.

A 20-turn conversation (each input ~400 characters) against the real simulator
(``agentrt.sim.Simulator`` on a loopback port, in this process) through
``agent.run(..., session=(MemoryStore(), id), session_mode=...)`` for each mode:

- ``resend``: the whole history every turn;
- ``previous_response_id``: only the new input, continuing the last turn's stored response;
- ``auto``: the run encodes the first call both ways and sends the smaller.

Per turn: the request bytes on the wire (what the client's request encoder made,
the gRPC message body) and the wall time of ``agent.run`` (model call on loopback,
session load and append; the simulator's own CPU is in it, on the same loop).
Modes are interleaved (one conversation of each per round), a warm-up round is
discarded, and medians per turn are reported.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from typing import Any

from agentrt.agents.agent import Agent
from agentrt.agents.chat_model import ChatModel
from agentrt.agents.session import MemoryStore
from agentrt.sim import Simulator
from agentrt.xai.client import Client
from benchmarks.harness import median, write_results

MODES = ("resend", "previous_response_id", "auto")


class MeasuredModel(ChatModel):
    """xAI's chat model, recording the bytes of each request it sends."""

    def __init__(self, client: Client, sent: list[int]) -> None:
        super().__init__(client)
        self.sent = sent

    def complete(self, request: Any, *, timeout: float | None) -> Any:
        encoded = self._encoder.encode(request)
        self.sent.append(len(encoded.data))
        return self.client.chat.complete(encoded, timeout=timeout)


def question(turn: int) -> str:
    return (
        f"Turn {turn}: "
        + (
            "Here is more about the trip we are planning together: two days in Lisbon, "
            "one museum a day, lunch near the river, a tram ride, and a list of what to pack. "
        )
        * 2
    )


async def conversation(client: Client, mode: str, turns: int, tag: str) -> list[tuple[int, float]]:
    """One conversation of ``turns`` runs: (bytes sent, wall seconds) per turn."""
    agent: Agent[Any] = Agent(name="bench", model="grok-4-1-fast-reasoning", instructions="Help.")
    store = MemoryStore()
    out = []
    for turn in range(turns):
        sent: list[int] = []
        started = time.perf_counter()
        await agent.run(
            question(turn),
            model=MeasuredModel(client, sent),
            session=(store, f"{tag}-{mode}"),
            session_mode=mode,  # type: ignore[arg-type]
        )
        out.append((sum(sent), time.perf_counter() - started))
    return out


async def measure(turns: int, rounds: int) -> dict[str, list[list[tuple[int, float]]]]:
    runs: dict[str, list[list[tuple[int, float]]]] = {m: [] for m in MODES}
    async with Simulator() as sim, Client(endpoint=sim.address) as client:
        for r in range(-1, rounds):  # round -1: warm-up, discarded
            for mode in MODES:
                result = await conversation(client, mode, turns, f"r{r}")
                if r >= 0:
                    runs[mode].append(result)
                total = sum(b for b, _ in result)
                print(f"  round {r + 1:>2}  {mode:<22} {total:>9,} bytes", flush=True)
    return runs


def summarise(runs: dict[str, list[list[tuple[int, float]]]], turns: int) -> dict[str, Any]:
    per_turn: dict[str, Any] = {}
    for mode, convs in runs.items():
        per_turn[mode] = {
            "bytes": [median([c[t][0] for c in convs]) for t in range(turns)],
            "ms": [median([c[t][1] for c in convs]) * 1e3 for t in range(turns)],
            "total_bytes": median([sum(b for b, _ in c) for c in convs]),
        }
    return per_turn


def report(per_turn: dict[str, Any], turns: int, rounds: int) -> None:
    print(f"\n{turns}-turn conversation, medians of {rounds} rounds\n")
    print("| turn | " + " | ".join(f"{m} bytes | ms" for m in MODES) + " |")
    print("| ---: |" + " ---: | ---: |" * len(MODES))
    for t in range(turns):
        cells = [f"{per_turn[m]['bytes'][t]:,.0f} | {per_turn[m]['ms'][t]:.2f}" for m in MODES]
        print(f"| {t} | " + " | ".join(cells) + " |")
    print("| total | " + " | ".join(f"{per_turn[m]['total_bytes']:,.0f} | " for m in MODES) + "|")
    write_results("sessions_bytes", {"turns": turns, "rounds": rounds, "modes": per_turn})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smoke run: figures mean nothing")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--turns", type=int, default=20)
    args = parser.parse_args()
    turns, rounds = (4, 1) if args.quick else (args.turns, args.rounds)
    runs = asyncio.run(measure(turns, rounds))
    report(summarise(runs, turns), turns, rounds)


if __name__ == "__main__":
    main()
