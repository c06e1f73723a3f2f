"""The live display while a load test runs: elapsed, completed, errors, rps, p50 TTFT, drops.

The runner updates a :class:`LiveStats` once per finished request (a few
attribute updates, nothing per chunk); :class:`Progress` redraws it on stderr
a few times a second with rich, only when stderr is a terminal (or when forced).
"""

from __future__ import annotations

import statistics
import sys
import time
from collections import deque
from typing import IO, Any

__all__ = ["LiveStats", "Progress", "render_line"]

_WINDOW = 2.0  # seconds of history behind "current rps"


class LiveStats:
    """Counters the runner updates as requests finish."""

    def __init__(self, clock: Any = time.perf_counter) -> None:
        self.clock = clock
        self.started = clock()
        self.completed = 0
        self.errors = 0
        self.dropped = 0
        self.ttfts: deque[float] = deque(maxlen=512)
        self._recent: deque[float] = deque()

    def finished(self, ok: bool, ttft: float | None) -> None:
        """Count one finished request."""
        self.completed += 1
        if not ok:
            self.errors += 1
        if ttft is not None:
            self.ttfts.append(ttft)
        self._recent.append(self.clock())

    def merge_counts(
        self, completed: int, errors: int, ttfts: list[float], dropped: int = 0
    ) -> None:
        """Add counts reported by a worker process."""
        now = self.clock()
        self.completed += completed
        self.errors += errors
        self.dropped += dropped
        self.ttfts.extend(ttfts)
        self._recent.extend([now] * completed)

    def snapshot(self) -> dict[str, float]:
        """elapsed seconds, completed, errors, dropped, current requests/s, p50 TTFT (seconds)."""
        now = self.clock()
        recent = self._recent
        while recent and recent[0] < now - _WINDOW:
            recent.popleft()
        span = min(_WINDOW, max(now - self.started, 1e-9))
        return {
            "elapsed": now - self.started,
            "completed": self.completed,
            "errors": self.errors,
            "dropped": self.dropped,
            "rps": len(recent) / span,
            "p50_ttft": statistics.median(self.ttfts) if self.ttfts else 0.0,
        }


def render_line(snap: dict[str, float]) -> str:
    """One status line for ``snap`` (dropped arrivals only once there are some)."""
    dropped = int(snap.get("dropped", 0))
    return (
        f"elapsed {snap['elapsed']:6.1f}s  completed {int(snap['completed']):>8,}  "
        f"errors {int(snap['errors']):>6,}  rps {snap['rps']:8.1f}  "
        f"p50 TTFT {snap['p50_ttft'] * 1000:8.1f} ms"
        + (f"  dropped {dropped:,}" if dropped else "")
    )


class Progress:
    """Shows :class:`LiveStats` with rich's Live display (a no-op when disabled)."""

    def __init__(
        self, stats: LiveStats, *, enabled: bool | None = None, stream: IO[str] | None = None
    ) -> None:
        self.stats = stats
        stream = stream if stream is not None else sys.stderr
        self.enabled = stream.isatty() if enabled is None else enabled
        self._live: Any = None
        self._stream = stream

    def __enter__(self) -> Progress:
        if self.enabled:
            from rich.console import Console
            from rich.live import Live

            console = Console(file=self._stream, force_terminal=self._stream.isatty())
            self._live = Live("", console=console, auto_refresh=False, transient=False)
            self._live.__enter__()
        return self

    def refresh(self) -> None:
        """Redraw (call a few times a second)."""
        if self._live is not None:
            self._live.update(render_line(self.stats.snapshot()), refresh=True)

    def __exit__(self, *exc_info: object) -> None:
        if self._live is not None:
            self.refresh()
            self._live.__exit__(None, None, None)
            self._live = None
