"""Model fallback (``Agent(models=...)``) in the run loop, with a model double that fails
by model name: which errors move a turn, stickiness, streams, what is recorded."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from agentrt.agents.agent import Agent
from agentrt.agents.events import TextDelta
from agentrt.agents.fallback import Fallback
from agentrt.agents.tools import tool
from agentrt.errors import (
    AuthenticationError,
    DeadlineExceeded,
    InvalidRequest,
    RateLimited,
    RPCError,
    ServerError,
    Unavailable,
)
from agentrt.xai.chat_request import ChatRequest
from agentrt.xai.chat_response import ChatResponse, Choice, Delta, Usage
from agentrt.xai.messages import ToolCall


@tool
def ping() -> str:
    """Answer pong."""
    return "pong"


class ByName:
    """Fails every call naming a model in ``failing`` with its error; else answers, the
    first turn with a tool call (so a run has two turns)."""

    def __init__(self, failing: dict[str, RPCError]) -> None:
        self.failing = failing
        self.asked: list[str] = []

    def _answer(self, request: ChatRequest) -> ChatResponse:
        self.asked.append(request.model)
        error = self.failing.get(request.model)
        if error is not None:
            raise error
        first = not any(m.role == "tool" for m in request.messages)
        calls = (ToolCall(id="c1", name="ping", arguments="{}"),) if first else ()
        choice = Choice(content="" if first else f"from {request.model}", tool_calls=calls)
        return ChatResponse(id="r", model=request.model, choices=(choice,), usage=Usage())

    async def complete(self, request: ChatRequest, *, timeout: float | None) -> ChatResponse:  # noqa: ASYNC109
        return self._answer(request)

    async def stream(
        self,
        request: ChatRequest,
        *,
        timeout: float | None,  # noqa: ASYNC109
    ) -> AsyncIterator[Delta | ChatResponse]:
        response = self._answer(request)
        if response.content:
            yield Delta(response.content, "", (), 0)
        yield response


def _agent(*models: str) -> Agent[Any]:
    return Agent(name="fb", model="a", models=models, tools=[ping])


FALLS_BACK = [
    Unavailable("down", code="UNAVAILABLE"),
    RateLimited("slow down"),
    ServerError("boom", code="INTERNAL"),
    ServerError("boom", code="500"),
]


@pytest.mark.parametrize("error", FALLS_BACK, ids=lambda e: type(e).__name__ + e.code)
async def test_a_failed_turn_moves_to_the_next_model_and_stays(error: RPCError) -> None:
    model = ByName({"a": error})
    result = await _agent("b", "c").run("hi", model=model)
    assert result.output == "from b"
    assert model.asked == ["a", "b", "b"]  # sticky: turn 2 went to b at once
    (taken,) = result.fallbacks
    assert (taken.turn, taken.from_model, taken.to_model) == (1, "a", "b")
    assert taken.error.startswith(type(error).__name__ + ": ")
    assert result.to_dict()["fallbacks"][0]["to_model"] == "b"


async def test_each_failing_model_is_left_in_turn() -> None:
    model = ByName({"a": Unavailable("x", code="UNAVAILABLE"), "b": RateLimited("y")})
    result = await _agent("b", "c").run("hi", model=model)
    assert result.output == "from c"
    assert [(f.from_model, f.to_model) for f in result.fallbacks] == [("a", "b"), ("b", "c")]


async def test_the_last_models_error_is_raised() -> None:
    model = ByName(
        {"a": Unavailable("x", code="UNAVAILABLE"), "b": Unavailable("y", code="UNAVAILABLE")}
    )
    with pytest.raises(Unavailable, match="y"):
        await _agent("b").run("hi", model=model)


@pytest.mark.parametrize(
    "error",
    [
        InvalidRequest("bad", code="INVALID_ARGUMENT"),
        AuthenticationError("key", code="UNAUTHENTICATED"),
        ServerError("lost", code="DATA_LOSS"),
    ],
    ids=lambda e: e.code,
)
async def test_other_errors_do_not_fall_back(error: RPCError) -> None:
    model = ByName({"a": error})
    with pytest.raises(type(error)):
        await _agent("b").run("hi", model=model)
    assert model.asked == ["a"]


async def test_a_deadline_does_not_fall_back() -> None:
    model = ByName({"a": DeadlineExceeded("late", code="DEADLINE_EXCEEDED")})
    with pytest.raises(DeadlineExceeded):
        await _agent("b").run("hi", model=model)
    assert model.asked == ["a"]


async def test_a_stream_falls_back_before_its_first_delta() -> None:
    model = ByName({"a": Unavailable("x", code="UNAVAILABLE")})
    async with _agent("b").stream("hi", model=model) as events:
        texts = [e.text for e in [e async for e in events] if isinstance(e, TextDelta)]
    assert texts == ["from b"]
    assert events.result.fallbacks == (
        Fallback(turn=1, from_model="a", to_model="b", error="Unavailable: UNAVAILABLE: x"),
    )


async def test_without_models_nothing_changes() -> None:
    model = ByName({})
    result = await _agent().run("hi", model=model)
    assert result.fallbacks == ()
    assert model.asked == ["a", "a"]
