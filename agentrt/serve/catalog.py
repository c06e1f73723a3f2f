"""The agents one server runs, by name: :class:`Catalog` and :class:`ServedAgent`.

Every spec is loaded and validated when the server starts; the problems of
every file are raised together as one :class:`~agentrt.specs.problems.SpecError`
before anything binds a port. An agent is built once per distinct set of
``{placeholder}`` values and kept in a small bounded cache, so a caller sending
ever-new values cannot grow the server's memory without bound.
"""

from __future__ import annotations

import dataclasses
import os
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from agentrt.errors import UsageError

if TYPE_CHECKING:
    from agentrt.agents.agent import Agent
    from agentrt.agents.limits import Limits
    from agentrt.specs.agent_spec import AgentSpec

__all__ = ["AGENT_CACHE_SIZE", "Catalog", "ServedAgent", "ToolInfo"]

AGENT_CACHE_SIZE = 64
"""Built agents kept per served agent (one per distinct set of variable values)."""


@dataclass(frozen=True, kw_only=True)
class ToolInfo:
    """One tool of a served agent, as callers see it."""

    name: str
    kind: Literal["function", "agent", "builtin"]
    description: str


@dataclass(kw_only=True, eq=False)
class ServedAgent:
    """One agent spec, ready to run with any set of variable values.

    Attributes:
        spec: the validated spec.
        variables: the ``{placeholder}`` names a run must give values for.
        limits: the per-run limits from the spec (callers cannot raise them).
        tools: what the agent may call.
    """

    spec: AgentSpec
    variables: tuple[str, ...]
    limits: Limits
    tools: tuple[ToolInfo, ...]
    _built: OrderedDict[tuple[tuple[str, str], ...], Agent[Any]] = field(
        default_factory=OrderedDict, repr=False
    )

    @property
    def name(self) -> str:
        """The agent's name."""
        return self.spec.name

    @property
    def model(self) -> str:
        """The model name as shown to callers (``<from $NAME>`` when it came from ``${ENV}``)."""
        return self.spec.shown(self.spec.primary_model)

    @property
    def structured(self) -> bool:
        """Whether the agent answers with structured output."""
        return self.spec.output is not None

    def output_schema(self) -> dict[str, Any] | None:
        """The JSON Schema of the final answer, or ``None`` for plain text (values from ``${ENV}`` shown as markers)."""
        output = self.spec.output
        if output is None:
            return None
        if output.schema_ is not None:
            shown: dict[str, Any] = self.spec.redactions.data(dict(output.schema_))
            return shown
        model = self.spec.output_type
        return None if model is None else model.model_json_schema()

    def variables_schema(self) -> dict[str, Any]:
        """The JSON Schema of the variables a run takes: strings, all required."""
        return {
            "type": "object",
            "properties": {name: {"type": "string"} for name in self.variables},
            "required": list(self.variables),
            "additionalProperties": False,
        }

    def agent(self, variables: Mapping[str, str]) -> Agent[Any]:
        """The agent built with ``variables`` (cached, least recently used dropped first).

        Raises:
            UsageError: a variable the spec has no placeholder for, or one missing.
        """
        unknown = sorted(set(variables) - set(self.variables))
        if unknown:
            known = ", ".join(self.variables) or "none"
            raise UsageError(
                f"agent {self.name!r} has no variable {unknown[0]!r} (its variables: {known})"
            )
        key = tuple(sorted(variables.items()))
        built = self._built.get(key)
        if built is not None:
            self._built.move_to_end(key)
            return built
        built = self.spec.to_agent(variables)
        self._built[key] = built
        if len(self._built) > AGENT_CACHE_SIZE:
            self._built.popitem(last=False)
        return built

    @classmethod
    def from_spec(cls, spec: AgentSpec) -> ServedAgent:
        """Describe ``spec`` (its variables, limits and tools)."""
        from agentrt.agents.limits import Limits

        given = {k: v for k, v in spec.limits.model_dump().items() if v is not None}
        return cls(
            spec=spec,
            variables=tuple(spec.variables()),
            limits=Limits(**given),
            tools=tuple(_tool_info(spec, i, entry) for i, entry in enumerate(spec.tools)),
        )


def _tool_info(spec: AgentSpec, index: int, entry: Any) -> ToolInfo:
    """One tool as callers see it: a description from ``${ENV}`` shown as ``<from $NAME>``."""
    info = _tool_entry(spec, index, entry)
    return dataclasses.replace(info, description=spec.shown(info.description))


def _tool_entry(spec: AgentSpec, index: int, entry: Any) -> ToolInfo:
    from agentrt.specs.model import AgentToolSpec, FunctionToolSpec

    if isinstance(entry, FunctionToolSpec):
        tool = spec.tool_target(index)
        return ToolInfo(name=tool.name, kind="function", description=tool.description)
    if isinstance(entry, AgentToolSpec):
        sub = spec.tool_target(index)
        return ToolInfo(
            name=entry.name or sub.name,
            kind="agent",
            description=entry.description or sub.description,
        )
    return ToolInfo(name=str(entry.builtin), kind="builtin", description="")


def _where(served: ServedAgent) -> str:
    file = served.spec.file
    return "a spec given as text or data" if file is None else str(file)


class Catalog:
    """Served agents by name.

    Raises:
        UsageError: two agents with one name.
    """

    def __init__(self, agents: Iterable[ServedAgent]) -> None:
        self._agents: dict[str, ServedAgent] = {}
        for served in agents:
            first = self._agents.get(served.name)
            if first is not None:
                raise UsageError(
                    f"two agents are named {served.name!r} ({_where(first)} and "
                    f"{_where(served)}); a server serves each name once: rename one"
                )
            self._agents[served.name] = served

    @classmethod
    def from_paths(cls, paths: Iterable[str | os.PathLike[str]]) -> Catalog:
        """Load and validate every spec named by ``paths`` (see :func:`agentrt.specs.agent_spec.spec_files`).

        Raises:
            SpecError: the problems of every spec that has any, together.
            UsageError: a bad path, or two agents with one name.
        """
        from agentrt.specs.agent_spec import AgentSpec, spec_files
        from agentrt.specs.problems import SpecError, SpecProblem

        specs: list[AgentSpec] = []
        problems: list[SpecProblem] = []
        for path in spec_files(paths):
            try:
                specs.append(AgentSpec.from_file(path))
            except SpecError as exc:
                problems.extend(exc.problems)
        if problems:
            raise SpecError(problems)
        return cls(ServedAgent.from_spec(spec) for spec in specs)

    @property
    def names(self) -> list[str]:
        """The agents' names, sorted."""
        return sorted(self._agents)

    def get(self, name: str) -> ServedAgent | None:
        """The agent called ``name``, or ``None``."""
        return self._agents.get(name)

    def __iter__(self) -> Iterator[ServedAgent]:
        return iter([self._agents[name] for name in self.names])

    def __len__(self) -> int:
        return len(self._agents)
