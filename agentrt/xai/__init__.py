"""The xAI client: transport, chat, the other services, and the values they carry.

``client`` (:class:`~agentrt.xai.client.Client`) and ``config``; ``transport`` (channels,
pool, retries, deadlines, errors translated once) with ``stream_thread``, ``retry``,
``deadline`` and ``rpc_errors``; ``chat`` (``client.chat``) with ``chat_request`` and
``chat_response`` (values), ``chat_proto`` and ``chat_wire`` (to and from the wire),
``messages`` and ``tool_specs``; ``services`` and ``service_types`` (models, tokenizer,
images, embeddings, documents, auth); ``files`` (``client.files``) with ``file_types``,
``file_wire`` and ``upload_source``; ``collections`` (``client.collections``) with
``collection_types`` and ``collection_wire``; ``batches`` (``client.batch``) with
``batch_types`` and ``batch_wire``; ``video`` (``client.video``) with ``video_types`` and
``video_wire``; ``paging`` and ``polling`` (list pages, deferred jobs); ``wire`` (the
services of the generated stubs), ``grpc_server`` (what agentrt's own gRPC servers share)
and ``bounded`` (a thread-safe bounded cache).

Below it: ``telemetry/`` and ``errors``. Importing this package imports none of its
modules (the names below resolve on first access); the value modules (``messages``,
``chat_request``, ``chat_response``, ``tool_specs``, ``deadline``, ``file_types``,
``collection_types``, ``batch_types``, ``video_types``) never import gRPC.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agentrt.xai.batch_types import BatchCounts as BatchCounts
    from agentrt.xai.batch_types import BatchInfo as BatchInfo
    from agentrt.xai.batch_types import BatchItem as BatchItem
    from agentrt.xai.batch_types import BatchRequestInfo as BatchRequestInfo
    from agentrt.xai.batch_types import BatchResult as BatchResult
    from agentrt.xai.batches import Batches as Batches
    from agentrt.xai.client import Client as Client
    from agentrt.xai.collection_types import ChunkConfig as ChunkConfig
    from agentrt.xai.collection_types import CollectionInfo as CollectionInfo
    from agentrt.xai.collection_types import DocumentInfo as DocumentInfo
    from agentrt.xai.collection_types import FieldDefinition as FieldDefinition
    from agentrt.xai.collections import Collections as Collections
    from agentrt.xai.file_types import FileInfo as FileInfo
    from agentrt.xai.file_types import PublicUrl as PublicUrl
    from agentrt.xai.file_types import UploadOutcome as UploadOutcome
    from agentrt.xai.files import Files as Files
    from agentrt.xai.image_types import ImageRequest as ImageRequest
    from agentrt.xai.service_types import SearchMatch as SearchMatch
    from agentrt.xai.services import Documents as Documents
    from agentrt.xai.video import Videos as Videos
    from agentrt.xai.video_types import Keyframe as Keyframe
    from agentrt.xai.video_types import VideoJob as VideoJob
    from agentrt.xai.video_types import VideoResult as VideoResult
    from agentrt.xai.video_types import VideoStatus as VideoStatus

# public name -> module that defines it; resolved on first access.
_LAZY: dict[str, str] = {
    "Client": "agentrt.xai.client",
    "Files": "agentrt.xai.files",
    "Collections": "agentrt.xai.collections",
    "Documents": "agentrt.xai.services",
    "FileInfo": "agentrt.xai.file_types",
    "PublicUrl": "agentrt.xai.file_types",
    "UploadOutcome": "agentrt.xai.file_types",
    "ChunkConfig": "agentrt.xai.collection_types",
    "CollectionInfo": "agentrt.xai.collection_types",
    "DocumentInfo": "agentrt.xai.collection_types",
    "FieldDefinition": "agentrt.xai.collection_types",
    "SearchMatch": "agentrt.xai.service_types",
    "Batches": "agentrt.xai.batches",
    "BatchCounts": "agentrt.xai.batch_types",
    "BatchInfo": "agentrt.xai.batch_types",
    "BatchItem": "agentrt.xai.batch_types",
    "BatchRequestInfo": "agentrt.xai.batch_types",
    "BatchResult": "agentrt.xai.batch_types",
    "ImageRequest": "agentrt.xai.image_types",
    "Videos": "agentrt.xai.video",
    "Keyframe": "agentrt.xai.video_types",
    "VideoJob": "agentrt.xai.video_types",
    "VideoResult": "agentrt.xai.video_types",
    "VideoStatus": "agentrt.xai.video_types",
}

__all__ = list(_LAZY)


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'agentrt.xai' has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
