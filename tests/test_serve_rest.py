"""``agentrt serve --http-port``: the official ``openai`` SDK, unchanged, runs served agents.

A real :class:`~agentrt.serve.server.AgentServer` (its HTTP door on 127.0.0.1)
backed by the real simulator over gRPC; the SDK is the independent referee of
the wire: every event and object it parses, every error it raises as its own
exception type. The last test starts ``agentrt serve`` as a subprocess.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import grpc
import openai
import pytest
from openai.types.responses import (
    ResponseCompletedEvent,
    ResponseFunctionToolCall,
    ResponseOutputItemAddedEvent,
)

from agentrt.serve.auth import TokenAuth
from agentrt.serve.catalog import Catalog
from agentrt.serve.rest.messages import chat_messages, response_input
from agentrt.serve.server import AgentServer
from agentrt.sim import Simulator
from agentrt.sim.faults import FaultConfig
from agentrt.xai.client import Client
from tests.conftest import TRIAGE_INPUT, TRIP_INPUT, running_server

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent
AGENTS = Path(__file__).resolve().parent / "serve_agents"
SPECS = [
    AGENTS / "probe.yaml",
    AGENTS / "probe_capped.yaml",
    ROOT / "examples" / "trip_planner",
    ROOT / "examples" / "support_triage",
]
TOKEN = "rest-caller-token"
TRIP_KEYS = {"city", "forecast", "high_c", "places"}


@contextlib.asynccontextmanager
async def serving(
    sim_faults: FaultConfig | None = None, **options: Any
) -> AsyncIterator[AgentServer]:
    """The probe and example agents behind a token, on gRPC and HTTP, backed by a simulator."""
    async with (
        Simulator(faults=sim_faults or FaultConfig()) as sim,
        Client(endpoint=sim.address, internal_retries=0) as client,  # each fault reaches a run
        AgentServer(
            Catalog.from_paths(SPECS), client, TokenAuth([TOKEN]), http_port=0, **options
        ) as server,
    ):
        yield server


@contextlib.asynccontextmanager
async def sdk(server: AgentServer, key: str = TOKEN) -> AsyncIterator[openai.AsyncOpenAI]:
    assert server.rest_url is not None
    async with openai.AsyncOpenAI(base_url=server.rest_url, api_key=key, max_retries=0) as oa:
        yield oa


@pytest.fixture
async def server() -> AsyncIterator[AgentServer]:
    async with serving() as served:
        yield served


async def until(check: Any, what: str, within: float = 10.0) -> None:
    """Poll ``check`` until it is true (or fail saying ``what`` never happened)."""
    for _ in range(int(within / 0.01)):
        if check():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"{what} did not happen within {within} s")


# --- /v1/responses -----------------------------------------------------------------------------


async def test_a_response_runs_the_agent_and_its_tool(server: AgentServer) -> None:
    async with sdk(server) as oa:
        response = await oa.responses.create(
            model="probe", input="call whoami", metadata={"team": "blue"}
        )
    assert response.status == "completed"
    assert response.model == "probe"
    kinds = [item.type for item in response.output]
    assert kinds == ["function_call", "function_call_output", "message"]
    call = response.output[0]
    assert isinstance(call, ResponseFunctionToolCall)
    assert call.name == "whoami"
    tool_output = response.output[1]
    assert tool_output.type == "function_call_output"
    assert tool_output.call_id == call.call_id
    assert json.loads(str(tool_output.output))["metadata"] == {"team": "blue"}
    assert response.metadata == {"team": "blue"}
    assert "whoami" in response.output_text
    assert response.usage is not None
    assert response.usage.input_tokens > 0
    assert response.usage.output_tokens > 0


async def test_a_streamed_response_sends_every_event_the_sdk_knows(server: AgentServer) -> None:
    async with sdk(server) as oa:
        stream = await oa.responses.create(model="probe", input="call whoami", stream=True)
        events = [event async for event in stream]
    kinds = [e.type for e in events]
    assert kinds[:2] == ["response.created", "response.in_progress"]
    assert kinds[-1] == "response.completed"
    for expected in (
        "response.output_item.added",
        "response.function_call_arguments.done",
        "response.output_text.delta",
        "response.output_text.done",
        "response.output_item.done",
    ):
        assert expected in kinds
    # the SDK parsed each into its own class (none left as a bare object)
    assert all(type(e).__module__.startswith("openai.types.responses") for e in events)
    assert [e.sequence_number for e in events] == list(range(len(events)))
    added = [e.item for e in events if isinstance(e, ResponseOutputItemAddedEvent)]
    assert [i.type for i in added] == ["function_call", "function_call_output", "message"]
    text = "".join(e.delta for e in events if e.type == "response.output_text.delta")
    done = events[-1]
    assert isinstance(done, ResponseCompletedEvent)
    assert done.response.output_text == text
    assert "whoami" in text
    assert done.response.usage is not None
    assert done.response.usage.output_tokens > 0


async def test_the_sdks_stream_helpers_accumulate_the_same_answer(server: AgentServer) -> None:
    """The SDKs' accumulators check the event order (each delta lands in an item it opened)."""
    messages: Any = [{"role": "user", "content": "call whoami"}]
    async with sdk(server) as oa:
        async with oa.responses.stream(model="probe", input="call whoami") as stream:
            deltas = [e.delta async for e in stream if e.type == "response.output_text.delta"]
            final = await stream.get_final_response()
        async with oa.chat.completions.stream(model="probe", messages=messages) as chat:
            completion = await chat.get_final_completion()
    assert [item.type for item in final.output] == [
        "function_call",
        "function_call_output",
        "message",
    ]
    call = final.output[0]
    assert isinstance(call, ResponseFunctionToolCall)
    assert call.arguments == "{}"  # the arguments delta landed in the item it opened
    assert final.output_text == "".join(deltas)
    assert "whoami" in final.output_text
    assert "whoami" in (completion.choices[0].message.content or "")


