"""Hostile pictures and files, as tables: each next case of a class is one line to add.

Every bad picture or file is refused before any model call with one line that names it
and says what it is: ``agentrt run`` exits 2 (no traceback; its endpoint refuses
connections, so a model call would be exit 3), ``serve`` answers INVALID_ARGUMENT, a
batch line's shape is a FILE:LINE error and its contents that line's error alone, and the
simulator refuses an image part that is no picture as the real API does.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import grpc
import pytest
import pytest_asyncio
from agentrt_protos.agentrt.v1 import agent_pb2 as pb

from tests.conftest import agentrt_command, clean_env, run_agentrt, running_sim
from tests.media_fixtures import LOOKER, gif, jpeg, png, serving_looker, webp
from tests.serve21_fixtures import TOKEN, auth, stub_at

NOWHERE = "127.0.0.1:1"  # nothing listens: a model call would fail with exit 3
TEXT = b"hello, I am text\n"


def _sparse(path: Path, size: int) -> None:
    with path.open("wb") as f:
        f.write(png(1, 1))
        f.truncate(size)


# (case, how to make the input in tmp_path -> the --image value, what stderr says)
BAD_IMAGES: list[tuple[str, Callable[[Path], str], str]] = [
    ("text", lambda d: _write(d / "a.png", TEXT), "not a picture (it is text); give a PNG or JPEG"),
    ("empty", lambda d: _write(d / "a.png", b""), "not a picture (it is empty)"),
    ("pdf", lambda d: _write(d / "a.png", b"%PDF-1.7\n..."), "(it is a PDF document)"),
    ("zip", lambda d: _write(d / "a.jpg", b"PK\x03\x04rest"), "(it is a ZIP archive"),
    ("binary", lambda d: _write(d / "a.jpg", b"\x00\x01\x02\xff"), "(it is binary data)"),
    ("gif", lambda d: _write(d / "a.gif", gif(4, 4)), "a GIF image, which xAI does not read"),
    ("webp", lambda d: _write(d / "a.webp", webp(4, 4)), "a WebP image, which xAI does not read"),
    ("missing", lambda d: str(d / "nope.png"), "nope.png: no such file"),
    ("directory", lambda d: str(d), ": a directory; give a picture"),
    ("fifo", lambda d: _fifo(d / "pipe.png"), "not a regular file"),
    ("too big", lambda d: _sparse_at(d / "big.png", 21 * 2**20), "over the 20 MiB limit"),
    ("ftp URL", lambda d: "ftp://example.org/a.png", "ftp: URLs are not fetched"),
    ("file URL", lambda d: "file:///etc/passwd", "file: URLs are not fetched"),
    ("javascript URL", lambda d: "javascript:alert(1)", "javascript: URLs are not fetched"),
    ("bare https", lambda d: "https://", "the URL names no host"),
    ("data not base64", lambda d: "data:image/png;base64,@@@", "not valid base64"),
    ("data not marked base64", lambda d: "data:image/png,abc", "must be data:image/...;base64"),
    ("data of text", lambda d: "data:image/png;base64," + _b64(TEXT), "not a picture (it is text)"),
]


def _write(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)


def _sparse_at(path: Path, size: int) -> str:
    _sparse(path, size)
    return str(path)


def _fifo(path: Path) -> str:
    os.mkfifo(path)
    return str(path)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("make", "message"), [c[1:] for c in BAD_IMAGES], ids=[c[0] for c in BAD_IMAGES]
)
async def test_a_bad_image_is_one_line_and_exit_2_before_any_model_call(
    tmp_path: Path, make: Callable[[Path], str], message: str
) -> None:
    (tmp_path / "looker.yaml").write_text(LOOKER)
    source = make(tmp_path)
    code, out, err = await run_agentrt(
        "run", str(tmp_path / "looker.yaml"), "What is this?", "--image", source,
        "--endpoint", NOWHERE,
    )  # fmt: skip
    assert code == 2, err
    assert out == ""
    assert err.count("\n") == 1
    assert "Traceback" not in err
    assert err.startswith("agentrt: error: --image ")
    assert message in err


@pytest.mark.e2e
async def test_a_good_image_after_a_bad_one_still_fails_the_command(tmp_path: Path) -> None:
    (tmp_path / "looker.yaml").write_text(LOOKER)
    good = _write(tmp_path / "ok.png", png(2, 2))
    bad = _write(tmp_path / "bad.png", TEXT)
    code, _, err = await run_agentrt(
        "run", str(tmp_path / "looker.yaml"), "x", "--image", good, "--image", bad,
        "--endpoint", NOWHERE,
    )  # fmt: skip
    assert code == 2
    assert f"--image {bad}: not a picture" in err


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def served() -> AsyncIterator[str]:
    async with serving_looker(TOKEN) as server:
        yield server.address


def _img(**fields: Any) -> pb.InputPart:
    return pb.InputPart(image=pb.ImageInput(**fields))


def _file(**fields: Any) -> pb.InputPart:
    return pb.InputPart(file=pb.FileInput(**fields))


BAD_PARTS: list[tuple[str, list[pb.InputPart], str]] = [
    ("text bytes", [_img(data=TEXT)], "parts[0].image (bytes): not a picture (it is text)"),
    ("gif bytes", [_img(data=gif(2, 2))], "a GIF image, which xAI does not read"),
    ("empty bytes", [_img(data=b"")], "not a picture (it is empty)"),
    ("ftp url", [_img(url="ftp://e.org/a.png")], "parts[0].image.url: give an http(s):// or data:"),
    ("a path as url", [_img(url="/etc/passwd")], "give an http(s):// or data: URL"),
    ("data url of text", [_img(url="data:image/png;base64," + _b64(TEXT))], "not a picture"),
    ("bad detail", [_img(url="https://e.org/a.png", detail="ultra")], "'ultra': use one of"),
    ("bad detail on id", [_img(file_id="file-1", detail="max")], "'max': use one of"),
    ("no source", [_img(detail="low")], "parts[0].image: set url, data or file_id"),
    ("empty part", [pb.InputPart()], "parts[0]: set image or file"),
    ("file without name", [_file(data=b"abc")], "parts[0].file: a file needs a name"),
    ("file without source", [_file(name="a.txt")], "parts[0].file: set data or file_id"),
    ("empty image file_id", [_img(file_id="")], "parts[0].image.file_id: give the uploaded"),
    ("empty file file_id", [_file(file_id=" ")], "parts[0].file.file_id: give the uploaded"),
    ("second part bad", [_img(data=png(1, 1)), _img(data=TEXT)], "parts[1].image"),
    ("too many parts", [_img(url="https://e.org/a.png")] * 17, "parts has 17 entries"),
]


@pytest.mark.e2e
@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize(
    ("parts", "message"), [c[1:] for c in BAD_PARTS], ids=[c[0] for c in BAD_PARTS]
)
@pytest.mark.parametrize("rpc", ["RunAgent", "StreamAgent"])
async def test_a_bad_part_is_invalid_argument(
    served: str, rpc: str, parts: list[pb.InputPart], message: str
) -> None:
    request = pb.RunAgentRequest(agent="looker", input="What is this?", parts=parts)
    async with stub_at(served) as stub:
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await _call(stub, rpc, request)
    assert refused.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert message in (refused.value.details() or "")


async def _call(stub: Any, rpc: str, request: pb.RunAgentRequest) -> None:
    if rpc == "RunAgent":
        await stub.RunAgent(request, metadata=auth(), timeout=10)
    else:
        [e async for e in stub.StreamAgent(request, metadata=auth(), timeout=10)]


# (case, the line's images/files, what the FILE:LINE error says)
BAD_LINES: list[tuple[str, dict[str, Any], str]] = [
    ("images not a list", {"images": "a.png"}, '"images" must be a list of paths or URLs'),
    ("image not a string", {"images": [1]}, '"images" must be a list'),
    ("empty image", {"images": [""]}, '"images" must be a list'),
    ("files not a list", {"files": {"a": 1}}, '"files" must be a list'),
    (
        "unknown key",
        {"pictures": ["a.png"]},
        "unknown key(s) pictures; use id, input, vars, images",
    ),
]


@pytest.mark.parametrize(
    ("extra", "message"), [c[1:] for c in BAD_LINES], ids=[c[0] for c in BAD_LINES]
)
def test_a_badly_shaped_batch_line_is_file_line(
    tmp_path: Path, extra: dict[str, Any], message: str
) -> None:
    from agentrt.durable.batch import read_inputs
    from agentrt.errors import UsageError

    inputs = tmp_path / "in.jsonl"
    inputs.write_text(
        json.dumps({"id": 1, "input": "hi"})
        + "\n"
        + json.dumps({"id": 2, "input": "x", **extra})
        + "\n"
    )
    with pytest.raises(UsageError) as caught:
        read_inputs(inputs)
    assert str(caught.value).startswith(f"{inputs}:2: ")
    assert message in str(caught.value)


@pytest.mark.e2e
def test_each_bad_batch_picture_fails_its_own_line_only(tmp_path: Path) -> None:
    (tmp_path / "looker.yaml").write_text(LOOKER)
    _write(tmp_path / "ok.jpg", jpeg(10, 20))
    _write(tmp_path / "anim.gif", gif(2, 2))
    _sparse(tmp_path / "big.png", 21 * 2**20)
    lines = {
        "ok": {"images": ["ok.jpg"]},
        "missing": {"images": ["gone.png"]},
        "gif": {"images": ["anim.gif"]},
        "big": {"images": ["big.png"]},
        "ftp": {"images": ["ftp://example.org/a.png"]},
        "missing file": {"files": ["gone.txt"]},
    }
    inputs = tmp_path / "in.jsonl"
    inputs.write_text(
        "".join(json.dumps({"id": k, "input": "What is it?", **v}) + "\n" for k, v in lines.items())
    )
    out = tmp_path / "out.jsonl"
    with running_sim("--data-dir", str(tmp_path / "sim"), "--batch-rate", "0") as sim:
        done = subprocess.run(
            agentrt_command(
                "batch", str(tmp_path / "looker.yaml"), str(inputs), "--xai-batch",
                "--endpoint", sim.address, "--out", str(out), "-q",
            ),
            env=clean_env(), capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
    assert done.returncode == 1, done.stderr
    results = {r["id"]: r for r in map(json.loads, out.read_text().splitlines())}
    assert results["ok"]["output"].startswith("I see a 10x20 JPEG image (")
    errors = {k: r["error"]["message"] for k, r in results.items() if "error" in r}
    assert set(errors) == set(lines) - {"ok"}
    assert "gone.png: no such file" in errors["missing"]
    assert "a GIF image, which xAI does not read" in errors["gif"]
    assert "over the 20 MiB limit" in errors["big"]
    assert "ftp: URLs are not fetched" in errors["ftp"]
    assert "gone.txt: no such file" in errors["missing file"]


SIM_BAD_IMAGES = [
    ("text", "data:image/png;base64," + _b64(TEXT), "the image is not a picture (it is text)"),
    ("not base64", "data:image/png;base64,@@", "not valid base64"),
    ("not marked base64", "data:image/png,abc", "must be base64"),
    ("ftp", "ftp://e.org/a.png", "an image_url must be an http(s):// or data: URL"),
]


@pytest.mark.parametrize(
    ("url", "message"), [c[1:] for c in SIM_BAD_IMAGES], ids=[c[0] for c in SIM_BAD_IMAGES]
)
def test_the_simulator_refuses_an_image_part_that_is_no_picture(url: str, message: str) -> None:
    from agentrt_protos.xai.api.v1 import chat_pb2, image_pb2

    from agentrt.sim.decode import turns_from_messages
    from agentrt.sim.status import SimStatus

    part = chat_pb2.Content(image_url=image_pb2.ImageUrlContent(image_url=url))
    message_pb = chat_pb2.Message(role=chat_pb2.ROLE_USER, content=[part])
    with pytest.raises(SimStatus) as refused:
        turns_from_messages([message_pb])
    assert refused.value.code is grpc.StatusCode.INVALID_ARGUMENT
    assert message in refused.value.details


def _rest_user(*parts: dict[str, Any]) -> dict[str, Any]:
    return {"role": "user", "content": [{"type": "input_text", "text": "What is it?"}, *parts]}


# (case, the /v1/responses input item's extra parts, what the 400 says)
BAD_REST_PARTS: list[tuple[str, list[dict[str, Any]], str]] = [
    ("no url", [{"type": "input_image"}], "an image needs an http(s):// or data: URL"),
    ("ftp url", [{"type": "input_image", "image_url": "ftp://e.org/a"}], "an image needs"),
    (
        "text as image",
        [{"type": "input_image", "image_url": "data:image/png;base64," + _b64(TEXT)}],
        "not a picture (it is text)",
    ),
    (
        "gif",
        [{"type": "input_image", "image_url": "data:image/gif;base64," + _b64(gif(2, 2))}],
        "a GIF image",
    ),
    (
        "bad detail",
        [{"type": "input_image", "image_url": "https://e.org/a.png", "detail": "max"}],
        "use one of auto, low, high",
    ),
    (
        "file not base64",
        [{"type": "input_file", "filename": "a.txt", "file_data": "@@"}],
        "not valid base64",
    ),
    (
        "file without name",
        [{"type": "input_file", "file_data": _b64(b"x")}],
        "a file needs file_data",
    ),
    ("audio part", [{"type": "input_audio"}], "must be a text, image or file part"),
    (
        "too many",
        [{"type": "input_image", "image_url": "https://e.org/a.png"}] * 17,
        "more than 16",
    ),
]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def rest_address() -> AsyncIterator[str]:
    async with serving_looker(TOKEN, http_port=0) as server:
        yield f"http://{server.http_address}"


@pytest.mark.e2e
@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize(
    ("parts", "message"), [c[1:] for c in BAD_REST_PARTS], ids=[c[0] for c in BAD_REST_PARTS]
)
async def test_a_bad_rest_picture_or_file_is_a_400_naming_the_part(
    rest_address: str, parts: list[dict[str, Any]], message: str
) -> None:
    import aiohttp

    body = {"model": "looker", "input": [_rest_user(*parts)]}
    headers = {"authorization": f"Bearer {TOKEN}"}
    url = f"{rest_address}/v1/responses"
    async with aiohttp.ClientSession() as http, http.post(url, json=body, headers=headers) as r:
        status, answer = r.status, await r.json()
    assert status == 400, answer
    assert message in answer["error"]["message"]
    assert answer["error"]["param"].startswith("input[0].content")
