"""xAI's server-side tools (web search, X search, code execution …), simulated.

The real API runs these inside the request: the answer arrives with the tool
calls the server made (type ``web_search`` …, status completed), citations,
and ``server_side_tools_used`` in the usage. The simulator does the same when
a request offers such a tool and the user's text asks for it (words like
"search", "latest", "tweets", "calculate"), and no client-side tool was called
in that turn. Sources are deterministic ``https://example.com/…`` URLs.

``collections_search`` and ``attachment_search`` read the simulator's own store
instead (see :mod:`agentrt.sim.chat_sources`); their trigger words here only
decide whether a search that found nothing is still reported as made.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus

__all__ = [
    "STORE_TOOLS",
    "TRIGGERS",
    "ServerToolUse",
    "asks_for",
    "tool_call_id",
    "use_server_tools",
]

# tool kind (the oneof field name in chat_pb2.Tool) -> words in the user's text that call it
TRIGGERS: dict[str, frozenset[str]] = {
    "web_search": frozenset({"search", "web", "online", "internet", "news", "latest", "google"}),
    # not "x": the [a-z]+ words of "3x4" or "2x2 grid" would call it
    "x_search": frozenset({"tweet", "tweets", "posts", "twitter"}),
    "code_execution": frozenset({"code", "compute", "calculate", "python", "execute"}),
    "collections_search": frozenset({"collection", "collections", "documents", "docs"}),
    "attachment_search": frozenset({"attachment", "attachments", "attached"}),
}
STORE_TOOLS = frozenset({"collections_search", "attachment_search"})  # see chat_sources
_WORD = re.compile(r"[a-z]+")


@dataclass(frozen=True, kw_only=True)
class ServerToolUse:
    """One server-side tool call the simulated server made, with what it found."""

    id: str
    kind: str
    arguments: str
    sources: tuple[str, ...]
    output: str = ""  # the tool's result, when asked for (a ROLE_TOOL output's content)
    error: str = ""  # why the call failed ("" when it completed)
    cites: tuple[Any, ...] = ()  # grounding.Cite: the inline citations it gave, when asked for


def asks_for(kind: str, text: str) -> bool:
    """Whether ``text`` holds one of the words that call the server-side tool ``kind``."""
    return bool(set(_WORD.findall(text.lower())) & TRIGGERS.get(kind, frozenset()))


def tool_call_id(kind: str, text: str) -> str:
    """The deterministic id of the ``kind`` call made for ``text``."""
    return f"call_srv_{hashlib.sha256(f'{kind}:{text}'.encode()).hexdigest()[:20]}"


def use_server_tools(text: str, offered: Sequence[str]) -> tuple[ServerToolUse, ...]:
    """The server-side tools among ``offered`` that ``text`` asks for, each used once."""
    words = set(_WORD.findall(text.lower()))
    query = " ".join(text.split()[:12])
    out = []
    for kind in dict.fromkeys(offered):
        if kind in STORE_TOOLS or not words & TRIGGERS.get(kind, frozenset()):
            continue
        sources: tuple[str, ...] = ()
        if kind in ("web_search", "x_search"):
            host = "example.com" if kind == "web_search" else "x.example.com"
            sources = tuple(f"https://{host}/{i}/{quote_plus(query.lower())[:60]}" for i in (1, 2))
        out.append(
            ServerToolUse(
                id=tool_call_id(kind, text),
                kind=kind,
                arguments=json.dumps({"query": query}),
                sources=sources,
            )
        )
    return tuple(out)
