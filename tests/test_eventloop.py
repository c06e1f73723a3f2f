"""The entry points' event loop helpers: a stop event set by SIGINT/SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys

import pytest

from agentrt.launch.eventloop import stop_on_signals
from tests.conftest import reaped


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


_STUBBORN = """
import asyncio, sys
from agentrt.launch import eventloop
eventloop.CANCEL_GRACE_S = 0.5

async def main():
    print("ready", flush=True)
    while True:
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:  # a call that does not honour cancellation
            if sys.argv[1] == "cooperative":
                raise

try:
    eventloop.run(main())
except KeyboardInterrupt:
    print("keyboard interrupt", flush=True)
    sys.exit(7)
"""


@pytest.mark.parametrize(
    ("mode", "code", "expected"),
    [
        ("cooperative", 7, "keyboard interrupt"),
        ("stubborn", 130, "cancelling took too long"),
    ],
)
def test_ctrl_c_ends_the_run_even_when_cancelling_hangs(
    mode: str, code: int, expected: str
) -> None:
    started = subprocess.Popen(
        [sys.executable, "-c", _STUBBORN, mode],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    with reaped(started) as proc:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == code
    assert expected in out + err
