"""Hostile agent specs: every broken file fails fast with positioned FILE:LINE:COL lines.

Each table row is one hostile input of a class (alias bombs, control
characters, deep nesting, tags, ...); the next case of a class is one line.
Loading must never hang, grow without bound or raise anything but
:class:`SpecError`, and the CLI must print problems, never a traceback.
"""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agentrt.specs.agent_spec import AgentSpec, SpecError
from agentrt.specs.source import parse_yaml
from tests.conftest import agentrt_command, clean_env

HEAD = "version: 1\nname: hostile\nmodel: grok-4\ninstructions: hi\n"


def _bomb(levels: int = 9, width: int = 9, key: str = "x") -> str:
    lines = [f"{key}:", f"  a: &a [{', '.join(['lol'] * width)}]"]
    prev = "a"
    for name in "bcdefghijklmnop"[: levels - 1]:
        lines.append(f"  {name}: &{name} [{', '.join([f'*{prev}'] * width)}]")
        prev = name
    return "\n".join(lines) + "\n"


def _nested(depth: int) -> str:
    return "instructions2: " + "[" * depth + "]" * depth + "\n"


def _many_aliases(n: int) -> str:
    return "x: &a 1\ny: [" + ", ".join(["*a"] * n) + "]\n"


_LINE = re.compile(r"^\S+:\d+:\d+: ")

# (text after HEAD, a fragment of the one problem's message)
HOSTILE_YAML = [
    pytest.param(_bomb(), "alias bomb", id="alias-bomb-9x9"),
    pytest.param(_bomb(key="output"), "alias bomb", id="alias-bomb-under-output"),
    pytest.param(_bomb(levels=4, width=40), "alias bomb", id="alias-bomb-wide"),
    pytest.param(_many_aliases(1001), "more than 1000 aliases", id="too-many-aliases"),
    pytest.param("x: &a [*a]\n", "cycle", id="self-alias-list"),
    pytest.param("x: &a {k: *a}\n", "cycle", id="self-alias-map"),
    pytest.param(_nested(3000), "nested deeper", id="nesting-3000-flow"),
    pytest.param(_nested(101), "nested deeper", id="nesting-101-flow"),
    pytest.param(
        "x: &a " + "[" * 60 + "1" + "]" * 60 + "\ny: " + "[" * 60 + "*a" + "]" * 60 + "\n",
        "nest deeper",
        id="nesting-through-alias",
    ),
    pytest.param("x: \x1b[31mred\n", "U+001B", id="control-esc"),
    pytest.param("x: a\x00b\n", "U+0000", id="control-nul"),
    pytest.param("x: '\x07'\n", "U+0007", id="control-bel-quoted"),
    pytest.param("x: \ufffe\n", "U+FFFE", id="noncharacter"),
    pytest.param("!!python/object/apply:os.system [echo]: 1\n", "keys must be", id="tag-list-key"),
    pytest.param("? !!python/name:os.system\n: 1\n", "constructor", id="python-tag-key"),
    pytest.param("x: !!python/object/apply:os.system [echo]\n", "not supported", id="python-tag"),
    pytest.param("x: !!python/object:os.Foo {a: 1}\n", "not supported", id="python-map-tag"),
    pytest.param("x: !!python/name:os.system\n", "constructor", id="python-scalar-tag"),
    pytest.param("x: !!int abc\n", "cannot read", id="bad-int-tag"),
    pytest.param("x: !!binary 'abc'\n", "cannot read", id="bad-binary-tag"),
    pytest.param("x: !!timestamp nope\n", "cannot read", id="bad-timestamp-tag"),
    pytest.param("x: 1" + "0" * 5000 + "\n", "cannot read", id="huge-int"),
    pytest.param("? [a, b]\n: 1\n", "keys must be", id="list-key"),
    pytest.param("x: *nope\n", "undefined alias", id="undefined-alias"),
    pytest.param("x: [1, 2\n", "invalid YAML", id="unclosed-flow"),
    pytest.param("---\nx: 1\n---\ny: 2\n", "invalid YAML", id="two-documents"),
]


