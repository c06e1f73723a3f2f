"""MCP servers end to end: ``agentrt run`` and ``agentrt serve`` with ``mcp_servers:`` in YAML,
the simulated model choosing the MCP tools by the words of the prompt."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import grpc
import pytest
from agentrt_protos.agentrt.v1 import agent_pb2 as pb
from agentrt_protos.agentrt.v1 import agent_pb2_grpc

from tests.conftest import agentrt_command, clean_env, running_server
from tests.mcp_helpers import SERVER, http_server, tagged

pytestmark = pytest.mark.e2e


def _spec(tmp_path: Path, server: str) -> Path:
    spec = tmp_path / "weather.yaml"
    spec.write_text(
        "version: 1\nname: weather\nmodel: grok-4-1-fast-reasoning\n"
        "instructions: Answer with the tools.\nmcp_servers:\n" + server
    )
    return spec


def _stdio_entry(tag: str, extra: str = "") -> str:
    return (
        f"  - name: tools\n    command: {sys.executable}\n"
        f"    args: [{SERVER}, --tag, {tag}]\n"
        '    env: {SECRET_FOR_SERVER: "${MCP_E2E_SECRET}"}\n'
        "    include: [city_*, env_value]\n    prefix: srv\n" + extra
    )


def _run(spec: Path, prompt: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        agentrt_command("run", str(spec), prompt),
        capture_output=True,
        text=True,
        env=clean_env(MCP_E2E_SECRET="s3cret-value-123"),
        timeout=60,
        check=False,
    )


def test_agentrt_run_calls_a_stdio_mcp_tool_and_leaves_no_process(tmp_path: Path) -> None:
    tag = uuid.uuid4().hex
    spec = _spec(tmp_path, _stdio_entry(tag))
    result = _run(spec, "What is the forecast for the city Paris?")
    assert result.returncode == 0, result.stderr
    assert "srv_city_forecast" in result.stderr
    assert "sunny" in result.stdout
    assert "Paris" in result.stdout
    assert "shouting" not in result.stderr  # the server's stderr is not on the terminal
    assert tagged(tag) == set()


def test_the_env_reaches_the_server_and_is_never_shown(tmp_path: Path) -> None:
    spec = _spec(tmp_path, _stdio_entry(uuid.uuid4().hex))
    result = _run(spec, 'Read the env value named "SECRET_FOR_SERVER".')
    assert result.returncode == 0, result.stderr
    assert "srv_env_value" in result.stderr
    assert "s3cret-value-123" in result.stdout  # the tool's answer is the model's to quote
    assert "s3cret-value-123" not in result.stderr  # ... but agentrt never logs it itself


def test_agentrt_run_calls_an_http_mcp_tool(tmp_path: Path) -> None:
    with http_server() as url:
        spec = _spec(tmp_path, f"  - name: web\n    url: {url}\n    include: [city_forecast]\n")
        result = _run(spec, "What is the forecast for the city Lima?")
    assert result.returncode == 0, result.stderr
    assert "city_forecast" in result.stderr
    assert "Lima" in result.stdout
    assert "sunny" in result.stdout


def _validate(spec: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        agentrt_command("validate", str(spec), *flags),
        capture_output=True,
        text=True,
        env=clean_env(MCP_E2E_SECRET="x"),
        timeout=60,
        check=False,
    )


def test_agentrt_validate_starts_servers_only_with_mcp(tmp_path: Path) -> None:
    tag = uuid.uuid4().hex
    spec = _spec(tmp_path, _stdio_entry(tag))
    plain = _validate(spec)
    assert plain.returncode == 0, plain.stderr
    assert "1 MCP server not started (--mcp starts them)" in plain.stderr
    started = _validate(spec, "--mcp")
    assert started.returncode == 0, started.stderr
    assert "1 MCP server(s) started with 2 tool(s)" in started.stderr  # city_*, env_value
    broken = _spec(tmp_path, "  - name: files\n    command: /no/such/program\n")
    assert _validate(broken).returncode == 0
    failed = _validate(broken, "--mcp")
    assert failed.returncode == 1
    assert "mcp_servers: MCP server 'files' cannot start: cannot run" in failed.stdout
    assert tagged(tag) == set()


async def test_serve_starts_the_servers_once_and_stops_them(tmp_path: Path) -> None:
    tag = uuid.uuid4().hex
    spec = _spec(tmp_path, _stdio_entry(tag))
    env = clean_env(MCP_E2E_SECRET="x-secret-x")
    with running_server("serve", str(spec), env=env, drop=tuple(os.environ)) as served:
        assert len(tagged(tag)) == 1  # started before serving
        async with grpc.aio.insecure_channel(f"{served.host}:{served.port}") as channel:
            stub = agent_pb2_grpc.AgentsStub(channel)
            for city in ("Paris", "Oslo"):
                request = pb.RunAgentRequest(
                    agent="weather", input=f"What is the forecast for the city {city}?"
                )
                response = await stub.RunAgent(request, timeout=30)
                assert city in response.result.text
                assert "sunny" in response.result.text
        assert len(tagged(tag)) == 1  # shared: not one per run
    assert served.process.returncode == 0
    assert tagged(tag) == set()


def test_serve_with_a_server_that_cannot_start_is_exit_2(tmp_path: Path) -> None:
    spec = _spec(tmp_path, "  - name: files\n    command: /no/such/program\n")
    result = subprocess.run(
        agentrt_command("serve", str(spec)),
        capture_output=True,
        text=True,
        env=clean_env(),
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "MCP server 'files' cannot start: cannot run '/no/such/program'" in result.stderr
    assert "listening" not in result.stdout
    assert "Traceback" not in result.stderr
