"""How relevant each offered tool is to the user's message, and why.

A tool's vocabulary is the concepts (:mod:`agentrt.sim.lexicon`) of its name
(weight 3), its description (1), its parameters' names (1) and descriptions
(0.5). A message concept the tool's vocabulary holds adds its weight, divided
by the number of offered tools that hold it too (a word every tool has tells
them apart by nothing) and quartered for generic verbs ("get", "list"). A
parameter's enum value the message names adds 1.5. The tool's own name in the
message scores 10.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from agentrt.sim.lexicon import STOP, concept, concepts, concepts_of, known_word, spaced_text

__all__ = [
    "GENERIC",
    "RELEVANT",
    "ToolScore",
    "enum_mentioned",
    "enum_mentions",
    "enum_partly_meant",
    "relevant",
    "score_tools",
    "vocabulary",
]

_GENERIC_WORDS = (
    "get set list find lookup search fetch do run make call "
    "compute calculate check query retrieve use tool function return current "
    "given specific information info detail data value result new name id"
)
GENERIC = frozenset(map(concept, _GENERIC_WORDS.split()))


@dataclass(frozen=True, kw_only=True)
class ToolScore:
    """One tool's relevance: its score and the message words that made it."""

    name: str
    score: float
    matched: tuple[str, ...]
    told: bool = False  # the system instructions name the tool
    acts: bool = False  # the tool's name verb changes something (cancel, create, pay) …
    asked: bool = False  # … and the message asks for that action
    own_values: bool = False  # values of the message only this tool takes (a second question)


def _props(parameters: Mapping[str, Any]) -> Mapping[str, Any]:
    props = parameters.get("properties", {}) if isinstance(parameters, Mapping) else {}
    return props if isinstance(props, Mapping) else {}


def vocabulary(name: str, description: str, parameters: Mapping[str, Any]) -> dict[str, float]:
    """Concept → weight of a tool's words (the highest weight where a concept recurs)."""
    weights: dict[str, float] = {}

    def add(text: str, weight: float) -> None:
        for c in concepts(text):
            weights[c] = max(weights.get(c, 0.0), weight)

    add(name, 3.0)
    add(description, 1.0)
    for pname, spec in _props(parameters).items():
        add(str(pname), 1.0)
        if isinstance(spec, Mapping):
            add(str(spec.get("description", "")), 0.5)
    return weights


def enum_mentions(members: Any, lowered: str) -> list[tuple[int, Any]]:
    """(position, member) of each enum member ``lowered`` (the message) names, by value or alias."""
    from agentrt.sim.lexicon import ENUM_ALIASES

    found: list[tuple[int, Any]] = []
    coded: dict[str, int] | None = None
    for member in members if isinstance(members, list) else ():
        token = str(member).lower()
        spoken = (token, *ENUM_ALIASES.get(token, ()), token.replace("_", " "))
        if isinstance(member, int) and not isinstance(member, bool):
            spoken += _ORDINALS.get(member, ())  # "second-line support" is tier 2
        at = [_position(word, lowered) for word in spoken if word]
        if coded is None:
            coded = _codes(lowered)
        at.append(coded.get(token, -1))  # "a PowerPoint" names pptx, "£" names gbp
        at.append(_initials_at(token, lowered))  # "master services agreement" names msa
        hits = [p for p in at if p >= 0 and not _NEGATED.search(lowered[:p])]
        if hits:
            found.append((min(hits), member))
    named = {m for _, m in found}
    rest = [m for m in members if m not in named] if isinstance(members, list) else []
    if rest:
        found += _meant(members, rest, lowered)
    return sorted(found, key=lambda pm: pm[0])


def _initials_at(token: str, lowered: str) -> int:
    """Where the words whose initials spell ``token`` (3 to 5 letters) start, or -1."""
    if not 3 <= len(token) <= 5 or not token.isalpha() or token in lowered.split():
        return -1
    if token in STOP or known_word(token):
        return -1  # "low" is a word, not initials ("look over wages")
    m = _initials_pattern(token).search(lowered)
    return m.start() if m else -1


@lru_cache(maxsize=512)
def _initials_pattern(token: str) -> re.Pattern[str]:
    return re.compile(r"[\s-]+".join(rf"\b{re.escape(c)}[a-z]{{2,}}" for c in token))


