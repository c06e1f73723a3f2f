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
from functools import lru_cache
from itertools import pairwise
from typing import Any

from agentrt.sim.candidates import Candidate, extract_candidates, stems, words
from agentrt.sim.fitness import ID_WORDS as _ID_WORDS
from agentrt.sim.fitness import compatible as _compatible
from agentrt.sim.fitness import convert as _convert
from agentrt.sim.fitness import free_text as _free_text
from agentrt.sim.fitness import resolve as _resolve
from agentrt.sim.fitness import score as _score
from agentrt.sim.fitness import shape as _shape
from agentrt.sim.fitness import types as _types
from agentrt.sim.flags import assign_flags
from agentrt.sim.jsonfill import fill
from agentrt.sim.lexicon import concepts
from agentrt.sim.objects import said_after, word_after
from agentrt.sim.paramwants import chronological, hint, range_end, value_for, want
from agentrt.sim.relevance import enum_mentions, enum_partly_meant, relevant, score_tools
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
    coded = {  # "section B", "row K": a code right after the parameter's own noun that is no
        # value of its own (an account's ACC-1029 goes where its role puts it)
        name: code
        for name in props
        if (code := word_after(name, text)) is not None
        and _CODE_SHAPE.fullmatch(code)
        and code not in values
    }
    assigned, sources = _assign(props, required, candidates, lowered, tool.parameters, owner, coded)
    for name in list(assigned):
        if name in required and _from_peer(
            name, spec_of(props[name], tool.parameters), tool, peers
        ):
            del assigned[name]
            sources[name] = "weak"
    for name in required:
        if _day_only(name, spec_of(props[name], tool.parameters), assigned):
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
            elif (after := word_after(name, text)) is not None:
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
        calls += _fan_out(tool, props, required, candidates, assigned, sources, lowered)
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


_ID_SUFFIXES = ("id", "code", "number", "no", "ref", "key", "identifier")


_CODE_SHAPE = re.compile(r"[A-Z]{1,3}|(?=[A-Za-z0-9-]*\d)[A-Za-z0-9-]{1,8}")
DAY_ONLY = "day only"
"""The source of a date-and-time parameter the message gives only a day for."""


def _day_only(name: str, spec: Mapping[str, Any], assigned: Mapping[str, Any]) -> bool:
    value = assigned.get(name)
    return (
        isinstance(value, str)
        and re.fullmatch(r"\d{4}-\d\d-\d\d", value) is not None
        and want(name, spec) == "datetime"
    )


def recall(name: str, known: Sequence[tuple[str, Mapping[str, Any]]]) -> Any:
    """The value earlier results give parameter ``name`` (same or similar field name), or None."""
    from agentrt.sim.jsonfill import normalize_key

    key = normalize_key(name)
    base = next((key[: -len(s)] for s in _ID_SUFFIXES if key.endswith(s) and key != s), None)
    tries = [key]
    if base is not None:
        tries += [base + s for s in _ID_SUFFIXES] + [base]
    for _, fields in known:
        for k in tries:
            if k in fields:
                return fields[k]
    stem_key = base if base is not None else key
    if len(stem_key) >= 5:  # "ship_from_warehouse" gives warehouse_id
        for _, fields in known:
            for k, v in fields.items():
                if k.endswith(stem_key) and isinstance(v, (str, int)):
                    return v
    if base is not None:
        wanted = concepts(base)
        for tool_name, fields in known:
            if "id" in fields and wanted & concepts(tool_name):
                return fields["id"]
    return None


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


def _fan_out_param(
    props: Mapping[str, Any], required: list[str], root: Mapping[str, Any]
) -> str | None:
    """The one required free-value parameter (not an enum; a date only when it is the only
    one) a call fans out over: "Rome and Florence" are two searches sharing their dates."""
    free = [
        p
        for p in required
        if "enum" not in (spec := _resolve(props[p], root))
        and not want(p, spec)
        and spec.get("type", "string") == "string"
    ]
    if not free and len(required) == 1 and want(required[0], _resolve(props[required[0]], root)):
        return required[0]  # "on the 2nd and the 3rd": one call per day
    return free[0] if len(free) == 1 else None


def _listed_param(
    required: list[str], candidates: Sequence[Candidate], assigned: dict[str, Any], lowered: str
) -> str | None:
    """The required parameter holding one of values said as a list ("copy a.pdf and b.pdf
    to archive": ``source``), when several free parameters leave the choice open."""
    listed = {c.text for c in candidates if id(c) in _listed(candidates, lowered)}
    return next((p for p in required if str(assigned.get(p)) in listed), None)


