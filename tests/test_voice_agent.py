"""VoiceAgent against a real WebSocket server on 127.0.0.1 (tests/realtime_server.py, scripted).

Tool calls go through the text agent's dispatch (real @tool functions: results, raised
errors and timeouts go back to the model as the call's output), the run's limits hold,
push-to-talk and server VAD send what each needs, spans nest under the run, and a dropped
socket or a cancelled run leaves nothing running. Live sessions: tests/test_voice_live.py.
"""

from __future__ import annotations

import asyncio
import base64
import json
import time
from typing import Any

import pytest

from agentrt import errors
from agentrt.agents.agent import Agent
from agentrt.agents.limits import Limits
from agentrt.agents.tools import tool
from agentrt.agents.voice_agent import VoiceAgent
from agentrt.xai.client import Client
from agentrt.xai.deadline import budget
from agentrt.xai.realtime.audio import pcm_ms
from tests.realtime_server import DELTA_PCM, INPUT_TRANSCRIPT, ScriptedRealtime
from tests.test_tracing import make_otel
from tests.voice_script import Script, scripted, use_script

SPEECH = b"\x10\x27" * 8000  # 0.5 s at 16 kHz of a constant, non-silent "voice"


@pytest.fixture(autouse=True)
def _script(monkeypatch: pytest.MonkeyPatch) -> None:
    use_script(monkeypatch)


@tool
def get_weather(city: str) -> str:
    """The weather in a city.

    Args:
        city: the city.
    """
    return f"sunny and 21 C in {city}"


@tool
def broken_weather(city: str) -> str:
    """The weather in a city.

    Args:
        city: the city.
    """
    raise ValueError(f"the station in {city} is down")


@tool(timeout=0.2)
async def slow_weather(city: str) -> str:
    """The weather in a city.

    Args:
        city: the city.
    """
    await asyncio.sleep(30)
    return "never"


def agent(*tools: Any, **limits: Any) -> Agent[Any]:
    return Agent(
        name="weather",
        model="grok-voice-latest",
        instructions="Answer with the weather.",
        tools=tools or (get_weather,),
        limits=Limits(**limits),
    )


def client_of(server: ScriptedRealtime, **kw: Any) -> Client:
    return Client(protocol="rest", endpoint=server.url, api_key=server.key, **kw)


def sent(server: ScriptedRealtime, kind: str) -> list[dict[str, Any]]:
    return [e for e in server.received if e["type"] == kind]


async def settled(server: ScriptedRealtime) -> None:
    await asyncio.wait_for(server.ended.wait(), 5)


# -- a whole question -----------------------------------------------------------------------


async def test_a_tool_call_round_trip_runs_the_real_tool_and_speaks_its_result() -> None:
    voice = VoiceAgent(agent(), voice="rex", turn_detection="push_to_talk")
    before = asyncio.all_tasks()
    seen: list[Any] = []
    async with scripted() as server, client_of(server) as client:
        result = await voice.run_audio(SPEECH, 16000, client=client, on_output=seen.append)
        await asyncio.sleep(0)  # a generator left open would be closed by a task made now
        assert asyncio.all_tasks() - before - {asyncio.current_task()} == set()
    update = sent(server, "session.update")[0]["session"]
    assert update["audio"]["output"]["voice"] == "Rex"
    assert update["instructions"] == "Answer with the weather."
    assert update["tools"] == [
        {
            "type": "function",
            "name": "get_weather",
            "description": "The weather in a city.",
            "parameters": dict(get_weather.parameters),
        }
    ]
    [output] = sent(server, "conversation.item.create")
    assert output["item"] == {
        "type": "function_call_output",
        "call_id": "call_1_0",
        "output": "sunny and 21 C in Paris",
    }
    [call] = result.tool_calls
    assert (call.name, call.ok, call.value) == ("get_weather", True, "sunny and 21 C in Paris")
    assert result.input_transcript == INPUT_TRANSCRIPT
    assert result.transcript == "Let me check. It is sunny and 21 C in Paris in Paris."
    assert result.audio == DELTA_PCM * 4
    assert result.rate == 24000
    assert result.responses == 2
    assert result.usage == {"total_tokens": 20, "input_tokens": 14, "output_tokens": 6}
    assert result.time_to_first_audio_s is not None
    assert 0 <= result.time_to_first_audio_s < 5
    kinds = [o.type for o in seen if o.type not in ("audio", "answer_transcript")]
    assert kinds == [
        "user_transcript",
        "response_finished",
        "tool_started",
        "tool_finished",
        "response_finished",
    ]


async def test_push_to_talk_commits_and_asks_for_the_response_resampled_to_the_session_rate() -> (
    None
):
    voice = VoiceAgent(agent(), turn_detection="push_to_talk")
    async with scripted() as server, client_of(server) as client:
        await voice.run_audio(SPEECH, 16000, client=client)
    kinds = [e["type"] for e in server.received]
    assert kinds == [
        "session.update",
        "input_audio_buffer.append",
        "input_audio_buffer.commit",
        "response.create",
        "conversation.item.create",
        "response.create",
    ]
    assert sent(server, "session.update")[0]["session"]["audio"]["input"]["turn_detection"] is None
    [append] = sent(server, "input_audio_buffer.append")
    assert len(base64.b64decode(append["audio"])) == len(SPEECH) * 24000 // 16000


