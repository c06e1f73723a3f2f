"""Hostile input to the simulator's Files, Collections and Documents services.

Each row is one bad request; each must end in a typed gRPC status whose message
says what is wrong, and leave nothing stored. Add the next case as one row.
"""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import grpc
import pytest
from agentrt_protos.xai.api.v1 import (
    collections_pb2,
    collections_pb2_grpc,
    documents_pb2,
    documents_pb2_grpc,
    files_pb2,
    files_pb2_grpc,
    types_pb2,
)
from xai_sdk import AsyncClient

from agentrt.sim.ragstore import RagLimits
from tests.sim_files_helpers import expect_status, sdk, serving

pytestmark = pytest.mark.e2e

INVALID = grpc.StatusCode.INVALID_ARGUMENT
NOT_FOUND = grpc.StatusCode.NOT_FOUND


def _token(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


Call = Callable[["Stubs", str], Awaitable[Any]]


class Stubs:
    """Raw stubs, for requests xai-sdk would never send."""

    def __init__(self, channel: grpc.aio.Channel, client: AsyncClient) -> None:
        self.files = files_pb2_grpc.FilesStub(channel)
        self.collections = collections_pb2_grpc.CollectionsStub(channel)
        self.documents = documents_pb2_grpc.DocumentsStub(channel)
        self.sdk = client


async def _chunks(*chunks: files_pb2.UploadFileChunk) -> AsyncIterator[files_pb2.UploadFileChunk]:
    for chunk in chunks:
        yield chunk


def _init(name: str = "a.txt", **kw: Any) -> files_pb2.UploadFileChunk:
    return files_pb2.UploadFileChunk(init=files_pb2.UploadFileInit(name=name, **kw))


def _data(data: bytes = b"x") -> files_pb2.UploadFileChunk:
    return files_pb2.UploadFileChunk(data=data)


def _search(cid: str, query: str = "x", **kw: Any) -> documents_pb2.SearchRequest:
    return documents_pb2.SearchRequest(
        query=query, source=documents_pb2.DocumentsSource(collection_ids=[cid]), **kw
    )


def _chars(size: int, overlap: int) -> types_pb2.ChunkConfiguration:
    return types_pb2.ChunkConfiguration(
        chars_configuration=types_pb2.CharsConfiguration(
            max_chunk_size_chars=size, chunk_overlap_chars=overlap
        )
    )


CASES: list[tuple[str, Call, grpc.StatusCode, str]] = [
    # unknown ids
    ("get unknown file", lambda s, c: s.sdk.files.get("file_nope"), NOT_FOUND, "'file_nope'"),
    ("download unknown file", lambda s, c: s.sdk.files.content("f0"), NOT_FOUND, "'f0'"),
    ("delete unknown file", lambda s, c: s.sdk.files.delete("f0"), NOT_FOUND, "'f0'"),
    ("get unknown collection", lambda s, c: s.sdk.collections.get("c0"), NOT_FOUND, "'c0'"),
    ("delete unknown collection", lambda s, c: s.sdk.collections.delete("c0"), NOT_FOUND, "'c0'"),
    (
        "search unknown collection",
        lambda s, c: s.sdk.collections.search("x", ["c0"]),
        NOT_FOUND,
        "'c0'",
    ),
    (
        "add unknown file",
        lambda s, c: s.sdk.collections.add_existing_document(c, "f0", {"title": "t"}),
        NOT_FOUND,
        "file 'f0'",
    ),
    (
        "document to unknown collection",
        lambda s, c: s.collections.AddDocumentToCollection(
            collections_pb2.AddDocumentToCollectionRequest(collection_id="c0", file_id="f0")
        ),
        NOT_FOUND,
        "collection 'c0'",
    ),
    ("unknown document", lambda s, c: s.sdk.collections.get_document("f0", c), NOT_FOUND, "'f0'"),
    (
        "remove unknown document",
        lambda s, c: s.sdk.collections.remove_document(c, "f0"),
        NOT_FOUND,
        "'f0'",
    ),
    # malformed uploads
    ("upload without init", lambda s, c: s.files.UploadFile(_chunks(_data())), INVALID, "first"),
    ("upload with nothing", lambda s, c: s.files.UploadFile(_chunks()), INVALID, "empty upload"),
    (
        "upload init twice",
        lambda s, c: s.files.UploadFile(_chunks(_init(), _init())),
        INVALID,
        "second",
    ),
    ("upload nameless", lambda s, c: s.files.UploadFile(_chunks(_init(""))), INVALID, "name"),
    (
        "upload expiring in the past",
        lambda s, c: s.files.UploadFile(_chunks(_init(expires_after=-5))),
        INVALID,
        "expires_after",
    ),
    (
        "upload over the size limit",
        lambda s, c: s.files.UploadFile(_chunks(_init(), _data(b"x" * 600), _data(b"x" * 600))),
        INVALID,
        "1000 bytes",
    ),
    # bad pages and searches
    (
        "list with a forged page token",
        lambda s, c: s.files.ListFiles(files_pb2.ListFilesRequest(pagination_token="!!")),
        INVALID,
        "pagination_token",
    ),
    *[
        (
            f"list with a page token for offset {n}",
            lambda s, c, n=n: s.files.ListFiles(
                files_pb2.ListFilesRequest(pagination_token=_token(f"offset:{n}"))
            ),
            INVALID,
            "pagination_token",
        )
        for n in ("-5", str(10**20))
    ],
    (
        "list with a negative limit",
        lambda s, c: s.files.ListFiles(files_pb2.ListFilesRequest(limit=-1)),
        INVALID,
        "limit -1",
    ),
    ("search an empty query", lambda s, c: s.documents.Search(_search(c, " ")), INVALID, "query"),
    (
        "search no collection",
        lambda s, c: s.sdk.collections.search("x", []),
        INVALID,
        "collection_ids",
    ),
    ("search limit 0", lambda s, c: s.documents.Search(_search(c, limit=0)), INVALID, "limit 0"),
    (
        "search limit huge",
        lambda s, c: s.documents.Search(_search(c, limit=10**6)),
        INVALID,
        "1..100",
    ),
    (
        "hybrid with negative weights",
        lambda s, c: s.documents.Search(
            _search(
                c,
                hybrid_retrieval=documents_pb2.HybridRetrieval(
                    reciprocal_rank_fusion=documents_pb2.ReciprocalRankFusion(text_weight=-1)
                ),
            )
        ),
        INVALID,
        "weights",
    ),
    # bad collections
    ("nameless collection", lambda s, c: s.sdk.collections.create(" "), INVALID, "collection_name"),
    (
        "chunk overlap as big as the chunk",
        lambda s, c: s.collections.CreateCollection(
            collections_pb2.CreateCollectionRequest(
                collection_name="x", chunk_configuration=_chars(100, 100)
            )
        ),
        INVALID,
        "overlap",
    ),
    (
        "missing required field",
        lambda s, c: s.collections.AddDocumentToCollection(
            collections_pb2.AddDocumentToCollectionRequest(collection_id=c, file_id="f0")
        ),
        INVALID,
        "'title' is required",
    ),
]


@pytest.mark.parametrize(("case", "call", "code", "words"), CASES, ids=[c[0] for c in CASES])
async def test_bad_input_is_a_typed_error_and_stores_nothing(
    case: str, call: Call, code: grpc.StatusCode, words: str
) -> None:
    async with (
        serving(files=RagLimits(max_file_bytes=1000, index_delay_s=0)) as sim,
        sdk(sim) as client,
        grpc.aio.insecure_channel(sim.address) as channel,
    ):
        stubs = Stubs(channel, client)
        required = collections_pb2.FieldDefinition(key="title", required=True)
        cid = (await client.collections.create("c", field_definitions=[required])).collection_id
        with expect_status(code, words):
            await call(stubs, cid)
        assert not (await client.files.list()).data
        assert (await client.collections.get(cid)).documents_count == 0
