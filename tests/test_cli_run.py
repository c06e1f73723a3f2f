"""`agentrt run` as a user runs it: a subprocess, real sockets on 127.0.0.1, the simulator behind it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from agentrt.commands.run import parse_vars
from agentrt.errors import UsageError
from agentrt.launch.connect import SIMULATOR_NOTICE, choose_endpoint
from agentrt.specs.agent_spec import AgentSpec
from tests.conftest import SimProcess, reaped, running_sim
from tests.test_spec import BROKEN

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent
TRIP = str(ROOT / "examples" / "trip_planner" / "trip_planner.yaml")
TRIAGE = str(ROOT / "examples" / "support_triage" / "support_triage.yaml")
TRIP_INPUT = (
    "Plan a day in Lisbon: check the weather and find places to visit, starting with a museum."
)
TRIAGE_INPUT = (
    "Triage this ticket and draft a reply. From Ada Lovelace: my order AB-123 has not arrived."
)

ECHO_TOOLS = '''
def lookup_order(order_id: str) -> dict:
    """Look up an order by its id.

    Args:
        order_id: The order id, e.g. "AB-123".
    """
    if order_id == "ZZ-999":
        raise LookupError(f"no order {order_id}")
    return {"order_id": order_id, "status": "shipped"}
'''


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("XAI_API_KEY", "AGENTRT_ENDPOINT")}
    return {**env, **extra}


def agentrt(
    *args: str, stdin: str | None = None, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the ``agentrt`` command; stdin is empty (not a terminal) unless given."""
    return subprocess.run(
        [sys.executable, "-m", "agentrt", *args],
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        env=env if env is not None else _env(),
        cwd=cwd,
        timeout=60,
        check=False,
    )


@pytest.fixture(scope="module")
def keyed_sim() -> Iterator[SimProcess]:
    """A simulator that wants an API key."""
    with running_sim("--api-key", "secret-test-key") as sim:
        yield sim


def _spec(tmp_path: Path, extra: str = "", module: str = "run_t_orders") -> str:
    (tmp_path / f"{module}.py").write_text(textwrap.dedent(ECHO_TOOLS))
    (tmp_path / "orders.yaml").write_text(
        "version: 1\nname: orders\nmodel: grok-4-1-fast-reasoning\n"
        f"instructions: Look up orders for {{company}}.\ntools:\n  - function: {module}:lookup_order\n"
        + extra
    )
    return str(tmp_path / "orders.yaml")


# --- success, input and variables ---------------------------------------------------


def test_without_a_key_it_announces_the_simulator_and_streams_the_answer(tmp_path: Path) -> None:
    spec = _spec(tmp_path)
    result = agentrt("run", spec, "Look up order AB-123 please.", "--var", "company=Acme")
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert lines[0] == f"agentrt: {SIMULATOR_NOTICE}"
    assert lines.count(f"agentrt: {SIMULATOR_NOTICE}") == 1
    assert '  tool lookup_order {"order_id": "AB-123"} -> ok (' in result.stderr
    assert "AB-123" in result.stdout
    assert "shipped" in result.stdout
    assert "Traceback" not in result.stderr


