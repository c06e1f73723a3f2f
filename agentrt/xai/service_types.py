"""Plain values returned by the non-chat services (models, tokenize, images, ...)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from agentrt.xai.chat_response import Usage
from agentrt.xai.image_types import StoredImage

__all__ = [
    "ApiKeyInfo",
    "EmbeddingResult",
    "GeneratedImage",
    "ImageResult",
    "ModelInfo",
    "SearchMatch",
    "Token",
]


@dataclass(frozen=True, kw_only=True, slots=True)
class ModelInfo:
    """A language, embedding or image-generation model (``kind`` says which).

    Prices are in the API's integer units (USD cents per 100M tokens for tokens).
    """

    kind: str
    name: str
    aliases: tuple[str, ...] = ()
    version: str = ""
    input_modalities: tuple[str, ...] = ()
    output_modalities: tuple[str, ...] = ()
    max_prompt_length: int = 0
    created: datetime | None = None
    system_fingerprint: str = ""
    prices: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True, slots=True)
class Token:
    """One token of a tokenized text."""

    token_id: int
    string_token: str
    token_bytes: bytes = b""


@dataclass(frozen=True, kw_only=True, slots=True)
class GeneratedImage:
    """One generated image: a URL or base64 data (as requested).

    ``file`` says where it was kept when the request asked for storage
    (``storage_error`` why it was not).
    """

    url: str = ""
    base64: str = ""
    respect_moderation: bool = True
    file: StoredImage | None = None
    storage_error: str = ""


@dataclass(frozen=True, kw_only=True, slots=True)
class ImageResult:
    """The images of one generation request, with its usage and cost."""

    images: tuple[GeneratedImage, ...]
    model: str = ""
    usage: Usage = field(default_factory=Usage)

    @property
    def cost_usd(self) -> float:
        """What the request cost in USD (``usage.cost_usd``)."""
        return self.usage.cost_usd


@dataclass(frozen=True, kw_only=True, slots=True)
class EmbeddingResult:
    """One vector per input, in input order."""

    vectors: tuple[tuple[float, ...], ...]
    model: str = ""
    id: str = ""


@dataclass(frozen=True, kw_only=True, slots=True)
class SearchMatch:
    """One chunk of a document that matched a search."""

    file_id: str
    chunk_id: str
    chunk_content: str
    score: float
    collection_ids: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True, slots=True)
class ApiKeyInfo:
    """What the server knows about the API key in use (redacted; never the key itself)."""

    redacted_api_key: str
    name: str = ""
    api_key_id: str = ""
    user_id: str = ""
    team_id: str = ""
    acls: tuple[str, ...] = ()
    blocked: bool = False
    team_blocked: bool = False
    disabled: bool = False
