"""Tools of the research example: a small local library of notes the researcher searches.

No network: the notes are in this file, so the example is deterministic. The
research agent can also use xAI's server-side web search when it runs against
the real API (the simulator does not search the web).
"""

from __future__ import annotations

from typing import Any

__all__ = ["search_notes"]

_LIBRARY: tuple[dict[str, Any], ...] = (
    {
        "title": "Lisbon's tram 28",
        "keywords": ("lisbon", "tram", "transport"),
        "fact": "Tram 28 has run through Alfama since 1914 on Remodelado cars.",
        "source": "library/trams.md#28",
    },
    {
        "title": "Lisbon's funiculars",
        "keywords": ("lisbon", "funicular", "transport"),
        "fact": "The Glória funicular opened in 1885 and climbs 265 metres.",
        "source": "library/trams.md#funiculars",
    },
    {
        "title": "Ada Lovelace's notes",
        "keywords": ("ada", "lovelace", "computing", "babbage"),
        "fact": "Note G of 1843 describes an algorithm for Bernoulli numbers.",
        "source": "library/computing.md#note-g",
    },
)


def search_notes(topic: str, limit: int = 3) -> dict[str, Any]:
    """Search the research library's notes for a topic; returns matching facts with their sources.

    Args:
        topic: A word or name to search for, e.g. "Lisbon".
        limit: At most this many notes.
    """
    words = {w.strip(".,;:!?\"'").lower() for w in topic.split()}
    hits = [n for n in _LIBRARY if words & set(n["keywords"])][:limit]
    return {
        "topic": topic,
        "found": len(hits),
        "notes": [{"title": n["title"], "fact": n["fact"], "source": n["source"]} for n in hits],
    }
