"""Hostile input to the simulator's chat-over-the-store, public URLs and list filters.

Tables: one row per hostile case, so the next case of a class is one line. Each case
gets a typed answer that says what is wrong (or, inside a chat, a failed tool call and
an answer saying so), never a 500 or a hang. xai-sdk, unchanged, over 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

import grpc
import pytest
from xai_sdk.chat import file, user
from xai_sdk.proto import chat_pb2
from xai_sdk.tools import collections_search

from tests.sim_files_helpers import POLL, expect_status, sdk, serving

pytestmark = pytest.mark.e2e

PUMP = b"The Zephyr pump needs servicing every 6 months. Its housing is aluminium."
BINARY = bytes(range(256)) * 4
Ids = dict[str, str]
Part = Callable[[Ids], Any]


def _file_part(**fields: Any) -> Part:
    return lambda ids: chat_pb2.Content(file=chat_pb2.FileContent(**fields))


# (case, tool's collection ids (names from ids), parts after the question, expected content words)
ANSWERED: list[tuple[str, list[str], list[Part], list[str]]] = [
    (
        "unknown collection",
        ["collection_nope"],
        [],
        ["found nothing", "'collection_nope' not found"],
    ),
    ("eleven collections", ["c"] + [f"c{i}" for i in range(10)], [], ["name 1..10"]),
    ("no collections", [], [], ["found nothing", "names 0 collections"]),
    ("collection still indexing", ["slow"], [], ["1 document(s) still", "retry once"]),
    (
        "binary file",
        [],
        [lambda ids: file(ids["binary"])],
        ["blob.bin is a binary file of 1024 bytes"],
    ),
    ("not utf-8", [], [_file_part(data=b"caf\xe9 menu", filename="latin1.txt")], ["binary file"]),
    ("empty file", [], [_file_part(data=b" \n", filename="blank.txt")], ["blank.txt is empty"]),
    ("url part", [], [_file_part(url="http://10.0.0.1/x.pdf")], ["does not fetch URLs"]),
    ("huge question", ["c"], [], ["pump.txt says"]),
]
# (case, parts after the question, expected status, words of its details)
REFUSED: list[tuple[str, list[Part], grpc.StatusCode, list[str]]] = [
    (
        "unknown file id",
        [lambda ids: file("file_nope")],
        grpc.StatusCode.NOT_FOUND,
        ["'file_nope' not found"],
    ),
    (
        "deleted file id",
        [lambda ids: file(ids["deleted"])],
        grpc.StatusCode.NOT_FOUND,
        ["attached file"],
    ),
    (
        "empty file part",
        [_file_part()],
        grpc.StatusCode.INVALID_ARGUMENT,
        ["exactly one of file_id, data or url"],
    ),
    (
        "id and data",
        [_file_part(file_id="f", data=b"x")],
        grpc.StatusCode.INVALID_ARGUMENT,
        ["file_id, data"],
    ),
    (
        "seventeen files",
        [_file_part(data=bytes([i]) * 3, filename=f"{i}.txt") for i in range(17)],
        grpc.StatusCode.INVALID_ARGUMENT,
        ["at most 16"],
    ),
]


async def _store(client: Any) -> Ids:
    ids: Ids = {}
    ids["c"] = (await client.collections.create("manuals")).collection_id
    await client.collections.upload_document(ids["c"], "pump.txt", PUMP, **POLL)
    ids["slow"] = (await client.collections.create("slow")).collection_id
    ids["binary"] = (await client.files.upload(BINARY, filename="blob.bin")).id
    ids["deleted"] = (await client.files.upload(PUMP, filename="gone.txt")).id
    await client.files.delete(ids["deleted"])
    return ids


@pytest.mark.parametrize(("case", "cids", "parts", "words"), ANSWERED, ids=[r[0] for r in ANSWERED])
async def test_hostile_chat_input_gets_an_answer_saying_what_went_wrong(
    case: str, cids: list[str], parts: list[Part], words: list[str]
) -> None:
    async with serving() as sim, sdk(sim) as client:
        ids = await _store(client)
        assert sim._rag is not None
        if case == "collection still indexing":
            sim._rag.store.limits = dataclasses.replace(sim._rag.store.limits, index_delay_s=60)
            await client.collections.upload_document(ids["slow"], "late.txt", PUMP)
        question = "How often does the pump need servicing?"
        if case == "huge question":
            question += " pump" * 40_000
        tools = (
            [collections_search([ids.get(c, c) for c in cids])]
            if cids or case == "no collections"
            else []
        )
        chat = client.chat.create(model="grok-4", tools=tools)
        chat.append(user(question, *(p(ids) for p in parts)))
        started = time.monotonic()
        response = await chat.sample()
        assert time.monotonic() - started < 10
        for word in words:
            assert word in response.content, (word, response.content)


@pytest.mark.parametrize(("case", "parts", "code", "words"), REFUSED, ids=[r[0] for r in REFUSED])
async def test_hostile_chat_input_is_refused_with_a_typed_error(
    case: str, parts: list[Part], code: grpc.StatusCode, words: list[str]
) -> None:
    async with serving() as sim, sdk(sim) as client:
        ids = await _store(client)
        chat = client.chat.create(model="grok-4")
        chat.append(user("What does it say?", *(p(ids) for p in parts)))
        with expect_status(code, *words):
            await chat.sample()


def _get(url: str, method: str = "GET") -> int:
    try:
        with urllib.request.urlopen(
            urllib.request.Request(url, method=method), timeout=5
        ) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as error:
        return error.code


# (case, how the URL is spoiled: store -> file id -> url -> (url to fetch, method), status)
URLS: list[tuple[str, str, str, int]] = [
    ("revoked", "revoke", "GET", 404),
    ("file deleted", "delete", "GET", 404),
    ("expired", "expire", "GET", 404),
    ("unknown token", "guess", "GET", 404),
    ("path traversal", "traverse", "GET", 404),
    ("post", "keep", "POST", 405),
    ("still good", "keep", "GET", 200),
]


@pytest.mark.parametrize(("case", "spoil", "method", "status"), URLS, ids=[r[0] for r in URLS])
async def test_spoiled_public_urls_are_not_served(
    case: str, spoil: str, method: str, status: int
) -> None:
    clock = [1_000.0]
    async with serving() as sim, sdk(sim) as client:
        assert sim._rag is not None
        sim._rag.store.clock = lambda: clock[0]
        fid = (await client.files.upload(BINARY, filename="blob.bin")).id
        url = (await client.files.create_public_url(fid, expires_after=30)).public_url
        if spoil == "revoke":
            await client.files.revoke_public_url(fid)
        elif spoil == "delete":
            await client.files.delete(fid)
        elif spoil == "expire":
            clock[0] += 31
        elif spoil == "guess":
            url = url[:-4] + "AAAA"
        elif spoil == "traverse":
            url = url.rsplit("/files/", 1)[0] + "/files/../images/x.png"
        assert await asyncio.to_thread(_get, url, method) == status


@pytest.mark.parametrize("seconds", [0, -5, 10**12])
async def test_public_url_expiry_out_of_range_is_refused(seconds: int) -> None:
    async with serving() as sim, sdk(sim) as client:
        fid = (await client.files.upload(BINARY, filename="blob.bin")).id
        with expect_status(grpc.StatusCode.INVALID_ARGUMENT, "expires_after", "seconds"):
            await client.files.create_public_url(fid, expires_after=seconds)


# (list it applies to, filter, words of the INVALID_ARGUMENT details)
FILTERS: list[tuple[str, str, list[str]]] = [
    ("files", "size_bytes >", ["ends too early", "supported:"]),
    ("files", 'colour = "red"', ["unknown key 'colour'", "size_bytes"]),
    ("files", 'name = "a" name = "b"', ["unexpected 'name'", "AND or OR"]),
    ("files", '(name = "a"', ["ends too early"]),
    ("files", 'name ~ "a"', ["expected an operator after 'name', found '~'"]),
    ("files", '"unterminated', ["cannot read it"]),
    ("files", "size_bytes > null", ["compare null with = or != only"]),
    ("files", "(" * 500 + "name = a" + ")" * 400, ["more than 64"]),
    ("files", "NOT " * 100 + "name = a", ["more than 64"]),
    ("files", "x" * 2000, ["longer than 1000"]),
    ("files", "= 5", ["expected a key"]),
    ("collections", 'fields.x:"a"', ["unknown key 'fields.x'"]),
    ("documents", "status:", ["ends too early"]),
    ("documents", "name :: x", ["expected a value"]),
]


@pytest.mark.parametrize(("kind", "text", "words"), FILTERS)
async def test_bad_filters_are_invalid_argument_saying_what_is_supported(
    kind: str, text: str, words: list[str]
) -> None:
    async with serving() as sim, sdk(sim) as client:
        cid = (await client.collections.create("c")).collection_id
        with expect_status(grpc.StatusCode.INVALID_ARGUMENT, *words):
            if kind == "files":
                await client.files.list(filter=text)
            elif kind == "collections":
                await client.collections.list(filter=text)
            else:
                await client.collections.list_documents(cid, filter=text)


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("pump " * 2_001, ["10,005 characters", "at most 10,000"]),
        (" ".join(f"w{i}" for i in range(60_000)), ["at most 10,000", "shorten it"]),
        ("  \n ", ["query is empty"]),
    ],
    ids=["long", "many distinct words", "blank"],
)
async def test_search_queries_past_the_bound_are_refused_at_once(
    query: str, words: list[str]
) -> None:
    async with serving() as sim, sdk(sim) as client:
        cid = (await client.collections.create("c")).collection_id
        started = time.monotonic()
        with expect_status(grpc.StatusCode.INVALID_ARGUMENT, *words):
            await client.collections.search(query, [cid])
        assert time.monotonic() - started < 5
