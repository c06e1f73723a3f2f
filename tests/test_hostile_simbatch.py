"""Hostile input to the simulator's BatchMgmt service, driven by xai-sdk (unchanged).

Three tables: calls that must be refused with a status naming what is wrong, batches
whose bad requests must fail alone while the others succeed, and bad JSONL lines.
"""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable
from typing import Any

import grpc
import pytest
from xai_sdk import AsyncClient
from xai_sdk.proto import batch_pb2, chat_pb2

from agentrt.sim.batchstore import BatchLimits
from tests.sim_batch_helpers import (
    all_results,
    chat_request,
    check_counts,
    image_request,
    jsonl,
    wait_done,
)
from tests.sim_files_helpers import expect_status, sdk, serving

pytestmark = pytest.mark.e2e

Call = Callable[[AsyncClient, str], Awaitable[Any]]  # (client, an existing batch id)


def _pb(request_id: str, **fields: Any) -> batch_pb2.BatchRequest:
    return batch_pb2.BatchRequest(batch_request_id=request_id, **fields)


async def _add(client: AsyncClient, batch_id: str, requests: list[Any]) -> None:
    await client.batch.add(batch_id, requests)


def _stub(client: AsyncClient) -> Any:
    return client.batch._stub


REFUSED: list[tuple[str, Call, grpc.StatusCode, tuple[str, ...]]] = [
    (
        "results of an unknown batch",
        lambda c, b: c.batch.list_batch_results("batch_nope"),
        grpc.StatusCode.NOT_FOUND,
        ("batch_nope",),
    ),
    (
        "get an unknown batch",
        lambda c, b: c.batch.get("batch_nope"),
        grpc.StatusCode.NOT_FOUND,
        ("batch_nope",),
    ),
    (
        "cancel an unknown batch",
        lambda c, b: c.batch.cancel("batch_nope"),
        grpc.StatusCode.NOT_FOUND,
        ("batch_nope",),
    ),
    (
        "result of an unknown request id",
        lambda c, b: _stub(c).GetBatchRequestResult(
            batch_pb2.GetBatchRequestResultRequest(batch_id=b, batch_request_id="req_nope")
        ),
        grpc.StatusCode.NOT_FOUND,
        ("req_nope",),
    ),
    (
        "add to an unknown batch",
        lambda c, b: _add(c, "batch_nope", [chat_request(c, "x", "hi")]),
        grpc.StatusCode.NOT_FOUND,
        ("batch_nope",),
    ),
    (
        "a repeated batch_request_id",
        lambda c, b: _add(c, b, [chat_request(c, "twice", "a"), chat_request(c, "twice", "b")]),
        grpc.StatusCode.INVALID_ARGUMENT,
        ("'twice'", "repeated"),
    ),
    (
        "negative page size",
        lambda c, b: c.batch.list_batch_results(b, limit=-1),
        grpc.StatusCode.INVALID_ARGUMENT,
        ("-1",),
    ),
    (
        "a page token after a negative place",
        lambda c, b: c.batch.list(pagination_token=base64.urlsafe_b64encode(b"after:-1").decode()),
        grpc.StatusCode.INVALID_ARGUMENT,
        ("pagination_token",),
    ),
    (
        "a forged page token",
        lambda c, b: c.batch.list(pagination_token="not-ours!"),
        grpc.StatusCode.INVALID_ARGUMENT,
        ("pagination_token",),
    ),
    (
        "an unknown input file",
        lambda c, b: c.batch.create("x", input_file_id="file_nope"),
        grpc.StatusCode.NOT_FOUND,
        ("file_nope",),
    ),
    (
        "more requests than a batch holds",
        lambda c, b: _add(c, b, [chat_request(c, f"r{i}", "hi") for i in range(51)]),
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        ("50",),
    ),
    (
        "a name of 2,000 characters",
        lambda c, b: c.batch.create("n" * 2000),
        grpc.StatusCode.INVALID_ARGUMENT,
        ("name",),
    ),
]


@pytest.mark.parametrize(
    ("call", "code", "words"), [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED]
)
async def test_refused_with_a_status_naming_what_is_wrong(
    call: Call, code: grpc.StatusCode, words: tuple[str, ...]
) -> None:
    limits = BatchLimits(rate=0, max_requests=50)
    async with serving(batches=limits) as sim, sdk(sim) as client:
        batch = await client.batch.create("target")
        with expect_status(code, *words):
            await call(client, batch.batch_id)
        check_counts(await client.batch.get(batch.batch_id))
        assert (await client.batch.get(batch.batch_id)).state.num_requests == 0  # all or nothing


