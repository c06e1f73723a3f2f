"""gRPC method handlers for every xAI service, built from the generated descriptors.

Implemented methods go to the simulator's services; every other method of
xAI's API answers UNIMPLEMENTED at once, naming itself. The streamed chat
method has no serializer: its handler yields pre-serialized bytes (see ``encode``).
"""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

import grpc
from google.protobuf import message_factory
from google.protobuf.descriptor import MethodDescriptor

from agentrt.sim.chat import ChatService, text_metadata
from agentrt.sim.services import SmallServices
from agentrt.sim.status import SimStatus
from agentrt.xai.grpc_server import bearer_matches
from agentrt.xai.wire import proto_modules

__all__ = ["Admit", "Observer", "build_handlers", "make_admit"]

Context = grpc.aio.ServicerContext[Any, Any]
Admit = Callable[[Context], None]
Unary = Callable[[Any, Context], Awaitable[Any]]
Streaming = Callable[[Any, Context], AsyncIterator[bytes]]
Observer = Callable[[str, Mapping[str, str]], AbstractContextManager[object]]
"""``observer(method, metadata)`` -> a context manager around one call (e.g. a span)."""


def make_admit(api_key: str | None) -> Admit:
    """A check that the call carries ``authorization: Bearer <api_key>`` (no-op without a key)."""
    if not api_key:
        return lambda context: None
    expected = (f"Bearer {api_key}".encode(),)

    def admit(context: Context) -> None:
        if bearer_matches(context.invocation_metadata(), expected):
            return
        raise SimStatus(
            grpc.StatusCode.UNAUTHENTICATED,
            "missing or wrong API key: send metadata 'authorization: Bearer <key>' "
            "with the key the simulator was started with",
        )

    return admit


def _unary(fn: Unary) -> Unary:
    async def handler(request: Any, context: Context) -> Any:
        try:
            return await fn(request, context)
        except SimStatus as status:
            await context.abort(
                status.code, status.details, trailing_metadata=status.trailing_metadata()
            )

    return handler


def _unimplemented(method: MethodDescriptor, admit: Admit) -> grpc.RpcMethodHandler[Any, Any]:
    name = f"{method.containing_service.full_name}/{method.name}"
    details = f"{name} is not implemented by the agentrt simulator"

    async def refuse(context: Context) -> None:
        try:
            admit(context)
        except SimStatus as status:
            await context.abort(status.code, status.details)
        await context.abort(grpc.StatusCode.UNIMPLEMENTED, details)

    async def unary(_: Any, context: Context) -> None:
        await refuse(context)

    async def streaming(_: Any, context: Context) -> AsyncIterator[bytes]:
        await refuse(context)
        yield b""  # never reached: refuse() always aborts

    if method.client_streaming and method.server_streaming:
        return grpc.stream_stream_rpc_method_handler(streaming)
    if method.client_streaming:
        return grpc.stream_unary_rpc_method_handler(unary)
    if method.server_streaming:
        return grpc.unary_stream_rpc_method_handler(streaming)
    return grpc.unary_unary_rpc_method_handler(unary)


def _implemented(chat: ChatService, small: SmallServices) -> dict[str, Any]:
    return {
        "xai_api.Chat/GetCompletion": chat.get_completion,
        "xai_api.Chat/GetCompletionChunk": chat.get_completion_chunk,
        "xai_api.Chat/StartDeferredCompletion": chat.start_deferred,
        "xai_api.Chat/GetDeferredCompletion": chat.get_deferred,
        "xai_api.Chat/GetStoredCompletion": chat.get_stored,
        "xai_api.Chat/DeleteStoredCompletion": chat.delete_stored,
        "xai_api.Chat/CompactContext": chat.compact_context,
        "xai_api.Models/ListLanguageModels": small.list_language_models,
        "xai_api.Models/ListEmbeddingModels": small.list_embedding_models,
        "xai_api.Models/ListImageGenerationModels": small.list_image_models,
        "xai_api.Models/GetLanguageModel": small.get_language_model,
        "xai_api.Models/GetEmbeddingModel": small.get_embedding_model,
        "xai_api.Models/GetImageGenerationModel": small.get_image_model,
        "xai_api.Tokenize/TokenizeText": small.tokenize_text,
        "xai_api.Image/GenerateImage": small.generate_image,
        "xai_api.Embedder/Embed": small.embed,
        "xai_api.Auth/get_api_key_info": small.get_api_key_info,
    }


def _observed_unary(fn: Unary, name: str, observer: Observer) -> Unary:
    async def handler(request: Any, context: Context) -> Any:
        with observer(name, text_metadata(context)):
            return await fn(request, context)

    return handler


def _observed_stream(fn: Streaming, name: str, observer: Observer) -> Streaming:
    async def handler(request: Any, context: Context) -> AsyncIterator[bytes]:
        with observer(name, text_metadata(context)):
            async for chunk in fn(request, context):
                yield chunk

    return handler


if TYPE_CHECKING:
    _GenericHandler = grpc.GenericRpcHandler[Any, Any]
else:
    _GenericHandler = grpc.GenericRpcHandler  # not subscriptable at run time


class _Methods(_GenericHandler):
    """Every method of every service, found with one dictionary lookup per call."""

    def __init__(self, handlers: dict[str, grpc.RpcMethodHandler[Any, Any]]) -> None:
        self._handlers = handlers

    def service(
        self, handler_call_details: grpc.HandlerCallDetails
    ) -> grpc.RpcMethodHandler[Any, Any] | None:
        return self._handlers.get(handler_call_details.method)


def build_handlers(
    chat: ChatService, small: SmallServices, admit: Admit, observer: Observer | None = None
) -> list[grpc.GenericRpcHandler[Any, Any]]:
    """The handler of every method of every xAI service (one generic handler for all).

    ``observer(method, metadata)``, when given, wraps every implemented call
    (e.g. in a tracing span continued from the caller's ``traceparent``).
    """
    implemented = _implemented(chat, small)
    handlers: dict[str, grpc.RpcMethodHandler[Any, Any]] = {}
    for module_name in proto_modules():
        module = importlib.import_module(module_name)
        for service in module.DESCRIPTOR.services_by_name.values():
            for method in service.methods:
                fn = implemented.get(f"{service.full_name}/{method.name}")
                handlers[f"/{service.full_name}/{method.name}"] = (
                    _unimplemented(method, admit)
                    if fn is None
                    else _method_handler(method, fn, observer)
                )
    return [_Methods(handlers)]


def _method_handler(
    method: MethodDescriptor, fn: Any, observer: Observer | None
) -> grpc.RpcMethodHandler[Any, Any]:
    """The handler of an implemented method (unary, or server-streaming pre-serialized bytes)."""
    name = f"{method.containing_service.full_name}/{method.name}"
    request_type = message_factory.GetMessageClass(method.input_type)
    if method.server_streaming:
        stream_fn = fn if observer is None else _observed_stream(fn, name, observer)
        return grpc.unary_stream_rpc_method_handler(
            stream_fn,
            request_deserializer=request_type.FromString,
            response_serializer=None,  # chunks arrive as bytes already
        )
    response_type = message_factory.GetMessageClass(method.output_type)
    unary_fn = _unary(fn) if observer is None else _observed_unary(_unary(fn), name, observer)
    return grpc.unary_unary_rpc_method_handler(
        unary_fn,
        request_deserializer=request_type.FromString,
        response_serializer=response_type.SerializeToString,
    )
