"""The whole voice stack end to end, every part real: agentrt's realtime client and VoiceAgent,
``agentrt voice`` as a subprocess, and the simulator's /v1/realtime (espeak-ng speaks, pocketsphinx
listens) over real sockets on 127.0.0.1.

A question is synthesized, sent as a WAV, reaches a Python tool through the simulator's ears and
model, and the spoken answer, recognised again, carries the tool's result.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agentrt.agents.agent import Agent
from agentrt.agents.voice_agent import VoiceAgent
from agentrt.sim.realtime.ears import Ears, session_words
from agentrt.sim.server import Simulator
from agentrt.xai.client import Client
from agentrt.xai.realtime.audio import read_wav, write_wav
from agentrt.xai.realtime.config import SessionConfig
from agentrt.xai.realtime.events import SessionUpdated
from tests.conftest import clean_env, run_agentrt, write_files
from tests.voicesim_helpers import question

RATE = 24_000
INSTRUCTIONS = "You tell people the weather."
CALLS: list[str] = []


async def get_weather(city: str) -> dict[str, str]:
    """Today's weather in a city.

    Args:
        city: The city name.
    """
    CALLS.append(city)
    return {"city": city, "sky": "cloudy"}


async def _heard(pcm: bytes, rate: int) -> str:
    """What a listener who knows only the session's words hears in ``pcm``."""
    words, _ = session_words([INSTRUCTIONS, "get_weather", "Today's weather in a city.", "city"])
    return await Ears().hear(pcm, rate, words)


async def test_a_bare_server_vad_session_is_accepted_with_the_protocols_defaults() -> None:
    async with (
        Simulator(http_port=0) as sim,
        Client(endpoint=str(sim.rest_url)) as client,
        client.realtime.connect(session=SessionConfig(instructions=INSTRUCTIONS)) as session,
    ):
        assert session is not None  # entering waited for session.updated
        await session.update_session(SessionConfig(voice="Rex", turn_detection="server_vad"))
        async for event in session:
            if isinstance(event, SessionUpdated):
                detection = event.session["audio"]["input"]["turn_detection"]
                break
    assert detection["type"] == "server_vad"
    assert detection["silence_duration_ms"] == 500


@pytest.mark.parametrize("turns", ["push_to_talk", "server_vad"])
async def test_voice_agent_hears_a_question_calls_the_tool_and_speaks_its_result(
    turns: str,
) -> None:
    CALLS.clear()
    agent = Agent(name="weather", model="grok-4", instructions=INSTRUCTIONS, tools=[get_weather])
    voice = VoiceAgent(agent, turn_detection=turns)  # type: ignore[arg-type]
    spoken = await question("What is the weather in Paris?", 16_000)
    async with Simulator(http_port=0) as sim, Client(endpoint=str(sim.rest_url)) as client:
        result = await voice.run_audio(spoken, 16_000, client=client)
    assert CALLS == ["Paris"]
    assert "weather" in result.input_transcript.lower()
    assert "cloudy" in result.transcript.lower()
    assert result.rate == RATE
    assert result.time_to_first_audio_s is not None
    assert "cloudy" in await _heard(result.audio, result.rate)


async def test_agentrt_voice_cli_against_the_built_in_simulator(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "tools_e2e.py": (
                "def get_weather(city: str) -> dict:\n"
                '    """Today\'s weather in a city.\n\n    Args:\n        city: The city name.\n    """\n'
                '    return {"city": city, "sky": "cloudy"}\n'
            ),
            "weather.yaml": (
                "version: 1\nname: weather\nmodel: grok-4\n"
                f"instructions: {INSTRUCTIONS}\nmode: voice\nvoice: Ara\n"
                "tools:\n  - function: tools_e2e:get_weather\n"
            ),
        },
    )
    wav_in, wav_out = tmp_path / "question.wav", tmp_path / "answer.wav"
    write_wav(wav_in, await question("What is the weather in Paris?", 22_050), 22_050)
    code, out, err = await run_agentrt(
        "voice", str(tmp_path / "weather.yaml"), "--in", str(wav_in), "--out", str(wav_out),
        "--json", env=clean_env(PYTHONPATH=str(tmp_path)),
    )  # fmt: skip
    assert code == 0, err
    assert "Traceback" not in err
    report = json.loads(out)
    assert [c["name"] for c in report["tool_calls"]] == ["get_weather"]
    pcm, rate = read_wav(wav_out)
    assert "cloudy" in await _heard(pcm, rate)


async def test_the_clients_default_voice_model_is_served_and_speaks() -> None:
    from agentrt.xai.realtime.events import AudioDelta, ResponseDone

    audio = 0
    async with (
        Simulator(http_port=0) as sim,
        Client(endpoint=str(sim.rest_url), api_key="x") as client,
        client.realtime.connect(session=SessionConfig(turn_detection=None)) as session,
    ):
        await session.send_text("Tell me about the weather in Lisbon")
        await session.create_response()
        async for event in session:
            if isinstance(event, AudioDelta):
                audio += len(event.audio)
            elif isinstance(event, ResponseDone):
                status = event.status
                break
    assert status == "completed"
    assert audio > RATE  # over half a second of speech (PCM16: 2 bytes a sample)


def test_a_tool_that_needs_approval_is_refused_rather_than_run_unasked() -> None:
    from agentrt.agents.tools import tool
    from agentrt.errors import UsageError

    @tool(needs_approval=True)
    def refund(order: str) -> str:
        """Refund an order.

        Args:
            order: The order id.
        """
        return "refunded"

    agent = Agent(name="shop", model="grok-4", instructions="Help.", tools=[refund, get_weather])
    with pytest.raises(UsageError, match=r"approval yet; tool\(s\) refund need one"):
        VoiceAgent(agent)


async def test_transcribe_input_false_turns_the_servers_transcription_off() -> None:
    async with (
        Simulator(http_port=0) as sim,
        Client(endpoint=str(sim.rest_url)) as client,
        client.realtime.connect(session=SessionConfig(transcribe_input=False)) as session,
    ):
        await session.update_session(SessionConfig(transcribe_input=False, input_rate=16000))
        async for event in session:
            if isinstance(event, SessionUpdated):
                audio_in = event.session["audio"]["input"]
                break
    assert audio_in["transcription"] is None
    assert audio_in["format"]["rate"] == 16000


async def test_a_token_connected_without_a_session_keeps_the_session_it_was_minted_with() -> None:
    key = "voice-e2e-key-0123456789"
    async with (
        Simulator(http_port=0, api_key=key) as sim,
        Client(endpoint=str(sim.rest_url), api_key=key) as client,
    ):
        bound = SessionConfig(voice="Rex", instructions="Speak French.")
        secret = await client.realtime.create_client_secret(expires_after_s=60, session=bound)
        async with client.realtime.connect(token=secret.value) as live:
            assert live.session["instructions"] == "Speak French."
            assert live.session["audio"]["output"]["voice"] == "Rex"
        # a session given with the token is still sent
        async with client.realtime.connect(token=secret.value, session=SessionConfig()) as live:
            assert live.session["instructions"] == ""
