"""The simulated model's small knowledge of English: stems and common synonyms.

:func:`stem` folds inflections (plurals, ``-ing``, ``-ed``, ``-er``, a final
``e``, a doubled last consonant) so "costs", "priced" and "pricing" meet their
base word. :func:`concepts` maps each stem of a text onto one word per group of
everyday synonyms ("cost", "price", "charge" and "fee" are one concept), after
joining common two-word verbs ("look up", "call off"). The tables are general
English, not tied to any agent or prompt: they are what lets the model see that
"what does it cost" asks a tool described as "get the price".
"""

from __future__ import annotations

import re
from functools import lru_cache

from agentrt.sim.synonyms import GROUPS, PHRASES

__all__ = [
    "ENUM_ALIASES",
    "STOP",
    "concept",
    "concepts",
    "concepts_of",
    "known_word",
    "spaced_text",
    "stem",
]

_STOP_WORDS = (
    "a an the and or but of to in on at for from by with about into over under is are was were be "
    "been being it its this that these those i me my we our us you your he she they them their what "
    "which who whom whose when why how can could would should will shall may might must do does "
    "did please tell give let lets want need like just also then than there here some any all "
    "each every no not yes as if so up out now much many one two via per both too very am im i'm it's "
    "what's whats"
)
STOP = frozenset(_STOP_WORDS.split())

# two-word verbs and idioms are joined before stemming (the join is itself a word of a group)
_PHRASES = tuple(sorted(PHRASES, key=lambda p: -len(p[0])))
_GROUPS = GROUPS
_JOIN = dict(_PHRASES)
_PHRASE_RE = re.compile(r"(?<= )(" + "|".join(re.escape(p) for p, _ in _PHRASES) + r")(?= )")

ENUM_ALIASES: dict[str, tuple[str, ...]] = {
    # spoken names of common enum values (currencies, units): what a user writes for them
    "eur": ("euro", "euros", "€"),
    "usd": ("dollar", "dollars", "us dollars", "$", "bucks"),
    "gbp": ("pound", "pounds", "sterling", "£", "quid"),
    "jpy": ("yen", "¥"),
    "chf": ("swiss franc", "swiss francs", "francs"),
    "cad": ("canadian dollar", "canadian dollars"),
    "aud": ("australian dollar", "australian dollars"),
    "inr": ("rupee", "rupees", "₹"),
    "cny": ("yuan", "renminbi", "rmb"),
    "celsius": ("°c", "centigrade"),
    "fahrenheit": ("°f",),
    "metric": ("celsius", "kilometres", "kilometers"),
    "imperial": ("fahrenheit", "miles"),
}


@lru_cache(maxsize=8192)
def stem(word: str) -> str:
    """``word`` lower-cased with its inflection folded (consistent, not a dictionary form)."""
    w = word.lower().strip("'’")
    for round_ in range(2):
        for suffix, repl in (
            ("ies", "y"),
            ("ing", ""),
            ("ied", "y"),
            ("ed", ""),
            ("es", ""),
            ("er", ""),
            ("s", ""),
        ):
            if w.endswith(suffix) and len(w) - len(suffix) >= (4 if suffix == "er" else 3):
                if suffix == "s" and w.endswith(("ss", "us", "is")):
                    continue
                if round_ and suffix in ("s", "es"):
                    continue  # a plural is folded once: "courses" → "cours", as "course"
                w = w[: -len(suffix)] + repl
                break
        else:
            break
    if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "aeiou":
        w = w[:-1]
    if len(w) > 3 and w.endswith("e"):
        w = w[:-1]
    return w


_CONCEPTS: dict[str, tuple[str, ...]] = {}
for _group in _GROUPS:
    for _w in _group.split():
        _s = stem(_w)
        if _group.split()[0] not in _CONCEPTS.get(_s, ()):
            _CONCEPTS[_s] = (*_CONCEPTS.get(_s, ()), _group.split()[0])
_WORD = re.compile(r"[a-z][a-z0-9'’]*")


def concept(word: str) -> str:
    """The concept ``word`` belongs to (its stem when it is in no synonym group)."""
    s = stem(word)
    return _CONCEPTS.get(s, (s,))[0]


def known_word(word: str) -> bool:
    """Whether ``word`` is an everyday word of the synonym groups (a verb or noun of common
    requests), so no name: "Grab Amara Osei's essay" starts with a verb."""
    return stem(word) in _CONCEPTS


def concepts_of(word: str) -> tuple[str, ...]:
    """Every concept ``word`` belongs to (a word may have several meanings)."""
    s = stem(word)
    return _CONCEPTS.get(s, (s,))


def spaced_text(text: str) -> str:
    """``text`` lower case, split on case and underscores, with common phrases joined."""
    return _spaced(text)


def _spaced(text: str) -> str:
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", text).replace("_", " ").replace("-", " ")
    lowered = re.sub(r"n['’]t\b", " not", spaced.lower())  # "isn't" → "is not"
    lowered = re.sub(r"['’](?:s|re|ll|ve|d|m)\b", "", lowered)  # "where's" → "where"
    lowered = " " + re.sub(r"[^\w'’ ]+", " ", lowered) + " "
    lowered = re.sub(r"\s+", " ", lowered)
    for _ in range(2):  # joined phrases may stand next to each other: " look up call off "
        lowered = _PHRASE_RE.sub(lambda m: _JOIN[m.group(1)], lowered)
    return lowered


@lru_cache(maxsize=4096)
def concepts(text: str) -> frozenset[str]:
    """The concepts of ``text``'s content words (split on case and underscores).

    Cached: tool descriptions recur on every request of an agent."""
    return frozenset(
        c for w in _WORD.findall(_spaced(text)) if w not in STOP for c in concepts_of(w)
    )
