"""Test doubles for code built on agentrt; they fail loudly when misused.

:class:`ScriptedModel` replays canned turns through the same seam the real
client uses (:class:`agentrt.agents.model.Model`), so an agent can be unit-tested with
no server::

    model = ScriptedModel(
        tool_calls(call("get_weather", {"city": "Paris"})),
        reply("It is 21 degrees in Paris."),
    )
    with model:                       # on exit: fails if a turn was left unused
        result = await Agent(name="a", model=model, tools=[get_weather]).run("Weather?")
    assert model.requests[1].messages[-1].role == "tool"

A call with no turn left raises :class:`ScriptExhausted` (an ``AssertionError``).

:func:`simulator` starts the simulator in-process (real sockets on 127.0.0.1)
with a client connected to it, for end-to-end tests::

    async with simulator(faults=FaultConfig(faults=("malformed_args",))) as sim:
        result = await agent.run("Weather in Paris?", client=sim.client)
        async with sim.connect(("x-sim-fault", "unknown_tool")) as faulty:  # per-client headers
            ...
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING, Any

from agentrt.errors import DeadlineExceeded
from agentrt.xai.chat_response import ChatResponse, Choice, Delta, Usage
from agentrt.xai.messages import ToolCall

if TYPE_CHECKING:
    from agentrt.sim import Simulator
    from agentrt.xai.chat_request import ChatRequest
    from agentrt.xai.client import Client

__all__ = [
    "ScriptExhausted",
    "ScriptedModel",
    "SimHarness",
    "Turn",
    "call",
    "fail",
    "reply",
    "simulator",
    "tool_calls",
]

_ids = itertools.count(1)


class ScriptExhausted(AssertionError):
    """The scripted model was called with no turn left, or finished with turns unused."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Turn:
    """One canned model answer.

    Attributes:
        text: the answer text.
        reasoning: visible reasoning, streamed before the text.
        tool_calls: calls to ask for.
        error: raised instead of answering.
        delay: seconds before the first chunk (the call's timeout is honoured).
        chunk_size: characters per streamed text delta.
        usage: reported usage (default: 10 prompt + 5 completion tokens).
        check: called with the request first, to assert on what the loop sent.
    """

    text: str = ""
    reasoning: str = ""
    tool_calls: tuple[ToolCall, ...] = ()
    error: BaseException | None = None
    delay: float = 0.0
    chunk_size: int = 4
    usage: Usage = field(
        default_factory=lambda: Usage(prompt_tokens=10, completion_tokens=5, total_tokens=15)
    )
    check: Callable[[ChatRequest], None] | None = None


def reply(text: str, *, reasoning: str = "", delay: float = 0.0, **kw: Any) -> Turn:
    """A turn that answers with ``text``."""
    return Turn(text=text, reasoning=reasoning, delay=delay, **kw)


def call(name: str, arguments: Mapping[str, Any] | str | None = None, *, id: str = "") -> ToolCall:
    """A tool call; ``arguments`` as a dict (sent as JSON) or raw text (may be malformed on purpose)."""
    args = arguments if isinstance(arguments, str) else json.dumps(dict(arguments or {}))
    return ToolCall(id=id or f"call_{next(_ids)}", name=name, arguments=args)


def tool_calls(*calls: ToolCall, text: str = "", delay: float = 0.0, **kw: Any) -> Turn:
    """A turn that asks for ``calls`` (in one turn: the loop runs them concurrently)."""
    return Turn(text=text, tool_calls=calls, delay=delay, **kw)


def fail(error: BaseException, *, delay: float = 0.0) -> Turn:
    """A turn whose call raises ``error``."""
    return Turn(error=error, delay=delay)


