"""The thing an action is done to, and the place it is done in, said in plain words.

"scale checkout in prod to 5 replicas", "restart nginx on web-3": the word right after
the action the tool's name starts with (or a synonym the message uses) names the
tool's object parameter (``name``, ``deployment``, ``service``, …), and the word after
"in"/"on" names its place parameter (``namespace``, ``environment``, ``region``, …);
the word after "to (the)" its recipient (``payee``, ``assignee``): "send €75 to the
landlord".
Only plain single words count: a code, a date or a name is a candidate value of its
own (:mod:`agentrt.sim.candidates`), and a stop word or a number is no name.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import pairwise

from agentrt.sim.candidates import words
from agentrt.sim.dates import MONTHS, WEEKDAYS
from agentrt.sim.lexicon import concepts_of

__all__ = ["OBJECT_NAMES", "PLACE_NAMES", "RECIPIENT_NAMES", "said_after", "word_after"]

OBJECT_NAMES = words(
    "name deployment service app application job container pod host server project branch "
    "queue topic bucket cluster database db package function workflow pipeline process device "
    "vm instance node worker"
)
PLACE_NAMES = words("namespace environment env region stage zone datacenter workspace")
RECIPIENT_NAMES = words("payee recipient beneficiary assignee to")
_NOT_A_NAME = words(
    "a an the my our your their this that these those it its them all every each some any "
    "to in on at for from with by of and or but not no now please me us up down out off over "
    "back again new old"
)
_TOKEN = re.compile(r"[A-Za-z][\w.-]*")


def said_after(name: str, tool_name: str, text: str) -> str | None:
    """The plain word ``text`` says for parameter ``name`` of ``tool_name``, or None."""
    key = name.lower()
    if key in OBJECT_NAMES:
        return _after_action(tool_name, text)
    if key in PLACE_NAMES:
        return _after_preposition(text, "in|on")
    if key in RECIPIENT_NAMES:
        return _after_preposition(text, "to", whole=True)  # "send €75 to the landlord"
    return None


@lru_cache(maxsize=1024)
def _after_action(tool_name: str, text: str) -> str | None:
    verb = re.split(r"[_\W]+|(?<=[a-z])(?=[A-Z])", tool_name.strip("_"))[0].lower()
    meant = set(concepts_of(verb))
    tokens = list(_TOKEN.finditer(text))
    for here, after in pairwise(tokens):
        if set(concepts_of(here.group(0).lower())) & meant:
            return _plain(after.group(0))
    return None


@lru_cache(maxsize=1024)
def _after_preposition(text: str, prepositions: str, whole: bool = False) -> str | None:
    """The plain word after one of ``prepositions``; ``whole``: only a word that ends its
    phrase ("to the landlord for the rent"), not one that qualifies the next ("to the right
    person", "to the savings account", "to the account of my sister")."""
    for m in re.finditer(
        rf"\b(?:{prepositions})\s+(?:the\s+|my\s+|our\s+)?([A-Za-z][\w.-]*)", text
    ):
        word = _plain(m.group(1))
        if word is None:
            continue
        following = re.match(r"\s+([a-z]+)\b", text[m.end() : m.end() + 40])
        if whole and following and following.group(1) not in _PHRASE_ENDS:
            continue
        return word
    return None


_PHRASE_ENDS = words(
    "for by on at in before after until and or but so because as with via from today tomorrow "
    "tonight now please asap then when if right immediately"
)


def _plain(word: str) -> str | None:
    lowered = word.lower()
    if lowered in _NOT_A_NAME or lowered in MONTHS or lowered in WEEKDAYS or not word.islower():
        return None
    return word


def word_after(name: str, text: str) -> str | None:
    """The value ``text`` says right after the parameter's own noun: "section B", "unit
    4B", "gate B12" (a short code); for a qualified name ("utm_source") also a plain word:
    "source newsletter". None when nothing of that shape follows."""
    parts = [p for p in re.split(r"[_\W]+", re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()) if p]
    if not parts or len(parts[-1]) < 3 or parts[-1] in _NOT_A_NAME:
        return None  # "check_out": "out" is no noun
    return _code_after(parts[-1], len(parts) > 1, text)


@lru_cache(maxsize=2048)
def _code_after(noun: str, qualified: bool, text: str) -> str | None:
    for m in re.finditer(rf"\b{re.escape(noun)}s?\s+(?:#\s*)?([A-Za-z0-9][\w-]*)", text, re.I):
        token = m.group(1)
        if re.match(r"[.,]\d", text[m.end() : m.end() + 2]):
            continue  # "unit price 12.50": a number's whole part is no code
        if token != "I" and re.fullmatch(r"[A-Z]{1,3}|(?=[A-Za-z0-9-]*\d)[A-Za-z0-9-]{1,8}", token):
            return token  # "section B", "unit 4B"; "the group I teach" names the speaker
        if qualified and _plain(token) is not None and len(token) >= 3:
            return token  # "source newsletter"
    return None
