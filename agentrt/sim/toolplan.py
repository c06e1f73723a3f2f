"""Which function tools the simulated model calls this turn, and why (``x-sim-explain``).

The rules, in order (all deterministic):

* relevance: each tool is scored against the last user message
  (:mod:`agentrt.sim.relevance`); the relevant ones are candidates;
* arguments: each candidate is filled from the message and from earlier tool
  results (:func:`agentrt.sim.arguments.fill_calls`); it is *fillable* when
  every required parameter got a value (not a placeholder);
* first turn after the user's message: call every relevant, fillable tool at
  once (one, the most relevant, when ``parallel_tool_calls`` is off); when none
  is fillable, the most relevant one with what it has;
* after tool results: call the relevant tools not called since the user's
  message that the results made fillable (a chain: ``find_customer`` then
  ``list_orders(customer_id)``), or, one call per turn, the next relevant one;
  when none, answer from the results;
* never the same call (name and arguments) twice in a conversation.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from agentrt.sim.arguments import (
    DAY_ONLY,
    Filled,
    FunctionTool,
    extract_candidates,
    fill_calls,
    stems,
)
from agentrt.sim.fitness import fits_typed
from agentrt.sim.jsonfill import normalize_key
from agentrt.sim.lexicon import concepts
from agentrt.sim.relevance import RELEVANT, ToolScore, relevant, score_tools

__all__ = ["Decision", "History", "Planned", "canonical", "flat_fields", "plan_calls"]


@dataclass(frozen=True, kw_only=True)
class Decision:
    """Why one tool was called or not this turn."""

    tool: str
    score: float
    matched: tuple[str, ...]
    called: bool
    why: str
    arguments: tuple[str, ...] = ()  # the JSON arguments of each call made
    missing: tuple[str, ...] = ()
    sources: tuple[tuple[str, str], ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """This decision as JSON-ready data (the ``x-sim-explain`` trailer)."""
        return {
            "tool": self.tool,
            "score": self.score,
            "matched": list(self.matched),
            "called": self.called,
            "why": self.why,
            "arguments": [json.loads(a) for a in self.arguments],
            "missing": list(self.missing),
            "filled_from": dict(self.sources),
        }


@dataclass(frozen=True, kw_only=True)
class Planned:
    """The calls of this turn ((tool name, JSON arguments) in order) and every tool's decision."""

    calls: tuple[tuple[str, str], ...]
    decisions: tuple[Decision, ...]


@dataclass(frozen=True, kw_only=True)
class History:
    """What the conversation says about earlier calls."""

    made: frozenset[tuple[str, str]]  # every (name, canonical arguments) called so far
    since_user: frozenset[str]  # names called since the last user message
    results: tuple[tuple[str, Mapping[str, Any]], ...]  # newest first, flat fields
    follow_up: bool  # the last turns are tool results


def canonical(arguments: str) -> str:
    """``arguments`` JSON in one spelling (sorted keys), so equal calls compare equal."""
    try:
        return json.dumps(json.loads(arguments), sort_keys=True)
    except ValueError:
        return arguments


def flat_fields(value: Any) -> dict[str, Any]:
    """Scalar fields of a JSON value by normalized name; outer fields and first items win."""
    out: dict[str, Any] = {}

    def walk(v: Any, depth: int) -> None:
        if depth > 6:
            return
        if isinstance(v, dict):
            for k, item in v.items():
                if not isinstance(item, dict | list) and item is not None:
                    out.setdefault(normalize_key(str(k)), item)
            for item in v.values():
                walk(item, depth + 1)
        elif isinstance(v, list) and v:
            walk(v[0], depth + 1)

    walk(value, 0)
    return out


_ADVICE = re.compile(
    r"\b(?:any tips|tips (?:on|for)|any advice|advice (?:on|for)|(?:a|the) (?:sensible|good|best)"
    r" way|how should i|should i|do you think|is it (?:smart|wise|worth|a good idea)|just curious"
    r"|(?:better|worse) than|what(?:'s| is) the difference|any idea why)\b",
    re.I,
)


