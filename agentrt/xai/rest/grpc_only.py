"""A stand-in for a service REST does not carry: every use is one clear UsageError."""

from __future__ import annotations

from typing import Any

from agentrt.errors import UsageError

__all__ = ["GrpcOnly"]


class GrpcOnly:
    """``client.<name>`` of a REST client for a service only the gRPC API has (here).

    Args:
        name: the attribute's name, e.g. ``"files"``.
    """

    def __init__(self, name: str) -> None:
        self._name = name

    def __repr__(self) -> str:
        return f"GrpcOnly({self._name!r})"

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)
        raise UsageError(
            f"client.{self._name} is not available over REST: use protocol='grpc' "
            f"(a HOST:PORT endpoint, e.g. api.x.ai:443)"
        )