@pytest.mark.parametrize(("tail", "fragment"), HOSTILE_YAML)
def test_hostile_yaml_fails_fast_with_one_positioned_problem(
    tmp_path: Path, tail: str, fragment: str
) -> None:
    path = tmp_path / "hostile.yaml"
    path.write_text(HEAD + tail, encoding="utf-8")
    start = time.monotonic()
    with pytest.raises(SpecError) as info:
        AgentSpec.from_file(path)
    # a bound on a hang, not a speed target (before the fix: past 60 s); generous for a loaded CI machine
    assert time.monotonic() - start < 15
    problems = info.value.problems
    assert len(problems) == 1, problems
    assert problems[0].file == str(path)
    assert problems[0].line >= 1
    assert problems[0].column >= 1
    assert fragment in problems[0].message


# Files that are not specs at all: one problem at 1:1, never a hang or a MemoryError.
NOT_SPECS = [
    pytest.param("/dev/zero", "larger than", id="dev-zero"),
    pytest.param("{tmp}/big.yaml", "larger than", id="five-mib"),
    pytest.param("{tmp}/latin1.yaml", "utf-8", id="not-utf8"),
    pytest.param("{tmp}", "cannot read", id="a-directory"),
]


@pytest.mark.parametrize(("name", "fragment"), NOT_SPECS)
def test_a_file_that_is_not_a_spec_is_one_problem(tmp_path: Path, name: str, fragment: str) -> None:
    (tmp_path / "big.yaml").write_text(HEAD + "# " + "x" * (5 * 1024 * 1024) + "\n")
    (tmp_path / "latin1.yaml").write_bytes(HEAD.encode() + b"x: caf\xe9\n")
    with pytest.raises(SpecError) as info:
        AgentSpec.from_file(name.format(tmp=tmp_path))
    (problem,) = info.value.problems
    assert (problem.line, problem.column) == (1, 1)
    assert fragment in problem.message


def test_control_character_position_is_its_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "esc.yaml"
    path.write_text(HEAD + "tools: []\nname2: ab\x1bc\n", encoding="utf-8")
    with pytest.raises(SpecError) as info:
        AgentSpec.from_file(path)
    (problem,) = info.value.problems
    assert (problem.line, problem.column) == (6, 10)


# Each CLI that loads a spec: the alias bomb must fail in well under a second, exit 2
# (validate: 1, its documented "the spec has problems"), one positioned line, no traceback.
CLI_LOADERS = [
    pytest.param(("validate", "{spec}"), 1, id="validate"),
    pytest.param(("run", "{spec}", "hello"), 2, id="run"),
    pytest.param(("serve", "{spec}", "--port", "0"), 2, id="serve"),
    pytest.param(
        (
            "load",
            "--agent",
            "{spec}",
            "--prompt",
            "hi",
            "--requests",
            "1",
            "--endpoint",
            "127.0.0.1:9",
        ),
        2,
        id="load-agent",
    ),
]


@pytest.mark.parametrize(("args", "code"), CLI_LOADERS)
def test_alias_bomb_is_refused_by_every_command(
    tmp_path: Path, args: tuple[str, ...], code: int
) -> None:
    spec = tmp_path / "bomb.yaml"
    spec.write_text(HEAD + _bomb(), encoding="utf-8")
    argv = [a.format(spec=spec) for a in args]
    start = time.monotonic()
    done = subprocess.run(
        agentrt_command(*argv), env=clean_env(), capture_output=True, text=True, timeout=20
    )
    assert time.monotonic() - start < 20  # a hang bound; before the fix: > 60 s and ~1 GB
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    located = [
        ln for ln in (done.stdout + done.stderr).splitlines() if f"{spec}:" in ln and "alias" in ln
    ]
    assert len(located) == 1, done.stdout + done.stderr


# Broken variants of a good spec: any YAML text loads or fails with SpecError, never anything else.
_PIECES = st.sampled_from(
    ["&a ", "*a", "[", "]", "{", "}", ": ", "\n  ", "- ", "!!python/none ", "!!int ", "\x1b",
     "\x00", "'", '"', "? ", "<<: ", "${X}", "#", "\t", "|", "&b [*a, *a]", "1e9999", "~"]
)  # fmt: skip


@settings(max_examples=100, deadline=1000, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, len(HEAD)), _PIECES), max_size=6))
def test_broken_yaml_only_ever_raises_spec_error(edits: list[tuple[int, str]]) -> None:
    text = HEAD + "tools: []\n"
    for where, piece in edits:
        text = text[:where] + piece + text[where:]
    problems: list[str] = []
    try:
        parse_yaml(text, file="fuzz.yaml", environ={})
    except SpecError as exc:
        problems = [str(p) for p in exc.problems] or ["(no problems)"]
    assert all(_LINE.match(p) for p in problems), problems


