"""How ``agentrt load`` answers SIGINT and SIGTERM: every way of stopping keeps what was measured.

- The first Ctrl-C stops *starting* requests; those in flight finish and count.
- SIGTERM (what ``timeout``, ``kill`` and CI cancellation send) or a second
  Ctrl-C stops now: requests in flight are cancelled (not counted) and the
  reports are written from the requests that completed, marked partial.
- A third signal exits at once (exit 130); the ``--records`` lines written so far
  stay on disk.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import Iterator

__all__ = ["Interrupts", "interrupts"]


class Interrupts:
    """What the signals received so far ask of the run.

    Attributes:
        stop: no new request may start (any signal).
        abort: stop now, cancelling requests in flight (SIGTERM or a second Ctrl-C).
        signal_name: the signal that asked for the abort (``"SIGTERM"`` or ``"SIGINT"``).
    """

    def __init__(self) -> None:
        self.stop = False
        self.abort = False
        self.signal_name = ""

    def should_stop(self) -> bool:
        """True once no new request may start."""
        return self.stop

    def should_abort(self) -> bool:
        """True once the run must stop now."""
        return self.abort

    @property
    def exit_code(self) -> int:
        """0, or 128 + the signal's number after an abort (the reports are still written)."""
        if not self.abort:
            return 0
        return 128 + (signal.SIGTERM if self.signal_name == "SIGTERM" else signal.SIGINT)

    def received(self, sig: signal.Signals) -> None:
        """Act on ``sig``: escalate one step (stop, abort, exit)."""
        if self.abort:
            os.write(2, b"agentrt load: interrupted again: exiting now\n")
            os._exit(130)
        if sig == signal.SIGINT and not self.stop:
            self.stop = True
            _say(
                "stopping: no new requests; waiting for those in flight "
                "(Ctrl-C again to stop now and keep what was measured)"
            )
            return
        self.stop = self.abort = True
        self.signal_name = sig.name
        _say(
            f"{sig.name}: stopping now: requests in flight are cancelled; "
            "writing the reports from those that completed (marked partial)"
        )


def _say(message: str) -> None:
    print(f"agentrt load: {message}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def interrupts() -> Iterator[Interrupts]:
    """:class:`Interrupts` fed by SIGINT and SIGTERM while the block runs (in the event loop).

    Outside the main thread (no signals there) the object never changes.
    """
    state = Interrupts()
    loop = asyncio.get_running_loop()
    installed: list[signal.Signals] = []
    try:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, state.received, sig)
            installed.append(sig)
    except (NotImplementedError, RuntimeError, ValueError):  # not the main thread
        pass
    try:
        yield state
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)
