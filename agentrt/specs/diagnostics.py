"""Pydantic validation errors, translated into positioned spec problems a person can act on.

Pydantic reports locations like ``('tools', 0, 'function tool', 'timout')`` and
messages like "Extra inputs are not permitted". Here each becomes a
:class:`~agentrt.specs.problems.SpecProblem` at the key or value in the source, with
the key path as the user wrote it and a message that says what was expected
(and, for a misspelt key or value, the closest valid one).
"""

from __future__ import annotations

import re
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from agentrt.specs.model import BUILTIN_TOOLS, TOOL_KINDS, TOOL_TAGS, SpecDocument
from agentrt.specs.problems import KeyPath, SpecProblem, did_you_mean
from agentrt.specs.source import SpecSource

__all__ = ["SECRET_KEYS", "problems_from_validation"]

_EXPECTED = {
    "int_type": "expected an integer",
    "int_parsing": "expected an integer",
    "int_from_float": "expected a whole number",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "string_type": "expected a string",
    "list_type": "expected a list",
    "tuple_type": "expected a list",
    "dict_type": "expected a mapping",
    "model_type": "expected a mapping",
    "model_attributes_type": "expected a mapping",
}
_PATTERNS = {
    "name": "expected a name of lowercase letters, digits, '_' or '-' (at most 64)",
}


def problems_from_validation(exc: ValidationError, source: SpecSource) -> list[SpecProblem]:
    """One problem per pydantic error, positioned in ``source``."""
    return [_problem(err, source) for err in exc.errors()]


def _problem(err: ErrorDetails, source: SpecSource) -> SpecProblem:
    loc = tuple(err["loc"])
    path = _data_path(loc, source.data)
    kind = err["type"]
    if kind == "extra_forbidden":
        return source.problem(path, _unknown_key(loc, str(path[-1])), at_key=True)
    if kind == "missing":
        return source.problem(path, _missing(loc))
    if kind == "tool_kind":
        return _tool_kind(path, err["input"], source)
    env = source.env.at(path) if source.env is not None else None
    return source.problem(path, _message(err, path, None if env is None else env.marker))


def _data_path(loc: tuple[Any, ...], data: Any) -> KeyPath:
    """Drop pydantic's union tags from ``loc``, keeping the keys and indexes in the data."""
    path: list[str | int] = []
    for i, part in enumerate(loc):
        if _contains(data, part):
            data = data[part]
        elif i < len(loc) - 1 or part in TOOL_TAGS:
            continue  # a union tag, not a key
        path.append(part)
    return tuple(path)


def _contains(data: Any, part: Any) -> bool:
    if isinstance(data, list):
        return isinstance(part, int) and 0 <= part < len(data)
    return isinstance(data, dict) and isinstance(part, str) and part in data


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model that holds the last key of ``loc``."""
    model: type[BaseModel] | None = SpecDocument
    for part in loc[:-1]:
        if isinstance(part, str) and part in TOOL_TAGS:
            model = TOOL_TAGS[part]
        elif isinstance(part, str) and model is not None:
            field = _fields(model).get(part)
            model = _find_model(field.annotation) if field is not None else None
    return model


def _fields(model: type[BaseModel]) -> dict[str, Any]:
    return {(f.alias or name): f for name, f in model.model_fields.items()}


def _find_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _find_model(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType, tuple, list):
        for arg in typing.get_args(annotation):
            found = _find_model(arg)
            if found is not None:
                return found
    return None


def _unknown_key(loc: tuple[Any, ...], key: str) -> str:
    model = _model_at(loc)
    allowed = list(_fields(model)) if model is not None else []
    hint = did_you_mean(key, allowed)
    if hint or not allowed:
        return f"unknown key {key!r}{hint}"
    return f"unknown key {key!r} (expected one of: {', '.join(allowed)})"


def _missing(loc: tuple[Any, ...]) -> str:
    model = _model_at(loc)
    field = _fields(model).get(str(loc[-1])) if model is not None else None
    about = f" ({field.description})" if field is not None and field.description else ""
    return f"required key is missing{about}"


def _tool_kind(path: KeyPath, value: Any, source: SpecSource) -> SpecProblem:
    if not isinstance(value, dict):
        return source.problem(
            path,
            f"expected a mapping with one of 'function', 'builtin' or 'agent', got {_show(value)}",
        )
    kinds = [k for k in TOOL_KINDS if k in value]
    if len(kinds) > 1:
        return source.problem(
            path,
            f"a tool has exactly one of 'function', 'builtin' or 'agent', not {' and '.join(map(repr, kinds))}",
        )
    if kinds == ["builtin"]:
        name = value["builtin"]
        hint = did_you_mean(str(name), BUILTIN_TOOLS)
        choices = ", ".join(BUILTIN_TOOLS)
        return source.problem(
            (*path, "builtin"), f"unknown builtin tool {name!r}{hint} (expected one of: {choices})"
        )
    hints = [did_you_mean(str(k), TOOL_KINDS) for k in value]
    hint = next((h for h in hints if h), "")
    return source.problem(
        path, f"a tool needs one of the keys 'function', 'builtin' or 'agent'{hint}"
    )


SECRET_KEYS = frozenset({"authorization", "extra_headers", "api_key", "token", "password"})
"""Keys whose values an error message never repeats: they may hold a secret."""


def _message(err: ErrorDetails, path: KeyPath, env_marker: str | None) -> str:
    kind = err["type"]
    value = err["input"]
    if any(str(part).lower() in SECRET_KEYS for part in path):
        value = _Hidden("a value not shown here (the key may hold a secret)")
    elif env_marker is not None:
        value = _Hidden(f"a value {env_marker} (not shown)")
    if kind in _EXPECTED:
        return f"{_EXPECTED[kind]}, got {_show(value)}"
    if kind == "string_pattern_mismatch":
        key = str(path[-1]) if path else ""
        expected = _PATTERNS.get(key) if len(path) == 1 else None
        expected = expected or f"expected a string matching {err.get('ctx', {}).get('pattern')}"
        return f"{expected}, got {_show(value)}"
    msg = err["msg"]
    if kind == "value_error":
        return re.sub(r"^Value error, ", "", msg)
    text = msg[0].lower() + msg[1:]
    if kind == "literal_error":
        choices = re.findall(r"'([^']*)'|(\d+)", str(err.get("ctx", {}).get("expected", "")))
        words = [a or b for a, b in choices]
        hint = "" if isinstance(value, _Hidden) else did_you_mean(str(value), words)
        text = f"{text}, got {_show(value)}{hint}"
        return text.replace("input should be", "expected")
    text = re.sub(r"^input should be (greater|less)", r"expected a value \1", text)
    return f"{text}, got {_show(value)}".replace("input should be", "expected")


class _Hidden:
    """Stands in for a value that must not appear in a message."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def _show(value: Any) -> str:
    if isinstance(value, _Hidden):
        return repr(value)
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (null)"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
