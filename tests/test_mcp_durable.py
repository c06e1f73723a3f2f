"""MCP servers in durable runs: ``agentrt worker`` starts them once and its activities share them."""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from pathlib import Path

import pytest

from tests.conftest import SimProcess
from tests.durable_fixtures import agentrt_command, running_worker
from tests.mcp_helpers import tagged
from tests.test_mcp_e2e import _spec, _stdio_entry

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]


def test_a_worker_starts_the_servers_once_and_durable_runs_use_them(
    temporal_server: str, sim_process: SimProcess, tmp_path: Path
) -> None:
    tag = uuid.uuid4().hex
    spec = _spec(tmp_path, _stdio_entry(tag))
    env = {"MCP_E2E_SECRET": "x"}
    args = (str(spec), "--endpoint", sim_process.address, "--task-queue", "mcp")
    with running_worker(temporal_server, *args, env=env) as worker:
        assert len(tagged(tag)) == 1
        for city in ("Paris", "Oslo"):
            prompt = f"What is the forecast for the city {city}?"
            run = subprocess.run(
                agentrt_command(
                    "run", str(spec), prompt, "--temporal", temporal_server,
                    "--task-queue", "mcp", "--json",
                ),
                capture_output=True, text=True, timeout=90, check=False,
                env={**os.environ, **env},
            )  # fmt: skip
            assert run.returncode == 0, run.stderr
            summary = json.loads(run.stdout)
            assert "sunny" in json.dumps(summary)
            assert city in json.dumps(summary)
        assert len(tagged(tag)) == 1  # one server for the worker, not one per activity
    assert worker.returncode == 0
    assert tagged(tag) == set()
