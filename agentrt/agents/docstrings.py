"""A small docstring reader: the summary and per-parameter descriptions.

Understands the three common styles, so a tool's parameters get descriptions
whichever one its author writes::

    Google                    NumPy                     Sphinx
    Args:                     Parameters                :param city: The city.
        city: The city.       ----------                :type city: str
        days (int): How many.  city : str
                                  The city.

Anything it does not recognise is left in the description; it never raises.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, field

__all__ = ["Docstring", "parse_docstring"]

_GOOGLE_PARAMS = {"args", "arguments", "parameters", "params", "keyword args", "keyword arguments"}
_GOOGLE_SECTION = re.compile(r"^([A-Za-z][A-Za-z ]*):\s*$")
_GOOGLE_ITEM = re.compile(r"^\*{0,2}(\w+)\s*(?:\(([^)]*)\))?\s*:\s*(.*)$")
_NUMPY_RULE = re.compile(r"^\s*-{3,}\s*$")
_NUMPY_ITEM = re.compile(r"^(\w+)\s*(?::\s*(.*))?$")
_SPHINX_FIELD = re.compile(r"^:(\w+)(?:\s+([^:]+?))?\s*:\s*(.*)$")


@dataclass(frozen=True, slots=True, kw_only=True)
class Docstring:
    """What a docstring says: ``summary`` (first paragraph), the rest, and each parameter."""

    summary: str = ""
    description: str = ""
    params: dict[str, str] = field(default_factory=dict)


def parse_docstring(doc: str | None) -> Docstring:
    """Split ``doc`` into summary, description and per-parameter descriptions."""
    if not doc:
        return Docstring()
    lines = inspect.cleandoc(doc).splitlines()
    params: dict[str, str] = {}
    body = _take_sphinx(lines, params)
    body = _take_numpy(body, params)
    body = _take_google(body, params)
    text = "\n".join(body).strip()
    summary = text.partition("\n\n")[0]
    return Docstring(summary=" ".join(summary.split()), description=text, params=params)


def _take_sphinx(lines: list[str], params: dict[str, str]) -> list[str]:
    """Collect ``:param x:`` fields; drop every other ``:field:`` line and its continuation."""
    body: list[str] = []
    current: str | None = None
    in_field = False
    for line in lines:
        m = _SPHINX_FIELD.match(line.strip())
        if m:
            kind, arg, text = m.groups()
            in_field = True
            current = None
            if kind in ("param", "parameter", "arg", "argument", "key", "keyword") and arg:
                current = arg.split()[-1]
                params[current] = text.strip()
            continue
        if in_field and line.startswith((" ", "\t")) and line.strip():
            if current is not None:
                params[current] = f"{params[current]} {line.strip()}".strip()
            continue
        in_field = False
        current = None
        body.append(line)
    return body


def _take_numpy(lines: list[str], params: dict[str, str]) -> list[str]:
    """Collect a NumPy ``Parameters`` section; drop the other underlined sections."""
    body: list[str] = []
    i = 0
    while i < len(lines):
        if i + 1 < len(lines) and _NUMPY_RULE.match(lines[i + 1]) and lines[i].strip():
            section = lines[i].strip().lower()
            i += 2
            start = i
            while i < len(lines) and not (
                i + 1 < len(lines) and _NUMPY_RULE.match(lines[i + 1]) and lines[i].strip()
            ):
                i += 1
            if section in ("parameters", "other parameters", "keyword arguments"):
                _numpy_items(lines[start:i], params)
            continue
        body.append(lines[i])
        i += 1
    return body


def _numpy_items(lines: list[str], params: dict[str, str]) -> None:
    current: str | None = None
    for line in lines:
        if not line.strip():
            continue
        if not line.startswith((" ", "\t")):
            m = _NUMPY_ITEM.match(line.strip())
            current = None
            if m:
                for name in m.group(1).split(","):
                    current = name.strip()
                    params[current] = ""
            continue
        if current is not None:
            params[current] = f"{params[current]} {line.strip()}".strip()


def _take_google(lines: list[str], params: dict[str, str]) -> list[str]:
    """Collect a Google ``Args:`` section; drop the other known sections."""
    body: list[str] = []
    section: str | None = None
    current: str | None = None
    indent = 0
    for line in lines:
        m = _GOOGLE_SECTION.match(line)
        if m and not line.startswith((" ", "\t")):
            section = m.group(1).strip().lower()
            current = None
            indent = 0
            continue
        if section is None:
            body.append(line)
            continue
        if line.strip() and not line.startswith((" ", "\t")):
            section = None  # dedented text ends the section
            body.append(line)
            continue
        if section in _GOOGLE_PARAMS and line.strip():
            current, indent = _google_line(line, params, current, indent)
    return body


def _google_line(
    line: str, params: dict[str, str], current: str | None, indent: int
) -> tuple[str | None, int]:
    width = len(line) - len(line.lstrip())
    item = _GOOGLE_ITEM.match(line.strip())
    if item and (current is None or width <= indent):
        params[item.group(1)] = item.group(3).strip()
        return item.group(1), width
    if current is not None:
        params[current] = f"{params[current]} {line.strip()}".strip()
    return current, indent
