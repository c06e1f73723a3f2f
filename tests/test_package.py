"""`import agentrt` stays light, and its public names resolve."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import agentrt

HEAVY = (
    "grpc",
    "xai_sdk",
    "aiohttp",
    "requests",
    "opentelemetry.sdk",
    "agentrt_protos",
    "pydantic",
    "yaml",
)


def test_import_agentrt_loads_nothing_heavy() -> None:
    code = f"import sys, agentrt; print([m for m in {HEAVY!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_every_public_name_resolves() -> None:
    for name in agentrt.__all__:
        assert getattr(agentrt, name) is not None, name
    assert set(agentrt.__all__) <= set(dir(agentrt))


def test_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="NoSuchThing"):
        agentrt.NoSuchThing  # type: ignore[attr-defined]  # noqa: B018


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "agentrt", *args], capture_output=True, text=True, check=False
    )


def test_cli_info_lists_the_xai_services() -> None:
    result = _cli("info", "--json")
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    assert info["version"] == agentrt.__version__
    chat = next(s for s in info["services"] if s["name"] == "xai_api.Chat")
    assert {"GetCompletion", "GetCompletionChunk"} <= set(chat["methods"])


def test_cli_help_shows_examples_and_bad_usage_exits_2() -> None:
    assert "examples:" in _cli("--help").stdout
    assert "examples:" in _cli("info", "--help").stdout
    bad = _cli("no-such-command")
    assert bad.returncode == 2
    assert "invalid choice" in bad.stderr
    assert "Traceback" not in bad.stderr
