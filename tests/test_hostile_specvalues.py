"""Hostile spec values: secrets from ${ENV} never shown, and every value checked strictly.

Each table row is one case; the next case of the same class is one line.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from agentrt.specs.agent_spec import AgentSpec, SpecError
from tests.conftest import agentrt_command, clean_env

SECRET = "xai-HostileSecret0123456789abcdefXYZ"  # not a valid name: fails validation
LOWER = "hostilelowercasesecret77"  # a valid name and module name: passes validation
ENV = {"HOSTILE_SECRET": SECRET, "HOSTILE_LOWER": LOWER}

HEAD = "version: 1\nname: probe\nmodel: grok-4\ninstructions: x\n"

# (case id, spec text after HEAD or whole, path in the error, what the error says)
ENV_CASES = [
    (
        "name",
        "version: 1\nname: ${HOSTILE_SECRET}\nmodel: m\ninstructions: x\n",
        "name",
        "expected a name",
    ),
    (
        "name-valid",
        "version: 1\nname: ${HOSTILE_LOWER}\nmodel: m\ninstructions: x\n",
        "name",
        "cannot come from the environment",
    ),
    ("function", "tools:\n  - function: ${HOSTILE_SECRET}\n", "tools[0].function", "import path"),
    (
        "function-partial",
        "tools:\n  - function: 'mod:x ${HOSTILE_SECRET}'\n",
        "tools[0].function",
        "import path",
    ),
    (
        "function-missing",
        "tools:\n  - function: '${HOSTILE_LOWER}:fn'\n",
        "tools[0].function",
        "cannot import",
    ),
    (
        "tool-name",
        "tools:\n  - function: m:f\n    name: ${HOSTILE_SECRET}\n",
        "tools[0].name",
        "cannot come from the environment",
    ),
    (
        "builtin",
        "tools:\n  - builtin: ${HOSTILE_SECRET}\n",
        "tools[0].builtin",
        "unknown builtin tool",
    ),
    ("agent", "tools:\n  - agent: ${HOSTILE_LOWER}.yaml\n", "tools[0].agent", "no such agent file"),
    ("agent-outside", "tools:\n  - agent: ../${HOSTILE_LOWER}.yaml\n", "tools[0].agent", "outside"),
    (
        "temperature",
        "settings: {temperature: '${HOSTILE_SECRET}'}\n",
        "settings.temperature",
        "expected a number",
    ),
    (
        "reasoning",
        "settings: {reasoning_effort: '${HOSTILE_SECRET}'}\n",
        "settings.reasoning_effort",
        "expected 'none'",
    ),
    (
        "max-tokens",
        "settings: {max_tokens: '${HOSTILE_SECRET}'}\n",
        "settings.max_tokens",
        "expected an integer",
    ),
    ("stop", "settings: {stop: '${HOSTILE_SECRET}'}\n", "settings.stop", "expected a list"),
    (
        "timeout",
        "limits: {timeout: '${HOSTILE_SECRET}'}\n",
        "limits.timeout",
        "expected a duration",
    ),
    (
        "timeout-partial",
        "limits: {timeout: '5 ${HOSTILE_SECRET}'}\n",
        "limits.timeout",
        "expected a duration",
    ),
    (
        "max-turns",
        "limits: {max_turns: '${HOSTILE_SECRET}'}\n",
        "limits.max_turns",
        "expected an integer",
    ),
    ("output-type", "output: {type: '${HOSTILE_SECRET}'}\n", "output.type", "import path"),
    (
        "output-type-missing",
        "output: {type: '${HOSTILE_LOWER}:M'}\n",
        "output.type",
        "cannot import",
    ),
    (
        "output-schema",
        "output: {schema: {type: '${HOSTILE_SECRET}'}}\n",
        "output.schema.type",
        "invalid JSON Schema",
    ),
]


@pytest.fixture(scope="module")
def validate_output(tmp_path_factory: pytest.TempPathFactory) -> str:
    """``agentrt validate`` over one file per case, run once, with the secrets in its environment."""
    root = tmp_path_factory.mktemp("specs") / "d"
    root.mkdir()
    files = []
    for case, text, _, _ in ENV_CASES:
        body = text if text.startswith("version:") else HEAD + text
        (root / f"{case}.yaml").write_text(body)
        files.append(str(root / f"{case}.yaml"))
    done = subprocess.run(
        agentrt_command("validate", *files),
        env=clean_env(**ENV),
        capture_output=True,
        text=True,
        timeout=50,
    )
    assert done.returncode == 1, done.stderr
    return done.stdout + done.stderr


@pytest.mark.parametrize(("case", "text", "path", "says"), ENV_CASES, ids=[c[0] for c in ENV_CASES])
def test_env_values_never_shown_in_spec_errors(
    validate_output: str, case: str, text: str, path: str, says: str
) -> None:
    assert SECRET not in validate_output
    assert LOWER not in validate_output
    assert "HostileSecret" not in validate_output  # not even a truncated prefix
    lines = [ln for ln in validate_output.splitlines() if f"{case}.yaml:" in ln]
    assert any(f": {path}: " in ln and says in ln for ln in lines), lines
    assert any(re.search(r"<from \$HOSTILE_(SECRET|LOWER)>", ln) for ln in lines), lines


def test_repr_of_a_spec_hides_env_values() -> None:
    text = HEAD + "description: 'key ${HOSTILE_SECRET}'\nsettings: {stop: ['${HOSTILE_LOWER}']}\n"
    spec = AgentSpec.from_text(text, environ=ENV)
    assert spec.description == f"key {SECRET}"  # the value itself is used as written
    for shown in (repr(spec), str(spec)):
        assert SECRET not in shown
        assert LOWER not in shown
        assert "<from $HOSTILE_SECRET>" in shown


MCP = "tools:\n  - builtin: mcp\n    server_url: https://mcp.example.org\n"


@pytest.mark.parametrize(
    ("auth", "ok"),
    [
        ("authorization: ${HOSTILE_SECRET}", True),
        ("authorization: 'Bearer ${HOSTILE_SECRET}'", True),
        ("authorization: Bearer abc123", False),
        ("authorization: '$${HOSTILE_SECRET}'", False),
    ],
)
def test_mcp_authorization_must_come_from_env(auth: str, ok: bool) -> None:
    text = HEAD + MCP + f"    {auth}\n"
    if ok:
        spec = AgentSpec.from_text(text, environ=ENV)
        assert SECRET not in repr(spec)
        return
    with pytest.raises(SpecError) as info:
        AgentSpec.from_text(text, environ=ENV)
    assert "tools[0].authorization: a secret written in the file" in str(info.value)
    assert "abc123" not in str(info.value)


def test_a_name_from_env_is_refused_even_when_valid(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match=r"name: the name is <from \$HOSTILE_LOWER>"):
        AgentSpec.from_text(HEAD.replace("name: probe", "name: ${HOSTILE_LOWER}"), environ=ENV)