def plan_calls(
    text: str,
    tools: Sequence[FunctionTool],
    history: History,
    *,
    parallel: bool,
    required: str | bool,
    instructions: str = "",
) -> Planned:
    """The calls the model makes now, and why for each tool (see the module's rules)."""
    if isinstance(required, str):
        tools = [t for t in tools if t.name == required][:1]
    vocabulary = frozenset().union(*(stems(f"{t.name} {t.description}") for t in tools))
    names = [t.name for t in tools]
    # a tool's own name in the message ("use get_tide for Brest") names the tool, not a value
    candidates = [c for c in extract_candidates(text, vocabulary=vocabulary) if c.text not in names]
    fills = {
        i: fill_calls(
            tools[i], text, candidates, parallel=parallel, known=history.results, peers=names
        )
        for i in range(len(tools))
    }
    worded = score_tools(text, tools, instructions)
    clear = bool(relevant(worded))
    scores = [
        s if clear else _with_values(s, t, fills[i])
        for i, (s, t) in enumerate(zip(worded, tools, strict=True))
    ]
    if not clear:
        scores = _worded_first(worded, scores, fills)
    scores = [_with_typed(s, fills[i]) for i, s in enumerate(scores)]
    chosen = set(relevant(scores))
    if clear:
        scores = _unclaimed(scores, chosen, fills)
        chosen = set(relevant(scores))
    if history.follow_up:  # a result unlocked a tool the message asks of ("the refund")
        chosen |= {
            i
            for i, s in enumerate(scores)
            if s.score >= RELEVANT
            and not s.acts  # a look-up; an action waits to be asked
            and not fills[i].missing
            and "result" in fills[i].sources.values()
        }
    if _ADVICE.search(text) and not any(c.kind != "proper" for c in candidates):
        # asked for advice, naming no record: the model answers; only a help tool fits
        chosen = {i for i in chosen if "knowledge" in scores[i].matched or scores[i].told}
    if required and not chosen and scores and not history.follow_up:
        chosen = {max(range(len(scores)), key=lambda i: (scores[i].score, -i))}
    fresh = {
        i: [
            json.dumps(c)
            for c in fills[i].calls
            if (tools[i].name, json.dumps(c, sort_keys=True)) not in history.made
        ]
        for i in chosen
    }
    _by_clause(text, fresh, scores)
    order = sorted(chosen, key=lambda i: (-scores[i].score, i))
    if not history.follow_up and order and fills[order[0]].missing:
        j = _provider(order[0], tools, fills, scores)
        if j is not None and j not in chosen:
            chosen.add(j)
            fresh[j] = [json.dumps(c) for c in fills[j].calls]
            order = [j, *order]
    if history.follow_up:
        # only what the results unlocked (or, one call per turn, what waited its turn): a tool
        # the message alone fills was called (or meant to be) in the first turn
        picks = [
            i
            for i in order
            if fresh[i]
            and not fills[i].missing
            and tools[i].name not in history.since_user
            and (not parallel or "result" in fills[i].sources.values())
        ]
    else:
        picks = [i for i in order if fresh[i] and not fills[i].missing]
        looks = [i for i in picks if not scores[i].acts]
        # a day without its time, and a look-up to find the time: the look-up first
        picks = [
            i
            for i in picks
            if not (DAY_ONLY in fills[i].sources.values() and any(j != i for j in looks))
        ]
        if not picks and (required or not _asks_instead(order, fills, scores)):
            picks = [i for i in order if fresh[i]][:1]
    if not parallel:
        picks = picks[:1]
        fresh = {i: v[:1] for i, v in fresh.items()}
    calls = tuple((tools[i].name, a) for i in sorted(picks) for a in fresh[i])
    decisions = tuple(
        _decision(
            i,
            tools[i],
            scores[i],
            fills[i] if i in chosen else None,
            fresh.get(i, []),
            i in picks,
            history,
        )
        for i in range(len(tools))
    )
    return Planned(calls=calls, decisions=decisions)


_READ = frozenset({"find", "read", "status", "list", "track", "show"})
_VALUE_SOURCES = (
    "identifier",
    "path",
    "email",
    "url",
    "date",
    "datetime",
    "time",
    "duration",
    "currency",
    "filetype",
    "money",
    "expression",
    "sql",
    "headcount",
    "temperature",
    "address",
    "known",
    "enum",
)


def _provider(
    top: int,
    tools: Sequence[FunctionTool],
    fills: Mapping[int, Filled],
    scores: Sequence[ToolScore],
) -> int | None:
    """A lookup the message fills whose result gives what the most relevant tool lacks:
    "pay the bill from Acme" finds Acme's invoices first when ``pay_invoice`` needs an
    ``invoice_id`` (the call that needs it follows in the next turn)."""
    wanted = set().union(*(concepts(_ID_TAIL.sub("", p)) for p in fills[top].missing))
    best: tuple[float, int] | None = None
    for j, tool in enumerate(tools):
        if j == top or fills[j].missing:
            continue
        if not concepts(tool.name) & _READ and tool.name not in tools[top].description:
            continue
        named = re.search(rf"\b{re.escape(tool.name)}\b", tools[top].description)
        if not named and not wanted & concepts(f"{tool.name} {tool.description}"):
            continue
        if best is None or scores[j].score > best[0]:
            best = (scores[j].score, j)
    return best[1] if best else None


