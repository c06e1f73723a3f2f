"""``agentrt voice`` end to end: the real CLI as a subprocess, a realtime server on 127.0.0.1
(tests/realtime_server.py, scripted, in this process), WAV files in and out."""

from __future__ import annotations

import json
import socket
import wave
from pathlib import Path

import pytest

from agentrt.xai.realtime.audio import read_wav, write_wav
from tests.conftest import clean_env, run_agentrt, write_files
from tests.realtime_server import DELTA_PCM, INPUT_TRANSCRIPT
from tests.voice_script import Script, scripted, use_script

TOOLS = '''
def get_weather(city: str) -> str:
    """Today's weather in a city.

    Args:
        city: City name.
    """
    return f"sunny in {city}"
'''

SPEC = """\
version: 1
name: weather
model: grok-voice-latest
instructions: Answer about {place}.
mode: voice
voice: leo
turn_detection: {turns}
tools:
  - function: voice_cli_tools:get_weather
limits:
  max_turns: {turns_max}
"""


@pytest.fixture(autouse=True)
def _script(monkeypatch: pytest.MonkeyPatch) -> None:
    use_script(monkeypatch)


def spec(tmp_path: Path, *, turns: str = "push_to_talk", max_turns: int = 5) -> Path:
    text = SPEC.replace("{turns}", turns).replace("{turns_max}", str(max_turns))
    write_files(tmp_path, {"agent.yaml": text, "voice_cli_tools.py": TOOLS})
    return tmp_path / "agent.yaml"


