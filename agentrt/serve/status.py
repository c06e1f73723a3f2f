"""What a caller is told when a run cannot start or breaks: :func:`status_for`.

A run that fails *as an agent run* (max turns, invalid output, …) is not a gRPC
error: it ends with a FAILED ``RunStatus`` (see :mod:`agentrt.serve.convert`).
Everything else becomes a gRPC status here, once. Messages about the upstream
model service never carry its credentials: authentication failures upstream
are reported without their details, and every message is scrubbed of the
server's secrets (the upstream API key) before it leaves.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import grpc

from agentrt.errors import (
    AuthenticationError,
    MCPServerError,
    PermissionDenied,
    RateLimited,
    RPCError,
    StreamInterrupted,
    TransportError,
    UsageError,
)
from agentrt.serve.limits import Busy

__all__ = ["Refused", "Scrubber", "status_for"]


class Refused(Exception):
    """A call the server turns down before any run starts, with its gRPC status."""

    def __init__(self, code: grpc.StatusCode, details: str) -> None:
        super().__init__(details)
        self.code = code
        self.details = details


@dataclass(frozen=True)
class Scrubber:
    """Removes secrets (at least 4 characters long) from text sent to callers."""

    secrets: tuple[str, ...] = field(default=(), repr=False)

    @classmethod
    def of(cls, secrets: Iterable[str | None]) -> Scrubber:
        """A scrubber for the non-empty ``secrets``."""
        return cls(tuple(s for s in secrets if s and len(s) >= 4))

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "[redacted]")
        return text


def status_for(exc: BaseException, scrub: Scrubber) -> tuple[grpc.StatusCode, str]:
    """The gRPC status code and details for an error that ends a call."""
    code, details = _classify(exc)
    return code, scrub(details)


def _classify(exc: BaseException) -> tuple[grpc.StatusCode, str]:
    if isinstance(exc, Refused):
        return exc.code, exc.details
    if isinstance(exc, Busy):
        return grpc.StatusCode.RESOURCE_EXHAUSTED, str(exc)
    if isinstance(exc, UsageError):
        return grpc.StatusCode.INVALID_ARGUMENT, str(exc)
    if isinstance(exc, (AuthenticationError, PermissionDenied)):
        # The upstream refused *this server's* credentials: the caller can do nothing
        # about it, and the upstream's words might quote the key.
        return (
            grpc.StatusCode.INTERNAL,
            "the model service refused this server's credentials (see the server's configuration)",
        )
    if isinstance(exc, RateLimited):
        return (
            grpc.StatusCode.UNAVAILABLE,
            "the model service is rate limiting this server; retry later",
        )
    if isinstance(exc, MCPServerError):  # a pooled server died and cannot start again
        return (
            grpc.StatusCode.UNAVAILABLE,
            f"the agent's MCP server {exc.server!r} is not available (see the server's log); "
            "retry later",
        )
    if isinstance(exc, (TransportError, StreamInterrupted)):
        return grpc.StatusCode.UNAVAILABLE, f"the model service could not be reached: {exc}"
    if isinstance(exc, RPCError):
        return grpc.StatusCode.INTERNAL, f"the model service failed: {exc}"
    return grpc.StatusCode.INTERNAL, f"internal error ({type(exc).__name__}) in agentrt serve"
