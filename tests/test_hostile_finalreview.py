"""Hostile --session-store values for ``agentrt serve``: exit 2 before anything binds."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SPEC = str(Path(__file__).parent.parent / "examples" / "trip_planner" / "trip_planner.yaml")


@pytest.mark.parametrize(
    ("store", "says"),
    [
        ("/nonexistent-agentrt/dir/x.db", "no such directory"),
        ("/tmp", "is a directory"),
    ],
)
def test_serve_rejects_an_unusable_session_file(store: str, says: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "XAI_API_KEY"}
    cmd = [sys.executable, "-c", "from agentrt.commands.main import main; main()"]
    try:
        done = subprocess.run(
            [*cmd, "serve", SPEC, "--port", "0", "--session-store", store],
            capture_output=True,
            text=True,
            timeout=8,
            env=env,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"serve started with an unusable --session-store {store!r}")
    assert done.returncode == 2, done.stderr
    assert says in done.stderr
    assert "Traceback" not in done.stderr
