"""agentrt's client reads the rest of the response: cost, logprobs, service tier, tool outputs.

End to end against the simulator (in-process, over a real socket), plus the
decoding of parts the simulator does not send (output files) from protobuf.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import struct
import zlib
from typing import Any

import pytest
from agentrt_protos.xai.api.v1 import chat_pb2, usage_pb2

from agentrt.agents.agent import Agent
from agentrt.agents.tools import tool
from agentrt.sim.compact import expand
from agentrt.sim.images import average_colour
from agentrt.sim.prices import price_of
from agentrt.sim.tokens import count_tokens
from agentrt.testing import simulator
from agentrt.xai.chat_proto import response_from_proto
from agentrt.xai.chat_request import ChatRequest
from agentrt.xai.chat_response import LogProb, OutputFile, Usage
from agentrt.xai.chat_wire import EncodedRequest, RequestEncoder
from agentrt.xai.image_types import ImageRequest, ImageStorage
from agentrt.xai.messages import ToolCall, assistant, system, tool_result, user
from agentrt.xai.tool_specs import CollectionsSearch

pytestmark = pytest.mark.e2e

MODEL = "grok-4-1-fast-reasoning"


def _ticks(model: str, u: Usage) -> int:
    """The cost of ``u`` at ``model``'s prices (linear, so it holds for sums of calls too)."""
    p = price_of(model)
    fresh = u.prompt_text_tokens - u.cached_prompt_text_tokens
    return (
        fresh * p.input
        + u.cached_prompt_text_tokens * p.cached_input
        + u.completion_tokens * p.output
        + u.reasoning_tokens * p.reasoning
    )


async def test_cost_logprobs_and_tier_read_back_alike_unary_and_streamed() -> None:
    request = ChatRequest(
        model=MODEL,
        messages=(user("Tell me about log probabilities."),),
        logprobs=True,
        top_logprobs=3,
        service_tier="priority",
    )
    async with simulator() as sim:
        unary = await sim.client.chat.complete(request)
        async with sim.client.chat.stream(request) as stream:
            streamed = await stream.collect()
        encoded = RequestEncoder().encode(request)  # what an agent's turns send
        for wire in (encoded, EncodedRequest(encoded.data)):
            async with sim.client.chat.stream(wire) as stream:
                assert (await stream.collect()).logprobs == unary.logprobs
    assert unary.usage.cost_in_usd_ticks == _ticks(MODEL, unary.usage)
    assert unary.cost_usd == pytest.approx(unary.usage.cost_in_usd_ticks * 1e-10)
    assert unary.cost_usd > 0
    assert streamed.cost_usd == unary.cost_usd
    assert (unary.service_tier, streamed.service_tier) == ("priority", "priority")
    assert "".join(p.token for p in unary.logprobs) == unary.content
    assert streamed.logprobs == unary.logprobs
    for p in unary.logprobs:
        assert isinstance(p, LogProb)
        assert -0.5 < p.logprob <= 0
        assert len(p.top_logprobs) == 3
        assert p.top_logprobs[0].token == p.token
        assert [t.logprob for t in p.top_logprobs] == sorted(
            (t.logprob for t in p.top_logprobs), reverse=True
        )


async def test_no_logprobs_unless_asked_and_the_default_tier() -> None:
    async with simulator() as sim:
        r = await sim.client.chat.complete(ChatRequest(model=MODEL, messages=(user("Hi"),)))
    assert r.logprobs == ()
    assert r.service_tier == "default"


@tool
def get_weather(city: str) -> dict[str, Any]:
    """Get the current weather for a city.

    Args:
        city: The city name.
    """
    return {"city": city, "temp_c": 21}


async def test_a_runs_cost_sums_its_turns_and_its_sub_agents() -> None:
    researcher = Agent(name="researcher", model=MODEL, description="Finds notes on a topic.")
    boss = Agent(name="boss", model=MODEL, tools=[researcher, get_weather])
    async with simulator() as sim:
        alone = await Agent(name="w", model=MODEL, tools=[get_weather]).run(
            "What is the weather in Paris?", client=sim.client
        )
        result = await boss.run(
            'Ask the researcher for "notes on the Lisbon trams"', client=sim.client
        )
    assert alone.turns == 2
    assert alone.usage.cost_in_usd_ticks == _ticks(MODEL, alone.usage)
    assert [c.name for c in result.tool_calls] == ["researcher"]
    # the sub-agent's calls are in the tokens and in the cost: both sums agree
    assert result.usage.cost_in_usd_ticks == _ticks(MODEL, result.usage)
    assert result.usage.cost_usd == pytest.approx(result.usage.cost_in_usd_ticks * 1e-10)
    assert result.to_dict()["usage"]["cost_usd"] == result.usage.cost_usd


