"""What one server takes on: :class:`RunSlots` (runs in flight), :class:`RequestLimits` (sizes).

Back-pressure is immediate: when every slot is busy a new run is refused at
once (the caller gets RESOURCE_EXHAUSTED and retries later); nothing queues,
so a burst can never pile up unbounded work or memory on the server.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from agentrt.errors import UsageError

__all__ = ["Busy", "RequestLimits", "RunSlots"]

_RUN_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,128}$")


class Busy(Exception):
    """Every run slot is taken."""


class RunSlots:
    """At most ``capacity`` runs at once; :meth:`take` refuses the next one at once.

    Args:
        capacity: runs allowed in flight (``--max-concurrent-runs``).
    """

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise UsageError(f"--max-concurrent-runs must be at least 1, got {capacity}")
        self.capacity = capacity
        self.in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()

    @contextmanager
    def take(self) -> Iterator[None]:
        """Hold one slot for the ``with`` block.

        Raises:
            Busy: every slot is taken.
        """
        if self.in_flight >= self.capacity:
            raise Busy(
                f"{self.in_flight} runs in flight, the server's limit "
                f"(--max-concurrent-runs {self.capacity}); retry later"
            )
        self.in_flight += 1
        self._idle.clear()
        try:
            yield
        finally:
            self.in_flight -= 1
            if not self.in_flight:
                self._idle.set()

    async def idle(self) -> None:
        """Return once no run is in flight."""
        await self._idle.wait()


@dataclass(frozen=True, kw_only=True)
class RequestLimits:
    """Size limits of one run request (the whole message is capped by gRPC too).

    Attributes:
        max_message_bytes: the largest request message gRPC accepts.
        max_input_chars: the user's message.
        max_entries: variables, and metadata entries, each.
        max_value_chars: one variable or metadata value (keys: 128).
    """

    max_message_bytes: int = 1024 * 1024
    max_input_chars: int = 256 * 1024
    max_entries: int = 64
    max_value_chars: int = 16 * 1024

    def check(
        self,
        *,
        input: str,
        run_id: str,
        variables: Mapping[str, str],
        metadata: Mapping[str, str],
    ) -> None:
        """Refuse a request over a limit, saying which.

        Raises:
            UsageError: an empty or too long input, a bad run id, too many or too long entries.
        """
        if not input.strip():
            raise UsageError("input is empty: send the user's message in 'input'")
        if len(input) > self.max_input_chars:
            raise UsageError(
                f"input has {len(input)} characters; "
                f"this server takes at most {self.max_input_chars}"
            )
        if run_id and not _RUN_ID.match(run_id):
            raise UsageError("run_id must match [A-Za-z0-9_.:-]{1,128} (or be empty)")
        for label, entries in (("variables", variables), ("metadata", metadata)):
            self._entries(label, entries)

    def _entries(self, label: str, entries: Mapping[str, str]) -> None:
        if len(entries) > self.max_entries:
            raise UsageError(
                f"{label} has {len(entries)} entries; this server takes at most {self.max_entries}"
            )
        for key, value in entries.items():
            if not key or len(key) > 128:
                raise UsageError(f"{label}: keys must have 1 to 128 characters")
            if len(value) > self.max_value_chars:
                raise UsageError(
                    f"{label}[{key!r}] has {len(value)} characters; "
                    f"this server takes at most {self.max_value_chars}"
                )
