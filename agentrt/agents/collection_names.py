"""xAI's ``collections_search`` tool with collections given by name or id.

The wire takes collection ids; people think in names. ``SearchCollections(("handbook",))``
is an agent tool that becomes :class:`~agentrt.xai.tool_specs.CollectionsSearch` with
ids, resolved once per client (``client.collections.resolve``) before the run's first
model call. An unknown name fails the run before the model is called, naming it.
"""

from __future__ import annotations

import asyncio
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING

from agentrt.errors import UsageError
from agentrt.xai.tool_specs import CollectionsSearch

if TYPE_CHECKING:
    from agentrt.xai.client import Client

__all__ = ["CollectionResolver", "SearchCollections"]


@dataclass(frozen=True, kw_only=True)
class SearchCollections:
    """Search of your document collections (run by xAI), named by name or id.

    Attributes:
        collections: collection names or ids (at least one).
        limit: results to return.
        instructions: how to search.
    """

    collections: tuple[str, ...]
    limit: int | None = None
    instructions: str | None = None

    def __post_init__(self) -> None:
        if not self.collections or not all(isinstance(c, str) and c for c in self.collections):
            raise UsageError("collections_search: name at least one collection (by name or id)")


class CollectionResolver:
    """Turns :class:`SearchCollections` into :class:`CollectionsSearch`, once per client."""

    def __init__(self, tools: tuple[SearchCollections, ...]) -> None:
        self.tools = tools
        self._done: weakref.WeakKeyDictionary[Client, tuple[CollectionsSearch, ...]] = (
            weakref.WeakKeyDictionary()
        )
        self._locks: weakref.WeakKeyDictionary[Client, asyncio.Lock] = weakref.WeakKeyDictionary()

    def __bool__(self) -> bool:
        return bool(self.tools)

    async def resolve(self, client: Client) -> tuple[CollectionsSearch, ...]:
        """The wire specs of the tools, with every name looked up on ``client``'s account.

        Raises:
            NotFound: a collection no name or id matches.
            UsageError: a name several collections share (use the id).
        """
        done = self._done.get(client)
        if done is not None:
            return done
        async with self._locks.setdefault(client, asyncio.Lock()):
            done = self._done.get(client)
            if done is None:
                done = self._done[client] = await self._resolve_all(client)
        return done

    async def _resolve_all(self, client: Client) -> tuple[CollectionsSearch, ...]:
        ids: dict[str, str] = {}
        for tool in self.tools:
            for ref in tool.collections:
                if ref not in ids:
                    ids[ref] = (await client.collections.resolve(ref)).id
        return tuple(
            CollectionsSearch(
                collection_ids=tuple(dict.fromkeys(ids[r] for r in t.collections)),
                limit=t.limit,
                instructions=t.instructions,
            )
            for t in self.tools
        )
