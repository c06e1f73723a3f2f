"""Resolving ``module:attribute`` import paths from an agent spec, with its directory importable.

A tools module can sit beside the YAML file: while a spec's imports resolve,
its directory is first on ``sys.path``, and ``sys.path`` is restored afterwards
(nothing leaks into the rest of the process).
"""

from __future__ import annotations

import asyncio
import importlib
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

__all__ = ["ImportProblem", "importable", "resolve_import"]


class ImportProblem(Exception):
    """An import path could not be resolved; the message says why and what to fix."""


@contextmanager
def importable(directory: Path) -> Iterator[None]:
    """Make ``directory`` importable for the duration of the block, then restore ``sys.path``."""
    saved = list(sys.path)
    sys.path.insert(0, str(directory))
    importlib.invalidate_caches()
    try:
        yield
    finally:
        sys.path[:] = saved


def resolve_import(path: str, *, directory: Path | None = None) -> Any:
    """Import ``module:attribute`` (the attribute may be dotted) and return the object.

    Args:
        path: The import path.
        directory: The spec's directory: a module found there must be the one
            imported (not a same-named module imported earlier from elsewhere).

    Raises:
        ImportProblem: the module cannot be imported, is shadowed, or has no such attribute.
    """
    module_name, _, attr_path = path.partition(":")
    try:
        obj: Any = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name is not None and (module_name + ".").startswith(exc.name + "."):
            raise ImportProblem(
                f"cannot import {module_name!r}: no such module (looked beside the spec and on sys.path)"
            ) from None
        raise ImportProblem(f"cannot import {module_name!r}: {exc}") from None
    except asyncio.CancelledError:
        raise
    except BaseException as exc:
        # A broken tools module: say what it raised, not a traceback. SystemExit
        # and KeyboardInterrupt too: sys.exit(0) in a module must not end
        # `agentrt validate` with status 0 and no output.
        raise ImportProblem(
            f"cannot import {module_name!r}: it raised {type(exc).__name__}: {exc}"
        ) from None
    if directory is not None:
        _check_not_shadowed(obj, module_name, directory)
    for i, attr in enumerate(attr_path.split(".")):
        owner = module_name if i == 0 else f"{module_name}:{'.'.join(attr_path.split('.')[:i])}"
        try:
            obj = getattr(obj, attr)
        except AttributeError:
            raise ImportProblem(f"{owner!r} has no attribute {attr!r}") from None
        except Exception as exc:  # a module __getattr__ or property that raises
            raise ImportProblem(
                f"reading {attr!r} of {owner!r} raised {type(exc).__name__}: {exc}"
            ) from None
    return obj


def _check_not_shadowed(module: Any, module_name: str, directory: Path) -> None:
    top = module_name.split(".")[0]
    local = [directory / f"{top}.py", directory / top / "__init__.py"]
    if not any(p.is_file() for p in local):
        return
    loaded = getattr(sys.modules.get(top), "__file__", None)
    if loaded is None or Path(loaded).resolve() not in {p.resolve() for p in local}:
        raise ImportProblem(
            f"module {top!r} beside the spec is shadowed by another module of that name "
            f"already imported from {loaded}; rename one of them"
        )
