"""xai-sdk, unchanged, chatting over the simulator's own store: collections_search and attachments."""

from __future__ import annotations

import asyncio
import json

import grpc
import pytest
from xai_sdk import AsyncClient, Client
from xai_sdk.chat import file, user
from xai_sdk.proto import chat_pb2
from xai_sdk.tools import collections_search

from agentrt.sim.ragstore import RagLimits
from tests.conftest import running_sim
from tests.sim_files_helpers import POLL, sdk, serving

pytestmark = pytest.mark.e2e

PUMP = (
    b"The Zephyr pump moves 40 litres per minute. Servicing is due every 6 months.\n"
    b"Warranty claims need the original receipt. The housing is anodised aluminium."
)
BREAD = b"Bake the sourdough at a high heat, then let the loaf cool before slicing."
INCLUDE = ["collections_search_call_output", "inline_citations"]


async def _library(client: AsyncClient) -> tuple[str, dict[str, str]]:
    cid = (await client.collections.create("manuals")).collection_id
    ids = {}
    for name, data in (("pump.txt", PUMP), ("bread.txt", BREAD)):
        doc = await client.collections.upload_document(cid, name, data, **POLL)
        ids[name] = doc.file_metadata.file_id
    return cid, ids


async def test_collections_search_quotes_and_cites_the_matching_document() -> None:
    async with serving() as sim, sdk(sim) as client:
        cid, ids = await _library(client)
        chat = client.chat.create(
            model="grok-4", tools=[collections_search([cid], limit=5)], include=INCLUDE
        )
        chat.append(user("What metal is the housing made of?"))
        response = await chat.sample()
        assert "pump.txt says: “The housing is anodised aluminium.” [1]" in response.content
        assert "sourdough" not in response.content
        url = f"collections://{cid}/files/{ids['pump.txt']}"
        assert list(response.citations) == [url]
        assert response.server_side_tool_usage == {"SERVER_SIDE_TOOL_COLLECTIONS_SEARCH": 1}
        (call,) = response.tool_calls
        assert call.type == chat_pb2.TOOL_CALL_TYPE_COLLECTIONS_SEARCH_TOOL
        assert call.status == chat_pb2.TOOL_CALL_STATUS_COMPLETED
        assert json.loads(call.function.arguments)["collection_ids"] == [cid]
        (output,) = response.tool_outputs
        assert output.message.tool_calls[0].id == call.id
        (match,) = json.loads(output.message.content)["search_matches"]
        assert (match["file_id"], match["collection_ids"]) == (ids["pump.txt"], [cid])
        assert match["chunk_content"] == PUMP.decode()
        (cite,) = response.inline_citations
        quoted = response.content[cite.start_index : cite.end_index]
        assert quoted == "The housing is anodised aluminium."
        assert cite.collections_citation.file_id == ids["pump.txt"]
        assert list(cite.collections_citation.collection_ids) == [cid]


async def test_collections_search_streams_the_same_answer_and_citations() -> None:
    async with serving() as sim, sdk(sim) as client:
        cid, ids = await _library(client)
        chat = client.chat.create(model="grok-4", tools=[collections_search([cid])])
        chat.append(user("How long should the loaf cool?"))
        unary = await chat.sample()
        streamed = None
        async for streamed, _ in chat.stream():  # noqa: B007 (the last is the whole response)
            pass
        assert streamed is not None
        assert "bread.txt says: “Bake the sourdough" in unary.content
        assert streamed.content == unary.content
        assert list(streamed.citations) == [f"collections://{cid}/files/{ids['bread.txt']}"]
        assert streamed.server_side_tool_usage == {"SERVER_SIDE_TOOL_COLLECTIONS_SEARCH": 1}
        assert unary.tool_outputs == []  # results only when include asks for them


