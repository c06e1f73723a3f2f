"""Hostile scale: many chunks, many concurrent streams, on the ``grpc.aio`` reader.

At thousands of concurrent runs the client's CPU per turn is the limit, and what it pays
per streamed chunk is Python frames resumed on the way from gRPC's receive to the caller.
These tables pin that work per chunk (Python calls and resumptions in agentrt and in
grpc.aio's call module, counted by a profile hook) for a chat stream and for an agent
run's stream of events, alone and among many concurrent streams, so a layer added to the
hot path fails here; and they check every delta still arrives, on gRPC's internals and
through its public ``read()`` (the reader used on grpcio releases not checked).
"""

from __future__ import annotations

import asyncio
import gc
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from agentrt.agents.agent import Agent
from agentrt.agents.events import RunFinished, TextDelta
from agentrt.testing import ScriptedModel, call, reply, tool_calls
from agentrt.xai import transport
from agentrt.xai.chat_request import ChatRequest
from agentrt.xai.client import Client
from agentrt.xai.messages import user
from agentrt.xai.sync_reader import TESTED_GRPC
from tests.fake_xai import FakeXai, serve_fake

_AGENTRT = str(Path(transport.__file__).parents[1])
_GRPC_CALL = str(Path(sys.modules["grpc.aio"].__file__ or "").parent / "_call.py")


@pytest.fixture
async def fake() -> AsyncIterator[tuple[FakeXai, str]]:
    async with serve_fake() as served:
        yield served


class Frames:
    """Python call and resume events in agentrt and grpc.aio's client call, while on."""

    def __init__(self) -> None:
        self.count = 0

    def hook(self, frame: Any, event: str, arg: Any) -> None:
        if event == "call":
            name = frame.f_code.co_filename
            if name.startswith(_AGENTRT) or name == _GRPC_CALL:
                self.count += 1

    def __enter__(self) -> Frames:
        sys.setprofile(self.hook)
        return self

    def __exit__(self, *exc: object) -> None:
        sys.setprofile(None)


async def chat_deltas(client: Client, tokens: list[str]) -> str:
    async with client.chat.stream(ChatRequest(model="m", messages=(user("hi"),))) as stream:
        return "".join([d.content async for d in stream])


async def agent_deltas(client: Client, tokens: list[str]) -> str:
    agent = Agent(name="a", model="m", instructions="be brief")
    text = []
    async with agent.stream("hi", client=client) as events:
        async for event in events:
            if isinstance(event, TextDelta):
                text.append(event.text)
            elif isinstance(event, RunFinished):
                assert event.result.output == "".join(tokens)
    return "".join(text)


# (what streams, concurrent streams, chunks each, Python frames per chunk at most).
# ~2 per layer and chunk (called, then resumed when the message arrives), plus each
# stream's and run's own work spread over its chunks. Measured: chat 4.2 / 5.6, agent
# 8.3 / 11.4 (before gRPC's read wrappers and the deltas-then-response layer went:
# 8.2 / 9.8 and 14.4 / 17.7).
CASES = [
    ("chat", 1, 400, 5.0),
    ("chat", 100, 40, 6.5),
    ("agent", 1, 400, 9.5),
    ("agent", 100, 40, 12.5),
]
KINDS: dict[str, Callable[[Client, list[str]], Any]] = {
    "chat": chat_deltas,
    "agent": agent_deltas,
}


@pytest.mark.parametrize(("kind", "streams", "chunks", "budget"), CASES)
async def test_python_frames_per_streamed_chunk_stay_within_budget(
    fake: tuple[FakeXai, str], kind: str, streams: int, chunks: int, budget: float
) -> None:
    state, address = fake
    state.tokens = [f"t{i} " for i in range(chunks)]
    run = KINDS[kind]
    async with Client(api_key="k", endpoint=address, stream_threads=0) as client:
        await run(client, state.tokens)  # warm: channels up, imports done
        with Frames() as frames:
            async with asyncio.TaskGroup() as tg:
                done = [tg.create_task(run(client, state.tokens)) for _ in range(streams)]
    assert all(t.result() == "".join(state.tokens) for t in done)
    per_chunk = frames.count / (streams * chunks)
    assert per_chunk <= budget, f"{per_chunk:.1f} Python frames per chunk (budget {budget})"


@pytest.mark.parametrize("tested", [TESTED_GRPC, ("0.0.",)], ids=["lean", "read()"])
@pytest.mark.parametrize("streams", [1, 50])
async def test_aio_reader_delivers_every_chunk_on_gRPC_internals_and_its_public_read(
    fake: tuple[FakeXai, str],
    monkeypatch: pytest.MonkeyPatch,
    tested: tuple[str, ...],
    streams: int,
) -> None:
    state, address = fake
    state.tokens = [f"w{i} " for i in range(30)]
    monkeypatch.setattr(transport, "TESTED_GRPC", tested)
    client = Client(api_key="k", endpoint=address, stream_threads=0)
    async with client, asyncio.TaskGroup() as tg:
        done = [tg.create_task(chat_deltas(client, state.tokens)) for _ in range(streams)]
    assert [t.result() for t in done] == ["".join(state.tokens)] * streams


async def weather(city: str) -> str:
    """The weather in a city.

    Args:
        city: its name.
    """
    return "sunny"


@pytest.mark.parametrize("mode", ["run", "stream"])
@pytest.mark.parametrize("tool_turns", [1, 3])
async def test_a_finished_run_leaves_no_cyclic_garbage(mode: str, tool_turns: int) -> None:
    """Thousands of runs at once: each run's objects must go when it ends, not wait for the
    cyclic GC (its passes over every live run cost CPU, and memory grows meanwhile)."""
    agent = Agent(name="a", model="m", instructions="be brief", tools=[weather])
    turns = [tool_calls(call("weather", {"city": "Oslo"})) for _ in range(tool_turns)]
    model = ScriptedModel(*turns, reply("done"))
    gc.collect()
    gc.disable()
    try:
        gc.set_debug(gc.DEBUG_SAVEALL)
        if mode == "run":
            result = await agent.run("hi", model=model)
        else:
            async with agent.stream("hi", model=model) as events:
                async for event in events:
                    if isinstance(event, RunFinished):
                        result = event.result
        assert result.output == "done"
        del result
        gc.collect()
        kinds = sorted({type(o).__name__ for o in gc.garbage})
        assert not gc.garbage, f"cyclic garbage left by a run: {kinds}"
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
