"""What the simulated model reads from the simulator's store before it answers a chat request.

Chat uses the same store as the Files and Collections services:

* **Attached files** (a message's file parts; xAI answers them with its
  ``attachment_search`` tool, so the reply records that call): a stored file by
  ``file_id`` (an unknown id is NOT_FOUND naming it) or inline bytes. A UTF-8 text
  file is read: the answer quotes its sentences holding most of the question's
  content words. A binary file is described (name, size), never quoted. A URL is
  not fetched, and the answer says so.
* **collections_search**: the question is searched in the offered collections
  with the same ranking ``Documents/Search`` uses (hybrid unless the tool asks for
  another mode). The model "wants to search" when a chunk shares a content word
  with the question (stop words such as "what" or "document" never count), or when
  the question asks for a search in so many words; a chat about anything else
  does not search. The answer quotes the best chunks' best sentences and cites
  them (``collections://<collection_id>/files/<file_id>``). A missing collection,
  or one with nothing indexed yet, is a failed tool call and an answer saying it
  found nothing, never an error of the chat call.

Only requests that offer ``collections_search`` or carry a file part come here.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence

import grpc

from agentrt.sim import retrieval
from agentrt.sim.collections import check_searchable
from agentrt.sim.grounding import (
    Attachment,
    CollectionsQuery,
    Grounding,
    Quote,
    best_sentences,
    compose,
    content_stems,
    first_sentence,
    search_query,
)
from agentrt.sim.model import Prompt
from agentrt.sim.ragstore import RagStore
from agentrt.sim.server_tools import ServerToolUse, asks_for, tool_call_id
from agentrt.sim.status import SimStatus
from agentrt.xai.image_sniff import describe_image, sniff_image

__all__ = ["MAX_ATTACHMENTS", "MAX_SEARCHED", "ChatSources"]

MAX_ATTACHMENTS = 16  # distinct files one conversation may attach
MAX_SEARCHED = 10  # collections one collections_search tool may name (xAI's limit)
_MAX_QUESTION = 2_000  # characters of the question searched for
_QUOTED = 2  # chunks (of distinct files) an answer quotes
_SNIFFED = 65_536  # bytes of a binary file read for a picture's header


def _invalid(details: str) -> SimStatus:
    return SimStatus(grpc.StatusCode.INVALID_ARGUMENT, details)


def _match(quote: Quote) -> dict[str, object]:
    return {
        "file_id": quote.file_id,
        "chunk_id": quote.chunk_id,
        "chunk_content": quote.chunk_content,
        "score": quote.score,
        "collection_ids": list(quote.collection_ids),
    }


def _text(head: bytes, truncated: bool) -> str | None:
    """``head`` as text, or None when it is binary (not UTF-8, or holding NUL bytes)."""
    if b"\0" in head:
        return None
    try:
        return head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if truncated and exc.start >= len(head) - 3:  # a character cut by the read limit
            return head[: exc.start].decode("utf-8", errors="strict")
        return None


class ChatSources:
    """Reads attached files and searches collections for the chat model."""

    def __init__(self, store: RagStore) -> None:
        self.store = store

    def ground(self, prompt: Prompt) -> Grounding | None:
        """What the model read for ``prompt``: None when it read nothing.

        NOT_FOUND for an attached file that does not exist; INVALID_ARGUMENT for too
        many attachments or collections.
        """
        read = self._read_all(prompt.attachments)
        if not prompt.turns or prompt.turns[-1].role != "user":
            return None
        question = prompt.turns[-1].text[:_MAX_QUESTION]
        stems = content_stems(question)
        lines: list[str | Quote] = []
        uses: list[ServerToolUse] = []
        if read:
            uses.append(self._attachments(read, question, stems, lines))
        query = prompt.collections
        offered = query is not None and "collections_search" in prompt.server_tools
        if query is not None and offered and prompt.tool_choice != "none":
            use = self._collections(query, question, stems, lines)
            if use is not None:
                uses.append(use)
        if not uses:
            return None
        answer, cites = compose(lines)
        if not prompt.tool_outputs:  # results and citations only when include asks for them
            uses = [dataclasses.replace(u, output="") for u in uses]
        if prompt.inline_citations:
            uses[0] = dataclasses.replace(uses[0], cites=cites)
        return Grounding(answer=answer, uses=tuple(uses))

    def _read_all(
        self, attachments: Sequence[Attachment]
    ) -> list[tuple[Attachment, str, int, str | None]]:
        """(attachment, name, size, text or None) of each distinct attachment."""
        distinct = list(dict.fromkeys(attachments))
        if len(distinct) > MAX_ATTACHMENTS:
            raise _invalid(
                f"messages: {len(distinct)} files attached; the simulator reads at most "
                f"{MAX_ATTACHMENTS} per conversation"
            )
        return [(a, *self._read(a)) for a in distinct]

    def _read(self, attachment: Attachment) -> tuple[str, int, str | None]:
        limit = self.store.limits.max_indexed_bytes
        if attachment.file_id:
            try:
                _, name, size, _, _ = self.store.file(attachment.file_id)
            except SimStatus:
                raise SimStatus(
                    grpc.StatusCode.NOT_FOUND,
                    f"messages: attached file {attachment.file_id!r} not found "
                    "(upload it with Files.UploadFile first, or check the id)",
                ) from None
            head = self.store.file_head(attachment.file_id, limit)
            return name, size, _text(head, size > limit)
        if attachment.data is not None:
            data = attachment.data
            name = attachment.filename or "the attached file"
            return name, len(data), _text(data[:limit], len(data) > limit)
        return attachment.filename or attachment.url, -1, None

    def _binary(self, attachment: Attachment, name: str, size: int) -> str:
        """A file that is not text: a picture is described from its header, else its size."""
        if attachment.data is not None:
            head = attachment.data[:_SNIFFED]
        else:
            head = self.store.file_head(attachment.file_id, _SNIFFED)
        info = sniff_image(head)
        if info is not None:
            return f"{name} is {describe_image(info, size)}."
        return f"{name} is a binary file of {size} bytes; I cannot quote it."

    def _attachments(
        self,
        read: Sequence[tuple[Attachment, str, int, str | None]],
        question: str,
        stems: frozenset[str],
        lines: list[str | Quote],
    ) -> ServerToolUse:
        """Quote or describe each attached file; the ``attachment_search`` call that did it."""
        matches = []
        for attachment, name, size, text in read:
            if size < 0:
                lines.append(f"I cannot open {attachment.url}: the simulator does not fetch URLs.")
            elif text is None:
                lines.append(self._binary(attachment, name, size))
            elif not text.strip():
                lines.append(f"{name} is empty.")
            elif sentences := best_sentences(text, stems):
                quote = Quote(
                    text=" ".join(sentences),
                    source=name,
                    file_id=attachment.file_id,
                    chunk_id=f"{attachment.file_id or name}:0",
                    chunk_content=" ".join(sentences),
                    score=float(len(stems & content_stems(" ".join(sentences)))),
                )
                lines.append(quote)
                matches.append(_match(quote))
            else:
                lines.append(f"{name} does not say; it begins: “{first_sentence(text)}”.")
        ids = ",".join(a.file_id or a.filename for a, *_ in read)
        return ServerToolUse(
            id=tool_call_id("attachment_search", f"{question}|{ids}"),
            kind="attachment_search",
            arguments=json.dumps({"query": search_query(question)}),
            sources=(),
            output=json.dumps({"search_matches": matches}),
        )

    def _search(self, query: CollectionsQuery, text: str, limit: int) -> list[retrieval.Hit]:
        cids = list(dict.fromkeys(query.collection_ids))
        if not 1 <= len(cids) <= MAX_SEARCHED:
            raise _invalid(
                f"collections_search names {len(cids)} collections; name 1..{MAX_SEARCHED}"
            )
        check_searchable(self.store, cids)
        if query.mode == "keyword":
            return retrieval.keyword(self.store, text, cids, limit)
        if query.mode == "semantic":
            return retrieval.semantic(self.store, text, cids, limit)
        return retrieval.hybrid(self.store, text, cids, limit)

    def _collections(
        self,
        query: CollectionsQuery,
        question: str,
        stems: frozenset[str],
        lines: list[str | Quote],
    ) -> ServerToolUse | None:
        """Search the collections; the call made, or None when the model would not search."""
        text = search_query(question)
        limit = min(max(query.limit or 10, 1), self.store.limits.max_search_limit)
        error, hits = "", []
        try:
            hits = self._search(query, text, limit)
        except SimStatus as status:
            error = status.details
        relevant = [h for h in hits if stems & content_stems(h.chunk.content)]
        if not (relevant or error or asks_for("collections_search", question)):
            return None
        quotes = [q for h in relevant if (q := self._quote(h, stems)) is not None]
        shown: list[Quote] = []
        files: set[str] = set()
        for quote in quotes:
            if quote.file_id not in files and len(shown) < _QUOTED:
                files.add(quote.file_id)
                shown.append(quote)
        if error:
            lines.append(f"I searched the collections and found nothing: {error}.")
        elif not shown:
            lines.append(f"I searched the collections and found nothing about “{text[:80]}”.")
        lines.extend(shown)
        arguments = {"query": text, "collection_ids": list(query.collection_ids), "limit": limit}
        output: dict[str, object] = {"search_matches": [_match(q) for q in quotes]}
        if error:
            output["error"] = error
        return ServerToolUse(
            id=tool_call_id("collections_search", f"{question}|{','.join(query.collection_ids)}"),
            kind="collections_search",
            arguments=json.dumps(arguments),
            sources=tuple(
                dict.fromkeys(
                    f"collections://{c}/files/{q.file_id}" for q in quotes for c in q.collection_ids
                )
            ),
            output=json.dumps(output),
            error=error,
        )

    def _quote(self, hit: retrieval.Hit, stems: frozenset[str]) -> Quote | None:
        """The hit as a quote; None when its file has expired or gone since it was indexed."""
        chunk = hit.chunk
        try:
            source = self.store.file(chunk.file_id)[1]
        except SimStatus:
            return None
        sentences = best_sentences(chunk.content, stems, 1) or [first_sentence(chunk.content)]
        return Quote(
            text=sentences[0],
            source=source,
            file_id=chunk.file_id,
            chunk_id=chunk.chunk_id,
            chunk_content=chunk.content,
            score=hit.score,
            collection_ids=(chunk.collection_id,),
        )