def _mixed(c: AsyncClient) -> list[Any]:
    return [
        chat_request(c, "g4", "hi", "grok-4"),
        chat_request(c, "g3", "hi", "grok-3"),
        chat_request(c, "mini", "hi", "grok-3-mini"),
        image_request("img", "a cat"),
    ]


ALONE: list[tuple[str, Callable[[AsyncClient], list[Any]], dict[str, grpc.StatusCode]]] = [
    ("mixed models all succeed", _mixed, {}),
    (
        "an unknown model fails alone",
        lambda c: [chat_request(c, "ok", "hi"), chat_request(c, "bad", "hi", "grok-nope")],
        {"bad": grpc.StatusCode.NOT_FOUND},
    ),
    (
        "a request with no request in it",
        lambda c: [chat_request(c, "ok", "hi"), _pb("empty")],
        {"empty": grpc.StatusCode.INVALID_ARGUMENT},
    ),
    (
        "a chat request without messages",
        lambda c: [
            chat_request(c, "ok", "hi"),
            _pb("nomsg", completion_request=chat_pb2.GetCompletionsRequest(model="grok-4")),
        ],
        {"nomsg": grpc.StatusCode.INVALID_ARGUMENT},
    ),
    (
        "an image request with an empty prompt",
        lambda c: [chat_request(c, "ok", "hi"), image_request("noprompt", "")],
        {"noprompt": grpc.StatusCode.INVALID_ARGUMENT},
    ),
    (
        "an image model asked to chat",
        lambda c: [chat_request(c, "ok", "hi"), chat_request(c, "img", "hi", "grok-2-image")],
        {"img": grpc.StatusCode.NOT_FOUND},
    ),
    (
        "no batch_request_id: one is made up",
        lambda c: [_pb("", completion_request=chat_request(c, "", "hi").proto)],
        {},
    ),
    (
        "a batch_request_id of 300 characters",
        lambda c: [chat_request(c, "ok", "hi"), chat_request(c, "x" * 300, "hi")],
        {"x" * 256: grpc.StatusCode.INVALID_ARGUMENT},
    ),
]


@pytest.mark.parametrize(("make", "failures"), [r[1:] for r in ALONE], ids=[r[0] for r in ALONE])
async def test_a_bad_request_fails_alone(
    make: Callable[[AsyncClient], list[Any]], failures: dict[str, grpc.StatusCode]
) -> None:
    async with serving(batches=BatchLimits(rate=0)) as sim, sdk(sim) as client:
        batch = await client.batch.create("mixed")
        requests = make(client)
        await client.batch.add(batch.batch_id, requests)
        done = await wait_done(client, batch.batch_id)
        assert (done.state.num_error, done.state.num_requests) == (len(failures), len(requests))
        for result in await all_results(client, batch.batch_id):
            assert result.batch_request_id  # given, or made up by the server
            want = failures.get(result.batch_request_id)
            if want is None:
                assert result.is_success, (result.batch_request_id, result.error_message)
            else:
                assert result.proto.error.code == want.value[0], result.error_message
                assert result.error_message


async def test_batch_calls_are_admitted_and_faulted_like_every_call() -> None:
    async with serving(api_key="test-key", batches=BatchLimits(rate=0)) as sim:
        async with sdk(sim) as client:  # the right key: the worker needs none of its own
            batch = await client.batch.create("keyed")
            await client.batch.add(batch.batch_id, [chat_request(client, "a", "hi")])
            assert (await wait_done(client, batch.batch_id)).state.num_success == 1
        async with sdk(sim, ("x-sim-fault", "unavailable")) as client:
            with expect_status(grpc.StatusCode.UNAVAILABLE, "simulated fault"):
                await client.batch.get(batch.batch_id)
        wrong = AsyncClient(api_key="wrong", api_host=f"localhost:{sim.port}", timeout=20)
        with expect_status(grpc.StatusCode.UNAUTHENTICATED, "API key"):
            await wrong.batch.list()
        await wrong.close()


async def test_cancel_after_completion_is_a_no_op_returning_the_batch() -> None:
    async with serving(batches=BatchLimits(rate=0)) as sim, sdk(sim) as client:
        batch = await client.batch.create("done")
        await client.batch.add(batch.batch_id, [chat_request(client, "a", "hi")])
        done = await wait_done(client, batch.batch_id)
        again = await client.batch.cancel(batch.batch_id)
        assert again.state == done.state
        assert not again.HasField("cancel_time")
        await client.batch.add(batch.batch_id, [chat_request(client, "b", "hi")])  # still open


