"""Schema check for the tool-calling scenario corpora in tests/data/.

tool_scenarios.yaml measures how well the simulated model picks tools for prompts it was
not written for; tool_scenarios_holdout.yaml, tool_scenarios_holdout2.yaml,
tool_scenarios_holdout3.yaml and tool_scenarios_holdout4.yaml are further corpora, written
blind, that nobody tuning the simulator reads, to tell general improvements from tuning.
A malformed scenario would silently skew any of these figures: these checks keep every
expected call consistent with the tools the scenario declares, and the same rules hold for
every file.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

__all__: list[str] = []

DATA = Path(__file__).parent / "data"
CORPUS = DATA / "tool_scenarios.yaml"
HOLDOUT = DATA / "tool_scenarios_holdout.yaml"
HOLDOUT2 = DATA / "tool_scenarios_holdout2.yaml"
HOLDOUT3 = DATA / "tool_scenarios_holdout3.yaml"
HOLDOUT4 = DATA / "tool_scenarios_holdout4.yaml"
CORE_DOMAINS = ("shop", "travel", "support", "finance", "devops", "calendar", "files")
EXTRA_DOMAINS = ("health", "hr", "weather", "education")
HOLDOUT_DOMAINS = (*CORE_DOMAINS, "hr", "health", "education", "real-estate", "logistics")
HOLDOUT2_DOMAINS = (*HOLDOUT_DOMAINS, "restaurants", "smart-home", "crm")
HOLDOUT3_NEW_DOMAINS = ("legal", "insurance", "marketing", "streaming", "agriculture")
HOLDOUT3_DOMAINS = (*HOLDOUT2_DOMAINS, *HOLDOUT3_NEW_DOMAINS)
HOLDOUT4_NEW_DOMAINS = ("devtools", "database", "assistant", "banking", "projects", "media")
HOLDOUT4_DOMAINS = (
    *HOLDOUT4_NEW_DOMAINS,
    "devops",
    "shop",
    "travel",
    "support",
    "hr",
    "health",
    "education",
    "smart-home",
    "crm",
)
DOMAINS = (
    *CORE_DOMAINS,
    *EXTRA_DOMAINS,
    "real-estate",
    "logistics",
    "restaurants",
    "smart-home",
    "crm",
    *HOLDOUT3_NEW_DOMAINS,
    *HOLDOUT4_NEW_DOMAINS,
)
SCENARIO_KEYS = {"id", "domain", "prompt", "tools", "expect"}
CALL_KEYS = {"name", "args", "free", "after", "result"}
KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
# Formats a parameter description may ask for, most specific first.
FORMATS = (
    ("YYYY-MM-DDTHH:MM", re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$")),
    ("YYYY-MM-DD", re.compile(r"^\d{4}-\d{2}-\d{2}$")),
    ("YYYY-MM", re.compile(r"^\d{4}-\d{2}$")),
    ("HH:MM", re.compile(r"^\d{2}:\d{2}$")),
)
# Relative dates need a clock the harness does not share with the model.
RELATIVE_DATE = re.compile(
    r"\b(tomorrow|yesterday|tonight|(next|last|this) (week|month|year|monday|tuesday|"
    r"wednesday|thursday|friday|saturday|sunday))\b",
    re.IGNORECASE,
)
PROPERTY_KEYS = {"type", "description", "enum", "items", "default", "minimum", "maximum", "format"}
# A value the prompt does not spell out is acceptable only when the parameter's own
# description names the format or code system a model must translate into.
FORMAT_HINTS = re.compile(r"YYYY|HH:MM|IATA|ISO|ticker", re.IGNORECASE)
PY_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
}


def _load(path: Path) -> list[dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, list), f"{path.name} is a YAML list of scenarios"
    return data


CORPORA = {path: _load(path) for path in (CORPUS, HOLDOUT, HOLDOUT2, HOLDOUT3, HOLDOUT4)}
SCENARIOS = CORPORA[CORPUS]
PARAMS = [
    pytest.param(s, id=f"{path.stem}/{s.get('id')}")
    for path, items in CORPORA.items()
    for s in items
]


def _ids(scenarios: list[dict[str, Any]]) -> list[str]:
    return [str(s.get("id")) for s in scenarios]


def _check_value(path: str, schema: dict[str, Any], value: Any) -> None:
    """Check one expected argument value against its JSON-schema property."""
    kind = schema.get("type")
    assert kind in PY_TYPES, f"{path}: parameter type {kind!r} unknown"
    assert isinstance(value, PY_TYPES[kind]), f"{path}: {value!r} is not {kind}"
    if kind in ("integer", "number"):
        assert not isinstance(value, bool), f"{path}: {value!r} is a bool, not {kind}"
    if "enum" in schema:
        assert value in schema["enum"], f"{path}: {value!r} not in enum {schema['enum']}"
    if kind == "string":
        _check_format(path, schema, value)
    if kind == "array":
        for i, item in enumerate(value):
            _check_value(f"{path}[{i}]", schema["items"], item)


def _check_format(path: str, schema: dict[str, Any], value: str) -> None:
    """A string whose parameter names a format (e.g. YYYY-MM-DD) must be in that format."""
    text = str(schema.get("description", ""))
    for hint, pattern in FORMATS:
        if hint in text:
            assert pattern.match(value), f"{path}: {value!r} is not in the {hint} format"
            return


def _check_tool(sid: str, tool: dict[str, Any]) -> None:
    name = tool.get("name", "")
    assert set(tool) == {"name", "description", "parameters"}, f"{sid}/{name}: keys {set(tool)}"
    assert SNAKE.match(name), f"{sid}: tool name {name!r} is not snake_case"
    assert len(tool["description"].split()) >= 4, f"{sid}/{name}: description too thin"
    params = tool["parameters"]
    assert params.get("type") == "object", f"{sid}/{name}: parameters must be an object"
    props = params.get("properties", {})
    for pname, prop in props.items():
        assert SNAKE.match(pname), f"{sid}/{name}: parameter {pname!r} is not snake_case"
        assert prop.get("type") in PY_TYPES, f"{sid}/{name}.{pname}: bad type"
        extra = set(prop) - PROPERTY_KEYS
        assert not extra, f"{sid}/{name}.{pname}: unknown schema keys {extra} (unquoted comma?)"
        if prop["type"] == "array":
            assert "items" in prop, f"{sid}/{name}.{pname}: array without items"
        for value in prop.get("enum", []):
            _check_value(f"{sid}/{name}.{pname} enum", {"type": prop["type"]}, value)
    missing = set(params.get("required", [])) - set(props)
    assert not missing, f"{sid}/{name}: required {missing} not in properties"


def _values(obj: Any) -> list[Any]:
    """Every scalar inside a sample result, to trace values a later call reuses."""
    if isinstance(obj, dict):
        return [v for item in obj.values() for v in _values(item)]
    if isinstance(obj, list):
        return [v for item in obj for v in _values(item)]
    return [obj]


def _norm(text: object) -> str:
    return re.sub(r"[^a-z0-9]", "", str(text).lower())


def _check_derivable(scenario: dict[str, Any], path: str, prop: dict[str, Any], value: Any) -> None:
    """A judged string must come from the prompt, an enum, an earlier result or a stated format."""
    produced = {v for c in scenario["expect"] for v in _values(c.get("result", {}))}
    for item in value if isinstance(value, list) else [value]:
        if not isinstance(item, str) or "enum" in prop or item in produced:
            continue
        if FORMAT_HINTS.search(str(prop.get("description", ""))):
            continue
        # A path may be assembled from a folder and a file name the prompt gives apart.
        parts = [p for p in re.split(r"[/\\]", item) if p] or [item]
        prompt = _norm(scenario["prompt"])
        missing = [p for p in parts if _norm(p) not in prompt]
        assert not missing, f"{path}: {item!r} cannot be derived from the prompt"


def _check_call(scenario: dict[str, Any], call: dict[str, Any]) -> None:
    sid = scenario["id"]
    tools = {t["name"]: t for t in scenario["tools"]}
    assert set(call) <= CALL_KEYS, f"{sid}: unknown keys {set(call) - CALL_KEYS}"
    assert call.get("name") in tools, (
        f"{sid}: expected call to undeclared tool {call.get('name')!r}"
    )
    params = tools[call["name"]]["parameters"]
    props = params.get("properties", {})
    args = call.get("args", {})
    free = call.get("free", [])
    assert isinstance(args, dict), f"{sid}/{call['name']}: args must be a mapping"
    for key, value in args.items():
        assert key in props, f"{sid}/{call['name']}: {key!r} is not a parameter"
        _check_value(f"{sid}/{call['name']}.{key}", props[key], value)
        _check_derivable(scenario, f"{sid}/{call['name']}.{key}", props[key], value)
    assert set(free) <= set(props), f"{sid}/{call['name']}: free {free} not parameters"
    assert not set(free) & set(args), f"{sid}/{call['name']}: a param is both free and judged"
    # A required parameter is either judged (args) or explicitly left to the model (free).
    unaccounted = set(params.get("required", [])) - set(args) - set(free)
    assert not unaccounted, f"{sid}/{call['name']}: required {unaccounted} neither in args nor free"
    if "result" in call:
        assert isinstance(call["result"], dict), f"{sid}/{call['name']}: result must be a mapping"


def _check_dependency(scenario: dict[str, Any], call: dict[str, Any]) -> None:
    sid = scenario["id"]
    earlier = [c for c in scenario["expect"] if c["name"] == call["after"]]
    assert earlier, f"{sid}: after names no expected call"
    assert call["after"] != call["name"], f"{sid}: a call cannot come after itself"
    assert all("result" in c for c in earlier), f"{sid}: {call['after']} needs a sample result"
    produced = {v for c in earlier for v in _values(c["result"])}
    reused = [v for v in _values(call.get("args", {})) if v in produced]
    assert reused, f"{sid}/{call['name']}: uses no value from {call['after']}'s result"
    # The dependency is only real if the prompt could not have supplied the value.
    for value in reused:
        assert str(value) not in scenario["prompt"], f"{sid}: {value!r} is already in the prompt"


@pytest.mark.parametrize("scenario", PARAMS)
def test_scenario_is_well_formed(scenario: dict[str, Any]) -> None:
    sid = scenario.get("id", "")
    assert set(scenario) == SCENARIO_KEYS, f"{sid}: keys {set(scenario)}"
    assert KEBAB.match(sid), f"{sid!r} is not kebab-case"
    assert scenario["domain"] in DOMAINS, f"{sid}: unknown domain"
    assert sid.startswith(scenario["domain"] + "-"), f"{sid}: id should start with its domain"
    prompt = scenario["prompt"]
    assert isinstance(prompt, str), f"{sid}: prompt must be a string"
    assert len(prompt.split()) >= 2, f"{sid}: prompt too short"
    assert not RELATIVE_DATE.search(prompt), f"{sid}: relative date in prompt"
    tools = scenario["tools"]
    assert 1 <= len(tools) <= 6, f"{sid}: {len(tools)} tools (1-6 allowed)"
    names = [t.get("name") for t in tools]
    assert len(names) == len(set(names)), f"{sid}: duplicate tool names"
    for tool in tools:
        _check_tool(sid, tool)
    assert isinstance(scenario["expect"], list), f"{sid}: expect must be a list"
    for call in scenario["expect"]:
        _check_call(scenario, call)
        if "after" in call:
            _check_dependency(scenario, call)
    keys = [(c["name"], repr(sorted(c.get("args", {}).items()))) for c in scenario["expect"]]
    assert len(keys) == len(set(keys)), f"{sid}: an identical call is expected twice"


@pytest.mark.parametrize("path", CORPORA, ids=lambda p: p.stem)
def test_ids_are_unique(path: Path) -> None:
    dupes = [i for i, n in Counter(_ids(CORPORA[path])).items() if n > 1]
    assert not dupes, f"duplicate scenario ids: {dupes}"


def _shapes(scenarios: list[dict[str, Any]]) -> Counter[str]:
    """How many scenarios of each kind a corpus holds, and how many tools it expects."""
    shapes: Counter[str] = Counter()
    for s in scenarios:
        calls = s["expect"]
        shapes["no_call"] += not calls
        shapes["parallel"] += sum("after" not in c for c in calls) >= 2
        shapes["chained"] += any("after" in c for c in calls)
        shapes["distractor"] += bool({t["name"] for t in s["tools"]} - {c["name"] for c in calls})
    shapes["called"] = len({c["name"] for s in scenarios for c in s["expect"]})
    return shapes


# Per corpus: the domains that need a floor of scenarios, that floor, the total and the
# minimum count of each shape (scenarios with distractor tools, distinct tools called).
MAIN_KINDS = {"no_call": 6, "parallel": 10, "chained": 6, "distractor": 40, "called": 60}
HOLDOUT_KINDS = {"no_call": 8, "parallel": 12, "chained": 10, "distractor": 40, "called": 60}
HOLDOUT2_KINDS = {"no_call": 6, "parallel": 8, "chained": 6, "distractor": 40, "called": 50}
HOLDOUT3_KINDS = {"no_call": 8, "parallel": 12, "chained": 12, "distractor": 50, "called": 60}
HOLDOUT4_KINDS = {"no_call": 10, "parallel": 12, "chained": 14, "distractor": 60, "called": 70}
COVERAGE = {
    CORPUS: (CORE_DOMAINS, 10, 70, MAIN_KINDS),
    HOLDOUT: (HOLDOUT_DOMAINS, 4, 60, HOLDOUT_KINDS),
    HOLDOUT2: (HOLDOUT2_DOMAINS, 3, 40, HOLDOUT2_KINDS),
    HOLDOUT3: (HOLDOUT3_DOMAINS, 3, 60, HOLDOUT3_KINDS),
    HOLDOUT4: (HOLDOUT4_DOMAINS, 4, 60, HOLDOUT4_KINDS),
}


@pytest.mark.parametrize("path", CORPORA, ids=lambda p: p.stem)
def test_corpus_covers_domains_and_shapes(path: Path) -> None:
    scenarios = CORPORA[path]
    domains, floor, total, kinds = COVERAGE[path]
    per_domain = Counter(s["domain"] for s in scenarios)
    thin = {d: per_domain[d] for d in domains if per_domain[d] < floor}
    assert not thin, f"domains need >= {floor} scenarios each: {thin}"
    assert len(scenarios) >= total
    shapes = _shapes(scenarios)
    short = {kind: shapes[kind] for kind, least in kinds.items() if shapes[kind] < least}
    # distractor: scenarios whose tool list holds tools not to call; called: distinct tools.
    assert not short, f"too few scenarios of these kinds: {short}"


def test_main_corpus_uses_extra_domains() -> None:
    per_domain = Counter(s["domain"] for s in SCENARIOS)
    assert sum(1 for d in EXTRA_DOMAINS if per_domain[d]) >= 3


PAIRS = [(a, b) for i, a in enumerate(CORPORA) for b in list(CORPORA)[i + 1 :]]


@pytest.mark.parametrize(
    ("older", "newer"), PAIRS, ids=lambda p: p.stem if isinstance(p, Path) else str(p)
)
def test_corpora_share_no_id_or_prompt(older: Path, newer: Path) -> None:
    """A held-out corpus is only a fair check if none of its scenarios is a copy."""
    shared = sorted(set(_ids(CORPORA[newer])) & set(_ids(CORPORA[older])))
    assert not shared, f"ids shared between {older.name} and {newer.name}: {shared}"
    seen = {_norm(s["prompt"]) for s in CORPORA[older]}
    copies = [s["id"] for s in CORPORA[newer] if _norm(s["prompt"]) in seen]
    assert not copies, f"{newer.name} prompts copied from {older.name}: {copies}"
