"""Hostile input to `agentrt run --session/--approve/--deny/--resume` and `agentrt sessions`:
each case a one-line error with the exit code it says (2 usage, 3 unreachable), no traceback."""

from __future__ import annotations

import copy
import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from agentrt.specs.agent_spec import AgentSpec
from agentrt.testing import ScriptedModel, call, reply, tool_calls
from tests.conftest import agentrt_command, clean_env, forgetting_modules, write_files

pytestmark = pytest.mark.e2e

TOOLS = '''
LIMIT = 3

def refund(order: str) -> str:
    """Refund an order.

    Args:
        order: the order id.
    """
    return order + " refunded"
'''
SPEC = """\
version: 1
name: shop
model: grok-4-1-fast-reasoning
instructions: Use the tools.
tools:
  - function: h21_tools:refund
    approval: {approval}
"""


def _files(tmp_path: Path, approval: str = "always") -> str:
    write_files(tmp_path, {"h21_tools.py": TOOLS, "shop.yaml": SPEC.format(approval=approval)})
    return str(tmp_path / "shop.yaml")


def _cli(*args: str, home: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        agentrt_command(*args),
        env=clean_env(XDG_DATA_HOME=str(home), **env),
        capture_output=True,
        text=True,
        timeout=30,
        stdin=subprocess.DEVNULL,
    )


def _one_error(done: subprocess.CompletedProcess[str], code: int, expected: str) -> None:
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr
    [line] = [x for x in done.stderr.splitlines() if x.startswith("agentrt: error")]
    assert expected in line


BAD_IDS = ["", "has space", "x" * 129, "../etc/passwd", "id\nnext", "é", "a/b"]


@pytest.mark.parametrize("bad", BAD_IDS)
def test_bad_session_ids_are_refused(tmp_path: Path, bad: str) -> None:
    spec = _files(tmp_path)
    _one_error(_cli("run", spec, "hi", "--session", bad, home=tmp_path), 2, "session id")
    _one_error(_cli("sessions", "show", bad, home=tmp_path), 2, "session id")


@pytest.mark.parametrize(
    ("db", "code", "expected"),
    [
        ("/no/such/dir/s.db", 2, "no such directory '/no/such/dir'"),
        ("{tmp}", 2, "is a directory"),
        ("ftp://user:hunter2@host/x", 2, "unknown scheme"),
        ("sqlite://", 2, "no file path"),
        ("   ", 2, "empty"),
        ("/dev/null", 2, "session store /dev/null"),
        ("redis://127.0.0.1:1/0", 3, "UNAVAILABLE"),
        ("a\x01b/../../x.db", 2, "no such directory"),
    ],
)
def test_bad_session_stores_are_one_line_errors(
    tmp_path: Path, db: str, code: int, expected: str
) -> None:
    spec = _files(tmp_path)
    db = db.format(tmp=tmp_path)
    done = _cli("run", spec, "hi", "--session", "s", "--session-db", db, home=tmp_path)
    _one_error(done, code, expected)
    assert "hunter2" not in done.stderr
    _one_error(_cli("sessions", "list", "--session-db", db, home=tmp_path), code, expected)


def test_a_bad_store_from_the_environment_is_not_shown(tmp_path: Path) -> None:
    spec = _files(tmp_path)
    done = _cli(
        "run", spec, "hi", "--session", "s", home=tmp_path,
        AGENTRT_SESSION_DB="ftp://user:hunter2@host/db",
    )  # fmt: skip
    _one_error(done, 2, "$AGENTRT_SESSION_DB is not a session store")
    assert "hunter2" not in done.stderr
    assert "host" not in done.stderr


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        (["--approve", "refund", "--deny", "refund"], "both name refund"),
        (["--approve", ""], "expected 'all' or tool names"),
        (["--approve", "all,refund"], "'all' already covers every tool"),
        (["--approve", "re fund"], "expected 'all' or tool names"),
        (["--deny", "refund:"], "the reason is empty"),
        (["--deny", ",:why"], "expected 'all' or tool names"),
        (["--session-db", "x.db"], "need --session ID"),
        (["--session-mode", "resend"], "need --session ID"),
        (["--session-mode", "sometimes"], "invalid choice"),
        (["--resume", "state.json"], "give no INPUT"),
        (["--approve", "all", "--temporal", "127.0.0.1:1"], "are for local runs"),
        (
            ["--session", "s", "--session-mode", "resend", "--temporal", "127.0.0.1:1"],
            "--session-mode is for local runs",
        ),
        (["--approval-timeout", "5m"], "--approval-timeout is for --temporal runs"),
    ],
)
def test_flags_that_do_not_go_together_are_usage_errors(
    tmp_path: Path, flags: list[str], expected: str
) -> None:
    spec = _files(tmp_path)
    _one_error(_cli("run", spec, "hi", *flags, home=tmp_path), 2, expected)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["branch", "s", "--at", "-1", "--to", "t"], "expected 0 or more"),
        (["branch", "s", "--at", "x", "--to", "t"], "expected a whole number"),
        (["branch", "s", "--at", "1", "--to", "bad id"], "session id"),
        (["trim", "s", "--keep", "-3"], "expected 0 or more"),
        (["list", "--limit", "0"], "expected 1 or more"),
        (["show"], "required"),
    ],
)
def test_bad_sessions_arguments_are_usage_errors(
    tmp_path: Path, args: list[str], expected: str
) -> None:
    _one_error(_cli("sessions", *args, home=tmp_path), 2, expected)


