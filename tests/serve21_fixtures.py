"""Helpers of the serve session and approval tests: servers, stubs, calls with a caller's token."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import grpc
from agentrt_protos.agentrt.v1 import agent_pb2 as pb
from agentrt_protos.agentrt.v1 import agent_pb2_grpc

from tests.conftest import ListeningProcess, running_server

AGENTS = Path(__file__).resolve().parent / "serve_agents"
CLERK = AGENTS / "clerk.yaml"
PROBE = AGENTS / "probe.yaml"
TOKEN = "caller-token-a"
OTHER_TOKEN = "caller-token-b"


def key_file(folder: Path) -> Path:
    """A key file with both callers' tokens."""
    path = folder / "tokens.txt"
    path.write_text(f"{TOKEN}\n{OTHER_TOKEN}\n")
    return path


@contextlib.contextmanager
def running_serve(*args: str, env: dict[str, str] | None = None) -> Iterator[ListeningProcess]:
    """``agentrt serve ARGS`` as a subprocess, without the caller's upstream key or endpoint."""
    with running_server(
        "serve", *args, env=env, drop=("XAI_API_KEY", "AGENTRT_ENDPOINT"), stop_s=20
    ) as served:
        yield served


def auth(token: str = TOKEN) -> tuple[tuple[str, str], ...]:
    """The call metadata of ``token``."""
    return (("authorization", f"Bearer {token}"),)


@contextlib.asynccontextmanager
async def stub_at(address: str) -> AsyncIterator[agent_pb2_grpc.AgentsStub]:
    """An ``Agents`` stub on a channel of its own (a new connection)."""
    async with grpc.aio.insecure_channel(address) as channel:
        yield agent_pb2_grpc.AgentsStub(channel)


async def run_unary(
    address: str, text: str, *, token: str = TOKEN, agent: str = "probe", **fields: Any
) -> pb.RunAgentResponse:
    """One RunAgent call on a new connection."""
    async with stub_at(address) as stub:
        request = pb.RunAgentRequest(agent=agent, input=text, **fields)
        response: pb.RunAgentResponse = await stub.RunAgent(
            request, metadata=auth(token), timeout=30
        )
        return response


async def run_streamed(
    address: str, text: str, *, token: str = TOKEN, agent: str = "probe", **fields: Any
) -> list[pb.RunEvent]:
    """One StreamAgent call on a new connection: every event."""
    async with stub_at(address) as stub:
        request = pb.RunAgentRequest(agent=agent, input=text, **fields)
        return [e async for e in stub.StreamAgent(request, metadata=auth(token), timeout=30)]


async def resumed(
    address: str, run_id: str, decisions: list[pb.Decision], *, token: str = TOKEN
) -> list[pb.RunEvent]:
    """One ResumeRun call on a new connection: every event."""
    async with stub_at(address) as stub:
        request = pb.ResumeRunRequest(run_id=run_id, decisions=decisions)
        return [e async for e in stub.ResumeRun(request, metadata=auth(token), timeout=30)]


async def get_session(
    address: str, session_id: str, *, token: str = TOKEN
) -> pb.GetSessionResponse:
    """GetSession on a new connection."""
    async with stub_at(address) as stub:
        response: pb.GetSessionResponse = await stub.GetSession(
            pb.GetSessionRequest(session_id=session_id), metadata=auth(token), timeout=10
        )
        return response


async def server_status(address: str) -> pb.ServerStatus:
    """GetServerStatus on a new connection."""
    async with stub_at(address) as stub:
        status: pb.ServerStatus = await stub.GetServerStatus(
            pb.GetServerStatusRequest(), metadata=auth(), timeout=5
        )
        return status