def test_server_tool_outputs_and_output_files_are_kept_apart_from_the_choices() -> None:
    resp = chat_pb2.GetChatCompletionResponse(id="r", service_tier=usage_pb2.SERVICE_TIER_DEFAULT)
    tool_out = resp.outputs.add(index=0).message
    tool_out.role, tool_out.content = chat_pb2.ROLE_TOOL, '{"search_matches": []}'
    tool_out.tool_calls.add(id="c1", type=chat_pb2.TOOL_CALL_TYPE_COLLECTIONS_SEARCH_TOOL)
    answer = resp.outputs.add(index=0, finish_reason=2).message
    answer.role, answer.content = chat_pb2.ROLE_ASSISTANT, "the answer"
    resp.output_files.add(file_id="file-1", name="fox.png")
    resp.usage.cost_in_usd_ticks = 12_345
    r = response_from_proto(resp)
    assert [c.content for c in r.choices] == ["the answer"]
    (out,) = r.tool_outputs
    assert (out.content, out.tool_calls[0].id) == ('{"search_matches": []}', "c1")
    assert out.tool_calls[0].type == "collections_search"
    assert r.output_files == (OutputFile(file_id="file-1", name="fox.png"),)
    assert r.cost_usd == pytest.approx(12_345e-10)
    assert r.service_tier == "default"


async def test_compact_a_conversation_with_a_tool_result_and_go_on() -> None:
    messages = (
        system("You plan trips."),
        user("Weather in Oslo? I need it in Celsius only."),
        assistant(
            tool_calls=(ToolCall(id="c1", name="get_weather", arguments='{"city": "Oslo"}'),)
        ),
        tool_result("c1", '{"city": "Oslo", "temp_c": -3, "sky": "snow"}'),
        assistant("It is -3 C and snowing in Oslo. Dress warmly, it is cold out there."),
    )
    request = ChatRequest(model=MODEL, messages=messages)
    async with simulator() as sim:
        done = await sim.client.chat.compact(request)
        by_list = await sim.client.chat.compact(list(messages), model=MODEL)
        follow = dataclasses.replace(request, messages=(*done.messages, user("And tomorrow?")))
        answer = await sim.client.chat.complete(follow)
    assert by_list == done
    assert 0 < done.tokens_after < done.tokens_before
    assert done.cost_usd > 0
    assert done.dropped_message_count == len(messages) - 1
    kept = expand(done.encrypted_content)
    assert kept is not None
    for fact in ("Celsius only", "temp_c=-3", 'sky="snow"', "You plan trips."):
        assert fact in kept
    assert answer.usage.prompt_tokens == done.tokens_after + count_tokens("And tomorrow?")


async def test_images_with_every_option_edit_and_storage() -> None:
    async with simulator() as sim:
        images = sim.client.images
        wide = await images.generate(
            "a harbour",
            model="grok-2-image",
            image_format="base64",
            aspect_ratio="16:9",
            resolution="2k",
            quality="high",
            n=2,
        )
        source = _png_bytes(wide.images[0].base64)
        edited = await images.generate(
            "paint it at night",
            model="grok-2-image",
            image_format="base64",
            image_urls=(wide.images[0].base64,),
        )
        kept = await images.generate_request(
            ImageRequest(
                prompt="a fox",
                model="grok-imagine-image",
                n=2,
                storage=ImageStorage(filename="fox.png", expires_after=600, public_url=True),
            )
        )
        listed = {f.id: f.filename async for f in sim.client.files.list()}
    assert _png_size(source) == (32, 18)
    assert wide.cost_usd == pytest.approx(2 * 0.07)
    assert wide.usage.cost_in_usd_ticks == 2 * price_of("grok-2-image-1212").per_image
    first_row = zlib.decompress(_png_bytes(edited.images[0].base64)[41:-12])[1:4]
    assert first_row == bytes(average_colour(source))  # the edit starts from the input's colour
    files = [i.file for i in kept.images]
    assert all(f is not None and f.public_url.startswith("http://") for f in files)
    assert [listed[f.file_id] for f in files if f is not None] == ["fox.png", "fox-1.png"]
    assert all(f is not None and f.expires_at for f in files)
    assert kept.cost_usd == pytest.approx(2 * 0.02)


def _png_bytes(data_url: str) -> bytes:
    return base64.b64decode(data_url.split(",", 1)[1])


def _png_size(png: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", png[16:24])
    return width, height


async def test_collections_search_outputs_are_tool_outputs_not_choices() -> None:
    pump = b"The pump housing is anodised aluminium. It weighs four kilograms."
    async with simulator() as sim:
        info = await sim.client.collections.create("manuals")
        doc = await sim.client.collections.upload_document(
            info.id, pump, filename="pump.txt", wait=True, wait_timeout=20
        )
        request = ChatRequest(
            model="grok-4",
            messages=(user("What metal is the housing made of?"),),
            tools=(CollectionsSearch(collection_ids=(info.id,), limit=3),),
            include=("collections_search_call_output",),
        )
        with_outputs = await sim.client.chat.complete(request)
        without = await sim.client.chat.complete(dataclasses.replace(request, include=()))
    (out,) = with_outputs.tool_outputs
    assert json.loads(out.content)["search_matches"][0]["file_id"] == doc.file_id
    assert out.tool_calls[0].type == "collections_search"
    assert len(with_outputs.choices) == 1
    assert with_outputs.content == without.content
    assert "aluminium" in with_outputs.content
    assert without.tool_outputs == ()
