"""Where ``agentrt voice`` connects: :func:`voice_client` (the simulator's HTTP door by default).

The realtime API is a WebSocket beside the REST API, so the built-in simulator is
started with its HTTP door and the client speaks REST to it.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agentrt.launch.connect import EndpointChoice
    from agentrt.xai.client import Client

__all__ = ["voice_client"]


@asynccontextmanager
async def voice_client(choice: EndpointChoice, *, quiet: bool) -> AsyncIterator[Client]:
    """A client whose ``realtime`` reaches ``choice``; starts (and stops) the simulator when chosen."""
    from agentrt.xai.client import Client

    if choice.endpoint is not None:
        async with Client(endpoint=choice.endpoint) as client:
            yield client
        return
    from agentrt.launch.connect import SIMULATOR_NOTICE
    from agentrt.sim import Simulator

    if not quiet:
        print(f"agentrt: {SIMULATOR_NOTICE}", file=sys.stderr, flush=True)
    async with Simulator(http_port=0) as sim:
        assert sim.rest_url is not None
        async with Client(protocol="rest", endpoint=sim.rest_url) as client:
            yield client
