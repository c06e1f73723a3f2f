"""A bounded cache written to from several threads: :func:`remember`."""

from __future__ import annotations

import threading
from collections.abc import Hashable, MutableMapping
from typing import TypeVar

__all__ = ["remember"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
_LOCK = threading.Lock()


def remember(cache: MutableMapping[K, V], key: K, value: V, kept: int) -> None:
    """Keep ``value`` under ``key`` in ``cache``; the oldest entry goes when ``kept`` are held.

    Under a lock (taken only to add, i.e. on a cache miss): callers on several
    threads that miss at once would otherwise evict the same oldest entry twice
    (KeyError). Reads need no lock.
    """
    with _LOCK:
        if len(cache) >= kept:
            del cache[next(iter(cache))]
        cache[key] = value
