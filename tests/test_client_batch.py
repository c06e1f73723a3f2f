"""agentrt's Batch client (``client.batch``) against the simulator's BatchMgmt over 127.0.0.1."""

from __future__ import annotations

import asyncio
import dataclasses
import json

import pytest

from agentrt.errors import Cancelled, InvalidRequest
from agentrt.sim.batchstore import BatchLimits
from agentrt.xai.batch_types import BatchInfo, BatchItem, BatchResult
from agentrt.xai.chat_request import ChatRequest
from agentrt.xai.chat_response import ChatResponse
from agentrt.xai.client import Client
from agentrt.xai.image_types import ImageRequest
from agentrt.xai.messages import system, user
from agentrt.xai.service_types import ImageResult
from tests.client_files_helpers import sim_and_client

pytestmark = pytest.mark.e2e

FAST = BatchLimits(rate=0)  # as fast as the model answers


def chat(i: int, model: str = "grok-4") -> ChatRequest:
    return ChatRequest(model=model, messages=(system("Be brief."), user(f"question {i}")))


def image(i: int) -> ImageRequest:
    return ImageRequest(prompt=f"a fox number {i}", model="grok-2-image", image_format="base64")


def mixed(n: int) -> list[BatchItem]:
    """``n`` items: every fifth an image request, the others chats on two models."""
    return [
        BatchItem(f"i{i}", image(i))
        if i % 5 == 0
        else BatchItem(f"c{i}", chat(i, "grok-3-mini" if i % 2 else "grok-4"))
        for i in range(n)
    ]


async def _results(client: Client, batch_id: str, page_size: int = 100) -> dict[str, BatchResult]:
    return {r.request_id: r async for r in client.batch.results(batch_id, page_size=page_size)}


async def test_250_mixed_requests_waited_with_progress_and_read_back_paged() -> None:
    seen: list[BatchInfo] = []
    async with sim_and_client(batches=BatchLimits(rate=1000)) as (_, client):
        batch = await client.batch.create("mixed")
        assert (batch.name, batch.counts.total, batch.input_file_id) == ("mixed", 0, None)
        items = mixed(250)
        await client.batch.add(batch.id, items)
        done = await client.batch.wait(batch.id, progress=seen.append, poll_interval=0.02)
        assert done.done
        assert (done.counts.total, done.counts.succeeded, done.counts.failed) == (250, 250, 0)
        assert done.cost_usd > 0
        results = await _results(client, batch.id, page_size=40)
        one = await client.batch.result(batch.id, "c7")
        direct = await client.chat.complete(chat(7, "grok-3-mini"))
        picture = await client.images.generate(
            "a fox number 10", model="grok-2-image", image_format="base64"
        )
    succeeded = [i.counts.succeeded for i in seen]
    assert len(seen) >= 3
    assert succeeded == sorted(succeeded)  # polled in progress, never back
    assert succeeded[0] < 250 == succeeded[-1]
    assert seen[-1] == done
    assert set(results) == {item.id for item in items}
    assert all(r.ok for r in results.values())
    assert all(isinstance(results[f"i{i}"].response, ImageResult) for i in range(0, 250, 5))
    response = results["c7"].response
    assert isinstance(response, ChatResponse)
    assert (response.content, response.model) == (direct.content, direct.model)
    assert response.usage.completion_tokens == direct.usage.completion_tokens > 0
    assert one == results["c7"]
    assert results["i10"].response == picture


async def test_add_splits_into_calls_under_the_message_limit() -> None:
    async with sim_and_client(batches=FAST) as (_, default):
        small = dataclasses.replace(default.config, max_message_bytes=64 * 1024)
        async with Client(config=small) as client:
            batch = await client.batch.create("split")
            text = "x" * 20_000  # four of these do not fit in one 64 KiB message
            items = [
                BatchItem(f"r{i}", ChatRequest(model="grok-4", messages=(user(f"{i} {text}"),)))
                for i in range(10)
            ]
            await client.batch.add(batch.id, items)
            done = await client.batch.wait(batch.id, poll_interval=0.02)
            order = [r.id async for r in client.batch.list_requests(batch.id)]
    assert (done.counts.total, done.counts.succeeded) == (10, 10)
    assert order == [f"r{i}" for i in range(10)]  # in order across the calls


async def test_list_batches_paged() -> None:
    async with sim_and_client(batches=FAST) as (_, client):
        made = [(await client.batch.create(f"b{i}")).id for i in range(5)]
        listed = [b async for b in client.batch.list(page_size=2)]
    assert sorted(b.id for b in listed) == sorted(made)
    assert sorted(b.name for b in listed) == [f"b{i}" for i in range(5)]


