"""The simulator's REST batches endpoints, with the official ``openai`` SDK as the referee.

A JSONL of OpenAI batch lines is uploaded, a batch made of it, waited for, and its output
file read back: each answer is what the gRPC door's ``GetCompletion`` says to the same
request.
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator

import grpc
import openai
import pytest
from agentrt_protos.xai.api.v1 import chat_pb2, chat_pb2_grpc
from openai.types import Batch

from agentrt.sim.batchstore import BatchLimits
from agentrt.sim.ragstore import RagLimits
from agentrt.sim.server import Simulator

KEY = "sk-sim-batches"
QUESTIONS = {"q1": "What is the capital of France?", "q2": "Name a prime.", "q3": "Hello!"}


def _line(custom_id: str, text: str, model: str = "grok-3") -> dict[str, object]:
    return {
        "custom_id": custom_id,
        "method": "POST",
        "url": "/v1/chat/completions",
        "body": {"model": model, "messages": [{"role": "user", "content": text}]},
    }


def _jsonl(lines: list[dict[str, object]]) -> bytes:
    return "".join(json.dumps(line) + "\n" for line in lines).encode()


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator(http_port=0, api_key=KEY) as running:
        yield running


@pytest.fixture
async def client(sim: Simulator) -> AsyncIterator[openai.AsyncOpenAI]:
    async with openai.AsyncOpenAI(base_url=sim.rest_url, api_key=KEY, max_retries=0) as c:
        yield c


async def _upload(client: openai.AsyncOpenAI, lines: list[dict[str, object]]) -> str:
    made = await client.files.create(file=("in.jsonl", _jsonl(lines)), purpose="batch")
    return made.id


async def _wait(client: openai.AsyncOpenAI, batch_id: str) -> Batch:
    async with asyncio.timeout(20):
        while True:
            batch = await client.batches.retrieve(batch_id)
            if batch.status in ("completed", "cancelled", "failed"):
                return batch
            await asyncio.sleep(0.01)


async def _grpc_answer(sim: Simulator, text: str) -> str:
    request = chat_pb2.GetCompletionsRequest(
        model="grok-3",
        messages=[chat_pb2.Message(role=chat_pb2.ROLE_USER, content=[chat_pb2.Content(text=text)])],
    )
    async with grpc.aio.insecure_channel(sim.address) as channel:
        reply = await chat_pb2_grpc.ChatStub(channel).GetCompletion(
            request, metadata=(("authorization", f"Bearer {KEY}"),)
        )
    return str(reply.outputs[0].message.content)


async def test_a_chat_batch_completes_with_the_grpc_answers(
    sim: Simulator, client: openai.AsyncOpenAI
) -> None:
    lines = [_line(k, v) for k, v in QUESTIONS.items()]
    lines.append(_line("bad", "hi", model="no-such-model"))
    made = await client.batches.create(
        input_file_id=await _upload(client, lines),
        endpoint="/v1/chat/completions",
        completion_window="24h",
        metadata={"run": "t1"},
    )
    assert (made.object, made.endpoint, made.metadata) == (
        "batch",
        "/v1/chat/completions",
        {"run": "t1"},
    )
    done = await _wait(client, made.id)
    assert done.status == "completed"
    assert done.request_counts is not None
    assert (done.request_counts.total, done.request_counts.completed) == (4, 3)
    assert done.request_counts.failed == 1
    assert done.output_file_id is not None
    assert done.error_file_id is not None
    output = (await client.files.content(done.output_file_id)).text
    answers = {}
    for raw in output.splitlines():
        line = json.loads(raw)
        assert line["response"]["status_code"] == 200
        body = line["response"]["body"]
        assert body["object"] == "chat.completion"
        answers[line["custom_id"]] = body["choices"][0]["message"]["content"]
    assert set(answers) == set(QUESTIONS)
    for custom_id, text in QUESTIONS.items():
        assert answers[custom_id] == await _grpc_answer(sim, text)
    errors = [
        json.loads(r) for r in (await client.files.content(done.error_file_id)).text.splitlines()
    ]
    assert [e["custom_id"] for e in errors] == ["bad"]
    assert errors[0]["response"]["status_code"] == 404
    assert "no-such-model" in errors[0]["response"]["body"]["error"]["message"]
    meta = await client.files.retrieve(done.output_file_id)
    assert meta.purpose == "batch_output"


async def test_list_is_newest_first_and_pages(client: openai.AsyncOpenAI) -> None:
    file_id = await _upload(client, [_line("q1", "hi")])
    ids = []
    for _ in range(3):
        batch = await client.batches.create(
            input_file_id=file_id, endpoint="/v1/chat/completions", completion_window="24h"
        )
        ids.append(batch.id)
    listed = [b.id async for b in client.batches.list(limit=2)]
    assert listed == list(reversed(ids))


async def test_cancel_stops_what_has_not_started() -> None:
    async with Simulator(http_port=0, batches=BatchLimits(rate=2)) as sim:
        c = openai.AsyncOpenAI(base_url=sim.rest_url, api_key="k", max_retries=0)
        async with c:
            file_id = await _upload(c, [_line(f"q{n}", "hi") for n in range(6)])
            made = await c.batches.create(
                input_file_id=file_id, endpoint="/v1/chat/completions", completion_window="24h"
            )
            cancelled = await c.batches.cancel(made.id)
    assert cancelled.status == "cancelled"
    assert cancelled.cancelled_at is not None
    assert cancelled.request_counts is not None
    assert cancelled.request_counts.total == 6
    assert cancelled.request_counts.completed <= 1


async def test_batch_errors_are_the_sdks(sim: Simulator, client: openai.AsyncOpenAI) -> None:
    with pytest.raises(openai.NotFoundError, match="batch_nope"):
        await client.batches.retrieve("batch_nope")
    with pytest.raises(openai.NotFoundError, match="file_nope"):
        await client.batches.create(
            input_file_id="file_nope", endpoint="/v1/chat/completions", completion_window="24h"
        )
    notes = await client.files.create(file=("n.txt", b"{}"), purpose="user_data")
    with pytest.raises(openai.BadRequestError, match="endpoint"):
        await client.batches.create(
            input_file_id=notes.id, endpoint="/v1/embeddings", completion_window="24h"
        )
    async with openai.AsyncOpenAI(base_url=sim.rest_url, api_key="bad", max_retries=0) as bad:
        with pytest.raises(openai.AuthenticationError):
            await bad.batches.list()


async def test_an_image_batch_writes_pngs(client: openai.AsyncOpenAI) -> None:
    line = {
        "custom_id": "img",
        "method": "POST",
        "url": "/v1/images/generations",
        "body": {"model": "grok-2-image", "prompt": "a fox", "response_format": "b64_json"},
    }
    made = await client.batches.create(
        input_file_id=await _upload(client, [line]),
        endpoint="/v1/images/generations",
        completion_window="24h",
    )
    done = await _wait(client, made.id)
    assert done.output_file_id is not None
    assert done.error_file_id is None  # nothing failed: no error file
    [raw] = (await client.files.content(done.output_file_id)).text.splitlines()
    body = json.loads(raw)["response"]["body"]
    assert base64.b64decode(body["data"][0]["b64_json"]).startswith(b"\x89PNG")


async def test_results_wait_for_room_in_a_full_store() -> None:
    async with Simulator(http_port=0, files=RagLimits(max_files=2)) as sim:
        c = openai.AsyncOpenAI(base_url=sim.rest_url, api_key="k", max_retries=0)
        async with c:
            file_id = await _upload(c, [_line("ok", "hi"), _line("bad", "hi", model="nope")])
            made = await c.batches.create(
                input_file_id=file_id, endpoint="/v1/chat/completions", completion_window="24h"
            )
            with pytest.raises(openai.RateLimitError, match="at most 2 files"):
                await _wait(c, made.id)  # the output file fits, the error file does not
            assert [f.id async for f in c.files.list()] == [file_id]  # no half-written results
            await c.files.delete(file_id)
            done = await _wait(c, made.id)
    assert done.status == "completed"
    assert done.output_file_id is not None
    assert done.error_file_id is not None
