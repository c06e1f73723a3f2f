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
:class:`~agentrt.specs.problems.SpecError` listing every problem as
``FILE:LINE:COL: PATH: message``. Nothing runs until the spec is valid.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agentrt.errors import UsageError
from agentrt.specs.model import SpecDocument
from agentrt.specs.problems import SpecError, SpecProblem
from agentrt.specs.resolved import ResolvedSpec

if TYPE_CHECKING:
    from agentrt.agents.agent import Agent
    from agentrt.agents.voice_agent import VoiceAgent

__all__ = ["AgentSpec", "SpecError", "SpecProblem", "load_agent", "spec_files", "spec_json_schema"]


class AgentSpec(ResolvedSpec):
    """A validated agent spec with its imports and sub-agent files resolved.

    Build one with :meth:`from_file`, :meth:`from_text` or :meth:`from_dict`;
    constructing it directly validates the fields but resolves nothing.
    ``file``, ``output_type``, ``tool_target`` and ``variables`` come from
    :class:`~agentrt.specs.resolved.ResolvedSpec`.
    """

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
        from agentrt.specs.loader import load_file

        return load_file(path, spec_type=cls, environ=environ)

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
        from agentrt.specs.loader import load_text

        return load_text(text, spec_type=cls, file=file, base_dir=base_dir, environ=environ)

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], *, base_dir: str | os.PathLike[str] | None = None
    ) -> AgentSpec:
        """Load a spec from parsed data (strings are taken as they are: no ``${ENV}`` expansion)."""
        from agentrt.specs.loader import load_data

        return load_data(data, spec_type=cls, base_dir=base_dir)

    def to_agent(self, variables: Mapping[str, str] | None = None) -> Agent[Any]:
        """Build the :class:`~agentrt.agents.agent.Agent` this spec describes.

        Args:
            variables: Values for ``{placeholders}`` in the instructions (sub-agents too).

        Raises:
            UsageError: a placeholder has no value.
        """
        from agentrt.specs.build import build_agent

        return build_agent(self, variables)

    def to_voice_agent(self, variables: Mapping[str, str] | None = None) -> VoiceAgent:
        """Build the :class:`~agentrt.agents.voice_agent.VoiceAgent` this spec describes
        (its ``voice`` and ``turn_detection``; a ``mode: text`` spec gets Ara and server VAD).

        Args:
            variables: Values for ``{placeholders}`` in the instructions (sub-agents too).

        Raises:
            UsageError: a placeholder has no value, or the agent has what a realtime
                session cannot carry.
        """
        from agentrt.specs.build import build_voice_agent

        return build_voice_agent(self, variables)


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

    A file named twice (``serve dir dir``, or ``dir dir/a.yaml``) is listed once,
    where it first appears.

    Raises:
        UsageError: a path that does not exist, or a directory without spec files.
    """
    out = _named_files(paths)
    seen: set[Path] = set()
    unique: list[Path] = []
    for path in out:
        real = path.resolve()
        if real not in seen:
            seen.add(real)
            unique.append(path)
    return unique


def _named_files(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
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
