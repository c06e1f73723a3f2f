"""``agentrt collections search``: the chunks of one or more collections that best match a query.

``search NAME QUERY`` searches one collection; ``search NAME... --query Q`` several.
Matches come best first: on a terminal a table of rank, score, file and the
chunk's text shortened to fit; otherwise one tab-separated line per match with the
whole chunk text on it (newlines folded); ``--json`` an array of match objects.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from typing import TYPE_CHECKING

from agentrt.errors import AgentrtError, UsageError

if TYPE_CHECKING:
    from agentrt.xai.client import Client
    from agentrt.xai.service_types import SearchMatch

__all__ = ["add_parser", "split_query"]

MODES = ("hybrid", "semantic", "keyword")


def add_parser(p: argparse.ArgumentParser) -> None:
    """Add the flags of ``collections search`` to its parser."""
    from agentrt.commands.flag_values import count

    p.usage = (
        "%(prog)s [-h] [--endpoint HOST:PORT] [--mode MODE] [--limit N] [--json]\n"
        "       NAME_OR_ID... (QUERY | --query Q)"
    )
    p.add_argument(
        "words",
        metavar="NAME_OR_ID",
        nargs="+",
        help="collections to search, then the query (unless --query gives it)",
    )
    p.add_argument("--query", "-q", metavar="Q", help="the query; then every word is a collection")
    p.add_argument(
        "--mode",
        choices=MODES,
        default=None,
        help="hybrid (keyword and semantic, fused; the default), semantic or keyword",
    )
    p.add_argument(
        "--limit", type=count(least=1, most=1000), metavar="N", help="at most N matches (1-1000)"
    )
    p.add_argument(
        "--json",
        action="store_true",
        help="a JSON array: {rank, score, file_id, filename, chunk_id, collection_ids, text}",
    )
    p.set_defaults(handler=_search)


def split_query(words: list[str], query: str | None) -> tuple[list[str], str]:
    """(collections, query) of the positional words and --query.

    Raises:
        UsageError: no query, or an empty one.
    """
    if query is None:
        if len(words) < 2:
            raise UsageError("give a query: search NAME_OR_ID QUERY, or --query Q")
        words, query = words[:-1], words[-1]
    if not query.strip():
        raise UsageError("the query is empty")
    return list(dict.fromkeys(words)), query


def _search(args: argparse.Namespace) -> int:
    from agentrt.commands.rag_client import run_with_client

    names, query = split_query(args.words, args.query)

    async def search(client: Client) -> int:
        ids = [(await client.collections.resolve(n)).id for n in names]
        matches = await client.documents.search(
            query, collection_ids=ids, limit=args.limit, mode=args.mode
        )
        filenames = await _filenames(client, matches)
        _print(matches, filenames, as_json=args.json)
        return 0

    return run_with_client(args, search)


async def _filenames(client: Client, matches: list[SearchMatch]) -> dict[str, str]:
    """The file names of the matches (an id stands in when a file cannot be looked up)."""
    names: dict[str, str] = {}
    for file_id in dict.fromkeys(m.file_id for m in matches):
        try:
            names[file_id] = (await client.files.get(file_id)).filename
        except AgentrtError:  # a name is a nicety: the match is still worth showing
            names[file_id] = file_id
    return names


def _print(matches: list[SearchMatch], names: dict[str, str], *, as_json: bool) -> None:
    from agentrt.commands.file_output import match_record, print_json, print_table, shortened

    if as_json:
        print_json([match_record(i, m, names[m.file_id]) for i, m in enumerate(matches, 1)])
        return
    if not matches:
        print("no matches", file=sys.stderr)
        return
    width = shutil.get_terminal_size().columns if sys.stdout.isatty() else 1 << 30
    rows = [
        (str(i), f"{m.score:.4f}", names[m.file_id], shortened(m.chunk_content, width))
        for i, m in enumerate(matches, 1)
    ]
    print_table(("#", "SCORE", "FILE", "TEXT"), rows)
