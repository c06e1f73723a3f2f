"""One conformance suite for every session store: MemoryStore, SqliteStore and RedisStore.

Each test runs against all three (``store`` is parametrized); RedisStore talks to the
real ``redis-server`` of :func:`tests.redis_fixtures.redis_server`, under a prefix of
its own per test. At the end: SQLite written by several processes at once, and two
Redis clients (two ``serve`` replicas) racing on one session.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from agentrt.agents.session import MemoryStore, SessionStore, SessionTurn
from agentrt.errors import SessionConflict, UsageError
from agentrt.sessions.redis_store import RedisStore
from agentrt.sessions.sqlite import SqliteStore
from agentrt.xai.messages import Message, Text, ToolCall, assistant, file, image, tool_result, user

KINDS = ["memory", "sqlite", "redis"]


def make_store(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> SessionStore:
    if kind == "memory":
        return MemoryStore()
    if kind == "sqlite":
        return SqliteStore(tmp_path / "sessions.db")
    # Asked for here, so a machine without redis-server skips only the Redis cases.
    redis_url: str = request.getfixturevalue("redis_server")
    return RedisStore(redis_url, prefix=f"test:{uuid.uuid4().hex}:")


@pytest.fixture(params=KINDS)
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[SessionStore]:
    made = make_store(request.param, request, tmp_path)
    yield made
    await made.close()


def turn(index: int, text: str = "", *, extra: tuple[Message, ...] = ()) -> SessionTurn:
    """A realistic turn: the question, a tool call, its result, the answer."""
    text = text or f"question {index}"
    call = ToolCall(id=f"call-{index}", name="weather", arguments='{"city": "Lisbon"}')
    return SessionTurn(
        index=index,
        input=text,
        messages=(
            user(text),
            assistant(tool_calls=(call,), reasoning_content="look it up"),
            tool_result(call.id, '{"temp": 21}'),
            assistant(f"answer to {text}"),
            *extra,
        ),
        response_id=f"resp-{index}",
        created_at=1_700_000_000.123456 + index,
        usage={"prompt_tokens": 10 + index, "completion_tokens": 5},
    )


async def fill(store: SessionStore, session_id: str, count: int) -> None:
    for i in range(count):
        await store.append(session_id, turn(i), expected_turns=i)


async def test_an_unknown_session_loads_empty(store: SessionStore) -> None:
    assert await store.load("nobody") == ()
    assert await store.list() == []


async def test_a_turn_round_trips_with_every_message_kind(store: SessionStore) -> None:
    extra = (
        user("see", image("https://example.org/cat.png", detail="high"), name="ada"),
        user(file(data=b"\x00\xffbytes", filename="a.bin", mime_type="application/x")),
        Message(role="assistant", content=(Text(text="x"),), encrypted_content="enc=="),
    )
    first = turn(0, extra=extra)
    await store.append("chat-1", first, expected_turns=0)
    partial = SessionTurn(
        index=1,
        input="cut",
        messages=(user("cut"),),
        response_id=None,
        created_at=1.5,
        partial=True,
    )
    await store.append("chat-1", partial, expected_turns=1)
    assert await store.load("chat-1") == (first, partial)


async def test_turns_come_back_in_order(store: SessionStore) -> None:
    await fill(store, "s", 25)
    loaded = await store.load("s")
    assert [t.index for t in loaded] == list(range(25))
    assert [t.input for t in loaded] == [f"question {i}" for i in range(25)]


@pytest.mark.parametrize("expected", [0, 2, 5])
async def test_a_wrong_expected_count_is_a_conflict_and_writes_nothing(
    store: SessionStore, expected: int
) -> None:
    await fill(store, "s", 3)
    with pytest.raises(SessionConflict) as caught:
        await store.append("s", turn(expected, "a late run"), expected_turns=expected)
    assert (caught.value.expected, caught.value.found) == (expected, 3)
    assert "'s' changed while this run was going (expected" in str(caught.value)
    assert len(await store.load("s")) == 3


async def test_a_turn_numbered_unlike_expected_is_refused(store: SessionStore) -> None:
    with pytest.raises(UsageError, match="index 3 must equal expected_turns 0"):
        await store.append("s", turn(3), expected_turns=0)
    assert await store.load("s") == ()


async def test_list_pages_through_sessions_in_id_order(store: SessionStore) -> None:
    ids = [f"s{n:02d}" for n in range(13)]
    for n, session_id in enumerate(reversed(ids)):
        await fill(store, session_id, 1 + n % 3)
    seen, after = [], None
    while page := await store.list(limit=5, after=after):
        assert len(page) <= 5
        seen += page
        after = page[-1].session_id
    assert [i.session_id for i in seen] == ids
    assert {i.session_id: i.turns for i in seen} == {
        s: 1 + n % 3 for n, s in enumerate(reversed(ids))
    }
    assert all(0 < i.created_at <= i.updated_at <= time.time() for i in seen)
    assert [i.session_id for i in await store.list(after="s10")] == ["s11", "s12"]
    with pytest.raises(UsageError, match="limit must be at least 1"):
        await store.list(limit=0)


async def test_updated_at_moves_with_each_append(store: SessionStore) -> None:
    await fill(store, "s", 1)
    [before] = await store.list()
    await asyncio.sleep(0.01)
    await store.append("s", turn(1), expected_turns=1)
    [after] = await store.list()
    assert after.created_at == before.created_at
    assert after.updated_at > before.updated_at


async def test_delete_removes_a_session_once(store: SessionStore) -> None:
    await fill(store, "gone", 2)
    await fill(store, "kept", 1)
    assert await store.delete("gone") is True
    assert await store.delete("gone") is False
    assert await store.load("gone") == ()
    assert [i.session_id for i in await store.list()] == ["kept"]
    await store.append("gone", turn(0), expected_turns=0)  # the id starts afresh
    assert len(await store.load("gone")) == 1


async def test_branch_copies_the_first_turns_and_then_lives_apart(store: SessionStore) -> None:
    await fill(store, "main", 4)
    await store.branch("main", at_turn=2, new_id="alt")
    assert await store.load("alt") == (await store.load("main"))[:2]
    await store.append("alt", turn(2, "another way"), expected_turns=2)
    assert [t.input for t in await store.load("main")][2] == "question 2"
    assert [t.input for t in await store.load("alt")][2] == "another way"
    assert {i.session_id: i.turns for i in await store.list()} == {"alt": 3, "main": 4}


@pytest.mark.parametrize(
    ("source", "at_turn", "new_id", "message"),
    [
        ("nobody", 1, "b", "there is no session 'nobody'"),
        ("main", 0, "b", r"at_turn must be 1\.\.3, got 0"),
        ("main", 4, "b", r"at_turn must be 1\.\.3, got 4"),
        ("main", 1, "taken", "session 'taken' exists already"),
    ],
)
async def test_a_bad_branch_is_refused_and_changes_nothing(
    store: SessionStore, source: str, at_turn: int, new_id: str, message: str
) -> None:
    await fill(store, "main", 3)
    await fill(store, "taken", 1)
    with pytest.raises(UsageError, match=message):
        await store.branch(source, at_turn=at_turn, new_id=new_id)
    assert {i.session_id: i.turns for i in await store.list()} == {"main": 3, "taken": 1}


async def test_trim_keeps_the_last_turns_renumbered_from_zero(store: SessionStore) -> None:
    await fill(store, "s", 6)
    assert await store.trim("s", keep_last=2) == 4
    kept = await store.load("s")
    assert [(t.index, t.input) for t in kept] == [(0, "question 4"), (1, "question 5")]
    await store.append("s", turn(2, "after the trim"), expected_turns=2)
    with pytest.raises(SessionConflict):
        await store.append("s", turn(6), expected_turns=6)
    assert [t.input for t in await store.load("s")] == [
        "question 4",
        "question 5",
        "after the trim",
    ]
    assert await store.trim("s", keep_last=5) == 0
    [info] = await store.list()
    assert info.turns == 3


async def test_trim_to_nothing_removes_the_session(store: SessionStore) -> None:
    await fill(store, "s", 3)
    assert await store.trim("s", keep_last=0) == 3
    assert await store.load("s") == ()
    assert await store.list() == []
    assert await store.trim("nobody", keep_last=0) == 0
    with pytest.raises(UsageError, match="keep_last must be 0 or more"):
        await store.trim("s", keep_last=-1)


async def test_concurrent_appends_one_winner_per_index(store: SessionStore) -> None:
    """Many runs race for each index: exactly one wins it, the others get a conflict."""
    winners: list[str] = []
    found: set[tuple[int, int]] = set()

    async def run(index: int, racer: int) -> None:
        name = f"turn {index} by racer {racer}"
        try:
            await store.append("race", turn(index, name), expected_turns=index)
        except SessionConflict as exc:
            found.add((index, exc.found))
        else:
            winners.append(name)

    for index in range(8):
        async with asyncio.TaskGroup() as group:
            for racer in range(12):
                group.create_task(run(index, racer))
    assert found == {(index, index + 1) for index in range(8)}
    loaded = await store.load("race")
    assert [t.index for t in loaded] == list(range(8))
    assert [t.input for t in loaded] == winners


UNICODE = [
    "héllo wörld ½ — “quotes”",
    "日本語のテキスト and 中文",
    "emoji 🧪🚀👩‍👩‍👧 flags 🇵🇹",
    "right to left: שלום عربى",
    "nul \x00 and bell \x07 and escape \x1b[31m",
    "a lone surrogate \ud800 from a badly decoded tool output",
    '{"json": "inside", "quote": "\\""}',
]


@pytest.mark.parametrize("text", UNICODE)
async def test_any_text_round_trips(store: SessionStore, text: str) -> None:
    sent = turn(0, text)
    await store.append("u", sent, expected_turns=0)
    assert await store.load("u") == (sent,)


async def test_a_one_megabyte_turn_round_trips(store: SessionStore) -> None:
    big = "x" * 1_000_000 + "é" * 1000
    sent = turn(0, extra=(tool_result("call-big", big),))
    await store.append("big", sent, expected_turns=0)
    await store.append("big", turn(1), expected_turns=1)
    loaded = await store.load("big")
    assert loaded[0] == sent
    assert loaded[0].messages[-1].text == big


# -- several processes on one SQLite file ----------------------------------------------------


def _sqlite_racer(
    path: str, racer: int, turns: int, start: multiprocessing.synchronize.Event
) -> list[str]:
    """Append to ``race`` until it has ``turns`` turns; what this process won."""

    async def main() -> list[str]:
        store = SqliteStore(path)
        won = []
        while True:
            count = len(await store.load("race"))
            if count >= turns:
                break
            name = f"turn {count} by process {racer}"
            try:
                await store.append("race", turn(count, name), expected_turns=count)
                won.append(name)
            except SessionConflict:
                pass
        await store.close()
        return won

    start.wait(30)
    return asyncio.run(main())


def test_sqlite_several_processes_never_lose_or_double_a_turn(tmp_path: Path) -> None:
    path = str(tmp_path / "shared.db")
    asyncio.run(fill_file(path))  # the file exists before the race (its creation is raced below)
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        start = manager.Event()
        with context.Pool(4) as pool:
            pending = [pool.apply_async(_sqlite_racer, (path, r, 40, start)) for r in range(4)]
            start.set()
            won = [name for p in pending for name in p.get(timeout=50)]
    loaded = asyncio.run(load_file(path, "race"))
    assert [t.index for t in loaded] == list(range(40))
    assert sorted(t.input for t in loaded) == sorted(won)
    assert len(set(won)) == 40


async def fill_file(path: str) -> None:
    store = SqliteStore(path)
    await fill(store, "other", 1)
    await store.close()


async def load_file(path: str, session_id: str) -> tuple[SessionTurn, ...]:
    store = SqliteStore(path)
    try:
        return await store.load(session_id)
    finally:
        await store.close()


def _sqlite_creator(path: str, racer: int) -> None:
    async def main() -> None:
        store = SqliteStore(path)
        await store.append(f"p{racer}", turn(0), expected_turns=0)
        await store.close()

    asyncio.run(main())


def test_sqlite_processes_creating_one_new_file_at_once_all_succeed(tmp_path: Path) -> None:
    path = str(tmp_path / "new" / "fresh.db")
    context = multiprocessing.get_context("spawn")
    with context.Pool(3) as pool:
        pool.starmap(_sqlite_creator, [(path, r) for r in range(3)])
    store = SqliteStore(path)
    listed = asyncio.run(_list_and_close(store))
    assert listed == ["p0", "p1", "p2"]


async def _list_and_close(store: SessionStore) -> list[str]:
    try:
        return [i.session_id for i in await store.list()]
    finally:
        await store.close()


# -- two Redis clients: two serve replicas ---------------------------------------------------


async def test_two_redis_clients_share_sessions_and_race_safely(redis_server: str) -> None:
    prefix = f"test:{uuid.uuid4().hex}:"
    one = RedisStore(redis_server, prefix=prefix)
    two = RedisStore(redis_server, prefix=prefix)
    try:
        await one.append("shared", turn(0), expected_turns=0)
        assert await two.load("shared") == await one.load("shared")
        wins = []

        async def run(store: RedisStore, index: int, name: str) -> None:
            try:
                await store.append("shared", turn(index, name), expected_turns=index)
                wins.append(name)
            except SessionConflict:
                pass

        for index in range(1, 11):
            async with asyncio.TaskGroup() as group:
                for racer in range(6):
                    store = one if racer % 2 else two
                    group.create_task(run(store, index, f"{index}/{racer}"))
        assert [t.input for t in (await two.load("shared"))[1:]] == wins
        assert len(wins) == 10
    finally:
        await one.close()
        await two.close()


async def test_redis_keys_stay_under_the_prefix_and_expire_with_ttl(redis_server: str) -> None:
    import redis.asyncio as aioredis

    prefix = f"test:{uuid.uuid4().hex}:"
    store = RedisStore(redis_server, prefix=prefix, ttl=0.3)
    raw = aioredis.Redis.from_url(redis_server)
    try:
        await fill(store, "brief", 2)
        keys = sorted(k.decode() for k in await raw.keys(f"{prefix}*"))
        assert keys == [f"{prefix}/index", f"{prefix}brief/meta", f"{prefix}brief/turns"]
        assert 0 < await raw.pttl(f"{prefix}brief/turns") <= 300
        await asyncio.sleep(0.5)
        assert await store.load("brief") == ()
        assert await store.list() == []  # the expired id leaves the index too
        assert await raw.zcard(f"{prefix}/index") == 0
    finally:
        await store.close()
        await raw.aclose()


async def test_a_resent_append_that_already_landed_counts_once(redis_server: str) -> None:
    """A reconnect resends an append whose first copy landed: it is not a conflict, nor twice."""
    store = RedisStore(redis_server, prefix=f"test:{uuid.uuid4().hex}:")
    try:
        sent = turn(0)
        await store.append("s", sent, expected_turns=0)
        await store.append("s", sent, expected_turns=0)
        assert await store.load("s") == (sent,)
        with pytest.raises(SessionConflict):
            await store.append("s", turn(0, "another run"), expected_turns=0)
    finally:
        await store.close()


async def test_a_sqlite_store_never_blocks_the_event_loop(tmp_path: Path) -> None:
    """While an append waits for another writer's lock, the loop goes on with other work."""
    import sqlite3

    path = tmp_path / "busy.db"
    store = SqliteStore(path, busy_timeout=5)
    await fill(store, "s", 1)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    async with asyncio.TaskGroup() as group:
        beat = group.create_task(ticker())
        append = group.create_task(store.append("s", turn(1), expected_turns=1))
        await asyncio.sleep(0.4)
        assert not append.done()
        other.execute("COMMIT")
        other.close()
        await append
        beat.cancel()
    assert ticks >= 20
    assert len(await store.load("s")) == 2
    await store.close()
