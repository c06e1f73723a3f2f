"""The agents a worker serves, by name: :class:`AgentRegistry`.

A worker loads spec files (or every ``*.yaml``/``*.yml`` in a directory) and
builds an agent per distinct set of ``{placeholder}`` values on first use; the
agent's name is what a durable run asks for. Python agents can be registered
too (their instructions have no placeholders to fill).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from agentrt.errors import UsageError

if TYPE_CHECKING:
    from agentrt.agents.agent import Agent
    from agentrt.agents.mcp_config import MCPServer
    from agentrt.specs.agent_spec import AgentSpec

__all__ = ["AgentRegistry"]


def _where(item: AgentSpec | Agent[Any]) -> str:
    file = getattr(item, "file", None)
    return str(file) if file is not None else "an agent given in code"


class AgentRegistry:
    """Agents by name; specs are built per ``{placeholder}`` values and cached.

    Args:
        agents: specs or built agents, each registered under its own name.

    Raises:
        UsageError: two agents with one name.
    """

    def __init__(self, agents: Iterable[AgentSpec | Agent[Any]]) -> None:
        self._sources: dict[str, AgentSpec | Agent[Any]] = {}
        self._built: dict[tuple[str, tuple[tuple[str, str], ...]], Agent[Any]] = {}
        for item in agents:
            first = self._sources.get(item.name)
            if first is not None:
                raise UsageError(
                    f"two agents are named {item.name!r} ({_where(first)} and {_where(item)}); "
                    "a worker serves each once: rename one"
                )
            self._sources[item.name] = item

    @classmethod
    def from_paths(cls, paths: Iterable[str | os.PathLike[str]]) -> AgentRegistry:
        """Load every spec named by ``paths`` (see :func:`agentrt.specs.agent_spec.spec_files`).

        Raises:
            SpecError: a spec has problems.
            UsageError: a bad path, or two agents with one name.
        """
        from agentrt.specs.agent_spec import AgentSpec, spec_files

        return cls(AgentSpec.from_file(p) for p in spec_files(paths))

    @property
    def names(self) -> list[str]:
        """The registered agents' names, in order."""
        return list(self._sources)

    def mcp_servers(self, name: str) -> list[MCPServer]:
        """The MCP servers of the agent called ``name`` (none for an unknown name)."""
        source = self._sources.get(name)
        if source is None:
            return []
        from agentrt.agents.agent import Agent
        from agentrt.specs.build import mcp_servers

        return list(source.mcp_servers) if isinstance(source, Agent) else mcp_servers(source)

    def agent(self, name: str, variables: Mapping[str, str] | None = None) -> Agent[Any]:
        """The agent called ``name``, built with ``variables``.

        Raises:
            LookupError: no agent has that name.
            UsageError: a placeholder has no value.
        """
        source = self._sources.get(name)
        if source is None:
            known = ", ".join(self._sources) or "none"
            raise LookupError(f"this worker has no agent {name!r} (it serves: {known})")
        key = (name, tuple(sorted((variables or {}).items())))
        built = self._built.get(key)
        if built is None:
            from agentrt.agents.agent import Agent

            built = source if isinstance(source, Agent) else source.to_agent(variables)
            self._built[key] = built
        return built
