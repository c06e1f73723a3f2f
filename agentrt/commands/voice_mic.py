"""``agentrt voice --mic``: a live conversation through the microphone and the speakers.

Needs ``sounddevice`` (``pip install 'agentrt[mic]'``, with PortAudio) and an input
and an output device; without them, one line says so (exit 2). Under server VAD
the server hears each turn end; under push-to-talk, press Enter to end a turn.
Speaking over the answer stops its playback and truncates it at what was played
(use headphones: a speaker heard by the microphone interrupts the answer). Ctrl-C ends.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import threading
from typing import TYPE_CHECKING, Any

from agentrt.errors import UsageError

if TYPE_CHECKING:
    from agentrt.agents.voice_agent import VoiceAgent
    from agentrt.agents.voice_session import LiveVoiceSession
    from agentrt.launch.connect import EndpointChoice

__all__ = ["MIC_QUEUE_CHUNKS", "load_sounddevice", "talk"]

MIC_QUEUE_CHUNKS = 50
"""Microphone chunks (40 ms each) waiting to be sent, at most; older ones are dropped."""


def load_sounddevice() -> Any:
    """The ``sounddevice`` module, once it has an input and an output device.

    Raises:
        UsageError: not installed, no PortAudio, or no audio device (one line, what to do).
    """
    try:
        import sounddevice  # type: ignore[import-untyped]
    except (ImportError, OSError) as exc:
        why = "is not installed" if isinstance(exc, ImportError) else f"cannot load ({exc})"
        raise UsageError(
            f"--mic: sounddevice {why}: pip install 'agentrt[mic]' (and PortAudio), "
            "or use --in question.wav --out answer.wav"
        ) from None
    try:
        sounddevice.query_devices(kind="input")
        sounddevice.query_devices(kind="output")
    except Exception:
        raise UsageError(
            "--mic: this machine has no audio input or output device; "
            "use --in question.wav --out answer.wav"
        ) from None
    return sounddevice


def talk(voice: VoiceAgent, choice: EndpointChoice, args: argparse.Namespace) -> int:
    """Talk with ``voice`` until Ctrl-C or the server ends the session."""
    sd = load_sounddevice()
    from agentrt.launch.eventloop import run

    run(_talk(voice, choice, args, sd), loop=args.loop)
    return 0


class _Player:
    """The speakers: audio queued by the loop, pulled by PortAudio's thread."""

    def __init__(self, sd: Any, rate: int) -> None:
        self._buf = bytearray()
        self._lock = threading.Lock()
        self._played = 0  # bytes of the current answer item played
        self._rate = rate
        self._stream = sd.RawOutputStream(
            samplerate=rate, channels=1, dtype="int16", callback=self._pull
        )

    def _pull(self, outdata: Any, frames: int, time_info: Any, status: Any) -> None:
        size = len(outdata)
        with self._lock:
            chunk = bytes(self._buf[:size])
            del self._buf[:size]
            self._played += len(chunk)
        outdata[: len(chunk)] = chunk
        outdata[len(chunk) :] = bytes(size - len(chunk))

    def play(self, audio: bytes, *, new_item: bool) -> None:
        with self._lock:
            if new_item:
                self._played = 0
            self._buf += audio

    def stop(self) -> int:
        """Drop what was not played; milliseconds of the current item that were."""
        with self._lock:
            self._buf.clear()
            return int(self._played / 2 / self._rate * 1000)

    def __enter__(self) -> _Player:
        self._stream.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stream.stop()
        self._stream.close()


async def _talk(
    voice: VoiceAgent, choice: EndpointChoice, args: argparse.Namespace, sd: Any
) -> None:
    from agentrt.commands.voice_endpoint import voice_client

    loop = asyncio.get_running_loop()
    mic: asyncio.Queue[bytes] = asyncio.Queue(maxsize=MIC_QUEUE_CHUNKS)

    def offer(chunk: bytes) -> None:
        if mic.full():  # the socket is slower than the microphone: drop the oldest
            mic.get_nowait()
        mic.put_nowait(chunk)

    def captured(indata: Any, frames: int, time_info: Any, status: Any) -> None:
        loop.call_soon_threadsafe(offer, bytes(indata))

    async with (
        voice_client(choice, quiet=args.quiet) as client,
        voice.session(client=client) as live,
    ):
        rate = live.input_rate
        ptt = voice.turn_detection == "push_to_talk"
        hint = "press Enter to end each turn" if ptt else "speak; the server hears you stop"
        print(f"agentrt: listening ({hint}; Ctrl-C ends)", file=sys.stderr, flush=True)
        stream = sd.RawInputStream(
            samplerate=rate, channels=1, dtype="int16", blocksize=rate // 25, callback=captured
        )
        with stream, _Player(sd, live.output_rate) as player:
            async with asyncio.TaskGroup() as tg:
                helpers = [tg.create_task(_feed(live, mic))]
                if ptt:
                    helpers.append(tg.create_task(_keys(live)))
                try:
                    await _listen(live, player)
                finally:
                    for task in helpers:
                        task.cancel()


async def _feed(live: LiveVoiceSession, mic: asyncio.Queue[bytes]) -> None:
    while True:
        await live.feed(await mic.get())


async def _keys(live: LiveVoiceSession) -> None:
    """Push-to-talk: each Enter on stdin ends the user's turn."""
    loop = asyncio.get_running_loop()
    lines: asyncio.Queue[str] = asyncio.Queue(maxsize=8)
    fd = sys.stdin.fileno()

    def readable() -> None:
        line = sys.stdin.readline()
        if not lines.full():
            lines.put_nowait(line)

    loop.add_reader(fd, readable)
    try:
        while await lines.get():
            await live.end_turn()
    finally:
        loop.remove_reader(fd)


async def _listen(live: LiveVoiceSession, player: _Player) -> None:
    from agentrt.agents.voice_events import AudioOut, UserSpeaking
    from agentrt.commands.voice_display import show_progress

    item = ""
    async for out in live:
        if isinstance(out, AudioOut):
            player.play(out.audio, new_item=out.item_id != item)
            item = out.item_id
        elif isinstance(out, UserSpeaking):
            player.stop()  # the session already cut the answer (barge-in)
        else:
            show_progress(out)