async def test_list_requests_filtered_by_state_and_a_request_failing_alone() -> None:
    async with sim_and_client(batches=FAST) as (_, client):
        batch = await client.batch.create("filter")
        bad = BatchItem("bad", ChatRequest(model="no-such-model", messages=(user("hi"),)))
        await client.batch.add(batch.id, [*mixed(6), bad])
        done = await client.batch.wait(batch.id, poll_interval=0.02)
        failed = [r async for r in client.batch.list_requests(batch.id, states=["failed"])]
        good = [
            r.id
            async for r in client.batch.list_requests(batch.id, states=("succeeded",), page_size=2)
        ]
        every = [r async for r in client.batch.list_requests(batch.id)]
    assert (done.counts.succeeded, done.counts.failed) == (6, 1)
    assert [(r.id, r.state, r.model) for r in failed] == [("bad", "failed", "no-such-model")]
    assert sorted(good) == sorted(item.id for item in mixed(6))
    assert {r.endpoint for r in every} == {"/v1/chat/completions", "/v1/images/generations"}
    assert None not in [r.created_at for r in every] + [r.finished_at for r in every]


async def test_cancel_midway_stops_what_has_not_started() -> None:
    async with sim_and_client(batches=BatchLimits(rate=20)) as (_, client):
        batch = await client.batch.create("cancel")
        await client.batch.add(batch.id, [BatchItem(f"q{i}", chat(i)) for i in range(40)])
        for _ in range(500):  # until it is under way
            if (await client.batch.get(batch.id)).counts.succeeded >= 2:
                break
            await asyncio.sleep(0.01)
        cancelled = await client.batch.cancel(batch.id)
        done = await client.batch.wait(batch.id, poll_interval=0.02)
        stopped = [r.id async for r in client.batch.list_requests(batch.id, states=["cancelled"])]
        last = await client.batch.result(batch.id, "q39")
        listed = await _results(client, batch.id)
    assert cancelled.cancelled_at is not None
    c = done.counts
    assert 0 < c.cancelled < 40
    assert c.succeeded > 0
    assert c.succeeded + c.cancelled == 40
    assert c.pending == 0
    assert len(stopped) == c.cancelled
    assert "q39" in stopped
    assert isinstance(last.error, Cancelled)
    assert last.response is None
    assert len(listed) == c.succeeded  # cancelled requests have no listed result


async def test_a_batch_from_an_uploaded_jsonl_file() -> None:
    lines = [
        {"batch_request_id": f"j{i}", "completion_request": {"model": "grok-4", "messages": []}}
        for i in range(3)
    ]
    for i, line in enumerate(lines):
        line["completion_request"]["messages"] = [{"role": 1, "content": [{"text": f"hi {i}"}]}]
    data = "\n".join(json.dumps(x) for x in lines).encode()
    async with sim_and_client(batches=FAST) as (_, client):
        file = await client.files.upload(data, filename="in.jsonl")
        batch = await client.batch.create("from-file", input_file_id=file.id)
        done = await client.batch.wait(batch.id, poll_interval=0.02)
        results = await _results(client, batch.id)
    assert batch.input_file_id == file.id
    assert (done.counts.total, done.counts.succeeded) == (3, 3)
    assert set(results) == {"j0", "j1", "j2"}
    assert all(isinstance(r.response, ChatResponse) for r in results.values())
    assert all(r.response.content for r in results.values())  # type: ignore[union-attr]


async def test_a_failed_call_of_a_split_add_leaves_the_calls_before_it_in_the_batch() -> None:
    async with sim_and_client(batches=FAST) as (_, default):
        small = dataclasses.replace(default.config, max_message_bytes=64 * 1024)
        async with Client(config=small) as client:
            batch = await client.batch.create("partial")
            await client.batch.add(batch.id, [BatchItem("taken", chat(0))])
            text = "x" * 20_000
            items = [
                BatchItem(f"r{i}", ChatRequest(model="grok-4", messages=(user(f"{i} {text}"),)))
                for i in range(6)
            ]
            with pytest.raises(
                InvalidRequest, match="repeated"
            ):  # the second call (r3..r5) repeats an id
                await client.batch.add(
                    batch.id, [*items[:4], BatchItem("taken", chat(1)), *items[4:]]
                )
            ids = [r.id async for r in client.batch.list_requests(batch.id)]
    assert ids == ["taken", "r0", "r1", "r2"]  # the first call's requests, nothing after
