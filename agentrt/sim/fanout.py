"""Values the message says as a list: one array argument, or one call each.

"Ann, Bo and Cy" go together into an array parameter (``attendees``); "NVDA and
MSFT" for a tool whose one free parameter takes a single value make one call each,
as real models make parallel calls so; "processor load and RAM usage" likewise for
a tool's one enum parameter.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from itertools import pairwise
from typing import Any

from agentrt.sim.candidates import Candidate
from agentrt.sim.fitness import compatible as _compatible
from agentrt.sim.fitness import convert as _convert
from agentrt.sim.fitness import resolve as _resolve
from agentrt.sim.fitness import score as _score
from agentrt.sim.fitness import shape as _shape
from agentrt.sim.fitness import types as _types
from agentrt.sim.paramwants import value_for, want
from agentrt.sim.relevance import enum_mentions

__all__ = ["assign_lists", "fan_out", "listed"]


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
    said = {c.text for c in candidates if id(c) in listed(candidates, lowered)}
    return next((p for p in required if str(assigned.get(p)) in said), None)


def fan_out(
    root: Mapping[str, Any],
    owner: str,
    props: Mapping[str, Any],
    required: list[str],
    candidates: Sequence[Candidate],
    assigned: dict[str, Any],
    sources: dict[str, str],
    lowered: str,
) -> list[dict[str, Any]]:
    """More calls of a tool (schema ``root``; ``owner`` its name and description) for the
    other values of the same kind and shape the message lists for its one free parameter ("NVDA and MSFT"), or for its one enum parameter
    ("processor load and RAM usage"): real models make parallel calls so."""
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
        said_with = listed(candidates, lowered)  # "track A and B": B as fit as A
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
            and _compatible(spec, c, fan, owner)
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
            joined = re.search(r"\b(?:and|or|plus|as well as)\b|[,&/]", between)
            if p not in used and m != assigned[enums[0]] and joined:
                others.setdefault(p, m)
        return [{**assigned, enums[0]: m} for m in list(others.values())[:3]]
    return []


_JOINER = re.compile(r"\s*(?:,|,?\s*(?:and|or|&))\s*")


def listed(candidates: Sequence[Candidate], lowered: str) -> set[int]:
    """Ids of candidates said as a list of one kind: "Ann, Bo and Cy", "a.txt and b.txt"."""
    out: set[int] = set()
    for a, b in pairwise(candidates):
        between = lowered[a.start + len(a.text) : b.start]
        if a.kind == b.kind and _JOINER.fullmatch(between):
            out.update((id(a), id(b)))
    return out


def assign_lists(
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
