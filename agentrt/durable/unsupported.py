"""What durable runs do not support yet: lifecycle hooks and guardrails (:func:`check_supported`).

Hooks and guardrails are user code that runs beside the agent loop (an input
guardrail races the first model call and cancels it). On Temporal the loop is
workflow code, which must stay deterministic, and moving each hook into its own
activity would change when it runs and what it can stop. Until that is designed,
an agent with hooks or guardrails is refused when a durable run starts, and by the
worker's activities, with this one-line error, rather than run without them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agentrt.errors import UsageError

if TYPE_CHECKING:
    from agentrt.agents.agent import Agent

__all__ = ["check_supported", "unsupported_message"]


def unsupported_message(name: str) -> str:
    """The error for agent ``name`` having hooks or guardrails on Temporal."""
    return (
        f"agent {name!r} has hooks or guardrails, which durable runs do not support yet: "
        "run it without --temporal, or remove them from the spec for Temporal"
    )


def check_supported(agent: Agent[Any]) -> None:
    """Raise :class:`UsageError` when ``agent`` has hooks or guardrails."""
    if agent.hooks is not None or agent.guards is not None:
        raise UsageError(unsupported_message(agent.name))
