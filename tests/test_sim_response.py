"""xAI's official SDK, unchanged, reads the rest of the simulator's responses back.

Cost (``cost_in_usd_ticks`` from the simulator's price table, the same prices its
Models service quotes), logprobs, image options and context compaction.
"""

from __future__ import annotations

import base64
import struct
import urllib.request
import zlib
from collections.abc import Iterator
from typing import Any

import grpc
import pytest
from agentrt_protos.xai.api.v1 import usage_pb2
from xai_sdk import Client
from xai_sdk.chat import assistant, system, user

from agentrt.sim.compact import expand
from agentrt.sim.images import average_colour, png_for_prompt
from agentrt.sim.prices import price_of
from agentrt.sim.tokens import count_tokens
from tests.conftest import SimProcess

pytestmark = pytest.mark.e2e

FAST = "grok-4-1-fast-reasoning"


@pytest.fixture
def client(sim_process: SimProcess) -> Iterator[Client]:
    c = Client(api_key="any-key", api_host=f"localhost:{sim_process.port}", timeout=20)
    yield c
    c.close()


def _expected_usd(client: Client, model: str, usage: object) -> float:
    """The cost of ``usage`` at the prices the Models service quotes for ``model``."""
    m = client.models.get_language_model(model)
    u = usage
    fresh = u.prompt_text_tokens - u.cached_prompt_text_tokens  # type: ignore[attr-defined]
    ticks = (
        fresh * m.prompt_text_token_price
        + u.cached_prompt_text_tokens * m.cached_prompt_token_price  # type: ignore[attr-defined]
        + (u.completion_tokens + u.reasoning_tokens)  # type: ignore[attr-defined]
        * m.completion_text_token_price
    )
    return ticks * 1e-10


@pytest.mark.parametrize("model", [FAST, "grok-4-0709", "grok-3-mini"])
def test_a_chat_costs_its_tokens_at_the_quoted_prices(client: Client, model: str) -> None:
    chat = client.chat.create(model=model)
    chat.append(user("What does a simulated answer cost?"))
    r = chat.sample()
    assert r.cost_usd is not None
    assert r.cost_usd > 0
    assert r.cost_usd == pytest.approx(_expected_usd(client, model, r.usage), rel=1e-12)


def test_the_streamed_answer_costs_what_the_unary_one_does(client: Client) -> None:
    chat = client.chat.create(model="grok-4-0709")
    chat.append(user("Stream the cost please"))
    unary = chat.sample()
    streamed = [response for response, _ in chat.stream()]
    assert unary.cost_usd
    assert streamed[-1].cost_usd == unary.cost_usd


def test_a_cached_prompt_costs_less_than_a_fresh_one(client: Client) -> None:
    price = price_of(FAST)
    assert price.cached_input < price.input
    chat = client.chat.create(model=FAST, store_messages=True)
    chat.append(user("First question about caching."))
    first = chat.sample()
    chat = client.chat.create(model=FAST, previous_response_id=first.id)
    chat.append(user("Second question."))
    second = chat.sample()
    assert second.usage.cached_prompt_text_tokens > 0
    assert second.cost_usd == pytest.approx(_expected_usd(client, FAST, second.usage), rel=1e-12)


@pytest.mark.parametrize(("model", "usd"), [("grok-2-image", 0.07), ("grok-imagine-image", 0.02)])
def test_an_image_costs_the_quoted_image_price(client: Client, model: str, usd: float) -> None:
    quoted = client.models.get_image_generation_model(model).image_price * 1e-10
    images = client.image.sample_batch("a red fox", n=2, model=model, image_format="base64")
    assert quoted == pytest.approx(usd)
    assert images[0].cost_usd == pytest.approx(2 * usd)


def test_logprobs_read_back_unary_and_streamed(client: Client) -> None:
    chat = client.chat.create(model=FAST, logprobs=True, top_logprobs=2, service_tier="priority")
    chat.append(user("Which tokens are likely?"))
    unary = chat.sample()
    # xai-sdk leaves streamed logprobs on each chunk
    streamed = [
        p.token for _, c in chat.stream() for o in c.proto.outputs for p in o.logprobs.content
    ]
    tokens = [p.token for p in unary.logprobs.content]
    assert "".join(tokens) == unary.content
    assert all(len(p.top_logprobs) == 2 for p in unary.logprobs.content)
    assert all(p.logprob <= 0 for p in unary.logprobs.content)
    assert streamed == tokens
    assert unary.proto.service_tier == usage_pb2.SERVICE_TIER_PRIORITY


