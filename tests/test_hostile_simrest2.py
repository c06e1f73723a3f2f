"""Hostile requests to the simulator's REST door beside chat: files, batches, models,
embeddings, images, tokenize.

Tables: one row per hostile case, so the next case of a class is one line. Each gets the
OpenAI error body with the right status and a message naming what is wrong, over real
sockets on 127.0.0.1; nothing is stored by a refused upload.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from agentrt.sim.ragstore import RagLimits
from agentrt.sim.server import Simulator

LIMIT = 4096  # the store's largest file in these tests
B = "bOuNdArY"
MULTIPART = f"multipart/form-data; boundary={B}"


def _part(name: str, body: bytes, filename: str | None = None) -> bytes:
    disposition = f'form-data; name="{name}"'
    if filename is not None:
        disposition += f'; filename="{filename}"'
    return f"--{B}\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + body + b"\r\n"


def _form(*parts: bytes) -> bytes:
    return b"".join(parts) + f"--{B}--\r\n".encode()


PURPOSE = _part("purpose", b"batch")
FILE = _part("file", b"{}\n", "in.jsonl")


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator(http_port=0, files=RagLimits(max_file_bytes=LIMIT)) as running:
        yield running


async def _call(
    sim: Simulator, method: str, path: str, **kwargs: Any
) -> tuple[int, dict[str, Any]]:
    async with (
        aiohttp.ClientSession() as http,
        http.request(method, f"{sim.rest_url}{path}", **kwargs) as resp,
    ):
        return resp.status, await resp.json()


def _check(status: int, body: dict[str, Any], want: int, words: list[str]) -> None:
    assert status == want, body
    error = body["error"]
    assert set(error) == {"message", "type", "param", "code"}
    assert error["code"] == str(want)
    assert len(error["message"]) < 600  # a hostile value is never echoed whole
    for word in words:
        assert word in error["message"]


# (case, content type, body, status, words of the message)
UPLOADS: list[tuple[str, str, bytes, int, list[str]]] = [
    ("json, not multipart", "application/json", b"{}", 400, ["multipart/form-data"]),
    ("no file part", MULTIPART, _form(PURPOSE), 400, ["no 'file' part"]),
    ("traversal purpose", MULTIPART, _form(_part("purpose", b"../etc"), FILE), 400, ["purpose"]),
    ("spaced purpose", MULTIPART, _form(_part("purpose", b"user data"), FILE), 400, ["purpose"]),
    ("control purpose", MULTIPART, _form(_part("purpose", b"batch\x00"), FILE), 400, ["purpose"]),
    ("binary purpose", MULTIPART, _form(_part("purpose", b"\xff\xfe"), FILE), 400, ["UTF-8"]),
    ("huge purpose", MULTIPART, _form(_part("purpose", b"b" * 5000), FILE), 400, ["longer"]),
    ("purpose twice", MULTIPART, _form(PURPOSE, PURPOSE, FILE), 400, ["one 'purpose'"]),
    ("two files", MULTIPART, _form(PURPOSE, FILE, FILE), 400, ["one 'file' part"]),
    ("no filename", MULTIPART, _form(PURPOSE, _part("file", b"x")), 400, ["filename"]),
    ("unknown part", MULTIPART, _form(PURPOSE, FILE, _part("owner", b"me")), 400, ["'owner'"]),
    (
        "over the store limit",
        MULTIPART,
        _form(PURPOSE, _part("file", b"x" * (LIMIT + 1), "big.bin")),
        413,
        ["larger than", f"{LIMIT:,}"],
    ),
    ("no boundary", "multipart/form-data", _form(PURPOSE, FILE), 400, ["malformed"]),
    ("garbage", MULTIPART, b"\x00\xff not multipart at all", 400, ["malformed"]),
    (
        "bad anchor",
        MULTIPART,
        _form(PURPOSE, _part("expires_after[anchor]", b"now"), FILE),
        400,
        ["anchor 'created_at'"],
    ),
    ("word expiry", MULTIPART, _form(_part("expires_after", b"soon"), FILE), 400, ["seconds"]),
    (
        "superscript expiry",
        MULTIPART,
        _form(_part("expires_after", "²".encode()), FILE),
        400,
        ["seconds"],
    ),
    (
        "expiry after the file",
        MULTIPART,
        _form(FILE, _part("expires_after", b"60")),
        400,
        ["before"],
    ),
    (
        "both expiry forms",
        MULTIPART,
        _form(_part("expires_after", b"60"), _part("expires_after[seconds]", b"60"), FILE),
        400,
        ["not both"],
    ),
    ("year expiry", MULTIPART, _form(_part("expires_after", b"31536000"), FILE), 400, ["1.."]),
]


@pytest.mark.parametrize(
    ("case", "kind", "body", "want", "words"), UPLOADS, ids=[u[0] for u in UPLOADS]
)
async def test_hostile_uploads(
    sim: Simulator, case: str, kind: str, body: bytes, want: int, words: list[str]
) -> None:
    status, answer = await _call(sim, "POST", "/files", data=body, headers={"content-type": kind})
    _check(status, answer, want, words)
    _, listed = await _call(sim, "GET", "/files")
    assert listed["data"] == []  # a refused upload stores nothing


LONG = "f" * 5000
# (case, method, path; each a 404 naming (the start of) what was looked for, not a 404
# for the path: dot-dot segments are resolved by the client before they are sent)
IDS: list[tuple[str, str, str]] = [
    ("unknown file", "GET", "/files/file_nope"),
    ("traversal file", "GET", "/files/..%2F..%2Fetc%2Fpasswd"),
    ("traversal content", "GET", "/files/..%2Fsim-files.sqlite3/content"),
    ("nul in an id", "GET", "/files/file%00x"),
    ("long file id", "GET", f"/files/{LONG}"),
    ("delete unknown", "DELETE", "/files/file_nope"),
    ("unknown batch", "GET", "/batches/batch_nope"),
    ("cancel unknown", "POST", "/batches/batch_nope/cancel"),
    ("long batch id", "GET", f"/batches/{LONG}"),
    ("unknown model", "GET", "/models/gpt-4o"),
    ("long model", "GET", f"/models/{LONG}"),
    ("unknown language model", "GET", "/language-models/grok-embed-1"),
    ("unknown image model", "GET", "/image-generation-models/grok-3"),
]


@pytest.mark.parametrize(("case", "method", "path"), IDS, ids=[i[0] for i in IDS])
async def test_hostile_ids_are_404(sim: Simulator, case: str, method: str, path: str) -> None:
    status, body = await _call(sim, method, path)
    _check(status, body, 404, ["not found"])


# (case, path, JSON body, status, words of the message)
BODIES: list[tuple[str, str, Any, int, list[str]]] = [
    ("empty input list", "/embeddings", {"model": "grok-embed-1", "input": []}, 400, ["input"]),
    (
        "too many inputs",
        "/embeddings",
        {"model": "grok-embed-1", "input": ["x"] * 2049},
        400,
        ["2048"],
    ),
    ("empty string", "/embeddings", {"model": "grok-embed-1", "input": [""]}, 400, ["input[0]"]),
    ("token array", "/embeddings", {"model": "grok-embed-1", "input": [1, 2]}, 400, ["token"]),
    ("nested input", "/embeddings", {"model": "grok-embed-1", "input": {"a": 1}}, 400, ["input"]),
    ("no model", "/embeddings", {"input": "x"}, 400, ["model is required"]),
    (
        "bad encoding",
        "/embeddings",
        {"model": "grok-embed-1", "input": "x", "encoding_format": "hex"},
        400,
        ["encoding_format"],
    ),
    (
        "bad dimensions",
        "/embeddings",
        {"model": "grok-embed-1", "input": "x", "dimensions": 3},
        400,
        ["dimensions must be 64"],
    ),
    ("unknown field", "/embeddings", {"model": "grok-embed-1", "input": "x", "k": 1}, 400, ["'k'"]),
    ("not an object", "/embeddings", ["x"], 400, ["JSON object"]),
    ("huge n", "/images/generations", {"model": "aurora", "prompt": "x", "n": 10**9}, 400, ["n"]),
    ("zero n", "/images/generations", {"model": "aurora", "prompt": "x", "n": 0}, 400, ["n"]),
    ("string n", "/images/generations", {"model": "aurora", "prompt": "x", "n": "2"}, 400, ["n"]),
    ("bool n", "/images/generations", {"model": "aurora", "prompt": "x", "n": True}, 400, ["n"]),
    ("empty prompt", "/images/generations", {"model": "aurora", "prompt": ""}, 400, ["prompt"]),
    (
        "bad format",
        "/images/generations",
        {"model": "aurora", "prompt": "x", "response_format": "gif"},
        400,
        ["response_format"],
    ),
    (
        "zero size",
        "/images/generations",
        {"model": "aurora", "prompt": "x", "size": "0x0"},
        400,
        ["size"],
    ),
    (
        "huge size",
        "/images/generations",
        {"model": "aurora", "prompt": "x", "size": "9" * 40 + "x1"},
        400,
        ["size"],
    ),
    (
        "superscript size",
        "/images/generations",
        {"model": "aurora", "prompt": "x", "size": "²x1"},
        400,
        ["size"],
    ),
    (
        "bad ratio",
        "/images/generations",
        {"model": "aurora", "prompt": "x", "aspect_ratio": "7:5"},
        400,
        ["aspect_ratio"],
    ),
    (
        "image with a chat model",
        "/images/generations",
        {"model": "grok-3", "prompt": "x"},
        404,
        ["not found"],
    ),
    (
        "huge text",
        "/tokenize-text",
        {"model": "grok-3", "text": "a " * 131_073},
        400,
        ["at most"],
    ),
    ("text not a string", "/tokenize-text", {"model": "grok-3", "text": 5}, 400, ["text"]),
    ("tokenize without model", "/tokenize-text", {"text": "hi"}, 400, ["model"]),
    (
        "48h window",
        "/batches",
        {"input_file_id": "f", "endpoint": "/v1/chat/completions", "completion_window": "48h"},
        400,
        ["completion_window"],
    ),
    (
        "no endpoint",
        "/batches",
        {"input_file_id": "f", "completion_window": "24h"},
        400,
        ["endpoint is required"],
    ),
    (
        "too much metadata",
        "/batches",
        {
            "input_file_id": "f",
            "endpoint": "/v1/chat/completions",
            "completion_window": "24h",
            "metadata": {str(n): "v" for n in range(17)},
        },
        400,
        ["metadata"],
    ),
    (
        "metadata not strings",
        "/batches",
        {
            "input_file_id": "f",
            "endpoint": "/v1/chat/completions",
            "completion_window": "24h",
            "metadata": {"a": 1},
        },
        400,
        ["metadata"],
    ),
    (
        "bad output expiry",
        "/batches",
        {
            "input_file_id": "f",
            "endpoint": "/v1/chat/completions",
            "completion_window": "24h",
            "output_expires_after": {"anchor": "created_at", "seconds": 5},
        },
        400,
        ["output_expires_after"],
    ),
    (
        "file id not a string",
        "/batches",
        {"input_file_id": 7, "endpoint": "/v1/chat/completions", "completion_window": "24h"},
        400,
        ["input_file_id"],
    ),
]


@pytest.mark.parametrize(
    ("case", "path", "body", "want", "words"), BODIES, ids=[b[0] for b in BODIES]
)
async def test_hostile_bodies(
    sim: Simulator, case: str, path: str, body: Any, want: int, words: list[str]
) -> None:
    status, answer = await _call(sim, "POST", path, json=body)
    _check(status, answer, want, words)


# (case, path with a query; each a 400 naming the parameter)
QUERIES: list[tuple[str, str, str]] = [
    ("zero limit", "/files?limit=0", "limit"),
    ("word limit", "/files?limit=ten", "limit"),
    ("superscript limit", "/files?limit=%C2%B2", "limit"),
    ("superscript batch limit", "/batches?limit=%C2%B2", "limit"),
    ("huge limit", "/batches?limit=101", "limit"),
    ("sideways order", "/files?order=sideways", "order"),
    ("unknown after", "/files?after=file_nope", "after"),
    ("unknown batch after", "/batches?after=batch_nope", "after"),
    ("unknown sort", "/files?sort_by=mtime", "sort_by"),
    ("unknown token", "/files?pagination_token=zzz", "after"),
]


@pytest.mark.parametrize(("case", "path", "param"), QUERIES, ids=[q[0] for q in QUERIES])
async def test_hostile_queries(sim: Simulator, case: str, path: str, param: str) -> None:
    status, body = await _call(sim, "GET", path)
    _check(status, body, 400, [param])
    assert body["error"]["param"] == param
