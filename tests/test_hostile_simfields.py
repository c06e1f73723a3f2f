"""Hostile updates of a simulated collection's chunking and field definitions, and unique fields.

Tables: one row per hostile case, so the next case of a class is one line. Each gets a
typed status that names what is wrong, and leaves the collection and its documents as
they were (an update is applied whole or not at all). xai-sdk, unchanged, over 127.0.0.1.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import grpc
import pytest
from xai_sdk import AsyncClient
from xai_sdk.proto import collections_pb2 as cpb

from tests.sim_files_helpers import expect_status, sdk, serving

pytestmark = pytest.mark.e2e

INVALID = grpc.StatusCode.INVALID_ARGUMENT
EXISTS = grpc.StatusCode.ALREADY_EXISTS
FIELDS = [
    cpb.FieldDefinition(key="author", inject_into_chunk=True),
    cpb.FieldDefinition(key="isbn", unique=True),
]


def _add(key: str, **flags: bool) -> cpb.FieldDefinitionUpdate:
    return cpb.FieldDefinitionUpdate(
        field_definition=cpb.FieldDefinition(key=key, **flags), operation=cpb.FIELD_DEFINITION_ADD
    )


def _delete(key: str) -> cpb.FieldDefinitionUpdate:
    return cpb.FieldDefinitionUpdate(
        field_definition=cpb.FieldDefinition(key=key), operation=cpb.FIELD_DEFINITION_DELETE
    )


def _chars(size: int, overlap: int = 0) -> dict[str, Any]:
    return {"chars_configuration": {"max_chunk_size_chars": size, "chunk_overlap_chars": overlap}}


# (case, UpdateCollection keyword arguments of xai-sdk, status, words of its details)
UPDATES: list[tuple[str, dict[str, Any], grpc.StatusCode, list[str]]] = [
    (
        "add a defined key",
        {"field_definitions": [_add("author")]},
        INVALID,
        ["'author'", "already"],
    ),
    ("add a key twice", {"field_definitions": [_add("y"), _add("y")]}, INVALID, ["'y'", "already"]),
    ("delete an unknown key", {"field_definitions": [_delete("nope")]}, INVALID, ["'nope'", "not"]),
    ("delete twice", {"field_definitions": [_delete("isbn")] * 2}, INVALID, ["'isbn'", "not def"]),
    ("add an empty key", {"field_definitions": [_add(" ")]}, INVALID, ["key is empty"]),
    (
        "unknown operation",
        {
            "field_definitions": [
                cpb.FieldDefinitionUpdate(field_definition={"key": "k"}, operation=9)
            ]
        },
        INVALID,
        ["operation 9"],
    ),
    (
        "valid rename, then a bad delete",
        {"name": "renamed", "field_definitions": [_add("year"), _delete("nope")]},
        INVALID,
        ["'nope'"],
    ),
    ("chunks too small", {"chunk_configuration": _chars(5)}, INVALID, ["chunk size 5"]),
    ("overlap = size", {"chunk_configuration": _chars(100, 100)}, INVALID, ["overlap"]),
    (
        "chunking and a bad field",
        {"chunk_configuration": _chars(100), "field_definitions": [_add("isbn")]},
        INVALID,
        ["'isbn'"],
    ),
]


@pytest.mark.parametrize(
    ("case", "kwargs", "code", "words"), UPDATES, ids=[row[0] for row in UPDATES]
)
async def test_bad_update_changes_nothing(
    case: str, kwargs: dict[str, Any], code: grpc.StatusCode, words: list[str]
) -> None:
    async with serving() as sim, sdk(sim) as client:
        cid = (await client.collections.create("c", field_definitions=FIELDS)).collection_id
        doc = await client.collections.upload_document(cid, "a.txt", b"x", {"isbn": "1"})
        before = await client.collections.get(cid)
        with expect_status(code, *words):
            await client.collections.update(cid, **kwargs)
        assert await client.collections.get(cid) == before
        kept = await client.collections.get_document(doc.file_metadata.file_id, cid)
        assert dict(kept.fields) == {"isbn": "1"}


def _documents(page: cpb.ListDocumentsResponse) -> list[tuple[str, str, dict[str, str]]]:
    """What a refused call must leave as it was (statuses move on by themselves)."""
    return sorted(
        (d.file_metadata.file_id, d.file_metadata.name, dict(d.fields)) for d in page.documents
    )


Action = Callable[[AsyncClient, str, str, str], Awaitable[Any]]

# (case, what is tried with (client, collection, holder of isbn '1', another file), words)
UNIQUE: list[tuple[str, Action, list[str]]] = [
    (
        "add an uploaded file with a taken value",
        lambda c, cid, held, f: c.collections.add_existing_document(cid, f, {"isbn": "1"}),
        ["'isbn'", "'1'", "already has"],
    ),
    (
        "upload a document with a taken value",
        lambda c, cid, held, f: c.collections.upload_document(cid, "u.txt", b"u", {"isbn": "1"}),
        ["'isbn'", "'1'"],
    ),
    (
        "a unique field added later binds later documents",
        lambda c, cid, held, f: c.collections.add_existing_document(cid, f, {"k": "v"}),
        ["'k'", "'v'"],
    ),
    (
        "update another document's fields and bytes to a taken value",
        lambda c, cid, held, f: c.collections.update_document(
            cid, f, name="z.txt", data=b"new", fields={"isbn": "1"}
        ),
        ["'isbn'", "'1'"],
    ),
]


@pytest.mark.parametrize(("case", "action", "words"), UNIQUE, ids=[row[0] for row in UNIQUE])
async def test_taken_unique_value_is_refused_and_nothing_is_stored(
    case: str, action: Action, words: list[str]
) -> None:
    async with serving() as sim, sdk(sim) as client:
        cid = (await client.collections.create("c", field_definitions=FIELDS)).collection_id
        held = await client.collections.upload_document(cid, "a.txt", b"a", {"isbn": "1"})
        other = (await client.files.upload(b"other", filename="o.txt")).id
        if case.startswith("update"):
            await client.collections.add_existing_document(cid, other, {"isbn": "2"})
        if "added later" in case:
            await client.collections.update(cid, field_definitions=[_add("k", unique=True)])
            fields = {"isbn": "1", "k": "v"}
            await client.collections.update_document(cid, held.file_metadata.file_id, fields=fields)
        listed = _documents(await client.collections.list_documents(cid))
        with expect_status(EXISTS, *words, held.file_metadata.file_id):
            await action(client, cid, held.file_metadata.file_id, other)
        assert _documents(await client.collections.list_documents(cid)) == listed
        assert await client.files.content(other) == b"other"
