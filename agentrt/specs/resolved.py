"""A spec with its imports and sub-agent files resolved: :class:`ResolvedSpec`.

What the loader (:mod:`agentrt.specs.loader`) fills and the builder
(:mod:`agentrt.specs.build`) reads, so neither needs the facade
:class:`~agentrt.specs.agent_spec.AgentSpec`, which subclasses it and adds the ways in
(``from_file`` …) and out (``to_agent``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, PrivateAttr

from agentrt.specs.interpolate import placeholders
from agentrt.specs.model import SpecDocument
from agentrt.specs.redact import EnvValues
from agentrt.telemetry.redaction import NO_REDACTIONS, Redactions

__all__ = ["ResolvedSpec"]


class ResolvedSpec(SpecDocument):
    """A validated spec document and what its names resolved to (tools, sub-agents, output type)."""

    _file: Path | None = PrivateAttr(default=None)
    _targets: dict[int, Any] = PrivateAttr(default_factory=dict)
    _output_type: type[BaseModel] | None = PrivateAttr(default=None)
    _env: EnvValues | None = PrivateAttr(default=None)
    _files: tuple[Path, ...] = PrivateAttr(default=())
    _controls: dict[str, Any] = PrivateAttr(default_factory=dict)

    def _attach(
        self,
        *,
        file: Path | None,
        targets: dict[int, Any],
        output_type: type[BaseModel] | None,
        env: EnvValues | None = None,
        files: tuple[Path, ...] = (),
        controls: dict[str, Any] | None = None,
    ) -> None:
        self._file = file
        self._controls = dict(controls or {})
        self._files = files
        self._targets = targets
        self._output_type = output_type
        self._env = env
        self._show_through(self.redactions)  # repr(spec.tools[0]) hides them too

    def __repr__(self) -> str:
        # Values from ${ENV} may be secrets: shown as <from $NAME>, sub-agents' too.
        text = super().__repr__()
        for spec in self._specs():
            if spec._env is not None:
                text = spec._env.redact(text)
        return text

    def __str__(self) -> str:
        return repr(self)

    def _specs(self) -> list[ResolvedSpec]:
        found = [self]
        for target in self._targets.values():
            if isinstance(target, ResolvedSpec):
                found.extend(target._specs())
        return found

    @property
    def redactions(self) -> Redactions:
        """The values of this spec and its sub-agents' that came from ``${ENV}``: never shown."""
        found = NO_REDACTIONS
        for spec in self._specs():
            if spec._env is not None:
                found = found.merged(spec._env.redactions())
        return found

    def shown(self, value: str) -> str:
        """``value`` (a model name, a description …) as it may be shown: ``<from $NAME>`` if from ``${ENV}``."""
        return self.redactions.value(value)

    @property
    def file(self) -> Path | None:
        """The resolved path of the file this spec came from, if any."""
        return self._file

    @property
    def attached_files(self) -> tuple[Path, ...]:
        """The resolved paths of ``files:`` (checked to exist when the spec loaded)."""
        return self._files

    @property
    def output_type(self) -> type[BaseModel] | None:
        """The pydantic model named by ``output.type``, once resolved."""
        return self._output_type

    @property
    def controls(self) -> dict[str, Any]:
        """What ``guardrails:`` and ``hooks:`` resolved to: keys ``input``, ``output``,
        ``tools`` (tuples of callables) and ``hooks`` (the object), each when given."""
        return dict(self._controls)

    def tool_target(self, index: int) -> Any:
        """What ``tools[index]`` resolved to: the callable, or the sub-agent's spec.

        Raises:
            LookupError: the entry is a builtin tool, or the spec was never resolved.
        """
        try:
            return self._targets[index]
        except KeyError:
            raise LookupError(
                f"tools[{index}] of agent {self.name!r} has no resolved target"
            ) from None

    def variables(self) -> list[str]:
        """Every ``{placeholder}`` in the instructions of this agent and its sub-agents."""
        names = placeholders(self.instructions)
        for target in self._targets.values():
            if isinstance(target, ResolvedSpec):
                names.extend(target.variables())
        return list(dict.fromkeys(names))
