"""The simulator's deterministic tokenizer: the one source of token counts.

Tokenize, usage accounting and chunking all call :func:`tokenize`, so a
response's ``usage`` always agrees with what ``TokenizeText`` returns for the
same text. The rule is simple and stable: a word with its leading space, up to
three digits, a run of punctuation, or a run of whitespace is one token.
Joining the tokens gives back the text exactly.
"""

from __future__ import annotations

import re
import zlib
from functools import lru_cache

__all__ = ["VOCAB_SIZE", "count_tokens", "token_id", "tokenize"]

VOCAB_SIZE = 131_072

_TOKEN_RE = re.compile(r" ?[^\W\d_]+| ?\d{1,3}| ?[^\s\w]+| ?_+|\s+")


def tokenize(text: str) -> list[str]:
    """Split ``text`` into tokens whose concatenation is ``text``."""
    return _TOKEN_RE.findall(text)


_CACHED_CHARS = 4096


def count_tokens(text: str) -> int:
    """How many tokens :func:`tokenize` makes of ``text``.

    A conversation resends its messages with every call, so counts of short texts
    are cached (usage is counted per call, over the whole prompt).
    """
    if not text:
        return 0
    if len(text) <= _CACHED_CHARS:
        return _cached_count(text)
    return len(_TOKEN_RE.findall(text))


@lru_cache(maxsize=16_384)
def _cached_count(text: str) -> int:
    return len(_TOKEN_RE.findall(text))


@lru_cache(maxsize=65_536)
def token_id(token: str) -> int:
    """A stable id for ``token`` in ``[0, VOCAB_SIZE)``."""
    return zlib.crc32(token.encode()) % VOCAB_SIZE
