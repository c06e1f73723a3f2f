"""Which tools the simulated model calls, and with what arguments.

The model picks tools whose name or description words the user's text uses,
then fills each tool's parameters from *candidates* found in the text: quoted
phrases, identifiers (codes such as ``AB-123``), e-mail addresses, URLs, ISO
dates, proper nouns (capitalised words that do not merely start a sentence),
numbers, and enum values the text mentions. Each parameter takes the candidate
that best resembles its name, description and examples (words just before the
candidate in the text, and the shape of the examples); else the schema default.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from agentrt.sim.candidates import Candidate, extract_candidates, stems, words
from agentrt.sim.fanout import assign_lists, fan_out, listed
from agentrt.sim.fitness import ID_WORDS as _ID_WORDS
from agentrt.sim.fitness import compatible as _compatible
from agentrt.sim.fitness import convert as _convert
from agentrt.sim.fitness import free_text as _free_text
from agentrt.sim.fitness import resolve as _resolve
from agentrt.sim.fitness import score as _score
from agentrt.sim.fitness import types as _types
from agentrt.sim.flags import assign_flags
from agentrt.sim.jsonfill import fill
from agentrt.sim.objects import said_after, word_after
from agentrt.sim.paramwants import chronological, hint, range_end, value_for, want
from agentrt.sim.recall import DAY_ONLY, day_only, from_peer, recall
from agentrt.sim.relevance import enum_mentions, enum_partly_meant, relevant, score_tools
from agentrt.sim.toolschema import readable
from agentrt.sim.worldknowledge import is_code

__all__ = [
    "DAY_ONLY",
    "Candidate",
    "Filled",
    "FunctionTool",
    "build_calls",
    "extract_candidates",
    "fill_calls",
    "recall",
    "select_tools",
    "stems",
]


@dataclass(frozen=True, kw_only=True)
class FunctionTool:
    """A client-side function tool of the request, with its parsed JSON schema."""

    name: str
    description: str
    parameters: Mapping[str, Any]

    def __post_init__(self) -> None:
        # the client's JSON, unchecked: a keyword of the wrong type is read as absent
        object.__setattr__(self, "parameters", readable(self.parameters))


def select_tools(
    text: str, tools: Sequence[FunctionTool], *, parallel: bool, required: str | bool = False
) -> list[FunctionTool]:
    """The tools ``text`` is relevant to (see :mod:`agentrt.sim.relevance`), in offered order.

    ``required`` is True (some tool must be called) or a tool name (that one).
    """
    if isinstance(required, str):
        return [t for t in tools if t.name == required][:1]
    scores = score_tools(text, tools)
    chosen = relevant(scores)
    if not chosen and required and scores:
        chosen = [max(range(len(scores)), key=lambda i: (scores[i].score, -i))]
    if not parallel:
        chosen = sorted(chosen, key=lambda i: (-scores[i].score, i))[:1]
    return [tools[i] for i in sorted(chosen)]


def build_calls(
    tool: FunctionTool,
    text: str,
    candidates: Sequence[Candidate],
    *,
    parallel: bool,
    known: Sequence[tuple[str, Mapping[str, Any]]] = (),
) -> list[dict[str, Any]]:
    """Arguments for one or more calls of ``tool`` (several when the text lists several values)."""
    return fill_calls(tool, text, candidates, parallel=parallel, known=known).calls


@dataclass(frozen=True, kw_only=True)
class Filled:
    """The calls of one tool, and how well the message and earlier results filled them."""

    calls: list[dict[str, Any]]
    missing: tuple[str, ...]  # required parameters nothing filled (placeholders went in)
    sources: dict[str, str]  # parameter -> where its value came from


def fill_calls(
    tool: FunctionTool,
    text: str,
    candidates: Sequence[Candidate],
    *,
    parallel: bool,
    known: Sequence[tuple[str, Mapping[str, Any]]] = (),
    peers: Sequence[str] = (),
) -> Filled:
    """:func:`build_calls` with what filled each parameter and which required ones stayed empty.

    ``peers`` names the other offered tools: a parameter whose description says it
    comes from one of them ("the booking id from get_booking") takes no value of the
    message, only that tool's result.

    ``known`` holds earlier tool results, newest first: (tool name, flat normalized
    key -> value); a required parameter the message does not fill takes the value of
    a result field of the same or a similar name (``customer_id`` from ``id`` of a
    customer tool's result).
    """
    schema = _resolve(tool.parameters, tool.parameters)
    raw_props = schema.get("properties")
    props: Mapping[str, Any] = raw_props if isinstance(raw_props, Mapping) else {}
    candidates = _in_folder(candidates, props)
    raw_required = schema.get("required")
    required = [p for p in raw_required or () if isinstance(p, str) and p in props]
    lowered = text.lower()
    owner = f"{tool.name} {tool.description}"
    values = {c.text for c in candidates}
    counted = {  # "pages 10 - 20": a number's parameter takes numbers, never a code
        name
        for name, raw in props.items()
        if _types(spec_of(raw, tool.parameters)) & {"integer", "number"}
    }
    coded = {  # "section B", "row K": a code right after the parameter's own noun that is no
        # value of its own (an account's ACC-1029 goes where its role puts it)
        name: code
        for name in props
        if name not in counted
        and (code := word_after(name, text)) is not None
        and _CODE_SHAPE.fullmatch(code)
        and code not in values
    }
    assigned, sources = _assign(props, required, candidates, lowered, tool.parameters, owner, coded)
    for name in list(assigned):
        if name in required and from_peer(
            name, spec_of(props[name], tool.parameters), tool.name, tool.description, peers
        ):
            del assigned[name]
            sources[name] = "weak"
    for name in required:
        if day_only(name, spec_of(props[name], tool.parameters), assigned):
            value = recall(name, known)  # a time a look-up found on that day ("when they're free")
            if value is not None:
                assigned[name] = str(value)
                sources[name] = "result"
            else:
                sources[name] = DAY_ONLY
        elif sources.get(name, "weak") == "weak":
            value = recall(name, known)
            if value is not None:
                assigned[name] = _convert(spec_of(props[name], tool.parameters), str(value))
                sources[name] = "result"
            elif name not in counted and (after := word_after(name, text)) is not None:
                assigned[name], sources[name] = after, f"message {after!r}"
            elif (before := _word_before(name, text)) is not None:
                assigned[name], sources[name] = before, f"message {before!r}"
            elif name not in assigned and (said := said_after(name, tool.name, text)) is not None:
                assigned[name], sources[name] = said, f"message {said!r}"
            elif name not in assigned and _free_text(name, spec_of(props[name], tool.parameters)):
                assigned[name], sources[name] = _clause(text), "message"
            elif (
                name in assigned
                and _ID_WORDS & stems(name)
                and not re.search(r"\d", str(assigned[name]))
            ):
                del assigned[name]  # an id nothing names is unknown yet, not a guess
                sources.pop(name, None)
    calls = [assigned]
    if parallel:
        calls += fan_out(
            tool.parameters, owner, props, required, candidates, assigned, sources, lowered
        )
    missing = tuple(
        p
        for p in required
        if p not in assigned and "default" not in spec_of(props[p], tool.parameters)
    )
    return Filled(
        calls=[_complete(call, schema, tool.parameters) for call in calls],
        missing=missing,
        sources=sources,
    )


_CODE_SHAPE = re.compile(r"[A-Z]{1,3}|(?=[A-Za-z0-9-]*\d)[A-Za-z0-9-]{1,8}")

_FOLDERISH = re.compile(r"folder|dir|directory|parent|location", re.I)
_BARE_FILE = re.compile(r"[\w.-]+\.[A-Za-z][A-Za-z0-9]{0,4}")


def _in_folder(candidates: Sequence[Candidate], props: Mapping[str, Any]) -> Sequence[Candidate]:
    """File names said with their one folder ("in /home/li, rename a.txt to b.txt", "delete
    a.txt from /tmp") as whole paths, when the tool has no parameter of its own for the folder."""
    paths = [c for c in candidates if c.kind == "path"]
    folders = [c for c in paths if "/" in c.text and not _FILE_END_RE.search(c.text)]
    files = [c for c in paths if _BARE_FILE.fullmatch(c.text)]
    if len(folders) != 1 or not files or any(_FOLDERISH.search(p) for p in props):
        return candidates
    folder = folders[0].text.rstrip("/")
    joined = {id(c): replace(c, text=f"{folder}/{c.text}") for c in files}
    return [joined.get(id(c), c) for c in candidates if c is not folders[0]]


_FILE_END_RE = re.compile(r"\.[A-Za-z][A-Za-z0-9]{0,4}$")


def _assign(
    props: Mapping[str, Any],
    required: list[str],
    candidates: Sequence[Candidate],
    lowered: str,
    root: Mapping[str, Any],
    owner: str = "",
    coded: Mapping[str, str] | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Each parameter's value; ``owner`` is the tool's name and description, ``coded`` the
    values already said right after a parameter's noun."""
    out: dict[str, Any] = dict(coded or {})
    sources: dict[str, str] = {n: f"message {v!r}" for n, v in out.items()}
    _assign_enums(props, lowered, root, out, sources)
    for name in required:
        if name not in out and (members := _resolve(props[name], root).get("enum")):
            member = enum_partly_meant(members, lowered)
            if member is not None:
                out[name], sources[name] = member, "enum"
    assign_flags({n: _resolve(raw, root) for n, raw in props.items()}, lowered, out, sources)
    pairs = []
    has_list = any("array" in _types(_resolve(raw, root)) for raw in props.values())
    in_list = listed(candidates, lowered) if has_list else set()
    for name, raw in props.items():
        if name in out:
            continue
        spec = _resolve(raw, root)
        for j, cand in enumerate(candidates):
            if id(cand) in in_list and "array" not in _types(spec):
                continue  # "Ann, Bo and Cy" go together into the list parameter
            if _compatible(spec, cand, name, owner):
                pairs.append((_score(cand, name, spec), -j, name, cand))
    pairs.sort(key=lambda p: (p[0], p[1]), reverse=True)
    used: set[int] = set()
    for score, _, name, cand in pairs:
        if name in out or id(cand) in used:
            continue
        if name in required or score >= 2:
            spec = spec_of(props[name], root)
            value = value_for(want(name, spec), cand.kind, cand.text, name, spec)
            out[name] = _convert(spec, value)
            known = cand.kind == "proper" and (
                value != cand.text or is_code(hint(name, spec), value)
            )  # "Lisbon" as LIS, or "NVDA" itself for a ticker symbol
            kind: str = "known" if known else cand.kind
            kind = "money" if cand.money else kind
            sources[name] = f"{kind} {cand.text!r}" if score >= 1 or kind == "known" else "weak"
            used.add(id(cand))
    assign_lists(props, required, candidates, root, out, sources, used)
    _no_round_trip(out, sources)
    specs = {n: _resolve(raw, root) for n, raw in props.items()}
    chronological(specs, out)
    _low_to_high(out)
    end = range_end(specs, out, lowered)
    if end is not None:
        sources[end] = "date range"
    return out, sources


_LOW = re.compile(r"(?:^|_)(?:min|minimum|low|lower|from)(?:_|$)")
_HIGH = re.compile(r"(?:^|_)(?:max|maximum|high|upper|to)(?:_|$)")


def _low_to_high(out: dict[str, Any]) -> None:
    """A range's two numbers in order: "18000–24000" gives ``salary_min`` the smaller."""
    for low in [n for n in out if _LOW.search(n.lower())]:
        stem = _LOW.sub("_", low.lower()).strip("_")
        high = next(
            (
                n
                for n in out
                if _HIGH.search(n.lower()) and _HIGH.sub("_", n.lower()).strip("_") == stem
            ),
            None,
        )
        a, b = out[low], out.get(high) if high else None
        if high and isinstance(a, (int, float)) and isinstance(b, (int, float)) and a > b:
            out[low], out[high] = b, a


def _no_round_trip(out: dict[str, Any], sources: dict[str, str]) -> None:
    """A target that got the source's own value ("from Calgary … to Calgary") is unknown
    (a day may start and end a range: dates are kept)."""
    roles = {
        n: set(re.split(r"[^a-z]+", n.lower()))
        for n, v in out.items()
        if isinstance(v, str) and not re.match(r"\d{4}-\d\d", v)
    }
    sources_ = [n for n, r in roles.items() if r & _SOURCE_WORDS]
    for name, role in roles.items():
        if role & _TARGET_WORDS and any(out[name] == out[s] for s in sources_ if s != name):
            del out[name]
            sources.pop(name, None)


_CLAUSE = re.compile(
    r"(?:\b(?:saying|says|that says|reading|with the text|asking)\b|:)\s*(.+)$", re.I | re.S
)


def _word_before(name: str, text: str) -> str | None:
    """The word a message puts before a parameter's own noun: "the shop namespace" names
    the namespace ``shop``, "the database team" the team ``database``."""
    nouns = [w for w in re.split(r"[_\W]+", re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()) if w]
    if len(nouns) != 1 or nouns[0] in _ID_WORDS or nouns[0] in _STOP_BEFORE or len(nouns[0]) < 3:
        return None  # "to", "at": no noun a word before could name
    # a run of word characters is read from where it starts (a lookbehind), and the word
    # taken is its first part from a lower-case letter on: linear on a 20 KB "a-a-a-…"
    noun = nouns[0]
    for m in re.finditer(rf"(?<![\w.-])([\w.-]+)\s+{re.escape(noun)}s?\b", text):
        word = _LOWER_START.search(m.group(1))
        if word and word.group(0) not in _STOP_BEFORE:
            # a place or part of a building is named with its noun: "the living room", "the
            # front door"; a named group without it: "the shop namespace"
            return f"{word.group(0)} {noun}" if noun in _COMPOUND_HEADS else word.group(0)
    if noun in _COMPOUND_HEADS:
        whole = re.search(rf"\b([a-z]{{3,}}{re.escape(noun)})\b", text)  # "the bedroom"
        if whole:
            return whole.group(1)
    return None


_COMPOUND_HEADS = words(
    "room door gate window garden yard zone area floor hall office desk dock bay lot"
)


_LOWER_START = re.compile(r"(?:^|(?<=[.-]))[a-z][\w.-]*$")


_STOP_BEFORE = words(
    "the a an my our your their this that which what whose each every any some new old same "
    "other whole entire and or of for to in on at by with from"
)


def _clause(text: str) -> str:
    """The prose of ``text`` a free-text parameter takes: what follows "saying" or a colon."""
    m = _CLAUSE.search(text)
    clause = (m.group(1) if m else text).strip().lstrip(":").strip().rstrip(".?!").strip()
    return clause or text.strip()


_TARGET_WORDS = words("to target destination dest output into quote")
_SOURCE_WORDS = words("from source origin base input")


def _assign_enums(
    props: Mapping[str, Any],
    lowered: str,
    root: Mapping[str, Any],
    out: dict[str, Any],
    sources: dict[str, str],
) -> None:
    """Enum values the message names, each mention to one parameter.

    Two parameters of one enum (``from_currency``, ``to_currency``) take the
    mentions in order, a mention after "to"/"in"/"into" going to the target one.
    """
    taken: set[int] = set()
    for name, raw in props.items():
        mentions = enum_mentions(_resolve(raw, root).get("enum", []), lowered)
        if not mentions:
            continue
        free = [m for m in mentions if m[0] not in taken] or mentions
        role = set(re.split(r"[^a-z]+", name.lower()))
        if role & _TARGET_WORDS or role & _SOURCE_WORDS:
            target = bool(role & _TARGET_WORDS)
            fitting = [m for m in free if _after_to(lowered, m[0]) == target]
            free = fitting or free
        position, member = free[0]
        taken.add(position)
        out[name], sources[name] = member, "enum"


def _after_to(lowered: str, position: int) -> bool:
    before = re.findall(r"[a-z]+", lowered[:position])[-1:]
    return bool(before) and before[0] in ("to", "in", "into")


def spec_of(raw: Any, root: Mapping[str, Any]) -> dict[str, Any]:
    """``raw`` with ``$ref`` resolved against ``root``."""
    return _resolve(raw, root)


def _complete(
    call: dict[str, Any], schema: Mapping[str, Any], root: Mapping[str, Any]
) -> dict[str, Any]:
    """Fill what is still missing (defaults, placeholders) and keep key order of the schema."""
    from agentrt.sim.jsonfill import normalize_key

    values = {normalize_key(k): v for k, v in call.items()}
    filled = fill({**schema, **{k: root[k] for k in ("$defs", "definitions") if k in root}}, values)
    if not isinstance(filled, dict):
        return call
    return {**filled, **call}
