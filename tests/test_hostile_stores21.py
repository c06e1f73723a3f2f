"""Hostile input for the session stores (agentrt.sessions): each class of bad input is a table.

Bad session ids, bad store specs and URLs, files that are not session stores, paths that
cannot be written, stores used after close, stored turns that were tampered with, and a
Redis server killed in the middle of appends. Every case must end in ONE typed agentrt
error that names what to fix (the path, the URL without its password), never a
traceback from sqlite3 or redis, and never a half-written session.
"""

from __future__ import annotations

import asyncio
import sqlite3
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
import redis.asyncio as aioredis

from agentrt.agents.session import SessionStore
from agentrt.errors import Unavailable, UsageError
from agentrt.sessions.open_store import open_store
from agentrt.sessions.redis_store import RedisStore
from agentrt.sessions.sqlite import SqliteStore
from tests.durable_fixtures import free_port
from tests.redis_fixtures import running_redis
from tests.test_session_stores import turn

SECRET = "hunter2-s3cret"


@pytest.fixture(params=["sqlite", "redis"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[SessionStore]:
    made: SessionStore
    if request.param == "sqlite":
        made = SqliteStore(tmp_path / "db" / "sessions.db")
    else:
        url = request.getfixturevalue("redis_server")  # only Redis cases skip without it
        made = RedisStore(url, prefix=f"test:{uuid.uuid4().hex}:")
    yield made
    await made.close()


# -- session ids -----------------------------------------------------------------------------

BAD_IDS = [
    "",
    "x" * 10_000,
    "a" * 129,
    "line\nbreak",
    "nul\x00byte",
    "tab\there",
    "escape\x1b[31m",
    "../../etc/passwd",
    "a/b",
    "/abs",
    "with space",
    "ünïcode",
    "emoji🧪",
    "star*",
    "{hash-tag}",
]

OPERATIONS: list[tuple[str, Callable[[SessionStore, str], Awaitable[Any]]]] = [
    ("load", lambda s, i: s.load(i)),
    ("append", lambda s, i: s.append(i, turn(0), expected_turns=0)),
    ("delete", lambda s, i: s.delete(i)),
    ("trim", lambda s, i: s.trim(i, keep_last=1)),
    ("branch from", lambda s, i: s.branch(i, at_turn=1, new_id="fine")),
    ("branch to", lambda s, i: s.branch("main", at_turn=1, new_id=i)),
]


@pytest.mark.parametrize("bad", BAD_IDS, ids=lambda b: repr(b[:20]))
@pytest.mark.parametrize(("op", "call"), OPERATIONS, ids=[o for o, _ in OPERATIONS])
async def test_a_bad_session_id_is_one_usage_error_and_writes_nothing(
    store: SessionStore, tmp_path: Path, bad: str, op: str, call: Any
) -> None:
    await store.append("main", turn(0), expected_turns=0)
    with pytest.raises(UsageError, match="must be 1-128 characters") as caught:
        await call(store, bad)
    assert "\n" not in str(caught.value)
    assert len(str(caught.value)) < 200  # a 10k id is not echoed whole
    assert [i.session_id for i in await store.list()] == ["main"]
    assert not (tmp_path.parent / "etc").exists()


@pytest.mark.parametrize("odd", ["..", ".", "a:b", "@", "-", "a.b@c-d_e:f", "x" * 128])
async def test_odd_but_valid_ids_are_separate_sessions(store: SessionStore, odd: str) -> None:
    await store.append(odd, turn(0, odd), expected_turns=0)
    await store.append("a", turn(0, "plain"), expected_turns=0)
    assert [t.input for t in await store.load(odd)] == [odd]
    assert sorted(i.session_id for i in await store.list()) == sorted({odd, "a"})


# -- store specs and URLs --------------------------------------------------------------------

BAD_SPECS = [
    ("", "empty"),
    ("   ", "empty"),
    ("sqlite://", "no file path"),
    ("sqlite:///", "no file path"),
    ("ftp://host/x.db", "unknown scheme"),
    (f"postgres://u:{SECRET}@db/x", "unknown scheme"),
    (f"redis://:{SECRET}@127.0.0.1:notaport/0", "Port could not be cast"),
    (f"redis://u:{SECRET}@127.0.0.1:99999/0", "Port out of range"),
    ("redis://127.0.0.1:6379/notadb", "must be a number"),
    (f"redis://127.0.0.1:6379/0?socket_timeout=abc&password={SECRET}", "Invalid value"),
    ("redis://[::1/0", "Invalid IPv6 URL"),
]


@pytest.mark.parametrize(("spec", "message"), BAD_SPECS)
def test_a_bad_store_spec_is_one_usage_error_without_the_password(spec: str, message: str) -> None:
    with pytest.raises(UsageError, match=message) as caught:
        open_store(spec)
    assert SECRET not in str(caught.value)


@pytest.mark.parametrize(
    ("spec", "kind"),
    [("chats.db", SqliteStore), ("sqlite:///chats.db", SqliteStore), ("redis://h:1/0", RedisStore)],
)
async def test_good_store_specs_open_lazily(spec: str, kind: type, tmp_path: Path) -> None:
    store = open_store(spec)
    assert isinstance(store, kind)
    await store.close()


def test_sqlite_urls_are_relative_with_three_slashes_absolute_with_four(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path}/x.db")
    assert isinstance(store, SqliteStore)
    assert store.path == tmp_path / "x.db"
    relative = open_store("sqlite:///rel/x.db")
    assert isinstance(relative, SqliteStore)
    assert str(relative.path) == "rel/x.db"


async def test_an_unreachable_redis_is_unavailable_naming_the_url_not_the_password() -> None:
    port = free_port()
    store = RedisStore(f"redis://:{SECRET}@127.0.0.1:{port}/0", timeout=2)
    try:
        with pytest.raises(Unavailable) as caught:
            await store.load("s")
    finally:
        await store.close()
    assert f"127.0.0.1:{port}" in str(caught.value)
    assert SECRET not in str(caught.value)
    assert SECRET not in repr(store)


@pytest.mark.parametrize("userinfo", ["", ":wrong-password@", "nobody:wrong@"])
async def test_a_wrong_redis_password_is_a_usage_error(tmp_path: Path, userinfo: str) -> None:
    with running_redis(password=SECRET) as (url, _):
        port = url.rsplit(":", 1)[1].split("/")[0]
        store = RedisStore(f"redis://{userinfo}127.0.0.1:{port}/0")
        try:
            with pytest.raises(UsageError) as caught:
                await store.load("s")
        finally:
            await store.close()
    assert "password" in str(caught.value)
    assert "wrong" not in str(caught.value)


# -- files that are not session stores, paths that cannot be written -------------------------


def _garbage(path: Path) -> None:
    path.write_bytes(b"this is not a database\n" * 100)


def _foreign(path: Path) -> None:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    db.close()


def _newer(path: Path) -> None:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE sessions (id TEXT)")
        db.execute("PRAGMA application_id = 1634890611")
        db.execute("PRAGMA user_version = 99")
    db.close()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_garbage, "file is not a database"),
        (_foreign, "a database of something else"),
        (_newer, "schema v99, newer than this agentrt's v1: upgrade agentrt"),
    ],
)
async def test_a_file_that_is_not_a_session_store_is_refused_and_left_alone(
    tmp_path: Path, make: Callable[[Path], None], message: str
) -> None:
    path = tmp_path / "other.db"
    make(path)
    before = path.read_bytes()
    store = SqliteStore(path)
    for _ in range(2):  # every call says it, not only the first
        with pytest.raises(UsageError, match=message) as caught:
            await store.append("s", turn(0), expected_turns=0)
        assert str(path) in str(caught.value)
    await store.close()
    assert path.read_bytes() == before


