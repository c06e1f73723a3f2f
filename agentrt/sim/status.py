"""The one exception the simulator's handlers raise to end an RPC with a status."""

from __future__ import annotations

import uuid

import grpc

__all__ = ["SimStatus"]


class SimStatus(Exception):
    """End the current RPC with ``code`` and ``details`` (and optional trailing metadata)."""

    def __init__(
        self,
        code: grpc.StatusCode,
        details: str,
        *,
        trailers: tuple[tuple[str, str], ...] = (),
    ) -> None:
        super().__init__(details)
        self.code = code
        self.details = details
        self.trailers = trailers

    def trailing_metadata(self) -> tuple[tuple[str, str], ...]:
        """The trailers to send: this status's own plus a fresh ``x-request-id``."""
        return (*self.trailers, ("x-request-id", f"sim-{uuid.uuid4()}"))
