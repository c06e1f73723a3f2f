"""Server-Sent Events, parsed from an HTTP body's bytes as they arrive.

Only what OpenAI-compatible servers send is kept: ``data:`` lines (joined with
``\\n`` when an event has several), the ``event:`` name, comments (``:`` lines,
keep-alives) skipped, ``\\n`` or ``\\r\\n`` line ends, events split anywhere
across reads. ``id:`` and ``retry:`` are ignored (nothing is replayed). A line,
or an event's data, longer than ``limit`` bytes raises
:class:`~agentrt.errors.ResponseTooLarge`: a server cannot grow memory without bound.
"""

from __future__ import annotations

from agentrt.errors import ResponseTooLarge

__all__ = ["Event", "SseParser"]

Event = tuple[str, bytes]
"""One event: its ``event:`` name (``""`` when none was given) and its data."""


class SseParser:
    """Feed it the body's chunks; it returns the events each one completed.

    Args:
        limit: the longest line, and the most data one event may hold, in bytes.
    """

    __slots__ = ("_data", "_event", "_failed", "_limit", "_parts", "_parts_size", "_rest", "_size")

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._rest = b""  # the unfinished last line
        self._parts: list[bytes] = []  # reads after it without a line end, joined once at one
        self._parts_size = 0
        self._data: list[bytes] = []
        self._event = ""
        self._size = 0
        self._failed: ResponseTooLarge | None = None

    def check(self) -> None:
        """Raise the error found by the last :meth:`feed`, once its complete events are out.

        Raises:
            ResponseTooLarge: the last feed went over the limit.
        """
        if self._failed is not None:
            raise self._failed

    def _over(self, what: str, out: list[Event]) -> list[Event]:
        error = ResponseTooLarge(f"{what} exceeds {self._limit} bytes", code="413")
        if not out:
            raise error
        self._failed = error  # the events before it are delivered first
        return out

    def feed(self, chunk: bytes) -> list[Event]:
        """The events completed by ``chunk``.

        Raises:
            ResponseTooLarge: a line or an event's data exceeds the limit (when
                ``chunk`` completed events before it: at :meth:`check`).
        """
        self.check()
        if b"\n" not in chunk:  # a long line over many reads: keep them, join once (linear)
            self._parts.append(chunk)
            self._parts_size += len(chunk)
            if len(self._rest) + self._parts_size > self._limit:
                return self._over("an SSE line without its end", [])
            return []
        if self._parts:
            chunk = b"".join((self._rest, *self._parts, chunk))
            self._parts.clear()
            self._parts_size = 0
        elif self._rest:
            chunk = self._rest + chunk
        lines = chunk.split(b"\n")
        rest = self._rest = lines.pop()
        out: list[Event] = []
        data = self._data
        for line in lines:
            if line[:5] == b"data:":
                # the usual line: "data: {...}" (one optional space after the colon)
                value = line[6:] if line[5:6] == b" " else line[5:]
                if value[-1:] == b"\r":
                    value = value[:-1]
                data.append(value)
                self._size += len(value)
                if self._size > self._limit:
                    return self._over("an SSE event's data", out)
            elif line == b"" or line == b"\r":
                if data:
                    out.append((self._event, data[0] if len(data) == 1 else b"\n".join(data)))
                    data.clear()
                    self._size = 0
                self._event = ""
            elif line[:6] == b"event:":
                self._event = line[6:].strip().decode("utf-8", "replace")
            # anything else (":" comments and keep-alives, "id:", "retry:", unknown) is skipped
        if len(rest) > self._limit:
            return self._over("an SSE line without its end", out)
        return out

    def end(self) -> list[Event]:
        """The event left when the body ended without its closing blank line (kept, not dropped)."""
        if self._rest or self._parts:
            self.feed(b"\n")
        if not self._data:
            return []
        data = self._data[0] if len(self._data) == 1 else b"\n".join(self._data)
        self._data = []
        return [(self._event, data)]
