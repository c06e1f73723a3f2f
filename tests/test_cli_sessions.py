"""`agentrt run --session` and `agentrt sessions`: the real CLI as a subprocess, against `agentrt sim`."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import SimProcess, agentrt_command, clean_env, write_files

pytestmark = pytest.mark.e2e

SPEC = "version: 1\nname: chat\nmodel: grok-4-1-fast-reasoning\ninstructions: Be brief.\n"


def _cli(*args: str, home: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        agentrt_command(*args),
        env=clean_env(XDG_DATA_HOME=str(home), **env),
        capture_output=True,
        text=True,
        timeout=30,
    )


@pytest.mark.parametrize("mode", ["auto", "resend", "previous_response_id"])
def test_a_three_turn_conversation_is_remembered(
    sim_process: SimProcess, tmp_path: Path, mode: str
) -> None:
    write_files(tmp_path, {"chat.yaml": SPEC})
    spec = str(tmp_path / "chat.yaml")
    inputs = ["Hi, I am Ada.", "I live in Lisbon.", "What is my name?"]
    seen = []
    for i, text in enumerate(inputs):
        done = _cli(
            "run", spec, text, "--session", "ada-1", "--session-mode", mode, "--json",
            "--endpoint", sim_process.address, home=tmp_path,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        out = json.loads(done.stdout)
        assert out["session"] == {"id": "ada-1", "turn": i}
        seen.append(out)
    # the history reached the model: each turn's prompt holds the turns before it
    prompts = [o["usage"]["input"] for o in seen]
    assert prompts[0] < prompts[1] < prompts[2]
    alone = _cli("run", spec, inputs[2], "--json", "--endpoint", sim_process.address, home=tmp_path)
    assert json.loads(alone.stdout)["usage"]["input"] < prompts[2]  # no --session: no history
    assert (tmp_path / "agentrt" / "sessions.db").is_file()  # the default store
    shown = _cli("sessions", "show", "ada-1", "--json", home=tmp_path)
    assert [t["input"] for t in json.loads(shown.stdout)["turns"]] == inputs


def test_sessions_commands_list_branch_trim_and_remove(tmp_path: Path) -> None:
    write_files(tmp_path, {"chat.yaml": SPEC})
    db = str(tmp_path / "other.db")
    for text in ("one", "two", "three"):
        done = _cli(
            "run", str(tmp_path / "chat.yaml"), text, "--session", "s", "--session-db", db, "-q",
            home=tmp_path,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr

    def sessions(*args: str) -> subprocess.CompletedProcess[str]:
        return _cli("sessions", *args, "--session-db", db, home=tmp_path)

    listed = json.loads(sessions("list", "--json").stdout)
    assert [(s["id"], s["turns"]) for s in listed] == [("s", 3)]
    assert sessions("branch", "s", "--at", "2", "--to", "s2").returncode == 0
    branched = json.loads(sessions("show", "s2", "--json").stdout)
    assert [t["input"] for t in branched["turns"]] == ["one", "two"]
    trimmed = sessions("trim", "s", "--keep", "1", "--json")
    assert json.loads(trimmed.stdout) == {"message": "s: removed 2 turns", "removed": 2}
    assert "> three" in sessions("show", "s").stdout
    assert sessions("rm", "s2").returncode == 0
    gone = sessions("rm", "s2")
    assert gone.returncode == 1
    assert (
        gone.stderr.strip()
        == "agentrt: error: no session 's2' in the store (agentrt sessions list)"
    )
    env_db = _cli("sessions", "list", "--json", home=tmp_path, AGENTRT_SESSION_DB=db)
    assert [s["id"] for s in json.loads(env_db.stdout)] == ["s"]


GATED = '''
import os, time
from pathlib import Path

def slow(note: str) -> str:
    """Wait for the test's signal.

    Args:
        note: anything.
    """
    here = Path(os.environ["GATE_DIR"])
    (here / "started").write_text("")
    deadline = time.monotonic() + 20
    while not (here / "release").exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    return "done"

def refund(order: str) -> str:
    """Refund an order.

    Args:
        order: the order id.
    """
    return order + " refunded"
'''
TOOLS_SPEC = SPEC + (
    "tools:\n  - function: gate21:slow\n  - function: gate21:refund\n    approval: always\n"
)


def test_two_runs_on_one_session_the_second_to_finish_exits_1_and_says_run_again(
    tmp_path: Path,
) -> None:
    write_files(tmp_path, {"gate21.py": GATED, "chat.yaml": TOOLS_SPEC})
    spec, db = str(tmp_path / "chat.yaml"), str(tmp_path / "s.db")
    env = clean_env(XDG_DATA_HOME=str(tmp_path), GATE_DIR=str(tmp_path))
    args = ("run", spec, "--session", "s", "--session-db", db, "-q")
    slow = subprocess.Popen(
        agentrt_command(*args, 'Call slow with {"note": "x"}'),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for _ in range(1000):  # the slow run has loaded the session and is in its tool
            if (tmp_path / "started").exists() or slow.poll() is not None:
                break
            time.sleep(0.02)
        quick = _cli(*args, "hi", home=tmp_path)
        assert quick.returncode == 0, quick.stderr
        (tmp_path / "release").write_text("")
        _, err = slow.communicate(timeout=30)
    finally:
        if slow.poll() is None:
            slow.kill()
            slow.communicate()
    assert slow.returncode == 1
    [line] = [x for x in err.splitlines() if x.startswith("agentrt: error")]
    assert "session 's' changed while this run was going" in line
    assert line.endswith("run again")
    shown = _cli("sessions", "show", "s", "--json", "--session-db", db, home=tmp_path)
    assert [t["input"] for t in json.loads(shown.stdout)["turns"]] == ["hi"]


def test_a_paused_session_run_resumed_from_its_state_appends_its_turn(tmp_path: Path) -> None:
    write_files(tmp_path, {"gate21.py": GATED, "chat.yaml": TOOLS_SPEC})
    spec = str(tmp_path / "chat.yaml")
    ask = 'Call refund with {"order": "A1"}'
    paused = _cli("run", spec, ask, "--session", "p", "--json", home=tmp_path)
    assert paused.returncode == 1
    assert json.loads(paused.stdout)["session"] == {"id": "p"}
    (tmp_path / "paused.json").write_text(paused.stdout)
    nothing = _cli("sessions", "show", "p", home=tmp_path)
    assert nothing.returncode == 1  # a paused run appends nothing
    resumed = _cli(
        "run", spec, "--resume", str(tmp_path / "paused.json"), "--approve", "refund", "--json",
        home=tmp_path,
    )  # fmt: skip
    assert resumed.returncode == 0, resumed.stderr
    assert json.loads(resumed.stdout)["session"] == {"id": "p", "turn": 0}
    shown = json.loads(_cli("sessions", "show", "p", "--json", home=tmp_path).stdout)
    assert [t["input"] for t in shown["turns"]] == [ask]