async def test_the_result_of_a_pending_request_is_not_ready_yet() -> None:
    async with serving(batches=BatchLimits(rate=0.5)) as sim, sdk(sim) as client:
        batch = await client.batch.create("slow")
        await client.batch.add(batch.batch_id, [_pb("first"), _pb("second")])
        request = batch_pb2.GetBatchRequestResultRequest(
            batch_id=batch.batch_id, batch_request_id="second"
        )
        with expect_status(grpc.StatusCode.FAILED_PRECONDITION, "second", "pending"):
            await _stub(client).GetBatchRequestResult(request)


async def test_a_huge_add_is_queued_whole_and_memory_stays_in_the_store() -> None:
    async with serving(batches=BatchLimits(rate=1)) as sim, sdk(sim) as client:
        batch = await client.batch.create("huge")
        requests = [
            _pb(f"r{i}", image_request=image_request("", "p").image_request) for i in range(20_000)
        ]
        await client.batch.add(batch.batch_id, requests)
        got = await client.batch.get(batch.batch_id)
        check_counts(got)
        assert got.state.num_requests == 20_000
        cancelled = await client.batch.cancel(batch.batch_id)
        assert cancelled.state.num_cancelled + cancelled.state.num_success == 20_000


@pytest.mark.parametrize(("limit", "page"), [(0, 100), (10**9, 1000), (1, 1)])
async def test_page_sizes(limit: int, page: int) -> None:
    async with serving(batches=BatchLimits(rate=0)) as sim, sdk(sim) as client:
        batch = await client.batch.create("pages")
        requests = [_pb(f"r{i}") for i in range(1200)]  # each fails at once: no request
        await client.batch.add(batch.batch_id, requests)
        await wait_done(client, batch.batch_id)
        first = await client.batch.list_batch_results(batch.batch_id, limit=limit)
        assert len(first.results) == page
        assert first.pagination_token
        metadata = await client.batch.list_batch_requests(batch.batch_id, limit=limit)
        assert len(metadata.batch_request_metadata) == page


BAD_LINES: list[tuple[str, str, str]] = [
    ("not JSON", "{nope", "line 1"),
    ("a JSON array", "[1, 2]", "not a JSON object"),
    ("an unknown field", '{"batch_request_id": "u", "bogus": 1}', "bogus"),
    ("no request", '{"batch_request_id": "n"}', "holds no request"),
    ("an unknown wrapper", '{"batch_request": {"chat_frobnicate": {}}}', "chat_frobnicate"),
    ("a wrong type", '{"completion_request": {"model": 5}}', "line 1"),
    ("bytes that are not UTF-8", "\udcff\udcfe", "line 1"),
    ("an OpenAI line to an unknown url", '{"custom_id": "o", "url": "/v1/x", "body": {}}', "url"),
    (
        "an OpenAI body field the simulator does not read",
        '{"custom_id": "o", "url": "/v1/chat/completions", "body": {"logit_bias": {}}}',
        "body.logit_bias",
    ),
    (
        "an OpenAI message without a role",
        '{"custom_id": "o", "url": "/v1/chat/completions", "body": {"messages": [{}]}}',
        "role",
    ),
]


@pytest.mark.parametrize(
    ("line", "words"), [r[1:] for r in BAD_LINES], ids=[r[0] for r in BAD_LINES]
)
async def test_a_bad_jsonl_line_fails_alone(line: str, words: str) -> None:
    good = {
        "batch_request_id": "good",
        "completion_request": {
            "model": "grok-4",
            "messages": [{"role": "ROLE_USER", "content": [{"text": "hi"}]}],
        },
    }
    data = line.encode("utf-8", "surrogateescape") + b"\n\n" + jsonl([good])
    async with serving(batches=BatchLimits(rate=0)) as sim, sdk(sim) as client:
        uploaded = await client.files.upload(data, filename="in.jsonl")
        batch = await client.batch.create("lines", input_file_id=uploaded.id)
        done = await wait_done(client, batch.batch_id)
        assert (done.state.num_success, done.state.num_error) == (1, 1)
        [bad] = [r for r in await all_results(client, batch.batch_id) if r.has_error]
        assert bad.proto.error.code == grpc.StatusCode.INVALID_ARGUMENT.value[0]
        assert "line 1" in bad.error_message
        assert words in bad.error_message
