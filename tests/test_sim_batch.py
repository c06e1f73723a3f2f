"""xai-sdk, unchanged, against the simulator's BatchMgmt service over 127.0.0.1."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import grpc
import pytest
from xai_sdk import AsyncClient
from xai_sdk.chat import user
from xai_sdk.proto import batch_pb2

from agentrt.sim import Simulator
from agentrt.sim.batchstore import DB_NAME, BatchLimits
from tests.conftest import running_sim
from tests.sim_batch_helpers import (
    all_results,
    chat_request,
    check_counts,
    image_request,
    jsonl,
    wait_done,
    wait_until,
)
from tests.sim_files_helpers import expect_status, sdk, serving

pytestmark = pytest.mark.e2e

State = batch_pb2.BatchRequestMetadata.State


async def test_lifecycle_to_completion_with_exact_counts_and_cost() -> None:
    async with serving(batches=BatchLimits(rate=50)) as sim, sdk(sim) as client:
        batch = await client.batch.create("lifecycle")
        assert (batch.name, batch.state.num_requests) == ("lifecycle", 0)
        requests = [chat_request(client, f"q{i}", f"question {i}") for i in range(10)]
        await client.batch.add(batch.batch_id, [*requests, image_request("img", "a red fox")])
        seen_success, polls, mid_way = -1, 0, False
        while True:  # exact at every poll, and never going back
            got = await client.batch.get(batch.batch_id)
            check_counts(got)
            assert got.state.num_requests == 11
            assert got.state.num_success >= seen_success
            seen_success, polls = got.state.num_success, polls + 1
            if not got.state.num_pending:
                break
            listed = await all_results(client, batch.batch_id)
            assert len(listed) >= got.state.num_success  # listable as soon as finished
            mid_way = mid_way or 0 < len(listed) < 11
            await asyncio.sleep(0.01)
        assert polls > 2  # 11 requests at 50/s: the polls saw it in progress
        assert mid_way  # some results were listed while others were pending
        assert (got.state.num_success, got.state.num_error) == (11, 0)
        costs = {c.endpoint: c for c in got.cost_breakdown.endpoint_costs}
        assert costs["/v1/chat/completions"].request_count == 10
        assert costs["/v1/images/generations"].request_count == 1
        total = sum(c.cost_usd_ticks for c in costs.values())
        assert got.cost_breakdown.total_cost_usd_ticks == total > 0
        results = await all_results(client, batch.batch_id, limit=4)
        assert sorted(r.batch_request_id for r in results) == sorted(
            ["img", *(f"q{i}" for i in range(10))]
        )
        assert all(r.is_success for r in results)
        each = [
            r.proto.response.completion_response.usage.cost_in_usd_ticks
            + r.proto.response.image_response.usage.cost_in_usd_ticks
            for r in results
        ]
        assert got.cost_breakdown.total_cost_usd_ticks == sum(each)  # summed from the results
        assert all(each)
        listed = await client.batch.list()
        assert [b.batch_id for b in listed.batches] == [batch.batch_id]


async def test_a_result_is_what_chat_answers_for_the_same_request() -> None:
    async with serving(batches=BatchLimits(rate=0)) as sim, sdk(sim) as client:
        batch = await client.batch.create("same")
        await client.batch.add(batch.batch_id, [chat_request(client, "a", "What is 2+2?")])
        await wait_done(client, batch.batch_id)
        [result] = await all_results(client, batch.batch_id)
        direct = await chat_request(client, "ignored", "What is 2+2?").sample()
        assert result.response.content == direct.content
        assert result.response.usage.completion_tokens == direct.usage.completion_tokens
        assert result.response.usage.prompt_tokens == direct.usage.prompt_tokens


@pytest.mark.parametrize(("rate", "least_s"), [(40.0, 7 / 40), (0.0, 0.0)])
async def test_the_rate_paces_processing(rate: float, least_s: float) -> None:
    async with serving(batches=BatchLimits(rate=rate)) as sim, sdk(sim) as client:
        batch = await client.batch.create("paced")
        started = time.monotonic()
        await client.batch.add(
            batch.batch_id, [chat_request(client, f"r{i}", "hi") for i in range(8)]
        )
        await wait_done(client, batch.batch_id)
        assert least_s <= time.monotonic() - started < least_s + 2


async def test_cancel_mid_way_stops_what_has_not_started() -> None:
    async with serving(batches=BatchLimits(rate=40)) as sim, sdk(sim) as client:
        batch = await client.batch.create("cancel")
        await client.batch.add(
            batch.batch_id, [chat_request(client, f"r{i}", "hi") for i in range(100)]
        )
        await wait_until(client, batch.batch_id, lambda b: b.state.num_success >= 3)
        cancelled = await client.batch.cancel(batch.batch_id)
        check_counts(cancelled)
        s = cancelled.state
        assert cancelled.HasField("cancel_time")
        assert s.num_pending == 0
        assert s.num_success >= 3
        assert s.num_cancelled > 0
        assert s.num_success + s.num_cancelled == 100
        await asyncio.sleep(0.1)  # nothing runs after the cancel
        assert (await client.batch.get(batch.batch_id)).state == s
        stub = client.batch._stub
        page = await stub.ListBatchRequestMetadata(
            batch_pb2.ListBatchRequestMetadataRequest(
                batch_id=batch.batch_id, limit=1000, status=[State.STATE_CANCELLED]
            )
        )
        assert len(page.batch_request_metadata) == s.num_cancelled
        assert all(m.HasField("finish_time") for m in page.batch_request_metadata)
        assert len(await all_results(client, batch.batch_id)) == s.num_success
        one = page.batch_request_metadata[0].batch_request_id
        got = await stub.GetBatchRequestResult(
            batch_pb2.GetBatchRequestResultRequest(batch_id=batch.batch_id, batch_request_id=one)
        )
        assert got.result.error.code == grpc.StatusCode.CANCELLED.value[0]
        with expect_status(grpc.StatusCode.FAILED_PRECONDITION, "cancelled", batch.batch_id):
            await client.batch.add(batch.batch_id, [chat_request(client, "late", "hi")])


async def test_a_batch_from_a_jsonl_file() -> None:
    lines = [
        {
            "batch_request_id": "proto",
            "completion_request": {
                "model": "grok-4",
                "messages": [{"role": "ROLE_USER", "content": [{"text": "hello"}]}],
            },
        },
        {
            "batch_request_id": "wrapped",
            "batch_request": {
                "chat_get_completion": {
                    "model": "grok-3",
                    "messages": [{"role": "ROLE_USER", "content": [{"text": "hi"}]}],
                }
            },
        },
        "{not json",
        {
            "custom_id": "openai",
            "method": "POST",
            "url": "/v1/chat/completions",
            "body": {
                "model": "grok-4",
                "messages": [{"role": "user", "content": "What is 2+2?"}],
                "max_tokens": 40,
            },
        },
    ]
    async with serving(batches=BatchLimits(rate=0)) as sim, sdk(sim) as client:
        uploaded = await client.files.upload(jsonl(lines), filename="requests.jsonl")
        batch = await client.batch.create("from file", input_file_id=uploaded.id)
        assert (batch.input_file_id, batch.state.num_requests) == (uploaded.id, 4)
        done = await wait_done(client, batch.batch_id)
        assert (done.state.num_success, done.state.num_error) == (3, 1)
        results = {r.batch_request_id: r for r in await all_results(client, batch.batch_id)}
        assert results["proto"].is_success
        assert results["wrapped"].is_success
        assert results["wrapped"].response.content
        direct = await chat_request(client, "x", "What is 2+2?").sample()
        assert results["openai"].response.content == direct.content
        bad = results["line_3"]
        assert bad.proto.error.code == grpc.StatusCode.INVALID_ARGUMENT.value[0]
        assert "line 3" in bad.error_message
        with expect_status(grpc.StatusCode.FAILED_PRECONDITION, "sealed"):
            await client.batch.add(batch.batch_id, [chat_request(client, "more", "hi")])


def _client(port: int) -> AsyncClient:
    return AsyncClient(api_key="k", api_host=f"localhost:{port}", timeout=20)


async def test_a_restart_with_data_dir_resumes_pending_requests(tmp_path: Path) -> None:
    args = ("--data-dir", str(tmp_path), "--batch-rate", "40")
    with running_sim(*args) as sim:
        client = _client(sim.port)
        batch = await client.batch.create("resumed")
        await client.batch.add(
            batch.batch_id, [chat_request(client, f"r{i}", f"q {i}") for i in range(60)]
        )
        await wait_until(client, batch.batch_id, lambda b: b.state.num_success >= 3)
        sim.process.kill()  # no goodbye: whatever was committed is all there is
        sim.process.wait()
        await client.close()
    assert (tmp_path / DB_NAME).exists()
    with running_sim(*args) as sim:
        client = _client(sim.port)
        before = await client.batch.get(batch.batch_id)
        check_counts(before)
        assert before.state.num_success >= 3
        assert before.state.num_pending > 0
        done = await wait_done(client, batch.batch_id)
        assert (done.state.num_requests, done.state.num_success) == (60, 60)
        ids = [r.batch_request_id for r in await all_results(client, batch.batch_id)]
        assert sorted(ids) == sorted(f"r{i}" for i in range(60))  # nothing lost or repeated
        await client.close()
    assert sim.process.returncode == 0, sim.stderr  # SIGTERM: the worker stopped cleanly


async def test_batches_are_listed_in_pages_oldest_first() -> None:
    async with serving() as sim, sdk(sim) as client:
        made = [(await client.batch.create(f"b{i}")).batch_id for i in range(5)]
        first = await client.batch.list(limit=2)
        second = await client.batch.list(limit=2, pagination_token=first.pagination_token)
        third = await client.batch.list(limit=2, pagination_token=second.pagination_token)
        pages = [first, second, third]
        assert [b.batch_id for p in pages for b in p.batches] == made
        assert not third.pagination_token


async def test_a_batch_request_continues_a_stored_conversation_and_is_stored() -> None:
    async with serving(batches=BatchLimits(rate=0)) as sim, sdk(sim) as client:
        first = client.chat.create(model="grok-4", store_messages=True)
        first.append(user("My name is Ada."))
        earlier = await first.sample()
        follow = client.chat.create(
            model="grok-4",
            store_messages=True,
            previous_response_id=earlier.id,
            batch_request_id="follow",
        )
        follow.append(user("What is my name?"))
        batch = await client.batch.create("continued")
        await client.batch.add(batch.batch_id, [follow])
        await wait_done(client, batch.batch_id)
        [result] = await all_results(client, batch.batch_id)
        assert result.is_success, result.error_message
        [stored] = await client.chat.get_stored_completion(result.response.id)
        assert stored.content == result.response.content


async def test_stopping_mid_batch_leaves_no_task_running() -> None:
    sim = Simulator(batches=BatchLimits(rate=2))
    await sim.start()
    async with sdk(sim) as client:
        batch = await client.batch.create("stopped")
        await client.batch.add(
            batch.batch_id, [chat_request(client, f"r{i}", "hi") for i in range(10)]
        )
        assert any(t.get_name() == "sim-batches" for t in asyncio.all_tasks())
    started = time.monotonic()
    await sim.stop()
    assert time.monotonic() - started < 1  # the worker's pause is cancelled, not waited out
    assert not any(t.get_name() == "sim-batches" for t in asyncio.all_tasks())
