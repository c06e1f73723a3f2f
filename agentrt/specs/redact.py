"""Values of a spec that came from ``${ENV}``: where they are, and how to keep them out of text.

A value expanded from the environment may be a secret (``name: ${XAI_API_KEY}`` by
mistake, ``authorization: Bearer ${TOKEN}`` on purpose). The YAML walker records
every such value here; every spec problem, and the ``repr`` of a spec, passes
through :meth:`EnvValues.redact`, so the value is shown as ``<from $NAME>``, never
as itself, whatever check produced the text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from agentrt.specs.problems import KeyPath
from agentrt.telemetry.redaction import Redactions

__all__ = ["EnvValue", "EnvValues"]

_MIN_SCRUB = 4
"""Shorter values are replaced only in problems about their own key: a bare '5' is everywhere."""


@dataclass(frozen=True, kw_only=True)
class EnvValue:
    """One string value that referenced environment variables.

    Attributes:
        names: The variables it referenced, in order.
        value: The value after expansion (kept out of ``repr``).
        parts: The variables' own values that went into it (kept out of ``repr``).
    """

    names: tuple[str, ...]
    value: str = field(repr=False)
    parts: tuple[str, ...] = field(repr=False, default=())

    @property
    def marker(self) -> str:
        """What is shown instead of the value: ``<from $NAME>``."""
        return "<from " + ", ".join(f"${n}" for n in dict.fromkeys(self.names)) + ">"


@dataclass(frozen=True)
class EnvValues:
    """Every value of one spec document that came from the environment, by key path."""

    by_path: Mapping[KeyPath, EnvValue] = field(default_factory=dict, repr=False)

    def at(self, path: KeyPath) -> EnvValue | None:
        """The value at ``path`` if it came from the environment."""
        return self.by_path.get(path)

    def redactions(self) -> Redactions:
        """Every value (and variable's value) as a secret, for what an agent built from it shows."""
        return Redactions.of(
            (secret, env.marker)
            for env in self.by_path.values()
            for secret in (env.value, *env.parts)
        )

    def redact(self, text: str, path: KeyPath | None = None) -> str:
        """``text`` with every environment value replaced by its marker.

        Args:
            text: A message, a ``repr``, anything about to be shown.
            path: The key the text is about: its value is replaced even when short.
        """
        pairs: list[tuple[str, str]] = []
        for where, env in self.by_path.items():
            short_ok = path is not None and where[: len(path)] == path
            for secret in (env.value, *env.parts):
                if secret and (short_ok or len(secret) >= _MIN_SCRUB):
                    pairs.append((secret, env.marker))
        for secret, marker in sorted(pairs, key=lambda p: -len(p[0])):
            for form in dict.fromkeys((repr(secret), repr(secret)[1:-1], secret)):
                if form:
                    text = text.replace(form, marker)
        return text