def _fan_out(
    tool: FunctionTool,
    props: Mapping[str, Any],
    required: list[str],
    candidates: Sequence[Candidate],
    assigned: dict[str, Any],
    sources: dict[str, str],
    lowered: str,
) -> list[dict[str, Any]]:
    """More calls of ``tool`` for the other values of the same kind and shape the message
    lists for its one free parameter ("NVDA and MSFT"), or for its one enum parameter
    ("processor load and RAM usage"): real models make parallel calls so."""
    root = tool.parameters
    fan = _fan_out_param(props, required, root) or _listed_param(
        required, candidates, assigned, lowered
    )
    if fan is not None and fan in assigned and sources.get(fan) != "result":
        spec = _resolve(props[fan], root)
        wanted = want(fan, spec)
        value = str(assigned[fan])
        first = next(
            (
                c
                for c in candidates
                if value in (c.text, value_for(wanted, c.kind, c.text, fan, spec))
            ),
            None,
        )
        if first is None:
            return []
        best = _score(first, fan, spec)
        said_with = _listed(candidates, lowered)  # "track A and B": B as fit as A
        loose = first.kind in ("path", "email", "url", "date") or (
            first.kind == "identifier" and len(first.text) >= 10
        )  # long codes of one kind differ in shape: UPS's 1Z… and USPS's digits
        taken = {
            str(x).lower()
            for k, v in assigned.items()
            if k != fan
            for x in (v if isinstance(v, list) else [v])
        }
        peers = [
            c
            for c in candidates
            if c.kind == first.kind
            and c.text != first.text
            and c.text.lower() not in taken
            and (loose or _shape(c.text) == _shape(first.text))
            and (first.kind != "identifier" or len(first.text) < 10 or len(c.text) >= 10)
            and (first.kind != "url" or ("://" in c.text) == ("://" in first.text))
            and _compatible(spec, c, fan, f"{tool.name} {tool.description}")
            and (
                _score(c, fan, spec) >= max(best - 2.0, 0.0)
                or (id(c) in said_with and id(first) in said_with)
            )
        ]
        if peers:
            return [
                {**assigned, fan: _convert(spec, value_for(wanted, c.kind, c.text, fan, spec))}
                for c in peers[:7]
            ]
    enums = [p for p in required if sources.get(p) == "enum"]
    if len(enums) == 1:
        mentions = enum_mentions(_resolve(props[enums[0]], root).get("enum", []), lowered)
        used = {p for p, m in mentions if m == assigned[enums[0]]}
        others: dict[int, Any] = {}
        at = min(used, default=0)
        for p, m in mentions:  # one member per word: "fixed … solved" name one status
            between = lowered[min(p, at) : max(p, at)]
            listed = re.search(r"\b(?:and|or|plus|as well as)\b|[,&/]", between)
            if p not in used and m != assigned[enums[0]] and listed:
                others.setdefault(p, m)
        return [{**assigned, enums[0]: m} for m in list(others.values())[:3]]
    return []


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
    listed = _listed(candidates, lowered) if has_list else set()
    for name, raw in props.items():
        if name in out:
            continue
        spec = _resolve(raw, root)
        for j, cand in enumerate(candidates):
            if id(cand) in listed and "array" not in _types(spec):
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
    _assign_lists(props, required, candidates, root, out, sources, used)
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


_JOINER = re.compile(r"\s*(?:,|,?\s*(?:and|or|&))\s*")


def _listed(candidates: Sequence[Candidate], lowered: str) -> set[int]:
    """Ids of candidates said as a list of one kind: "Ann, Bo and Cy", "a.txt and b.txt"."""
    out: set[int] = set()
    for a, b in pairwise(candidates):
        between = lowered[a.start + len(a.text) : b.start]
        if a.kind == b.kind and _JOINER.fullmatch(between):
            out.update((id(a), id(b)))
    return out


def _assign_lists(
    props: Mapping[str, Any],
    required: list[str],
    candidates: Sequence[Candidate],
    root: Mapping[str, Any],
    out: dict[str, Any],
    sources: dict[str, str],
    used: set[int],
) -> None:
    """An array of strings takes every value of the kind that fits it best (all the e-mail
    addresses for ``attendees``, every path for ``source_paths``)."""
    for name, raw in props.items():
        spec = _resolve(raw, root)
        if name in out or "array" not in _types(spec):
            continue
        items = _resolve(spec.get("items") or {"type": "string"}, root)
        item = {
            **items,
            "description": f"{spec.get('description', '')} {items.get('description', '')}",
        }
        fitting = [c for c in candidates if id(c) not in used and _compatible(item, c, name)]
        scored = [(_score(c, name, item), c) for c in fitting]
        if not scored:
            continue
        best, first = max(scored, key=lambda sc: sc[0])
        if best < 1 and name not in required:
            continue
        chosen = [c for _, c in scored if c.kind == first.kind]
        out[name] = [_convert(items, c.text) for c in chosen]
        sources[name] = f"{first.kind} list"
        used.update(id(c) for c in chosen)


_CLAUSE = re.compile(
    r"(?:\b(?:saying|says|that says|reading|with the text|asking)\b|:)\s*(.+)$", re.I | re.S
)


def _from_peer(
    name: str, spec: Mapping[str, Any], tool: FunctionTool, peers: Sequence[str]
) -> bool:
    """Whether ``name``'s value comes from another tool's result: its description names
    that tool, or the tool's description says so of it ("needs the internal booking id
    from get_booking")."""
    others = tuple(p for p in peers if p != tool.name)
    return _said_from(name, str(spec.get("description", "")), tool.description, others)


@lru_cache(maxsize=2048)
def _said_from(name: str, said: str, description: str, others: tuple[str, ...]) -> bool:
    spoken = r"\W+".join(re.escape(w) for w in re.split(r"[_\W]+", name.lower()) if w)
    for peer in others:
        if peer not in said and peer not in description:
            continue
        if re.search(rf"\b{re.escape(peer)}\b", said) or re.search(
            rf"\b{spoken}\W+(?:\w+\W+){{0,2}}{re.escape(peer)}\b", description, re.I
        ):
            return True
    return False


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