_ID_TAIL = re.compile(r"[_ -]?(?:id|ids|code|number|no|ref|key|identifier|name)$", re.I)


def _with_values(score: ToolScore, tool: FunctionTool, filled: Filled) -> ToolScore:
    """``score`` plus 1 when the message's own values (codes, paths, enums) fill every
    required parameter, and 0.75 more when the tool only reads (get, check, find):
    "INC0012345?" asks for the tool that takes INC0012345. Only when no tool's words
    match the message clearly: a lookup the message does not ask for is not made."""
    required = [k for k in filled.sources if k not in filled.missing]
    if filled.missing or not required:
        return score
    kinds = [filled.sources[k].split(" ")[0] for k in required]
    if any(k in ("result", "message") for k in kinds) or kinds.count("weak") > 1:
        return score  # a call the message's own values do not make
    specific = sum(1 for k in kinds if k in _VALUE_SOURCES)
    if not specific:
        return score
    specific += sum(1 for k in kinds if k in _STRONG)  # "23 * 47", "NVDA": they name the tool
    bonus = 1.0 + 0.5 * (specific - 1) + (0.75 if concepts(tool.name) & _READ else 0.0)
    # each specific value is a match of its own: two currencies ask for a conversion
    seen = ("values",) * min(specific, 2)
    return replace(score, score=round(score.score + bonus, 3), matched=(*score.matched, *seen))


_CODES = ("identifier", "path", "email", "url")
_TYPED_CODES = ("path", "email", "url")  # no word needed: nothing else looks like them
# arithmetic, a statement, or a code the parameter's code system knows: they name the tool
_STRONG = ("expression", "known", "sql")


def _quoted(source: str) -> str | None:
    """The value a source names ("identifier 'INV-7'" → INV-7), or None."""
    _, _, said = source.partition(" ")
    if said[:1] not in ("'", '"'):
        return None
    try:
        value = ast.literal_eval(said)
    except (ValueError, SyntaxError):
        return None
    return value if isinstance(value, str) else None


def _unclaimed(
    scores: list[ToolScore], chosen: set[int], fills: Mapping[int, Filled]
) -> list[ToolScore]:
    """Scores with 1 more for a tool a word of the message names (score ≥ 1) whose code
    (an id, path, address) no chosen tool takes: "…over 30 years? And the asking price on
    LST-3307?" asks a second question of the tool that takes LST-3307."""
    claimed = {
        str(v)
        for i in chosen
        for call in fills[i].calls
        for v in call.values()
        if isinstance(v, (str, int))
    }
    out = list(scores)
    for i, s in enumerate(scores):
        if i in chosen or fills[i].missing:
            continue
        said = [
            (kind, value)
            for k, v in fills[i].sources.items()
            if (kind := v.split(" ")[0]) in _VALUE_SOURCES
            and (value := _quoted(v)) is not None
            and (kind not in _TYPED_CODES or fits_typed(kind, k))
        ] + [  # an enum member the message names ("vegan options")
            ("enum", str(fills[i].calls[0].get(k)))
            for k, v in fills[i].sources.items()
            if v == "enum"
        ]
        if any(kind in _CODES and value in claimed for kind, value in said):
            continue  # a code the chosen tools take was asked of them
        said = [(kind, value) for kind, value in said if value not in claimed]  # a shared day
        codes = sum(1 for kind, _ in said if kind in _CODES)
        typed = any(kind in _TYPED_CODES for kind, _ in said)
        if typed or (codes and s.score > 0) or (said and s.score >= 1.0) or len(said) >= 2:
            bonus = len(said) + 0.5 * codes  # a code (an id, a URL) names its tool the most
            seen = ("values",) * min(len(said), 2)  # each value a match of its own
            out[i] = replace(
                s, score=round(s.score + bonus, 3), matched=(*s.matched, *seen), own_values=True
            )
    return out


_CLAUSE_END = re.compile(r"[.;!?]+\s|,?\s+(?:and then|then|and also|and|but|also)\s+")


