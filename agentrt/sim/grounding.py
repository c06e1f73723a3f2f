"""What the simulated model read before answering: attached files and collection search hits.

Pure text work, no store: the question's content words, the sentences of a text that
match them best, and the :class:`Grounding` (the answer quoting them and the server-side
tool calls behind it, with their results and citations) that :mod:`agentrt.sim.chat_sources` builds and
:func:`agentrt.sim.model.respond` puts in the reply.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from agentrt.sim.server_tools import ServerToolUse

__all__ = [
    "Attachment",
    "Cite",
    "CollectionsQuery",
    "Grounding",
    "Quote",
    "best_sentences",
    "compose",
    "content_stems",
    "first_sentence",
    "search_query",
]

_WORD = re.compile(r"\w+")
# A sentence ends at . ! ? or a blank line; a single line break inside a paragraph (wrapped
# text) does not end one, but one before a heading or a list item does.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n\s*\n|\n(?=[ \t]*(?:[#>*+-]|\d+[.)])[ \t])")
_STEM = 5  # letters kept of a word, as the semantic index does: "indexing" meets "indexed"
_MAX_QUOTE = 400
# Words that say what kind of question it is, not what it is about: they never make a
# passage relevant (a question about anything asks "what does the document say").
_STOP = frozenset(
    """a about according after all also am an and any are as at attached attachment
    attachments be been being but by can collection collections could did do doc docs
    document documents does done file files find for from give had has have he her here
    his how i if in into is it its know look me mention mentions might must my no not of on or
    our please said say says search she should show some tell than that the their them
    there these they this those to upload uploaded us was we were what when where which
    who whom whose why will with would you your""".split()  # noqa: SIM905 (a list of 110 words)
)


@dataclass(frozen=True, kw_only=True)
class Attachment:
    """A file part of a user message: a stored file's id, or inline bytes, or a URL."""

    file_id: str = ""
    data: bytes | None = None
    filename: str = ""
    url: str = ""


@dataclass(frozen=True, kw_only=True)
class CollectionsQuery:
    """The ``collections_search`` tool a request offers."""

    collection_ids: tuple[str, ...]
    limit: int | None = None
    mode: str = "hybrid"  # "hybrid", "semantic" or "keyword"


@dataclass(frozen=True, kw_only=True)
class Quote:
    """A passage the answer quotes, and where it came from."""

    text: str
    source: str  # the file's name
    file_id: str
    chunk_id: str = ""
    chunk_content: str = ""
    score: float = 0.0
    collection_ids: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Cite:
    """An inline citation: the quote's place in the answer and what it quotes."""

    id: str
    start: int
    end: int
    quote: Quote


@dataclass(frozen=True, kw_only=True)
class Grounding:
    """The answer from what was read, and the server-side tool calls made to read it.

    The answer's inline citations (when asked for) ride on the first call's ``cites``.
    """

    answer: str
    uses: tuple[ServerToolUse, ...]


def content_stems(text: str) -> frozenset[str]:
    """The stems of the words of ``text`` that say what it is about (stop words left out)."""
    return frozenset(w[:_STEM] for w in _WORD.findall(text.lower()) if w not in _STOP)


def search_query(question: str) -> str:
    """``question`` without its stop words (the whole question when nothing is left)."""
    words = [w for w in _WORD.findall(question) if w.lower() not in _STOP]
    return " ".join(words) or question


def _sentences(text: str) -> list[str]:
    """The sentences of ``text``; markdown headings are titles, not something to quote."""
    return [s for s in map(str.strip, _SENTENCE_END.split(text)) if s and not s.startswith("#")]


def _short(sentence: str) -> str:
    flat = " ".join(sentence.split())
    return flat if len(flat) <= _MAX_QUOTE else flat[: _MAX_QUOTE - 1] + "…"


@functools.lru_cache(maxsize=8)  # a conversation resends its attachments with every turn
def _read(text: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """The sentences of ``text`` with their content stems."""
    return tuple((s, content_stems(s)) for s in _sentences(text))


def best_sentences(text: str, stems: frozenset[str], count: int = 2) -> list[str]:
    """Up to ``count`` sentences of ``text`` that best match ``stems``, best first; [] if none.

    A sentence scores, for each of ``stems`` it holds, one over the number of sentences
    holding that stem (a word every sentence has tells little); ties go to the earlier
    sentence. Sentences after the best are kept only when nearly as good (3/4 of its score).
    """
    read = _read(text)
    sentences = [sentence for sentence, _ in read]
    held = [stems & words for _, words in read]
    spread = Counter(stem for h in held for stem in h)
    scored = sorted(
        (-sum(1 / spread[stem] for stem in h), place) for place, h in enumerate(held) if h
    )
    if not scored:
        return []
    best = scored[0][0]
    return [_short(sentences[place]) for score, place in scored[:count] if score <= 0.75 * best]


def first_sentence(text: str) -> str:
    """The first sentence of ``text`` ("" when it has none)."""
    sentences = _sentences(text[:4096])
    return _short(sentences[0]) if sentences else ""


def compose(lines: Iterable[str | Quote], first_cite: int = 1) -> tuple[str, tuple[Cite, ...]]:
    """An answer of ``lines``: plain sentences, and quotes each cited as ``[n]``.

    Returns the text and the citations, each spanning its quoted text.
    """
    out, cites, n = "", [], first_cite
    for line in lines:
        out += " " if out else ""
        if isinstance(line, str):
            out += line
            continue
        out += f"{line.source} says: “"
        start = len(out)
        out += line.text
        cites.append(Cite(id=str(n), start=start, end=len(out), quote=line))
        out += f"” [{n}]."
        n += 1
    return out, tuple(cites)