@pytest.mark.parametrize(
    ("question", "searched"),
    [
        ("Is the housing aluminium?", True),  # no "search" or "documents": its words match
        ("Tell me a joke about penguins", False),  # nothing in the collection matches
    ],
)
async def test_the_model_searches_when_the_collection_matches_not_by_magic_words(
    question: str, searched: bool
) -> None:
    async with serving() as sim, sdk(sim) as client:
        cid, _ = await _library(client)
        chat = client.chat.create(model="grok-4", tools=[collections_search([cid])])
        chat.append(user(question))
        response = await chat.sample()
        assert len(response.tool_calls) == searched
        assert bool(response.server_side_tool_usage) == searched
        assert ("pump.txt says" in response.content) == searched


async def test_an_attached_text_file_is_read_and_quoted() -> None:
    async with serving() as sim, sdk(sim) as client:
        uploaded = await client.files.upload(PUMP, filename="pump-notes.txt")
        chat = client.chat.create(model="grok-4", include=["attachment_search_call_output"])
        chat.append(user("How often is servicing due?", file(uploaded.id)))
        response = await chat.sample()
        assert response.content == ("pump-notes.txt says: “Servicing is due every 6 months.” [1].")
        assert response.server_side_tool_usage == {"SERVER_SIDE_TOOL_ATTACHMENT_SEARCH": 1}
        (output,) = response.tool_outputs
        assert json.loads(output.message.content)["search_matches"][0]["file_id"] == uploaded.id


async def test_an_inline_file_is_read_too() -> None:
    async with serving() as sim, sdk(sim) as client:
        chat = client.chat.create(model="grok-4")
        chat.append(user("What does the warranty need?", file(data=PUMP, filename="inline.txt")))
        response = await chat.sample()
        assert "inline.txt says: “Warranty claims need the original receipt.”" in response.content


def test_search_before_indexing_finished_says_how_many_to_wait_for() -> None:
    """The real CLI with a long --index-delay-ms: search and chat both say what is pending."""
    with running_sim("--index-delay-ms", "30000") as sim:
        host = f"localhost:{sim.port}"
        client = Client(
            api_key="k", management_api_key="m", api_host=host, management_api_host=host
        )
        try:
            cid = client.collections.create("slow").collection_id
            for name in ("a.txt", "b.txt"):
                client.collections.upload_document(cid, name, PUMP)
            with pytest.raises(grpc.RpcError) as raised:
                client.collections.search("pump", [cid])
            assert raised.value.code() == grpc.StatusCode.FAILED_PRECONDITION  # type: ignore[attr-defined]
            details = raised.value.details()  # type: ignore[attr-defined]
            assert "2 document(s) still DOCUMENT_STATUS_PROCESSING" in details
            assert "retry once" in details
            chat = client.chat.create(model="grok-4", tools=[collections_search([cid])])
            chat.append(user("How often is servicing due?"))
            response = chat.sample()
            (call,) = response.tool_calls
            assert call.status == chat_pb2.TOOL_CALL_STATUS_FAILED
            assert "2 document(s) still" in call.error_message
            assert response.content.startswith("I searched the collections and found nothing")
        finally:
            client.close()


async def test_search_while_some_documents_index_searches_the_indexed_ones() -> None:
    clock = [1_000.0]
    async with serving(files=RagLimits(index_delay_s=10)) as sim, sdk(sim) as client:
        assert sim._rag is not None
        sim._rag.store.clock = lambda: clock[0]
        cid = (await client.collections.create("half")).collection_id
        ready = await client.collections.upload_document(cid, "ready.txt", b"zeppelin at dawn")
        clock[0] += 11
        await client.collections.upload_document(cid, "pending.txt", b"zeppelin at dusk")
        hits = await client.collections.search("zeppelin", [cid])
        assert [m.file_id for m in hits.matches] == [ready.file_metadata.file_id]


async def test_a_collection_deleted_during_searches_is_not_found_never_an_error() -> None:
    async with serving() as sim, sdk(sim) as client:
        cid, _ = await _library(client)

        async def search() -> str:
            try:
                await client.collections.search("pump housing", [cid])
            except grpc.aio.AioRpcError as error:
                return error.code().name
            return "OK"

        async with asyncio.TaskGroup() as group:
            searches = [group.create_task(search()) for _ in range(30)]
            group.create_task(client.collections.delete(cid))
        assert {t.result() for t in searches} <= {"OK", "NOT_FOUND"}
        assert await search() == "NOT_FOUND"
