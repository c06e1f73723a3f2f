"""Hostile input to the Locust integration: each class of bad input is one table row.

Flags ``agentrt load --locust`` cannot honour, a missing extra, a bad ``$AGENTRT_LOAD_ARGS``
and malformed share messages from the network: each a one-line typed error (CLI: exit 2),
checked before any process starts. Nothing here imports Locust (it would gevent-patch
the test process).
"""

from __future__ import annotations

import importlib.util
import math
import sys
from typing import Any

import pytest

from agentrt.commands.main import main
from agentrt.errors import UsageError
from agentrt.load.metrics import Metrics

# The agentrt[locust] extra (its flags are checked after "is Locust installed?").
pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("locust") is None, reason="needs agentrt[locust]"
)

BASE = ["load", "--endpoint", "127.0.0.1:1", "--model", "m", "--prompt", "hi", "--locust"]


def _cli(capsys: pytest.CaptureFixture[str], *words: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as stop:
        main(list(words))
    code = stop.value.code
    assert isinstance(code, int)
    return code, capsys.readouterr().err


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        (["--rate", "5", "--duration", "1s"], "does not take --rate"),
        (["--requests", "5"], "does not take --requests"),
        (["--processes", "2", "--duration", "1s"], "does not take --processes"),
        (["--ramp", "linear", "--ramp-step", "1", "--duration", "1s"], "does not take --ramp"),
        (["--warmup", "3", "--duration", "1s"], "does not take --warmup"),
        (["--locust-workers", "-1", "--duration", "1s"], "must be >= 0"),
        (["--locust-workers", "0", "--duration", "1s"], "at least one worker"),
        (["--locust-workers", "100000", "--duration", "1s"], "at most 256"),
        (["--locust-bind", "nope", "--duration", "1s"], "give HOST:PORT"),
        (["--locust-bind", "127.0.0.1:99999", "--duration", "1s"], "give HOST:PORT"),
        (["--locust-bind", ":5557", "--duration", "1s"], "give HOST:PORT"),
        (["--locust-join", "host", "--duration", "1s"], "give HOST:PORT"),
        (
            ["--locust-csv", "/no/such/dir/stats", "--duration", "1s"],
            "cannot write in /no/such/dir",
        ),
    ],
)
def test_flags_locust_cannot_honour_are_one_line_usage_errors(
    capsys: pytest.CaptureFixture[str], extra: list[str], says: str
) -> None:
    code, err = _cli(capsys, *BASE, *extra)
    assert code == 2
    assert says in err
    assert err.count("\n") == 1
    assert err.startswith("agentrt: error: ")


def test_locust_without_an_endpoint_says_give_one(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AGENTRT_ENDPOINT", raising=False)
    code, err = _cli(
        capsys, "load", "--model", "m", "--prompt", "hi", "--duration", "1s", "--locust"
    )
    assert code == 2
    assert "--locust needs --endpoint" in err


def test_locust_missing_says_which_extra_to_install(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "locust" else real(name, *a)
    )
    code, err = _cli(capsys, *BASE, "--duration", "1s")
    assert code == 2
    assert "pip install 'agentrt[locust]'" in err


def test_grokuser_without_locust_says_which_extra_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import agentrt.load.locust as package

    monkeypatch.setitem(sys.modules, "locust", None)  # ``import locust`` raises ImportError
    with pytest.raises(UsageError, match=r"pip install 'agentrt\[locust\]'"):
        _ = package.GrokUser
    with pytest.raises(AttributeError):
        _ = package.NoSuchThing


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        (None, "is not set"),
        ("not json", "JSON list of strings"),
        ('{"model": "m"}', "JSON list of strings"),
        ("[1, 2]", "JSON list of strings"),
        ('["--model", "m", "--prompt", "hi", "--duration", "1s"]', "needs --endpoint"),
        (
            '["--endpoint", "h:1", "--model", "m", "--prompt", "hi", "--duration", "soon"]',
            "duration",
        ),
        ('["--endpoint", "h:1", "--model", "m", "--prompt", " ", "--duration", "1s"]', "empty"),
    ],
)
def test_a_bad_agentrt_load_args_is_a_one_line_usage_error(
    monkeypatch: pytest.MonkeyPatch, raw: str | None, says: str
) -> None:
    from agentrt.commands.locust_plan import plan_from_env

    monkeypatch.delenv("AGENTRT_ENDPOINT", raising=False)
    if raw is None:
        monkeypatch.delenv("AGENTRT_LOAD_ARGS", raising=False)
    else:
        monkeypatch.setenv("AGENTRT_LOAD_ARGS", raw)
    with pytest.raises(UsageError, match=says) as err:
        plan_from_env()
    assert "\n" not in str(err.value)


