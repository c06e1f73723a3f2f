"""Paged list RPCs as one async iterator of items (Files, Collections, Batch lists)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

__all__ = ["paged"]

T = TypeVar("T")


async def paged(
    call: Callable[[Any], Awaitable[Any]], req: Any, field: str, convert: Callable[[Any], T]
) -> AsyncIterator[T]:
    """Every item of ``field`` over all pages: ``call(req)`` again with each page's
    ``pagination_token`` until a page has no token or no items."""
    while True:
        page = await call(req)
        items = getattr(page, field)
        for item in items:
            yield convert(item)
        if not page.pagination_token or not items:
            return
        req.pagination_token = page.pagination_token