async def test_a_structured_agent_answers_json_unary_and_streamed(server: AgentServer) -> None:
    async with sdk(server) as oa:
        response = await oa.responses.create(model="trip_planner", input=TRIP_INPUT)
        stream = await oa.responses.create(model="trip_planner", input=TRIP_INPUT, stream=True)
        events = [e async for e in stream]
    assert set(json.loads(response.output_text)) == TRIP_KEYS
    assert isinstance(events[-1], ResponseCompletedEvent)
    assert set(json.loads(events[-1].response.output_text)) == TRIP_KEYS


async def test_a_response_takes_a_conversation_instructions_and_variables(
    server: AgentServer,
) -> None:
    conversation = [
        {"role": "user", "content": "Hello"},
        {"role": "assistant", "content": [{"type": "output_text", "text": "Hi."}]},
        {"role": "user", "content": [{"type": "input_text", "text": TRIAGE_INPUT}]},
    ]
    async with sdk(server) as oa:
        response = await oa.responses.create(
            model="support_triage",
            input=conversation,  # type: ignore[arg-type]
            instructions="Be brief.",
            extra_body={"variables": {"company": "Acme"}},
        )
        with pytest.raises(openai.BadRequestError, match="no variable 'colour'"):
            await oa.responses.create(
                model="support_triage", input="x", extra_body={"variables": {"colour": "red"}}
            )
    assert json.loads(response.output_text)["order_id"] == "AB-123"


async def test_grpc_and_rest_give_the_same_answer(server: AgentServer) -> None:
    from agentrt_protos.agentrt.v1 import agent_pb2 as pb
    from agentrt_protos.agentrt.v1 import agent_pb2_grpc
    from google.protobuf import json_format

    async with grpc.aio.insecure_channel(server.address) as channel, sdk(server) as oa:
        stub = agent_pb2_grpc.AgentsStub(channel)
        request = pb.RunAgentRequest(agent="trip_planner", input=TRIP_INPUT)
        over_grpc = await stub.RunAgent(request, metadata=(("authorization", f"Bearer {TOKEN}"),))
        over_rest = await oa.responses.create(model="trip_planner", input=TRIP_INPUT)
    assert json.loads(over_rest.output_text) == json_format.MessageToDict(
        over_grpc.result.structured
    )
    assert over_rest.usage is not None
    grpc_usage = over_grpc.result.usage  # agentrt's output_tokens leave the reasoning out
    assert over_rest.usage.output_tokens == grpc_usage.output_tokens + grpc_usage.reasoning_tokens


def test_input_items_become_the_runs_history_and_input() -> None:
    text, history, _media = response_input(
        [
            {"role": "user", "content": "weather?"},
            {"type": "function_call", "call_id": "c1", "name": "get_weather", "arguments": "{}"},
            {"type": "function_call_output", "call_id": "c1", "output": "sunny"},
            {"type": "reasoning", "summary": []},
            {
                "type": "message",
                "role": "assistant",
                "content": [{"type": "output_text", "text": "Sunny."}],
            },
            {
                "role": "user",
                "content": [
                    {"type": "input_text", "text": "and "},
                    {"type": "input_text", "text": "tomorrow?"},
                ],
            },
        ]
    )
    assert text == "and tomorrow?"
    assert [m.role for m in history] == ["user", "assistant", "tool", "assistant"]
    assert history[1].tool_calls[0].name == "get_weather"
    assert history[2].tool_call_id == "c1"
    assert history[2].text == "sunny"
    assert history[3].text == "Sunny."


