"""``agentrt sessions``: list, show, branch, trim and delete the conversations ``agentrt run --session`` keeps.

The store is --session-db, then $AGENTRT_SESSION_DB, then the default SQLite file
(see ``agentrt run --help``). Exit codes: 0 ok, 1 no such session, 2 usage error,
3 the store cannot be reached.
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

from agentrt.errors import AgentrtError, UsageError

__all__ = ["register"]

EXAMPLES = """examples:
  agentrt sessions list
  agentrt sessions show chat-1            the turns: input and answer of each
  agentrt sessions branch chat-1 --at 2 --to chat-1b   a new session of turns 0 and 1
  agentrt sessions trim chat-1 --keep 10  keep the last 10 turns
  agentrt sessions rm chat-1
  agentrt sessions list --session-db redis://127.0.0.1:6379/0 --json
"""


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add the ``sessions`` subcommand and its actions."""
    from agentrt.commands.session_db import add_session_db_option

    shared = argparse.ArgumentParser(add_help=False)
    add_session_db_option(shared)
    shared.add_argument("--json", action="store_true", help="print JSON")
    p = sub.add_parser(
        "sessions",
        parents=[common],
        help="list, show, branch, trim and delete sessions (agentrt run --session)",
        description=__doc__,
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", parents=[common, shared], help="the sessions")
    listing.add_argument("--limit", type=_positive, default=100, help="at most N (default 100)")
    show = actions.add_parser("show", parents=[common, shared], help="a session's turns")
    show.add_argument("id", metavar="ID")
    branch = actions.add_parser(
        "branch", parents=[common, shared], help="copy turns [0, N) to a new session"
    )
    branch.add_argument("id", metavar="ID")
    branch.add_argument("--at", type=_count, required=True, metavar="N", help="turns to keep")
    branch.add_argument("--to", required=True, metavar="NEW", help="the new session's id")
    trim = actions.add_parser("trim", parents=[common, shared], help="keep the last N turns")
    trim.add_argument("id", metavar="ID")
    trim.add_argument("--keep", type=_count, required=True, metavar="N")
    rm = actions.add_parser("rm", parents=[common, shared], help="delete a session")
    rm.add_argument("id", metavar="ID")
    p.set_defaults(handler=_run)


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more, got {value}")
    return value


def _positive(text: str) -> int:
    value = _count(text)
    if value < 1:
        raise argparse.ArgumentTypeError("expected 1 or more")
    return value


def _run(args: argparse.Namespace) -> int:
    from agentrt.agents.session import check_session_id
    from agentrt.commands.session_db import open_cli_store
    from agentrt.launch.eventloop import run

    for name in ("id", "to"):
        if getattr(args, name, None) is not None:
            check_session_id(getattr(args, name))
    store = open_cli_store(args.session_db)
    shown: Any = run(_act(store, args), loop=args.loop)
    if args.json:
        print(json.dumps(shown, ensure_ascii=False))
    elif isinstance(shown, list):
        for line in shown:
            print(line if isinstance(line, str) else _line(line))
    else:
        print(shown["message"])
    return 0


async def _act(store: Any, args: argparse.Namespace) -> Any:
    try:
        return await _ACTIONS[args.action](store, args)
    finally:
        await store.close()


async def _list(store: Any, args: argparse.Namespace) -> Any:
    infos = await store.list(limit=args.limit)
    return [
        {
            "id": i.session_id,
            "turns": i.turns,
            "created_at": i.created_at,
            "updated_at": i.updated_at,
        }
        for i in infos
    ]


def _line(info: dict[str, Any]) -> str:
    when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(info["updated_at"]))
    return f"{info['id']}\t{info['turns']} turns\tupdated {when}"


async def _turns(store: Any, session_id: str) -> Any:
    turns = await store.load(session_id)
    if not turns:
        raise AgentrtError(f"no session {session_id!r} in the store (agentrt sessions list)")
    return turns


async def _show(store: Any, args: argparse.Namespace) -> Any:
    from agentrt.agents.session import turn_to_json

    turns = await _turns(store, args.id)
    if args.json:
        return {"id": args.id, "turns": [turn_to_json(t) for t in turns]}
    return [f"[{t.index}] > {t.input}\n    {_answer(t)}" for t in turns]


def _answer(turn: Any) -> str:
    for message in reversed(turn.messages):
        if message.role == "assistant" and message.text:
            return str(message.text)
    return "(no answer text)"


async def _branch(store: Any, args: argparse.Namespace) -> Any:
    turns = await _turns(store, args.id)
    if args.at > len(turns):
        raise UsageError(f"--at {args.at}: session {args.id!r} has {len(turns)} turns")
    if await store.load(args.to):
        raise UsageError(f"--to {args.to!r}: that session exists; choose a new id")
    await store.branch(args.id, at_turn=args.at, new_id=args.to)
    return {"message": f"{args.to}: turns 0..{args.at - 1} of {args.id}", "id": args.to}


async def _trim(store: Any, args: argparse.Namespace) -> Any:
    await _turns(store, args.id)
    removed = await store.trim(args.id, keep_last=args.keep)
    return {"message": f"{args.id}: removed {removed} turns", "removed": removed}


async def _rm(store: Any, args: argparse.Namespace) -> Any:
    if not await store.delete(args.id):
        raise AgentrtError(f"no session {args.id!r} in the store (agentrt sessions list)")
    return {"message": f"{args.id}: deleted", "deleted": True}


_ACTIONS = {"list": _list, "show": _show, "branch": _branch, "trim": _trim, "rm": _rm}
