"""What the HTTP door's endpoint modules serve from: :class:`RestDeps`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from agentrt.sim.rest.records import Records

if TYPE_CHECKING:
    from agentrt.sim.batch_handlers import BatchHandlers
    from agentrt.sim.chat import ChatService
    from agentrt.sim.handlers import Observer
    from agentrt.sim.imagehost import ImageHost
    from agentrt.sim.rag_handlers import RagHandlers
    from agentrt.sim.services import SmallServices

__all__ = ["RestDeps"]


@dataclass(frozen=True, kw_only=True)
class RestDeps:
    """What the endpoint modules serve from: the same services the gRPC door uses."""

    chat: ChatService
    small: SmallServices
    rag: RagHandlers
    batches: BatchHandlers
    images: ImageHost
    admit: Callable[[Any], None]  # raises UNAUTHENTICATED unless the bearer key is right
    observer: Observer | None = None
    records: Records = field(default_factory=Records)  # OpenAI's fields gRPC has no place for
