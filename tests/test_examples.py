"""Every example agent, run end to end through the CLI as a user would, against the built-in simulator."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from agentrt.launch.connect import SIMULATOR_NOTICE
from tests.conftest import RESEARCH_INPUT, TRIAGE_INPUT, TRIP_INPUT, clean_env

pytestmark = pytest.mark.e2e

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def run_example(*args: str) -> subprocess.CompletedProcess[str]:
    """``agentrt run`` with no key and no endpoint set: the built-in simulator answers."""
    env = {k: v for k, v in os.environ.items() if k not in ("XAI_API_KEY", "AGENTRT_ENDPOINT")}
    return subprocess.run(
        [sys.executable, "-m", "agentrt", "run", *args],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=60,
        check=False,
    )


def _json_run(*args: str) -> dict[str, Any]:
    result = run_example(*args, "--json")
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[0] == f"agentrt: {SIMULATOR_NOTICE}"
    out: dict[str, Any] = json.loads(result.stdout)
    assert set(out) == {"output", "turns", "tool_calls", "usage", "model", "response_ids"}
    assert out["model"] == "grok-4-1-fast-reasoning"
    assert len(out["response_ids"]) == out["turns"]
    usage = dict(out["usage"])
    assert isinstance(usage.pop("cost_usd"), float), out["usage"]
    assert all(isinstance(v, int) and v > 0 for v in usage.values()), out["usage"]
    for call in out["tool_calls"]:
        assert set(call) == {"name", "arguments", "result", "duration_s"}, call
        assert call["duration_s"] >= 0
    return out


def test_every_example_spec_validates() -> None:
    specs = sorted(str(p) for p in EXAMPLES.glob("*/*.yaml"))
    assert len(specs) >= 4
    result = subprocess.run(
        [sys.executable, "-m", "agentrt", "validate", *specs],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_trip_planner_plans_a_day_from_the_weather_and_places() -> None:
    out = _json_run(str(EXAMPLES / "trip_planner" / "trip_planner.yaml"), TRIP_INPUT)
    assert out["turns"] == 2
    calls = {c["name"]: c for c in out["tool_calls"]}
    assert calls["get_weather"]["arguments"] == {"city": "Lisbon"}
    assert calls["find_places"]["arguments"] == {"city": "Lisbon", "category": "museum"}
    assert out["output"] == {
        "city": "Lisbon",
        "forecast": "sunny",
        "high_c": 24,
        "places": [
            {"name": "Museu Nacional do Azulejo", "category": "museum", "opens": "10:00"},
            {"name": "MAAT", "category": "museum", "opens": "11:00"},
        ],
    }


def test_trip_planner_streams_the_answer_and_shows_tool_calls() -> None:
    result = run_example(str(EXAMPLES / "trip_planner" / "trip_planner.yaml"), TRIP_INPUT)
    assert result.returncode == 0, result.stderr
    assert '  tool get_weather {"city": "Lisbon"} -> ok (' in result.stderr
    assert '  tool find_places {"city": "Lisbon", "category": "museum"} -> ok (' in result.stderr
    plan = json.loads(result.stdout)  # the streamed answer is the DayPlan, once
    assert plan["forecast"] == "sunny"
    assert result.stdout.count('"forecast"') == 1


def test_support_triage_classifies_looks_up_and_drafts() -> None:
    spec = str(EXAMPLES / "support_triage" / "support_triage.yaml")
    out = _json_run(spec, TRIAGE_INPUT, "--var", "company=Acme")
    assert [c["name"] for c in out["tool_calls"]] == ["lookup_order", "draft_reply"]
    assert out["tool_calls"][0]["result"]["carrier"] == "DHL"
    triage = out["output"]
    assert triage["category"] == "shipping"
    assert triage["priority"] == "urgent"
    assert triage["order_id"] == "AB-123"
    assert triage["status"] == "in transit"
    assert triage["reply"].startswith(
        "Hi Ada, thanks for getting in touch: your parcel is in transit"
    )
    assert "JD014600006281" in triage["reply"]


def test_research_delegates_to_its_sub_agent() -> None:
    out = _json_run(str(EXAMPLES / "research" / "research.yaml"), RESEARCH_INPUT)
    [call] = out["tool_calls"]
    assert call["name"] == "researcher"
    assert call["arguments"] == {"input": "notes on the history of the Lisbon trams"}
    assert "search_notes returned topic = Lisbon" in call["result"]
    assert "Tram 28 has run through Alfama since 1914" in out["output"]
    assert "library/trams.md#28" in out["output"]
    # The sub-agent's two model calls are counted in the parent's usage.
    assert out["usage"]["input"] > 2 * 100


def test_the_researcher_runs_on_its_own() -> None:
    out = _json_run(str(EXAMPLES / "research" / "researcher.yaml"), "Find notes on Ada Lovelace.")
    [call] = out["tool_calls"]
    assert call["name"] == "search_notes"
    assert call["result"]["found"] == 1
    assert "Bernoulli numbers" in out["output"]


def _ask(*args: str) -> subprocess.CompletedProcess[str]:
    env = clean_env()  # no key, endpoint or management settings: the in-process simulator
    return subprocess.run(
        [sys.executable, str(EXAMPLES / "docs_qa" / "ask.py"), *args],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("question", "document", "quote"),
    [
        ("How many days of paid leave do we get?", "leave-policy.md", "27 days of paid leave"),
        ("How fast must a page be acknowledged?", "on-call.md", "within fifteen minutes"),
        ("Where do I report a stolen device?", "security.md", "+1 555 0100"),
    ],
)
def test_docs_qa_answers_from_the_collection_it_syncs(
    question: str, document: str, quote: str
) -> None:
    result = _ask(question)
    assert result.returncode == 0, result.stderr
    assert "created the collection northwind-handbook" in result.stderr
    assert result.stderr.count("adding ") == 4
    first = result.stdout.split(" [1]")[0]  # the best passage comes first, with its document
    assert document in first, result.stdout
    assert quote in first, result.stdout
    assert "collections://collection_" in result.stdout


def test_agentrt_run_attaches_a_file_and_the_answer_quotes_it(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("The boiler was serviced on 3 May.\nThe next inspection is due in October.\n")
    spec = EXAMPLES / "research" / "researcher.yaml"
    result = run_example(str(spec), "When is the next inspection due?", "--file", str(notes))
    assert result.returncode == 0, result.stderr
    assert "The next inspection is due in October." in result.stdout
    missing = run_example(str(spec), "q", "--file", str(tmp_path / "nope.txt"))
    assert missing.returncode == 2
    assert missing.stderr.strip().splitlines() == [
        f"agentrt: error: file {str(tmp_path / 'nope.txt')!r} to attach does not exist or is not a file"
    ]
