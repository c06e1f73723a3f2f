"""Values a call takes from earlier tool results rather than from the message.

A required parameter the message leaves empty takes the value of a result field of
the same or a similar name (``customer_id`` from ``id`` of a customer tool's result);
a parameter whose description says it comes from another offered tool
("the booking id from get_booking") takes only that tool's result; a date-and-time
parameter the message gives only a day for takes a time a look-up found that day.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from agentrt.sim.lexicon import concepts
from agentrt.sim.paramwants import want

__all__ = ["DAY_ONLY", "day_only", "from_peer", "recall"]

_ID_SUFFIXES = ("id", "code", "number", "no", "ref", "key", "identifier")

DAY_ONLY = "day only"
"""The source of a date-and-time parameter the message gives only a day for."""


def day_only(name: str, spec: Mapping[str, Any], assigned: Mapping[str, Any]) -> bool:
    """Whether ``name`` wants a date and time and holds only a day."""
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


def from_peer(
    name: str, spec: Mapping[str, Any], tool_name: str, description: str, peers: Sequence[str]
) -> bool:
    """Whether ``name``'s value comes from another tool's result: its description names
    that tool, or the tool's description says so of it ("needs the internal booking id
    from get_booking")."""
    others = tuple(p for p in peers if p != tool_name)
    return _said_from(name, str(spec.get("description", "")), description, others)


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
