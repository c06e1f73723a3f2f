"""The simulator's ears: word error rate on spoken prompts it has never seen.

Each prompt is synthesized by espeak-ng (the simulator's own voices, at the session's
24 kHz) and recognised by :class:`agentrt.sim.realtime.ears.Ears` (pocketsphinx's
general English model), twice: with no session, and with its domain's session (the
instructions and tools a voice agent of that domain would be given, written without
looking at the prompts), whose words bias the recogniser. Six domains, four prompts
each: weather, shop, travel, calendar, support, finance. Prints each prompt's
hypotheses and the WER overall (word edits / reference words, case and punctuation
ignored).

    PYTHONPATH=.:generated python -m benchmarks.bench_voice_wer [--voices Ara,Eve] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import time
from typing import Any

from agentrt.sim.realtime.ears import Ears, session_words, truecase
from agentrt.sim.realtime.voice import speak
from benchmarks.harness import write_results

__all__ = ["DOMAINS", "PROMPTS", "hear", "word_errors"]


def _tool(name: str, description: str, **params: Any) -> dict[str, Any]:
    return {
        "type": "function",
        "name": name,
        "description": description,
        "parameters": {"type": "object", "properties": params},
    }


_TEXT = {"type": "string"}
DOMAINS: dict[str, tuple[str, list[dict[str, Any]]]] = {
    "weather": (
        "You are a weather assistant. Give forecasts, temperatures and rain chances.",
        [
            _tool("get_weather", "Get the current weather for a city", city=_TEXT),
            _tool("get_forecast", "Get the forecast for the coming days", city=_TEXT, days=_TEXT),
        ],
    ),
    "shop": (
        "You help customers of an online store with orders, returns, sizes and prices.",
        [
            _tool("find_product", "Search the catalogue for a product", query=_TEXT),
            _tool("start_return", "Start a return or refund for an order", order_id=_TEXT),
            _tool("track_order", "Track the delivery of an order", order_id=_TEXT),
        ],
    ),
    "travel": (
        "You book flights, trains and hotels and change travel plans.",
        [
            _tool("book_flight", "Book a flight to a destination", destination=_TEXT, date=_TEXT),
            _tool("book_hotel", "Reserve a hotel room", city=_TEXT, nights=_TEXT),
        ],
    ),
    "calendar": (
        "You manage the user's calendar: meetings, reminders and appointments.",
        [
            _tool("create_event", "Schedule a meeting or appointment", title=_TEXT, time=_TEXT),
            _tool("set_reminder", "Set a reminder", text=_TEXT, time=_TEXT),
        ],
    ),
    "support": (
        "You are technical support for internet, phone and account problems.",
        [
            _tool("open_ticket", "Open a support ticket describing the problem", problem=_TEXT),
            _tool("reset_password", "Reset the password of the user's account", email=_TEXT),
        ],
    ),
    "finance": (
        "You are a banking assistant: balances, transfers, payments and cards.",
        [
            _tool("get_balance", "Get the balance of an account", account=_TEXT),
            _tool("transfer_money", "Transfer money between accounts", amount=_TEXT),
            _tool("block_card", "Block a lost or stolen card", card=_TEXT),
        ],
    ),
}
PROMPTS: list[tuple[str, str]] = [
    ("weather", "What is the weather in Paris"),
    ("weather", "Will it rain in Seattle tomorrow"),
    ("weather", "How cold will it be this weekend"),
    ("weather", "Give me the forecast for the next three days"),
    ("shop", "I would like to return my shoes"),
    ("shop", "Where is my order"),
    ("shop", "Do you have this jacket in a larger size"),
    ("shop", "How much does the blue shirt cost"),
    ("travel", "Book a flight to London on Friday"),
    ("travel", "I need a hotel room in Chicago for two nights"),
    ("travel", "Can I change my train ticket"),
    ("travel", "Cancel my reservation for tonight"),
    ("calendar", "Schedule a meeting with Anna tomorrow at three"),
    ("calendar", "Remind me to call my mother tonight"),
    ("calendar", "What is on my calendar next week"),
    ("calendar", "Move my dentist appointment to Monday"),
    ("support", "My internet connection keeps dropping"),
    ("support", "I forgot my password"),
    ("support", "The phone will not turn on"),
    ("support", "Please open a ticket for my broken router"),
    ("finance", "What is the balance of my savings account"),
    ("finance", "Transfer one hundred dollars to my checking account"),
    ("finance", "I lost my credit card"),
    ("finance", "Pay my electricity bill"),
]


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower())


def word_errors(reference: str, hypothesis: str) -> tuple[int, int]:
    """(word edits, reference words) between two texts, case and punctuation ignored."""
    ref, hyp = _words(reference), _words(hypothesis)
    row = list(range(len(hyp) + 1))
    for i in range(1, len(ref) + 1):
        diagonal, row[0] = row[0], i
        for j in range(1, len(hyp) + 1):
            diagonal, row[j] = (
                row[j],
                min(row[j] + 1, row[j - 1] + 1, diagonal + (ref[i - 1] != hyp[j - 1])),
            )
    return row[len(hyp)], len(ref)


def _session_texts(domain: str) -> list[str]:
    instructions, tools = DOMAINS[domain]
    texts = [instructions]
    for tool in tools:
        texts += [tool["name"], tool["description"], *tool["parameters"]["properties"]]
    return texts


async def hear(ears: Ears, text: str, voice: str, domain: str | None, rate: int = 24000) -> str:
    """What the ears make of ``text`` spoken by ``voice``, biased to ``domain``'s session."""
    pcm = await speak(text, voice, rate)
    bias, capitals = session_words(_session_texts(domain)) if domain else (frozenset(), {})
    heard = await ears.hear(pcm, rate, bias)
    return truecase(heard, capitals) if heard else ""


async def _run(voices: list[str], prompts: list[tuple[str, str]]) -> dict[str, dict[str, float]]:
    """Print every prompt's hypotheses; return the WER per voice, without and with its session."""
    ears = Ears()
    wer: dict[str, dict[str, float]] = {}
    for voice in voices:
        totals = {"no session": [0, 0], "its session": [0, 0]}
        started = time.perf_counter()
        print(f"\nvoice {voice}:\n")
        print("| prompt | heard, no session | heard, its session |\n|---|---|---|")
        for domain, text in prompts:
            plain = await hear(ears, text, voice, None)
            biased = await hear(ears, text, voice, domain)
            for key, heard in (("no session", plain), ("its session", biased)):
                edits, words = word_errors(text, heard)
                totals[key][0] += edits
                totals[key][1] += words
            print(f"| {text} | {plain} | {biased} |")
        spent = time.perf_counter() - started
        for key, (edits, words) in totals.items():
            print(f"\nWER {voice}, {key}: {edits / words:.3f} ({edits}/{words} words)")
        print(f"({len(prompts)} prompts, {spent / len(prompts) / 2:.2f} s per recognition)")
        wer[voice] = {key: edits / words for key, (edits, words) in totals.items()}
    return wer


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--voices", default="Ara,Eve,Rex", help="xAI voices to speak with")
    parser.add_argument("--quick", action="store_true", help="one prompt per domain, one voice")
    args = parser.parse_args(argv)
    voices = args.voices.split(",")
    prompts = PROMPTS
    if args.quick:
        voices, prompts = voices[:1], PROMPTS[::4]
    wer = asyncio.run(_run(voices, prompts))
    write_results("voice_wer", {"prompts": len(prompts), "wer": wer})


if __name__ == "__main__":
    main()
