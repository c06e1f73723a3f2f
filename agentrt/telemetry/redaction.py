"""Strings that are used but never shown: :class:`Redactions`.

A value an agent spec took from ``${ENV}`` (a model name, a description, a piece
of the instructions) may be a secret. The agent still uses it (it is sent to the
model), but everything that *shows* a value (``repr``, ``agentrt run --json``,
``serve``'s GetAgent, span attributes, metric attributes) passes it through a
:class:`Redactions` first, which puts a marker such as ``<from $NAME>`` in its
place. It lives in the lowest layer so that telemetry, agents, specs and the
entry points all share the one rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

__all__ = ["ACTIVE", "MIN_SCRUB", "NO_REDACTIONS", "Redactions"]

MIN_SCRUB = 4
"""Shorter secrets are replaced only where they are a whole value: a bare '5' is everywhere."""


@dataclass(frozen=True)
class Redactions:
    """Secret strings and the marker shown in place of each.

    Attributes:
        pairs: ``(secret, marker)``, longest secret first (kept out of ``repr``).
    """

    pairs: tuple[tuple[str, str], ...] = field(default=(), repr=False)

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, str]]) -> Redactions:
        """Redactions of ``pairs`` (empty secrets dropped, repeats merged, longest first)."""
        unique = dict.fromkeys((s, m) for s, m in pairs if s)
        return cls(tuple(sorted(unique, key=lambda p: -len(p[0]))))

    def __bool__(self) -> bool:
        return bool(self.pairs)

    def merged(self, other: Redactions) -> Redactions:
        """Both sets of secrets."""
        if not other.pairs:
            return self
        if not self.pairs:
            return other
        return Redactions.of((*self.pairs, *other.pairs))

    def text(self, text: str) -> str:
        """``text`` with every secret replaced: quoted (a ``repr``) whatever its length, bare if
        it has at least :data:`MIN_SCRUB` characters."""
        for secret, marker in self.pairs:
            forms = (repr(secret), secret, repr(secret)[1:-1])
            for form in dict.fromkeys(forms[: 1 if len(secret) < MIN_SCRUB else 3]):
                if form:
                    text = text.replace(form, marker)
        return text

    def value(self, value: str) -> str:
        """``value`` shown: its marker when it is a secret (of any length), else :meth:`text`."""
        for secret, marker in self.pairs:
            if value == secret:
                return marker
        return self.text(value) if self.pairs else value

    def data(self, value: Any) -> Any:
        """JSON-like ``value`` (dicts, lists, strings …) with every string in it shown by :meth:`value`."""
        if not self.pairs:
            return value
        if isinstance(value, str):
            return self.value(value)
        if isinstance(value, dict):
            return {self.value(str(k)): self.data(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.data(v) for v in value]
        return value


NO_REDACTIONS = Redactions()
"""Nothing to hide."""

ACTIVE: ContextVar[Redactions] = ContextVar("agentrt_redactions", default=NO_REDACTIONS)
"""The redactions of the agent run whose span is active (model calls under it read them)."""
