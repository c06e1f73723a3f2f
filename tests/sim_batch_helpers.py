"""Helpers for the tests of the simulator's BatchMgmt service (driven by xai-sdk, unchanged)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Sequence
from typing import Any

from xai_sdk import AsyncClient
from xai_sdk.chat import user
from xai_sdk.proto import batch_pb2, image_pb2

__all__ = [
    "all_results",
    "chat_request",
    "check_counts",
    "image_request",
    "jsonl",
    "wait_done",
    "wait_until",
]


def chat_request(client: AsyncClient, request_id: str, text: str, model: str = "grok-4") -> Any:
    """An xai-sdk chat carrying a batch_request_id, as xai-sdk's docs add them."""
    chat = client.chat.create(model=model, batch_request_id=request_id)
    chat.append(user(text))
    return chat


def image_request(request_id: str, prompt: str) -> batch_pb2.BatchRequest:
    """An image generation batch request (xai-sdk's proto, unchanged)."""
    generate = image_pb2.GenerateImageRequest(
        prompt=prompt, model="grok-2-image", format=image_pb2.IMG_FORMAT_BASE64
    )
    return batch_pb2.BatchRequest(batch_request_id=request_id, image_request=generate)


def check_counts(batch: batch_pb2.Batch) -> None:
    """The counts add up: requests = pending + succeeded + failed + cancelled."""
    s = batch.state
    assert s.num_requests == s.num_pending + s.num_success + s.num_error + s.num_cancelled, s


async def wait_until(
    client: AsyncClient, batch_id: str, done: Callable[[batch_pb2.Batch], bool]
) -> batch_pb2.Batch:
    """Poll (checking the counts at every poll, for at most 20 s) until ``done(batch)``."""
    async with asyncio.timeout(20):
        while True:
            batch = await client.batch.get(batch_id)
            check_counts(batch)
            if done(batch):
                return batch
            await asyncio.sleep(0.01)


async def wait_done(client: AsyncClient, batch_id: str) -> batch_pb2.Batch:
    """Poll until nothing is pending."""
    return await wait_until(client, batch_id, lambda b: b.state.num_pending == 0)


async def all_results(client: AsyncClient, batch_id: str, limit: int = 7) -> list[Any]:
    """Every listed result, following the page tokens."""
    out: list[Any] = []
    token = None
    while True:
        page = await client.batch.list_batch_results(batch_id, limit=limit, pagination_token=token)
        out.extend(page.results)
        token = page.pagination_token
        if token is None:
            return out


def jsonl(lines: Sequence[dict[str, Any] | str]) -> bytes:
    """A JSONL file of the given objects (strings are written as they are)."""
    return "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines).encode()
