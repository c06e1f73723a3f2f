"""The entry points' event loop helpers: a stop event set by SIGINT/SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal

import pytest

from agentrt.eventloop import stop_on_signals


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
async def test_a_signal_sets_the_stop_event_and_the_handlers_go_on_exit(sig: int) -> None:
    loop = asyncio.get_running_loop()
    with stop_on_signals() as stop:
        assert not stop.is_set()
        os.kill(os.getpid(), sig)
        async with asyncio.timeout(5):
            await stop.wait()
    for each in (signal.SIGINT, signal.SIGTERM):
        assert not loop.remove_signal_handler(each)  # nothing left installed
