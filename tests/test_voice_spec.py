"""YAML voice agents: ``mode: voice``, ``voice:``, ``turn_detection:``, ``to_voice_agent``,
the JSON Schema, and ``agentrt run`` on a voice spec (it names ``agentrt voice``)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest

from agentrt.agents.voice_agent import VoiceAgent
from agentrt.specs.agent_spec import AgentSpec, spec_json_schema
from tests.conftest import clean_env, forgetting_modules, write_files

TOOLS = '''
def get_weather(city: str) -> str:
    """Today's weather in a city.

    Args:
        city: City name.
    """
    return f"sunny in {city}"
'''

VOICE = """\
version: 1
name: concierge
model: grok-voice-latest
instructions: Help guests of {hotel}.
mode: voice
voice: eVe
turn_detection: push_to_talk
tools:
  - function: voice_t_tools:get_weather
    timeout: 5s
"""


@pytest.fixture(autouse=True)
def _forget_imported_tools() -> Iterator[None]:
    with forgetting_modules("voice_t_"):
        yield


def test_a_voice_spec_builds_a_voice_agent_with_its_voice_turns_tools_and_variables(
    tmp_path: Path,
) -> None:
    write_files(tmp_path, {"agent.yaml": VOICE, "voice_t_tools.py": TOOLS})
    spec = AgentSpec.from_file(tmp_path / "agent.yaml")
    assert (spec.mode, spec.voice, spec.turn_detection) == ("voice", "Eve", "push_to_talk")
    voice = spec.to_voice_agent({"hotel": "the Ritz"})
    assert isinstance(voice, VoiceAgent)
    assert voice.voice == "Eve"
    assert voice.turn_detection == "push_to_talk"
    assert voice.config.turn_detection is None
    assert voice.config.instructions == "Help guests of the Ritz."
    [fn] = voice.config.tools
    assert fn.name == "get_weather"
    assert fn.parameters["properties"]["city"]["type"] == "string"
    assert voice.agent.tools.functions["get_weather"].timeout == 5.0
    assert voice.model == "grok-voice-latest"


def test_voice_settings_default_to_ara_and_server_vad_and_mode_to_text(tmp_path: Path) -> None:
    plain = "version: 1\nname: a\nmodel: m\ninstructions: x\n"
    assert AgentSpec.from_text(plain).mode == "text"
    spec = AgentSpec.from_text(plain + "mode: voice\n")
    voice = spec.to_voice_agent()
    assert (voice.voice, voice.turn_detection) == ("Ara", "server_vad")
    assert voice.config.turn_detection == "server_vad"
    # a text spec can be spoken to as well, with the defaults
    assert AgentSpec.from_text(plain).to_voice_agent().voice == "Ara"


def test_the_json_schema_shows_the_voice_fields_and_agrees_with_the_loader() -> None:
    schema = spec_json_schema()
    props = schema["properties"]
    assert props["mode"]["enum"] == ["text", "voice"]
    assert props["turn_detection"]["anyOf"][0]["enum"] == ["server_vad", "push_to_talk"]
    validator = jsonschema.Draft202012Validator(schema)
    base = {"version": 1, "name": "a", "model": "m", "instructions": "x", "mode": "voice"}
    for voice in ("Ara", "rex", "SAL", "eVe", "leo"):
        assert not list(validator.iter_errors({**base, "voice": voice})), voice
        assert AgentSpec.from_dict({**base, "voice": voice}).voice in (
            "Ara",
            "Rex",
            "Sal",
            "Eve",
            "Leo",
        )
    assert list(validator.iter_errors({**base, "voice": "Bob"}))
    assert list(validator.iter_errors({**base, "turn_detection": "vad"}))


def test_agentrt_run_on_a_voice_spec_says_to_use_agentrt_voice(tmp_path: Path) -> None:
    write_files(tmp_path, {"agent.yaml": VOICE, "voice_t_tools.py": TOOLS})
    done = subprocess.run(
        [sys.executable, "-m", "agentrt", "run", "agent.yaml", "hello", "--var", "hotel=x"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=clean_env(),
        check=False,
        timeout=30,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "agentrt: error: agent.yaml is a voice agent (mode: voice): speak to it with agentrt "
        "voice agent.yaml --in question.wav --out answer.wav (for text, use a copy with "
        "mode: text and a chat model)"
    ]
    assert done.stdout == ""


def test_agentrt_schema_prints_the_voice_fields(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "agentrt", "schema"],
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )
    props = json.loads(done.stdout)["properties"]
    assert {"mode", "voice", "turn_detection"} <= set(props)
    assert "Ara (default), Rex, Sal, Eve or Leo" in props["voice"]["description"]
