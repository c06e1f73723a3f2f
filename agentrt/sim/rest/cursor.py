"""OpenAI's cursor pages: :func:`cursor_page` cuts a listing after an id, ``limit`` long."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

from agentrt.sim.rest.body import BadRequest

__all__ = ["cursor_page"]

T = TypeVar("T")


def cursor_page(
    items: Sequence[T],
    query: Mapping[str, str],
    key: Callable[[T], str],
    *,
    default: int,
    maximum: int,
) -> tuple[list[T], bool]:
    """(page, has_more) of ``items`` after the id ``query['after']``, at most ``query['limit']``.

    Raises:
        BadRequest: ``limit`` is not 1..``maximum``, or ``after`` is not an id of ``items``.
    """
    raw = query.get("limit", str(default))
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= maximum:
        raise BadRequest(f"limit must be 1..{maximum}, not {raw[:32]!r}", param="limit")
    start = 0
    after = query.get("after")
    if after is not None:
        ids = [key(item) for item in items]
        if after not in ids:
            raise BadRequest(f"after {after[:64]!r} is not an id of this list", param="after")
        start = ids.index(after) + 1
    page = list(items[start : start + int(raw)])
    return page, start + len(page) < len(items)
