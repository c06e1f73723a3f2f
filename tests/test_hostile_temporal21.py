"""Hostile input to sessions and approvals on Temporal, as tables: one line per new case.

``agentrt approve`` against a real dev server and worker (bad workflow ids,
approving twice, a call id that does not exist, a finished workflow), a tampered
``approve`` signal sent with the ``temporal`` CLI (ignored: the run keeps
waiting), the workflow's decision parser, ``agentrt run --temporal`` session
flags, and agents with hooks or guardrails (planned as activities on Temporal).
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.conftest import SimProcess
from tests.durable_fixtures import (
    AGENTS,
    GREETER,
    agentrt_command,
    running_worker,
    temporal_binary,
)

APPROVER = AGENTS / "approver.yaml"
QUEUE = "hostile21"
PROMPT = "Plan a day in Oslo: check the weather and book a visit"


@dataclass
class Waiting:
    address: str
    workflow_id: str  # waits for approval of call_id
    call_id: str
    finished_id: str  # a run that completed


def _cli(*args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        agentrt_command(*args), capture_output=True, text=True, timeout=timeout, check=False
    )


def _temporal(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [temporal_binary(), *args], capture_output=True, text=True, timeout=30, check=False
    )


def _started_waiting(address: str) -> tuple[subprocess.Popen[str], str, str]:
    follower = subprocess.Popen(
        agentrt_command("run", str(APPROVER), PROMPT, "--temporal", address, "--task-queue", QUEUE),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert follower.stderr is not None
    for line in follower.stderr:
        found = re.search(r"agentrt approve (\S+) --call (\S+)", line)
        if found:
            return follower, found.group(1), found.group(2)
    raise AssertionError("agentrt run --temporal never said the run waits for approval")


@pytest.fixture(scope="module")
def waiting(
    temporal_server: str, sim_process: SimProcess, tmp_path_factory: Any
) -> Iterator[Waiting]:
    env = {"AGENTRT_DURABLE_DIR": str(tmp_path_factory.mktemp("hostile21"))}
    args = (str(APPROVER), str(GREETER), "--endpoint", sim_process.address, "--task-queue", QUEUE)
    with running_worker(temporal_server, *args, env=env):
        done = _cli(
            "run",
            str(GREETER),
            "Hi",
            "--var",
            "name=Ana",
            "--temporal",
            temporal_server,
            "--task-queue",
            QUEUE,
        )
        assert done.returncode == 0, done.stderr
        finished = re.search(r"durable run (\S+) on task queue", done.stderr)
        assert finished is not None
        follower, wid, call_id = _started_waiting(temporal_server)
        try:
            yield Waiting(temporal_server, wid, call_id, finished.group(1))
        finally:
            follower.kill()
            follower.communicate()
            _temporal("workflow", "terminate", "--workflow-id", wid, "--address", temporal_server)


# (argv after "approve" with {wid}/{call}/{done} filled in, what stderr says)
APPROVE_CASES = [
    (["no-such-workflow", "--call", "c1"], "no durable run with workflow id"),
    (["{wid}", "--call", "not-a-call"], "has no pending call 'not-a-call'"),
    (["{done}", "--call", "c1"], "already finished (completed)"),
    (["{done}", "--all"], "already finished"),
    (["  ", "--call", "c1"], "WORKFLOW_ID is empty"),
    (["{wid}", "--call", "{call}", "--deny", " "], "the reason is empty"),
    (["{wid}"], "one of the arguments --call --all is required"),
    (["{wid}", "--call", "{call}", "--all"], "not allowed with argument"),
]


@pytest.mark.e2e
@pytest.mark.parametrize(("argv", "said"), APPROVE_CASES)
def test_agentrt_approve_refuses_with_one_line(
    waiting: Waiting, argv: list[str], said: str
) -> None:
    filled = [
        a.format(wid=waiting.workflow_id, call=waiting.call_id, done=waiting.finished_id)
        for a in argv
    ]
    done = _cli("approve", *filled, "--temporal", waiting.address)
    assert done.returncode == 2, done.stderr
    assert said in done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) <= 3  # argparse adds its usage lines


def _pending(waiting: Waiting) -> list[dict[str, Any]]:
    out = _temporal(
        "workflow",
        "query",
        "--workflow-id",
        waiting.workflow_id,
        "--name",
        "pending",
        "--address",
        waiting.address,
        "--output",
        "json",
    )
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    result = data.get("queryResult", data)
    return (
        result[0] if isinstance(result, list) and result and isinstance(result[0], list) else result
    )


# signal payloads a tampered or careless sender might send: all ignored, the call still waits
TAMPERED = [
    '"approve everything"',
    "null",
    "[1, 2, 3]",
    '{"{call}": true}',
    '{"{call}": {"approve": "yes"}}',
    '{"{call}": {"approve": true, "deny": "x"}}',
    '{"{call}": {"deny": ""}}',
    '{"{call}": {"deny": 42}}',
    '{"{call}": {"deny": "' + "x" * 3000 + '"}}',
    '{"other-call": {"approve": true}}',
]


@pytest.mark.e2e
@pytest.mark.parametrize("payload", TAMPERED)
def test_a_tampered_signal_is_ignored_and_the_call_keeps_waiting(
    waiting: Waiting, payload: str
) -> None:
    sent = _temporal(
        "workflow",
        "signal",
        "--workflow-id",
        waiting.workflow_id,
        "--name",
        "approve",
        "--input",
        payload.replace("{call}", waiting.call_id),
        "--address",
        waiting.address,
    )
    assert sent.returncode == 0, sent.stderr
    pending = _pending(waiting)
    assert [p["call_id"] for p in pending] == [waiting.call_id]
    described = _temporal(
        "workflow",
        "describe",
        "--workflow-id",
        waiting.workflow_id,
        "--address",
        waiting.address,
        "--output",
        "json",
    )
    assert "RUNNING" in described.stdout


@pytest.mark.e2e
def test_approving_twice_the_second_is_refused(waiting: Waiting) -> None:
    first = _cli(
        "approve",
        waiting.workflow_id,
        "--call",
        waiting.call_id,
        "--deny",
        "not today",
        "--temporal",
        waiting.address,
    )
    assert first.returncode == 0, first.stderr
    assert f"denied {waiting.call_id}" in first.stdout
    second = _cli(
        "approve", waiting.workflow_id, "--call", waiting.call_id, "--temporal", waiting.address
    )
    assert second.returncode == 2
    assert "no pending call" in second.stderr or "already finished" in second.stderr


# the workflow's own check of one decision (what the signal handler keeps)
DECISIONS = [
    ({"approve": True}, {"approve": True}),
    ({"deny": "too much"}, {"deny": "too much"}),
    ({"approve": 1}, None),
    ({"approve": False}, None),
    ({"deny": "   "}, None),
    ({"deny": None}, None),
    ({"deny": "x" * 2001}, None),
    ({"approve": True, "extra": 1}, None),
    ("approve", None),
    (None, None),
    ([], None),
]


@pytest.mark.parametrize(("value", "expected"), DECISIONS)
def test_decision_parser(value: Any, expected: Any) -> None:
    from agentrt.durable.approvals import decision_of

    assert decision_of(value) == expected


# agentrt run --temporal flags: refused before anything is started (no server at this address)
RUN_FLAG_CASES = [
    (["--session", "has space"], "must be 1-128 characters"),
    (["--session", "x" * 129], "must be 1-128 characters"),
    (["--session", "s1", "--session-db", "memory:"], "cannot be shared with Temporal workers"),
    (["--session-db", "x.db"], "--session-db and --session-mode need --session ID"),
    (["--session", "s1", "--session-db", "mysql://h/db"], "unknown scheme"),
    (["--approval-timeout", "-1"], "is not a duration"),
    (["--approval-timeout", "0"], "is not a duration"),
]


@pytest.mark.parametrize(("flags", "said"), RUN_FLAG_CASES)
def test_run_temporal_session_flags_refused(flags: list[str], said: str) -> None:
    done = _cli("run", str(GREETER), "Hi", "--var", "name=A", "--temporal", "127.0.0.1:1", *flags)
    assert done.returncode == 2, done.stderr
    assert said in done.stderr
    assert "Traceback" not in done.stderr


class _Hooks:
    def on_run_end(self, ctx: Any, result: Any) -> None:
        """A hook the workflow runs as an activity."""


class _ModelHooks:
    def on_model_response(self, ctx: Any, response: Any) -> None:
        """A hook run inside the model-call activity: no activity of its own."""


def _guard(ctx: Any, value: Any) -> None:
    return None


# agents with user code beside the loop: run on Temporal (no longer refused); the plan names
# the hooks and guardrail kinds the workflow runs as activities of their own
SUPPORTED: list[tuple[dict[str, Any], list[str]]] = [
    ({"hooks": _Hooks()}, ["on_run_end"]),
    ({"hooks": _ModelHooks()}, []),
    ({"input_guardrails": [_guard]}, ["input"]),
    ({"output_guardrails": [_guard]}, ["output"]),
    ({"tool_guardrails": [_guard]}, []),  # checked inside the tool activity
    ({"input_guardrails": [_guard], "output_guardrails": [_guard]}, ["input", "output"]),
]


@pytest.mark.parametrize(("extra", "extras"), SUPPORTED)
def test_hooks_and_guardrails_are_planned_on_temporal(
    extra: dict[str, Any], extras: list[str]
) -> None:
    from agentrt.agents.agent import Agent
    from agentrt.durable.starter import plan_for

    agent: Agent[Any] = Agent(name="guarded", model="grok-4", **extra)
    assert plan_for(agent).extras == extras
