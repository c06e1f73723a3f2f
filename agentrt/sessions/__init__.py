"""Session stores: where conversations live between runs (see :mod:`agentrt.agents.session`).

- :mod:`agentrt.sessions.sqlite`: :class:`~agentrt.sessions.sqlite.SqliteStore`, a file
  (the default; safe with concurrent writers in several processes);
- :mod:`agentrt.sessions.redis_store`: :class:`~agentrt.sessions.redis_store.RedisStore`,
  shared by several ``serve`` replicas (``pip install 'agentrt[redis]'``);
- :mod:`agentrt.sessions.open_store`: :func:`~agentrt.sessions.open_store.open_store`, a
  store from a string such as ``sqlite:///chats.db`` or ``redis://host:6379/0``.

This package re-exports nothing: importing the SQLite store never imports the Redis client.
"""

__all__: list[str] = []
