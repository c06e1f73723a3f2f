"""YAML with positions: parse a spec file into plain data plus where every key and value starts.

PyYAML's ``compose`` gives each node a start mark; walking the node tree once
builds the data and a map from key path to position, so any later check can
point at ``FILE:LINE:COL``. The walk is stricter than ``yaml.safe_load``:
duplicate keys, non-string keys and merge keys are problems, and
``${ENV}`` references in string values are expanded here, where the position
of a missing variable is still known.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from agentrt.specs.interpolate import MissingEnvVar, expand_env
from agentrt.specs.problems import KeyPath, SpecError, SpecProblem, format_path
from agentrt.specs.redact import EnvValue, EnvValues

__all__ = ["Position", "SpecSource", "parse_yaml", "source_from_data"]

_STR_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"


@dataclass(frozen=True, kw_only=True)
class Position:
    """A 1-based line and column in a source file (0, 0 when unknown)."""

    line: int
    column: int


_UNKNOWN = Position(line=0, column=0)


@dataclass(frozen=True, kw_only=True)
class SpecSource:
    """A parsed spec document with the position of every key and value.

    Attributes:
        file: The file name shown in problems.
        data: The document as plain Python data (dicts, lists, scalars).
        values: Where the value at each key path starts.
        keys: Where the key of each mapping entry starts.
        env: The values that came from ``${ENV}``; ``None`` when nothing was expanded
            (data given as Python values, not YAML).
    """

    file: str
    data: Any
    values: Mapping[KeyPath, Position] = field(default_factory=dict)
    keys: Mapping[KeyPath, Position] = field(default_factory=dict)
    env: EnvValues | None = field(default=None, repr=False)

    def position(self, path: KeyPath, *, at_key: bool = False) -> Position:
        """Where ``path`` is, or where its nearest existing parent is."""
        if at_key and path in self.keys:
            return self.keys[path]
        for end in range(len(path), -1, -1):
            found = self.values.get(path[:end])
            if found is not None:
                return found
        return _UNKNOWN

    def problem(self, path: KeyPath, message: str, *, at_key: bool = False) -> SpecProblem:
        """A problem at ``path``, positioned at its key (``at_key``) or its value."""
        pos = self.position(path, at_key=at_key)
        return SpecProblem(
            file=self.file,
            line=pos.line,
            column=pos.column,
            path=format_path(path),
            message=message if self.env is None else self.env.redact(message, path),
        )


def source_from_data(data: Any, *, file: str = "<dict>") -> SpecSource:
    """Wrap already-parsed data (no positions; problems name the key path only)."""
    return SpecSource(file=file, data=data)


def parse_yaml(text: str, *, file: str, environ: Mapping[str, str]) -> SpecSource:
    """Parse one YAML document, expanding ``${ENV}`` in string values.

    Raises:
        SpecError: a YAML syntax error, a duplicate or non-string key, a merge
            key, or a missing environment variable, each with its position.
    """
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        raise SpecError([_syntax_problem(file, exc)]) from None
    except yaml.YAMLError as exc:
        raise SpecError(
            [SpecProblem(file=file, line=1, column=1, path="", message=str(exc))]
        ) from None
    finally:
        loader.dispose()
    walker = _Walker(file=file, loader=loader, environ=environ)
    data = walker.value(node, ()) if node is not None else None
    if walker.problems:
        raise SpecError(walker.problems)
    env = EnvValues(walker.from_env)
    return SpecSource(file=file, data=data, values=walker.values, keys=walker.keys, env=env)


def _syntax_problem(file: str, exc: yaml.MarkedYAMLError) -> SpecProblem:
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    what = " ".join(part for part in (exc.problem, exc.context) if part)
    return SpecProblem(
        file=file, line=line, column=column, path="", message=f"invalid YAML: {what}"
    )


def _pos(node: yaml.Node) -> Position:
    return Position(line=node.start_mark.line + 1, column=node.start_mark.column + 1)


@dataclass(kw_only=True)
class _Walker:
    file: str
    loader: yaml.SafeLoader
    environ: Mapping[str, str]
    values: dict[KeyPath, Position] = field(default_factory=dict)
    keys: dict[KeyPath, Position] = field(default_factory=dict)
    problems: list[SpecProblem] = field(default_factory=list)
    from_env: dict[KeyPath, EnvValue] = field(default_factory=dict)

    def value(self, node: yaml.Node, path: KeyPath) -> Any:
        self.values[path] = _pos(node)
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.value(item, (*path, i)) for i, item in enumerate(node.value)]
        return self.scalar(node, path)

    def scalar(self, node: yaml.Node, path: KeyPath) -> Any:
        value = self.loader.construct_object(node, deep=True)
        if node.tag != _STR_TAG or not isinstance(value, str):
            return value
        used: list[str] = []
        try:
            expanded = expand_env(value, self.environ, used)
        except MissingEnvVar as exc:
            self.add(
                node,
                path,
                f"environment variable {exc.name!r} is not set (set it, "
                f"or give a default: ${{{exc.name}:-default}})",
            )
            return value
        if used:
            parts = tuple(self.environ.get(n, "") for n in used)
            self.from_env[path] = EnvValue(names=tuple(used), value=expanded, parts=parts)
        return expanded

    def mapping(self, node: yaml.MappingNode, path: KeyPath) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                self.add(key_node, path, "YAML merge keys ('<<') are not supported in agent specs")
                continue
            key = self.loader.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                shown = repr(key) if not isinstance(key, dict | list) else type(key).__name__
                self.add(key_node, path, f"keys must be strings, got {shown}")
                continue
            sub = (*path, key)
            if sub in self.keys:
                first = self.keys[sub]
                self.add(key_node, sub, f"duplicate key {key!r} (first given at line {first.line})")
                continue
            self.keys[sub] = _pos(key_node)
            out[key] = self.value(value_node, sub)
        return out

    def add(self, node: yaml.Node, path: KeyPath, message: str) -> None:
        pos = _pos(node)
        self.problems.append(
            SpecProblem(
                file=self.file,
                line=pos.line,
                column=pos.column,
                path=format_path(path),
                message=message,
            )
        )
