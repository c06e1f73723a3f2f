"""RedisStore: sessions in Redis, shared by several ``serve`` replicas.

::

    from agentrt.sessions.redis_store import RedisStore

    store = RedisStore("redis://:PASSWORD@cache.internal:6379/0", ttl=7 * 86400)

Each write is one Lua script (:mod:`agentrt.sessions.redis_lua`), so the check of
``expected_turns`` and the append are atomic on the server: of two replicas appending
to one session with the same count exactly one wins, the other raises
:class:`~agentrt.errors.SessionConflict`. Keys live under ``prefix`` (default
``agentrt:session:``). A lost connection or a server that cannot be reached raises
:class:`~agentrt.errors.Unavailable` naming the URL without its password.
Needs ``pip install 'agentrt[redis]'``.
"""

from __future__ import annotations

import asyncio
import builtins
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

import redis.asyncio as aioredis
from redis import exceptions as rx
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff

from agentrt.agents.session import SessionInfo, SessionTurn, check_session_id
from agentrt.errors import SessionConflict, Unavailable, UsageError
from agentrt.sessions import redis_lua
from agentrt.sessions.codec import decode_turn, encode_turn, redact_url

__all__ = ["RedisStore"]

T = TypeVar("T")

# Bytes of turns decoded on the event loop; more go to a thread (~0.1 ms of the loop per 10 KB).
_DECODE_ON_LOOP = 64 * 1024


