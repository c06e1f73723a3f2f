"""Pictures and files from every entry point, end to end against the simulator.

``agentrt run --image/--file`` as a subprocess, ``agentrt serve``'s RunAgentRequest.parts
through the generated stub, and ``agentrt batch --xai-batch`` lines with images and
files: the simulated model says what it was shown (format and size of a picture, the
text of a text file), so each test checks that it arrived.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from agentrt_protos.agentrt.v1 import agent_pb2 as pb

from tests.conftest import SimProcess, agentrt_command, clean_env, run_agentrt, running_sim
from tests.media_fixtures import LOOKER, gif, jpeg, png, serving_looker, webp
from tests.serve21_fixtures import TOKEN, auth, stub_at

NOTES = "The meeting moved to Thursday. Bring the budget sheet.\n"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (png(640, 480), ("PNG", "image/png", 640, 480)),
        (jpeg(1024, 768), ("JPEG", "image/jpeg", 1024, 768)),
        (gif(32, 16), ("GIF", "image/gif", 32, 16)),
        (webp(300, 200), ("WebP", "image/webp", 300, 200)),
    ],
)
def test_format_and_size_are_read_from_the_header(
    data: bytes, expected: tuple[str, str, int, int]
) -> None:
    from agentrt.xai.image_sniff import sniff_image

    info = sniff_image(data)
    assert info is not None
    assert (info.format, info.mime_type, info.width, info.height) == expected


def test_a_local_picture_becomes_a_data_url_of_the_type_its_bytes_say(tmp_path: Path) -> None:
    from agentrt.xai.media import image_part

    misnamed = tmp_path / "photo.png"
    misnamed.write_bytes(jpeg(8, 8))  # a JPEG named .png
    part = image_part(str(misnamed), detail="high")
    assert part.url == "data:image/jpeg;base64," + base64.b64encode(jpeg(8, 8)).decode()
    assert part.detail == "high"
    assert image_part("https://example.org/a.png").url == "https://example.org/a.png"


def _job(tmp_path: Path) -> Path:
    (tmp_path / "looker.yaml").write_text(LOOKER)
    (tmp_path / "x.png").write_bytes(png(64, 48))
    (tmp_path / "notes.txt").write_text(NOTES)
    return tmp_path / "looker.yaml"


@pytest.mark.e2e
async def test_run_image_and_file_are_acknowledged(sim_process: SimProcess, tmp_path: Path) -> None:
    spec = _job(tmp_path)
    code, out, err = await run_agentrt(
        "run", str(spec), "When is the meeting?", "--image", str(tmp_path / "x.png"),
        "--file", str(tmp_path / "notes.txt"), "--endpoint", sim_process.address, "-q",
    )  # fmt: skip
    assert code == 0, err
    assert out.startswith("I see a 64x48 PNG image (")
    assert "notes.txt says: “The meeting moved to Thursday.”" in out


@pytest.mark.e2e
async def test_run_image_url_and_detail_reach_the_model(
    sim_process: SimProcess, tmp_path: Path
) -> None:
    spec = _job(tmp_path)
    code, out, err = await run_agentrt(
        "run", str(spec), "Compare them", "--image", str(tmp_path / "x.png"),
        "--image", "https://example.org/b.jpg", "--image-detail", "low",
        "--endpoint", sim_process.address, "--json",
    )  # fmt: skip
    assert code == 0, err
    answer = json.loads(out)["output"]
    assert "a 64x48 PNG image" in answer
    assert "an image at https://example.org/b.jpg" in answer


@pytest_asyncio.fixture
async def served() -> AsyncIterator[str]:
    async with serving_looker(TOKEN) as server:
        yield server.address


@pytest.mark.e2e
async def test_serve_parts_are_acknowledged_over_grpc(served: str) -> None:
    parts = [
        pb.InputPart(image=pb.ImageInput(data=jpeg(800, 600), detail="high")),
        pb.InputPart(file=pb.FileInput(name="notes.txt", data=NOTES.encode())),
    ]
    request = pb.RunAgentRequest(agent="looker", input="When is the meeting?", parts=parts)
    async with stub_at(served) as stub:
        response = await stub.RunAgent(request, metadata=auth(), timeout=30)
        events = [e async for e in stub.StreamAgent(request, metadata=auth(), timeout=30)]
    assert response.status.state == pb.RunStatus.SUCCEEDED, response.status.message
    assert response.result.text.startswith("I see a 800x600 JPEG image (")
    assert "notes.txt says: “The meeting moved to Thursday.”" in response.result.text
    streamed = "".join(e.text_delta for e in events if e.HasField("text_delta"))
    assert streamed == response.result.text


@pytest.mark.e2e
def test_batch_lines_with_images_are_acknowledged_and_a_bad_one_fails_alone(
    tmp_path: Path,
) -> None:
    spec = _job(tmp_path)
    (tmp_path / "pics").mkdir()
    (tmp_path / "pics" / "big.jpg").write_bytes(jpeg(1920, 1080))
    (tmp_path / "pics" / "fake.png").write_text("not a picture at all\n")
    lines = [
        {"id": "a", "input": "What is this?", "images": ["x.png"]},
        {"id": "b", "input": "And this?", "images": ["pics/big.jpg"], "files": ["notes.txt"]},
        {"id": "c", "input": "This?", "images": ["pics/fake.png"]},
    ]
    inputs = tmp_path / "inputs.jsonl"
    inputs.write_text("".join(json.dumps(line) + "\n" for line in lines))
    out = tmp_path / "out.jsonl"
    with running_sim("--data-dir", str(tmp_path / "sim"), "--batch-rate", "0") as sim:
        done = subprocess.run(
            agentrt_command(
                "batch", str(spec), str(inputs), "--xai-batch", "--endpoint", sim.address,
                "--out", str(out), "-q",
            ),
            env=clean_env(), capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
    assert done.returncode == 1, done.stderr  # one line failed
    results = {r["id"]: r for r in map(json.loads, out.read_text().splitlines())}
    assert results["a"]["output"].startswith("I see a 64x48 PNG image (")
    assert results["b"]["output"].startswith("I see a 1920x1080 JPEG image (")
    assert (
        "notes.txt does not say; it begins: “The meeting moved to Thursday.”"
        in (results["b"]["output"])
    )
    error = results["c"]["error"]
    assert error["type"] == "UsageError"
    assert "pics/fake.png: not a picture (it is text)" in error["message"]


@pytest.mark.e2e
@pytest.mark.timeout(120)
def test_temporal_batch_lines_with_images_are_acknowledged(
    temporal_server: str, sim_process: SimProcess, tmp_path: Path
) -> None:
    from tests.durable_fixtures import running_worker

    spec = _job(tmp_path)
    (tmp_path / "fake.jpg").write_text("words, not a picture\n")
    lines = [
        {"id": 1, "input": "What is this?", "images": ["x.png"], "files": ["notes.txt"]},
        {"id": 2, "input": "And this?", "images": ["fake.jpg"]},
    ]
    inputs = tmp_path / "inputs.jsonl"
    inputs.write_text("".join(json.dumps(line) + "\n" for line in lines))
    out = tmp_path / "out.jsonl"
    env = {"AGENTRT_DURABLE_DIR": str(tmp_path)}
    worker = (str(spec), "--endpoint", sim_process.address, "--task-queue", "media")
    with running_worker(temporal_server, *worker, env=env):
        done = subprocess.run(
            agentrt_command(
                "batch", str(spec), str(inputs), "--temporal", temporal_server,
                "--task-queue", "media", "--out", str(out), "-q",
            ),
            env={**os.environ, **env}, capture_output=True, text=True, timeout=90, check=False,
        )  # fmt: skip
    assert done.returncode == 1, done.stderr
    results = {r["id"]: r for r in map(json.loads, out.read_text().splitlines())}
    assert results[1]["output"].startswith("I see a 64x48 PNG image (")
    assert "The meeting moved to Thursday." in results[1]["output"]
    assert "fake.jpg: not a picture (it is text)" in results[2]["error"]["message"]


@pytest.mark.e2e
async def test_serve_rest_doors_take_pictures_and_files() -> None:
    import aiohttp

    picture = "data:image/png;base64," + base64.b64encode(png(320, 200)).decode()
    notes = base64.b64encode(NOTES.encode()).decode()
    responses = {
        "model": "looker",
        "input": [
            {
                "role": "user",
                "content": [
                    {"type": "input_text", "text": "When is the meeting?"},
                    {"type": "input_image", "image_url": picture, "detail": "low"},
                    {"type": "input_file", "filename": "notes.txt", "file_data": notes},
                ],
            }
        ],
    }
    chat = {
        "model": "looker",
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "What is this?"},
                    {"type": "image_url", "image_url": {"url": picture}},
                ],
            }
        ],
    }
    headers = {"authorization": f"Bearer {TOKEN}"}
    async with serving_looker(TOKEN, http_port=0) as server, aiohttp.ClientSession() as http:
        base = f"http://{server.http_address}/v1"
        async with http.post(f"{base}/responses", json=responses, headers=headers) as r:
            answered = await r.json()
        async with http.post(f"{base}/chat/completions", json=chat, headers=headers) as r:
            chatted = await r.json()
    text = answered["output"][-1]["content"][0]["text"]
    assert text.startswith("I see a 320x200 PNG image (")
    assert "notes.txt says: “The meeting moved to Thursday.”" in text
    reply = chatted["choices"][0]["message"]["content"]
    assert reply.startswith("I see a 320x200 PNG image (")


@pytest.mark.e2e
async def test_the_simulators_rest_door_sees_pictures_too() -> None:
    import openai

    from tests.simrest_helpers import openai_client, rest_sim

    picture = "data:image/jpeg;base64," + base64.b64encode(jpeg(1280, 720)).decode()
    content: Any = [
        {"type": "text", "text": "What is this?"},
        {"type": "image_url", "image_url": {"url": picture, "detail": "high"}},
    ]
    async with rest_sim() as sim, openai_client(sim) as oa:
        completion = await oa.chat.completions.create(
            model="grok-4-1-fast-reasoning", messages=[{"role": "user", "content": content}]
        )
        bad = [
            content[0],
            {"type": "image_url", "image_url": {"url": "data:image/png;base64,aGk="}},
        ]
        with pytest.raises(openai.BadRequestError) as refused:
            await oa.chat.completions.create(
                model="grok-4-1-fast-reasoning", messages=[{"role": "user", "content": bad}]
            )
    assert (completion.choices[0].message.content or "").startswith("I see a 1280x720 JPEG image (")
    assert "not a picture (it is text)" in str(refused.value)


@pytest.mark.e2e
async def test_a_picture_given_as_a_file_is_described_as_a_picture(
    sim_process: SimProcess, tmp_path: Path
) -> None:
    spec = _job(tmp_path)
    code, out, err = await run_agentrt(
        "run", str(spec), "What is this?", "--file", str(tmp_path / "x.png"),
        "--endpoint", sim_process.address, "-q",
    )  # fmt: skip
    assert code == 0, err
    assert "x.png is a 64x48 PNG image (" in out
