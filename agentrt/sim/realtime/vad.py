"""Voice activity from the audio's energy: :class:`EnergyVad`.

The audio is cut into 20 ms frames; a frame is speech when its RMS level is above the
level the session's ``threshold`` names (0 hears a whisper, 1 only shouting: a
logarithmic scale from -70 to -10 dBFS, 0.5 = -40 dBFS). Speech starts at the first
speech frame (reported ``prefix_padding_ms`` earlier) and stops after
``silence_duration_ms`` of quiet. Positions are milliseconds of audio since the session
began, as the protocol reports them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from agentrt.sim.realtime.config import TurnDetection

__all__ = ["EnergyVad", "Turn", "level_of"]

_FRAME_MS = 20


def level_of(threshold: float) -> float:
    """The RMS level (of 32 768) that ``threshold`` (0 to 1) names."""
    return float(32768 * 10 ** ((threshold * 60 - 70) / 20))


@dataclass(frozen=True, slots=True)
class Turn:
    """A change the detector saw: speech ``started`` or ``stopped`` at ``at_ms``."""

    started: bool
    at_ms: int


class EnergyVad:
    """Speech starts and stops in a stream of PCM16 audio at ``rate`` Hz."""

    def __init__(self, knobs: TurnDetection, rate: int) -> None:
        self.knobs = knobs
        self._level = level_of(knobs.threshold)
        self._frame = rate * _FRAME_MS // 1000  # samples per frame
        self._rest = np.zeros(0, dtype=np.float32)  # samples short of a whole frame
        self._ms = 0  # audio seen, in whole frames
        self.speaking = False
        self._quiet_ms = 0

    def feed(self, pcm16: bytes) -> list[Turn]:
        """The turns ``pcm16`` (the next audio) holds, in order."""
        samples = np.concatenate([self._rest, np.frombuffer(pcm16, dtype="<i2")])
        whole = len(samples) // self._frame * self._frame
        self._rest = samples[whole:].astype(np.float32)
        if not whole:
            return []
        frames = samples[:whole].astype(np.float32).reshape(-1, self._frame)
        loud = np.sqrt(np.mean(frames * frames, axis=1)) > self._level
        turns: list[Turn] = []
        for is_loud in loud.tolist():
            self._ms += _FRAME_MS
            turn = self._step(is_loud)
            if turn is not None:
                turns.append(turn)
        return turns

    def _step(self, loud: bool) -> Turn | None:
        if loud:
            self._quiet_ms = 0
            if not self.speaking:
                self.speaking = True
                start = self._ms - _FRAME_MS - self.knobs.prefix_padding_ms
                return Turn(started=True, at_ms=max(0, start))
            return None
        if not self.speaking:
            return None
        self._quiet_ms += _FRAME_MS
        if self._quiet_ms >= max(self.knobs.silence_duration_ms, _FRAME_MS):
            self.speaking = False
            return Turn(started=False, at_ms=self._ms)
        return None
