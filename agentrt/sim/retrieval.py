"""Chunking, embedding and ranking for the simulator's document search.

* keyword: SQLite FTS5 over the chunks, ranked by bm25 (the query's words OR-ed, so a
  chunk holding the query's rarest word ranks first); exact words only, no stemming.
* semantic: cosine similarity of chunk and query vectors. A vector is the normalized
  sum of the simulator's deterministic embeddings (those ``Embed`` returns) of each
  word's first five letters, a crude stemmer: "indexing" finds "indexed", which
  keyword search does not.
* hybrid (xAI's default): reciprocal-rank fusion of both lists, each chunk scoring
  ``text_weight / (k + keyword_rank) + embedding_weight / (k + semantic_rank)``
  (ranks from 1; k = 60 and equal weights unless the request sets them).
"""

from __future__ import annotations

import functools
import heapq
import math
import operator
import re
import struct
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from agentrt.sim.ragstore import Chunk, RagStore
from agentrt.sim.services import EMBEDDING_DIMENSIONS, _embedding

__all__ = [
    "RRF_K",
    "Hit",
    "chunk_text",
    "embed",
    "frequent_words",
    "fts_query",
    "hybrid",
    "keyword",
    "semantic",
]

_WORD = re.compile(r"\w+")
_PACK = struct.Struct(f"<{EMBEDDING_DIMENSIONS}f")
_STEM = 5
RRF_K = 60


@dataclass(frozen=True)
class Hit:
    """A ranked chunk and its score (higher is better)."""

    chunk: Chunk
    score: float


def chunk_text(text: str, size: int, overlap: int, strip: bool) -> list[str]:
    """``text`` cut into windows of at most ``size`` characters overlapping by ``overlap``,
    each ending at a whitespace when one is in its second half."""
    chunks: list[str] = []
    start = 0
    while start < len(text):
        end = min(start + size, len(text))
        if end < len(text):
            cut = text.rfind(" ", start + size // 2, end)
            end = cut + 1 if cut > 0 else end
        piece = text[start:end]
        piece = " ".join(piece.split()) if strip else piece
        if piece.strip():
            chunks.append(piece)
        if end >= len(text):
            break
        start = max(end - overlap, start + 1)
    return chunks


@functools.lru_cache(maxsize=65_536)
def _stem_vector(stem: str) -> tuple[float, ...]:
    return tuple(_embedding(stem))


def _vector(text: str) -> list[float]:
    total = [0.0] * EMBEDDING_DIMENSIONS
    for stem, count in Counter(w[:_STEM] for w in _WORD.findall(text.lower())).items():
        for i, v in enumerate(_stem_vector(stem)):
            total[i] += count * v
    norm = math.sqrt(sum(v * v for v in total)) or 1.0
    return [v / norm for v in total]


def frequent_words(chunks: Sequence[Chunk], count: int) -> list[str]:
    """The ``count`` most frequent words of four letters or more, ties alphabetical."""
    words = Counter(
        w for c in chunks for w in _WORD.findall(c.content.lower()) if len(w) >= 4 and w.isalpha()
    )
    return [w for w, _ in sorted(words.items(), key=lambda i: (-i[1], i[0]))[:count]]


def embed(text: str) -> bytes:
    """The packed unit vector of ``text`` (stored beside each chunk)."""
    return _PACK.pack(*_vector(text))


def fts_query(query: str) -> str | None:
    """An FTS5 query OR-ing the words of ``query`` (quoted, so no syntax leaks); None if none."""
    words = sorted(set(_WORD.findall(query.lower())))
    return " OR ".join(f'"{w}"' for w in words) or None


def keyword(store: RagStore, query: str, cids: Sequence[str], limit: int) -> list[Hit]:
    """The best ``limit`` chunks by bm25."""
    match = fts_query(query)
    if match is None:
        return []
    return [Hit(c, s) for c, s in store.keyword(match, cids, limit)]


def semantic(store: RagStore, query: str, cids: Sequence[str], limit: int) -> list[Hit]:
    """The best ``limit`` chunks by cosine similarity to the query (positive only).

    Scores every chunk's vector without building its row (``map(mul)``: no Python loop
    per dimension), keeps the best with a heap, and reads only their text: ≈4x less
    time than scoring whole rows on 10,000 chunks (benchmarks/bench_search.py).
    """
    q = _vector(query)
    mul, unpack = operator.mul, _PACK.unpack
    scored = ((sum(map(mul, q, unpack(v))), -row) for row, v in store.indexed_vectors(cids))
    best = heapq.nlargest(limit, (item for item in scored if item[0] > 0))
    chunks = store.chunks_at([-row for _, row in best])
    return [Hit(chunks[-row], score) for score, row in best]


def hybrid(
    store: RagStore,
    query: str,
    cids: Sequence[str],
    limit: int,
    *,
    k: int = RRF_K,
    text_weight: float = 0.5,
    embedding_weight: float = 0.5,
    multiplier: int = 2,
) -> list[Hit]:
    """Reciprocal-rank fusion of keyword and semantic lists of ``limit * multiplier`` each."""
    depth = limit * multiplier
    fused: dict[int, float] = {}
    chunks: dict[int, Chunk] = {}
    for weight, hits in (
        (text_weight, keyword(store, query, cids, depth)),
        (embedding_weight, semantic(store, query, cids, depth)),
    ):
        for rank, hit in enumerate(hits, start=1):
            chunks[hit.chunk.row] = hit.chunk
            fused[hit.chunk.row] = fused.get(hit.chunk.row, 0.0) + weight / (k + rank)
    best = sorted(fused, key=lambda row: (-fused[row], row))[:limit]
    return [Hit(chunks[row], fused[row]) for row in best]
