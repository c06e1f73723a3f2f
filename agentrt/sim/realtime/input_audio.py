"""The input audio buffer: bounded, and watched by server VAD: :class:`InputAudio`.

``input_audio_buffer.append`` adds base64 PCM16 at the session's input rate. With
server VAD the buffer keeps, while nobody speaks, only the last ``prefix_padding_ms``
(so silence costs no memory); a turn's speech is taken whole when it stops. Without
VAD (push-to-talk) the client commits. Either way the buffer holds at most
:data:`MAX_BUFFER_S` of audio: an append past that is refused with an ``error`` event.
"""

from __future__ import annotations

from typing import Any

from agentrt.sim.realtime.config import SessionConfig, TurnDetection
from agentrt.sim.realtime.protocol import EventError, new_id, pcm_of
from agentrt.sim.realtime.vad import EnergyVad, Turn

__all__ = ["MAX_BUFFER_S", "InputAudio"]

MAX_BUFFER_S = 15 * 60
"""The most audio the input buffer holds (15 minutes)."""
_MIN_COMMIT_MS = 100


class InputAudio:
    """PCM16 appended by the client, and the VAD watching it."""

    def __init__(self, config: SessionConfig) -> None:
        self._buffer = bytearray()
        self.item_id = new_id("item")  # the user item the audio will become
        self._settings: tuple[int, TurnDetection | None] | None = None
        self.configure(config)

    def __len__(self) -> int:
        return len(self._buffer)

    def configure(self, config: SessionConfig) -> None:
        """Follow the session's (new) rate and turn detection (unchanged: the VAD goes on)."""
        knobs = config.turn_detection
        if self._settings == (config.input_rate, knobs):
            return
        self._settings = (config.input_rate, knobs)
        self._rate = config.input_rate
        self._vad = None if knobs is None else EnergyVad(knobs, self._rate)
        self._keep = 0 if knobs is None else self._rate * 2 * (knobs.prefix_padding_ms + 20) // 1000

    def append(self, audio: Any) -> list[Turn]:
        """Add base64 ``audio``; the turns VAD saw in it.

        Raises:
            EventError: not base64 PCM16, or the buffer would pass :data:`MAX_BUFFER_S`.
        """
        pcm = pcm_of(audio, "audio")
        if len(self._buffer) + len(pcm) > MAX_BUFFER_S * self._rate * 2:
            raise EventError(
                f"the input audio buffer is full ({MAX_BUFFER_S // 60} minutes of audio): "
                "commit or clear it before appending more",
                code="input_audio_buffer_full",
                param="audio",
            )
        self._buffer += pcm
        if self._vad is None:
            return []
        turns = self._vad.feed(pcm)
        if not self._vad.speaking and not (turns and not turns[-1].started):
            del self._buffer[: max(0, len(self._buffer) - self._keep)]  # silence: keep the pad
        return turns

    def has_speech(self) -> bool:
        """Whether the buffer holds enough audio to commit (100 ms)."""
        return len(self._buffer) >= self._rate * 2 * _MIN_COMMIT_MS // 1000

    def take(self) -> tuple[str, bytes]:
        """The buffer's item id and audio; the buffer starts again empty."""
        taken = (self.item_id, bytes(self._buffer))
        self.clear()
        return taken

    def clear(self) -> None:
        """Drop the buffered audio (the VAD keeps its place in the session's audio)."""
        self._buffer.clear()
        self.item_id = new_id("item")
