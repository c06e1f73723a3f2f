"""A controllable in-process xAI server for the client-core tests (not the simulator).

Built from the generated servicers; runs on 127.0.0.1 with real sockets. The
tests set its knobs (reply tokens, faults, delays) and read what it recorded
(requests, metadata, peers, how streams ended).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import grpc
from agentrt_protos.xai.api.v1 import (
    auth_pb2,
    auth_pb2_grpc,
    chat_pb2,
    chat_pb2_grpc,
    deferred_pb2,
    documents_pb2,
    documents_pb2_grpc,
    embed_pb2,
    embed_pb2_grpc,
    image_pb2,
    image_pb2_grpc,
    models_pb2,
    models_pb2_grpc,
    sample_pb2,
    tokenize_pb2,
    tokenize_pb2_grpc,
    usage_pb2,
)
from grpc import aio

__all__ = ["FakeXai", "Fault", "serve_fake"]


@dataclass
class Fault:
    """An error status the fake answers with."""

    code: grpc.StatusCode
    details: str = "injected"
    trailing: tuple[tuple[str, str], ...] = ()


@dataclass
class FakeXai:
    """State and knobs shared by all fake services."""

    tokens: list[str] = field(default_factory=lambda: ["Hel", "lo", " world"])
    faults: list[Fault] = field(default_factory=list)  # popped, one per call, before answering
    fail_after: int | None = None  # stream: fail after this many chunks
    fail_after_fault: Fault = field(default_factory=lambda: Fault(grpc.StatusCode.INTERNAL))
    chunk_delay: float = 0.0
    hang: bool = False  # sleep until cancelled
    delay: float = 0.0  # sleep this long before answering any call
    chunks: list[chat_pb2.GetChatCompletionChunk] | None = None  # scripted stream, overrides tokens
    deferred_polls: int = 1  # GetDeferredCompletion answers PENDING this many times
    calls: Counter[str] = field(default_factory=Counter)
    requests: list[Any] = field(default_factory=list)
    metadata: list[dict[str, str]] = field(default_factory=list)
    peers: set[str] = field(default_factory=set)
    streams_active: int = 0
    streams_cancelled: int = 0  # streams that ended before sending everything
    stored: dict[str, chat_pb2.GetChatCompletionResponse] = field(default_factory=dict)
    stream_ended: asyncio.Event = field(default_factory=asyncio.Event)
    call_started: asyncio.Event = field(default_factory=asyncio.Event)

    async def enter(self, method: str, request: Any, context: aio.ServicerContext) -> None:
        """Record the call, then apply a pending fault or hang."""
        self.calls[method] += 1
        self.requests.append(request)
        self.metadata.append(dict(context.invocation_metadata() or ()))
        self.peers.add(context.peer())
        self.call_started.set()
        if self.faults:
            await abort(context, self.faults.pop(0))
        if self.hang:
            await asyncio.sleep(3600)
        if self.delay:
            await asyncio.sleep(self.delay)

    def usage(self) -> usage_pb2.SamplingUsage:
        n = len(self.tokens)
        return usage_pb2.SamplingUsage(prompt_tokens=5, completion_tokens=n, total_tokens=5 + n)

    def response(self, req: chat_pb2.GetCompletionsRequest) -> chat_pb2.GetChatCompletionResponse:
        outputs = [
            chat_pb2.CompletionOutput(
                index=i,
                finish_reason=sample_pb2.REASON_STOP,
                message=chat_pb2.CompletionMessage(
                    content="".join(self.tokens), role=chat_pb2.ROLE_ASSISTANT
                ),
            )
            for i in range(req.n if req.HasField("n") else 1)
        ]
        return chat_pb2.GetChatCompletionResponse(
            id="resp-1", model=req.model, outputs=outputs, usage=self.usage()
        )


async def abort(context: aio.ServicerContext, fault: Fault) -> None:
    if fault.trailing:
        context.set_trailing_metadata(fault.trailing)
    await context.abort(fault.code, fault.details)


class _Chat(chat_pb2_grpc.ChatServicer):
    def __init__(self, state: FakeXai) -> None:
        self.s = state

    async def GetCompletion(self, request: Any, context: Any) -> Any:
        await self.s.enter("GetCompletion", request, context)
        resp = self.s.response(request)
        if request.store_messages:
            self.s.stored[resp.id] = resp
        return resp

    async def GetCompletionChunk(self, request: Any, context: Any) -> AsyncIterator[Any]:
        s = self.s
        await s.enter("GetCompletionChunk", request, context)
        s.streams_active += 1
        completed = False
        try:
            if s.chunks is not None:
                for chunk in s.chunks:
                    yield chunk
                completed = True
                return
            for i, tok in enumerate(s.tokens):
                if s.fail_after is not None and i == s.fail_after:
                    await abort(context, s.fail_after_fault)
                if s.chunk_delay:
                    await asyncio.sleep(s.chunk_delay)
                last = i == len(s.tokens) - 1
                out = chat_pb2.CompletionOutputChunk(
                    index=0,
                    delta=chat_pb2.Delta(content=tok, role=chat_pb2.ROLE_ASSISTANT),
                    finish_reason=sample_pb2.REASON_STOP if last else 0,
                )
                yield chat_pb2.GetChatCompletionChunk(
                    id="resp-1",
                    model=request.model,
                    outputs=[out],
                    usage=s.usage() if last else None,
                )
            completed = True
        finally:
            # Ended early: cancelled while awaiting, or closed by gRPC at a yield.
            if not completed:
                s.streams_cancelled += 1
            s.streams_active -= 1
            s.stream_ended.set()

    async def StartDeferredCompletion(self, request: Any, context: Any) -> Any:
        await self.s.enter("StartDeferredCompletion", request, context)
        self.s.stored["deferred-1"] = self.s.response(request)
        return deferred_pb2.StartDeferredResponse(request_id="deferred-1")

    async def GetDeferredCompletion(self, request: Any, context: Any) -> Any:
        await self.s.enter("GetDeferredCompletion", request, context)
        if self.s.deferred_polls > 0:
            self.s.deferred_polls -= 1
            return chat_pb2.GetDeferredCompletionResponse(status=deferred_pb2.PENDING)
        return chat_pb2.GetDeferredCompletionResponse(
            status=deferred_pb2.DONE, response=self.s.stored[request.request_id]
        )

    async def GetStoredCompletion(self, request: Any, context: Any) -> Any:
        await self.s.enter("GetStoredCompletion", request, context)
        if request.response_id not in self.s.stored:
            await context.abort(grpc.StatusCode.NOT_FOUND, f"no response {request.response_id}")
        return self.s.stored[request.response_id]

    async def DeleteStoredCompletion(self, request: Any, context: Any) -> Any:
        await self.s.enter("DeleteStoredCompletion", request, context)
        self.s.stored.pop(request.response_id, None)
        return chat_pb2.DeleteStoredCompletionResponse(response_id=request.response_id)


def _lm(name: str) -> models_pb2.LanguageModel:
    return models_pb2.LanguageModel(
        name=name, aliases=[f"{name}-latest"], input_modalities=[models_pb2.TEXT],
        output_modalities=[models_pb2.TEXT], max_prompt_length=1000, prompt_text_token_price=7,
    )  # fmt: skip


class _Models(models_pb2_grpc.ModelsServicer):
    def __init__(self, state: FakeXai) -> None:
        self.s = state

    async def ListLanguageModels(self, request: Any, context: Any) -> Any:
        await self.s.enter("ListLanguageModels", request, context)
        return models_pb2.ListLanguageModelsResponse(models=[_lm("grok-a"), _lm("grok-b")])

    async def GetLanguageModel(self, request: Any, context: Any) -> Any:
        await self.s.enter("GetLanguageModel", request, context)
        return _lm(request.name)

    async def ListEmbeddingModels(self, request: Any, context: Any) -> Any:
        await self.s.enter("ListEmbeddingModels", request, context)
        return models_pb2.ListEmbeddingModelsResponse(
            models=[models_pb2.EmbeddingModel(name="embed-a")]
        )

    async def GetImageGenerationModel(self, request: Any, context: Any) -> Any:
        await self.s.enter("GetImageGenerationModel", request, context)
        return models_pb2.ImageGenerationModel(name=request.name, image_price=3)


class _Misc(
    tokenize_pb2_grpc.TokenizeServicer,
    image_pb2_grpc.ImageServicer,
    embed_pb2_grpc.EmbedderServicer,
    documents_pb2_grpc.DocumentsServicer,
    auth_pb2_grpc.AuthServicer,
):
    def __init__(self, state: FakeXai) -> None:
        self.s = state

    async def TokenizeText(self, request: Any, context: Any) -> Any:
        await self.s.enter("TokenizeText", request, context)
        words = request.text.split()
        tokens = [tokenize_pb2.Token(token_id=i, string_token=w) for i, w in enumerate(words)]
        return tokenize_pb2.TokenizeTextResponse(tokens=tokens, model=request.model)

    async def GenerateImage(self, request: Any, context: Any) -> Any:
        await self.s.enter("GenerateImage", request, context)
        n = request.n if request.HasField("n") else 1
        if request.format == image_pb2.IMG_FORMAT_BASE64:
            images = [image_pb2.GeneratedImage(base64="iVBORw0KGgo=") for _ in range(n)]
        else:
            images = [image_pb2.GeneratedImage(url=f"https://img/{i}") for i in range(n)]
        return image_pb2.ImageResponse(images=images, model=request.model)

    async def Embed(self, request: Any, context: Any) -> Any:
        await self.s.enter("Embed", request, context)
        embeddings = [
            embed_pb2.Embedding(
                index=i, embeddings=[embed_pb2.FeatureVector(float_array=[float(len(x.string))])]
            )
            for i, x in reversed(list(enumerate(request.input)))
        ]
        return embed_pb2.EmbedResponse(id="e1", embeddings=embeddings, model=request.model)

    async def Search(self, request: Any, context: Any) -> Any:
        await self.s.enter("Search", request, context)
        match = documents_pb2.SearchMatch(
            file_id="f1", chunk_id="c1", chunk_content=request.query, score=0.5,
            collection_ids=list(request.source.collection_ids),
        )  # fmt: skip
        return documents_pb2.SearchResponse(matches=[match])

    async def get_api_key_info(self, request: Any, context: Any) -> Any:
        await self.s.enter("get_api_key_info", request, context)
        return auth_pb2.ApiKey(redacted_api_key="xai-...abcd", name="test key", acls=["chat"])


@asynccontextmanager
async def serve_fake(
    options: Sequence[tuple[str, Any]] = (), state: FakeXai | None = None
) -> AsyncIterator[tuple[FakeXai, str]]:
    """Serve a :class:`FakeXai` on 127.0.0.1; yield it and its HOST:PORT."""
    state = state or FakeXai()
    server = aio.server(options=list(options))
    chat_pb2_grpc.add_ChatServicer_to_server(_Chat(state), server)
    models_pb2_grpc.add_ModelsServicer_to_server(_Models(state), server)
    misc = _Misc(state)
    tokenize_pb2_grpc.add_TokenizeServicer_to_server(misc, server)
    image_pb2_grpc.add_ImageServicer_to_server(misc, server)
    embed_pb2_grpc.add_EmbedderServicer_to_server(misc, server)
    documents_pb2_grpc.add_DocumentsServicer_to_server(misc, server)
    auth_pb2_grpc.add_AuthServicer_to_server(misc, server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    try:
        yield state, f"127.0.0.1:{port}"
    finally:
        await server.stop(None)
