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
    from agentrt.agents.collection_names import SearchCollections as SearchCollections
    from agentrt.agents.limits import Limits as Limits
    from agentrt.agents.mcp_config import MCPHttp as MCPHttp
    from agentrt.agents.mcp_config import MCPStdio as MCPStdio
    from agentrt.agents.mcp_run import MCPPool as MCPPool
    from agentrt.agents.model import ModelSettings as ModelSettings
    from agentrt.agents.run_result import RunResult as RunResult
    from agentrt.agents.tools import Tool as Tool
    from agentrt.agents.tools import ToolContext as ToolContext
    from agentrt.agents.tools import tool as tool
    from agentrt.errors import AgentrtError as AgentrtError
    from agentrt.specs.agent_spec import AgentSpec as AgentSpec
    from agentrt.specs.agent_spec import load_agent as load_agent
    from agentrt.telemetry.tracing import Telemetry as Telemetry
    from agentrt.xai.batch_types import BatchCounts as BatchCounts
    from agentrt.xai.batch_types import BatchInfo as BatchInfo
    from agentrt.xai.batch_types import BatchItem as BatchItem
    from agentrt.xai.batch_types import BatchRequestInfo as BatchRequestInfo
    from agentrt.xai.batch_types import BatchResult as BatchResult
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
    from agentrt.xai.image_types import ImageRequest as ImageRequest
    from agentrt.xai.service_types import SearchMatch as SearchMatch
    from agentrt.xai.video_types import Keyframe as Keyframe
    from agentrt.xai.video_types import VideoJob as VideoJob
    from agentrt.xai.video_types import VideoResult as VideoResult
    from agentrt.xai.video_types import VideoStatus as VideoStatus

# public name -> module that defines it; resolved on first access.
_LAZY: dict[str, str] = {
    "AgentrtError": "agentrt.errors",
    "Client": "agentrt.xai.client",
    "ChatRequest": "agentrt.xai.chat_request",
    "ChatResponse": "agentrt.xai.chat_response",
    "Agent": "agentrt.agents.agent",
    "SearchCollections": "agentrt.agents.collection_names",
    "Limits": "agentrt.agents.limits",
    "MCPStdio": "agentrt.agents.mcp_config",
    "MCPHttp": "agentrt.agents.mcp_config",
    "MCPPool": "agentrt.agents.mcp_run",
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
    "BatchCounts": "agentrt.xai.batch_types",
    "BatchInfo": "agentrt.xai.batch_types",
    "BatchItem": "agentrt.xai.batch_types",
    "BatchRequestInfo": "agentrt.xai.batch_types",
    "BatchResult": "agentrt.xai.batch_types",
    "ImageRequest": "agentrt.xai.image_types",
    "Keyframe": "agentrt.xai.video_types",
    "VideoJob": "agentrt.xai.video_types",
    "VideoResult": "agentrt.xai.video_types",
    "VideoStatus": "agentrt.xai.video_types",
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
