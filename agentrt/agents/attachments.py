"""Files an agent is given: uploaded once (by content hash) and attached to its conversations.

``Agent(files=["handbook.pdf"])`` (or ``files:`` in a spec, ``agentrt run --file``)
attaches each file to the first user message of a run. A file is uploaded at most
once per account and content:

- within a process, per client: the first run uploads, later runs reuse the ids;
- across processes, through a small cache of ``sha256 of the bytes -> file id`` per
  account (``$AGENTRT_CACHE_DIR``, else ``$XDG_CACHE_HOME/agentrt``, else
  ``~/.cache/agentrt``; ``uploads.json``). An id from the cache is checked with
  ``files.get`` first: a file deleted on the server is uploaded again.

The account is a hash of the endpoint and the key: neither is written anywhere.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import weakref
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agentrt.errors import NotFound, UsageError
from agentrt.xai.messages import File, Message

if TYPE_CHECKING:
    from agentrt.xai.client import Client

__all__ = ["Attachments", "UploadCache", "attach", "cache_dir"]

_CACHE_ENTRIES = 1_000  # the newest are kept
_HASH_BLOCK = 1 << 20


def cache_dir() -> Path:
    """Where agentrt keeps its small caches (see the module docstring)."""
    explicit = os.environ.get("AGENTRT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "agentrt"


def attach(messages: Sequence[Message], file_ids: Sequence[str]) -> list[Message]:
    """``messages`` with the files added to the first user message, unless one already has them.

    A conversation continued from an earlier result already carries its files.
    """
    wanted = set(file_ids)
    for m in messages:
        if any(isinstance(c, File) and c.file_id in wanted for c in m.content):
            return list(messages)
    out = list(messages)
    for i, m in enumerate(out):
        if m.role == "user":
            parts = tuple(File(file_id=f) for f in file_ids)
            out[i] = replace(m, content=m.content + parts)
            break
    return out


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(_HASH_BLOCK):
            h.update(block)
    return h.hexdigest()


def _account(client: Client) -> str:
    """A name for the client's account that reveals neither its endpoint nor its key."""
    config = client.config
    raw = f"{config.endpoint}\0{config.api_key or ''}".encode()
    return hashlib.sha256(raw).hexdigest()[:32]


class UploadCache:
    """``account:sha256 -> file id``, in one JSON file, written atomically.

    A cache that cannot be read or written is ignored (files are uploaded again):
    it only saves uploads, it never decides what a run sees.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or cache_dir() / "uploads.json"

    def get(self, key: str) -> str | None:
        value = self._load().get(key)
        return value if isinstance(value, str) else None

    def put(self, key: str, file_id: str) -> None:
        entries = self._load()
        entries.pop(key, None)
        entries[key] = file_id
        kept = dict(list(entries.items())[-_CACHE_ENTRIES:])
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(kept), encoding="utf-8")
            tmp.replace(self.path)
        except OSError:
            return

    def _load(self) -> dict[str, Any]:
        try:
            loaded = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return loaded if isinstance(loaded, dict) else {}


class Attachments:
    """An agent's files, as file ids on the account of the client a run uses.

    Args:
        paths: the files; each must exist and be a regular file.
        cache: where ids survive the process (default: :class:`UploadCache`).

    Raises:
        UsageError: a path that is not a readable file.
    """

    def __init__(self, paths: Sequence[str | os.PathLike[str]], cache: UploadCache | None = None):
        self.paths = tuple(Path(p) for p in paths)
        for p in self.paths:
            if not p.is_file():
                raise UsageError(f"file {str(p)!r} to attach does not exist or is not a file")
        self._cache = cache
        self._ids: weakref.WeakKeyDictionary[Client, tuple[str, ...]] = weakref.WeakKeyDictionary()
        self._locks: weakref.WeakKeyDictionary[Client, asyncio.Lock] = weakref.WeakKeyDictionary()

    def __bool__(self) -> bool:
        return bool(self.paths)

    def __repr__(self) -> str:
        return f"Attachments({[p.name for p in self.paths]!r})"

    async def file_ids(self, client: Client) -> tuple[str, ...]:
        """The ids of the files on ``client``'s account, uploading what is not there yet.

        Concurrent runs on one client wait for one upload; the same bytes under two
        names are uploaded once.
        """
        known = self._ids.get(client)
        if known is not None:
            return known
        lock = self._locks.setdefault(client, asyncio.Lock())
        async with lock:
            known = self._ids.get(client)
            if known is None:
                known = self._ids[client] = await self._upload_all(client)
        return known

    async def _upload_all(self, client: Client) -> tuple[str, ...]:
        cache = self._cache or UploadCache()
        account = _account(client)
        by_digest: dict[str, str] = {}
        ids = []
        for path in self.paths:
            try:
                digest = await asyncio.to_thread(_digest, path)
            except OSError as e:  # deleted or made unreadable since the agent was built
                raise UsageError(
                    f"cannot read the attached file {str(path)!r}: {e.strerror or e}"
                ) from None
            if digest not in by_digest:
                by_digest[digest] = await self._one(client, cache, f"{account}:{digest}", path)
            ids.append(by_digest[digest])
        return tuple(dict.fromkeys(ids))

    @staticmethod
    async def _one(client: Client, cache: UploadCache, key: str, path: Path) -> str:
        cached = await asyncio.to_thread(cache.get, key)
        if cached is not None:
            try:
                await client.files.get(cached)
                return cached
            except NotFound:
                pass  # deleted on the server since: upload again
        uploaded = await client.files.upload(path)
        await asyncio.to_thread(cache.put, key, uploaded.id)
        return uploaded.id