def test_chat_messages_become_the_runs_history_and_input() -> None:
    call = {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
    text, history, _media = chat_messages(
        [
            {"role": "developer", "content": "Be brief."},
            {"role": "user", "content": "hi"},
            {"role": "assistant", "content": None, "tool_calls": [call]},
            {"role": "tool", "tool_call_id": "c1", "content": "42"},
            {"role": "user", "content": "so?"},
        ]
    )
    assert text == "so?"
    assert [m.role for m in history] == ["developer", "user", "assistant", "tool"]
    assert history[2].tool_calls[0].id == "c1"
    assert history[3].text == "42"


# --- /v1/chat/completions and /v1/models --------------------------------------------------------


async def test_a_chat_completion_runs_the_agent_unary_and_streamed(server: AgentServer) -> None:
    messages: Any = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "call whoami"},
    ]
    async with sdk(server) as oa:
        completion = await oa.chat.completions.create(model="probe", messages=messages)
        stream = await oa.chat.completions.create(
            model="probe", messages=messages, stream=True, stream_options={"include_usage": True}
        )
        chunks = [c async for c in stream]
        structured = await oa.chat.completions.create(
            model="trip_planner", messages=[{"role": "user", "content": TRIP_INPUT}]
        )
    answer = completion.choices[0].message.content
    assert answer is not None
    assert "whoami" in answer
    assert completion.choices[0].finish_reason == "stop"
    assert completion.usage is not None
    assert completion.usage.prompt_tokens > 0
    assert all(c.object == "chat.completion.chunk" and c.model == "probe" for c in chunks)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert "whoami" in text
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    assert chunks[-1].choices == []
    assert chunks[-1].usage is not None
    assert chunks[-1].usage.completion_tokens > 0
    assert set(json.loads(structured.choices[0].message.content or "")) == TRIP_KEYS


async def test_models_are_the_served_agents(server: AgentServer) -> None:
    async with sdk(server) as oa:
        models = [m.id async for m in oa.models.list()]
        one = await oa.models.retrieve("probe")
        with pytest.raises(openai.NotFoundError):
            await oa.models.retrieve("nobody")
    assert models == ["probe", "probe_capped", "support_triage", "trip_planner"]
    assert one.id == "probe"


# --- errors as the SDK's own exceptions ----------------------------------------------------------


async def test_each_refusal_is_the_sdks_own_exception(server: AgentServer) -> None:
    async with sdk(server, key="wrong-token") as stranger:
        with pytest.raises(openai.AuthenticationError, match="Bearer TOKEN"):
            await stranger.responses.create(model="probe", input="hi")
        with pytest.raises(openai.AuthenticationError):
            await stranger.chat.completions.create(
                model="probe", messages=[{"role": "user", "content": "hi"}]
            )
    async with sdk(server) as oa:
        with pytest.raises(openai.NotFoundError, match="probe, probe_capped") as missing:
            await oa.responses.create(model="nobody", input="hi")
        with pytest.raises(openai.BadRequestError) as bad:
            await oa.chat.completions.create(model="probe", messages=[])
        with pytest.raises(openai.APIStatusError) as large:
            await oa.responses.create(model="probe", input="x" * 2_000_000)
    assert missing.value.code == "model_not_found"
    assert bad.value.param == "messages"
    assert large.value.status_code == 413


async def test_a_full_server_answers_429_and_a_failed_run_500() -> None:
    faults = FaultConfig(faults=frozenset({"internal"}), on_calls=frozenset({2}))
    async with serving(faults, max_concurrent_runs=1) as server, sdk(server) as oa:
        with pytest.raises(openai.InternalServerError) as failed:
            await oa.responses.create(model="probe", input="call whoami")  # model call 2 fails
        stream = await oa.responses.create(model="probe", input="call hang", stream=True)
        async for event in stream:
            if event.type == "response.output_item.added":
                break
        with pytest.raises(openai.RateLimitError, match="max-concurrent-runs 1") as busy:
            await oa.chat.completions.create(
                model="probe", messages=[{"role": "user", "content": "hi"}]
            )
        await stream.close()
    assert failed.value.status_code == 500
    assert busy.value.response.headers["retry-after"] == "1"


async def test_a_run_past_the_clients_timeout_is_a_504_run_timeout(server: AgentServer) -> None:
    async with sdk(server) as oa:
        with pytest.raises(openai.APIStatusError) as caught:
            await oa.responses.create(model="probe", input="call hang", timeout=0.6)
    assert caught.value.status_code == 504
    assert caught.value.code == "run_timeout"


async def test_a_failure_mid_stream_is_the_streams_last_event() -> None:
    faults = FaultConfig(faults=frozenset({"internal"}), on_calls=frozenset({2, 4}))
    async with serving(faults) as server, sdk(server) as oa:
        stream = await oa.responses.create(model="probe", input="call whoami", stream=True)
        events = [e async for e in stream]
        chat = await oa.chat.completions.create(
            model="probe", messages=[{"role": "user", "content": "call whoami"}], stream=True
        )
        with pytest.raises(openai.APIError, match="model service failed"):
            async for _ in chat:
                pass
    assert events[-1].type == "response.failed"
    assert events[-1].response.error is not None
    assert "model service failed" in events[-1].response.error.message