def _schema_spec(schema: str) -> str:
    return HEAD + "output:\n  schema: " + schema + "\n"


# Output schemas whose $ref cannot resolve: validate rejects them at the $ref.
BAD_REFS = [
    pytest.param('{type: object, properties: {a: {$ref: "#/definitions/nope"}}}', "points to nothing", id="local-missing"),
    pytest.param('{$defs: {a: {type: string}}, $ref: "#/$defs/b"}', "points to nothing", id="defs-missing"),
    pytest.param('{$ref: "#nope"}', "names no anchor", id="anchor-missing"),
    pytest.param('{$ref: "http://example.com/s.json"}', "outside this schema", id="remote-url"),
    pytest.param('{$ref: "other.json#/x"}', "outside this schema", id="relative-file"),
    pytest.param('{anyOf: [{type: string}, {items: {$ref: "#/$defs/x"}}]}', "points to nothing", id="nested-in-anyof"),
]  # fmt: skip


@pytest.mark.parametrize(("schema", "fragment"), BAD_REFS)
def test_an_unresolvable_ref_is_a_positioned_problem(
    tmp_path: Path, schema: str, fragment: str
) -> None:
    with pytest.raises(SpecError) as info:
        AgentSpec.from_text(_schema_spec(schema), file="refs.yaml", base_dir=tmp_path)
    (problem,) = info.value.problems
    assert problem.line == 6
    assert problem.path.startswith("output.schema")
    assert problem.path.endswith("$ref")
    assert fragment in problem.message


GOOD_REFS = [
    pytest.param('{$defs: {a: {type: string}}, properties: {x: {$ref: "#/$defs/a"}}}', id="defs"),
    pytest.param('{definitions: {a: {type: string}}, items: {$ref: "#/definitions/a"}}', id="definitions"),
    pytest.param('{$defs: {a: {$anchor: here, type: string}}, items: {$ref: "#here"}}', id="anchor"),
    pytest.param('{properties: {x: {$ref: "#"}}}', id="root"),
    pytest.param('{enum: [{$ref: "not a reference"}]}', id="data-not-ref"),
]  # fmt: skip


@pytest.mark.parametrize("schema", GOOD_REFS)
def test_resolvable_refs_still_load(tmp_path: Path, schema: str) -> None:
    spec = AgentSpec.from_text(_schema_spec(schema), file="refs.yaml", base_dir=tmp_path)
    assert spec.output is not None


# A tools module that ends the process, or raises anything, on import: a problem at the entry.
HOSTILE_TOOLS = [
    pytest.param("import sys\nsys.exit(0)\n", "SystemExit", id="sys-exit-0"),
    pytest.param("raise SystemExit(3)\n", "SystemExit", id="system-exit-3"),
    pytest.param("raise KeyboardInterrupt\n", "KeyboardInterrupt", id="keyboard-interrupt"),
    pytest.param("raise BaseException('odd')\n", "BaseException", id="base-exception"),
    pytest.param("def __getattr__(name):\n    raise RuntimeError('no')\n", "RuntimeError", id="getattr-raises"),
]  # fmt: skip


@pytest.mark.parametrize(("module", "fragment"), HOSTILE_TOOLS)
def test_a_tools_module_that_exits_on_import_is_a_problem(
    tmp_path: Path, module: str, fragment: str
) -> None:
    (tmp_path / "evil_tools.py").write_text(module)
    spec = tmp_path / "agent.yaml"
    spec.write_text(HEAD + "tools:\n  - function: evil_tools:tool\n")
    done = subprocess.run(
        agentrt_command("validate", str(spec)),
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    (line,) = done.stdout.splitlines()
    assert line.startswith(f"{spec}:6:15: tools[0].function: ")
    assert fragment in line


# The same spec named more than once is served once; two files with one name are both named.
SAME_FILE_TWICE = [
    pytest.param(("{d}", "{d}"), id="dir-twice"),
    pytest.param(("{d}/a.yaml", "{d}/a.yaml"), id="file-twice"),
    pytest.param(("{d}", "{d}/a.yaml"), id="dir-and-its-file"),
    pytest.param(("{d}/a.yaml", "{d}/../d/a.yaml"), id="two-spellings"),
]


@pytest.mark.parametrize("paths", SAME_FILE_TWICE)
def test_a_spec_named_twice_is_served_once(tmp_path: Path, paths: tuple[str, ...]) -> None:
    from agentrt.serve.catalog import Catalog

    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "a.yaml").write_text(HEAD)
    catalog = Catalog.from_paths([p.format(d=folder) for p in paths])
    assert catalog.names == ["hostile"]


