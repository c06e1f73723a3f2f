"""``agentrt collections add``: upload files as documents of a collection, and wait for indexing.

Uploads run --concurrency at a time with a progress bar each (stderr); a failed
one is reported and the others go on. With --wait it then follows indexing
(chunks indexed of each document) until every document is processed; a document
whose indexing failed, or one still processing after --wait-timeout, makes the
exit code 1.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agentrt.errors import AgentrtError, UsageError

if TYPE_CHECKING:
    from agentrt.commands.file_progress import Transfer, Transfers
    from agentrt.xai.client import Client
    from agentrt.xai.collection_types import DocumentInfo

__all__ = ["add_parser", "field_values"]

_POLL_FIRST_S = 0.05
_POLL_MAX_S = 1.0


def add_parser(p: argparse.ArgumentParser) -> None:
    """Add the flags of ``collections add`` to its parser."""
    from agentrt.commands.flag_values import count, seconds

    p.add_argument("collection", metavar="NAME_OR_ID")
    p.add_argument("paths", metavar="PATH", nargs="+", help="files to upload and add")
    p.add_argument(
        "--field",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a metadata field value of every document added (repeatable)",
    )
    p.add_argument("--wait", action="store_true", help="wait until the documents are indexed")
    p.add_argument(
        "--wait-timeout",
        type=seconds(most=86_400),
        default=600.0,
        metavar="DURATION",
        help="how long --wait waits (default 10m)",
    )
    p.add_argument(
        "--concurrency",
        type=count(least=1, most=64),
        default=4,
        metavar="N",
        help="uploads at a time (1-64, default 4)",
    )
    p.add_argument(
        "--json",
        action="store_true",
        help="print a JSON array: per path {path, file_id, name, size, status, ..., error}",
    )
    p.set_defaults(handler=_add)


def field_values(pairs: list[str]) -> dict[str, str]:
    """``KEY=VALUE`` flags as a mapping.

    Raises:
        UsageError: no ``=``, an empty key, or a key given twice.
    """
    values: dict[str, str] = {}
    for pair in pairs:
        key, eq, value = pair.partition("=")
        if not eq or not key.strip():
            raise UsageError(f"--field {pair!r}: write KEY=VALUE, e.g. --field author=Lovelace")
        if key in values:
            raise UsageError(f"--field: {key!r} is given twice")
        values[key] = value
    return values


def _add(args: argparse.Namespace) -> int:
    from agentrt.commands.file_progress import checked_paths
    from agentrt.commands.rag_client import run_with_client

    fields = field_values(args.field)
    paths = checked_paths(args.paths)
    return run_with_client(args, lambda client: _add_all(client, paths, fields, args))


async def _add_all(
    client: Client, paths: list[Path], fields: dict[str, str], args: argparse.Namespace
) -> int:
    from agentrt.commands.file_progress import Transfers, upload_paths

    collection = await client.collections.resolve(args.collection)

    async def send(path: Path, bar: Transfer) -> DocumentInfo:
        return await client.collections.upload_document(
            collection.id, path, fields=fields, progress=bar
        )

    def line(path: Path, doc: DocumentInfo) -> str:
        return f"added: {path} -> {doc.file_id} to {collection.name}"

    with Transfers() as transfers:
        results: list[Any] = await upload_paths(
            paths, concurrency=args.concurrency, transfers=transfers, send=send, done_line=line
        )
    problems = [f"{p}: {r}" for p, r in zip(paths, results, strict=True) if _failed(r)]
    added = [r for r in results if not isinstance(r, AgentrtError)]
    if args.wait and added:
        with Transfers(unit="chunks") as transfers:
            latest = await _wait(client, collection.id, added, transfers, args.wait_timeout)
        results = [latest.get(r.file_id, r) if not _failed(r) else r for r in results]
        problems += [_index_problem(d) for d in latest.values() if d.status != "processed"]
    _print(paths, results, as_json=args.json)
    for problem in problems:
        print(f"agentrt: error: {problem}", file=sys.stderr)
    return 1 if problems else 0


def _failed(result: Any) -> bool:
    return isinstance(result, AgentrtError)


def _index_problem(doc: DocumentInfo) -> str:
    if doc.status == "failed":
        return f"{doc.name} ({doc.file_id}): indexing failed: {doc.error_message or 'no reason'}"
    return f"{doc.name} ({doc.file_id}): still {doc.status} when --wait-timeout ran out"


async def _wait(
    client: Client, collection_id: str, docs: list[DocumentInfo], transfers: Transfers, limit: float
) -> dict[str, DocumentInfo]:
    """Poll until every document is processed or failed, or ``limit`` seconds pass; the last seen."""
    latest = {d.file_id: d for d in docs}
    bars = {d.file_id: transfers.track(d.name, d.chunk_count or None) for d in docs}
    transfers.show_total()
    pending = [d.file_id for d in docs]
    pause = _POLL_FIRST_S
    try:
        async with asyncio.timeout(limit):
            while True:
                pending = _settle(latest, bars, pending)
                if not pending:
                    break
                await asyncio.sleep(pause)
                pause = min(pause * 2, _POLL_MAX_S)
                for doc in await client.collections.batch_get_documents(collection_id, pending):
                    latest[doc.file_id] = doc
    except TimeoutError:
        pass  # the documents still pending are reported by their status
    return latest


def _settle(
    latest: dict[str, DocumentInfo], bars: dict[str, Transfer], pending: list[str]
) -> list[str]:
    """Show the latest status of the pending documents; those still processing."""
    still = []
    for file_id in pending:
        doc, bar = latest[file_id], bars[file_id]
        bar(doc.chunks_processed_count, doc.chunk_count or None)
        if doc.status == "processed":
            bar.finish(f"indexed: {doc.name} ({doc.chunk_count} chunks)", ok=True)
        elif doc.status == "failed":
            bar.finish(f"failed: {doc.name}: {doc.error_message or 'no reason'}", ok=False)
        else:
            still.append(file_id)
    return still


def _print(paths: list[Path], results: list[Any], *, as_json: bool) -> None:
    from agentrt.commands.file_output import document_record, print_json

    if not as_json:
        for result in results:
            if not _failed(result):
                print(result.file_id)
        return
    records = []
    for path, result in zip(paths, results, strict=True):
        if _failed(result):
            records.append({"path": str(path), "file_id": None, "error": str(result)})
        else:
            failed = result.error_message if result.status == "failed" else None
            records.append({"path": str(path), **document_record(result), "error": failed})
    print_json(records)
