"""Checking ``module:attribute`` import paths without running any of the spec's code.

``agentrt validate --no-import`` lints a spec from an untrusted change: the
module is found the way ``import`` would find it (beside the spec first, then
``sys.path``) using only the import system's finders, which execute nothing,
and a Python source module is parsed, not run, to see that it defines the
attribute at top level. What cannot be seen without running code (a module
``__getattr__``, ``from x import *``, an extension module) is accepted.
"""

from __future__ import annotations

import ast
import importlib.machinery
import sys
from collections.abc import Iterator
from pathlib import Path

__all__ = ["check_import_statically"]


def check_import_statically(path: str, *, directory: Path) -> str | None:
    """What is wrong with the import path ``path``, or ``None`` if it looks importable.

    Args:
        path: ``module:attribute`` (the attribute may be dotted; its first part is checked).
        directory: The spec's directory, searched before ``sys.path``.
    """
    module_name, _, attr_path = path.partition(":")
    spec = _find(module_name, [str(directory), *sys.path])
    if spec is None:
        return (
            f"cannot find module {module_name!r} (looked beside the spec and on sys.path; "
            "nothing was imported)"
        )
    origin = spec.origin
    if origin is None or not origin.endswith(".py"):
        return None  # a namespace package, built-in or extension module: not checkable here
    try:
        tree = ast.parse(Path(origin).read_bytes(), filename=origin)
    except (OSError, SyntaxError, ValueError) as exc:
        return f"cannot read module {module_name!r} ({origin}): {type(exc).__name__}: {exc}"
    names = set(_top_level_names(tree.body))
    attr = attr_path.split(".")[0]
    if attr in names or "__getattr__" in names or "*" in names:
        return None
    return f"module {module_name!r} ({origin}) defines no top-level {attr!r} (checked without importing)"


def _find(module_name: str, roots: list[str]) -> importlib.machinery.ModuleSpec | None:
    parts = module_name.split(".")
    if len(parts) == 1:
        builtin = importlib.machinery.BuiltinImporter.find_spec(module_name)
        if builtin is not None:
            return builtin
    search: list[str] | None = roots
    found = None
    for i in range(len(parts)):
        if search is None:
            return None  # a plain module has no submodules
        found = importlib.machinery.PathFinder.find_spec(".".join(parts[: i + 1]), search)
        if found is None:
            return None
        locations = found.submodule_search_locations
        search = list(locations) if locations is not None else None
    return found


def _top_level_names(body: list[ast.stmt]) -> Iterator[str]:
    for node in body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            yield node.name
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                yield from (n.id for n in ast.walk(target) if isinstance(n, ast.Name))
        elif isinstance(node, ast.Import | ast.ImportFrom):
            for alias in node.names:
                yield alias.asname or alias.name.split(".")[0]
        elif isinstance(node, ast.If | ast.Try | ast.With | ast.For | ast.While):
            for block in ("body", "orelse", "finalbody"):
                yield from _top_level_names(getattr(node, block, []))
            for handler in getattr(node, "handlers", []):
                yield from _top_level_names(handler.body)
