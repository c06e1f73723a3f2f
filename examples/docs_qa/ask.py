"""Ask Northwind's handbook a question: docs/ -> an xAI collection -> the docs_qa agent.

    python examples/docs_qa/ask.py "How many days of paid leave do we get?"
    python examples/docs_qa/ask.py --endpoint 127.0.0.1:50051 "..."   # a running `agentrt sim`

The collection ``northwind-handbook`` is created on first use; documents of docs/
that it lacks (by name) are uploaded and indexed, so the next question is quick.
Without ``XAI_API_KEY`` or an endpoint, the simulator runs in this process: the
collection lives as long as the script (start ``agentrt sim --data-dir DIR`` and
pass ``--endpoint`` to keep it). Against api.x.ai, creating the collection takes
a management key: set ``XAI_MANAGEMENT_API_KEY`` too.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

from agentrt import Client, load_agent
from agentrt.errors import AgentrtError, NotFound

HERE = Path(__file__).resolve().parent
COLLECTION = "northwind-handbook"


def _say(message: str) -> None:
    print(f"docs_qa: {message}", file=sys.stderr, flush=True)


@contextlib.asynccontextmanager
async def _client(endpoint: str | None) -> AsyncIterator[Client]:
    if endpoint or os.environ.get("AGENTRT_ENDPOINT") or os.environ.get("XAI_API_KEY"):
        async with Client(endpoint=endpoint) as client:
            yield client
        return
    from agentrt.sim import Simulator

    _say("no XAI_API_KEY: using the simulator in this process (answers are synthetic)")
    async with Simulator() as sim, Client(endpoint=sim.address) as client:
        yield client


async def sync_collection(client: Client) -> str:
    """The id of the handbook collection, with every document of docs/ in it and indexed."""
    try:
        collection = await client.collections.resolve(COLLECTION)
    except NotFound:
        collection = await client.collections.create(
            COLLECTION, description="Northwind's policies: leave, expenses, security, on-call."
        )
        _say(f"created the collection {COLLECTION} ({collection.id})")
    have = {d.name async for d in client.collections.list_documents(collection.id)}
    for path in sorted((HERE / "docs").glob("*.md")):
        if path.name not in have:
            _say(f"adding {path.name}")
            await client.collections.upload_document(collection.id, path, wait=True)
    return collection.id


async def ask(question: str, endpoint: str | None) -> str:
    agent = load_agent(HERE / "docs_qa.yaml")
    async with _client(endpoint) as client:
        await sync_collection(client)
        result = await agent.run(question, client=client)
    return str(result.output)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("question", nargs="?", default="How many days of paid leave do we get?")
    parser.add_argument("--endpoint", metavar="HOST:PORT", help="an xAI-compatible server")
    args = parser.parse_args()
    try:
        print(asyncio.run(ask(args.question, args.endpoint)))
    except AgentrtError as e:
        print(f"docs_qa: error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
