"""``agent.run_sync(...)``: a run from plain synchronous code (scripts, notebooks' cells
without a loop), on an event loop of its own.

The check for a running loop comes before any coroutine exists, so a call from async
code (a Jupyter cell, a coroutine) raises at once and leaves nothing behind (no
never-awaited coroutine). The client's connections of that loop are closed when the
run ends (the client stays usable: a later call opens new ones); without ``client=``
an agent that calls its model by name gets a ``Client()`` from the environment
(``XAI_API_KEY``, ``AGENTRT_ENDPOINT``), closed at the end.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

from agentrt.errors import UsageError

if TYPE_CHECKING:
    from agentrt.xai.client import Client

__all__ = ["IN_LOOP_MESSAGE", "run_in_own_loop"]

R = TypeVar("R")
IN_LOOP_MESSAGE = (
    "run_sync cannot run inside a running event loop (Jupyter, async code): "
    "use `await agent.run(...)`"
)


def run_in_own_loop(
    start: Callable[[Client | None], Awaitable[R]], client: Client | None, make_client: bool
) -> R:
    """``await start(client)`` on a new event loop, from synchronous code.

    Args:
        start: makes the run's coroutine (called inside the new loop only).
        client: the caller's client, or ``None``.
        make_client: without ``client``, make one from the environment.

    Raises:
        UsageError: an event loop is running in this thread.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(_main(start, client, make_client))
    raise UsageError(IN_LOOP_MESSAGE)


async def _main(
    start: Callable[[Client | None], Awaitable[R]], client: Client | None, make_client: bool
) -> R:
    if client is None and make_client:
        from agentrt.xai.client import Client

        client = Client()
    try:
        return await start(client)
    finally:
        if client is not None:
            await client.close()  # this loop's channels: the loop ends with the run
