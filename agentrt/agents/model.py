"""The model seam: the one narrow interface the agent loop talks to.

The loop builds a plain :class:`~agentrt.xai.chat_request.ChatRequest` (messages,
tools, settings; no protobuf) and gets back a
:class:`~agentrt.xai.chat_response.ChatResponse`, either at once
(:meth:`Model.complete`) or as a stream of
:class:`~agentrt.xai.chat_response.Delta` pieces ending with the assembled response
(:meth:`Model.stream`). :class:`agentrt.agents.chat_model.ChatModel` puts the gRPC
client behind this seam; :class:`agentrt.testing.ScriptedModel` plugs into the
same place for unit tests.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from agentrt.xai.chat_request import ChatRequest, ReasoningEffort
    from agentrt.xai.chat_response import ChatResponse, Delta

__all__ = ["Model", "ModelSettings"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelSettings:
    """Sampling settings an agent sends on every model call; ``None`` is the server default.

    ``tool_choice`` is ``"auto"``, ``"none"``, ``"required"`` or one function's name.
    ``extra`` holds any other :class:`~agentrt.xai.chat_request.ChatRequest` field by name.
    """

    temperature: float | None = None
    top_p: float | None = None
    max_tokens: int | None = None
    seed: int | None = None
    stop: tuple[str, ...] = ()
    reasoning_effort: ReasoningEffort | None = None
    parallel_tool_calls: bool | None = None
    tool_choice: str | None = None
    user: str = ""
    store_messages: bool = False
    use_encrypted_content: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict)

    def request_fields(self) -> dict[str, Any]:
        """These settings as ``ChatRequest`` keyword arguments (unset ones left out)."""
        out: dict[str, Any] = {
            name: value
            for name in _FIELDS
            if (value := getattr(self, name)) is not None and value != () and value != ""
        }
        out.update(self.extra)
        return out


_FIELDS = (
    "temperature",
    "top_p",
    "max_tokens",
    "seed",
    "stop",
    "reasoning_effort",
    "parallel_tool_calls",
    "tool_choice",
    "user",
    "store_messages",
    "use_encrypted_content",
)


@runtime_checkable
class Model(Protocol):
    """A model the agent loop can call.

    ``timeout`` is what is left of the run's time budget in seconds (``None``:
    no run budget; the client's default applies). An implementation must not
    take longer, and must raise :class:`~agentrt.errors.DeadlineExceeded` when
    the time runs out.
    """

    async def complete(
        self,
        request: ChatRequest,
        *,
        timeout: float | None,  # noqa: ASYNC109 - it becomes the gRPC deadline
    ) -> ChatResponse:
        """One call; the whole response at once."""
        ...

    def stream(
        self, request: ChatRequest, *, timeout: float | None
    ) -> AsyncIterator[Delta | ChatResponse]:
        """One streamed call: deltas as they arrive, then the assembled response, last.

        Closing the iterator early (``aclose()``) must cancel the call.
        """
        ...