def test_unknown_flags_in_agentrt_load_args_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from agentrt.commands.locust_plan import plan_from_env

    monkeypatch.setenv("AGENTRT_LOAD_ARGS", '["--bogus"]')
    with pytest.raises(SystemExit) as stop:
        plan_from_env()
    assert stop.value.code == 2
    assert capsys.readouterr().err.count("\n") == 1


GOOD = {"worker": "w", "metrics": Metrics().to_wire(), "records": [], "started_unix": 0, "wall": 0}
TTFT = GOOD["metrics"]["ttft"]


@pytest.mark.parametrize(
    "payload",
    [
        None,
        [1],
        "x",
        {},
        {**GOOD, "worker": None} | {"metrics": None},
        {k: v for k, v in GOOD.items() if k != "metrics"},
        {**GOOD, "metrics": "x"},
        {**GOOD, "metrics": {**GOOD["metrics"], "ttft": {**TTFT, "count": 1, "hdr": "AAAA"}}},
        {**GOOD, "metrics": {**GOOD["metrics"], "ttft": {**TTFT, "count": 1, "hdr": "!!"}}},
        {**GOOD, "records": [{"bogus": 1}]},
        {**GOOD, "records": "abc"},
        {**GOOD, "started_unix": "x"},
        {**GOOD, "started_unix": math.nan},
        {**GOOD, "wall": math.inf},
    ],
)
def test_a_malformed_share_message_is_refused_and_changes_nothing(payload: Any) -> None:
    from agentrt.load.locust.shares import ShareBook

    book = ShareBook()
    with pytest.raises(UsageError, match="not an agentrt share message"):
        book.add(payload)
    assert book.workers == {}
    with pytest.raises(UsageError, match="no Locust worker"):
        book.result()


def test_an_endpoint_the_workers_cannot_reach_is_one_error_line_naming_why() -> None:
    import subprocess

    from tests.conftest import agentrt_command, clean_env

    command = agentrt_command(
        "load", "--endpoint", "127.0.0.1:1", "--model", "m", "--prompt", "hi",
        "--concurrency", "2", "--duration", "1s", "--timeout", "1s", "--locust",
    )  # fmt: skip
    done = subprocess.run(command, env=clean_env(), capture_output=True, text=True, timeout=55)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1
    assert "without a report: UNAVAILABLE: could not connect to 127.0.0.1:1" in done.stderr


@pytest.mark.parametrize(
    ("endpoint", "extra", "users", "pool"),
    [
        ("127.0.0.1:1", ["--concurrency", "200", "--locust-workers", "2"], 200, 1),
        ("127.0.0.1:1", ["--concurrency", "1000", "--locust-workers", "2"], 1000, 5),
        ("127.0.0.1:1", ["--concurrency", "1000", "--locust-remote-workers", "8"], 1000, 1),
        ("http://127.0.0.1:1", ["--concurrency", "10", "--locust-workers", "2"], 10, 5),
        ("127.0.0.1:1", ["--concurrency", "10", "--connections", "3"], 10, 3),
    ],
)
def test_every_locust_process_plans_the_tests_users_and_a_pool_for_its_share(
    endpoint: str, extra: list[str], users: int, pool: int
) -> None:
    """The report says the users of the whole test; each worker's pool fits its share."""
    from agentrt.commands.load import _target
    from agentrt.commands.load_locust import _flags
    from agentrt.commands.locust_plan import plan_from_flags
    from agentrt.commands.main import _parse, build_parser

    words = ["load", "--endpoint", endpoint, "--model", "m", "--prompt", "hi"]
    args = _parse(build_parser("load"), [*words, "--duration", "1s", "--locust", *extra])
    plan = plan_from_flags(_flags(args, _target(args)))
    assert plan.concurrency.peak(plan.duration) == users
    assert plan.pool_size == pool


def test_workers_still_connecting_when_the_test_ends_are_named_as_the_likely_cause() -> None:
    """No worker error line yet (the connect outlasts --duration): the message says what to check."""
    import socket
    import subprocess

    from tests.conftest import agentrt_command, clean_env

    with socket.create_server(("127.0.0.1", 0)) as silent:  # accepts, never answers
        endpoint = f"127.0.0.1:{silent.getsockname()[1]}"
        command = agentrt_command(
            "load", "--endpoint", endpoint, "--model", "m", "--prompt", "hi",
            "--duration", "1s", "--timeout", "30s", "--locust", "--locust-workers", "1",
        )  # fmt: skip
        done = subprocess.run(command, env=clean_env(), capture_output=True, text=True, timeout=55)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1
    assert "did the workers reach --endpoint before --duration ended?" in done.stderr
