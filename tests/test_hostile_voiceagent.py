"""Hostile input to voice agents, as tables: the next case of a class is one line.

Bad VoiceAgent arguments and audio are one-line UsageErrors before anything connects;
whatever a model asks for (bad JSON, unknown tools, wrong types) goes back to it as the
call's error output and the run goes on; whatever a server does (failed responses,
closes, errors, garbled frames, odd usage) is a typed error or is ignored; bad YAML is a
spec problem naming the fix; bad ``agentrt voice`` arguments and files exit 2 with one
line and never touch --out.
"""

from __future__ import annotations

import json
import wave
from pathlib import Path
from typing import Any

import pytest

from agentrt import errors
from agentrt.agents.agent import Agent
from agentrt.agents.tools import tool
from agentrt.agents.voice_agent import VoiceAgent
from agentrt.specs.agent_spec import AgentSpec, SpecError
from agentrt.xai.client import Client
from agentrt.xai.realtime.audio import write_wav
from agentrt.xai.tool_specs import WebSearch
from tests.conftest import run_agentrt, write_files
from tests.voice_script import Script, scripted, use_script

SPEECH = b"\x10\x27" * 8000


@pytest.fixture(autouse=True)
def _script(monkeypatch: pytest.MonkeyPatch) -> None:
    use_script(monkeypatch)


@tool
def get_weather(city: str) -> str:
    """The weather.

    Args:
        city: the city.
    """
    return f"sunny in {city}"


def agent(**kw: Any) -> Agent[Any]:
    options: dict[str, Any] = {"tools": [get_weather], **kw}
    return Agent(name="w", model="grok-voice-latest", instructions="x", **options)


# -- VoiceAgent arguments ----------------------------------------------------------------------

BAD_VOICE_AGENTS: list[tuple[Any, dict[str, Any], str]] = [
    (lambda: agent(), {"voice": "Bob"}, "voice must be one of Ara, Rex, Sal, Eve, Leo"),
    (lambda: agent(), {"voice": ""}, "voice must be one of"),
    (lambda: agent(), {"voice": None}, "voice must be one of"),
    (lambda: agent(), {"voice": 5}, "voice must be one of"),
    (lambda: agent(), {"turn_detection": "vad"}, "turn_detection must be 'server_vad' or"),
    (lambda: agent(), {"turn_detection": None}, "turn_detection must be"),
    (lambda: agent(), {"rate": 1000}, "input_rate must be a whole number of Hz"),
    (lambda: agent(), {"rate": True}, "input_rate must be"),
    (lambda: "not an agent", {}, "VoiceAgent takes an Agent, got str"),
    (
        lambda: agent(tools=[get_weather, WebSearch()]),
        {},
        "remove the server-side tools (WebSearch)",
    ),
    (lambda: agent(output_schema={"type": "object"}), {}, "remove output_type/output_schema"),
]


