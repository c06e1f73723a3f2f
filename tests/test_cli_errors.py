"""What every ``agentrt`` command does with bad input: one line, the right exit code, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from agentrt.commands.main import COMMANDS, build_parser


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "agentrt", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
        check=False,
    )


def _one_error_line(proc: subprocess.CompletedProcess[str], code: int = 2) -> str:
    assert proc.returncode == code, proc.stderr
    assert proc.stdout == ""
    assert proc.stderr.startswith("agentrt: error: "), proc.stderr
    assert proc.stderr.count("\n") == 1, proc.stderr
    return proc.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "the following arguments are required: COMMAND (see: agentrt --help)"),
        (
            ("chat", "--timeout", "abc", "hi"),
            "--timeout: 'abc' is not a duration",
        ),
        (("run",), "required: SPEC (see: agentrt run --help)"),
        (("info", "extra"), "unrecognized arguments: extra (see: agentrt info --help)"),
        (
            ("load", "--prompt", "x", "--requests", "1", "--rate", "1", "--concurrency", "2"),
            "--concurrency: not allowed with argument --rate (see: agentrt load --help)",
        ),
    ],
)
def test_argument_errors_are_one_line_naming_the_help(args: tuple[str, ...], message: str) -> None:
    assert message in _one_error_line(_cli(*args))


@pytest.mark.parametrize(
    ("argv", "debug", "loop"),
    [
        (["info"], False, "auto"),
        (["--debug", "--loop", "asyncio", "info"], True, "asyncio"),
        (["info", "--debug", "--loop", "asyncio"], True, "asyncio"),
        (["--loop", "uvloop", "info", "--loop", "asyncio"], False, "asyncio"),
    ],
)
def test_common_options_count_before_and_after_the_command(
    argv: list[str], debug: bool, loop: str
) -> None:
    args = build_parser().parse_args(argv)
    assert (args.debug, args.loop) == (debug, loop)


def test_debug_before_the_command_shows_the_traceback(tmp_path: Path) -> None:
    proc = _cli("--debug", "schema", "--output", str(tmp_path))
    assert proc.returncode == 2
    assert "Traceback (most recent call last)" in proc.stderr
    assert proc.stderr.endswith(f"agentrt: error: --output {tmp_path}: Is a directory\n")


def test_top_level_help_lists_the_exit_codes() -> None:
    out = _cli("--help")
    assert out.returncode == 0
    assert "exit codes: 0 ok, 1 the agent failed, 2 usage or spec error, 3 transport" in out.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_help_descriptions_carry_no_rest_quoting(command: str) -> None:
    out = _cli(command, "--help")
    assert out.returncode == 0
    assert "examples:" in out.stdout
    assert "``" not in out.stdout


def test_schema_to_an_unwritable_place_is_one_line(tmp_path: Path) -> None:
    err = _one_error_line(_cli("schema", "--output", str(tmp_path)))
    assert f"--output {tmp_path}: Is a directory" in err
    err = _one_error_line(_cli("schema", "--output", str(tmp_path / "no" / "x.json")))
    assert "No such file or directory" in err


def test_grpc_core_log_lines_do_not_reach_the_user() -> None:
    # 192.0.2.1 (TEST-NET-1) is never an address of this machine: gRPC cannot bind it.
    err = _one_error_line(_cli("sim", "--host", "192.0.2.1"))
    assert "cannot listen on 192.0.2.1:0" in err


def test_a_reader_that_goes_away_is_exit_141_without_traceback() -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # `agentrt info | head` after head has exited
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "agentrt", "info"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        os.close(write_end)
    assert proc.returncode == 141
    assert proc.stderr == ""


def test_an_argument_that_is_not_utf8_is_one_line_exit_2() -> None:
    proc = subprocess.run(
        [
            sys.executable.encode(),
            b"-m",
            b"agentrt",
            b"chat",
            b"--endpoint",
            b"127.0.0.1:9",
            b"caf\xe9",
        ],
        capture_output=True,
        check=False,
    )
    err = proc.stderr.decode()
    assert proc.returncode == 2
    assert "is not valid UTF-8 text" in err
    assert "Traceback" not in err
