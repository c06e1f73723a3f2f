"""``agentrt chat``: one prompt, one answer, for trying the client against an endpoint.

Endpoint precedence: ``--endpoint``, then ``$AGENTRT_ENDPOINT``, then
api.x.ai:443 (which needs ``$XAI_API_KEY``). Exit codes: 0 ok, 2 usage (e.g. no
key for api.x.ai), 3 transport or authentication error.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from agentrt.errors import UsageError

if TYPE_CHECKING:
    from agentrt.xai.chat_response import ChatResponse
    from agentrt.xai.client import Client

__all__ = ["DEFAULT_MODEL", "register"]

DEFAULT_MODEL = "grok-4-1-fast-reasoning"

EXAMPLES = """examples:
  XAI_API_KEY=... agentrt chat "Say hi"
  agentrt chat --endpoint 127.0.0.1:50051 --stream "Tell me a story"
  agentrt chat --json --model grok-4-1-fast-reasoning "2+2?" | jq .usage
"""


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add the ``chat`` subcommand."""
    from agentrt.commands.flag_values import seconds

    p = sub.add_parser(
        "chat",
        parents=[common],
        help="send one prompt and print the answer",
        description=__doc__,
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("prompt", metavar="PROMPT", help="the user message")
    p.add_argument("--endpoint", metavar="HOST:PORT", help="server (default: see above)")
    p.add_argument("--model", default=DEFAULT_MODEL, help=f"model (default {DEFAULT_MODEL})")
    p.add_argument("--system", metavar="TEXT", help="a system message to send first")
    p.add_argument("--stream", action="store_true", help="print the answer as it arrives")
    p.add_argument("--json", action="store_true", help="print one JSON object at the end")
    p.add_argument(
        "--timeout", type=seconds(), metavar="SECONDS", help="deadline of the call (30, 500ms, 2m)"
    )
    from agentrt.telemetry.setup import add_telemetry_flags, with_telemetry

    add_telemetry_flags(p)
    p.set_defaults(handler=with_telemetry(_run))


def make_client(endpoint: str | None) -> Client:
    """The client for ``--endpoint`` (seam: a later default may be the embedded simulator).

    Raises:
        UsageError: the endpoint is xAI's and no ``XAI_API_KEY`` is set.
    """
    from agentrt.launch.connect import named_endpoint
    from agentrt.xai.client import Client
    from agentrt.xai.config import DEFAULT_ENDPOINT, KEY_ENV, is_loopback, resolve_key

    target = named_endpoint(endpoint) or DEFAULT_ENDPOINT
    if resolve_key() is None and not is_loopback(target) and target.endswith("x.ai:443"):
        raise UsageError(f"no API key: set {KEY_ENV} to use {target}, or pass --endpoint HOST:PORT")
    return Client(endpoint=target)


def _run(args: argparse.Namespace) -> int:
    from agentrt.launch.eventloop import run

    client = make_client(args.endpoint)
    response = run(_chat(client, args), loop=args.loop)
    if args.json:
        print(json.dumps(_as_json(response)))
    elif not args.stream:
        print(response.content)
    return 0


async def _chat(client: Client, args: argparse.Namespace) -> ChatResponse:
    from agentrt.xai.chat_request import ChatRequest
    from agentrt.xai.messages import system, user

    messages = ((system(args.system),) if args.system else ()) + (user(args.prompt),)
    request = ChatRequest(model=args.model, messages=messages)
    async with client:
        if not args.stream:
            return await client.chat.complete(request, timeout=args.timeout)
        from agentrt.commands.batched_out import BatchedWriter

        out, wrote = BatchedWriter(sys.stdout), False
        try:
            async with client.chat.stream(request, timeout=args.timeout) as stream:
                async for delta in stream:
                    if not args.json and delta.content:
                        out.write(delta.content)
                        wrote = True
        except BaseException:  # the error line must not follow partial text on its line
            if wrote:
                out.write("\n")
                out.flush()
            raise
        out.flush()
        if not args.json:
            sys.stdout.write("\n")
        return stream.response


def _as_json(response: ChatResponse) -> dict[str, Any]:
    from dataclasses import asdict

    return {
        "content": response.content,
        "finish_reason": response.finish_reason,
        "usage": {**asdict(response.usage), "cost_usd": response.usage.cost_usd},
        "model": response.model,
        "id": response.id,
    }
