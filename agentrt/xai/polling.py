"""Polling a deferred job (a batch, a video) with backoff until it is done."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

__all__ = ["poll_until"]

T = TypeVar("T")


async def poll_until(
    fetch: Callable[[], Awaitable[T]],
    done: Callable[[T], bool],
    *,
    first: float,
    cap: float,
    progress: Callable[[T], None] | None = None,
) -> T:
    """``fetch()`` until ``done`` says so, sleeping ``first`` seconds, doubling up to ``cap``;
    ``progress`` sees every state fetched. The caller bounds it (``asyncio.timeout``)."""
    pause = first
    while True:
        state = await fetch()
        if progress is not None:
            progress(state)
        if done(state):
            return state
        await asyncio.sleep(pause)
        pause = min(pause * 2, cap)
