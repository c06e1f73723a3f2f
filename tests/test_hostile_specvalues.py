"""Hostile spec values: secrets from ${ENV} never shown, and every value checked strictly.

Each table row is one case; the next case of the same class is one line.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from agentrt.specs.agent_spec import AgentSpec, SpecError
from agentrt.testing import simulator
from tests.conftest import agentrt_command, clean_env, forgetting_modules

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


# (spec lines after HEAD, the path in the error, what the error says)
STRICT_CASES = [
    ("limits: {output_retries: true}", "limits.output_retries", "expected an integer"),
    ("limits: {max_turns: true}", "limits.max_turns", "expected an integer"),
    ("limits: {max_turns: 1.0e+29}", "limits.max_turns", "expected an integer"),
    ("limits: {max_turns: '5'}", "limits.max_turns", "expected an integer"),
    ("limits: {max_turns: 1001}", "limits.max_turns", "less than or equal to 1000"),
    (
        "limits: {max_tool_concurrency: 100000}",
        "limits.max_tool_concurrency",
        "less than or equal to 256",
    ),
    ("limits: {output_retries: 11}", "limits.output_retries", "less than or equal to 10"),
    (
        "limits: {max_identical_tool_calls: 0}",
        "limits.max_identical_tool_calls",
        "greater than or equal to 1",
    ),
    (
        "limits: {max_identical_tool_calls: false}",
        "limits.max_identical_tool_calls",
        "expected an integer",
    ),
    ("limits: {unknown_tool: ignore}", "limits.unknown_tool", "expected 'error' or 'raise'"),
    ("limits: {timeout: 1.0e+300}", "limits.timeout", "at most 7 days"),
    ("limits: {timeout: 9999h}", "limits.timeout", "at most 7 days"),
    ("settings: {temperature: true}", "settings.temperature", "expected a number"),
    (
        "settings: {max_tokens: 4294967296}",
        "settings.max_tokens",
        "less than or equal to 2147483647",
    ),
    ("settings: {seed: 99999999999}", "settings.seed", "less than or equal to 2147483647"),
    ("settings: {seed: true}", "settings.seed", "expected an integer"),
    ("settings: {stop: [END, END]}", "settings.stop", "'END' is listed twice"),
    ("tools: [{function: m:f, timeout: 200h}]", "tools[0].timeout", "at most 7 days"),
    (
        "tools: [{builtin: web_search}, {builtin: web_search}]",
        "tools",
        "builtin 'web_search' is given twice",
    ),
    (
        "tools: [{builtin: code_execution}, {builtin: x_search}, {builtin: code_execution}]",
        "tools",
        "(tools[0] and tools[2])",
    ),
    (
        "tools: [{builtin: mcp, server_url: 'https://a.org'}, {builtin: mcp, server_url: 'https://a.org'}]",
        "tools",
        "the MCP server is given twice",
    ),
    (
        "tools: [{builtin: web_search, allowed_domains: [a.org, a.org]}]",
        "tools[0].allowed_domains",
        "listed twice",
    ),
    (
        "tools: [{builtin: x_search, excluded_x_handles: [x, x]}]",
        "tools[0].excluded_x_handles",
        "listed twice",
    ),
    (
        "tools: [{builtin: collections_search, collection_ids: [c, c]}]",
        "tools[0].collection_ids",
        "listed twice",
    ),
    (
        "tools: [{builtin: collections_search, collection_ids: [c], limit: true}]",
        "tools[0].limit",
        "expected an integer",
    ),
    (
        "tools: [{builtin: attachment_search, limit: 100000}]",
        "tools[0].limit",
        "less than or equal to 1000",
    ),
    ("tools: [{builtin: mcp, server_url: x}]", "tools[0].server_url", "http:// or https:// URL"),
    (
        "tools: [{builtin: mcp, server_url: 'file:///etc/passwd'}]",
        "tools[0].server_url",
        "http:// or https:// URL",
    ),
    (
        "tools: [{builtin: mcp, server_url: 'https://'}]",
        "tools[0].server_url",
        "http:// or https:// URL",
    ),
    (
        "tools: [{builtin: mcp, server_url: 'https://a.org', allowed_tool_names: [t, t]}]",
        "tools[0].allowed_tool_names",
        "listed twice",
    ),
]


@pytest.mark.parametrize(("lines", "path", "says"), STRICT_CASES)
def test_spec_values_are_checked_strictly(lines: str, path: str, says: str) -> None:
    with pytest.raises(SpecError) as info:
        AgentSpec.from_text(HEAD + lines + "\n", environ={})
    assert "<text>:5:" in str(info.value)
    assert f": {path}: " in str(info.value)
    assert says in str(info.value)


@pytest.mark.parametrize(
    ("lines", "field", "value"),
    [
        ("limits: {max_identical_tool_calls: 7}", "max_identical_tool_calls", 7),
        ("limits: {unknown_tool: raise}", "unknown_tool", "raise"),
        ("limits: {max_turns: 1000, timeout: 168h}", "max_turns", 1000),
    ],
)
def test_limits_the_runtime_names_are_accepted_and_reach_the_agent(
    lines: str, field: str, value: object
) -> None:
    agent = AgentSpec.from_text(HEAD + lines + "\n", environ={}).to_agent()
    assert getattr(agent.limits, field) == value


# -- values from ${ENV} are used but never shown: GetAgent, run --json, spans, reprs ------------

# (variable, its value: a secret no output may carry, the spec line that uses it)
LEAKS = [
    ("LEAK_MODEL", "grok-3-latest", "model: ${LEAK_MODEL}"),
    ("LEAK_DESC", "desc-secret-4f1c9e", "description: 'Looks up things ${LEAK_DESC}'"),
    ("LEAK_INSTR", "instr-secret-8d2a7b", "instructions: 'Call lookup. Sign as ${LEAK_INSTR}.'"),
    ("LEAK_STOP", "stop-secret-3e9f1a", "settings: {stop: ['${LEAK_STOP}']}"),
    (
        "LEAK_TOOL",
        "tooldesc-secret-6b0d2c",
        "tools:\n  - function: leak_tools:lookup\n    description: 'Look up ${LEAK_TOOL}'\n"
        "  - agent: ./leak_sub.yaml",
    ),
    ("LEAK_SUB", "subdesc-secret-0c7e55", None),  # the sub-agent's description (leak_sub.yaml)
]
LEAK_ENV = {var: secret for var, secret, _ in LEAKS}
LEAK_SCHEMA_LINE = (
    "output: {schema: {type: object, properties: {answer: {type: string, "
    "description: '${LEAK_SCHEMA}'}}, required: [answer]}}"
)
LEAK_FILES = {
    "leak_tools.py": (
        "def lookup(city: str) -> str:\n"
        '    """Look a city up.\n\n    Args:\n        city: The city.\n    """\n'
        "    return 'sunny'\n"
    ),
    "leak_sub.yaml": (
        "version: 1\nname: helper\nmodel: grok-3\ninstructions: Help.\n"
        "description: 'Helps ${LEAK_SUB}'\n"
    ),
}


def leak_spec(root: Path, *, schema: bool) -> Path:
    """A spec with every LEAKS line (and an output schema from ${LEAK_SCHEMA} when ``schema``)."""
    lines = ["version: 1", "name: leaky", *(line for _, _, line in LEAKS if line)]
    if schema:
        lines.append(LEAK_SCHEMA_LINE)
    for name, text in LEAK_FILES.items():
        (root / name).write_text(text)
    path = root / "leaky.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def leaked(text: str, env: dict[str, str]) -> list[str]:
    """The variables whose secret value appears in ``text``."""
    return [var for var, secret in env.items() if secret in text]


def test_agent_and_tool_reprs_hide_env_values(tmp_path: Path) -> None:
    with forgetting_modules("leak_tools"):
        spec = AgentSpec.from_file(leak_spec(tmp_path, schema=True), environ=ALL_LEAKS)
    shown = [repr(spec), str(spec), *map(repr, spec.tools), repr(spec.settings)]
    shown += [repr(spec.output), repr(spec.to_agent())]
    assert leaked("\n".join(shown), ALL_LEAKS) == []
    assert "<from $LEAK_MODEL>" in repr(spec.to_agent())
    assert "<from $LEAK_TOOL>" in repr(spec.tools[0])


ALL_LEAKS = {**LEAK_ENV, "LEAK_SCHEMA": "schema-secret-9a4d13"}


def test_run_json_shows_no_env_value(tmp_path: Path) -> None:
    spec = leak_spec(tmp_path, schema=False)
    proc = subprocess.run(
        agentrt_command("run", str(spec), "What is the weather in Paris? Use lookup.", "--json"),
        env=clean_env(**LEAK_ENV),
        capture_output=True,
        text=True,
        timeout=50,
    )
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["model"] == "<from $LEAK_MODEL>"
    assert leaked(proc.stdout + proc.stderr, LEAK_ENV) == []


async def test_traces_show_no_env_value(tmp_path: Path) -> None:
    from tests.test_tracing import make_otel

    with forgetting_modules("leak_tools"):
        spec = AgentSpec.from_file(leak_spec(tmp_path, schema=False), environ=LEAK_ENV)
    with make_otel(capture_content=True) as otel:
        async with simulator() as sim, sim.connect(telemetry=otel.telemetry) as client:
            await spec.to_agent().run("What is the weather in Paris? Use lookup.", client=client)
        spans = otel.finished()
        metrics = json.dumps(otel.reader.get_metrics_data().to_json())  # type: ignore[union-attr]
    assert {s.name for s in spans} >= {"chat <from $LEAK_MODEL>", "invoke_agent leaky"}
    shown = [s.to_json() for s in spans]
    assert leaked("\n".join(shown) + metrics, LEAK_ENV) == []


async def test_get_agent_shows_no_env_value(tmp_path: Path) -> None:
    from agentrt_protos.agentrt.v1 import agent_pb2 as pb

    from tests.test_serve import agents_stub, running_serve

    spec = leak_spec(tmp_path, schema=True)
    with running_serve(str(spec), env=ALL_LEAKS) as served:
        async with agents_stub(served.address) as stub:
            reply = await stub.GetAgent(pb.GetAgentRequest(name="leaky"))
            listed = await stub.ListAgents(pb.ListAgentsRequest())
    text = reply.SerializeToString().decode("utf-8", "replace") + str(reply) + str(listed)
    assert reply.agent.model == "<from $LEAK_MODEL>"
    assert "<from $LEAK_SUB>" in str(reply)
    assert leaked(text, ALL_LEAKS) == []
