"""From a resolved spec (:class:`~agentrt.specs.resolved.ResolvedSpec`) to a runnable :class:`~agentrt.agents.agent.Agent`.

Function tools were made :class:`~agentrt.agents.tools.Tool` s when the spec loaded
(:func:`make_tool`, so a signature that cannot be a tool is a spec problem with
a position); here the rest is assembled: ``{placeholders}`` filled, builtin
tools declared, sub-agents built (with the same variables) and wrapped as
tools, output type or schema, settings and limits.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agentrt.agents.agent import Agent
from agentrt.agents.collection_names import SearchCollections
from agentrt.agents.history import HistoryPolicy
from agentrt.agents.limits import Limits
from agentrt.agents.model import ModelSettings
from agentrt.agents.tools import Tool, server_tool
from agentrt.specs.interpolate import render_placeholders
from agentrt.specs.model import (
    AgentToolSpec,
    CollectionsSearchSpec,
    FunctionToolSpec,
    LimitsSpec,
    SettingsSpec,
)
from agentrt.specs.resolved import ResolvedSpec

if TYPE_CHECKING:
    from agentrt.agents.mcp_config import MCPServer
    from agentrt.agents.voice_agent import VoiceAgent

__all__ = ["build_agent", "build_voice_agent", "make_tool", "mcp_servers"]


def make_tool(
    target: Any,
    *,
    name: str | None = None,
    description: str | None = None,
    timeout: float | None = None,
    needs_approval: Any = None,
) -> Tool:
    """A :class:`Tool` of a callable (or of a ``@tool``), with the spec's overrides applied.

    ``needs_approval=None`` keeps what the ``@tool`` says (a plain function: never asks).

    Raises:
        UsageError: the callable's signature cannot be a tool.
    """
    if isinstance(target, Tool):
        return Tool.from_function(
            target.fn,
            name=name or target.name,
            description=description or target.description,
            strict=target.strict,
            timeout=timeout if timeout is not None else target.timeout,
            idempotent=target.idempotent,
            needs_approval=target.needs_approval if needs_approval is None else needs_approval,
        )
    return Tool.from_function(
        target,
        name=name,
        description=description,
        timeout=timeout,
        needs_approval=False if needs_approval is None else needs_approval,
    )


def build_agent(spec: ResolvedSpec, variables: Mapping[str, str] | None = None) -> Agent[Any]:
    """Build the agent ``spec`` describes.

    Args:
        spec: A spec loaded with ``AgentSpec.from_file`` (or ``from_text``/``from_dict``).
        variables: Values for ``{placeholders}`` in the instructions (sub-agents get them too).

    Raises:
        UsageError: a placeholder has no value.
    """
    values = dict(variables or {})
    instructions = render_placeholders(spec.instructions, values, where=f"agent {spec.name!r}")
    tools = [_tool(spec, i, entry, values) for i, entry in enumerate(spec.tools)]
    output_type = spec.output_type
    controls = spec.controls
    schema = spec.output.schema_ if spec.output is not None else None
    common: dict[str, Any] = {
        "name": spec.name,
        "model": spec.primary_model,
        "instructions": instructions,
        "tools": tools,
        "settings": _settings(spec.settings),
        "limits": _limits(spec.limits),
        "description": spec.description,
        "redactions": spec.redactions,  # values from ${ENV}: used, never shown
        "files": spec.attached_files,
        "hooks": controls.get("hooks"),
        "input_guardrails": controls.get("input", ()),
        "output_guardrails": controls.get("output", ()),
        "tool_guardrails": controls.get("tools", ()),
        "history": None if spec.history is None else HistoryPolicy(**spec.history.model_dump()),
    }
    if spec.mcp_servers:
        common["mcp_servers"] = mcp_servers(spec)
    if spec.fallback_models:
        common["models"] = spec.fallback_models  # model: [a, b, ...]
    if output_type is not None:
        return Agent(output_type=output_type, **common)
    return Agent(output_schema=schema, **common)


def build_voice_agent(spec: ResolvedSpec, variables: Mapping[str, str] | None = None) -> VoiceAgent:
    """Build the voice agent ``spec`` describes: its agent, ``voice`` and ``turn_detection``.

    A ``mode: text`` spec gets the defaults (Ara, server VAD).

    Raises:
        UsageError: a placeholder has no value, or the agent has what a realtime
            session cannot carry (server-side tools, output, files).
    """
    from agentrt.agents.voice_agent import VoiceAgent  # the realtime client only when asked for

    return VoiceAgent(
        build_agent(spec, variables),
        voice=spec.voice or "Ara",
        turn_detection=spec.turn_detection or "server_vad",
    )


def _tool(spec: ResolvedSpec, index: int, entry: Any, variables: dict[str, str]) -> Any:
    if isinstance(entry, FunctionToolSpec):
        return spec.tool_target(index)
    if isinstance(entry, AgentToolSpec):
        sub = build_agent(spec.tool_target(index), variables)
        made = sub.as_tool(name=entry.name, description=entry.description)
        return made if entry.timeout is None else dataclasses.replace(made, timeout=entry.timeout)
    if isinstance(entry, CollectionsSearchSpec) and entry.collections is not None:
        return SearchCollections(
            collections=tuple(entry.collections), limit=entry.limit, instructions=entry.instructions
        )
    options = entry.model_dump(exclude_none=True, exclude={"builtin"})
    location = options.pop("user_location", None)
    if location:
        options.update(location)
    for key in ("from_date", "to_date"):  # x_search takes datetimes; YAML gives dates too
        value = options.get(key)
        if isinstance(value, date) and not isinstance(value, datetime):
            options[key] = datetime.combine(value, time())
    return server_tool(entry.builtin, **options)


def mcp_servers(spec: ResolvedSpec) -> list[MCPServer]:
    """The spec's ``mcp_servers:`` as configs (a relative ``cwd`` is the spec's directory's).

    Raises:
        UsageError: an entry the config refuses.
    """
    from agentrt.agents.mcp_config import MCPHttp, MCPStdio

    base = spec.file.parent if spec.file is not None else None
    out: list[MCPServer] = []
    for entry in spec.mcp_servers:
        common: dict[str, Any] = {
            "include": tuple(entry.include or ()),
            "exclude": tuple(entry.exclude or ()),
            "prefix": entry.prefix or "",
            "needs_approval": _approval(entry.needs_approval),
            "redactions": spec.redactions,  # ${ENV} values in url, args, cwd: never shown
        }
        for key in ("timeout", "startup_timeout"):
            if getattr(entry, key) is not None:
                common[key] = getattr(entry, key)
        if entry.url is not None:
            out.append(MCPHttp(entry.name, entry.url, headers=entry.headers or {}, **common))
            continue
        assert entry.command is not None
        cwd = entry.cwd
        if cwd is not None and base is not None and not Path(cwd).is_absolute():
            cwd = str(base / cwd)
        out.append(
            MCPStdio(entry.name, entry.command, entry.args, env=entry.env or {}, cwd=cwd, **common)
        )
    return out


def _approval(rule: bool | list[str] | None) -> bool | tuple[str, ...]:
    return tuple(rule) if isinstance(rule, list) else bool(rule)


def _settings(settings: SettingsSpec) -> ModelSettings:
    return ModelSettings(
        temperature=settings.temperature,
        top_p=settings.top_p,
        max_tokens=settings.max_tokens,
        seed=settings.seed,
        stop=tuple(settings.stop or ()),
        reasoning_effort=settings.reasoning_effort,
        parallel_tool_calls=settings.parallel_tool_calls,
    )


def _limits(limits: LimitsSpec) -> Limits:
    given = {k: v for k, v in limits.model_dump().items() if v is not None}
    return Limits(**given)