def stereo_question(path: Path, rate: int = 16000) -> None:
    """Half a second of a stereo PCM16 WAV (not silent)."""
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(2)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(b"\x10\x27\x10\x27" * (rate // 2))


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


async def voice(server_key: str, *args: str) -> tuple[int, str, str]:
    return await run_agentrt("voice", *args, env=clean_env(XAI_API_KEY=server_key))


@pytest.mark.parametrize("turns", ["push_to_talk", "server_vad"])
async def test_a_wav_question_gets_a_wav_answer_and_transcripts_on_stderr(
    tmp_path: Path, turns: str
) -> None:
    agent = spec(tmp_path, turns=turns)
    stereo_question(tmp_path / "q.wav")
    out = tmp_path / "answer.wav"
    async with scripted() as server:
        code, stdout, stderr = await voice(
            server.key, str(agent), "--in", str(tmp_path / "q.wav"), "--out", str(out),
            "--endpoint", server.url, "--var", "place=Paris",
        )  # fmt: skip
    assert code == 0, stderr
    assert stdout == ""
    lines = stderr.splitlines()  # as they happen: heard, first answer, the tool, the answer
    assert len(lines) == 5, stderr
    assert lines[0] == f"you: {INPUT_TRANSCRIPT}"
    assert lines[1] == "agent: Let me check."
    assert lines[2].startswith('  tool get_weather {"city": "Paris"} -> ok (')
    assert lines[3] == "agent: It is sunny in Paris in Paris."
    assert lines[4].startswith(f"agentrt: wrote {out} (0.41 s of audio; first audio after ")
    audio, rate = read_wav(out)
    assert (audio, rate) == (DELTA_PCM * 4, 24000)
    update = next(e for e in server.received if e["type"] == "session.update")["session"]
    assert update["instructions"] == "Answer about Paris."
    assert update["audio"]["output"]["voice"] == "Leo"
    assert [n for n in names(tmp_path) if n.startswith(".answer")] == []


async def test_json_prints_one_object_with_transcripts_tools_usage_and_timings(
    tmp_path: Path,
) -> None:
    agent = spec(tmp_path)
    stereo_question(tmp_path / "q.wav", rate=44100)
    out = tmp_path / "a.wav"
    async with scripted() as server:
        code, stdout, stderr = await voice(
            server.key, str(agent), "--in", str(tmp_path / "q.wav"), "--out", str(out),
            "--endpoint", server.url, "--var", "place=Paris", "--json",
        )  # fmt: skip
    assert code == 0, stderr
    assert stderr == ""
    [line] = stdout.splitlines()
    shown = json.loads(line)
    assert shown["agent"] == "weather"
    assert shown["input_transcript"] == INPUT_TRANSCRIPT
    assert shown["transcript"] == "Let me check. It is sunny in Paris in Paris."
    [call] = shown["tool_calls"]
    assert call["name"] == "get_weather"
    assert call["output"] == "sunny in Paris"
    assert call["ok"] is True
    assert call["error"] is None
    assert shown["usage"] == {"total_tokens": 20, "input_tokens": 14, "output_tokens": 6}
    assert shown["responses"] == 2
    assert shown["audio_seconds"] == pytest.approx(len(DELTA_PCM) * 4 / 2 / 24000)
    assert 0 <= shown["time_to_first_audio_s"] < 5
    assert shown["out"] == str(out)


async def test_an_agent_failure_exits_1_and_leaves_an_existing_answer_untouched(
    tmp_path: Path,
) -> None:
    agent = spec(tmp_path, max_turns=1)
    write_wav(tmp_path / "q.wav", b"\x10\x27" * 8000, 16000)
    out = tmp_path / "a.wav"
    out.write_bytes(b"the previous answer")
    async with scripted(Script(always=("get_weather", '{"city": "Paris"}'))) as server:
        code, _, stderr = await voice(
            server.key, str(agent), "--in", str(tmp_path / "q.wav"), "--out", str(out),
            "--endpoint", server.url, "--var", "place=x",
        )  # fmt: skip
    assert code == 1
    lines = stderr.strip().splitlines()
    assert lines[0] == f"you: {INPUT_TRANSCRIPT}"  # the progress so far, then the error
    assert lines[-1] == (
        "agentrt: error: agent 'weather' used its 1 turns without a final answer; "
        "raise limits.max_turns or simplify the task"
    )
    assert out.read_bytes() == b"the previous answer"
    assert names(tmp_path) == [
        "a.wav",
        "agent.yaml",
        "q.wav",
        "voice_cli_tools.py",
    ]


async def test_nothing_listening_exits_3_and_writes_nothing(tmp_path: Path) -> None:
    agent = spec(tmp_path)
    write_wav(tmp_path / "q.wav", b"\x10\x27" * 8000, 16000)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code, _, stderr = await voice(
        "sk-x", str(agent), "--in", str(tmp_path / "q.wav"), "--out", str(tmp_path / "a.wav"),
        "--endpoint", f"http://127.0.0.1:{port}/v1", "--var", "place=x",
    )  # fmt: skip
    assert code == 3
    [line] = stderr.strip().splitlines()
    assert line.startswith("agentrt: error: ")
    assert "sk-x" not in stderr
    assert not (tmp_path / "a.wav").exists()


async def test_mic_without_an_audio_device_is_one_clear_line(tmp_path: Path) -> None:
    agent = spec(tmp_path)
    code, stdout, stderr = await run_agentrt("voice", str(agent), "--mic", "--var", "place=x")
    assert code == 2
    [line] = stderr.strip().splitlines()
    assert line.startswith("agentrt: error: --mic: ")
    assert "use --in question.wav --out answer.wav" in line
    assert stdout == ""


async def test_help_shows_examples() -> None:
    code, stdout, _ = await run_agentrt("voice", "--help")
    assert code == 0
    assert "agentrt voice agent.yaml --in question.wav --out answer.wav" in stdout
    assert "--mic" in stdout
    assert "--timeout DUR" in stdout


async def test_json_on_an_agent_failure_prints_the_partial_run_and_why(tmp_path: Path) -> None:
    agent = spec(tmp_path, max_turns=1)
    write_wav(tmp_path / "q.wav", b"\x10\x27" * 8000, 16000)
    async with scripted(Script(always=("get_weather", '{"city": "Paris"}'))) as server:
        code, stdout, stderr = await voice(
            server.key, str(agent), "--in", str(tmp_path / "q.wav"),
            "--out", str(tmp_path / "a.wav"), "--endpoint", server.url, "--var", "place=x",
            "--json",
        )  # fmt: skip
    assert code == 1
    [line] = stdout.splitlines()
    shown = json.loads(line)
    assert shown["error"]["type"] == "MaxTurnsExceeded"
    assert "used its 1 turns" in shown["error"]["message"]
    assert [c["name"] for c in shown["tool_calls"]] == ["get_weather"]
    assert shown["input_transcript"] == INPUT_TRANSCRIPT
    assert shown["out"] is None
    assert stderr.strip().splitlines()[-1].startswith("agentrt: error: agent 'weather' used")
    assert names(tmp_path) == ["agent.yaml", "q.wav", "voice_cli_tools.py"]
