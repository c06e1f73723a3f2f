"""Where ``agentrt files`` and ``agentrt collections`` connect, and how their errors read.

Endpoint precedence: ``--endpoint``, then ``$AGENTRT_ENDPOINT``, then
``api.x.ai:443`` when ``$XAI_API_KEY`` is set. Unlike ``agentrt run`` there is
no fallback to the built-in simulator: files stored in a simulator that lives
only as long as the command would be gone when it exits.
"""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from agentrt.errors import NotFound, UsageError

if TYPE_CHECKING:
    from agentrt.xai.client import Client

__all__ = ["NO_ENDPOINT", "action_parsers", "endpoint_parent", "run_with_client", "target_endpoint"]

NO_ENDPOINT = (
    "no endpoint: set XAI_API_KEY to use api.x.ai:443, or start "
    "`agentrt sim --data-dir DIR` and pass --endpoint HOST:PORT"
)


def endpoint_parent() -> argparse.ArgumentParser:
    """The ``--endpoint`` flag every files/collections action takes."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--endpoint",
        metavar="HOST:PORT",
        help="server (default: $AGENTRT_ENDPOINT, else api.x.ai:443 with $XAI_API_KEY)",
    )
    return parent


def action_parsers(
    sub: Any, common: argparse.ArgumentParser, name: str, helptext: str, doc: str, examples: str
) -> Callable[..., argparse.ArgumentParser]:
    """Add the command ``name``; a function adding one of its actions (``NAME ACTION``).

    The function takes the action's name, its one-line help and optionally
    ``json_help`` (adds ``--json``); each action takes --debug, --loop and --endpoint,
    shows ``examples``, and its usage errors name it (``see: agentrt NAME ACTION --help``).
    """
    p = sub.add_parser(
        name,
        parents=[common],
        help=helptext,
        description=doc,
        epilog=examples,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    parents = [common, endpoint_parent()]

    def action(
        action_name: str, action_help: str, *, json_help: str | None = None
    ) -> argparse.ArgumentParser:
        a: argparse.ArgumentParser = actions.add_parser(
            action_name,
            parents=parents,
            help=action_help,
            description=f"{action_help[0].upper()}{action_help[1:]}.",
            epilog=examples,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        a.set_defaults(command_parser=a)
        if json_help:
            a.add_argument("--json", action="store_true", help=json_help)
        return a

    return action


def target_endpoint(explicit: str | None) -> str:
    """The endpoint to use (see the module docstring).

    Raises:
        UsageError: a malformed endpoint, or none given and no ``$XAI_API_KEY``.
    """
    from agentrt.launch.connect import named_endpoint
    from agentrt.xai.config import DEFAULT_ENDPOINT, resolve_key

    named = named_endpoint(explicit)
    if named is not None:
        return named
    if resolve_key() is not None:
        return DEFAULT_ENDPOINT
    raise UsageError(NO_ENDPOINT)


def run_with_client(
    args: argparse.Namespace,
    work: Callable[[Client], Awaitable[int]],
    *,
    hint: str | None = None,
) -> int:
    """Run ``work(client)`` on the event loop of ``--loop``; its exit code.

    A NOT_FOUND answer means the id or name given on the command line is wrong,
    so it becomes a usage error (exit 2) that says where to look: ``hint``, by
    default ``agentrt COMMAND list``.
    """
    from agentrt.launch.eventloop import run
    from agentrt.xai.client import Client

    endpoint = target_endpoint(args.endpoint)

    async def main() -> int:
        async with Client(endpoint=endpoint) as client:
            return await work(client)

    try:
        return run(main(), loop=args.loop)
    except NotFound as exc:
        where = hint or f"agentrt {args.command} list"
        raise UsageError(f"{exc.details} (see: {where})") from exc