async def test_server_vad_sends_trailing_silence_and_lets_the_server_end_the_turn() -> None:
    voice = VoiceAgent(agent(), turn_detection="server_vad")
    async with scripted() as server, client_of(server) as client:
        result = await voice.run_audio(SPEECH, 16000, client=client)
    kinds = [e["type"] for e in server.received]
    assert kinds == [
        "session.update",
        "input_audio_buffer.append",
        "input_audio_buffer.append",
        "conversation.item.create",
        "response.create",
    ]
    assert "input_audio_buffer.commit" not in kinds  # the server's VAD committed the turn
    session = sent(server, "session.update")[0]["session"]
    assert session["audio"]["input"]["turn_detection"] == {"type": "server_vad"}
    silence = base64.b64decode(sent(server, "input_audio_buffer.append")[1]["audio"])
    assert not any(silence)
    assert pcm_ms(silence, 24000) == 600
    assert result.tool_calls[0].ok
    assert result.responses == 2


async def test_server_vad_commits_itself_when_the_server_never_ends_the_turn(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("agentrt.agents.voice_agent.VAD_GRACE_S", 0.2)
    voice = VoiceAgent(agent(), turn_detection="server_vad")
    # the base script has no VAD: it answers only a commit
    async with ScriptedRealtime() as server, client_of(server) as client:
        result = await voice.run_audio(SPEECH, 16000, client=client)
    kinds = [e["type"] for e in server.received]
    assert kinds[:5] == [
        "session.update",
        "input_audio_buffer.append",
        "input_audio_buffer.append",
        "input_audio_buffer.commit",
        "response.create",
    ]
    assert result.transcript.endswith("in Paris.")


async def test_a_tool_that_raises_gives_its_error_to_the_model_as_the_output() -> None:
    script = Script(calls=[[("broken_weather", '{"city": "Paris"}')]])
    voice = VoiceAgent(agent(broken_weather), turn_detection="push_to_talk")
    async with scripted(script) as server, client_of(server) as client:
        result = await voice.run_audio(SPEECH, 16000, client=client)
    [output] = sent(server, "conversation.item.create")
    error = json.loads(output["item"]["output"])["error"]
    assert error == {"type": "ValueError", "message": "the station in Paris is down"}
    [call] = result.tool_calls
    assert call.error is not None
    assert call.error.kind == "raised"
    assert "the station in Paris is down" in result.transcript  # the model went on


async def test_a_tool_past_its_timeout_is_cancelled_and_the_model_told() -> None:
    script = Script(calls=[[("slow_weather", '{"city": "Paris"}')]])
    voice = VoiceAgent(agent(slow_weather), turn_detection="push_to_talk")
    started = time.monotonic()
    async with scripted(script) as server, client_of(server) as client:
        result = await voice.run_audio(SPEECH, 16000, client=client)
    assert time.monotonic() - started < 5
    [call] = result.tool_calls
    assert call.error is not None
    assert call.error.kind == "timeout"
    [output] = sent(server, "conversation.item.create")
    assert "0.2 s timeout" in json.loads(output["item"]["output"])["error"]["message"]


async def test_max_turns_bounds_the_responses_of_a_model_that_keeps_calling() -> None:
    script = Script(always=("get_weather", '{"city": "Paris"}'))
    voice = VoiceAgent(
        agent(max_turns=2, max_identical_tool_calls=None), turn_detection="push_to_talk"
    )
    async with scripted(script) as server, client_of(server) as client:
        with pytest.raises(errors.MaxTurnsExceeded, match="used its 2 turns") as info:
            await voice.run_audio(SPEECH, 16000, client=client)
    assert len(sent(server, "response.create")) == 2  # the third was never asked for
    partial = info.value.result
    assert partial.responses == 2
    assert len(partial.tool_calls) == 2


async def test_the_same_call_over_and_over_is_a_tool_loop() -> None:
    script = Script(always=("get_weather", '{"city":"Paris"}'))
    voice = VoiceAgent(agent(max_identical_tool_calls=1), turn_detection="push_to_talk")
    async with scripted(script) as server, client_of(server) as client:
        with pytest.raises(errors.ToolLoopDetected) as info:
            await voice.run_audio(SPEECH, 16000, client=client)
    assert len(info.value.result.tool_calls) == 1


async def test_the_run_budget_stops_a_slow_tool_with_the_partial_result() -> None:
    script = Script(calls=[[("slow_weather", '{"city": "Paris"}')]])
    slow = slow_weather.__class__.from_function(
        slow_weather.fn, name="slow_weather"
    )  # no own timeout
    voice = VoiceAgent(agent(slow, timeout=0.3), turn_detection="push_to_talk")
    before = asyncio.all_tasks()
    async with scripted(script) as server, client_of(server) as client:
        with pytest.raises(errors.RunTimeout, match=r"0\.3 s budget") as info:
            await voice.run_audio(SPEECH, 16000, client=client)
        await settled(server)
    assert info.value.result.input_transcript == INPUT_TRANSCRIPT
    assert asyncio.all_tasks() - before - {asyncio.current_task()} == set()


# -- failures leave nothing running ----------------------------------------------------------


async def test_a_dropped_socket_is_a_typed_error_and_nothing_is_left_running() -> None:
    voice = VoiceAgent(agent(), turn_detection="push_to_talk")
    before = asyncio.all_tasks()
    async with scripted(drop_after_deltas=1) as server, client_of(server) as client:
        with pytest.raises(errors.StreamInterrupted):
            await voice.run_audio(SPEECH, 16000, client=client)
    assert asyncio.all_tasks() - before - {asyncio.current_task()} == set()


async def test_cancelling_a_run_closes_the_socket_and_cancels_the_tool() -> None:
    gate = asyncio.Event()
    cancelled = asyncio.Event()

    @tool
    async def hang(city: str) -> str:
        """Hang.

        Args:
            city: the city.
        """
        gate.set()
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return city

    script = Script(calls=[[("hang", '{"city": "Paris"}')]])
    voice = VoiceAgent(agent(hang), turn_detection="push_to_talk")
    before = asyncio.all_tasks()
    async with scripted(script) as server, client_of(server) as client:
        task = asyncio.create_task(voice.run_audio(SPEECH, 16000, client=client))
        await asyncio.wait_for(gate.wait(), 5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await settled(server)
    assert cancelled.is_set()
    assert server.closes == [1000]  # a close frame, not a vanished peer
    assert asyncio.all_tasks() - before - {asyncio.current_task()} == set()


async def test_a_server_error_event_is_a_typed_error() -> None:
    frame = json.dumps(
        {"type": "error", "error": {"type": "invalid_request_error", "code": "x", "message": "no"}}
    )
    voice = VoiceAgent(agent(), turn_detection="push_to_talk")
    async with scripted(frames=[frame]) as server, client_of(server) as client:
        with pytest.raises(errors.InvalidRequest, match="the realtime server said: no"):
            await voice.run_audio(SPEECH, 16000, client=client)


async def test_an_active_budget_caps_the_run() -> None:
    script = Script(calls=[[("slow_weather", '{"city": "Paris"}')]])
    slow = slow_weather.__class__.from_function(slow_weather.fn, name="slow_weather")
    voice = VoiceAgent(agent(slow), turn_detection="push_to_talk")
    started = time.monotonic()
    async with scripted(script) as server, client_of(server) as client:
        with budget(0.4), pytest.raises(errors.RunTimeout):
            await voice.run_audio(SPEECH, 16000, client=client)
    assert time.monotonic() - started < 5


# -- telemetry -------------------------------------------------------------------------------


async def test_a_span_per_response_and_per_tool_under_the_run_with_time_to_first_audio() -> None:
    voice = VoiceAgent(agent(), turn_detection="push_to_talk")
    with make_otel() as otel:
        async with scripted() as server, client_of(server, telemetry=otel.telemetry) as client:
            await voice.run_audio(SPEECH, 16000, client=client)
        spans = otel.spans.get_finished_spans()
    by_name: dict[str, list[Any]] = {}
    for span in spans:
        by_name.setdefault(span.name, []).append(span)
    [run] = by_name["invoke_agent weather"]
    responses = by_name["realtime.response grok-voice-latest"]
    tools = by_name["execute_tool get_weather"]
    assert len(responses) == 2
    assert len(tools) == 1
    [session] = by_name["realtime grok-voice-latest"]  # the client's span of the socket
    for span in [*responses, *tools, session]:
        assert span.parent is not None
        assert span.parent.span_id == run.context.span_id
    first = responses[0].attributes
    assert first["gen_ai.response.id"] == "resp_1"
    assert first["gen_ai.usage.input_tokens"] == 7
    assert 0 <= first["agentrt.voice.time_to_first_audio"] < 5
    metrics = otel.reader.get_metrics_data()
    names = {
        m.name for rm in metrics.resource_metrics for sm in rm.scope_metrics for m in sm.metrics
    }
    assert "gen_ai.client.operation.time_to_first_chunk" in names


async def test_a_socket_dropped_mid_response_ends_its_span_as_failed() -> None:
    voice = VoiceAgent(agent(), turn_detection="push_to_talk")
    with make_otel() as otel:
        async with (
            scripted(drop_after_deltas=1) as server,
            client_of(server, telemetry=otel.telemetry) as client,
        ):
            with pytest.raises(errors.StreamInterrupted):
                await voice.run_audio(SPEECH, 16000, client=client)
        spans = {s.name: s for s in otel.spans.get_finished_spans()}
    response = spans["realtime.response grok-voice-latest"]
    assert response.attributes["error.type"] == "StreamInterrupted"
    assert response.attributes["gen_ai.response.finish_reasons"] == ("incomplete",)
    assert spans["invoke_agent weather"].attributes["error.type"] == "StreamInterrupted"
