"""A tool's parameter schema as the simulated model reads it: ill-typed keywords left out.

A request's tool schema is JSON the client wrote; nothing checks it is a valid JSON
Schema before the simulator reads it. A keyword of the wrong type (``"enum": "abc"``,
``"type": 5``, ``"properties": [1, 2]``, ``"anyOf": 5``) or an enum member that is
a list or an object would crash the readers that
trust it, so each such keyword is left out, as a real model ignores what it cannot
read. A well-formed schema comes back equal to itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["readable"]

_TEXT = ("description", "title", "format", "pattern", "$ref")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf")
_SCHEMA_MAPS = ("properties", "$defs", "definitions", "patternProperties")
_SCHEMAS = ("items", "additionalProperties", "not")
_MAX_DEPTH = 64  # deeper than any real tool; a deeper schema reads as "anything"


def readable(schema: Any, depth: int = 0) -> Any:
    """``schema`` with every ill-typed keyword of it and its sub-schemas left out."""
    if isinstance(schema, bool):
        return schema
    if not isinstance(schema, Mapping) or depth > _MAX_DEPTH:
        return {}
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if not isinstance(key, str):
            continue
        if key in _TEXT:
            if isinstance(value, str):
                out[key] = value
        elif key == "type":
            if isinstance(value, str):
                out[key] = value
            elif isinstance(value, list) and (kinds := [t for t in value if isinstance(t, str)]):
                out[key] = kinds
        elif key == "required":
            if isinstance(value, list):
                out[key] = [p for p in value if isinstance(p, str)]
        elif key == "enum":  # the readers compare members as words: a list member is none
            if isinstance(value, list) and (members := [m for m in value if _scalar(m)]):
                out[key] = members
        elif key == "examples":
            if isinstance(value, list):
                out[key] = value
        elif key in _SCHEMA_LISTS:
            if isinstance(value, list):
                out[key] = [readable(s, depth + 1) for s in value if isinstance(s, Mapping)]
        elif key in _SCHEMA_MAPS:
            if isinstance(value, Mapping):
                out[key] = {
                    k: readable(s, depth + 1)
                    for k, s in value.items()
                    if isinstance(k, str) and isinstance(s, (Mapping, bool))
                }
        elif key in _SCHEMAS:
            if isinstance(value, (Mapping, bool)):
                out[key] = readable(value, depth + 1)
        else:
            out[key] = value
    return out


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float))
