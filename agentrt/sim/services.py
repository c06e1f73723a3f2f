"""The simulator's small services: Models, Tokenize, Image, Embedder and Auth."""

from __future__ import annotations

import base64
import hashlib
import math
import struct
from collections.abc import Callable
from typing import Any, TypeVar

import grpc
from agentrt_protos.xai.api.v1 import (
    auth_pb2,
    embed_pb2,
    image_pb2,
    models_pb2,
    tokenize_pb2,
    usage_pb2,
)

from agentrt.sim.catalogue import ModelEntry, find_model, models_of_kind
from agentrt.sim.image_options import edit_colour, image_size, validate_options
from agentrt.sim.imagehost import ImageHost
from agentrt.sim.images import png_for_prompt
from agentrt.sim.prices import image_cost_ticks, price_of
from agentrt.sim.ragstore import RagStore
from agentrt.sim.status import SimStatus
from agentrt.sim.tokens import token_id, tokenize

__all__ = ["EMBEDDING_DIMENSIONS", "SmallServices"]

Context = grpc.aio.ServicerContext[object, object]
Admit = Callable[[Context], None]
EMBEDDING_DIMENSIONS = 64
_MAX_IMAGES = 10
_M = TypeVar(
    "_M", models_pb2.LanguageModel, models_pb2.EmbeddingModel, models_pb2.ImageGenerationModel
)


def _modalities(entry: ModelEntry) -> tuple[list[Any], list[Any]]:
    text, image, embedding = models_pb2.TEXT, models_pb2.IMAGE, models_pb2.EMBEDDING
    if entry.kind == "image":
        return [text], [image]
    if entry.kind == "embedding":
        return [text], [embedding]
    return ([text, image] if entry.vision else [text]), [text]


def _model_message(cls: type[_M], entry: ModelEntry, **fields: Any) -> _M:
    """A model message of ``entry``: the fields every kind has, then the kind's own ``fields``."""
    inputs, outputs = _modalities(entry)
    message = cls(
        name=entry.name,
        aliases=entry.aliases,
        version=entry.version,
        input_modalities=inputs,
        output_modalities=outputs,
        system_fingerprint=entry.fingerprint,
        **fields,
    )
    message.created.seconds = entry.created
    return message


def _not_found(name: str, kind: str) -> SimStatus:
    return SimStatus(grpc.StatusCode.NOT_FOUND, f"{kind} model {name!r} not found")


def _require(name: str, kind: str) -> ModelEntry:
    entry = find_model(name, kind)  # type: ignore[arg-type]
    if entry is None:
        raise _not_found(name, kind)
    return entry


