"""Hostile input to agentrt's Batch client (``client.batch``): tables, one line per case.

Local mistakes are a one-line UsageError before any network call (checked against a
port nobody listens on: a call would be Unavailable); the server's refusals arrive as
the agentrt error of their status; a request that fails inside a batch fails alone and
its result's ``error`` is that typed error.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from agentrt.errors import (
    AgentrtError,
    DeadlineExceeded,
    InvalidRequest,
    NotFound,
    RPCError,
    UsageError,
)
from agentrt.sim.batchstore import BatchLimits
from agentrt.xai.batch_types import BatchItem
from agentrt.xai.chat_request import ChatRequest
from agentrt.xai.client import Client
from agentrt.xai.image_types import ImageRequest
from agentrt.xai.messages import user
from tests.client_files_helpers import sim_and_client

pytestmark = pytest.mark.e2e

Call = Callable[[Client], Awaitable[Any]]


def ok(i: int | str) -> BatchItem:
    return BatchItem(str(i), ChatRequest(model="grok-4", messages=(user(f"hi {i}"),)))


async def drain(iterator: Any) -> list[Any]:
    return [x async for x in iterator]


HUGE = BatchItem("huge", ChatRequest(model="grok-4", messages=(user("x" * (21 << 20)),)))

# (case, call, words the UsageError must hold)
LOCAL: list[tuple[str, Call, str]] = [
    ("duplicate item ids", lambda c: c.batch.add("b", [ok(1), ok(2), ok(1)]), "'1' is given twice"),
    ("an item over the size limit", lambda c: c.batch.add("b", [ok(1), HUGE]), "'huge'"),
    ("empty add", lambda c: c.batch.add("b", []), "at least one"),
    ("an empty item id", lambda c: c.batch.add("b", [ok("")]), "1..200"),
    ("an item id of 201 characters", lambda c: c.batch.add("b", [ok("x" * 201)]), "1..200"),
    ("not a BatchItem", lambda c: c.batch.add("b", ["hi"]), "BatchItem"),
    ("a request of another type", lambda c: c.batch.add("b", [BatchItem("a", "hi")]), "'a'"),  # type: ignore[arg-type]
    (
        "a bad image format",
        lambda c: c.batch.add(
            "b", [BatchItem("i", ImageRequest(prompt="p", model="m", image_format="gif"))]
        ),  # type: ignore[arg-type]
        "image_format",
    ),
    (
        "an image of n=11",
        lambda c: c.batch.add("b", [BatchItem("i", ImageRequest(prompt="p", model="m", n=11))]),
        "n must be 1 to 10",
    ),
    (
        "an image without a prompt",
        lambda c: c.batch.add("b", [BatchItem("i", ImageRequest(prompt="", model="m"))]),
        "prompt is empty",
    ),
    ("an empty batch id", lambda c: c.batch.get(""), "batch_id"),
    ("page_size 0 (list)", lambda c: drain(c.batch.list(page_size=0)), "page_size"),
    ("page_size 0 (results)", lambda c: drain(c.batch.results("b", page_size=0)), "page_size"),
    (
        "page_size -1 (requests)",
        lambda c: drain(c.batch.list_requests("b", page_size=-1)),
        "page_size",
    ),
    ("an unknown state", lambda c: drain(c.batch.list_requests("b", states=["done"])), "'done'"),
    ("a zero wait timeout", lambda c: c.batch.wait("b", timeout=0), "timeout"),
    ("a zero poll interval", lambda c: c.batch.wait("b", poll_interval=0), "poll_interval"),
    ("an empty input file id", lambda c: c.batch.create("n", input_file_id=""), "input_file_id"),
]


@pytest.mark.parametrize(("call", "words"), [c[1:] for c in LOCAL], ids=[c[0] for c in LOCAL])
async def test_local_mistakes_are_usage_errors_before_any_call(call: Call, words: str) -> None:
    async with Client(endpoint="127.0.0.1:1", timeout=5) as client:  # nothing listens there
        with pytest.raises(UsageError, match=words) as raised:
            await call(client)
    assert "\n" not in str(raised.value)


async def _done_batch(client: Client) -> str:
    batch = await client.batch.create("done")
    await client.batch.add(batch.id, [ok(1)])
    await client.batch.wait(batch.id, poll_interval=0.02)
    return batch.id


async def _cancelled_add(client: Client) -> None:
    batch = await client.batch.create("cancelled")
    await client.batch.add(batch.id, [ok(1), ok(2), ok(3)])
    assert (await client.batch.cancel(batch.id)).counts.cancelled > 0
    await client.batch.add(batch.id, [ok(4)])


async def _unknown_request(client: Client) -> None:
    await client.batch.result(await _done_batch(client), "nope")


async def _repeated_add(client: Client) -> None:
    batch = await client.batch.create("twice")
    await client.batch.add(batch.id, [ok(1)])
    await client.batch.add(batch.id, [ok(2), ok(1)])


# (case, call, error class, words in its message)
REFUSED: list[tuple[str, Call, type[AgentrtError], str]] = [
    ("get an unknown batch", lambda c: c.batch.get("batch_nope"), NotFound, "batch_nope"),
    ("cancel an unknown batch", lambda c: c.batch.cancel("batch_nope"), NotFound, "batch_nope"),
    (
        "add to an unknown batch",
        lambda c: c.batch.add("batch_nope", [ok(1)]),
        NotFound,
        "batch_nope",
    ),
    (
        "results of an unknown batch",
        lambda c: drain(c.batch.results("batch_nope")),
        NotFound,
        "batch_nope",
    ),
    (
        "requests of an unknown batch",
        lambda c: drain(c.batch.list_requests("batch_nope")),
        NotFound,
        "batch_nope",
    ),
    (
        "result of an unknown batch",
        lambda c: c.batch.result("batch_nope", "1"),
        NotFound,
        "batch_nope",
    ),
    (
        "result of an unknown request",
        lambda c: _unknown_request(c),
        NotFound,
        "nope",
    ),
    ("add to a cancelled batch", _cancelled_add, InvalidRequest, "cancel"),
    ("an id already in the batch", _repeated_add, InvalidRequest, "repeated"),
    ("wait for an unknown batch", lambda c: c.batch.wait("batch_nope"), NotFound, "batch_nope"),
]


@pytest.mark.parametrize(
    ("call", "error", "words"), [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED]
)
async def test_refusals_are_typed_errors(call: Call, error: type[AgentrtError], words: str) -> None:
    async with sim_and_client(batches=BatchLimits(rate=5)) as (_, client):
        with pytest.raises(error, match=words):
            await call(client)


async def test_wait_timeout_names_the_batch_and_its_counts() -> None:
    async with sim_and_client(batches=BatchLimits(rate=0.5)) as (_, client):
        batch = await client.batch.create("slow")
        await client.batch.add(batch.id, [ok(1), ok(2), ok(3)])
        with pytest.raises(DeadlineExceeded) as raised:
            await client.batch.wait(batch.id, timeout=0.3, poll_interval=0.05)
    message = str(raised.value)
    assert batch.id in message
    assert "3 requests" in message
    assert "pending" in message


async def test_cancel_after_completion_returns_the_batch_unchanged() -> None:
    async with sim_and_client(batches=BatchLimits(rate=0)) as (_, client):
        batch_id = await _done_batch(client)
        done = await client.batch.get(batch_id)
        again = await client.batch.cancel(batch_id)
    assert (again.counts, again.cancelled_at) == (done.counts, None)


# (case, the failing item, its error class, words in its message)
ALONE: list[tuple[str, BatchItem, type[RPCError], str]] = [
    (
        "an unknown model",
        BatchItem("m", ChatRequest(model="nope", messages=(user("hi"),))),
        NotFound,
        "nope",
    ),
    (
        "a chat without messages",
        BatchItem("e", ChatRequest(model="grok-4", messages=())),
        InvalidRequest,
        "",
    ),
    (
        "an image of an unknown model",
        BatchItem("p", ImageRequest(prompt="a fox", model="no-such-image-model")),
        NotFound,
        "no-such-image-model",
    ),
    (
        "an image model asked to chat",
        BatchItem("c", ChatRequest(model="grok-2-image", messages=(user("hi"),))),
        NotFound,
        "",
    ),
]


@pytest.mark.parametrize(
    ("item", "error", "words"), [c[1:] for c in ALONE], ids=[c[0] for c in ALONE]
)
async def test_a_request_failing_inside_a_batch_fails_alone_with_a_typed_error(
    item: BatchItem, error: type[RPCError], words: str
) -> None:
    async with sim_and_client(batches=BatchLimits(rate=0)) as (_, client):
        batch = await client.batch.create("alone")
        await client.batch.add(batch.id, [ok(1), item, ok(2)])
        done = await client.batch.wait(batch.id, poll_interval=0.02)
        results = {r.request_id: r async for r in client.batch.results(batch.id)}
        one = await client.batch.result(batch.id, item.id)
    assert (done.counts.succeeded, done.counts.failed) == (2, 1)
    failed = results[item.id]
    assert type(failed.error) is error
    assert failed.response is None
    assert not failed.ok
    assert failed.error.details
    assert words in failed.error.details
    assert results["1"].ok
    assert results["2"].ok
    assert type(one.error) is error
    assert one.error.details == failed.error.details