def test_input_comes_from_stdin_when_not_given(tmp_path: Path) -> None:
    spec = _spec(tmp_path)
    result = agentrt(
        "run", spec, "--var", "company=Acme", "--json", stdin="Look up order CD-456.\n"
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["tool_calls"][0]["arguments"] == {"order_id": "CD-456"}


def test_input_file(tmp_path: Path) -> None:
    spec = _spec(tmp_path)
    (tmp_path / "ticket.txt").write_text("Please look up order EF-789.\n")
    result = agentrt(
        "run", spec, "--var", "company=Acme", "--input-file", str(tmp_path / "ticket.txt"), "--json"
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["tool_calls"][0]["arguments"] == {"order_id": "EF-789"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--var", "company=Acme"), "agentrt: error: the input is empty"),
        (
            ("x", "--input-file", "f.txt", "--var", "company=Acme"),
            "give INPUT or --input-file, not both",
        ),
        (
            ("--input-file", "missing.txt", "--var", "company=Acme"),
            "--input-file missing.txt: No such file",
        ),
        (
            ("Look up AB-123",),
            "the instructions of agent 'orders' need 'company': pass --var company=...",
        ),
        (
            ("x", "--var", "compnay=Acme"),
            "--var compnay: the spec has no {compnay} placeholder; did you mean 'company'?",
        ),
        (("x", "--var", "no-equals"), "--var 'no-equals': expected NAME=VALUE"),
        (
            ("x", "--var", "company=A", "--endpoint", "nowhere"),
            "endpoint 'nowhere' must look like HOST:PORT",
        ),
        (
            ("x", "--var", "company=A", "--endpoint", "127.0.0.1:99999"),
            "endpoint '127.0.0.1:99999': the port must be 1 to 65535",
        ),
    ],
)
def test_usage_errors_exit_2_with_one_line(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    spec = _spec(tmp_path)
    result = agentrt("run", spec, *args, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_input_that_is_not_utf8_is_exit_2_with_one_line(tmp_path: Path) -> None:
    spec = _spec(tmp_path)
    (tmp_path / "ticket.bin").write_bytes(b"order \xff\xfe AB-123\n")
    via_file = agentrt(
        "run", spec, "--var", "company=A", "--input-file", str(tmp_path / "ticket.bin")
    )
    via_stdin = subprocess.run(
        [sys.executable, "-m", "agentrt", "run", spec, "--var", "company=A"],
        input=b"order \xff\xfe AB-123\n",
        capture_output=True,
        env=_env(),
        timeout=60,
        check=False,
    )
    assert via_file.returncode == 2
    assert (
        via_file.stderr
        == f"agentrt: error: --input-file {tmp_path / 'ticket.bin'}: not UTF-8 text\n"
    )
    assert via_stdin.returncode == 2
    err = via_stdin.stderr.decode()
    assert err.startswith("agentrt: error: the input")
    assert err.endswith("is not UTF-8 text\n")


SLOW_TOOLS = '''
import os
import time


def lookup_order(order_id: str) -> dict:
    """Look up an order.

    Args:
        order_id: The order id, e.g. "AB-123".
    """
    open(os.environ["SLOW_TOOL_MARKER"], "w").close()
    time.sleep(600)
    return {"order_id": order_id}
'''


def test_ctrl_c_while_a_sync_tool_runs_exits_130_without_waiting_for_it(tmp_path: Path) -> None:
    (tmp_path / "run_t_slow.py").write_text(SLOW_TOOLS)
    (tmp_path / "slow.yaml").write_text(
        "version: 1\nname: slow\nmodel: grok-4-1-fast-reasoning\ninstructions: Look up orders.\n"
        "tools:\n  - function: run_t_slow:lookup_order\n"
    )
    marker = tmp_path / "started"
    spec = str(tmp_path / "slow.yaml")
    started = subprocess.Popen(
        [sys.executable, "-m", "agentrt", "run", spec, "Look up order AB-123."],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(SLOW_TOOL_MARKER=str(marker)),
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    with reaped(started) as proc:
        for _ in range(300):
            if marker.exists() or proc.poll() is not None:
                break
            time.sleep(0.1)
        if marker.exists():
            proc.send_signal(signal.SIGINT)
        # The tool sleeps 600 s: only an exit that does not wait for its thread ends in time.
        _, err = proc.communicate(timeout=30)
    assert marker.exists(), f"the tool never started: {err}"
    assert proc.returncode == 130
    assert err.strip().splitlines()[-1] == "agentrt: interrupted"
    assert "Traceback" not in err


@pytest.mark.parametrize("case", list(BROKEN), ids=list(BROKEN))
def test_broken_specs_exit_2_naming_file_line_col(case: str, tmp_path: Path) -> None:
    files, expected = BROKEN[case]
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(textwrap.dedent(text))
    result = agentrt("run", "agent.yaml", "hello", cwd=tmp_path)
    assert result.returncode == 2
    expected = expected.replace("{root}", str(tmp_path.resolve()))
    assert result.stderr.splitlines()[0] == f"agentrt: error: {expected}"
    assert "Traceback" not in result.stderr
    assert SIMULATOR_NOTICE not in result.stderr  # nothing started before the spec was valid


def test_variables_reach_the_instructions(tmp_path: Path) -> None:
    agent = AgentSpec.from_file(_spec(tmp_path, module="run_t_vars")).to_agent({"company": "Acme"})
    assert agent.instructions == "Look up orders for Acme."
    assert parse_vars(["a=1", "b=x=y", "c="]) == {"a": "1", "b": "x=y", "c": ""}
    with pytest.raises(UsageError):
        parse_vars(["1a=x"])


# --- endpoints ----------------------------------------------------------------------


def test_endpoint_precedence() -> None:
    assert choose_endpoint(None, environ={}).source == "simulator"
    assert choose_endpoint(None, environ={}).endpoint is None
    keyed = choose_endpoint(None, environ={"XAI_API_KEY": "k"})
    assert (keyed.endpoint, keyed.source) == ("api.x.ai:443", "xai")
    env = {"XAI_API_KEY": "k", "AGENTRT_ENDPOINT": "127.0.0.1:9"}
    assert choose_endpoint(None, environ=env).endpoint == "127.0.0.1:9"
    assert choose_endpoint("127.0.0.1:7", environ=env).endpoint == "127.0.0.1:7"


def test_a_bad_endpoint_from_the_environment_names_the_variable() -> None:
    with pytest.raises(UsageError, match=r"^\$AGENTRT_ENDPOINT: endpoint 'nowhere' must look like"):
        choose_endpoint(None, environ={"AGENTRT_ENDPOINT": "nowhere"})
    with pytest.raises(
        UsageError, match=r"^\$AGENTRT_ENDPOINT: endpoint '127.0.0.1:99999': the port"
    ):
        choose_endpoint(None, environ={"AGENTRT_ENDPOINT": "127.0.0.1:99999"})
    with pytest.raises(UsageError, match=r"^endpoint '127.0.0.1:0': the port must be 1 to 65535"):
        choose_endpoint("127.0.0.1:0", environ={"AGENTRT_ENDPOINT": "127.0.0.1:9"})


def test_endpoint_flag_and_env_skip_the_simulator(sim_process: SimProcess, tmp_path: Path) -> None:
    spec = _spec(tmp_path)
    by_flag = agentrt(
        "run",
        spec,
        "Look up order AB-123.",
        "--var",
        "company=A",
        "--endpoint",
        sim_process.address,
    )
    by_env = agentrt(
        "run",
        spec,
        "Look up order AB-123.",
        "--var",
        "company=A",
        env=_env(AGENTRT_ENDPOINT=sim_process.address),
    )
    for result in (by_flag, by_env):
        assert result.returncode == 0, result.stderr
        assert SIMULATOR_NOTICE not in result.stderr
        assert "shipped" in result.stdout


def test_a_wrong_key_is_exit_3_without_traceback(keyed_sim: SimProcess, tmp_path: Path) -> None:
    spec = _spec(tmp_path)
    env = _env(XAI_API_KEY="wrong-key", AGENTRT_ENDPOINT=keyed_sim.address)
    result = agentrt("run", spec, "Look up order AB-123.", "--var", "company=A", env=env)
    assert result.returncode == 3
    assert result.stderr.startswith("agentrt: error: ")
    assert "UNAUTHENTICATED" in result.stderr
    assert "wrong-key" not in result.stderr
    assert "Traceback" not in result.stderr
    good = agentrt(
        "run",
        spec,
        "Look up order AB-123.",
        "--var",
        "company=A",
        env={**env, "XAI_API_KEY": "secret-test-key"},
    )
    assert good.returncode == 0, good.stderr


def test_nothing_listening_is_exit_3(tmp_path: Path) -> None:
    result = agentrt(
        "run", _spec(tmp_path), "Look up AB-123", "--var", "company=A", "--endpoint", "127.0.0.1:1"
    )
    assert result.returncode == 3
    assert "UNAVAILABLE" in result.stderr
    assert "Traceback" not in result.stderr


# --- the agent failing ----------------------------------------------------------------


def test_max_turns_is_exit_1_and_json_keeps_the_partial_run(tmp_path: Path) -> None:
    spec = _spec(tmp_path, extra="limits: {max_turns: 1}\n")
    result = agentrt("run", spec, "Look up order AB-123.", "--var", "company=A", "--json")
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1].startswith("agentrt: error: ")
    assert "Traceback" not in result.stderr
    partial = json.loads(result.stdout)
    assert partial["error"]["type"] == "MaxTurnsExceeded"
    assert partial["turns"] == 1
    assert partial["tool_calls"][0]["name"] == "lookup_order"
    debug = agentrt("run", spec, "Look up order AB-123.", "--var", "company=A", "--debug")
    assert debug.returncode == 1
    assert "Traceback" in debug.stderr


def test_a_failing_tool_is_shown_and_the_run_goes_on(tmp_path: Path) -> None:
    result = agentrt(
        "run", _spec(tmp_path), "Look up order ZZ-999.", "--var", "company=A", "--json"
    )
    assert result.returncode == 0, result.stderr
    assert (
        '  tool lookup_order {"order_id": "ZZ-999"} -> error LookupError: no order ZZ-999 ('
        in result.stderr
    )
    call = json.loads(result.stdout)["tool_calls"][0]
    assert call["error"] == {"kind": "raised", "type": "LookupError", "message": "no order ZZ-999"}
    assert "result" not in call


def test_invalid_structured_output_is_exit_1(tmp_path: Path) -> None:
    with running_sim("--fault", "invalid_output") as sim:
        result = agentrt(
            "run", TRIAGE, TRIAGE_INPUT, "--var", "company=A", "--endpoint", sim.address, "--quiet"
        )
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("agentrt: error: agent 'support_triage': the answer is not valid ")
    assert "Traceback" not in result.stderr


def test_quiet_prints_only_the_answer() -> None:
    result = agentrt("run", TRIP, TRIP_INPUT, "--quiet")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert json.loads(result.stdout)["city"] == "Lisbon"


def test_help_shows_examples() -> None:
    result = agentrt("run", "--help")
    assert result.returncode == 0
    assert "examples:" in result.stdout
    assert "XAI_API_KEY" in result.stdout


def test_a_spinner_shows_only_when_stderr_is_a_terminal() -> None:
    piped = agentrt("run", TRIP, TRIP_INPUT)
    assert piped.returncode == 0, piped.stderr
    assert "waiting for" not in piped.stderr
    master, slave = os.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "agentrt", "run", TRIP, TRIP_INPUT],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=slave,
        env=_env(),
    )
    os.close(slave)
    chunks: list[bytes] = []

    def read_terminal() -> None:
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:  # EIO once the child has closed the terminal
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=read_terminal)
    reader.start()
    out, _ = process.communicate(timeout=60)
    reader.join(timeout=10)
    os.close(master)
    terminal = b"".join(chunks).decode(errors="replace")
    assert process.returncode == 0, terminal
    assert "\x1b[?25l" in terminal  # the spinner hides the cursor while it runs
    shown = (
        "waiting for grok-4-1-fast-reasoning",
        "grok-4-1-fast-reasoning is thinking",
        "running ",
    )
    assert any(message in terminal for message in shown), terminal
    assert '  tool get_weather {"city": "Lisbon"} -> ok (' in terminal
    assert json.loads(out)["city"] == "Lisbon"  # stdout is untouched by the spinner


def test_input_may_follow_the_options() -> None:
    spec = str(ROOT / "examples" / "support_triage" / "support_triage.yaml")
    late = agentrt(
        "run", spec, "--var", "company=Acme", "Where is order AB-123?", "--json", "--quiet"
    )
    assert late.returncode == 0, late.stderr
    assert json.loads(late.stdout)["output"]["order_id"] == "AB-123"
    extra = agentrt("run", spec, "--var", "company=Acme", "one", "two")
    assert extra.returncode == 2
    assert "unrecognized arguments: one two" in extra.stderr


def test_an_input_that_starts_with_a_dash_follows_a_double_dash() -> None:
    spec = str(ROOT / "examples" / "support_triage" / "support_triage.yaml")
    dashed = agentrt(
        "run", spec, "--var", "company=Acme", "--json", "-q", "--", "-Where is order AB-123?"
    )
    assert dashed.returncode == 0, dashed.stderr
    assert json.loads(dashed.stdout)["output"]["order_id"] == "AB-123"
