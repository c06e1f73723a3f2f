"""Sessions: the turn model, its JSON form, MemoryStore, and agent runs on a session."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from typing import Any

import pytest

from agentrt.agents.agent import Agent
from agentrt.agents.chat_model import ChatModel
from agentrt.agents.events import RunFinished
from agentrt.agents.session import (
    MemoryStore,
    Session,
    SessionStore,
    SessionTurn,
    turn_from_json,
    turn_to_json,
)
from agentrt.errors import AgentError, ServerError, SessionConflict, UsageError
from agentrt.testing import ScriptedModel, fail, reply, simulator
from agentrt.xai.chat_request import ChatRequest
from agentrt.xai.client import Client
from agentrt.xai.messages import (
    File,
    Image,
    Message,
    Text,
    ToolCall,
    assistant,
    tool_result,
    user,
)


def _turn(index: int, text: str = "hi") -> SessionTurn:
    return SessionTurn(
        index=index,
        input=text,
        messages=(user(text), assistant(f"re: {text}")),
        response_id=f"resp-{index}",
        created_at=1700000000.5 + index,
        usage={"prompt_tokens": 10, "completion_tokens": 5},
    )


def test_every_message_kind_round_trips_through_json() -> None:
    messages = (
        Message(role="system", content=(Text(text="be terse"),)),
        Message(role="developer", content=(Text(text="dev"),), name="ops"),
        user("look", Image(url="https://x/y.png", detail="high"), Image(file_id="file-1")),
        user(File(file_id="f", data=b"\x00\xffbytes", filename="a.bin", mime_type="x/y")),
        assistant(
            "calling",
            tool_calls=(
                ToolCall(id="c1", name="f", arguments='{"a": 1}'),
                ToolCall(
                    id="c2",
                    name="web",
                    arguments="{}",
                    type="web_search",
                    status="failed",
                    error_message="boom",
                ),
            ),
            reasoning_content="because",
            encrypted_content="enc",
        ),
        tool_result("c1", '{"ok": true}'),
    )
    turn = SessionTurn(
        index=3,
        input="look",
        messages=messages,
        response_id=None,
        created_at=5.25,
        partial=True,
        usage={"prompt_tokens": 1},
    )
    data = json.loads(json.dumps(turn_to_json(turn)))
    assert turn_from_json(data) == turn


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"v": 2}, "v=2 is not supported"),
        ({"v": None}, "v=None is not supported"),
        ({"index": -1}, "index"),
        ({"index": True}, "index"),
        ({"created_at": "now"}, "created_at"),
        ({"usage": {"a": 1.5}}, "usage"),
        ({"messages": [{"role": "robot"}]}, "role"),
        ({"messages": [{"role": "user", "content": [{"file": {"data": "!!"}}]}]}, "base64"),
        ({"messages": [{"role": "assistant", "tool_calls": [{"id": "x"}]}]}, "tool_calls[0].name"),
        ({"response_id": 7}, "response_id"),
    ],
)
def test_turn_from_json_refuses_bad_data_with_a_clear_error(
    change: dict[str, object], words: str
) -> None:
    data = turn_to_json(_turn(0)) | change
    with pytest.raises(UsageError, match=words.replace("[", r"\[").replace("]", r"\]")):
        turn_from_json(data)


async def test_memory_store_appends_loads_and_refuses_a_stale_append() -> None:
    store = MemoryStore()
    assert isinstance(store, SessionStore)
    assert await store.load("s1") == ()
    await store.append("s1", _turn(0), expected_turns=0)
    await store.append("s1", _turn(1), expected_turns=1)
    assert [t.index for t in await store.load("s1")] == [0, 1]
    with pytest.raises(SessionConflict, match=r"expected 1 turns, found 2\): run again") as e:
        await store.append("s1", _turn(1), expected_turns=1)
    assert isinstance(e.value, AgentError)
    assert (e.value.expected, e.value.found) == (1, 2)
    with pytest.raises(UsageError, match="index 5 must equal expected_turns 2"):
        await store.append("s1", _turn(5), expected_turns=2)


async def test_concurrent_appends_with_the_same_expectation_write_once() -> None:
    store = MemoryStore()
    results = await asyncio.gather(
        *(store.append("s", _turn(0, str(i)), expected_turns=0) for i in range(5)),
        return_exceptions=True,
    )
    assert sum(r is None for r in results) == 1
    assert all(isinstance(r, SessionConflict) for r in results if r is not None)
    assert len(await store.load("s")) == 1


async def test_memory_store_lists_branches_trims_and_deletes() -> None:
    store = MemoryStore()
    for sid in ("b", "a", "c"):
        for i in range(3):
            await store.append(sid, _turn(i), expected_turns=i)
    assert [i.session_id for i in await store.list()] == ["a", "b", "c"]
    page = await store.list(limit=1, after="a")
    assert [(i.session_id, i.turns) for i in page] == [("b", 3)]
    await store.branch("a", at_turn=2, new_id="a2")
    assert [t.input for t in await store.load("a2")] == ["hi", "hi"]
    with pytest.raises(UsageError, match="exists already"):
        await store.branch("a", at_turn=1, new_id="b")
    with pytest.raises(UsageError, match=r"at_turn must be 1\.\.3"):
        await store.branch("a", at_turn=4, new_id="z")
    assert await store.trim("b", keep_last=1) == 2
    (kept,) = await store.load("b")
    assert kept.index == 0
    assert kept.response_id == "resp-2"
    await store.append("b", _turn(1), expected_turns=1)
    assert await store.trim("c", keep_last=0) == 3
    assert await store.load("c") == ()
    assert await store.delete("a") is True
    assert await store.delete("a") is False
    assert [i.session_id for i in await store.list()] == ["a2", "b"]


@pytest.mark.parametrize("bad", ["", "a b", "x" * 129, "../etc", "é"])
def test_session_ids_are_checked(bad: str) -> None:
    with pytest.raises(UsageError, match="session id"):
        Session(MemoryStore(), bad)


def test_session_of_accepts_a_tuple_and_refuses_other_values() -> None:
    store = MemoryStore()
    assert Session.of((store, "s")) == Session(store, "s")
    with pytest.raises(UsageError, match="session= takes"):
        Session.of(("not a store", "s"))  # type: ignore[arg-type]


# -- agent runs on a session ---------------------------------------------------------------

MODEL = "grok-4-1-fast-reasoning"


class SpyModel(ChatModel):
    """The real xAI model seam, keeping each request it sends (for what went on the wire)."""

    def __init__(self, client: Client) -> None:
        super().__init__(client)
        self.sent: list[ChatRequest] = []

    def complete(self, request: ChatRequest, *, timeout: float | None) -> Any:
        self.sent.append(request)
        return super().complete(request, timeout=timeout)

    def stream(self, request: ChatRequest, *, timeout: float | None) -> Any:
        self.sent.append(request)
        return super().stream(request, timeout=timeout)


async def test_a_session_run_sends_the_history_and_appends_one_turn() -> None:
    store = MemoryStore()
    model = ScriptedModel(reply("Hello Ada"), reply("You are Ada"))
    agent = Agent(name="a", model=model, instructions="be terse")
    await agent.run("I am Ada", session=(store, "s"))
    second = await agent.run("Who am I?", session=Session(store, "s"))
    sent = model.requests[1].messages
    assert [m.role for m in sent] == ["system", "user", "assistant", "user"]
    assert [m.text for m in sent[1:]] == ["I am Ada", "Hello Ada", "Who am I?"]
    assert model.requests[1].previous_response_id is None  # a scripted model keeps nothing
    turns = await store.load("s")
    assert [t.input for t in turns] == ["I am Ada", "Who am I?"]
    assert [m.text for m in turns[1].messages] == ["Who am I?", "You are Ada"]
    assert turns[1].response_id == second.last_response_id
    assert turns[1].usage["prompt_tokens"] == second.usage.prompt_tokens


@pytest.mark.parametrize("how", ["error", "cancel"])
async def test_a_failed_or_cancelled_session_run_appends_nothing(how: str) -> None:
    store = MemoryStore()
    await store.append("s", _turn(0), expected_turns=0)
    turn = fail(ServerError("boom")) if how == "error" else reply("late", delay=5)
    agent = Agent(name="a", model=ScriptedModel(turn))
    task = asyncio.create_task(agent.run("hi", session=(store, "s")))
    if how == "cancel":
        await asyncio.sleep(0.05)
        task.cancel()
    with pytest.raises((ServerError, asyncio.CancelledError)):
        await task
    assert len(await store.load("s")) == 1


async def test_two_runs_on_one_session_one_appends_the_other_gets_a_conflict_with_its_result() -> (
    None
):
    store = MemoryStore()
    fast = Agent(name="a", model=ScriptedModel(reply("fast")))
    slow = Agent(name="a", model=ScriptedModel(reply("slow", delay=0.2)))
    slow_run = asyncio.create_task(slow.run("one", session=(store, "s")))
    await asyncio.sleep(0.05)
    await fast.run("two", session=(store, "s"))
    with pytest.raises(SessionConflict, match="expected 0 turns, found 1") as e:
        await slow_run
    assert e.value.result.output == "slow"
    assert [t.input for t in await store.load("s")] == ["two"]


async def test_a_streamed_session_run_appends_before_run_finished() -> None:
    store = MemoryStore()
    agent = Agent(name="a", model=ScriptedModel(reply("streamed answer", chunk_size=4)))
    seen_turns = []
    async with agent.stream("hi", session=(store, "s")) as events:
        async for event in events:
            if isinstance(event, RunFinished):
                seen_turns.append(len(await store.load("s")))
    assert seen_turns == [1]
    assert events.result.output == "streamed answer"


class StoringScript(ScriptedModel):
    """A scripted model that says it keeps completions (as xAI's does), with xAI-long ids."""

    stores_completions = True

    async def complete(self, request: ChatRequest, *, timeout: float | None) -> Any:  # noqa: ASYNC109
        response = await super().complete(request, timeout=timeout)
        return dataclasses.replace(response, id=f"{response.id}-{'0' * 40}")


@pytest.mark.parametrize(
    ("first", "second", "continued"),
    [
        ("a", "b", False),  # a tiny history is fewer bytes than the response id: resend
        ("a" * 500, "b", True),  # a long one: continue by previous_response_id
    ],
)
async def test_auto_mode_sends_whichever_request_is_smaller(
    first: str, second: str, continued: bool
) -> None:
    store = MemoryStore()
    model = StoringScript(reply("ok"), reply("ok"))
    agent = Agent(name="a", model=model)
    done = await agent.run(first, session=(store, "s"))
    await agent.run(second, session=(store, "s"))
    request = model.requests[1]
    assert request.store_messages is True
    assert (request.previous_response_id == done.last_response_id) is continued
    assert len(request.messages) == (1 if continued else 3)


async def test_session_mode_is_checked() -> None:
    agent = Agent(name="a", model=ScriptedModel())
    with pytest.raises(UsageError, match="session_mode='sometimes'"):
        await agent.run("hi", session=(MemoryStore(), "s"), session_mode="sometimes")  # type: ignore[arg-type]


@pytest.mark.parametrize("streamed", [False, True])
async def test_e2e_a_session_continues_by_previous_response_id_and_resends_when_it_expired(
    streamed: bool,
) -> None:
    async with simulator() as sim:
        store = MemoryStore()
        agent = Agent(name="a", model=MODEL, instructions="Answer briefly. " * 40)
        spy = SpyModel(sim.client)
        first = await agent.run("My name is Ada.", model=spy, session=(store, "s"))
        assert spy.sent[0].store_messages is True
        assert spy.sent[0].previous_response_id is None
        second = await agent.run("What is my name?", model=spy, session=(store, "s"))
        chained = spy.sent[1]
        assert chained.previous_response_id == first.last_response_id
        assert [m.text for m in chained.messages] == ["What is my name?"]
        # the server saw the whole conversation: as many prompt tokens as resending it
        resent = await agent.run(
            "What is my name?", model=SpyModel(sim.client), history=first.messages
        )
        assert second.usage.prompt_tokens == resent.usage.prompt_tokens
        # the stored response expires: the run resends the history, once, and succeeds
        await sim.client.chat.delete_stored(second.last_response_id)
        if streamed:
            async with agent.stream("And again?", model=spy, session=(store, "s")) as events:
                async for _ in events:
                    pass
        else:
            await agent.run("And again?", model=spy, session=(store, "s"))
        expired, resend = spy.sent[2], spy.sent[3]
        assert expired.previous_response_id == second.last_response_id
        assert resend.previous_response_id is None
        assert len(resend.messages) == 6  # instructions + 2 turns + the new input
        assert len(spy.sent) == 4
        assert len(await store.load("s")) == 3


async def test_e2e_session_mode_resend_never_continues() -> None:
    async with simulator() as sim:
        store, spy = MemoryStore(), SpyModel(sim.client)
        agent = Agent(name="a", model=MODEL)
        for text in ("one", "two"):
            await agent.run(text, model=spy, session=(store, "s"), session_mode="resend")
        assert [r.previous_response_id for r in spy.sent] == [None, None]
        assert [len(r.messages) for r in spy.sent] == [1, 3]