def _by_clause(text: str, fresh: dict[int, list[str]], scores: Sequence[ToolScore]) -> None:
    """Each of several codes to the tool its own clause asks for: "shift ev_1 to 4pm, and
    scrap ev_2" moves ev_1 and cancels ev_2, not both to each (when two chosen tools both
    fan out over the same codes)."""
    fanned = [i for i, calls in fresh.items() if len(calls) > 1]
    if len(fanned) < 2:
        return
    clauses = _clauses(text)
    for i in fanned:
        own = _own_words(scores[i], [scores[j] for j in fanned if j != i])
        kept = [a for a in fresh[i] if _clause_asks(a, clauses, own) is not False]
        if kept:
            fresh[i] = kept


def _clauses(text: str) -> list[tuple[str, frozenset[str]]]:
    parts = _CLAUSE_END.split(text)
    return [(p, concepts(p)) for p in parts if p and p.strip()]


def _own_words(score: ToolScore, others: Sequence[ToolScore]) -> frozenset[str]:
    """The matched words of ``score`` no other tool matched: the words of its own action."""
    theirs = {w for o in others for w in o.matched}
    return frozenset(w.removeprefix("verb:") for w in score.matched if w not in theirs)


def _clause_asks(
    arguments: str, clauses: Sequence[tuple[str, frozenset[str]]], own: frozenset[str]
) -> bool | None:
    """Whether the clause holding the call's code says one of the tool's own words; None:
    no clause tells (no code of the call is in one clause alone)."""
    values = [v for v in json.loads(arguments).values() if isinstance(v, str) and len(v) >= 3]
    for part, words in clauses:
        if (
            any(v in part for v in values)
            and sum(1 for p, _ in clauses if any(v in p for v in values)) == 1
        ):
            return bool(words & own)
    return None


def _asks_instead(
    order: Sequence[int], fills: Mapping[int, Filled], scores: Sequence[ToolScore]
) -> bool:
    """Whether the model asks the user rather than call: the most relevant tool lacks two
    or more required values the message does not give ("book me a flight to Tokyo": from
    where, and when?), or it changes something and lacks one ("cancel my order": which?)."""
    if not order:
        return False
    missing = fills[order[0]].missing
    return len(missing) >= 2 or (len(missing) == 1 and scores[order[0]].acts)


def _worded_first(
    worded: Sequence[ToolScore], scores: list[ToolScore], fills: Mapping[int, Filled]
) -> list[ToolScore]:
    """Scores where a tool only the message's values ask for keeps its worded score when
    another tool taking the same values is asked by a word too: "what are Nvidia and Apple
    trading at" asks for quotes, not for the news of the same tickers."""

    def values(i: int) -> set[str]:
        return {str(v) for call in fills[i].calls for v in call.values()}

    out = list(scores)
    for i, s in enumerate(scores):
        if worded[i].matched or s is worded[i]:
            continue
        if any(worded[j].matched and values(i) & values(j) for j in range(len(scores)) if j != i):
            out[i] = worded[i]
    return out


_TYPED = ("address", "temperature")


def _with_typed(score: ToolScore, filled: Filled) -> ToolScore:
    """``score`` plus 1 for each parameter a value of the very kind it asks for fills (a
    street address for ``new_address``, "21 degrees" for ``temperature_c``): a message
    giving a new address or a temperature asks for the tool that takes one."""
    typed = [k for k, v in filled.sources.items() if v.split(" ")[0] in _TYPED]
    if not typed:
        return score
    return replace(
        score,
        score=round(score.score + len(typed), 3),
        matched=(*score.matched, *(f"value:{k}" for k in typed)),
        asked=True,
    )


def _decision(
    index: int,
    tool: FunctionTool,
    score: Any,
    filled: Any,
    fresh: list[str],
    picked: bool,
    history: History,
) -> Decision:
    if filled is None:
        why = "not relevant enough"
    elif picked:
        why = "relevant and fillable" if not filled.missing else "most relevant; filled as it could"
    elif not fresh:
        why = "already called with these arguments"
    elif history.follow_up and tool.name in history.since_user:
        why = "already called for this message"
    elif filled.missing:
        why = "relevant but required parameters are unknown yet"
    else:
        why = "relevant, but parallel tool calls are off: one call per turn"
    return Decision(
        tool=tool.name,
        score=score.score,
        matched=score.matched,
        called=picked,
        why=why,
        arguments=tuple(fresh) if picked else (),
        missing=tuple(filled.missing) if filled is not None else (),
        sources=tuple(sorted(filled.sources.items())) if filled is not None else (),
    )
