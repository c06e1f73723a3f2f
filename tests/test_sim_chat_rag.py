"""xai-sdk, unchanged, chatting over the simulator's own store: collections_search and attachments."""

from __future__ import annotations

import json

import pytest
from xai_sdk import AsyncClient
from xai_sdk.chat import file, user
from xai_sdk.proto import chat_pb2
from xai_sdk.tools import collections_search

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


async def test_a_question_the_collection_does_not_answer_is_not_searched() -> None:
    async with serving() as sim, sdk(sim) as client:
        cid, _ = await _library(client)
        chat = client.chat.create(model="grok-4", tools=[collections_search([cid])])
        chat.append(user("Tell me a joke about penguins"))
        response = await chat.sample()
        assert response.tool_calls == []
        assert response.server_side_tool_usage == {}
        assert "penguins" in response.content


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
