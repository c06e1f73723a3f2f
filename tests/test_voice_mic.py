"""``agentrt voice --mic`` with a sound card: a fake ``sounddevice`` (a microphone thread that
speaks, a speaker thread that pulls) around the real live session and a real socket."""

from __future__ import annotations

import argparse
import asyncio
import sys
import threading
import time
import types
from typing import Any

import pytest

from agentrt.agents.agent import Agent
from agentrt.agents.tools import tool
from agentrt.agents.voice_agent import VoiceAgent
from agentrt.commands import voice_mic
from agentrt.launch.connect import EndpointChoice
from tests.realtime_server import DELTA_PCM, INPUT_TRANSCRIPT
from tests.voice_script import scripted, use_script

RATE = 24000
CHUNK = RATE // 25 * 2  # 40 ms of PCM16


@tool
def get_weather(city: str) -> str:
    """The weather.

    Args:
        city: the city.
    """
    return f"sunny in {city}"


class FakeInput:
    """A microphone: half a second of voice, then silence, in 40 ms blocks on its own thread."""

    def __init__(self, *, samplerate: int, callback: Any, **_: Any) -> None:
        assert samplerate == RATE
        self._callback = callback
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run)

    def _run(self) -> None:
        blocks = [b"\x10\x27" * (CHUNK // 2)] * 12 + [bytes(CHUNK)] * 20
        for block in blocks:
            if self._stop.is_set():
                return
            self._callback(block, CHUNK // 2, None, None)
            time.sleep(0.005)

    def __enter__(self) -> FakeInput:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


class FakeOutput:
    """A speaker: pulls 40 ms blocks on its own thread and keeps them."""

    played = bytearray()

    def __init__(self, *, callback: Any, **_: Any) -> None:
        self._callback = callback
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run)
        FakeOutput.played = bytearray()

    def _run(self) -> None:
        while not self._stop.is_set():
            block = bytearray(CHUNK)
            self._callback(block, CHUNK // 2, None, None)
            FakeOutput.played += block
            time.sleep(0.002)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def close(self) -> None:
        pass


def fake_sounddevice() -> types.ModuleType:
    module = types.ModuleType("sounddevice")
    module.query_devices = lambda kind=None: {"name": "fake", "kind": kind}  # type: ignore[attr-defined]
    module.RawInputStream = FakeInput  # type: ignore[attr-defined]
    module.RawOutputStream = FakeOutput  # type: ignore[attr-defined]
    return module


async def test_mic_talks_to_the_agent_and_plays_its_answer(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    use_script(monkeypatch)
    monkeypatch.setitem(sys.modules, "sounddevice", fake_sounddevice())
    sd = voice_mic.load_sounddevice()
    agent = Agent(name="w", model="grok-voice-latest", instructions="x", tools=[get_weather])
    voice = VoiceAgent(agent, turn_detection="server_vad")
    before = asyncio.all_tasks()
    async with scripted() as server:
        monkeypatch.setenv("XAI_API_KEY", server.key)
        choice = EndpointChoice(endpoint=server.url, source="flag")
        args = argparse.Namespace(quiet=True, loop="asyncio")
        task = asyncio.create_task(voice_mic._talk(voice, choice, args, sd))
        for _ in range(500):  # both responses' audio, each two deltas, played whole
            if bytes(FakeOutput.played).count(DELTA_PCM * 2) == 2:
                break
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert bytes(FakeOutput.played).count(DELTA_PCM * 2) == 2
    err = capsys.readouterr().err
    assert f"you: {INPUT_TRANSCRIPT}" in err
    assert '  tool get_weather {"city": "Paris"} -> ok' in err
    assert "agent: It is sunny in Paris in Paris." in err
    assert asyncio.all_tasks() - before - {asyncio.current_task()} == set()
