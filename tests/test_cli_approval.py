"""`agentrt run` with tools that need approval, guardrails and hooks from YAML: the real CLI as a
subprocess (the built-in simulator), on a pipe and on a terminal (a pty)."""

from __future__ import annotations

import json
import os
import select
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import agentrt_command, clean_env, write_files

pytestmark = pytest.mark.e2e

TOOLS = '''
from agentrt.agents.guardrails import Trip

def refund(order: str) -> str:
    """Refund an order.

    Args:
        order: the order id.
    """
    return order + " refunded"

def lookup(order: str) -> str:
    """Look an order up.

    Args:
        order: the order id.
    """
    return order + " shipped"

def no_password(ctx, text):
    return Trip("asks for a password") if "password" in text else None

class Broken:
    def on_turn_start(self, ctx):
        raise RuntimeError("audit log is down")

broken = Broken()
'''

SPEC = """\
version: 1
name: shop
model: grok-4-1-fast-reasoning
instructions: Use the tools.
tools:
  - function: cli21_tools:refund
    approval: always
  - function: cli21_tools:lookup
"""
ASK = 'Call refund with {"order": "A1"}'


@pytest.fixture
def spec(tmp_path: Path) -> str:
    write_files(tmp_path, {"cli21_tools.py": TOOLS, "shop.yaml": SPEC})
    return str(tmp_path / "shop.yaml")


def _cli(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        agentrt_command(*args),
        env=clean_env(XDG_DATA_HOME=str(home)),
        capture_output=True,
        text=True,
        timeout=30,
        stdin=subprocess.DEVNULL,
    )


def _tool_result(out: str) -> str:
    """The call's result, or ``denied: MESSAGE`` for a denied call."""
    [call] = json.loads(out)["tool_calls"]
    if "error" in call:
        return f"{call['error']['kind']}: {call['error']['message']}"
    return str(call["result"])


@pytest.mark.parametrize(
    ("flags", "result"),
    [
        (["--approve", "refund"], "A1 refunded"),
        (["--approve", "all"], "A1 refunded"),
        (["--deny", "refund:over the limit"], "denied: over the limit"),
        (["--approve", "all", "--deny", "refund:no refunds today"], "denied: no refunds today"),
        (["--deny", "all"], "denied: denied on the command line"),
    ],
)
def test_approve_and_deny_policies_decide_without_a_terminal(
    spec: str, tmp_path: Path, flags: list[str], result: str
) -> None:
    done = _cli("run", spec, ASK, "--json", *flags, home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert result in _tool_result(done.stdout)


def test_an_undecided_call_exits_1_and_json_keeps_the_state_to_resume(
    spec: str, tmp_path: Path
) -> None:
    plain = _cli("run", spec, ASK, "--approve", "lookup", home=tmp_path)
    assert plain.returncode == 1
    [line] = [x for x in plain.stderr.splitlines() if x.startswith("agentrt: error")]
    for part in ('refund({"order": "A1"})', "--approve refund", "--deny refund:REASON"):
        assert part in line
    paused = _cli("run", spec, ASK, "--json", home=tmp_path)
    assert paused.returncode == 1
    saved = json.loads(paused.stdout)
    assert [c["tool"] for c in saved["approval_required"]] == ["refund"]
    (tmp_path / "paused.json").write_text(paused.stdout)
    resumed = _cli(
        "run", spec, "--resume", str(tmp_path / "paused.json"), "--approve", "refund", "--json",
        home=tmp_path,
    )  # fmt: skip
    assert resumed.returncode == 0, resumed.stderr
    assert _tool_result(resumed.stdout) == "A1 refunded"
    (tmp_path / "state.json").write_text(json.dumps(saved["state"]))  # the state alone works too
    denied = _cli("run", spec, "--resume", str(tmp_path / "state.json"), "--deny", "all:no",
                  "--json", home=tmp_path)  # fmt: skip
    assert denied.returncode == 0, denied.stderr
    assert _tool_result(denied.stdout) == "denied: no"


def _on_a_terminal(
    args: list[str], home: Path, answers: list[tuple[str, str]]
) -> tuple[int, str, str]:
    """Run with stdin and stderr on a pty; answer each prompt ending in ``wait`` with ``send``."""
    master, slave = os.openpty()
    proc = subprocess.Popen(
        agentrt_command(*args),
        env=clean_env(XDG_DATA_HOME=str(home)),
        stdin=slave,
        stderr=slave,
        stdout=subprocess.PIPE,
        text=True,
    )
    os.close(slave)
    seen = ""
    try:
        for wait, send in answers:
            deadline = time.monotonic() + 20
            while wait not in seen:
                assert time.monotonic() < deadline, f"no prompt {wait!r}: {seen!r}"
                if select.select([master], [], [], 0.5)[0]:
                    seen += os.read(master, 4096).decode(errors="replace")
            seen = seen.split(wait, 1)[1]
            os.write(master, send.encode() + b"\n")
        out, _ = proc.communicate(timeout=20)
        while select.select([master], [], [], 0.1)[0]:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk.decode(errors="replace")
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    return proc.returncode, out, seen


def test_a_person_on_a_terminal_approves(spec: str, tmp_path: Path) -> None:
    code, out, _ = _on_a_terminal(
        ["run", spec, ASK, "-q", "--json"], tmp_path, [("approve refund? [y/n] ", "y")]
    )
    assert code == 0
    assert _tool_result(out) == "A1 refunded"


def test_a_person_on_a_terminal_denies_with_a_reason(spec: str, tmp_path: Path) -> None:
    code, out, _ = _on_a_terminal(
        ["run", spec, ASK, "-q", "--json"],
        tmp_path,
        [("approve refund? [y/n] ", "maybe"), ("[y/n] ", "n"), ("reads it): ", "ask a manager")],
    )
    assert code == 0
    assert _tool_result(out) == "denied: ask a manager"


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            "guardrails:\n  input: [cli21_tools:no_password]\n",
            "agentrt: error: input guardrail 'no_password' tripped: asks for a password",
        ),
        ("hooks: cli21_tools:broken\n", "agentrt: error: hook on_turn_start failed: "),
    ],
)
def test_a_guardrail_or_hook_from_yaml_stops_the_run_with_exit_1(
    tmp_path: Path, extra: str, expected: str
) -> None:
    write_files(tmp_path, {"cli21_tools.py": TOOLS, "shop.yaml": SPEC + extra})
    done = _cli("run", str(tmp_path / "shop.yaml"), "my password is hunter2", home=tmp_path)
    assert done.returncode == 1
    [line] = [x for x in done.stderr.splitlines() if x.startswith("agentrt: error")]
    assert line.startswith(expected)
    assert "Traceback" not in done.stderr