CONVERSATION = [
    system("You are a travel planner."),
    user("Plan a trip to Lisbon. The budget is at most 900 euros. I love old trams."),
    assistant("Lisbon is lovely in spring. I will look up the weather first, then hotels."),
    user("Never book hotels near the airport. Also, tell me a joke."),
    assistant("Why did the tram stop? It was tired. Now, the weather."),
]


def test_compaction_keeps_the_facts_and_the_model_reads_it_back(client: Client) -> None:
    chat = client.chat.create(model=FAST)
    for message in CONVERSATION:
        chat.append(message)
    compacted = chat.compact()  # xai-sdk swaps the history for the compacted message
    assert compacted.usage.prompt_tokens > compacted.usage.completion_tokens > 0
    assert compacted.dropped_message_count == len(CONVERSATION) - 1  # the system one is kept
    assert compacted.usage.HasField("cost_in_usd_ticks")
    assert len(chat.messages) == 1
    again = client.chat.compact_context(FAST, CONVERSATION)
    assert again.encrypted_content == compacted.encrypted_content  # deterministic
    chat.append(user("What did we say?"))
    answer = chat.sample()
    assert "What did we say?" in answer.content
    # the model read the compacted text in place of the history
    assert answer.usage.prompt_tokens == compacted.usage.completion_tokens + count_tokens(
        "What did we say?"
    )
    kept = expand(compacted.encrypted_content)
    assert kept is not None
    for fact in (
        "system: You are a travel planner.",
        "user: Plan a trip to Lisbon.",
        "The budget is at most 900 euros.",
        "Never book hotels near the airport.",
        "assistant: Lisbon is lovely in spring.",
    ):
        assert fact in kept
    assert "joke" not in kept
    assert "hotels." not in kept  # the assistant's prose after its first sentence went


def test_compacting_nothing_is_invalid(client: Client) -> None:
    with pytest.raises(grpc.RpcError) as info:
        client.chat.compact_context(FAST, [])
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def _png_size(png: bytes) -> tuple[int, int]:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    return struct.unpack(">II", png[16:24])


@pytest.mark.parametrize(
    ("aspect_ratio", "resolution", "size"),
    [
        ("16:9", "2k", (32, 18)),
        ("9:16", "1k", (9, 16)),
        ("1:1", "2k", (32, 32)),
        ("2:1", None, (16, 8)),
    ],
)
def test_the_png_follows_aspect_ratio_and_resolution(
    client: Client, aspect_ratio: Any, resolution: Any, size: tuple[int, int]
) -> None:
    r = client.image.sample(
        "a lighthouse",
        model="grok-2-image",
        image_format="base64",
        aspect_ratio=aspect_ratio,
        resolution=resolution,
        quality="low",
    )
    assert _png_size(r.image) == size


def test_an_edit_starts_from_the_input_images_colour(client: Client) -> None:
    red = png_for_prompt("x", width=4, height=4, base=(250, 0, 0))
    data_url = "data:image/png;base64," + base64.b64encode(red).decode()
    uploaded = client.files.upload(red, filename="red.png")
    by_url = client.image.sample(
        "make it blue", model="grok-2-image", image_url=data_url, image_format="base64"
    )
    by_file = client.image.sample(
        "make it blue", model="grok-2-image", image_file_id=uploaded.id, image_format="base64"
    )
    plain = client.image.sample("make it blue", model="grok-2-image", image_format="base64")
    assert by_url.image == by_file.image != plain.image
    pixels = zlib.decompress(by_url.image[41:-12])  # one IDAT right after IHDR in these PNGs
    assert pixels[1:4] == bytes(average_colour(red))  # the first row: the input's colour


def test_storage_options_keep_the_image_as_a_file_with_a_public_url(client: Client) -> None:
    r = client.image.sample(
        "a fox",
        model="grok-2-image",
        storage_options={"filename": "fox.png", "expires_after": 3600, "public_url": True},
    )
    assert r.file_output is not None
    stored = client.files.get(r.file_output.file_id)
    assert stored.filename == "fox.png"
    assert client.files.content(r.file_output.file_id) == r.image
    assert r.public_url
    with urllib.request.urlopen(r.public_url, timeout=10) as got:
        assert got.read() == r.image
