"""Typed reads of JSON request fields: :func:`text`, :func:`integer`, :func:`number`, …

Each returns the field's value (``None`` when it is absent or ``null``) or raises
:class:`~agentrt.sim.rest.body.BadRequest` naming the field and the type it needs, so a
wrong type anywhere in a body is one 400 that says what to fix.
"""

from __future__ import annotations

from typing import Any

from agentrt.sim.rest.body import BadRequest

__all__ = ["INT32_MAX", "array", "boolean", "integer", "mapping", "number", "text", "wrong"]

INT32_MAX = 2**31 - 1
"""The largest integer the simulator's request fields hold."""

_NAMES = {
    dict: "an object",
    list: "an array",
    str: "a string",
    bool: "a boolean",
    int: "an integer",
    float: "a number",
}


def wrong(where: str, needs: str, value: Any) -> BadRequest:
    """The 400 for ``where`` holding ``value`` instead of ``needs``."""
    got = "null" if value is None else _NAMES.get(type(value), type(value).__name__)
    return BadRequest(f"{where} must be {needs}, not {got}", param=where)


def text(obj: dict[str, Any], key: str, where: str) -> str | None:
    """``obj[key]`` as a string."""
    value = obj.get(key)
    if value is None or isinstance(value, str):
        return value
    raise wrong(where, "a string", value)


def boolean(obj: dict[str, Any], key: str, where: str) -> bool | None:
    """``obj[key]`` as a boolean."""
    value = obj.get(key)
    if value is None or isinstance(value, bool):
        return value
    raise wrong(where, "a boolean", value)


def integer(obj: dict[str, Any], key: str, where: str, *, low: int = 0) -> int | None:
    """``obj[key]`` as an integer from ``low`` to :data:`INT32_MAX`."""
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise wrong(where, "an integer", value)
    if not low <= value <= INT32_MAX:
        raise BadRequest(f"{where}={value}: must be from {low} to {INT32_MAX}", param=where)
    return value


def number(obj: dict[str, Any], key: str, where: str) -> float | None:
    """``obj[key]`` as a number."""
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise wrong(where, "a number", value)
    return float(value)


def mapping(obj: dict[str, Any], key: str, where: str) -> dict[str, Any] | None:
    """``obj[key]`` as a JSON object."""
    value = obj.get(key)
    if value is None or isinstance(value, dict):
        return value
    raise wrong(where, "an object", value)


def array(obj: dict[str, Any], key: str, where: str) -> list[Any] | None:
    """``obj[key]`` as a JSON array."""
    value = obj.get(key)
    if value is None or isinstance(value, list):
        return value
    raise wrong(where, "an array", value)
