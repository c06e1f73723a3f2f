"""Helpers of the simulator's REST door tests: the openai SDK pointed at a simulator."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import openai

from agentrt.sim.server import Simulator

__all__ = ["KEY", "WEATHER_PARAMS", "openai_client", "rest_sim"]

KEY = "sim-key"
WEATHER_PARAMS: dict[str, Any] = {
    "type": "object",
    "properties": {"city": {"type": "string"}},
    "required": ["city"],
}


@asynccontextmanager
async def rest_sim(**options: Any) -> AsyncIterator[Simulator]:
    """A simulator with its REST door open on a free port."""
    async with Simulator(http_port=0, api_key=KEY, **options) as sim:
        yield sim


def openai_client(sim: Simulator, *, key: str = KEY, **headers: str) -> openai.AsyncOpenAI:
    """The official SDK, unchanged, against ``sim``'s REST door (no retries).

    Every call carries its own ``x-sim-session`` and the given ``x-sim-*`` headers
    (``fault="internal"`` -> ``x-sim-fault: internal``).
    """
    sent = {
        "x-sim-session": uuid.uuid4().hex,
        **{f"x-sim-{k.replace('_', '-')}": v for k, v in headers.items()},
    }
    assert sim.rest_url is not None
    return openai.AsyncOpenAI(
        base_url=sim.rest_url, api_key=key, max_retries=0, default_headers=sent, timeout=20
    )