def test_two_files_with_one_agent_name_are_both_named(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(HEAD)
    (tmp_path / "b.yaml").write_text(HEAD)
    done = subprocess.run(
        agentrt_command("serve", str(tmp_path), "--port", "0"),
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "two agents are named 'hostile'" in done.stderr
    assert str(tmp_path / "a.yaml") in done.stderr
    assert str(tmp_path / "b.yaml") in done.stderr


_MARKER = "import pathlib\npathlib.Path(__file__).with_name('ran').write_text('x')\n"

# validate --no-import: (files beside the spec, tools entries, the problem expected or None)
NO_IMPORT = [
    pytest.param({"t.py": _MARKER + "def f(): pass\n"}, ["t:f"], None, id="ok-runs-nothing"),
    pytest.param({"t.py": _MARKER + "import sys\nsys.exit(0)\n"}, ["t:f"], "defines no top-level 'f'", id="exit-not-run"),
    pytest.param({"t.py": _MARKER}, ["nope_mod:f"], "cannot find module 'nope_mod'", id="no-module"),
    pytest.param({"t.py": _MARKER + "if True:\n    def f(): pass\n"}, ["t:f"], None, id="def-under-if"),
    pytest.param({"t.py": _MARKER + "from json import loads as f\n"}, ["t:f"], None, id="imported-name"),
    pytest.param({"t.py": _MARKER + "def __getattr__(n): ...\n"}, ["t:f"], None, id="module-getattr"),
    pytest.param({"pkg/__init__.py": _MARKER, "pkg/m.py": "def f(): pass\n"}, ["pkg.m:f"], None, id="package-init-not-run"),
    pytest.param({"pkg/__init__.py": _MARKER, "pkg/m.py": ""}, ["pkg.m:f"], "defines no top-level 'f'", id="package-missing-attr"),
    pytest.param({"pkg/__init__.py": _MARKER}, ["pkg.nope:f"], "cannot find module 'pkg.nope'", id="package-no-submodule"),
    pytest.param({"t.py": _MARKER + "def f(:\n"}, ["t:f"], "SyntaxError", id="syntax-error"),
    pytest.param({"t.py": _MARKER}, ["json:loads"], None, id="stdlib"),
    pytest.param({"t.py": _MARKER}, ["sys:exit"], None, id="builtin-module"),
]  # fmt: skip


@pytest.mark.parametrize(("files", "functions", "problem"), NO_IMPORT)
def test_validate_no_import_checks_imports_without_running_them(
    tmp_path: Path, files: dict[str, str], functions: list[str], problem: str | None
) -> None:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    spec = tmp_path / "agent.yaml"
    spec.write_text(HEAD + "tools:\n" + "".join(f"  - function: {f}\n" for f in functions))
    done = subprocess.run(
        agentrt_command("validate", "--no-import", str(spec)),
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert not list(tmp_path.rglob("ran")), "validate --no-import ran the spec's code"
    assert "Traceback" not in done.stderr
    if problem is None:
        assert done.returncode == 0, done.stdout + done.stderr
        assert "checked without importing" in done.stderr
    else:
        assert done.returncode == 1, done.stderr
        (line,) = done.stdout.splitlines()
        assert line.startswith(f"{spec}:6:15: tools[0].function: "), line
        assert problem in line


def test_validate_without_no_import_runs_the_tools_module(tmp_path: Path) -> None:
    (tmp_path / "t.py").write_text(_MARKER + "def f() -> str:\n    return 'x'\n")
    spec = tmp_path / "agent.yaml"
    spec.write_text(HEAD + "tools:\n  - function: t:f\n")
    done = subprocess.run(
        agentrt_command("validate", str(spec)), env=clean_env(), capture_output=True, timeout=30
    )
    assert done.returncode == 0
    assert (tmp_path / "ran").exists()  # the documented difference: this mode runs code
