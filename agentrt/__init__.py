"""agentrt: a gRPC-first client and async agent runtime for xAI's Grok API.

``import agentrt`` stays light: it loads neither the generated stubs nor grpc
until a client, agent or simulator is used. Public names resolve lazily.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from agentrt._version import __version__

if TYPE_CHECKING:
    from agentrt import events as events
    from agentrt.agent import Agent as Agent
    from agentrt.chat_request import ChatRequest as ChatRequest
    from agentrt.chat_response import ChatResponse as ChatResponse
    from agentrt.client import Client as Client
    from agentrt.errors import AgentrtError as AgentrtError
    from agentrt.limits import Limits as Limits
    from agentrt.model import ModelSettings as ModelSettings
    from agentrt.run_result import RunResult as RunResult
    from agentrt.spec import AgentSpec as AgentSpec
    from agentrt.spec import load_agent as load_agent
    from agentrt.tools import Tool as Tool
    from agentrt.tools import ToolContext as ToolContext
    from agentrt.tools import tool as tool
    from agentrt.tracing import Telemetry as Telemetry

# public name -> module that defines it; resolved on first access.
_LAZY: dict[str, str] = {
    "AgentrtError": "agentrt.errors",
    "Client": "agentrt.client",
    "ChatRequest": "agentrt.chat_request",
    "ChatResponse": "agentrt.chat_response",
    "Agent": "agentrt.agent",
    "Limits": "agentrt.limits",
    "ModelSettings": "agentrt.model",
    "RunResult": "agentrt.run_result",
    "AgentSpec": "agentrt.spec",
    "load_agent": "agentrt.spec",
    "Tool": "agentrt.tools",
    "ToolContext": "agentrt.tools",
    "tool": "agentrt.tools",
    "Telemetry": "agentrt.tracing",
}
# public name -> a module exported as that name
_MODULES: dict[str, str] = {"events": "agentrt.events"}

__all__ = ["__version__", *_LAZY, *_MODULES]


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        value: Any = importlib.import_module(_MODULES[name])
    elif name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
    else:
        raise AttributeError(f"module 'agentrt' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
