"""Agents defined in YAML (format: docs/agent-spec.md).

``agent_spec`` (the facade: :class:`~agentrt.specs.agent_spec.AgentSpec`,
:func:`~agentrt.specs.agent_spec.load_agent`); ``loader`` (parse, validate, resolve,
report every problem), ``build`` (a resolved spec to an
:class:`~agentrt.agents.agent.Agent`), ``resolved`` (what the loader fills and the builder
reads); ``model`` (the format as pydantic models), ``source`` (YAML with positions),
``diagnostics`` and ``problems`` (each problem as FILE:LINE:COL), ``imports``
(``module:attribute``), ``interpolate`` (``${ENV}`` and ``{placeholders}``), ``durations``
(``"250ms"``, ``"1m30s"``; ``agentrt load`` reads them too).

Below it: ``agents/`` and what it stands on.
"""

__all__: list[str] = []
