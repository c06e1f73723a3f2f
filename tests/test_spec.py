"""Agent specs: the version-1 format, positioned errors, imports, sub-agents and the JSON Schema."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest
import yaml

from agentrt.errors import UsageError
from agentrt.specs.agent_spec import AgentSpec, SpecError, spec_json_schema
from agentrt.specs.interpolate import expand_env, placeholders, render_placeholders
from agentrt.specs.model import FunctionToolSpec, McpSpec, WebSearchSpec, parse_duration
from tests.conftest import forgetting_modules, write_files

GOOD_TOOLS = '''
from pydantic import BaseModel


def get_weather(city: str) -> str:
    """Today's weather in a city."""
    return f"sunny in {city}"


VALUE = 42


class DayPlan(BaseModel):
    city: str
'''

GOOD = """\
version: 1
name: trip_planner
description: Plans a day out.
model: grok-4-1-fast-reasoning
instructions: |
  Plan a day in {city}. Signed: ${AGENTRT_TEST_SIGNATURE:-the planner}
tools:
  - function: {module}:get_weather
    timeout: 5s
    name: weather
  - builtin: web_search
    allowed_domains: [example.org]
  - agent: ./helper.yaml
output:
  type: {module}:DayPlan
settings: {temperature: 0.2, max_tokens: 2048, reasoning_effort: low, parallel_tool_calls: true, seed: 7}
limits: {max_turns: 8, timeout: 2m, max_tool_concurrency: 4, output_retries: 1}
"""

HELPER = """\
version: 1
name: helper
model: grok-4-1-fast-reasoning
instructions: Help with {topic}.
"""


@pytest.fixture(autouse=True)
def _forget_imported_tools() -> Iterator[None]:
    """Tools modules written by a test are dropped from sys.modules after it."""
    with forgetting_modules("spec_t_"):
        yield


def _good(tmp_path: Path, module: str = "spec_t_good") -> Path:
    write_files(
        tmp_path,
        {
            f"{module}.py": GOOD_TOOLS,
            "helper.yaml": HELPER,
            "agent.yaml": GOOD.replace("{module}", module),
        },
    )
    return tmp_path / "agent.yaml"


# --- a valid spec --------------------------------------------------------------


def test_a_full_spec_loads_with_every_key(tmp_path: Path) -> None:
    spec = AgentSpec.from_file(_good(tmp_path), environ={})
    assert spec.name == "trip_planner"
    assert spec.instructions.endswith("Signed: the planner\n")
    assert spec.limits.timeout == 120.0
    assert spec.settings.reasoning_effort == "low"
    first = spec.tools[0]
    assert isinstance(first, FunctionToolSpec)
    assert first.timeout == 5.0
    assert first.name == "weather"
    assert spec.tool_target(0)("Paris") == "sunny in Paris"
    assert isinstance(spec.tools[1], WebSearchSpec)
    assert spec.tools[1].allowed_domains == ["example.org"]
    helper = spec.tool_target(2)
    assert isinstance(helper, AgentSpec)
    assert helper.name == "helper"
    assert spec.output_type is not None
    assert spec.output_type.__name__ == "DayPlan"
    assert spec.variables() == ["city", "topic"]
    assert spec.file == (tmp_path / "agent.yaml").resolve()
    with pytest.raises(LookupError):
        spec.tool_target(1)  # a builtin has no Python target


def test_env_vars_expand_with_and_without_defaults(tmp_path: Path) -> None:
    spec = AgentSpec.from_file(_good(tmp_path), environ={"AGENTRT_TEST_SIGNATURE": "Ada"})
    assert "Signed: Ada" in spec.instructions
    assert expand_env("a $${HOME} b", {"HOME": "x"}) == "a ${HOME} b"


def test_loading_leaves_sys_path_as_it_was(tmp_path: Path) -> None:
    before = list(sys.path)
    AgentSpec.from_file(_good(tmp_path), environ={})
    assert sys.path == before
    (tmp_path / "agent.yaml").write_text(
        "version: 1\nname: x\nmodel: m\ninstructions: i\ntools: [{function: spec_t_missing:f}]\n"
    )
    with pytest.raises(SpecError):
        AgentSpec.from_file(tmp_path / "agent.yaml")
    assert sys.path == before


def test_from_text_and_from_dict_resolve_against_base_dir(tmp_path: Path) -> None:
    write_files(tmp_path, {"spec_t_text.py": GOOD_TOOLS})
    text = "version: 1\nname: t\nmodel: m\ninstructions: hi\ntools: [{function: spec_t_text:get_weather}]\n"
    spec = AgentSpec.from_text(text, base_dir=tmp_path)
    assert spec.tool_target(0)("Oslo") == "sunny in Oslo"
    data = yaml.safe_load(text)
    assert AgentSpec.from_dict(data, base_dir=tmp_path).tool_target(0)("Rome") == "sunny in Rome"
    with pytest.raises(SpecError) as info:
        AgentSpec.from_dict({**data, "modle": "x"}, base_dir=tmp_path)
    assert str(info.value) == "<dict>: modle: unknown key 'modle'; did you mean 'model'?"


def test_durations() -> None:
    assert parse_duration("5s") == 5.0
    assert parse_duration("2m") == 120.0
    assert parse_duration("1m30s") == 90.0
    assert parse_duration("250ms") == 0.25
    assert parse_duration(3) == 3.0
    for bad in ("5 years", "0s", "", True, -1):
        with pytest.raises(ValueError, match="duration"):
            parse_duration(bad)


def test_placeholders_render_and_missing_ones_are_named() -> None:
    text = 'Plan {city} on {day}; reply like {"a": 1} or {{literal}}; {city} again.'
    assert placeholders(text) == ["city", "day"]
    out = render_placeholders(text, {"city": "Paris", "day": "Monday"}, where="agent 'x'")
    assert out == 'Plan Paris on Monday; reply like {"a": 1} or {literal}; Paris again.'
    with pytest.raises(UsageError, match=r"need 'day': pass --var day=\.\.\.") as info:
        render_placeholders(text, {"city": "Paris"}, where="agent 'x'")
    assert info.value.exit_code == 2


# --- broken specs: every problem names FILE:LINE:COL, the key path and what was expected

MINIMAL = "version: 1\nname: broken\nmodel: grok-4-1-fast-reasoning\ninstructions: Be useful.\n"

BROKEN: dict[str, tuple[dict[str, str], str]] = {
    "bad YAML syntax": (
        {"agent.yaml": MINIMAL + "tools: [{function: a:b}\nlimits: {}\n"},
        "agent.yaml:6:1: invalid YAML: expected ',' or ']', but got '<scalar>' while parsing a flow sequence",
    ),
    "unknown key": (
        {"agent.yaml": MINIMAL + "limits:\n  max_turn: 3\n"},
        "agent.yaml:6:3: limits.max_turn: unknown key 'max_turn'; did you mean 'max_turns'?",
    ),
    "wrong type": (
        {"agent.yaml": MINIMAL + "settings:\n  temperature: warm\n"},
        "agent.yaml:6:16: settings.temperature: expected a number, got 'warm'",
    ),
    "missing import": (
        {"agent.yaml": MINIMAL + "tools:\n  - function: spec_t_nowhere:get_weather\n"},
        "agent.yaml:6:15: tools[0].function: cannot import 'spec_t_nowhere': no such module "
        "(looked beside the spec and on sys.path)",
    ),
    "import of a non-callable": (
        {
            "spec_t_values.py": GOOD_TOOLS,
            "agent.yaml": MINIMAL + "tools:\n  - function: spec_t_values:VALUE\n",
        },
        "agent.yaml:6:15: tools[0].function: 'spec_t_values:VALUE' is not a function "
        "(it is an int); a tool must be a callable",
    ),
    "sub-agent cycle": (
        {
            "agent.yaml": MINIMAL + "tools:\n  - agent: sub/b.yaml\n",
            "sub/b.yaml": MINIMAL.replace("broken", "b") + "tools:\n  - agent: ./c.yaml\n",
            "sub/c.yaml": MINIMAL.replace("broken", "c") + "tools:\n  - {agent: b.yaml}\n",
        },
        "sub/c.yaml:6:13: tools[0].agent: agent cycle: b.yaml -> c.yaml -> b.yaml",
    ),
    "path escaping the tree": (
        {
            "agent.yaml": MINIMAL + "tools:\n  - agent: sub/b.yaml\n",
            "sub/b.yaml": MINIMAL.replace("broken", "b") + "tools:\n  - agent: ../agent.yaml\n",
        },
        "sub/b.yaml:6:12: tools[0].agent: '../agent.yaml' is outside this spec's directory "
        "({root}/sub); sub-agents must be in it or below it",
    ),
    "invalid output schema": (
        {"agent.yaml": MINIMAL + "output:\n  schema:\n    type: object\n    required: yes\n"},
        "agent.yaml:8:15: output.schema.required: invalid JSON Schema: True is not of type 'array'",
    ),
    "unknown JSON Schema type": (
        {"agent.yaml": MINIMAL + "output:\n  schema: {type: objekt}\n"},
        "agent.yaml:6:18: output.schema.type: invalid JSON Schema: 'objekt' is not one of "
        "['array', 'boolean', 'integer', 'null', 'number', 'object', 'string']",
    ),
    "missing env var": (
        {"agent.yaml": MINIMAL + "description: By ${AGENTRT_TEST_UNSET_VAR}\n"},
        "agent.yaml:5:14: description: environment variable 'AGENTRT_TEST_UNSET_VAR' is not set "
        "(set it, or give a default: ${AGENTRT_TEST_UNSET_VAR:-default})",
    ),
    "missing required key": (
        {"agent.yaml": "version: 1\nname: x\ninstructions: hi\n"},
        "agent.yaml:1:1: model: required key is missing (model name, e.g. "
        "grok-4-1-fast-reasoning, or a list: the model, then its fallbacks)",
    ),
    "duplicate key": (
        {"agent.yaml": MINIMAL + "name: again\n"},
        "agent.yaml:5:1: name: duplicate key 'name' (first given at line 2)",
    ),
    "unknown builtin": (
        {"agent.yaml": MINIMAL + "tools:\n  - builtin: web_serch\n"},
        "agent.yaml:6:14: tools[0].builtin: unknown builtin tool 'web_serch'; did you mean "
        "'web_search'? (expected one of: web_search, x_search, code_execution, "
        "collections_search, attachment_search, image_generation, mcp)",
    ),
    "bad name": (
        {"agent.yaml": MINIMAL.replace("name: broken", "name: Trip Planner")},
        "agent.yaml:2:7: name: expected a name of lowercase letters, digits, '_' or '-' "
        "(at most 64), got 'Trip Planner'",
    ),
    "missing spec file": (
        {},  # unlike CrewAI's agents.yaml, a missing file is an error, not a warning
        "agent.yaml:1:1: cannot read the spec: No such file or directory",
    ),
    "output type is not a model": (
        {
            "spec_t_out.py": GOOD_TOOLS,
            "agent.yaml": MINIMAL + "output: {type: spec_t_out:get_weather}\n",
        },
        "agent.yaml:5:16: output.type: 'spec_t_out:get_weather' is not a pydantic model "
        "(it is a function); output.type must be a BaseModel subclass",
    ),
}


@pytest.mark.parametrize("case", list(BROKEN), ids=list(BROKEN))
def test_broken_spec_names_file_line_col(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files, expected = BROKEN[case]
    write_files(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("AGENTRT_TEST_UNSET_VAR", raising=False)
    with pytest.raises(SpecError) as info:
        AgentSpec.from_file("agent.yaml")
    assert expected.replace("{root}", str(tmp_path.resolve())) in [
        str(p) for p in info.value.problems
    ]
    assert info.value.exit_code == 2


def test_all_problems_are_reported_together(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {"agent.yaml": MINIMAL + "limits: {max_turns: 0, timeout: soon}\nsettings: {colour: 3}\n"},
    )
    with pytest.raises(SpecError) as info:
        AgentSpec.from_file(tmp_path / "agent.yaml")
    lines = str(info.value).splitlines()
    assert len(lines) == 3
    assert lines[0].endswith("limits.max_turns: expected a value greater than or equal to 1, got 0")
    assert "limits.timeout: expected a duration like '5s'" in lines[1]
    assert "settings.colour: unknown key 'colour' (expected one of: temperature, top_p," in lines[2]


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "agentrt", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
    )


def test_validate_prints_every_problem_and_exits_1(tmp_path: Path) -> None:
    for i, case in enumerate(("unknown key", "wrong type", "missing import", "sub-agent cycle")):
        write_files(tmp_path / str(i), BROKEN[case][0])
    _good(tmp_path / "ok")
    specs = [f"{i}/agent.yaml" for i in range(4)] + ["ok/agent.yaml"]
    result = _cli("validate", *specs, cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    printed = result.stdout.splitlines()
    assert printed[0] == "0/" + BROKEN["unknown key"][1]
    assert printed[1] == "1/" + BROKEN["wrong type"][1]
    assert printed[2] == "2/" + BROKEN["missing import"][1]
    assert printed[3] == "3/" + BROKEN["sub-agent cycle"][1]
    assert "ok/agent.yaml: ok (agent 'trip_planner', 3 tools)" in result.stderr
    assert "Traceback" not in result.stderr
    assert _cli("validate", "ok/agent.yaml", cwd=tmp_path).returncode == 0


# --- the JSON Schema of the format ------------------------------------------------


def test_schema_command_prints_a_valid_json_schema(tmp_path: Path) -> None:
    result = _cli("schema", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema == json.loads(json.dumps(spec_json_schema()))
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == {"version", "name", "model", "instructions"}


def test_json_schema_accepts_a_good_spec_and_rejects_broken_ones(tmp_path: Path) -> None:
    validator = jsonschema.Draft202012Validator(spec_json_schema())
    good = yaml.safe_load(_good(tmp_path).read_text())
    assert list(validator.iter_errors(good)) == []
    for bad in (
        {**good, "modle": "x"},
        {**good, "tools": [{"function": "no colon"}]},
        {**good, "tools": [{"builtin": "web_search", "allowed_domain": ["x"]}]},
        {**good, "limits": {"timeout": "5 years"}},
        {**good, "version": 2},
    ):
        assert list(validator.iter_errors(bad)), bad


def test_the_committed_schema_file_is_up_to_date() -> None:
    committed = Path(__file__).parent.parent / "examples" / "agent-spec.schema.json"
    assert json.loads(committed.read_text()) == json.loads(json.dumps(spec_json_schema())), (
        "run: agentrt schema -o examples/agent-spec.schema.json"
    )


def test_mcp_secrets_stay_out_of_repr_and_str() -> None:
    spec = AgentSpec.from_text(
        "version: 1\nname: x\nmodel: m\ninstructions: i\ntools:\n"
        "  - builtin: mcp\n    server_url: https://mcp.example.org\n"
        "    authorization: ${MCP_TOKEN}\n    extra_headers: {x-key: '${MCP_TOKEN}'}\n",
        environ={"MCP_TOKEN": "s3cret-token"},
    )
    tool = spec.tools[0]
    assert isinstance(tool, McpSpec)
    assert tool.authorization == "s3cret-token"
    assert tool.extra_headers == {"x-key": "s3cret-token"}
    for shown in (repr(spec), str(spec), repr(tool), str(tool)):
        assert "s3cret-token" not in shown
        assert "mcp.example.org" in shown


def test_a_wrongly_typed_secret_is_not_repeated_in_the_error() -> None:
    with pytest.raises(SpecError) as info:
        AgentSpec.from_text(
            "version: 1\nname: x\nmodel: m\ninstructions: i\ntools:\n"
            "  - builtin: mcp\n    server_url: https://mcp.example.org\n"
            "    authorization: 9876543210123\n    extra_headers: {x-key: 1234567890987}\n"
        )
    text = str(info.value)
    assert "authorization" in text
    assert "x-key" in text
    assert "9876543210123" not in text
    assert "1234567890987" not in text
    assert "not shown here" in text
