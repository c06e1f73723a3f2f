"""Every error agentrt raises, in one hierarchy.

::

    AgentrtError                      base; ``exit_code`` is what the CLI exits with
    ├── UsageError                    bad arguments or configuration (exit 2)

Foreign errors (``grpc.aio.AioRpcError`` above all) are translated once, at the
transport boundary, into the most specific class here and raised ``from`` the
original.
"""

from __future__ import annotations

__all__ = ["AgentrtError", "UsageError"]


class AgentrtError(Exception):
    """Base class of every error agentrt raises."""

    exit_code: int = 1


class UsageError(AgentrtError):
    """The caller asked for something that cannot work; the message says what to fix."""

    exit_code = 2
