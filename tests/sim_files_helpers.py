"""Helpers for the tests of the simulator's Files, Collections and Documents services."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
from collections.abc import AsyncIterator
from typing import Any

import grpc
import pytest
from xai_sdk import AsyncClient

from agentrt.sim import Simulator
from agentrt.sim.ragstore import RagLimits

__all__ = ["FAST", "POLL", "expect_status", "sdk", "serving"]

FAST = RagLimits(index_delay_s=0.05)
POLL = {
    "wait_for_indexing": True,
    "poll_interval": datetime.timedelta(milliseconds=20),
    "timeout": datetime.timedelta(seconds=5),
}


@contextlib.asynccontextmanager
async def serving(**options: Any) -> AsyncIterator[Simulator]:
    """A simulator on 127.0.0.1 (fast indexing unless ``files=`` says otherwise)."""
    options.setdefault("files", FAST)
    async with Simulator(**options) as sim:
        yield sim


@contextlib.asynccontextmanager
async def sdk(sim: Simulator, *metadata: tuple[str, str]) -> AsyncIterator[AsyncClient]:
    """xAI's own async client, unchanged, with both hosts (api and management) on ``sim``."""
    host = f"localhost:{sim.port}"  # "localhost:" makes the SDK use local channel credentials
    client = AsyncClient(
        api_key="test-key",
        management_api_key="test-management-key",
        api_host=host,
        management_api_host=host,
        metadata=metadata or None,
        timeout=20,
    )
    try:
        yield client
    finally:
        await client.close()


def expect_status(code: grpc.StatusCode, *words: str) -> Any:
    """``pytest.raises`` of an RPC error with ``code`` whose details hold every one of ``words``."""

    @dataclasses.dataclass
    class _Check(contextlib.AbstractContextManager[None]):
        raised: Any = None

        def __enter__(self) -> None:
            self.raised = pytest.raises(grpc.aio.AioRpcError)
            self.raised.__enter__()

        def __exit__(self, *exc: Any) -> bool:
            handled = bool(self.raised.__exit__(*exc))
            error = self.raised.excinfo.value
            assert error.code() == code, (error.code(), error.details())
            for word in words:
                assert word in error.details(), (word, error.details())
            return handled

    return _Check()
