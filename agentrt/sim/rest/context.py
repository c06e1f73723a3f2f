"""An HTTP request seen as the gRPC context the simulator's services take: :class:`HttpContext`.

The services read a call's metadata (the API key, ``x-sim-*`` overrides), its time
remaining, and abort with a status; over HTTP the headers are the metadata (lower-case
keys, as gRPC gives them), there is no deadline, and an abort raises the
:class:`~agentrt.sim.status.SimStatus` the error middleware turns into an OpenAI error body.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, NoReturn

import grpc

from agentrt.sim.status import SimStatus

if TYPE_CHECKING:
    from aiohttp import web

__all__ = ["HttpContext"]


class HttpContext:
    """What the simulator's handlers use of a ``grpc.aio.ServicerContext``, over HTTP."""

    __slots__ = ("_metadata", "request")

    def __init__(self, request: web.Request) -> None:
        self.request = request
        self._metadata: tuple[tuple[str, str], ...] | None = None

    def invocation_metadata(self) -> tuple[tuple[str, str], ...]:
        """The request's headers as gRPC metadata: ``(lower-case name, value)`` pairs."""
        if self._metadata is None:
            self._metadata = tuple((k.lower(), v) for k, v in self.request.headers.items())
        return self._metadata

    def time_remaining(self) -> float | None:
        """HTTP carries no deadline: ``None`` (a stall fault waits its own cap)."""
        return None

    def cancelled(self) -> bool:
        """Whether the client has gone away."""
        transport = self.request.transport
        return transport is None or transport.is_closing()

    async def abort(
        self,
        code: grpc.StatusCode,
        details: str = "",
        trailing_metadata: Iterable[tuple[str, Any]] = (),
    ) -> NoReturn:
        """End the request with ``code``: raises the status the middleware answers with."""
        trailers = tuple((str(k), str(v)) for k, v in trailing_metadata)
        raise SimStatus(code, details, trailers=trailers)
