"""YAML with positions: parse a spec file into plain data plus where every key and value starts.

PyYAML's ``compose`` gives each node a start mark; walking the node tree once
builds the data and a map from key path to position, so any later check can
point at ``FILE:LINE:COL``. The walk is stricter than ``yaml.safe_load``:
duplicate keys, non-string keys and merge keys are problems, and
``${ENV}`` references in string values are expanded here, where the position
of a missing variable is still known.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from agentrt.specs.interpolate import MissingEnvVar, expand_env
from agentrt.specs.problems import KeyPath, SpecError, SpecProblem, format_path
from agentrt.specs.redact import EnvValue, EnvValues

__all__ = [
    "MAX_ALIASES",
    "MAX_DEPTH",
    "MAX_NODES",
    "Position",
    "SpecSource",
    "parse_yaml",
    "source_from_data",
]

_STR_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_COLLECTION_TAGS = frozenset({"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"})

# Loading must stay bounded in time and memory whatever the file says: a
# handful of aliases can otherwise expand to billions of values (an alias
# bomb), and deep nesting would exhaust Python's stack. Real specs are far
# below these limits (a few hundred values, a dozen levels).
MAX_ALIASES = 1000
"""The most ``*alias`` references one spec may use."""
MAX_DEPTH = 100
"""The deepest a spec's mappings and lists may nest (aliases expanded)."""
MAX_NODES = 50_000
"""The most values a spec may hold once its aliases are expanded."""

# What YAML refuses to read (C0/C1 controls but tab and newlines, surrogates, U+FFFE/F).
_NON_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)


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

    Loading is bounded: control characters, more than :data:`MAX_ALIASES`
    aliases, nesting deeper than :data:`MAX_DEPTH` or more than
    :data:`MAX_NODES` values once aliases are expanded are each refused with
    one positioned problem, never a hang or a traceback.

    Raises:
        SpecError: a YAML syntax error, a control character, a limit exceeded,
            a duplicate or non-string key, a merge key, a value its tag cannot
            build, or a missing environment variable, each with its position.
    """
    bad = _NON_PRINTABLE.search(text)
    if bad is not None:
        raise SpecError([_control_problem(file, text, bad.start())])
    loader = _BoundedLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        raise SpecError([_syntax_problem(file, exc)]) from None
    except yaml.YAMLError as exc:
        raise SpecError(
            [SpecProblem(file=file, line=1, column=1, path="", message=f"invalid YAML: {exc}")]
        ) from None
    finally:
        loader.dispose()
    walker = _Walker(file=file, loader=loader, environ=environ)
    try:
        data = walker.value(node, ()) if node is not None else None
    except _TooLarge as exc:
        raise SpecError([exc.problem]) from None
    if walker.problems:
        raise SpecError(walker.problems)
    env = EnvValues(walker.from_env)
    return SpecSource(file=file, data=data, values=walker.values, keys=walker.keys, env=env)


def _control_problem(file: str, text: str, index: int) -> SpecProblem:
    line = text.count("\n", 0, index) + 1
    column = index - text.rfind("\n", 0, index)
    code = f"U+{ord(text[index]):04X}"
    return SpecProblem(
        file=file,
        line=line,
        column=column,
        path="",
        message=f"control character {code} is not allowed in a spec (a pasted escape "
        "sequence or binary data?); delete it, or write it as an escape in a quoted string",
    )


class _LimitError(yaml.MarkedYAMLError):
    """A loading limit exceeded while composing (reported like a syntax error)."""


class _BoundedLoader(yaml.SafeLoader):
    """A safe loader whose composer counts aliases and nesting depth as it goes."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self._aliases = 0
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        event: Any = self.peek_event()  # type: ignore[no-untyped-call]
        mark: Any = event.start_mark
        if isinstance(event, yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise _LimitError(
                    problem=f"more than {MAX_ALIASES} aliases; write the values out",
                    problem_mark=mark,
                )
            return super().compose_node(parent, index)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _LimitError(
                    problem=f"nested deeper than {MAX_DEPTH} levels; flatten it",
                    problem_mark=mark,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _TooLarge(Exception):
    """The walk stopped at a limit; ``problem`` says where and which."""

    def __init__(self, problem: SpecProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


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
    _open: set[int] = field(default_factory=set)  # the collections being walked, for cycles
    _nodes: int = 0

    def value(self, node: yaml.Node, path: KeyPath) -> Any:
        self._count(node, path)
        self.values[path] = _pos(node)
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, path)
        if node.tag not in _COLLECTION_TAGS:
            self.add(node, path, f"the tag {node.tag!r} is not supported in agent specs")
        self._open.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self.mapping(node, path)
            return [self.value(item, (*path, i)) for i, item in enumerate(node.value)]
        finally:
            self._open.discard(id(node))

    def _count(self, node: yaml.Node, path: KeyPath) -> None:
        self._nodes += 1
        if id(node) in self._open:
            self._stop(node, path, "an alias refers to a value that contains it (a cycle)")
        if len(path) > MAX_DEPTH:
            self._stop(node, path, f"aliases nest deeper than {MAX_DEPTH} levels; flatten it")
        if self._nodes > MAX_NODES:
            self._stop(
                node,
                path,
                f"the aliases expand to more than {MAX_NODES} values (an alias bomb?); "
                "write the values out or use fewer aliases",
            )

    def _stop(self, node: yaml.Node, path: KeyPath, message: str) -> None:
        raise _TooLarge(self.problem(node, path, message))

    def construct(self, node: yaml.Node, path: KeyPath) -> tuple[bool, Any]:
        """Build a scalar; (False, None) and a problem when its tag cannot build it."""
        try:
            return True, self.loader.construct_object(node, deep=True)
        except yaml.MarkedYAMLError as exc:
            what = " ".join(part for part in (exc.problem, exc.context) if part)
            self.add(node, path, f"cannot read this value: {what}")
        except Exception as exc:  # a tag's constructor refusing the text (int(), base64, ...)
            self.add(node, path, f"cannot read this value as {node.tag}: {exc}")
        return False, None

    def scalar(self, node: yaml.Node, path: KeyPath) -> Any:
        ok, value = self.construct(node, path)
        if not ok or node.tag != _STR_TAG or not isinstance(value, str):
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
            if not isinstance(key_node, yaml.ScalarNode):
                kind = "mapping" if isinstance(key_node, yaml.MappingNode) else "list"
                self.add(key_node, path, f"keys must be strings, got a {kind}")
                continue
            ok, key = self.construct(key_node, path)
            if not ok:
                continue
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
        self.problems.append(self.problem(node, path, message))

    def problem(self, node: yaml.Node, path: KeyPath, message: str) -> SpecProblem:
        """A problem at ``node``, under ``path``."""
        pos = _pos(node)
        return SpecProblem(
            file=self.file,
            line=pos.line,
            column=pos.column,
            path=format_path(path),
            message=message,
        )
