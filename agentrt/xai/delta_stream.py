"""A streamed chat answer as its caller sees it, whatever the protocol: :class:`DeltaStream`.

gRPC (:class:`~agentrt.xai.chat.ChatStream`) and REST
(:class:`~agentrt.xai.rest.chat.RestChatStream`) differ only in the generator that reads
the wire; iterating, closing early and the assembled response are the same, here.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Callable
from typing import Any

from agentrt.errors import UsageError
from agentrt.xai.chat_response import ChatResponse, Delta

__all__ = ["DeltaStream", "Start"]

Start = Callable[[list[ChatResponse], bool], AsyncGenerator[Any, None]]
"""Makes the generator of a stream's deltas; it appends the assembled response to its list,
and yields it last too when the flag is set (:meth:`DeltaStream.items`)."""


class DeltaStream:
    """An async iterator of :class:`Delta`, then :attr:`response`.

    The call starts on the first iteration. Use ``async with`` (or :meth:`aclose`) to end
    it deterministically when you stop early.
    """

    def __init__(self, start: Start) -> None:
        # ``start`` must not reference this object: without a cycle, a bare ``break``
        # frees the generator at once and asyncio closes it (cancelling the call).
        self._start = start
        self._gen: AsyncGenerator[Any, None] | None = None  # deltas (then the response)
        self._result: list[ChatResponse] = []

    def __aiter__(self) -> AsyncIterator[Delta]:
        if self._gen is None:
            self._gen = self._start(self._result, False)
        return self._gen

    def items(self) -> AsyncGenerator[Delta | ChatResponse, None]:
        """The deltas, then the assembled response, from one generator: iterate it instead of
        the stream (an agent turn does: a wrapper would cost a generator step per delta).

        Raises:
            UsageError: the stream was already iterated.
        """
        if self._gen is not None:
            raise UsageError("the stream was already iterated: items() must come first")
        gen: AsyncGenerator[Delta | ChatResponse, None] = self._start(self._result, True)
        self._gen = gen
        return gen

    async def __aenter__(self) -> DeltaStream:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Stop the stream and cancel the call if it is still running."""
        gen = self._gen
        if gen is not None:
            await gen.aclose()

    @property
    def response(self) -> ChatResponse:
        """The assembled response; available once the stream has ended normally."""
        if not self._result:
            raise UsageError("the stream has not finished: iterate it to the end first")
        return self._result[0]

    async def collect(self) -> ChatResponse:
        """Consume the rest of the stream and return the assembled response."""
        async for _ in self:
            pass
        return self.response