@lru_cache(maxsize=256)
def _codes(lowered: str) -> dict[str, int]:  # read-only: cached per message
    """Position of each code (file extension, ISO currency) the message names in words."""
    from agentrt.sim.dates import find_durations
    from agentrt.sim.worldknowledge import currency_mentions, file_type_mentions

    out: dict[str, int] = {}
    for start, _, code in (*file_type_mentions(lowered), *currency_mentions(lowered)):
        out.setdefault(code.lower(), start)
    for found in find_durations(lowered):  # "the past 6 hours" names the window "6h"
        for short in _short_spans(float(found.value)):
            out.setdefault(short, found.start)
    return out


def _short_spans(minutes: float) -> list[str]:
    """A length of time in minutes, as the short forms enums use: 360 → 360m, 6h."""
    out: list[str] = []
    if not 0 < minutes < 1e9:  # no enum window is longer than a millennium (nor infinite)
        return out
    for unit, size in (("s", 1 / 60), ("m", 1), ("min", 1), ("h", 60), ("d", 1440), ("w", 10080)):
        count = minutes / size
        if count >= 1 and count == int(count):
            out.append(f"{int(count)}{unit}")
    return out


def _words(member: Any) -> list[str]:
    return [w for w in re.split(r"[^a-z0-9]+", str(member).lower()) if w]


def _meant(members: list[Any], rest: list[Any], lowered: str) -> list[tuple[int, Any]]:
    """Members the message names by a synonym of each of their distinctive words:
    ``found_cheaper`` for "found it cheaper", ``network`` for "VPN", ``fall-2027``
    for "autumn 2027", ``cpu_percent`` for "processor load" (a word or a meaning
    several members share tells them apart by nothing and is not needed)."""
    tokens = _tokens(lowered)
    seen: dict[str, int] = {}
    for m in members:
        for w in set(_words(m)):
            seen[w] = seen.get(w, 0) + 1
    shared_meaning: dict[str, int] = {}
    for m in members:
        for c in {c for w in _words(m) for c in concepts_of(w)}:
            shared_meaning[c] = shared_meaning.get(c, 0) + 1
    out = []
    for member in rest:
        needed = [w for w in _words(member) if seen[w] == 1 and w not in STOP]
        at = []
        for w in needed:
            # a meaning most members share ("metric" of cpu, memory, disk) tells nothing;
            # one two share ("resolved", "closed") still names either
            means = {c for c in concepts_of(w) if shared_meaning.get(c, 0) <= 2}
            pos = next((p for p, cs in tokens if cs & means), -1)
            if pos < 0:
                break
            at.append(pos)
        else:
            if at:
                out.append((min(at), member))
    return out


def enum_partly_meant(members: Any, lowered: str) -> Any:
    """The one member of a required enum whose distinctive words the message partly says
    ("a size too small": ``wrong_size``), when no member is named whole; else None.

    Only a member that alone has a word said is taken: two members each with a word said
    tell nothing apart."""
    if not isinstance(members, list) or not members:
        return None
    tokens = _tokens(lowered)
    seen: dict[str, int] = {}
    for m in members:
        for w in set(_words(m)):
            seen[w] = seen.get(w, 0) + 1
    said_words = [w for w in re.findall(r"[a-z]{4,}", lowered) if w not in STOP]
    hits = []
    for member in members:
        distinctive = [w for w in _words(member) if seen[w] == 1 and w not in STOP]
        said = [
            w
            for w in distinctive
            if any(cs & set(concepts_of(w)) for _, cs in tokens)
            or (len(w) >= 4 and any(w.startswith(x) for x in said_words))  # "tech": technical
        ]
        if said:
            hits.append(member)
    return hits[0] if len(hits) == 1 else None


@lru_cache(maxsize=64)
def _tokens(lowered: str) -> list[tuple[int, set[str]]]:
    """Content words with their meanings; a word just after a negation ("isn't pressing",
    "not urgent") names no enum member."""
    spaced = spaced_text(lowered)
    out, negated_until = [], -1
    for n, m in enumerate(re.finditer(r"[a-z0-9][a-z0-9'’]*", spaced)):
        word = m.group(0)
        if word in _NEGATIONS:
            negated_until = n + 2
        elif word not in STOP and n > negated_until:
            out.append((m.start(), set(concepts_of(word))))
    return out


_NEGATED = re.compile(r"\b(?:not|no|never|\w+n['’]t)\s+(?:\w+\s+)?$")
_NEGATIONS = frozenset({"not", "no", "never", "nothing", "without"})
_ORDINALS = {1: ("first", "1st"), 2: ("second", "2nd"), 3: ("third", "3rd"), 4: ("fourth", "4th")}


def _position(word: str, lowered: str) -> int:
    if word not in lowered:
        return -1
    if word.replace(" ", "").isalnum():
        m = _whole_word(word).search(lowered)
        return m.start() if m else -1
    return lowered.find(word)


