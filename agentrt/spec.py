"""Agents defined in YAML: :class:`AgentSpec` and :func:`load_agent`.

A spec file (format version 1, documented in ``docs/agent-spec.md``)::

    version: 1
    name: trip_planner
    model: grok-4-1-fast-reasoning
    instructions: Plan a day in {city}.
    tools:
      - function: trip_tools:get_weather
        timeout: 5s

``AgentSpec.from_file(path)`` parses, validates and resolves the file whole,
imports and sub-agent files included, and raises one
:class:`~agentrt.spec_errors.SpecError` listing every problem as
``FILE:LINE:COL: PATH: message``. Nothing runs until the spec is valid.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, PrivateAttr

from agentrt.errors import UsageError
from agentrt.spec_errors import SpecError, SpecProblem
from agentrt.spec_interpolate import placeholders
from agentrt.spec_model import SpecDocument

if TYPE_CHECKING:
    from agentrt.agent import Agent

__all__ = ["AgentSpec", "SpecError", "SpecProblem", "load_agent", "spec_files", "spec_json_schema"]


class AgentSpec(SpecDocument):
    """A validated agent spec with its imports and sub-agent files resolved.

    Build one with :meth:`from_file`, :meth:`from_text` or :meth:`from_dict`;
    constructing it directly validates the fields but resolves nothing.
    """

    _file: Path | None = PrivateAttr(default=None)
    _targets: dict[int, Any] = PrivateAttr(default_factory=dict)
    _output_type: type[BaseModel] | None = PrivateAttr(default=None)

    @classmethod
    def from_file(
        cls, path: str | os.PathLike[str], *, environ: Mapping[str, str] | None = None
    ) -> AgentSpec:
        """Load a spec file; its directory is importable and the base for sub-agent paths.

        Args:
            path: The YAML file.
            environ: Variables for ``${NAME}`` expansion (default: ``os.environ``).

        Raises:
            SpecError: every problem found, each with file, line, column and key path.
        """
        from agentrt.spec_loader import load_file

        return load_file(path, environ=environ)

    @classmethod
    def from_text(
        cls,
        text: str,
        *,
        file: str = "<text>",
        base_dir: str | os.PathLike[str] | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> AgentSpec:
        """Load a spec from YAML text; ``base_dir`` (default: cwd) stands in for its directory."""
        from agentrt.spec_loader import load_text

        return load_text(text, file=file, base_dir=base_dir, environ=environ)

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], *, base_dir: str | os.PathLike[str] | None = None
    ) -> AgentSpec:
        """Load a spec from parsed data (strings are taken as they are: no ``${ENV}`` expansion)."""
        from agentrt.spec_loader import load_data

        return load_data(data, base_dir=base_dir)

    def _attach(
        self, *, file: Path | None, targets: dict[int, Any], output_type: type[BaseModel] | None
    ) -> None:
        self._file = file
        self._targets = targets
        self._output_type = output_type

    @property
    def file(self) -> Path | None:
        """The resolved path of the file this spec came from, if any."""
        return self._file

    @property
    def output_type(self) -> type[BaseModel] | None:
        """The pydantic model named by ``output.type``, once resolved."""
        return self._output_type

    def tool_target(self, index: int) -> Any:
        """What ``tools[index]`` resolved to: the callable, or the sub-agent's :class:`AgentSpec`.

        Raises:
            LookupError: the entry is a builtin tool, or the spec was never resolved.
        """
        try:
            return self._targets[index]
        except KeyError:
            raise LookupError(
                f"tools[{index}] of agent {self.name!r} has no resolved target"
            ) from None

    def to_agent(self, variables: Mapping[str, str] | None = None) -> Agent[Any]:
        """Build the :class:`~agentrt.agent.Agent` this spec describes.

        Args:
            variables: Values for ``{placeholders}`` in the instructions (sub-agents too).

        Raises:
            UsageError: a placeholder has no value.
        """
        from agentrt.spec_build import build_agent

        return build_agent(self, variables)

    def variables(self) -> list[str]:
        """Every ``{placeholder}`` in the instructions of this agent and its sub-agents."""
        names = placeholders(self.instructions)
        for target in self._targets.values():
            if isinstance(target, AgentSpec):
                names.extend(target.variables())
        return list(dict.fromkeys(names))


def load_agent(
    path: str | os.PathLike[str],
    *,
    variables: Mapping[str, str] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Agent[Any]:
    """Load the spec at ``path`` and build its agent: ``AgentSpec.from_file(path).to_agent(variables)``.

    Raises:
        SpecError: the spec has problems (every one is listed).
        UsageError: a ``{placeholder}`` has no value in ``variables``.
    """
    return AgentSpec.from_file(path, environ=environ).to_agent(variables)


def spec_json_schema() -> dict[str, Any]:
    """The JSON Schema of the spec format, generated from the same model that validates files."""
    schema = SpecDocument.model_json_schema(by_alias=True)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **schema,
        "title": "agentrt agent spec, version 1",
    }


def spec_files(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """The spec files named by ``paths``: files as given, directories' ``*.yaml``/``*.yml`` sorted.

    Raises:
        UsageError: a path that does not exist, or a directory without spec files.
    """
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml"))
            if not found:
                raise UsageError(f"{path}: no *.yaml or *.yml agent specs in this directory")
            out.extend(found)
        elif path.is_file():
            out.append(path)
        else:
            raise UsageError(f"{path}: no such file or directory")
    return out
