"""Realtime voice: time to first audio, client CPU per second of audio, memory per session.

One ``agentrt sim --http-port 0`` in its own process speaks (espeak-ng) and listens
(pocketsphinx). This process opens N sessions with ``client.realtime.connect`` (push to
talk), each sends a question as text and asks for a response, and reads every event until
``response.done``. Reported per N (1 and 100 concurrent sessions), interleaved rounds:

- time to first audio: from ``response.create`` sent to the first audio delta (median and
  p90 over the sessions of a round);
- client CPU per second of audio received (this process's CPU over the audio's length);
- memory per session: what Python allocated (tracemalloc) to open and hold the N sessions, / N
  (traced while opening only, so the timed part runs untraced).

The simulator's CPU (speech synthesis included) is not charged to the client.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import tracemalloc
from typing import Any

from benchmarks.harness import machine, write_results
from tests.conftest import running_sim

QUESTION = "Tell me about the weather in Lisbon and what to wear."
RATE = 24_000


async def _one(session: Any, first: list[float], audio: list[int]) -> None:
    from agentrt.xai.realtime.events import AudioDelta, ResponseDone

    await session.send_text(QUESTION)
    sent = time.perf_counter()
    await session.create_response()
    got = 0
    async for event in session:
        if isinstance(event, AudioDelta):
            if not got:
                first.append(time.perf_counter() - sent)
            got += len(event.audio)
        elif isinstance(event, ResponseDone):
            break
    audio.append(got)


async def round_of(rest_url: str, sessions: int) -> dict[str, float]:
    """One round: ``sessions`` at once; the figures of the round."""
    from contextlib import AsyncExitStack

    from agentrt.xai.client import Client
    from agentrt.xai.realtime.config import SessionConfig

    config = SessionConfig(turn_detection=None, transcribe_input=False)
    first: list[float] = []
    audio: list[int] = []
    async with Client(endpoint=rest_url, api_key="bench", timeout=120) as client:
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        async with AsyncExitStack() as stack:
            opened = [
                await stack.enter_async_context(client.realtime.connect(session=config))
                for _ in range(sessions)
            ]
            held = tracemalloc.get_traced_memory()[0]
            tracemalloc.stop()
            cpu = time.process_time()
            async with asyncio.TaskGroup() as tg:
                for s in opened:
                    tg.create_task(_one(s, first, audio))
            cpu = time.process_time() - cpu
    seconds = sum(audio) / 2 / RATE
    first.sort()
    return {
        "ttfa_p50_ms": statistics.median(first) * 1000,
        "ttfa_p90_ms": first[int(0.9 * (len(first) - 1))] * 1000,
        "cpu_ms_per_audio_s": cpu / seconds * 1000 if seconds else float("nan"),
        "kib_per_session": (held - before) / 1024 / sessions,
        "audio_s_per_session": seconds / sessions,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--many", type=int, default=100, help="concurrent sessions, second case")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    rounds, many = (1, 4) if args.quick else (args.rounds, args.many)
    results: dict[str, list[dict[str, float]]] = {"1 session": [], f"{many} sessions": []}
    with running_sim("--http-port", "0") as sim:
        assert sim.rest_url is not None
        for r in range(-1, rounds):  # one warm-up round, discarded
            for label, n in ((("1 session", 1)), (f"{many} sessions", many)):
                figures = asyncio.run(round_of(sim.rest_url, n))
                print(f"  round {r + 1}/{rounds} {label:<14} " + ", ".join(
                    f"{k} {v:,.1f}" for k, v in figures.items()), flush=True)  # fmt: skip
                if r >= 0:
                    results[label].append(figures)
    print("\n| case | TTFA p50 ms | TTFA p90 ms | client CPU ms per audio s | KiB per session |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for label, rows in results.items():
        med = {k: statistics.median(row[k] for row in rows) for k in rows[0]}
        print(
            f"| {label} | {med['ttfa_p50_ms']:,.0f} | {med['ttfa_p90_ms']:,.0f} | "
            f"{med['cpu_ms_per_audio_s']:,.2f} | {med['kib_per_session']:,.0f} |"
        )
    write_results("voice", {"machine": machine(), "rounds": results})


if __name__ == "__main__":
    main()
