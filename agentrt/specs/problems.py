"""Problems found in an agent spec, each with the file, line, column and key path.

A spec is checked whole before anything runs: every problem found is collected
into one :class:`SpecError`, printed one per line as ``FILE:LINE:COL: PATH: message``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from agentrt.errors import UsageError

__all__ = ["KeyPath", "SpecError", "SpecProblem", "did_you_mean", "format_path"]

KeyPath = tuple[str | int, ...]
"""Where a value sits in a spec document: mapping keys and list indexes."""


def format_path(path: KeyPath) -> str:
    """Render a key path the way a reader writes it: ``tools[0].timeout``."""
    out: list[str] = []
    for part in path:
        if isinstance(part, int):
            out.append(f"[{part}]")
        else:
            out.append(f".{part}" if out else part)
    return "".join(out)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """Return ``"; did you mean 'x'?"`` for the closest choice, or ``""``.

    The same letters in another order (``modle``) are a slip of the fingers: that
    choice (``model``) wins over one a letter shorter (``mode``).
    """
    options = list(choices)
    swapped = [c for c in options if len(c) > 2 and sorted(c) == sorted(word) and c != word]
    close = swapped[:1] or difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


@dataclass(frozen=True, kw_only=True, order=True)
class SpecProblem:
    """One problem in one spec file.

    Attributes:
        file: The file as the user named it (or ``<text>``/``<dict>``).
        line: 1-based line, or 0 when the source has no positions.
        column: 1-based column, or 0 when the source has no positions.
        path: The key path, e.g. ``tools[0].timeout``; empty for the whole document.
        message: What is wrong and what was expected.
    """

    file: str
    line: int
    column: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class SpecError(UsageError):
    """An agent spec is invalid; ``problems`` holds every problem found, in file order."""

    def __init__(self, problems: Sequence[SpecProblem]) -> None:
        self.problems: tuple[SpecProblem, ...] = tuple(sorted(set(problems)))
        super().__init__("\n".join(str(p) for p in self.problems))
