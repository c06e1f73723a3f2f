"""The small services over REST: ``client.models``, ``tokenizer``, ``embeddings``, ``images``, ``auth``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from agentrt.xai.rest.grpc_only import GrpcOnly
from agentrt.xai.rest.transport import RestTransport

__all__ = ["RestServices", "rest_services"]


@dataclass(frozen=True, slots=True)
class RestServices:
    """The services a REST client exposes besides chat."""

    models: Any
    tokenizer: Any
    images: Any
    embeddings: Any
    auth: Any


def rest_services(transport: RestTransport) -> RestServices:
    """The services of a REST client on ``transport``."""
    del transport
    return RestServices(
        models=GrpcOnly("models"),
        tokenizer=GrpcOnly("tokenizer"),
        images=GrpcOnly("images"),
        embeddings=GrpcOnly("embeddings"),
        auth=GrpcOnly("auth"),
    )
