"""Helpers for the tests of agentrt's own Files, Collections and Documents client."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from agentrt.sim import Simulator
from agentrt.xai.client import Client
from tests.sim_files_helpers import serving

__all__ = ["chunks", "client_on", "sim_and_client"]


@contextlib.asynccontextmanager
async def client_on(port: int, *metadata: tuple[str, str], **kw: Any) -> AsyncIterator[Client]:
    """agentrt's Client on a simulator at 127.0.0.1:``port`` (both channels on it)."""
    kw.setdefault("timeout", 20)
    async with Client(endpoint=f"127.0.0.1:{port}", metadata=metadata, **kw) as client:
        yield client


@contextlib.asynccontextmanager
async def sim_and_client(**options: Any) -> AsyncIterator[tuple[Simulator, Client]]:
    """An in-process simulator (fast indexing unless ``files=`` says otherwise) and a client."""
    async with serving(**options) as sim, client_on(sim.port) as client:
        yield sim, client


async def chunks(*parts: bytes) -> AsyncIterator[bytes]:
    """An async iterable of ``parts`` (an upload source that can be read only once)."""
    for part in parts:
        yield part
