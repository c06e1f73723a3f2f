"""agentrt files: upload, list, inspect, download and delete files stored by xAI.

Endpoint: --endpoint, then $AGENTRT_ENDPOINT, then api.x.ai:443 when $XAI_API_KEY
is set. There is no built-in simulator here (its files would vanish when the
command exits): start `agentrt sim --data-dir DIR` and pass --endpoint.
Progress goes to stderr (bars on a terminal); results to stdout. Exit codes: 0 ok,
1 some upload failed, 2 usage (a bad flag, a missing path, an unknown id),
3 transport or authentication error, 130 interrupted (nothing partial is kept).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agentrt.errors import AgentrtError, UsageError

if TYPE_CHECKING:
    from agentrt.commands.file_progress import Transfer
    from agentrt.xai.client import Client
    from agentrt.xai.file_types import FileInfo

__all__ = ["register"]

EXAMPLES = """examples:
  agentrt sim --data-dir ~/.agentrt-sim &        a local server that keeps its files
  export AGENTRT_ENDPOINT=127.0.0.1:PORT         (or XAI_API_KEY=... for api.x.ai)
  agentrt files upload report.pdf notes/*.md     ids on stdout, one per line
  agentrt files upload --expires-after 24h --concurrency 8 data/*.csv --json
  agentrt files list --sort size --order desc --limit 20
  agentrt files info file_0123
  agentrt files download file_0123 -o report.pdf
  agentrt files download file_0123 --text | less  the extracted text
  agentrt files url file_0123 --expires-after 1h  a public link; --revoke ends it
  agentrt files rm file_0123 file_0456
"""


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add the ``files`` subcommand and its actions."""
    from agentrt.commands.rag_client import action_parsers

    helptext = "upload, list, download and delete files (xAI Files API)"
    action = action_parsers(sub, common, "files", helptext, __doc__ or "", EXAMPLES)
    _add_upload(action("upload", "upload files, several at a time, with progress"))
    _add_list(action("list", "list stored files", json_help="print a JSON array of files"))
    info = action("info", "show one file's metadata", json_help="print one JSON object")
    info.add_argument("file_id", metavar="ID")
    info.set_defaults(handler=_info)
    rm = action("rm", "delete files (nothing is deleted if an id is unknown)")
    rm.add_argument("file_ids", metavar="ID", nargs="+")
    rm.set_defaults(handler=_rm)
    _add_download(action("download", "download a file (atomically: never a partial file)"))
    _add_url(action("url", "create (or --revoke) a public URL of a file"))


def _add_upload(p: argparse.ArgumentParser) -> None:
    from agentrt.commands.flag_values import count, seconds

    p.add_argument("paths", metavar="PATH", nargs="+", help="files to upload")
    p.add_argument(
        "--expires-after",
        type=seconds(),
        metavar="DURATION",
        help="the service deletes the files after this long (3600, 90m, 24h)",
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
        help="print a JSON array: per path {path, id, filename, size, ..., error}",
    )
    p.set_defaults(handler=_upload)


def _add_list(p: argparse.ArgumentParser) -> None:
    from agentrt.commands.flag_values import count

    p.add_argument("--limit", type=count(least=1), metavar="N", help="show at most N files")
    p.add_argument("--sort", choices=("created_at", "filename", "size"), default="created_at")
    p.add_argument("--order", choices=("asc", "desc"), default="desc")
    p.set_defaults(handler=_list)


def _add_download(p: argparse.ArgumentParser) -> None:
    p.add_argument("file_id", metavar="ID")
    p.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        help="write here (a directory: under the file's name); '-' for stdout. "
        "Default: stdout when it is not a terminal, else the file's name here",
    )
    p.add_argument("--text", action="store_true", help="the file's extracted text, not its bytes")
    p.set_defaults(handler=_download)


def _add_url(p: argparse.ArgumentParser) -> None:
    from agentrt.commands.flag_values import seconds

    p.add_argument("file_id", metavar="ID")
    how = p.add_mutually_exclusive_group()
    how.add_argument(
        "--expires-after",
        type=seconds(),
        metavar="DURATION",
        help="the URL stops working after this long (default: until revoked)",
    )
    how.add_argument("--revoke", action="store_true", help="revoke the file's public URL")
    p.add_argument("--json", action="store_true", help="print {url, expires_at}")
    p.set_defaults(handler=_url)


# --- upload -----------------------------------------------------------------------------


def _upload(args: argparse.Namespace) -> int:
    from agentrt.commands.file_progress import checked_paths
    from agentrt.commands.rag_client import run_with_client

    paths = checked_paths(args.paths)
    return run_with_client(args, lambda client: _upload_all(client, paths, args))


async def _upload_all(client: Client, paths: list[Path], args: argparse.Namespace) -> int:
    from agentrt.commands.file_output import print_json, size_text
    from agentrt.commands.file_progress import Transfers, upload_paths

    async def send(path: Path, bar: Transfer) -> FileInfo:
        return await client.files.upload(path, expires_after=args.expires_after, progress=bar)

    def line(path: Path, info: FileInfo) -> str:
        return f"uploaded: {path} -> {info.id} ({size_text(info.size)})"

    with Transfers() as transfers:
        results = await upload_paths(
            paths, concurrency=args.concurrency, transfers=transfers, send=send, done_line=line
        )
    if args.json:
        print_json([_upload_record(p, r) for p, r in zip(paths, results, strict=True)])
    else:
        for result in results:
            if not isinstance(result, AgentrtError):
                print(result.id)
    return _failures(paths, results)


def _upload_record(path: Path, result: FileInfo | AgentrtError) -> dict[str, Any]:
    """One path's entry of ``upload --json``: the file's record, or its error."""
    from agentrt.commands.file_output import file_record

    if isinstance(result, AgentrtError):
        return {"path": str(path), "id": None, "error": str(result)}
    return {"path": str(path), **file_record(result), "error": None}


def _failures(paths: list[Path], results: list[Any]) -> int:
    """1 (and a summary line naming them) when some uploads failed, else 0."""
    failed = [str(p) for p, r in zip(paths, results, strict=True) if isinstance(r, AgentrtError)]
    if not failed:
        return 0
    print(
        f"agentrt: error: {len(failed)} of {len(paths)} uploads failed: {', '.join(failed)}",
        file=sys.stderr,
    )
    return 1


# --- list, info, rm -----------------------------------------------------------------------


def _list(args: argparse.Namespace) -> int:
    from agentrt.commands.rag_client import run_with_client

    return run_with_client(args, lambda client: _list_files(client, args))


async def _list_files(client: Client, args: argparse.Namespace) -> int:
    from agentrt.commands.file_output import (
        file_record,
        print_json,
        print_table,
        size_text,
        time_text,
    )

    files: list[FileInfo] = []
    page = min(args.limit or 100, 100)
    async for info in client.files.list(page_size=page, order=args.order, sort_by=args.sort):
        files.append(info)
        if args.limit is not None and len(files) >= args.limit:
            break
    if args.json:
        print_json([file_record(f) for f in files])
        return 0
    rows = [
        (f.id, f.filename, size_text(f.size), time_text(f.created_at), time_text(f.expires_at))
        for f in files
    ]
    print_table(("ID", "NAME", "SIZE", "CREATED", "EXPIRES"), rows)
    return 0


def _info(args: argparse.Namespace) -> int:
    from agentrt.commands.rag_client import run_with_client

    return run_with_client(args, lambda client: _show(client, args))


async def _show(client: Client, args: argparse.Namespace) -> int:
    from agentrt.commands.file_output import file_record, print_fields, print_json

    info = await client.files.get(args.file_id)
    record = file_record(info)
    if args.json:
        print_json(record)
    else:
        print_fields((k, "" if v is None else str(v)) for k, v in record.items())
    return 0


def _rm(args: argparse.Namespace) -> int:
    from agentrt.commands.rag_client import run_with_client

    return run_with_client(args, lambda client: _delete(client, args.file_ids))


async def _delete(client: Client, file_ids: list[str]) -> int:
    for file_id in file_ids:  # all known before any is deleted: a typo deletes nothing
        await client.files.get(file_id)
    for file_id in dict.fromkeys(file_ids):
        await client.files.delete(file_id)
        print(file_id)
    return 0


# --- download, url ----------------------------------------------------------------------


def _download(args: argparse.Namespace) -> int:
    from agentrt.commands.rag_client import run_with_client

    output: str | None = args.output
    if output is not None and output != "-":
        parent = Path(output).parent
        if not Path(output).is_dir() and not parent.is_dir():
            raise UsageError(f"-o {output}: directory '{parent}' does not exist")
    return run_with_client(args, lambda client: _fetch(client, args))


async def _fetch(client: Client, args: argparse.Namespace) -> int:
    from agentrt.commands.file_progress import Transfers

    info = await client.files.get(args.file_id)
    target = _target(args.output, info.filename, text=args.text)
    to_terminal = target is None and sys.stdout.isatty()  # bars would mix with the text
    with Transfers(bars=False if to_terminal else None) as transfers:
        bar = transfers.track(info.filename, None if args.text else info.size)
        if target is None:
            written = await _to_stdout(client, args.file_id, args.text, bar)
        elif args.text:
            written = await _text_to_file(client, args.file_id, target, bar)
        else:
            written = await client.files.download_to(args.file_id, target, progress=bar)
        where = "stdout" if target is None else str(target)
        bar.finish(f"downloaded: {args.file_id} -> {where} ({written} bytes)", ok=True)
    return 0


def _target(output: str | None, filename: str, *, text: bool) -> Path | None:
    """Where the download goes: ``None`` for stdout.

    Without a file named by -o (no -o on a terminal, or -o DIR) it goes under the
    stored file's name, which never replaces an existing file: only naming that
    file with -o does.

    Raises:
        UsageError: the file's name exists there already.
    """
    if output == "-" or (output is None and (text or not sys.stdout.isatty())):
        return None
    if output is not None and not Path(output).is_dir():
        return Path(output)
    name = Path(filename).name  # a name from the server never picks the directory
    if name in ("", ".", ".."):
        name = "download"
    path = Path(output or ".") / name
    if path.exists():
        shown = str(path) if output else name
        raise UsageError(f"'{shown}' exists: pass -o '{shown}' to replace it, or -o PATH")
    return path


async def _to_stdout(client: Client, file_id: str, text: bool, bar: Transfer) -> int:
    out = sys.stdout.buffer
    written = 0
    async for data in client.files.download(file_id, as_text=text):
        out.write(data)
        written += len(data)
        bar(written, None)
    out.flush()
    return written


async def _text_to_file(client: Client, file_id: str, target: Path, bar: Transfer) -> int:
    """The extracted text, written to a temporary file renamed into place when complete."""
    import asyncio

    parts: list[bytes] = []
    received = 0
    async for data in client.files.download(file_id, as_text=True):
        parts.append(data)
        received += len(data)
        bar(received, None)
    content = b"".join(parts)
    await asyncio.to_thread(_write_whole, target, content)
    return len(content)


def _write_whole(target: Path, content: bytes) -> None:
    import os
    import tempfile

    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(content)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _url(args: argparse.Namespace) -> int:
    from agentrt.commands.rag_client import run_with_client

    return run_with_client(args, lambda client: _public_url(client, args))


async def _public_url(client: Client, args: argparse.Namespace) -> int:
    from agentrt.commands.file_output import print_json, time_text

    if args.revoke:
        await client.files.revoke_public_url(args.file_id)
        print(f"revoked the public URL of {args.file_id}", file=sys.stderr)
        return 0
    made = await client.files.create_public_url(args.file_id, expires_after=args.expires_after)
    if args.json:
        print_json({"url": made.url, "expires_at": time_text(made.expires_at) or None})
    else:
        print(made.url)
        if made.expires_at is not None:
            print(f"expires at {time_text(made.expires_at)}", file=sys.stderr)
    return 0