async def test_an_empty_file_becomes_a_store(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.touch()
    store = SqliteStore(path)
    await store.append("s", turn(0), expected_turns=0)
    assert len(await store.load("s")) == 1
    await store.close()


@pytest.mark.parametrize(
    "where",
    [
        lambda tmp: tmp,  # a folder, not a file
        lambda tmp: tmp / "a-file.txt" / "sessions.db",  # under a regular file
        lambda tmp: Path("/proc/agentrt-sessions.db"),  # a filesystem that holds no files
    ],
    ids=["folder", "under-a-file", "proc"],
)
async def test_a_path_that_cannot_hold_the_database_is_one_usage_error(
    tmp_path: Path, where: Callable[[Path], Path]
) -> None:
    (tmp_path / "a-file.txt").write_text("x")
    path = where(tmp_path)
    store = SqliteStore(path)
    with pytest.raises(UsageError) as caught:
        await store.load("s")
    assert str(path) in str(caught.value)
    assert "\n" not in str(caught.value)
    await store.close()


# -- closed stores ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda s: s.load("s"),
        lambda s: s.append("s", turn(0), expected_turns=0),
        lambda s: s.list(),
        lambda s: s.delete("s"),
        lambda s: s.branch("s", at_turn=1, new_id="t"),
        lambda s: s.trim("s", keep_last=0),
    ],
    ids=["load", "append", "list", "delete", "branch", "trim"],
)
async def test_a_closed_store_refuses_every_call(store: SessionStore, call: Any) -> None:
    await store.append("s", turn(0), expected_turns=0)
    await store.close()
    await store.close()  # twice is fine
    with pytest.raises(UsageError, match="is closed"):
        await call(store)


async def test_calls_queued_when_a_sqlite_store_closes_end_not_hang(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "s.db")
    await store.append("s", turn(0), expected_turns=0)
    loads = [asyncio.ensure_future(store.load("s")) for _ in range(20)]
    await store.close()
    async with asyncio.timeout(5):
        done = await asyncio.gather(*loads, return_exceptions=True)
    assert all(isinstance(d, tuple | UsageError) for d in done), done


# -- tampered turns --------------------------------------------------------------------------

TAMPERED = [
    (b"not json", "turn 1 is not JSON"),
    (b'{"v": 99}', "format v=99 is not supported"),
    (b'{"v": 1, "index": 1, "created_at": 1.0}', "input must be a string"),
    (b"[1, 2]", "expected an object"),
    (b"\xff\xfe", "turn 1 is not JSON"),
]


