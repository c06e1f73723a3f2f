"""Yes/no parameters the user's words switch on or off (the simulated model).

An optional boolean parameter whose content words the message names, each by
itself or a synonym, is true: "direct flights" sets ``nonstop_only``, "include
archived ones" sets ``include_archived``. Named right after "not", "no",
"never" or "without" it is false ("without breakfast" clears ``breakfast``).
Filler words of flag names ("only", "include", "is") need not be said.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from agentrt.sim.lexicon import concepts_of, spaced_text, stem

__all__ = ["assign_flags"]

_FILLER = frozenset(
    stem(w)
    for w in ("only", "is", "has", "have", "include", "included", "with", "allow", "enable", "use")
)
_NEGATIONS = frozenset({"not", "no", "never", "without"})


def _flag_words(name: str) -> list[frozenset[str]]:
    """The concepts of each content word of ``name``, one set per word."""
    return [frozenset(concepts_of(w)) for w in spaced_text(name).split() if stem(w) not in _FILLER]


def assign_flags(
    props: Mapping[str, Mapping[str, Any]],
    lowered: str,
    out: dict[str, Any],
    sources: dict[str, str],
) -> None:
    """Set each boolean parameter of ``props`` (resolved specs) the message names."""
    tokens: list[str] | None = None
    for name, spec in props.items():
        if name in out or spec.get("type") != "boolean":
            continue
        wanted = _flag_words(name)
        if not wanted:
            continue
        tokens = tokens if tokens is not None else spaced_text(lowered).split()
        said = [set(concepts_of(t)) for t in tokens]
        hits = [next((i for i, c in enumerate(said) if c & w), -1) for w in wanted]
        if min(hits) < 0:
            continue  # every content word of the flag must be said
        first = min(hits)
        negated = bool(_NEGATIONS & set(tokens[max(0, first - 2) : first]))
        out[name], sources[name] = not negated, f"flag {tokens[first]!r}"
