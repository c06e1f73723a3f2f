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
from dataclasses import dataclass
from typing import Any

from agentrt.sim.candidates import GENERIC_VERBS, Candidate, extract_candidates, stems, words
from agentrt.sim.jsonfill import fill

__all__ = [
    "Candidate",
    "FunctionTool",
    "build_calls",
    "extract_candidates",
    "select_tools",
    "stems",
]

_ID_WORDS = words("id code sku ref reference number no key identifier ticket order")
_NAME_WORDS = words(
    "name city country place location person user customer destination origin title "
    "company town region state airport"
)


@dataclass(frozen=True, kw_only=True)
class FunctionTool:
    """A client-side function tool of the request, with its parsed JSON schema."""

    name: str
    description: str
    parameters: Mapping[str, Any]


def select_tools(
    text: str, tools: Sequence[FunctionTool], *, parallel: bool, required: str | bool = False
) -> list[FunctionTool]:
    """The tools ``text`` refers to: by name, by name words, or by description words.

    ``required`` is True (some tool must be called) or a tool name (that one).
    """
    if isinstance(required, str):
        return [t for t in tools if t.name == required][:1]
    words = stems(text)
    lowered = text.lower()
    scored = [(_tool_score(t, words, lowered), i, t) for i, t in enumerate(tools)]
    chosen = [(s, i, t) for s, i, t in scored if s >= 2]
    chosen.sort(key=lambda x: (-x[0], x[1]))
    if not chosen and required and scored:
        chosen = sorted(scored, key=lambda x: (-x[0], x[1]))[:1]
    if not parallel:
        chosen = chosen[:1]
    return [t for _, _, t in sorted(chosen, key=lambda x: x[1])]


def _tool_score(tool: FunctionTool, words: set[str], lowered: str) -> float:
    if re.search(rf"(?<![\w]){re.escape(tool.name.lower())}(?![\w])", lowered):
        return 10.0
    name_words = stems(tool.name) - GENERIC_VERBS
    description_words = stems(tool.description) - GENERIC_VERBS
    return 3.0 * len(name_words & words) + len(description_words & words)


def build_calls(
    tool: FunctionTool, text: str, candidates: Sequence[Candidate], *, parallel: bool
) -> list[dict[str, Any]]:
    """Arguments for one or more calls of ``tool`` (several when the text lists several values)."""
    schema = _resolve(tool.parameters, tool.parameters)
    props: Mapping[str, Any] = schema.get("properties", {})
    required = [p for p in schema.get("required", []) if p in props]
    lowered = text.lower()
    assigned = _assign(props, required, candidates, lowered, tool.parameters)
    calls = [assigned]
    fan = _fan_out_param(props, required, tool.parameters)
    if parallel and fan is not None and fan in assigned:
        first = next((c for c in candidates if c.text == assigned[fan]), None)
        if first is not None:
            best = _score(first, fan, _resolve(props[fan], tool.parameters))
            peers = [
                c
                for c in candidates
                if c.kind == first.kind
                and c.text != first.text
                and _score(c, fan, _resolve(props[fan], tool.parameters)) >= best
            ]
            calls += [{**assigned, fan: c.text} for c in peers[:7]]
    return [_complete(call, schema, tool.parameters) for call in calls]


def _fan_out_param(
    props: Mapping[str, Any], required: list[str], root: Mapping[str, Any]
) -> str | None:
    if len(required) != 1:
        return None
    spec = _resolve(props[required[0]], root)
    return required[0] if spec.get("type") == "string" and "enum" not in spec else None


def _assign(
    props: Mapping[str, Any],
    required: list[str],
    candidates: Sequence[Candidate],
    lowered: str,
    root: Mapping[str, Any],
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, raw in props.items():
        spec = _resolve(raw, root)
        mentioned = _mentioned_enum(spec, lowered)
        if mentioned is not None:
            out[name] = mentioned
    pairs = []
    for name, raw in props.items():
        if name in out:
            continue
        spec = _resolve(raw, root)
        for j, cand in enumerate(candidates):
            if _compatible(spec, cand):
                pairs.append((_score(cand, name, spec), -j, name, cand))
    pairs.sort(key=lambda p: (p[0], p[1]), reverse=True)
    used: set[int] = set()
    for score, _, name, cand in pairs:
        if name in out or id(cand) in used:
            continue
        if name in required or score >= 2:
            out[name] = _convert(spec_of(props[name], root), cand.text)
            used.add(id(cand))
    return out


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


def _resolve(raw: Any, root: Mapping[str, Any]) -> dict[str, Any]:
    spec: dict[str, Any] = dict(raw) if isinstance(raw, Mapping) else {}
    for _ in range(16):
        ref = spec.get("$ref")
        if not isinstance(ref, str) or not ref.startswith("#/"):
            break
        target: Any = root
        for part in ref[2:].split("/"):
            target = target.get(part, {}) if isinstance(target, Mapping) else {}
        spec = {**target, **{k: v for k, v in spec.items() if k != "$ref"}}
    for key in ("anyOf", "oneOf"):
        branches = [_resolve(b, root) for b in spec.get(key, [])]
        non_null = [b for b in branches if b.get("type") != "null"]
        if non_null:
            spec = {**non_null[0], **{k: v for k, v in spec.items() if k != key}}
    return spec


def _types(spec: Mapping[str, Any]) -> set[str]:
    kind = spec.get("type", "string")
    return set(kind) if isinstance(kind, list) else {str(kind)}


def _compatible(spec: Mapping[str, Any], cand: Candidate) -> bool:
    if "enum" in spec or "const" in spec:
        return False
    types = _types(spec)
    if types & {"integer"} and cand.kind == "number":
        return "." not in cand.text and "," not in cand.text
    if types & {"number"} and cand.kind == "number":
        return True
    return bool(types & {"string"})


def _convert(spec: Mapping[str, Any], text: str) -> Any:
    types = _types(spec)
    plain = text.replace(",", "")
    if "integer" in types and re.fullmatch(r"-?\d+", plain):
        return int(plain)
    if "number" in types and re.fullmatch(r"-?\d+(\.\d+)?", plain):
        return float(plain) if "." in plain else int(plain)
    return text


def _mentioned_enum(spec: Mapping[str, Any], lowered: str) -> Any:
    for member in spec.get("enum", []):
        token = str(member).lower()
        if token and re.search(rf"(?<![\w]){re.escape(token)}(?![\w])", lowered):
            return member
    return None


def _shape(text: str) -> str:
    shape = re.sub(r"[A-Z]+", "A", text)
    shape = re.sub(r"[a-z]+", "a", shape)
    return re.sub(r"\d+", "9", shape)


def _score(cand: Candidate, name: str, spec: Mapping[str, Any]) -> float:
    words = (
        stems(name) | stems(str(spec.get("description", ""))) | stems(str(spec.get("title", "")))
    )
    score = 2.0 * len(words & cand.context)
    examples = [str(e) for e in spec.get("examples", [])]
    if "default" in spec:
        examples.append(str(spec["default"]))
    if any(_shape(e) == _shape(cand.text) for e in examples):
        score += 3.0
    fmt = spec.get("format")
    if (fmt, cand.kind) in {
        ("date", "date"),
        ("date-time", "date"),
        ("email", "email"),
        ("uri", "url"),
    }:
        score += 3.0
    if words & _ID_WORDS and cand.kind == "identifier":
        score += 2.0
    if words & _NAME_WORDS and cand.kind == "proper":
        score += 1.5
    if cand.kind == "quoted":
        score += 0.5
    if cand.kind == "number" and "string" in _types(spec):
        score -= 1.0
    return score