@pytest.mark.parametrize(("make", "kwargs", "message"), BAD_VOICE_AGENTS)
def test_bad_voice_agent_arguments_are_one_line_usage_errors(
    make: Any, kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(errors.UsageError) as info:
        VoiceAgent(make(), **kwargs)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


BAD_AUDIO: list[tuple[Any, Any, str]] = [
    (b"\x00", 16000, "odd number of bytes"),
    ("audio", 16000, "must be bytes of PCM16 audio, got str"),
    (None, 16000, "got NoneType"),
    (b"", 16000, "the question has no audio"),
    (SPEECH, 0, "src_rate must be a whole number of Hz"),
    (SPEECH, -8000, "src_rate must be"),
    (SPEECH, 16000.0, "src_rate must be"),
    (SPEECH, True, "src_rate must be"),
    (SPEECH, 10**9, "src_rate must be"),
]


@pytest.mark.parametrize(("pcm", "rate", "message"), BAD_AUDIO)
async def test_bad_audio_is_refused_before_connecting(pcm: Any, rate: Any, message: str) -> None:
    voice = VoiceAgent(agent(), turn_detection="push_to_talk")
    # nothing listens there: a connection attempt would be a transport error, not this
    async with Client(protocol="rest", endpoint="http://127.0.0.1:9/v1", api_key="k") as client:
        with pytest.raises(errors.UsageError, match=message):
            await voice.run_audio(pcm, rate, client=client)


# -- what the model asks for -------------------------------------------------------------------

HOSTILE_CALLS = [
    ("get_weather", "{not json", "InvalidArguments"),
    ("get_weather", "", "InvalidArguments"),
    ("get_weather", '{"city": 5}', "InvalidArguments"),
    ("get_weather", '{"town": "Paris"}', "InvalidArguments"),
    ("get_weather", "[1, 2]", "InvalidArguments"),
    ("get_weather", '{"city": "Paris", "extra": 1}', "InvalidArguments"),
    ("launch_rockets", "{}", "UnknownTool"),
    ("", "{}", "UnknownTool"),
    ("get_weather\u0000", "{}", "UnknownTool"),
]


@pytest.mark.parametrize(("name", "arguments", "kind"), HOSTILE_CALLS)
async def test_a_bad_call_goes_back_to_the_model_as_an_error_and_the_run_goes_on(
    name: str, arguments: str, kind: str
) -> None:
    voice = VoiceAgent(agent(), turn_detection="push_to_talk")
    async with (
        scripted(Script(calls=[[(name, arguments)]])) as server,
        Client(protocol="rest", endpoint=server.url, api_key=server.key) as client,
    ):
        result = await voice.run_audio(SPEECH, 16000, client=client)
    [output] = [e for e in server.received if e["type"] == "conversation.item.create"]
    assert json.loads(output["item"]["output"])["error"]["type"] == kind
    [call] = result.tool_calls
    assert not call.ok
    assert result.responses == 2


# -- what the server does ----------------------------------------------------------------------


def _done(status: str, usage: Any = None) -> str:
    response = {"id": "r9", "status": status, "usage": usage or {}}
    return json.dumps({"type": "response.done", "response": response})


def _error(kind: str) -> str:
    return json.dumps({"type": "error", "error": {"type": kind, "code": "c", "message": "m"}})


HOSTILE_SERVERS: list[tuple[dict[str, Any], type[BaseException], str]] = [
    ({"frames": [_done("failed")]}, errors.AgentError, "the realtime response failed"),
    ({"close_code": 1000}, errors.AgentError, "ended the session before answering"),
    ({"close_code": 4001}, errors.AuthenticationError, "close 4001"),
    ({"close_code": 1011}, errors.StreamInterrupted, "stream interrupted after"),
    ({"frames": [_error("invalid_request_error")]}, errors.InvalidRequest, "server said: m"),
    ({"frames": [_error("server_error")]}, errors.ServerError, "server said: m"),
    ({"drop_after_deltas": 1}, errors.StreamInterrupted, "stream interrupted after"),
]


@pytest.mark.parametrize(("knobs", "error", "message"), HOSTILE_SERVERS)
async def test_a_misbehaving_server_is_a_typed_error(
    knobs: dict[str, Any], error: type[BaseException], message: str
) -> None:
    voice = VoiceAgent(agent(), turn_detection="push_to_talk")
    async with (
        scripted(**knobs) as server,
        Client(protocol="rest", endpoint=server.url, api_key=server.key) as client,
    ):
        with pytest.raises(error, match=message):
            await voice.run_audio(SPEECH, 16000, client=client)


ODD_USAGE: list[tuple[Any, dict[str, Any]]] = [
    ({"total_tokens": "many", "input_tokens": True}, {}),
    (
        {"total_tokens": 3, "details": {"audio": 2, "text": "x"}},
        {"total_tokens": 3, "details": {"audio": 2}},
    ),
    ({"total_tokens": 1.5}, {"total_tokens": 1.5}),
    (
        {"input_token_details": {"cached_tokens": {"deep": 1}}},
        {"input_token_details": {"cached_tokens": {"deep": 1}}},
    ),
]


@pytest.mark.parametrize(("usage", "counted"), ODD_USAGE)
async def test_odd_usage_and_garbled_frames_do_not_break_a_run(usage: Any, counted: Any) -> None:
    frames = ["{garbled", b"\x00binary", _done("completed", usage)]
    voice = VoiceAgent(agent(), turn_detection="push_to_talk")
    async with (
        scripted(frames=frames) as server,
        Client(protocol="rest", endpoint=server.url, api_key=server.key) as client,
    ):
        result = await voice.run_audio(SPEECH, 16000, client=client)
    assert result.usage == counted
    assert result.responses == 0  # a done without a created: nothing spoken, no tool run


async def test_a_garbled_usage_object_is_skipped_like_any_garbled_frame() -> None:
    voice = VoiceAgent(agent(), turn_detection="push_to_talk")
    async with (
        scripted(frames=[_done("completed", [1, 2])]) as server,
        Client(protocol="rest", endpoint=server.url, api_key=server.key) as client,
    ):
        result = await voice.run_audio(SPEECH, 16000, client=client)
    assert result.responses == 2  # the scripted conversation, as if the frame never came
    assert result.tool_calls[0].ok


# -- YAML -----------------------------------------------------------------------------------------

BASE = "version: 1\nname: a\nmodel: m\ninstructions: x\n"
BAD_SPECS = [
    ("mode: voice\nvoice: Bob\n", "voice: voice must be one of Ara, Rex, Sal, Eve, Leo"),
    ("mode: voice\nvoice: 5\n", "voice must be one of"),
    ("mode: voice\nvoice: ''\n", "voice must be one of"),
    ("mode: voice\nvoice: [Ara]\n", "voice must be one of"),
    ("mode: voice\nturn_detection: vad\n", "expected 'server_vad' or 'push_to_talk'"),
    ("mode: voice\nturn_detection: true\n", "expected 'server_vad' or 'push_to_talk'"),
    ("mode: speech\n", "expected 'text' or 'voice'"),
    ("voice: Ara\n", "voice applies to voice agents only: add 'mode: voice'"),
    ("turn_detection: push_to_talk\n", "turn_detection applies to voice agents only"),
    ("mode: text\nvoice: Ara\nturn_detection: server_vad\n", "voice and turn_detection apply"),
    ("mode: voice\noutput: {schema: {type: object}}\n", "cannot have 'output'"),
    ("mode: voice\ntools: [{builtin: web_search}]\n", "cannot have builtin tools"),
]


@pytest.mark.parametrize(("extra", "message"), BAD_SPECS)
def test_bad_voice_yaml_is_a_spec_problem_naming_the_fix(extra: str, message: str) -> None:
    with pytest.raises(SpecError) as info:
        AgentSpec.from_text(BASE + extra)
    assert message in str(info.value)


# -- agentrt voice ---------------------------------------------------------------------------------

VOICE_SPEC = BASE + "mode: voice\n"


def _eight_bit(path: Path) -> None:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(1)
        wav.setframerate(8000)
        wav.writeframes(b"\x80" * 800)


BAD_CLI: list[tuple[list[str], Any, str]] = [
    (["--in", "text.wav", "--out", "a.wav"], None, "text.wav: not a PCM WAV file"),
    (["--in", "eight.wav", "--out", "a.wav"], None, "8-bit samples; only 16-bit PCM WAV"),
    (["--in", "missing.wav", "--out", "a.wav"], None, "missing.wav: cannot read it"),
    (["--in", "empty.wav", "--out", "a.wav"], None, "empty.wav: the file holds no audio"),
    (["--in", "q.wav", "--out", "nodir/a.wav"], None, "nodir does not exist"),
    (["--in", "q.wav", "--out", "."], None, "is a directory; name a .wav file"),
    (["--in", "q.wav"], None, "give --in question.wav and --out answer.wav (or --mic)"),
    ([], None, "give --in question.wav and --out answer.wav"),
    (["--mic", "--in", "q.wav"], None, "give --mic alone, or --in and --out"),
    (["--in", "q.wav", "--out", "a.wav", "--timeout", "0"], None, "is not a duration"),
    (["--in", "q.wav", "--out", "a.wav", "--var", "nope=1"], None, "has no {nope} placeholder"),
    (["--in", "q.wav", "--out", "a.wav", "--var", "x"], None, "expected NAME=VALUE"),
    (
        ["--in", "q.wav", "--out", "a.wav", "--endpoint", "ftp://x"],
        None,
        "endpoint 'ftp://x' must look like",
    ),
    (["--in", "q.wav", "--out", "a.wav"], "mode: voice\nvoice: Bob\n", "voice must be one of"),
]


@pytest.mark.parametrize(("args", "spec_extra", "message"), BAD_CLI)
async def test_bad_voice_command_lines_exit_2_with_one_line_and_touch_nothing(
    tmp_path: Path, args: list[str], spec_extra: str | None, message: str
) -> None:
    spec = BASE + spec_extra if spec_extra else VOICE_SPEC
    write_files(tmp_path, {"agent.yaml": spec, "text.wav": "not audio at all\n"})
    write_wav(tmp_path / "q.wav", SPEECH, 16000)
    write_wav(tmp_path / "empty.wav", b"", 16000)
    _eight_bit(tmp_path / "eight.wav")
    (tmp_path / "a.wav").write_bytes(b"keep me")
    paths = [str(tmp_path / a) if a.endswith((".wav", "/a.wav")) or a == "." else a for a in args]
    code, stdout, stderr = await run_agentrt("voice", str(tmp_path / "agent.yaml"), *paths)
    assert code == 2, stderr
    assert stdout == ""
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert message in lines[0]
    assert "Traceback" not in stderr
    assert (tmp_path / "a.wav").read_bytes() == b"keep me"
