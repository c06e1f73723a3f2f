"""Hostile input for the per-conversation script replay that the agent-at-scale benchmark relies on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from agentrt.errors import UsageError
from agentrt.sim.script import load_script
from agentrt.sim.status import SimStatus

TURNS = [{"text": "hi"}]


def _script(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "script.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "value",
    [
        "yes",  # a string, not a boolean
        "true",
        1,  # an integer YAML or JSON might give
        0,
        None,  # `per_conversation:` with no value
        [True],
        {"on": True},
    ],
)
def test_a_per_conversation_that_is_not_a_boolean_is_one_line_naming_the_key(
    tmp_path: Path, value: Any
) -> None:
    path = _script(tmp_path, {"per_conversation": value, "turns": TURNS})
    with pytest.raises(UsageError) as info:
        load_script(path)
    message = str(info.value)
    assert "per_conversation must be true or false" in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("text", "per_conversation"),
    [
        ("per_conversation: true\nturns:\n  - text: hi\n", True),
        ("per_conversation: false\nturns:\n  - text: hi\n", False),
        ("turns:\n  - text: hi\n", False),
        ('{"per_conversation": true, "turns": [{"text": "hi"}]}', True),
    ],
)
def test_per_conversation_is_read_from_yaml_and_json_files(
    tmp_path: Path, text: str, per_conversation: bool
) -> None:
    path = tmp_path / ("s.json" if text.startswith("{") else "s.yaml")
    path.write_text(text, encoding="utf-8")
    assert load_script(path).per_conversation is per_conversation


@pytest.mark.parametrize("answered", [1, 2, 50, 10**9])
def test_a_conversation_longer_than_a_per_conversation_script_fails_naming_its_call(
    tmp_path: Path, answered: int
) -> None:
    script = load_script(_script(tmp_path, {"per_conversation": True, "turns": TURNS}))
    assert script.next_turn(0).text == "hi"
    with pytest.raises(SimStatus) as info:
        script.next_turn(answered)
    assert f"model call {answered + 1} has no scripted reply" in info.value.details
    assert script.remaining == 0  # never "turn(s) were never used" at shutdown