@pytest.fixture(scope="module")
def paused_state(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A real state of shop.yaml paused at refund(A1), made in-process."""
    import asyncio

    root = tmp_path_factory.mktemp("state")
    with forgetting_modules("h21_"):
        agent = AgentSpec.from_file(_files(root)).to_agent()
        model = ScriptedModel(tool_calls(call("refund", {"order": "A1"}, id="c1")), reply("ok"))
        result = asyncio.run(agent.run("refund A1", model=model))
    assert result.outcome is not None
    return result.outcome.state.to_json()


def _set(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any]], Any]:
    def change(state: dict[str, Any]) -> Any:
        target: Any = state
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        return state

    return change


TAMPERED: list[tuple[str, Callable[[dict[str, Any]], Any], str]] = [
    ("not json", lambda s: "{not json", "not a JSON run state"),
    ("a list", lambda s: [s], "run state"),
    ("another version", _set(("v",), 99), "v=99 is not supported"),
    ("another agent", _set(("agent",), "bank"), "the state is agent 'bank''s"),
    ("another tool", _set(("pending", 0, "tool"), "wire_money"), "run state"),
    ("other arguments", _set(("pending", 0, "arguments"), '{"order": "ALL"}'), "run state"),
    ("a field missing", lambda s: {k: v for k, v in s.items() if k != "messages"}, "run state"),
    ("wrong type", _set(("turns",), "many"), "run state"),
    ("deeply nested", lambda s: "[" * 100_000 + "]" * 100_000, "--resume"),
]


@pytest.mark.parametrize(
    ("tamper", "expected"), [t[1:] for t in TAMPERED], ids=[t[0] for t in TAMPERED]
)
def test_tampered_resume_files_run_nothing(
    tmp_path: Path, paused_state: dict[str, Any], tamper: Any, expected: str
) -> None:
    spec = _files(tmp_path)
    changed = tamper(copy.deepcopy(paused_state))
    text = changed if isinstance(changed, str) else json.dumps(changed)
    (tmp_path / "state.json").write_text(text)
    done = _cli(
        "run", spec, "--resume", str(tmp_path / "state.json"), "--approve", "all", home=tmp_path
    )
    _one_error(done, 2, expected)
    assert "refunded" not in done.stdout + done.stderr


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/dev/zero", "larger than 64 MiB"),
        ("{tmp}", "Is a directory"),
        ("{tmp}/missing.json", "No such file or directory"),
        ("/dev/null", "not a JSON run state"),
    ],
)
def test_unreadable_resume_files_are_usage_errors(tmp_path: Path, path: str, expected: str) -> None:
    spec = _files(tmp_path)
    done = _cli(
        "run", spec, "--resume", path.format(tmp=tmp_path), "--approve", "all", home=tmp_path
    )
    _one_error(done, 2, expected)


def test_an_untouched_state_resumes(tmp_path: Path, paused_state: dict[str, Any]) -> None:
    spec = _files(tmp_path)
    (tmp_path / "state.json").write_text(json.dumps(paused_state))
    done = _cli(
        "run", spec, "--resume", str(tmp_path / "state.json"), "--approve", "all", "--json",
        home=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["tool_calls"][0]["result"] == "A1 refunded"


@pytest.mark.parametrize(
    ("approval", "expected"),
    [
        ("sometimes", "expected 'always', 'never' or an import path"),
        ("h21_tools:nope", "'h21_tools' has no attribute 'nope'"),
        ("h21_tools:LIMIT", "is not a function (it is an int)"),
        ("no_such_mod_21:check", "cannot import 'no_such_mod_21'"),
        ("'true'", "expected 'always', 'never' or an import path"),
        ("yes", "YAML reads yes/no/true/false as booleans"),
        ("false", "write 'always' or 'never'"),
    ],
)
def test_bad_approval_references_are_spec_errors(
    tmp_path: Path, approval: str, expected: str
) -> None:
    spec = _files(tmp_path, approval)
    checked = _cli("validate", spec, home=tmp_path)
    assert checked.returncode == 1
    assert ":7:15: tools[0].approval: " in checked.stdout
    assert expected in checked.stdout
    _one_error(_cli("run", spec, "hi", home=tmp_path), 2, "")