def _embedding(text: str) -> list[float]:
    raw = b"".join(
        hashlib.sha256(f"{i}:{text}".encode()).digest() for i in range(EMBEDDING_DIMENSIONS // 8)
    )
    values = [
        v / 2**31
        for v in struct.unpack(f"<{EMBEDDING_DIMENSIONS}i", raw[: EMBEDDING_DIMENSIONS * 4])
    ]
    norm = math.sqrt(sum(v * v for v in values)) or 1.0
    return [v / norm for v in values]


class SmallServices:
    """Handlers of Models, Tokenize, Image, Embedder and Auth."""

    def __init__(
        self,
        *,
        admit: Admit,
        api_key_set: bool,
        images: ImageHost,
        store: RagStore | None = None,
    ) -> None:
        self.admit = admit
        self.api_key_set = api_key_set
        self.images = images
        self.store = store  # the Files store generated images are kept in, on request

    @staticmethod
    def language_model(entry: ModelEntry) -> models_pb2.LanguageModel:
        """The ``LanguageModel`` message of a catalogue entry (prices: :mod:`agentrt.sim.prices`)."""
        price = price_of(entry.name)
        return _model_message(
            models_pb2.LanguageModel,
            entry,
            prompt_text_token_price=price.input,
            prompt_image_token_price=price.image_input,
            cached_prompt_token_price=price.cached_input,
            completion_text_token_price=price.output,
            search_price=price.server_tool_call,
            max_prompt_length=entry.max_prompt_length,
        )

    @staticmethod
    def embedding_model(entry: ModelEntry) -> models_pb2.EmbeddingModel:
        """The ``EmbeddingModel`` message of a catalogue entry."""
        price = price_of(entry.name).input
        return _model_message(models_pb2.EmbeddingModel, entry, prompt_text_token_price=price)

    @staticmethod
    def image_model(entry: ModelEntry) -> models_pb2.ImageGenerationModel:
        """The ``ImageGenerationModel`` message of a catalogue entry."""
        return _model_message(
            models_pb2.ImageGenerationModel,
            entry,
            image_price=price_of(entry.name).per_image,
            max_prompt_length=entry.max_prompt_length,
        )

    async def list_language_models(
        self, _: object, context: Context
    ) -> models_pb2.ListLanguageModelsResponse:
        """``ListLanguageModels``."""
        self.admit(context)
        return models_pb2.ListLanguageModelsResponse(
            models=[self.language_model(m) for m in models_of_kind("language")]
        )

    async def list_embedding_models(
        self, _: object, context: Context
    ) -> models_pb2.ListEmbeddingModelsResponse:
        """``ListEmbeddingModels``."""
        self.admit(context)
        return models_pb2.ListEmbeddingModelsResponse(
            models=[self.embedding_model(m) for m in models_of_kind("embedding")]
        )

    async def list_image_models(
        self, _: object, context: Context
    ) -> models_pb2.ListImageGenerationModelsResponse:
        """``ListImageGenerationModels``."""
        self.admit(context)
        return models_pb2.ListImageGenerationModelsResponse(
            models=[self.image_model(m) for m in models_of_kind("image")]
        )

    async def get_language_model(
        self, request: models_pb2.GetModelRequest, context: Context
    ) -> models_pb2.LanguageModel:
        """``GetLanguageModel`` by name or alias."""
        self.admit(context)
        return self.language_model(_require(request.name, "language"))

    async def get_embedding_model(
        self, request: models_pb2.GetModelRequest, context: Context
    ) -> models_pb2.EmbeddingModel:
        """``GetEmbeddingModel`` by name or alias."""
        self.admit(context)
        return self.embedding_model(_require(request.name, "embedding"))

    async def get_image_model(
        self, request: models_pb2.GetModelRequest, context: Context
    ) -> models_pb2.ImageGenerationModel:
        """``GetImageGenerationModel`` by name or alias."""
        self.admit(context)
        return self.image_model(_require(request.name, "image"))

    async def tokenize_text(
        self, request: tokenize_pb2.TokenizeTextRequest, context: Context
    ) -> tokenize_pb2.TokenizeTextResponse:
        """``TokenizeText``: the tokenizer the usage counts come from."""
        self.admit(context)
        entry = _require(request.model, "language")
        tokens = [
            tokenize_pb2.Token(token_id=token_id(t), string_token=t, token_bytes=t.encode())
            for t in tokenize(request.text)
        ]
        return tokenize_pb2.TokenizeTextResponse(tokens=tokens, model=entry.name)

    async def generate_image(
        self, request: image_pb2.GenerateImageRequest, context: Context
    ) -> image_pb2.ImageResponse:
        """``GenerateImage``: small deterministic PNGs, as base64 data URLs or http URLs.

        Honours the size options and edits (:mod:`agentrt.sim.image_options`), and
        stores each image in the Files store when ``storage_options`` asks.
        """
        self.admit(context)
        entry = _require(request.model, "image")
        if not request.prompt:
            raise SimStatus(grpc.StatusCode.INVALID_ARGUMENT, "prompt is empty")
        n = request.n if request.HasField("n") else 1
        if not 1 <= n <= _MAX_IMAGES:
            raise SimStatus(
                grpc.StatusCode.INVALID_ARGUMENT, f"n must be between 1 and {_MAX_IMAGES}"
            )
        validate_options(request)
        if request.HasField("storage_options") and self.store is None:
            raise SimStatus(grpc.StatusCode.UNIMPLEMENTED, "this simulator has no Files store")
        base = edit_colour(request, self._read_file, self.images.image_at)
        width, height = image_size(request)
        images = []
        for i in range(n):
            png = png_for_prompt(request.prompt, index=i, width=width, height=height, base=base)
            images.append(self._image(png, request, i))
        usage = usage_pb2.SamplingUsage(prompt_tokens=len(tokenize(request.prompt)))
        usage.prompt_text_tokens = usage.prompt_tokens
        usage.total_tokens = usage.prompt_tokens
        usage.cost_in_usd_ticks = image_cost_ticks(entry.name, n)
        return image_pb2.ImageResponse(images=images, model=entry.name, usage=usage)

    def _read_file(self, file_id: str) -> bytes:
        if self.store is None:
            raise SimStatus(grpc.StatusCode.NOT_FOUND, f"file {file_id!r} not found")
        self.store.file(file_id)  # NOT_FOUND for an unknown or expired file
        return self.store.file_data(file_id)

    def _image(
        self, png: bytes, request: image_pb2.GenerateImageRequest, index: int
    ) -> image_pb2.GeneratedImage:
        out = image_pb2.GeneratedImage(respect_moderation=True)
        if request.format == image_pb2.IMG_FORMAT_BASE64:
            out.base64 = "data:image/png;base64," + base64.b64encode(png).decode()
        else:
            out.url = self.images.put(png)
        if request.HasField("storage_options") and self.store is not None:
            self._store(out.file_output, png, request.storage_options, index)
        return out

    def _store(
        self,
        out: image_pb2.FileOutput,
        png: bytes,
        options: image_pb2.StorageOptions,
        index: int,
    ) -> None:
        """Keep ``png`` in the Files store as ``options`` asks, and say where in ``out``."""
        assert self.store is not None  # checked by the caller
        name = options.filename
        if index:  # the n images of one request get distinct names: fox.png, fox-1.png, ...
            stem, dot, ext = name.rpartition(".")
            name = f"{stem}-{index}.{ext}" if dot else f"{name}-{index}"
        expires_after = options.expires_after or None
        file_id = self.store.add_file(name, [png], expires_after)
        self.store.finish_upload(file_id, True)
        _, _, _, _, expires = self.store.file(file_id)
        out.file_id, out.filename = file_id, name
        if expires is not None:
            out.expires_at.FromSeconds(int(expires))
        if options.HasField("public_url"):
            token, url_expires = self.store.make_public(
                file_id, options.public_url.expires_after or None
            )
            out.public_url = self.images.file_url(token)
            if url_expires is not None:
                out.public_url_expires_at.FromSeconds(int(url_expires))

    async def embed(
        self, request: embed_pb2.EmbedRequest, context: Context
    ) -> embed_pb2.EmbedResponse:
        """``Embed``: unit vectors derived from a hash of each input."""
        self.admit(context)
        entry = _require(request.model, "embedding")
        out, texts, images = [], 0, 0
        for index, item in enumerate(request.input):
            source = item.string if item.HasField("string") else item.image_url.image_url
            texts += item.HasField("string")
            images += not item.HasField("string")
            vector = _embedding(source)
            if request.encoding_format == embed_pb2.FORMAT_BASE64:
                packed = struct.pack(f"<{len(vector)}f", *vector)
                feature = embed_pb2.FeatureVector(base64_array=base64.b64encode(packed).decode())
            else:
                feature = embed_pb2.FeatureVector(float_array=vector)
            out.append(embed_pb2.Embedding(index=index, embeddings=[feature]))
        usage = usage_pb2.EmbeddingUsage(num_text_embeddings=texts, num_image_embeddings=images)
        return embed_pb2.EmbedResponse(
            id=hashlib.sha256(request.SerializeToString()).hexdigest()[:32],
            embeddings=out,
            usage=usage,
            model=entry.name,
            system_fingerprint=entry.fingerprint,
        )

    async def get_api_key_info(self, _: object, context: Context) -> auth_pb2.ApiKey:
        """``get_api_key_info``: a fixed key description (the key itself is never echoed)."""
        self.admit(context)
        key = auth_pb2.ApiKey(
            redacted_api_key="xai-…sim" if self.api_key_set else "(no key required)",
            user_id="sim-user",
            name="simulator key",
            team_id="sim-team",
            acls=["api-key:model:*", "api-key:endpoint:*"],
            api_key_id="sim-key-1",
        )
        key.create_time.seconds = 1_735_689_600
        key.modify_time.seconds = 1_735_689_600
        return key
