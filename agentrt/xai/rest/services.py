"""The small services over REST: ``client.models``, ``tokenizer``, ``embeddings``, ``images``, ``auth``.

The same methods and values as :mod:`agentrt.xai.services` where xAI's REST API has
them: ``GET /language-models`` (``/embedding-models``, ``/image-generation-models``),
``POST /tokenize-text``, ``POST /embeddings``, ``POST /images/generations``,
``GET /api-key``. Options only gRPC carries raise one UsageError naming ``protocol="grpc"``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from agentrt.errors import ServerError, UsageError
from agentrt.xai.chat_response import Usage
from agentrt.xai.deadline import Timeout
from agentrt.xai.rest.chat_wire import usage_from_json
from agentrt.xai.rest.json_encoder import dumps
from agentrt.xai.rest.transport import RestTransport
from agentrt.xai.service_types import (
    ApiKeyInfo,
    EmbeddingResult,
    GeneratedImage,
    ImageResult,
    ModelInfo,
    Token,
)

__all__ = [
    "RestAuth",
    "RestEmbeddings",
    "RestImages",
    "RestModels",
    "RestServices",
    "RestTokenizer",
    "rest_services",
]

_MODEL_PATHS = {
    "language": "/language-models",
    "embedding": "/embedding-models",
    "image": "/image-generation-models",
}
_PRICES = (
    "prompt_text_token_price",
    "prompt_image_token_price",
    "cached_prompt_text_token_price",
    "completion_text_token_price",
    "search_price",
    "image_price",
)


def _bad(what: str, raw: Any) -> ServerError:
    return ServerError(f"not {what}: {str(raw)[:200]}", code="200")


def _path(kind: str) -> str:
    path = _MODEL_PATHS.get(kind)
    if path is None:
        raise UsageError(f"model kind must be 'language', 'embedding' or 'image', got {kind!r}")
    return path


def _model(kind: str, m: Any) -> ModelInfo:
    created = m.get("created")
    return ModelInfo(
        kind=kind,
        name=str(m.get("id") or m.get("name") or ""),
        aliases=tuple(m.get("aliases") or ()),
        version=str(m.get("version") or ""),
        input_modalities=tuple(m.get("input_modalities") or ()),
        output_modalities=tuple(m.get("output_modalities") or ()),
        max_prompt_length=int(m.get("max_prompt_length") or 0),
        created=datetime.fromtimestamp(created, UTC) if isinstance(created, int) else None,
        system_fingerprint=str(m.get("fingerprint") or m.get("system_fingerprint") or ""),
        prices={f: int(m[f]) for f in _PRICES if isinstance(m.get(f), int)},
    )


class _Service:
    def __init__(self, transport: RestTransport) -> None:
        self._transport = transport


class RestModels(_Service):
    """The model catalogue over REST."""

    async def list(
        self,
        kind: Literal["language", "embedding", "image"] = "language",
        *,
        timeout: Timeout = None,  # noqa: ASYNC109 - it becomes the request's deadline
    ) -> list[ModelInfo]:
        """Every model of ``kind``: ``language``, ``embedding`` or ``image``."""
        raw = await self._transport.call("GET", _path(kind), timeout=timeout)
        try:
            return [_model(kind, m) for m in raw["models"]]
        except (KeyError, TypeError, AttributeError, ValueError):
            raise _bad("a model list", raw) from None

    async def get(
        self,
        name: str,
        kind: Literal["language", "embedding", "image"] = "language",
        *,
        timeout: Timeout = None,  # noqa: ASYNC109 - it becomes the request's deadline
    ) -> ModelInfo:
        """One model of ``kind`` by name or alias."""
        if not name or "/" in name or "?" in name:
            raise UsageError(f"not a model name: {name!r}")
        raw = await self._transport.call("GET", f"{_path(kind)}/{name}", timeout=timeout)
        try:
            return _model(kind, raw)
        except (TypeError, AttributeError, ValueError):
            raise _bad("a model", raw) from None


class RestTokenizer(_Service):
    """Tokenization over REST."""

    async def tokenize(
        self,
        text: str,
        *,
        model: str,
        timeout: Timeout = None,  # noqa: ASYNC109 - it becomes the request's deadline
    ) -> list[Token]:
        """The tokens ``model`` splits ``text`` into."""
        body = dumps({"text": text, "model": model})
        raw = await self._transport.call("POST", "/tokenize-text", body, timeout=timeout)
        try:
            return [
                Token(
                    token_id=int(t["token_id"]),
                    string_token=str(t.get("string_token") or ""),
                    token_bytes=bytes(t.get("token_bytes") or ()),
                )
                for t in raw["token_ids"]
            ]
        except (KeyError, TypeError, AttributeError, ValueError):
            raise _bad("a token list", raw) from None


class RestEmbeddings(_Service):
    """Embeddings over REST."""

    async def create(
        self,
        texts: list[str],
        *,
        model: str,
        user: str = "",
        timeout: Timeout = None,  # noqa: ASYNC109 - it becomes the request's deadline
    ) -> EmbeddingResult:
        """One float vector per text, in order."""
        request: dict[str, Any] = {"input": list(texts), "model": model, "encoding_format": "float"}
        if user:
            request["user"] = user
        raw = await self._transport.call("POST", "/embeddings", dumps(request), timeout=timeout)
        try:
            ordered = sorted(raw["data"], key=lambda e: e.get("index", 0))
            vectors = tuple(tuple(float(x) for x in e["embedding"]) for e in ordered)
            return EmbeddingResult(
                vectors=vectors, model=str(raw.get("model") or ""), id=str(raw.get("id") or "")
            )
        except (KeyError, TypeError, AttributeError, ValueError):
            raise _bad("an embedding list", raw) from None


class RestImages(_Service):
    """Image generation over REST (prompt, model, count and format; the rest needs gRPC)."""

    async def generate(
        self,
        prompt: str,
        *,
        model: str,
        n: int | None = None,
        image_format: Literal["url", "base64"] = "url",
        user: str = "",
        timeout: Timeout = None,  # noqa: ASYNC109 - it becomes the request's deadline
        **grpc_only: Any,
    ) -> ImageResult:
        """Generate ``n`` images for ``prompt``, as URLs or base64 data URLs."""
        given = sorted(k for k, v in grpc_only.items() if v not in (None, (), []))
        if given:
            raise UsageError(f"images.generate({', '.join(given)}=...) needs protocol='grpc'")
        if image_format not in ("url", "base64"):
            raise UsageError(f"image_format must be 'url' or 'base64', got {image_format!r}")
        request: dict[str, Any] = {"prompt": prompt, "model": model}
        request["response_format"] = "url" if image_format == "url" else "b64_json"
        if n is not None:
            request["n"] = n
        if user:
            request["user"] = user
        raw = await self._transport.call(
            "POST", "/images/generations", dumps(request), timeout=timeout
        )
        try:
            images = tuple(
                GeneratedImage(url=str(i.get("url") or ""), base64=_data_url(i.get("b64_json")))
                for i in raw["data"]
            )
            usage = usage_from_json(raw.get("usage")) if raw.get("usage") else Usage()
            return ImageResult(images=images, model=str(raw.get("model") or model), usage=usage)
        except (KeyError, TypeError, AttributeError, ValueError):
            raise _bad("an image list", raw) from None


def _data_url(b64: Any) -> str:
    if not b64:
        return ""
    text = str(b64)
    return text if text.startswith("data:") else f"data:image/jpeg;base64,{text}"


class RestAuth(_Service):
    """Information about the API key in use, over REST."""

    async def api_key_info(
        self,
        *,
        timeout: Timeout = None,  # noqa: ASYNC109 - it becomes the request's deadline
    ) -> ApiKeyInfo:
        """The redacted key, its name, team, ACLs and whether it is blocked."""
        raw = await self._transport.call("GET", "/api-key", timeout=timeout)
        try:
            return ApiKeyInfo(
                redacted_api_key=str(raw["redacted_api_key"]),
                name=str(raw.get("name") or ""),
                api_key_id=str(raw.get("api_key_id") or ""),
                user_id=str(raw.get("user_id") or ""),
                team_id=str(raw.get("team_id") or ""),
                acls=tuple(str(a) for a in raw.get("acls") or ()),
                blocked=bool(raw.get("api_key_blocked")),
                team_blocked=bool(raw.get("team_blocked")),
                disabled=bool(raw.get("api_key_disabled") or raw.get("disabled")),
            )
        except (KeyError, TypeError, AttributeError, ValueError):
            raise _bad("API key information", raw) from None


@dataclass(frozen=True, slots=True)
class RestServices:
    """The services a REST client exposes besides chat."""

    models: RestModels
    tokenizer: RestTokenizer
    images: RestImages
    embeddings: RestEmbeddings
    auth: RestAuth


def rest_services(transport: RestTransport) -> RestServices:
    """The services of a REST client on ``transport``."""
    return RestServices(
        models=RestModels(transport),
        tokenizer=RestTokenizer(transport),
        images=RestImages(transport),
        embeddings=RestEmbeddings(transport),
        auth=RestAuth(transport),
    )