class RedisStore:
    """A :class:`~agentrt.agents.session.SessionStore` in Redis (see the module docstring).

    Args:
        url: ``redis://[[user]:password@]host:port/db`` or ``rediss://`` for TLS.
        prefix: every key of the store starts with it (several stores share one database).
        ttl: seconds a session lives after its last write; ``None`` keeps it until deleted.
        max_connections: the pool's bound; more concurrent calls wait for a connection.
        timeout: seconds to connect, and to wait for an answer, before Unavailable.

    Raises:
        UsageError: the URL cannot be parsed, or ``ttl`` / ``max_connections`` is not positive.
    """

    def __init__(
        self,
        url: str,
        *,
        prefix: str = "agentrt:session:",
        ttl: float | None = None,
        max_connections: int = 64,
        timeout: float = 10.0,
    ) -> None:
        self._shown = redact_url(url)
        if ttl is not None and not ttl > 0:
            raise UsageError(f"RedisStore: ttl must be a positive number of seconds, got {ttl}")
        if max_connections < 1:
            raise UsageError("RedisStore: max_connections must be at least 1")
        self._prefix = prefix
        self._ttl_ms = 0 if ttl is None else max(1, int(ttl * 1000))
        self._closed = False
        self._redis = _client(url, self._shown, max_connections, timeout)
        self._append = self._redis.register_script(redis_lua.APPEND)
        self._delete = self._redis.register_script(redis_lua.DELETE)
        self._branch = self._redis.register_script(redis_lua.BRANCH)
        self._trim = self._redis.register_script(redis_lua.TRIM)

    def __repr__(self) -> str:
        return f"RedisStore({self._shown!r})"

    def _keys(self, session_id: str) -> list[str]:
        """TURNS, META, INDEX of a session (ids have no ``/``, so no two keys collide)."""
        return [
            f"{self._prefix}{session_id}/turns",
            f"{self._prefix}{session_id}/meta",
            self._index,
        ]

    @property
    def _index(self) -> str:
        return f"{self._prefix}/index"

    async def _do(self, work: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
        """Await ``work(*args, **kwargs)``; the client's errors become agentrt's, naming the URL safely."""
        if self._closed:
            raise UsageError(f"session store {self._shown} is closed")
        try:
            return await work(*args, **kwargs)
        except (rx.AuthenticationError, rx.AuthorizationError) as exc:
            raise UsageError(
                f"redis {self._shown}: {_what(exc)}: fix the user or password in the URL"
            ) from None
        except (rx.ConnectionError, rx.TimeoutError, OSError) as exc:
            raise Unavailable(f"redis {self._shown}: {_what(exc)}", code="UNAVAILABLE") from None
        except rx.RedisError as exc:
            raise UsageError(f"redis {self._shown}: {_what(exc)}") from None

    async def load(self, session_id: str) -> tuple[SessionTurn, ...]:
        """See :meth:`agentrt.agents.session.SessionStore.load`."""
        turns_key = self._keys(check_session_id(session_id))[0]
        raw: list[bytes] = await self._do(self._redis.lrange, turns_key, 0, -1)
        where = f"redis {self._shown}, session {session_id!r}"
        if sum(map(len, raw)) > _DECODE_ON_LOOP:  # a long session: decode off the loop
            return await asyncio.to_thread(_decode_all, raw, where)
        return _decode_all(raw, where)

    async def append(self, session_id: str, turn: SessionTurn, *, expected_turns: int) -> None:
        """See :meth:`agentrt.agents.session.SessionStore.append`."""
        check_session_id(session_id)
        if turn.index != expected_turns:
            raise UsageError(
                f"session turn index {turn.index} must equal expected_turns {expected_turns}"
            )
        args = [expected_turns, encode_turn(turn), repr(time.time()), session_id, self._ttl_ms]
        found = await self._do(self._append, keys=self._keys(session_id), args=args)
        if int(found) != -1:
            raise SessionConflict(session_id, expected=expected_turns, found=int(found))

    async def list(
        self, *, limit: int = 100, after: str | None = None
    ) -> builtins.list[SessionInfo]:
        """See :meth:`agentrt.agents.session.SessionStore.list` (expired sessions are skipped)."""
        if limit < 1:
            raise UsageError(f"list(limit={limit}): limit must be at least 1")
        found: builtins.list[SessionInfo] = []
        cursor = after
        while len(found) < limit:
            ids = await self._do(self._ids_after, cursor, limit - len(found))
            if not ids:
                break
            found += await self._do(self._infos, ids)
            cursor = ids[-1]
        return found

    async def _ids_after(self, after: str | None, count: int) -> builtins.list[str]:
        low = "-" if after is None else f"({after}"
        ids = await self._redis.zrangebylex(self._index, low, "+", start=0, num=count)
        return [i.decode() for i in ids]

    async def _infos(self, ids: builtins.list[str]) -> builtins.list[SessionInfo]:
        """The sessions of ``ids`` that still have turns; ids whose keys expired leave the index."""
        async with self._redis.pipeline(transaction=False) as pipe:
            for session_id in ids:
                turns, meta, _ = self._keys(session_id)
                pipe.llen(turns)
                pipe.hmget(meta, ["created_at", "updated_at"])
            answers = await pipe.execute()
        infos, gone = [], []
        for at, session_id in enumerate(ids):
            count, (created, updated) = answers[2 * at], answers[2 * at + 1]
            if not count or created is None:
                gone.append(session_id)
                continue
            infos.append(
                SessionInfo(
                    session_id=session_id,
                    turns=int(count),
                    created_at=float(created),
                    updated_at=float(updated or created),
                )
            )
        if gone:
            await self._redis.zrem(self._index, *gone)
        return infos

    async def delete(self, session_id: str) -> bool:
        """See :meth:`agentrt.agents.session.SessionStore.delete`."""
        keys = self._keys(check_session_id(session_id))
        removed = await self._do(self._delete, keys=keys, args=[session_id])
        return int(removed) > 0

    async def branch(self, session_id: str, *, at_turn: int, new_id: str) -> None:
        """See :meth:`agentrt.agents.session.SessionStore.branch`."""
        source = self._keys(check_session_id(session_id))[0]
        turns, meta, index = self._keys(check_session_id(new_id))
        args = [at_turn, repr(time.time()), new_id, self._ttl_ms]
        status, count = await self._do(self._branch, keys=[source, turns, meta, index], args=args)
        if status == 1:
            raise UsageError(f"branch: there is no session {session_id!r}")
        if status == 2:
            raise UsageError(f"branch: at_turn must be 1..{count}, got {at_turn}")
        if status == 3:
            raise UsageError(f"branch: session {new_id!r} exists already")

    async def trim(self, session_id: str, *, keep_last: int) -> int:
        """See :meth:`agentrt.agents.session.SessionStore.trim`."""
        if keep_last < 0:
            raise UsageError(f"trim: keep_last must be 0 or more, got {keep_last}")
        keys = self._keys(check_session_id(session_id))
        args = [keep_last, repr(time.time()), session_id]
        return int(await self._do(self._trim, keys=keys, args=args))

    async def close(self) -> None:
        """Close the connections; calls after this raise."""
        if not self._closed:
            self._closed = True
            await self._redis.aclose()


def _decode_all(raw: builtins.list[bytes], where: str) -> tuple[SessionTurn, ...]:
    return tuple(decode_turn(r, i, where) for i, r in enumerate(raw))


def _client(url: str, shown: str, max_connections: int, timeout: float) -> Any:
    """A client on a bounded pool, or a UsageError saying what is wrong with ``url``."""
    if not url.startswith(("redis://", "rediss://")):
        raise UsageError(f"redis URL {shown!r} must start with redis:// or rediss://")
    try:
        db = urlsplit(url).path.strip("/")
        if db and not db.isdigit():
            raise ValueError(f"the database after the / must be a number, not {db!r}")
        pool = aioredis.BlockingConnectionPool.from_url(
            url,
            max_connections=max_connections,
            timeout=timeout,
            socket_connect_timeout=timeout,
            socket_timeout=timeout,
            # A dropped connection (an idle one cut, a replica restarted) is retried twice,
            # briefly: safe for appends too, as a resent append that already landed is
            # recognised by the script, not appended again.
            retry=Retry(ExponentialBackoff(cap=0.2, base=0.02), 2),
        )
    except (ValueError, TypeError) as exc:
        raise UsageError(f"redis URL {shown!r}: {_what(exc)}") from None
    return aioredis.Redis.from_pool(pool)


def _what(exc: BaseException) -> str:
    """The error's words, with any password-shaped part of a URL hidden."""
    return redact_url(str(exc)) if str(exc) else type(exc).__name__
