"""The two kinds of substitution in agent specs.

- ``${NAME}`` and ``${NAME:-default}``: environment variables, expanded in every
  string value when the spec is loaded (``$${`` writes a literal ``${``).
- ``{name}``: placeholders in ``instructions``, filled when an agent is built from
  ``--var name=value`` or input variables (``{{`` and ``}}`` write literal braces;
  any other brace, as in a JSON example, is left alone).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from agentrt.errors import UsageError

__all__ = ["MissingEnvVar", "expand_env", "placeholders", "render_placeholders"]

_ENV = re.compile(r"\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}")


class MissingEnvVar(LookupError):
    """``${NAME}`` named an environment variable that is not set and has no default."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def expand_env(text: str, environ: Mapping[str, str], used: list[str] | None = None) -> str:
    """Expand ``${NAME}`` and ``${NAME:-default}`` in ``text``.

    Args:
        text: The string value.
        environ: The variables.
        used: When given, the names of the variables referenced are appended to it
            (set or defaulted alike), so the caller can keep the value out of messages.

    Raises:
        MissingEnvVar: a variable without a default is not set.
    """
    if "$" not in text:
        return text

    def sub(match: re.Match[str]) -> str:
        name = match.group(1)
        if name is None:
            return "${"
        if used is not None:
            used.append(name)
        value = environ.get(name)
        if value is not None:
            return value
        default = match.group(2)
        if default is None:
            raise MissingEnvVar(name)
        return default

    return _ENV.sub(sub, text)


def placeholders(text: str) -> list[str]:
    """Return the ``{name}`` placeholders in ``text``, in order, without repeats."""
    names = (m.group(1) for m in _PLACEHOLDER.finditer(text))
    return list(dict.fromkeys(n for n in names if n))


def render_placeholders(text: str, variables: Mapping[str, str], *, where: str) -> str:
    """Fill ``{name}`` placeholders from ``variables``.

    Args:
        text: The template.
        variables: Values by name; unused ones are ignored.
        where: What the template is, for the error message (e.g. ``agent 'trip_planner'``).

    Raises:
        UsageError: a placeholder has no value; the message names every missing one.
    """
    missing = [n for n in placeholders(text) if n not in variables]
    if missing:
        names = ", ".join(repr(n) for n in missing)
        flags = " ".join(f"--var {n}=..." for n in missing)
        raise UsageError(f"the instructions of {where} need {names}: pass {flags}")

    def sub(match: re.Match[str]) -> str:
        name = match.group(1)
        if name is None:
            return match.group(0)[0]
        return str(variables[name])

    return _PLACEHOLDER.sub(sub, text)
