"""Reading the fields of a JSON body: each wrong one is a 400 naming it and what to send.

A field the endpoint does not read is refused too (nothing is silently dropped).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from agentrt.sim.rest.body import BadRequest

__all__ = ["choice", "known_only", "optional_int", "text"]


def known_only(body: Mapping[str, Any], known: Collection[str]) -> None:
    """Refuse the first field of ``body`` not in ``known``."""
    for key in body:
        if key not in known:
            raise BadRequest(
                f"{str(key)[:64]!r} is not a field this endpoint reads: send only "
                f"{', '.join(sorted(known))}",
                param=str(key)[:64],
            )


def text(body: Mapping[str, Any], name: str, *, required: bool = True, empty: bool = False) -> str:
    """The string field ``name`` ('' when absent and not ``required``)."""
    value = body.get(name)
    if value is None:
        if required:
            raise BadRequest(f"{name} is required: send a string", param=name)
        return ""
    if not isinstance(value, str):
        raise BadRequest(f"{name} must be a string, not {type(value).__name__}", param=name)
    if not value and not empty:
        raise BadRequest(f"{name} must not be empty", param=name)
    return value


def optional_int(body: Mapping[str, Any], name: str, low: int, high: int) -> int | None:
    """The integer field ``name`` in ``low..high``, or None when absent."""
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadRequest(f"{name} must be an integer, not {type(value).__name__}", param=name)
    if not low <= value <= high:
        raise BadRequest(f"{name} must be between {low} and {high}, not {value}", param=name)
    return value


def choice(body: Mapping[str, Any], name: str, allowed: Collection[str], default: str) -> str:
    """The string field ``name``, one of ``allowed`` (``default`` when absent)."""
    value = body.get(name)
    if value is None:
        return default
    if not isinstance(value, str) or value not in allowed:
        shown = value if isinstance(value, str) else type(value).__name__
        raise BadRequest(
            f"{name} must be one of {', '.join(allowed)}, not {str(shown)[:64]!r}", param=name
        )
    return value