# --- cancellation, drain, health -------------------------------------------------------------


async def test_a_client_that_disconnects_cancels_the_run(
    server: AgentServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SERVE_PROBE_DIR", str(tmp_path))
    async with sdk(server) as oa:
        stream = await oa.responses.create(model="probe", input="call hang", stream=True)
        async for event in stream:
            if event.type == "response.output_item.added":
                break
        await until(lambda: (tmp_path / "hang-started").exists(), "the tool starting")
        assert server.service.slots.in_flight == 1
        await stream.close()  # the client goes away mid-run
        await until(lambda: server.service.slots.in_flight == 0, "the run ending")
    assert (tmp_path / "hang-cancelled").exists()  # the tool saw the cancellation


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/v1/responses", {"model": "probe", "input": "call hang"}),
        (
            "/v1/chat/completions",
            {"model": "probe", "messages": [{"role": "user", "content": "call hang"}]},
        ),
    ],
)
async def test_a_unary_caller_that_gives_up_cancels_the_run(
    server: AgentServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    path: str,
    body: dict[str, Any],
) -> None:
    monkeypatch.setenv("SERVE_PROBE_DIR", str(tmp_path))
    url = f"http://{server.http_address}{path}"
    headers = {"authorization": f"Bearer {TOKEN}"}  # no timeout header: the run has no deadline
    async with aiohttp.ClientSession() as http:
        post = asyncio.ensure_future(http.post(url, json=body, headers=headers))
        await until(lambda: (tmp_path / "hang-started").exists(), "the tool starting")
        post.cancel()  # the caller gives up: its connection closes
        with pytest.raises(asyncio.CancelledError):
            await post
    await until(lambda: server.service.slots.in_flight == 0, "the run ending")
    assert (tmp_path / "hang-cancelled").exists()


async def test_a_drain_past_its_grace_cancels_the_http_runs_still_running(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SERVE_PROBE_DIR", str(tmp_path))
    async with serving(grace_s=0.2) as server, sdk(server) as oa:
        stream = await oa.responses.create(model="probe", input="call hang", stream=True)
        async for event in stream:
            if event.type == "response.output_item.added":
                break
        await until(lambda: (tmp_path / "hang-started").exists(), "the tool starting")
        async with asyncio.timeout(5):
            assert not await server.drain()  # the hang tool outlives the grace period
        assert server.service.slots.in_flight == 0
        assert server.http_address is None
        with pytest.raises(openai.APIError):  # the stream was cut off
            async for _ in stream:
                pass
    assert (tmp_path / "hang-cancelled").exists()


async def test_health_and_drain(server: AgentServer) -> None:
    url = f"http://{server.http_address}"
    async with aiohttp.ClientSession() as http, sdk(server) as oa:
        async with http.get(f"{url}/health") as serving_now:
            assert serving_now.status == 200
        run = asyncio.ensure_future(
            oa.responses.create(model="probe", input="call nap")  # 1.5 s tool
        )
        await until(lambda: server.service.slots.in_flight == 1, "the run starting")
        drained = asyncio.ensure_future(server.drain())
        await until(lambda: server.service.draining, "the drain starting")
        async with http.get(f"{url}/health") as draining:
            assert draining.status == 503
            assert (await draining.json()) == {"status": "draining"}
        with pytest.raises(openai.InternalServerError) as refused:
            await oa.responses.create(model="probe", input="hi")
        assert refused.value.status_code == 503
        response = await run  # the run in flight finished within the grace period
        assert await drained
    assert "rested" in str(response.output[1].model_dump())


# --- the CLI ------------------------------------------------------------------------------------


async def test_the_cli_announces_its_http_door_and_the_sdk_calls_it(tmp_path: Path) -> None:
    keys = tmp_path / "tokens.txt"
    keys.write_text(f"{TOKEN}\n")
    with running_server(
        "serve",
        str(AGENTS / "probe.yaml"),
        "--http-port",
        "0",
        "--api-key-file",
        str(keys),
        drop=("XAI_API_KEY", "AGENTRT_ENDPOINT"),
    ) as served:
        base_url = served.rest_url  # conftest read the second line: "listening on URL (REST)"
        assert base_url is not None
        assert base_url.startswith("http://127.0.0.1:")
        assert base_url.endswith("/v1")
        async with openai.AsyncOpenAI(base_url=base_url, api_key=TOKEN, max_retries=0) as oa:
            response = await oa.responses.create(model="probe", input="call whoami")
    assert "whoami" in response.output_text
    assert served.process.returncode == 0