@pytest.mark.parametrize(("raw", "message"), TAMPERED)
async def test_a_tampered_stored_turn_is_one_usage_error_naming_the_session(
    store: SessionStore, request: pytest.FixtureRequest, raw: bytes, message: str
) -> None:
    await store.append("s", turn(0), expected_turns=0)
    await store.append("s", turn(1), expected_turns=1)
    if isinstance(store, SqliteStore):
        with sqlite3.connect(store.path) as db:
            db.execute("UPDATE turns SET data = ? WHERE seq = 1", (raw,))
        db.close()
    else:
        assert isinstance(store, RedisStore)
        raw_client = aioredis.Redis.from_url(request.getfixturevalue("redis_server"))
        await raw_client.lset(store._keys("s")[0], 1, raw)
        await raw_client.aclose()
    with pytest.raises(UsageError, match=message) as caught:
        await store.load("s")
    assert "session 's'" in str(caught.value)


# -- a Redis server killed mid-append --------------------------------------------------------


async def test_a_redis_killed_mid_append_is_unavailable_and_half_writes_nothing(
    tmp_path: Path,
) -> None:
    """Ten writers append until the server is killed -9; it restarts from its fsynced AOF.

    Every writer ends with Unavailable (naming the URL, not the password); each session
    then holds every acknowledged turn, at most one more (landed, answer lost), whole.
    """
    port = free_port()
    acked = dict.fromkeys(range(10), 0)
    errors: list[BaseException] = []
    enough = asyncio.Event()  # 200 turns acknowledged: time to kill the server

    async def writer(store: RedisStore, n: int) -> None:
        try:
            while True:
                await store.append(
                    f"s{n}", turn(acked[n], f"s{n} turn {acked[n]}"), expected_turns=acked[n]
                )
                acked[n] += 1
                if sum(acked.values()) >= 200:
                    enough.set()
        except Unavailable as exc:
            errors.append(exc)

    with running_redis(port, folder=tmp_path, password=SECRET) as (url, process):
        store = RedisStore(url, timeout=3)
        async with asyncio.timeout(20), asyncio.TaskGroup() as group:
            for n in acked:
                group.create_task(writer(store, n))
            await enough.wait()
            process.kill()
        await store.close()
    assert len(errors) == 10
    assert all(SECRET not in str(e) and f"127.0.0.1:{port}" in str(e) for e in errors)
    with running_redis(port, folder=tmp_path, password=SECRET) as (url, _):
        store = RedisStore(url)
        for n, count in acked.items():
            loaded = await store.load(f"s{n}")
            assert count <= len(loaded) <= count + 1
            assert [t.input for t in loaded] == [f"s{n} turn {i}" for i in range(len(loaded))]
        infos = {i.session_id: i.turns for i in await store.list()}
        assert infos == {f"s{n}": len(await store.load(f"s{n}")) for n in acked}
        await store.close()


# -- SQLite: a writer that holds the lock, a writer killed mid-append ------------------------


async def test_a_sqlite_file_locked_too_long_is_unavailable_and_reads_go_on(tmp_path: Path) -> None:
    path = tmp_path / "locked.db"
    store = SqliteStore(path, busy_timeout=0.2)
    await store.append("s", turn(0), expected_turns=0)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process's long write
    try:
        with pytest.raises(
            Unavailable, match=r"locked\.db stayed locked by another writer for 0\.2 s"
        ):
            await store.append("s", turn(1), expected_turns=1)
        assert len(await store.load("s")) == 1  # WAL: readers do not wait for the writer
    finally:
        other.execute("ROLLBACK")
        other.close()
    await store.append("s", turn(1), expected_turns=1)
    await store.close()


_KILLED_WRITER = """
import asyncio, sys
from agentrt.sessions.sqlite import SqliteStore
from tests.test_session_stores import turn
from agentrt.xai.messages import tool_result

async def main():
    store = SqliteStore(sys.argv[1])
    for i in range(100000):
        big = turn(i, f"turn {i}", extra=(tool_result("c", "x" * 300_000),))
        await store.append("s", big, expected_turns=i)
        print(i, flush=True)

asyncio.run(main())
"""


def test_a_sqlite_writer_killed_mid_append_leaves_whole_turns(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / "killed.db"
    process = subprocess.Popen(
        [sys.executable, "-c", _KILLED_WRITER, str(path)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert process.stdout is not None
    acked = -1
    for line in process.stdout:
        acked = int(line)
        if acked >= 20:
            break
    process.kill()
    process.wait(10)
    process.stdout.close()
    loaded = asyncio.run(_load(path))
    assert acked + 1 <= len(loaded) <= acked + 2
    assert [t.input for t in loaded] == [f"turn {i}" for i in range(len(loaded))]
    assert all(len(t.messages[-1].text) == 300_000 for t in loaded)


async def _load(path: Path) -> tuple[Any, ...]:
    store = SqliteStore(path)
    try:
        return await store.load("s")
    finally:
        await store.close()
