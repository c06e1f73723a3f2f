"""agentrt collections: create collections, add documents, search them.

A collection is named by its name or its id everywhere (a name shared by several
collections needs the id). Endpoint: --endpoint, then $AGENTRT_ENDPOINT, then
api.x.ai:443 with $XAI_API_KEY; collection management there also needs
$XAI_MANAGEMENT_API_KEY. There is no built-in simulator here: start
`agentrt sim --data-dir DIR` and pass --endpoint. Exit codes: 0 ok, 1 an upload
or a document's indexing failed, 2 usage (a bad flag, a missing path, an unknown
name or id), 3 transport or authentication error, 130 interrupted.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from agentrt.errors import UsageError

if TYPE_CHECKING:
    from agentrt.xai.client import Client
    from agentrt.xai.collection_types import ChunkConfig, FieldDefinition

__all__ = ["register"]

EXAMPLES = """examples:
  agentrt sim --data-dir ~/.agentrt-sim &          a local server that keeps its data
  export AGENTRT_ENDPOINT=127.0.0.1:PORT           (or XAI_API_KEY and XAI_MANAGEMENT_API_KEY)
  agentrt collections create handbook --chunk-unit tokens --chunk-size 400 --chunk-overlap 40
  agentrt collections create papers --field author:required:inject --field doi:unique
  agentrt collections add handbook docs/*.md --wait          upload, add, wait until indexed
  agentrt collections add papers paper.pdf --field author=Lovelace --field doi=10.1/x
  agentrt collections search handbook "how do refunds work"  best matches first
  agentrt collections search handbook papers --query "refund" --mode keyword --limit 3 --json
  agentrt collections list ; agentrt collections info handbook ; agentrt collections docs handbook
  agentrt collections rm-doc handbook file_0123 ; agentrt collections rm handbook
"""

FIELD_FLAGS = ("required", "unique", "inject")


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add the ``collections`` subcommand and its actions."""
    from agentrt.commands import collection_add, collection_search
    from agentrt.commands.rag_client import action_parsers

    helptext = "create collections, add documents and search them (xAI Collections API)"
    action = action_parsers(sub, common, "collections", helptext, __doc__ or "", EXAMPLES)
    one, many = "print it as a JSON object", "print a JSON array"
    _add_create(action("create", "create a collection", json_help=one))
    action("list", "list collections", json_help=many).set_defaults(handler=_list)
    collection_add.add_parser(action("add", "upload files and add them as documents"))
    collection_search.add_parser(action("search", "search collections, best matches first"))
    for name, helptext, json_help, handler in (
        ("info", "show a collection", one, _info),
        ("rm", "delete a collection (its files stay in `agentrt files`)", None, _rm),
        ("docs", "list a collection's documents", many, _docs),
        ("rm-doc", "remove a document from a collection (the file stays)", None, _rm_doc),
    ):
        named = action(name, helptext, json_help=json_help)
        named.add_argument("collection", metavar="NAME_OR_ID")
        named.set_defaults(handler=handler)
        if name == "rm-doc":
            named.add_argument("file_id", metavar="FILE_ID")


def _add_create(p: argparse.ArgumentParser) -> None:
    from agentrt.commands.flag_values import count

    p.add_argument("name", metavar="NAME")
    p.add_argument("--description", metavar="TEXT", default="")
    chunks = p.add_argument_group("chunking (default: the service's)")
    chunks.add_argument("--chunk-unit", choices=("chars", "tokens", "bytes"), default=None)
    chunks.add_argument("--chunk-size", type=count(least=1), metavar="N", help="longest chunk")
    chunks.add_argument(
        "--chunk-overlap", type=count(least=0), metavar="N", help="shared by neighbours"
    )
    p.add_argument("--metric", choices=("cosine", "euclidean", "inner_product"))
    p.add_argument(
        "--field",
        action="append",
        default=[],
        metavar="KEY[:required][:unique][:inject]",
        help="a metadata field documents carry (repeatable); inject: its value goes into "
        "every chunk",
    )
    p.set_defaults(handler=_create)


def chunking_of(unit: str | None, size: int | None, overlap: int | None) -> ChunkConfig | None:
    """The chunking the --chunk-* flags ask for (``None``: the service's default).

    Raises:
        UsageError: --chunk-unit or --chunk-overlap without --chunk-size, or an overlap
            not below the size.
    """
    from agentrt.xai.collection_types import ChunkConfig

    if size is None:
        if unit is not None or overlap is not None:
            raise UsageError("--chunk-unit and --chunk-overlap need --chunk-size N")
        return None
    if overlap is not None and overlap >= size:
        raise UsageError(f"--chunk-overlap {overlap} must be less than --chunk-size {size}")
    return ChunkConfig(unit=unit or "chars", max_size=size, overlap=overlap or 0)  # type: ignore[arg-type]


def field_of(text: str) -> FieldDefinition:
    """``KEY[:required][:unique][:inject]`` as a field definition.

    Raises:
        UsageError: an empty key or an unknown flag.
    """
    from agentrt.xai.collection_types import FieldDefinition

    key, *flags = text.split(":")
    if not key.strip():
        raise UsageError(f"--field {text!r}: the key is empty; write KEY[:required][:unique]")
    unknown = [f for f in flags if f not in FIELD_FLAGS]
    if unknown:
        raise UsageError(
            f"--field {text!r}: unknown flag {unknown[0]!r}; use {', '.join(FIELD_FLAGS)}"
        )
    return FieldDefinition(
        key=key,
        required="required" in flags,
        unique="unique" in flags,
        inject_into_chunk="inject" in flags,
    )


def _create(args: argparse.Namespace) -> int:
    from agentrt.commands.rag_client import run_with_client

    if not args.name.strip():
        raise UsageError("the collection name is empty")
    chunking = chunking_of(args.chunk_unit, args.chunk_size, args.chunk_overlap)
    fields = [field_of(f) for f in args.field]
    keys = [f.key for f in fields]
    if len(set(keys)) < len(keys):
        raise UsageError("--field: each key once")

    async def create(client: Client) -> int:
        from agentrt.commands.file_output import collection_record, print_json

        made = await client.collections.create(
            args.name,
            description=args.description,
            chunking=chunking,
            metric=args.metric,
            fields=fields,
        )
        if args.json:
            print_json(collection_record(made))
        else:
            print(made.id)
        return 0

    return run_with_client(args, create)


def _list(args: argparse.Namespace) -> int:
    from agentrt.commands.rag_client import run_with_client

    async def show(client: Client) -> int:
        from agentrt.commands.file_output import (
            collection_record,
            print_json,
            print_table,
            size_text,
            time_text,
        )

        found = [c async for c in client.collections.list()]
        if args.json:
            print_json([collection_record(c) for c in found])
            return 0
        rows = [
            (
                c.id,
                c.name,
                str(c.documents_count),
                size_text(c.total_file_size),
                time_text(c.created_at),
            )
            for c in found
        ]
        print_table(("ID", "NAME", "DOCS", "SIZE", "CREATED"), rows)
        return 0

    return run_with_client(args, show)


def _info(args: argparse.Namespace) -> int:
    from agentrt.commands.rag_client import run_with_client

    async def show(client: Client) -> int:
        from agentrt.commands.file_output import collection_record, print_fields, print_json

        record = collection_record(await client.collections.resolve(args.collection))
        if args.json:
            print_json(record)
            return 0
        chunking = record.pop("chunking")
        fields = record.pop("fields")
        pairs = [(k, "" if v is None else str(v)) for k, v in record.items()]
        if chunking is not None:
            pairs.append(("chunking", "{size} {unit}, overlap {overlap}".format(**chunking)))
        for f in fields:
            flags = [name for name in ("required", "unique", "inject") if f[name]]
            pairs.append(("field", ":".join([f["key"], *flags])))
        print_fields(pairs)
        return 0

    return run_with_client(args, show)


def _rm(args: argparse.Namespace) -> int:
    from agentrt.commands.rag_client import run_with_client

    async def delete(client: Client) -> int:
        found = await client.collections.resolve(args.collection)
        await client.collections.delete(found.id)
        print(found.id)
        return 0

    return run_with_client(args, delete)


def _docs(args: argparse.Namespace) -> int:
    from agentrt.commands.rag_client import run_with_client

    async def show(client: Client) -> int:
        from agentrt.commands.file_output import document_record, print_json, print_table, size_text

        found = await client.collections.resolve(args.collection)
        docs = [d async for d in client.collections.list_documents(found.id)]
        if args.json:
            print_json([document_record(d) for d in docs])
            return 0
        rows = [
            (
                d.file_id,
                d.name,
                size_text(d.size),
                d.status,
                f"{d.chunks_processed_count}/{d.chunk_count}",
            )
            for d in docs
        ]
        print_table(("FILE_ID", "NAME", "SIZE", "STATUS", "CHUNKS"), rows)
        return 0

    return run_with_client(args, show)


def _rm_doc(args: argparse.Namespace) -> int:
    from agentrt.commands.rag_client import run_with_client

    async def remove(client: Client) -> int:
        found = await client.collections.resolve(args.collection)
        await client.collections.remove_document(found.id, args.file_id)
        print(args.file_id)
        return 0

    return run_with_client(args, remove, hint=f"agentrt collections docs {args.collection}")