@lru_cache(maxsize=1024)
def _whole_word(word: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w]){re.escape(word)}(?![\w])")


def enum_mentioned(members: Sequence[Any], lowered: str) -> Any:
    """The first enum member ``lowered`` (the message, lower case) names, or None."""
    found = enum_mentions(members, lowered)
    return found[0][1] if found else None


def _enums(parameters: Mapping[str, Any]) -> list[Sequence[Any]]:
    out: list[Sequence[Any]] = []
    for spec in _props(parameters).values():
        if isinstance(spec, Mapping):
            members = spec.get("enum") or (spec.get("items") or {}).get("enum")
            if isinstance(members, list) and members:
                out.append(members)
    return out


def score_tools(text: str, tools: Sequence[Any], instructions: str = "") -> list[ToolScore]:
    """The relevance of each of ``tools`` (objects with name/description/parameters) to ``text``.

    A tool the system ``instructions`` name verbatim is not held to the share of the
    best score (:func:`relevant`): the agent's author asked for it.
    """
    # a path's, code's or CamelCase name's parts are not words asked
    message = concepts(" ".join(w for w in text.split() if not _VALUE_TOKEN.search(w)))
    lowered = text.lower()
    told = instructions.lower()
    vocabs = [vocabulary(t.name, t.description, t.parameters) for t in tools]
    scores = []
    for tool, vocab in zip(tools, vocabs, strict=True):
        if re.search(rf"(?<![\w]){re.escape(tool.name.lower())}(?![\w])", lowered):
            scores.append(ToolScore(name=tool.name, score=10.0, matched=(tool.name,)))
            continue
        total, matched = 0.0, []
        named = bool(told) and bool(
            re.search(rf"(?<![\w]){re.escape(tool.name.lower())}(?![\w])", told)
        )
        if named:
            matched.append("instructions")
        for c in sorted(message & vocab.keys()):
            shared = sum(1 for v in vocabs if c in v)
            weight = vocab[c] / shared * (0.25 if c in GENERIC else 1.0)
            total += weight
            matched.append(c)
        verb = re.split(r"[_\W]+|(?<=[a-z])(?=[A-Z])", tool.name.strip("_"))[0]
        if message & set(concepts_of(verb)) and concept(verb) not in GENERIC:
            # the action the tool's name starts with is the one asked for ("reserve" → book_hotel)
            total += 1.5
            matched.append(f"verb:{concept(verb)}")
        for members in _enums(tool.parameters):
            hit = enum_mentioned(members, lowered)
            if hit is not None:
                total += 1.5
                matched.append(f"enum:{hit}")
        acts = not set(concepts_of(verb)) & _LOOKING and concept(verb) not in GENERIC
        scores.append(
            ToolScore(
                name=tool.name,
                score=round(total, 3),
                matched=tuple(matched),
                told=named,
                acts=acts,
                asked=bool(message & set(concepts_of(verb))),
            )
        )
    return scores


_LOOKING_WORDS = (
    "get fetch find search lookup list read show view check track estimate calculate "
    "compute convert summarize translate count describe query retrieve verify"
)
_LOOKING = frozenset(concept(w) for w in _LOOKING_WORDS.split(" "))
_VALUE_TOKEN = re.compile(r"[/\\@\d]|[a-z][A-Z]")  # paths, addresses, codes, CamelCase names

RELEVANT = 1.5
"""The least score of a tool the model calls (a name word, or two description words)."""
_SHARE_OF_BEST = 0.5


def relevant(scores: Sequence[ToolScore]) -> list[int]:
    """Indexes of the relevant tools: scoring at least :data:`RELEVANT` and half the best.

    The share keeps a tool that matched one incidental word out when another
    matched the request outright; a tool must match two things (two words, a word
    and its verb, an enum value or the message's values) or a word of its own name
    alone: a question that merely names an object several tools share ("what is a
    deployment?") asks for no action. A tool that changes something (``cancel_order``)
    is called only when its action is asked for or it is the most relevant one:
    "where is my order?" looks the order up and cancels nothing.
    """
    best = max((s.score for s in scores), default=0.0)
    return [
        i
        for i, s in enumerate(scores)
        if s.score >= RELEVANT
        and (not s.acts or s.asked or s.told or s.own_values or s.score >= best)
        and (
            s.told
            or s.own_values
            or (s.score >= _SHARE_OF_BEST * best and (len(s.matched) >= 2 or s.score >= 2.5))
        )
    ]
