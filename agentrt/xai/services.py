"""The non-chat xAI services as thin typed async methods (``client.models``, ...).

Files and collections have their own modules (:mod:`agentrt.xai.files`,
:mod:`agentrt.xai.collections`); batch is not wrapped yet.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from agentrt_protos.xai.api.v1 import (
    auth_pb2_grpc,
    documents_pb2,
    documents_pb2_grpc,
    embed_pb2,
    embed_pb2_grpc,
    image_pb2,
    image_pb2_grpc,
    models_pb2,
    models_pb2_grpc,
    tokenize_pb2,
    tokenize_pb2_grpc,
)
from google.protobuf import empty_pb2

from agentrt.errors import UsageError
from agentrt.xai.deadline import Timeout
from agentrt.xai.file_wire import check_choice
from agentrt.xai.service_types import (
    ApiKeyInfo,
    EmbeddingResult,
    GeneratedImage,
    ImageResult,
    ModelInfo,
    SearchMatch,
    Token,
)
from agentrt.xai.transport import Transport

__all__ = ["Auth", "Documents", "Embeddings", "Images", "Models", "Tokenizer"]

ModelKind = Literal["language", "embedding", "image"]
SearchMode = Literal["hybrid", "semantic", "keyword"]
RankingMetric = Literal["l2_distance", "cosine_similarity"]
_RANKING = {
    "l2_distance": documents_pb2.RANKING_METRIC_L2_DISTANCE,
    "cosine_similarity": documents_pb2.RANKING_METRIC_COSINE_SIMILARITY,
}
_LIST = {
    "language": "ListLanguageModels",
    "embedding": "ListEmbeddingModels",
    "image": "ListImageGenerationModels",
}
_GET = {
    "language": "GetLanguageModel",
    "embedding": "GetEmbeddingModel",
    "image": "GetImageGenerationModel",
}
_PRICE_FIELDS = (
    "prompt_text_token_price",
    "prompt_image_token_price",
    "cached_prompt_token_price",
    "completion_text_token_price",
    "search_price",
    "image_price",
)


def _method(methods: dict[str, str], kind: str) -> str:
    method = methods.get(kind)
    if method is None:
        raise UsageError(f"model kind must be 'language', 'embedding' or 'image', got {kind!r}")
    return method


def _model(kind: str, m: Any) -> ModelInfo:
    fields = {f.name for f in m.DESCRIPTOR.fields}
    modality = models_pb2.Modality.Name
    return ModelInfo(
        kind=kind,
        name=m.name,
        aliases=tuple(m.aliases),
        version=m.version,
        input_modalities=tuple(modality(x).lower() for x in m.input_modalities),
        output_modalities=tuple(modality(x).lower() for x in m.output_modalities),
        max_prompt_length=getattr(m, "max_prompt_length", 0),
        created=m.created.ToDatetime() if m.HasField("created") else None,
        system_fingerprint=m.system_fingerprint,
        prices={f: getattr(m, f) for f in _PRICE_FIELDS if f in fields},
    )


class _Service:
    def __init__(self, transport: Transport) -> None:
        self._transport = transport


class Models(_Service):
    """The model catalogue (``client.models``)."""

    async def list(
        self,
        kind: ModelKind = "language",
        *,
        timeout: Timeout = None,  # noqa: ASYNC109 - it becomes the gRPC deadline
    ) -> list[ModelInfo]:
        """Every model of ``kind``: ``language``, ``embedding`` or ``image``.

        Raises:
            UsageError: another ``kind``.
        """
        stub = models_pb2_grpc.ModelsStub
        method = _method(_LIST, kind)
        resp = await self._transport.unary(stub, method, empty_pb2.Empty(), timeout=timeout)
        return [_model(kind, m) for m in resp.models]

    async def get(
        self,
        name: str,
        kind: ModelKind = "language",
        *,
        timeout: Timeout = None,  # noqa: ASYNC109 - it becomes the gRPC deadline
    ) -> ModelInfo:
        """One model of ``kind`` by name or alias."""
        req = models_pb2.GetModelRequest(name=name)
        resp = await self._transport.unary(
            models_pb2_grpc.ModelsStub, _method(_GET, kind), req, timeout=timeout
        )
        return _model(kind, resp)


class Tokenizer(_Service):
    """Tokenization (``client.tokenizer``)."""

    async def tokenize(
        self,
        text: str,
        *,
        model: str,
        timeout: Timeout = None,  # noqa: ASYNC109 - it becomes the gRPC deadline
    ) -> list[Token]:
        """The tokens ``model`` splits ``text`` into."""
        req = tokenize_pb2.TokenizeTextRequest(text=text, model=model)
        resp = await self._transport.unary(
            tokenize_pb2_grpc.TokenizeStub, "TokenizeText", req, timeout=timeout
        )
        return [
            Token(token_id=t.token_id, string_token=t.string_token, token_bytes=t.token_bytes)
            for t in resp.tokens
        ]


class Images(_Service):
    """Image generation (``client.images``)."""

    async def generate(
        self,
        prompt: str,
        *,
        model: str,
        n: int | None = None,
        image_format: Literal["url", "base64"] = "url",
        user: str = "",
        timeout: Timeout = None,  # noqa: ASYNC109 - it becomes the gRPC deadline
    ) -> ImageResult:
        """Generate ``n`` images for ``prompt``, as URLs or base64 data."""
        fmt = image_pb2.IMG_FORMAT_URL if image_format == "url" else image_pb2.IMG_FORMAT_BASE64
        req = image_pb2.GenerateImageRequest(prompt=prompt, model=model, n=n, user=user, format=fmt)
        resp = await self._transport.unary(
            image_pb2_grpc.ImageStub, "GenerateImage", req, timeout=timeout
        )
        images = tuple(
            GeneratedImage(url=i.url, base64=i.base64, respect_moderation=i.respect_moderation)
            for i in resp.images
        )
        return ImageResult(images=images, model=resp.model)


class Embeddings(_Service):
    """Embeddings (``client.embeddings``)."""

    async def create(
        self,
        texts: list[str],
        *,
        model: str,
        user: str = "",
        timeout: Timeout = None,  # noqa: ASYNC109 - it becomes the gRPC deadline
    ) -> EmbeddingResult:
        """One float vector per text, in order."""
        req = embed_pb2.EmbedRequest(
            input=[embed_pb2.EmbedInput(string=t) for t in texts],
            model=model,
            encoding_format=embed_pb2.FORMAT_FLOAT,
            user=user,
        )
        resp = await self._transport.unary(
            embed_pb2_grpc.EmbedderStub, "Embed", req, timeout=timeout
        )
        ordered = sorted(resp.embeddings, key=lambda e: e.index)
        vectors = tuple(tuple(e.embeddings[0].float_array) if e.embeddings else () for e in ordered)
        return EmbeddingResult(vectors=vectors, model=resp.model, id=resp.id)


class Documents(_Service):
    """Search over document collections (``client.documents``)."""

    async def search(
        self,
        query: str,
        *,
        collection_ids: Sequence[str],
        limit: int | None = None,
        instructions: str | None = None,
        mode: SearchMode | None = None,
        ranking_metric: RankingMetric | None = None,
        reranker_model: str | None = None,
        rrf_k: int | None = None,
        embedding_weight: float | None = None,
        text_weight: float | None = None,
        search_multiplier: int | None = None,
        timeout: Timeout = None,  # noqa: ASYNC109 - it becomes the gRPC deadline
    ) -> list[SearchMatch]:
        """The best matching chunks of the given collections, best first.

        Args:
            query: what to look for.
            collection_ids: the collections searched.
            limit: the most matches returned (the service's default when ``None``).
            instructions: guidance for a reranker.
            mode: ``hybrid`` (keyword and semantic, fused), ``semantic`` (embeddings) or
                ``keyword`` (full-text); the service's default (hybrid) when ``None``.
            ranking_metric: ``l2_distance`` or ``cosine_similarity`` (deprecated by xAI).
            reranker_model: rerank the matches with this model (any mode).
            rrf_k: hybrid only: reciprocal rank fusion's k.
            embedding_weight: hybrid only: the semantic ranking's weight in the fusion.
            text_weight: hybrid only: the keyword ranking's weight in the fusion.
            search_multiplier: hybrid only: candidates fetched per result before fusion.
            timeout: the call's deadline.

        Raises:
            UsageError: an unknown mode or metric, hybrid settings with another mode, or
                a reranker together with fusion settings (before any network call).
        """
        req = documents_pb2.SearchRequest(
            query=query,
            source=documents_pb2.DocumentsSource(collection_ids=list(collection_ids)),
            limit=limit,
            instructions=instructions,
        )
        if ranking_metric is not None:
            req.ranking_metric = _RANKING[check_choice("ranking_metric", ranking_metric, _RANKING)]
        fusion = (rrf_k, embedding_weight, text_weight)
        _retrieval(req, mode, reranker_model, fusion, search_multiplier)
        resp = await self._transport.unary(
            documents_pb2_grpc.DocumentsStub, "Search", req, timeout=timeout
        )
        return [
            SearchMatch(
                file_id=m.file_id,
                chunk_id=m.chunk_id,
                chunk_content=m.chunk_content,
                score=m.score,
                collection_ids=tuple(m.collection_ids),
            )
            for m in resp.matches
        ]


def _retrieval(
    req: documents_pb2.SearchRequest,
    mode: str | None,
    reranker: str | None,
    fusion: tuple[int | None, float | None, float | None],
    multiplier: int | None,
) -> None:
    """Set ``req``'s retrieval mode; UsageError on settings that do not go together."""
    hybrid_only = any(v is not None for v in fusion) or multiplier is not None
    if mode is None and (hybrid_only or reranker is not None):
        mode = "hybrid"
    if mode is None:
        return
    check_choice("mode", mode, ("hybrid", "semantic", "keyword"))
    model = documents_pb2.RerankerModel(model=reranker) if reranker is not None else None
    if mode != "hybrid":
        if hybrid_only:
            raise UsageError(
                f"rrf_k, embedding_weight, text_weight and search_multiplier are for "
                f"mode='hybrid', not {mode!r}"
            )
        retrieval = (
            documents_pb2.KeywordRetrieval(reranker=model)
            if mode == "keyword"
            else documents_pb2.SemanticRetrieval(reranker=model)
        )
        getattr(req, f"{mode}_retrieval").CopyFrom(retrieval)
        return
    if model is not None and any(v is not None for v in fusion):
        raise UsageError(
            "hybrid search fuses with a reranker_model or with rrf_k/weights, not both"
        )
    hybrid = documents_pb2.HybridRetrieval(search_multiplier=multiplier)
    if model is not None:
        hybrid.reranker_model.CopyFrom(model)
    elif any(v is not None for v in fusion):
        k, embedding, text = fusion
        hybrid.reciprocal_rank_fusion.CopyFrom(
            documents_pb2.ReciprocalRankFusion(
                k=k, embedding_weight=embedding or 0.0, text_weight=text or 0.0
            )
        )
    req.hybrid_retrieval.CopyFrom(hybrid)


class Auth(_Service):
    """Information about the API key in use (``client.auth``)."""

    async def api_key_info(
        self,
        *,
        timeout: Timeout = None,  # noqa: ASYNC109 - it becomes the gRPC deadline
    ) -> ApiKeyInfo:
        """The redacted key, its name, team, ACLs and whether it is blocked."""
        resp = await self._transport.unary(
            auth_pb2_grpc.AuthStub, "get_api_key_info", empty_pb2.Empty(), timeout=timeout
        )
        return ApiKeyInfo(
            redacted_api_key=resp.redacted_api_key,
            name=resp.name,
            api_key_id=resp.api_key_id,
            user_id=resp.user_id,
            team_id=resp.team_id,
            acls=tuple(resp.acls),
            blocked=resp.api_key_blocked,
            team_blocked=resp.team_blocked,
            disabled=resp.disabled,
        )
