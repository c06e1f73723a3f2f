"""open_store: a session store from one string, for the CLI (``--session-db``) and ``serve``.

==============================  ===================================================
``chats.db``, ``~/x/chats.db``  :class:`~agentrt.sessions.sqlite.SqliteStore` at that path
``sqlite:///chats.db``          the same, relative (``sqlite:////abs/chats.db``: absolute)
``redis://host:6379/0``         :class:`~agentrt.sessions.redis_store.RedisStore`
``rediss://...``                the same over TLS
``memory:``                     :class:`~agentrt.agents.session.MemoryStore` (tests)
==============================  ===================================================
"""

from __future__ import annotations

from agentrt.agents.session import MemoryStore, SessionStore
from agentrt.errors import UsageError
from agentrt.sessions.codec import redact_url

__all__ = ["open_store"]

_FORMS = "a file path, sqlite:///PATH, redis://HOST:PORT/DB or memory:"


def open_store(spec: str) -> SessionStore:
    """The session store ``spec`` names (see the module docstring for the forms).

    Nothing is opened yet: a file or server that cannot be used raises on the first call.

    Raises:
        UsageError: ``spec`` is empty, of an unknown scheme, or needs the redis extra.
    """
    text = spec.strip()
    scheme, sep, rest = text.partition("://")
    if not text:
        raise UsageError(f"session store: empty; give {_FORMS}")
    if text in ("memory:", "memory://"):
        return MemoryStore()
    if not sep:
        return _sqlite(text)
    if scheme.lower() == "sqlite":
        # SQLAlchemy's form: one slash after the scheme's two, then the path.
        return _sqlite(rest[1:] if rest.startswith("/") else rest)
    if scheme.lower() in ("redis", "rediss"):
        try:
            from agentrt.sessions.redis_store import RedisStore
        except ImportError:
            raise UsageError(
                "a redis:// session store needs the redis client: pip install 'agentrt[redis]'"
            ) from None
        return RedisStore(text)
    raise UsageError(f"session store {redact_url(text)!r}: unknown scheme; give {_FORMS}")


def _sqlite(path: str) -> SessionStore:
    from agentrt.sessions.sqlite import SqliteStore

    if not path:
        raise UsageError(f"session store: no file path; give {_FORMS}")
    return SqliteStore(path)
