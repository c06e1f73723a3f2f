"""agentrt: a gRPC-first client and async agent runtime for xAI's Grok API.

``import agentrt`` stays light: it loads neither the generated stubs nor grpc
until a client, agent or simulator is used. Public names resolve lazily.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from agentrt._version import __version__

if TYPE_CHECKING:
    from agentrt.agents import events as events
    from agentrt.agents.agent import Agent as Agent
    from agentrt.agents.limits import Limits as Limits
    from agentrt.agents.model import ModelSettings as ModelSettings
    from agentrt.agents.run_result import RunResult as RunResult
    from agentrt.agents.tools import Tool as Tool
    from agentrt.agents.tools import ToolContext as ToolContext
    from agentrt.agents.tools import tool as tool
    from agentrt.errors import AgentrtError as AgentrtError
    from agentrt.specs.agent_spec import AgentSpec as AgentSpec
    from agentrt.specs.agent_spec import load_agent as load_agent
    from agentrt.telemetry.tracing import Telemetry as Telemetry
    from agentrt.xai.chat_request import ChatRequest as ChatRequest
    from agentrt.xai.chat_response import ChatResponse as ChatResponse
    from agentrt.xai.client import Client as Client
    from agentrt.xai.collection_types import ChunkConfig as ChunkConfig
    from agentrt.xai.collection_types import CollectionInfo as CollectionInfo
    from agentrt.xai.collection_types import DocumentInfo as DocumentInfo
    from agentrt.xai.collection_types import FieldDefinition as FieldDefinition
    from agentrt.xai.file_types import FileInfo as FileInfo
    from agentrt.xai.file_types import PublicUrl as PublicUrl
    from agentrt.xai.file_types import UploadOutcome as UploadOutcome
    from agentrt.xai.service_types import SearchMatch as SearchMatch

# public name -> module that defines it; resolved on first access.
_LAZY: dict[str, str] = {
    "AgentrtError": "agentrt.errors",
    "Client": "agentrt.xai.client",
    "ChatRequest": "agentrt.xai.chat_request",
    "ChatResponse": "agentrt.xai.chat_response",
    "Agent": "agentrt.agents.agent",
    "Limits": "agentrt.agents.limits",
    "ModelSettings": "agentrt.agents.model",
    "RunResult": "agentrt.agents.run_result",
    "AgentSpec": "agentrt.specs.agent_spec",
    "load_agent": "agentrt.specs.agent_spec",
    "Tool": "agentrt.agents.tools",
    "ToolContext": "agentrt.agents.tools",
    "tool": "agentrt.agents.tools",
    "Telemetry": "agentrt.telemetry.tracing",
    "FileInfo": "agentrt.xai.file_types",
    "PublicUrl": "agentrt.xai.file_types",
    "UploadOutcome": "agentrt.xai.file_types",
    "ChunkConfig": "agentrt.xai.collection_types",
    "CollectionInfo": "agentrt.xai.collection_types",
    "DocumentInfo": "agentrt.xai.collection_types",
    "FieldDefinition": "agentrt.xai.collection_types",
    "SearchMatch": "agentrt.xai.service_types",
}
# public name -> a module exported as that name
_MODULES: dict[str, str] = {"events": "agentrt.agents.events"}

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
