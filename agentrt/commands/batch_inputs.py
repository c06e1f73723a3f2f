"""What both kinds of ``agentrt batch`` share: the agents of a dataset and the progress bar."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.progress import Progress

    from agentrt.agents.agent import Agent
    from agentrt.durable.batch import BatchItem
    from agentrt.specs.agent_spec import AgentSpec

__all__ = ["agents_for", "progress_bar"]


def agents_for(spec: AgentSpec, items: list[BatchItem], path: str) -> dict[str, Agent[Any]]:
    """One agent per distinct vars; a line whose vars do not fit the spec is a FILE:LINE error."""
    import json

    from agentrt.errors import UsageError

    used = spec.variables()
    built: dict[str, Agent[Any]] = {}
    for item in items:
        for name in item.vars:
            if name not in used:
                raise UsageError(
                    f"{path}:{item.line}: vars.{name}: the spec has no {{{name}}} placeholder "
                    f"(its placeholders: {', '.join(used) or 'none'})"
                )
        key = json.dumps(item.vars, sort_keys=True)
        if key not in built:
            try:
                built[key] = spec.to_agent(item.vars)
            except UsageError as e:
                raise UsageError(f"{path}:{item.line}: {e}") from None
    return built


def progress_bar(*, quiet: bool) -> Progress:
    """A progress bar on stderr: the agent, a bar, runs done of all, how many failed."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[failed]} failed"),
        console=Console(stderr=True),
        disable=quiet,
    )
