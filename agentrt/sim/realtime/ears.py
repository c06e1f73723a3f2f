"""The simulator's ears: offline speech recognition with ``pocketsphinx`` (:class:`Ears`).

pocketsphinx's general English model (in its wheel) decodes each utterance at 16 kHz;
the decoder's n-best list is then rescored toward the session's own words (its
instructions, tool names and descriptions, parameter names, enum values), so what a
speaker is likely to say to this agent wins over an acoustically close stranger. The
words are lower case as recognised; names are then given their capitals (weekdays,
months, the world's cities in the time-zone database, and words the session itself
writes with a capital) so the model sees proper nouns as a typist would write them.

Decoding is CPU bound: it runs in the process's two decoding threads (one decoder per
thread) with a bounded queue, and an utterance longer than :data:`MAX_UTTERANCE_S` is cut.
"""

from __future__ import annotations

import asyncio
import importlib
import math
import re
import threading
import zoneinfo
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import Any

from agentrt.sim.candidates import stems
from agentrt.sim.realtime.voice import resample

__all__ = ["MAX_UTTERANCE_S", "Ears", "EarsUnavailable", "session_words", "truecase"]

MAX_UTTERANCE_S = 30
"""Audio recognised per utterance; the rest is not heard."""
_RATE = 16000
_NBEST = 50
_BIAS = 0.5  # a session word in a hypothesis is worth …
_SCORE_WEIGHT = 12.0  # … this times the log of its score's ratio to the best one's
_WORD = re.compile(r"[A-Za-z][A-Za-z']*")
_CALENDAR = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]


class EarsUnavailable(Exception):
    """pocketsphinx is not installed."""


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """Lower-case name -> how it is written: weekdays, months, cities of the zone database."""
    names = {w: w.capitalize() for w in _CALENDAR if w not in ("may", "march")}
    for zone in zoneinfo.available_timezones():
        city = zone.rsplit("/", 1)[-1]
        if "/" in zone and city[:1].isupper() and not city.isupper():
            names[city.replace("_", " ").lower()] = city.replace("_", " ")
    return names


def session_words(texts: Iterable[str]) -> tuple[frozenset[str], dict[str, str]]:
    """The words the session uses (lower case), and its capitalised ones (as written)."""
    bias: set[str] = set()
    capitals: dict[str, str] = {}
    for text in texts:
        spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", text).replace("_", " ")
        bias.update(w.lower() for w in _WORD.findall(spaced) if len(w) > 2)
        for match in re.finditer(r"(?<=[a-z,] )[A-Z][a-z]+", text):
            capitals[match.group(0).lower()] = match.group(0)
    return frozenset(bias), capitals


def truecase(text: str, capitals: dict[str, str]) -> str:
    """``text`` (recognised, lower case) with names capitalised and its first letter too."""
    names = {**_names(), **capitals}
    words = text.split()
    out: list[str] = []
    i = 0
    while i < len(words):
        pair = " ".join(words[i : i + 2])
        if i + 1 < len(words) and pair in names:
            out.append(names[pair])
            i += 2
            continue
        out.append("I" if words[i] == "i" else names.get(words[i], words[i]))
        i += 1
    joined = " ".join(out)
    return joined[:1].upper() + joined[1:]


def _roots(text: str) -> set[str]:
    """Content words' stems, a final ``e`` dropped ("size" and "sizes" alike)."""
    return {stem.rstrip("e") for stem in stems(text)}


def _score(ratio: float, hypothesis: str, bias: set[str]) -> float:
    return _BIAS * len(_roots(hypothesis) & bias) + _SCORE_WEIGHT * math.log(max(ratio, 1e-9))


def _sounds(decoder: Any, words: frozenset[str]) -> dict[str, str]:
    """The session's words by pronunciation (phones as the decoder's dictionary says)."""
    sounds: dict[str, str] = {}
    for word in sorted(words):
        phones = decoder.lookup_word(word)
        if phones:
            sounds.setdefault(phones, word)
    return sounds


def _respell(hypothesis: str, decoder: Any, sounds: dict[str, str]) -> str:
    """``hypothesis`` with each word (or word pair) that sounds like a session word spelt so.

    A recogniser cannot tell "whether" from "weather" by ear; the session can.
    """
    words = hypothesis.split()
    out: list[str] = []
    i = 0
    while i < len(words):
        pair = " ".join(filter(None, (decoder.lookup_word(w) for w in words[i : i + 2])))
        if i + 1 < len(words) and pair in sounds:
            out.append(sounds[pair])
            i += 2
            continue
        out.append(sounds.get(decoder.lookup_word(words[i]) or "", words[i]))
        i += 1
    return " ".join(out)


_WORKERS = 2
_pool: ThreadPoolExecutor | None = None
_pool_made = threading.Lock()
_local = threading.local()  # each thread's decoder


def _shared_pool() -> ThreadPoolExecutor:
    """The process's decoding threads: one pool for every simulator, so threads and
    decoders (tens of MB each) are bounded however many simulators a process runs."""
    global _pool
    with _pool_made:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=_WORKERS, thread_name_prefix="sim-ears")
        return _pool


class Ears:
    """Speech to text in the process's decoding threads, ``waiting`` callers at most queued."""

    def __init__(self, waiting: int = 4 * _WORKERS) -> None:
        self._slots = asyncio.Semaphore(waiting)  # callers beyond these wait here, unqueued

    async def hear(self, pcm16: bytes, rate: int, bias: frozenset[str]) -> str:
        """What ``pcm16`` (PCM16 mono at ``rate`` Hz) says, lower case.

        Raises:
            EarsUnavailable: pocketsphinx is not installed.
        """
        pcm16 = pcm16[: MAX_UTTERANCE_S * rate * 2]
        async with self._slots:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(_shared_pool(), self._decode, pcm16, rate, bias)

    def _decoder(self) -> Any:
        decoder = getattr(_local, "decoder", None)
        if decoder is None:
            try:
                pocketsphinx = importlib.import_module("pocketsphinx")  # untyped: an optional extra
            except ImportError:
                raise EarsUnavailable(
                    "pocketsphinx is not installed: pip install 'agentrt[voicesim]' for the "
                    "simulator to hear audio"
                ) from None
            decoder = pocketsphinx.Decoder(loglevel="FATAL")
            _local.decoder = decoder
            _local.cmn = decoder.get_cmn(False)
        return decoder

    def _decode(self, pcm16: bytes, rate: int, bias: frozenset[str]) -> str:
        decoder = self._decoder()
        audio = resample(pcm16, rate, _RATE)
        decoder.set_cmn(_local.cmn)  # each utterance heard afresh: the same audio, the same words
        decoder.start_utt()
        decoder.process_raw(audio, full_utt=True)
        decoder.end_utt()
        best = decoder.hyp()
        if best is None:
            return ""
        if not bias:
            return str(best.hypstr)
        sounds = _sounds(decoder, bias)
        wanted = _roots(" ".join(bias))
        choices = [
            (h.hypstr, h.score)
            for h, _ in zip(decoder.nbest(), range(_NBEST), strict=False)
            if h is not None  # pocketsphinx yields None for a lattice with no words (a hum)
        ]
        top = max((score for _, score in choices), default=0.0)
        spelt = _respell(best.hypstr, decoder, sounds)
        ranked = [(_score(1.0, spelt, wanted), 0, spelt)]
        for rank, (hypothesis, score) in enumerate(choices, 1):
            spelt = _respell(hypothesis, decoder, sounds)
            ratio = score / top if top > 0 else 0.0
            ranked.append((_score(ratio, spelt, wanted), -rank, spelt))
        return str(max(ranked)[2])