class ScriptedModel:
    """A :class:`~agentrt.agents.model.Model` that replays turns in order.

    Attributes:
        requests: every request received, in order.
    """

    def __init__(self, *turns: Turn | str) -> None:
        self._turns = [reply(t) if isinstance(t, str) else t for t in turns]
        self._next = 0
        self.requests: list[ChatRequest] = []

    @property
    def remaining(self) -> int:
        """Turns not used yet."""
        return len(self._turns) - self._next

    def assert_done(self) -> None:
        """Raise :class:`ScriptExhausted` if any turn was left unused."""
        if self.remaining:
            raise ScriptExhausted(f"{self.remaining} scripted turn(s) were never used")

    def __enter__(self) -> ScriptedModel:
        return self

    def __exit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        if et is None:
            self.assert_done()

    async def _take(
        self,
        request: ChatRequest,
        timeout: float | None,  # noqa: ASYNC109 - the scripted stand-in for a gRPC deadline
    ) -> Turn:
        self.requests.append(request)
        if self._next >= len(self._turns):
            last = request.messages[-1] if request.messages else None
            raise ScriptExhausted(
                f"unexpected model call #{len(self.requests)}: the script has only "
                f"{len(self._turns)} turn(s); last message: {last!r}"
            )
        turn = self._turns[self._next]
        self._next += 1
        if turn.check is not None:
            turn.check(request)
        if turn.delay:
            if timeout is not None and turn.delay >= timeout:
                await asyncio.sleep(max(timeout, 0))
                raise DeadlineExceeded(
                    "scripted call ran past its deadline", code="DEADLINE_EXCEEDED"
                )
            await asyncio.sleep(turn.delay)
        if turn.error is not None:
            raise turn.error
        return turn

    async def complete(
        self,
        request: ChatRequest,
        *,
        timeout: float | None = None,  # noqa: ASYNC109 - the scripted stand-in for a gRPC deadline
    ) -> ChatResponse:
        """Answer with the next turn."""
        return _response(await self._take(request, timeout), request)

    async def stream(
        self,
        request: ChatRequest,
        *,
        timeout: float | None = None,  # noqa: ASYNC109 - the scripted stand-in for a gRPC deadline
    ) -> AsyncIterator[Delta | ChatResponse]:
        """Stream the next turn: reasoning, then text in ``chunk_size`` pieces, then tool calls."""
        turn = await self._take(request, timeout)
        size = max(1, turn.chunk_size)
        for i in range(0, len(turn.reasoning), size):
            yield Delta("", turn.reasoning[i : i + size], (), 0)
        for i in range(0, len(turn.text), size):
            yield Delta(turn.text[i : i + size], "", (), 0)
            await asyncio.sleep(0)  # a real stream yields to the loop between chunks
        if turn.tool_calls:
            yield Delta("", "", turn.tool_calls, 0)
        yield _response(turn, request)


def _response(turn: Turn, request: ChatRequest) -> ChatResponse:
    choice = Choice(
        content=turn.text,
        reasoning_content=turn.reasoning,
        tool_calls=turn.tool_calls,
        finish_reason="tool_calls" if turn.tool_calls else "stop",
    )
    return ChatResponse(
        id=f"scripted-{next(_ids)}", model=request.model, choices=(choice,), usage=turn.usage
    )


@dataclass(frozen=True, slots=True)
class SimHarness:
    """A running in-process simulator and a client connected to it."""

    sim: Simulator
    client: Client

    @property
    def address(self) -> str:
        """``127.0.0.1:PORT``."""
        return self.sim.address

    def connect(self, *metadata: tuple[str, str], **client_options: Any) -> Client:
        """Another client of this simulator, sending ``metadata`` (e.g. ``x-sim-fault``) on every call.

        Use it as ``async with``; it is yours to close.
        """
        return _connect(self.sim, metadata, client_options)


def _connect(
    sim: Simulator, metadata: tuple[tuple[str, str], ...], options: Mapping[str, Any]
) -> Client:
    from agentrt.xai.client import Client

    key = sim.options.api_key or "test-key"
    return Client(api_key=key, endpoint=sim.address, metadata=metadata, **options)


@asynccontextmanager
async def simulator(**options: Any) -> AsyncIterator[SimHarness]:
    """Start the simulator in-process (``agentrt.sim.Simulator(**options)``) with a client.

    Both are closed on exit. The client sends the simulator's API key when one is set.
    """
    from agentrt.sim import Simulator

    async with Simulator(**options) as sim, _connect(sim, (), {}) as client:
        yield SimHarness(sim=sim, client=client)
