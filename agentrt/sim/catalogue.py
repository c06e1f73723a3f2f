"""The models the simulator serves: a small, fixed catalogue.

Chat requests name a language model by name or alias; an unknown name gets
NOT_FOUND, as from the real API. Reasoning models stream reasoning content
before the answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

__all__ = [
    "CATALOGUE",
    "ModelEntry",
    "find_model",
    "models_of_kind",
]

ModelKind = Literal["language", "embedding", "image"]


@dataclass(frozen=True, kw_only=True)
class ModelEntry:
    """One model of the catalogue."""

    name: str
    kind: ModelKind
    aliases: tuple[str, ...] = ()
    reasoning: bool = False
    vision: bool = False
    max_prompt_length: int = 131_072
    created: int = 1_735_689_600  # 2025-01-01T00:00:00Z
    version: str = "1.0.0"

    @property
    def fingerprint(self) -> str:
        """The system fingerprint reported with this model's responses."""
        return f"fp_sim_{self.name.replace('-', '')[:12]}"


CATALOGUE: tuple[ModelEntry, ...] = (
    ModelEntry(
        name="grok-4-1-fast-reasoning",
        kind="language",
        aliases=("grok-4-1-fast", "grok-4-1-fast-reasoning-latest"),
        reasoning=True,
        vision=True,
        max_prompt_length=2_000_000,
    ),
    ModelEntry(
        name="grok-4-1-fast-non-reasoning",
        kind="language",
        aliases=("grok-4-1-fast-non-reasoning-latest",),
        vision=True,
        max_prompt_length=2_000_000,
    ),
    ModelEntry(
        name="grok-4-fast-reasoning",
        kind="language",
        aliases=("grok-4-fast",),
        reasoning=True,
        max_prompt_length=2_000_000,
    ),
    ModelEntry(name="grok-4-fast-non-reasoning", kind="language", max_prompt_length=2_000_000),
    ModelEntry(
        name="grok-4-0709",
        kind="language",
        aliases=("grok-4", "grok-4-latest"),
        reasoning=True,
        max_prompt_length=256_000,
    ),
    ModelEntry(name="grok-code-fast-1", kind="language", reasoning=True, max_prompt_length=256_000),
    ModelEntry(name="grok-3", kind="language", aliases=("grok-3-latest",)),
    ModelEntry(
        name="grok-3-mini", kind="language", aliases=("grok-3-mini-latest",), reasoning=True
    ),
    # The realtime (voice) API's model: it answers through the same chat model.
    ModelEntry(name="grok-voice-latest", kind="language", aliases=("grok-voice",)),
    ModelEntry(name="grok-embed-1", kind="embedding", aliases=("v1",)),
    ModelEntry(
        name="grok-2-image-1212",
        kind="image",
        aliases=("grok-2-image", "grok-2-image-latest", "aurora"),
        max_prompt_length=1_024,
    ),
    ModelEntry(name="grok-imagine-image", kind="image", max_prompt_length=1_024),
)


def models_of_kind(kind: ModelKind) -> list[ModelEntry]:
    """Every catalogue entry of one kind, in catalogue order."""
    return [m for m in CATALOGUE if m.kind == kind]


def find_model(name: str, kind: ModelKind) -> ModelEntry | None:
    """The entry of ``kind`` called ``name`` (or aliased so), else None."""
    return _find(name, kind)


@lru_cache(maxsize=256)  # looked up for every model call
def _find(name: str, kind: ModelKind) -> ModelEntry | None:
    for m in CATALOGUE:
        if m.kind == kind and (m.name == name or name in m.aliases):
            return m
    return None
