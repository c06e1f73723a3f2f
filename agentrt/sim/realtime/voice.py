"""The simulator's mouth: real speech from Debian's ``espeak-ng`` (:func:`speak`).

Each of xAI's voices is a distinct espeak-ng voice variant; the WAV espeak-ng writes
(22 050 Hz) is resampled to the session's output rate. espeak-ng runs as a subprocess
(never through a shell; the text goes in on stdin, so no text is ever taken for an
option), off the event loop, with a timeout and a cap on the text it reads aloud.
"""

from __future__ import annotations

import asyncio
import shutil

import numpy as np

__all__ = [
    "ESPEAK_VOICES",
    "MAX_SPOKEN_CHARS",
    "SPEAK_TIMEOUT_S",
    "VoiceUnavailable",
    "espeak_path",
    "resample",
    "speak",
]

ESPEAK_VOICES = {
    "Ara": ("en-us+f5", "50", "165"),
    "Eve": ("en-us+f2", "60", "165"),
    "Rex": ("en-us+klatt4", "40", "165"),
    "Sal": ("en-us+klatt", "55", "165"),
    "Leo": ("en-us+m3", "35", "160"),
}
"""Each xAI voice as an espeak-ng voice variant, pitch (0-99) and words per minute.

Chosen among espeak-ng's variants for being told apart by ear and recognised best by
the simulator's own ears (pocketsphinx), so a spoken answer can be checked by listening.
"""
MAX_SPOKEN_CHARS = 4000
"""Text read aloud per answer; the transcript carries the rest."""
SPEAK_TIMEOUT_S = 30.0
"""The longest one synthesis may take."""
_SAID = (("_", " "), ("=", " is "), ("/", " "))  # read as a speaker would say them


class VoiceUnavailable(Exception):
    """espeak-ng is missing or failed: the session answers in text only."""


def resample(pcm16: bytes, src_rate: int, dst_rate: int) -> bytes:
    """``pcm16`` (mono, little-endian) at ``dst_rate`` by linear interpolation."""
    if src_rate == dst_rate or not pcm16:
        return pcm16
    samples = np.frombuffer(pcm16, dtype="<i2").astype(np.float32)
    count = max(1, int(len(samples) * dst_rate / src_rate))
    where = np.arange(count, dtype=np.float64) * (src_rate / dst_rate)
    out = np.interp(where, np.arange(len(samples)), samples)
    return bytes(np.clip(np.rint(out), -32768, 32767).astype("<i2").tobytes())


def _wav_pcm(wav: bytes) -> tuple[bytes, int]:
    """PCM16 samples and rate of espeak-ng's streamed WAV (its sizes are placeholders)."""
    if wav[:4] != b"RIFF" or wav[8:12] != b"WAVE":
        raise VoiceUnavailable("espeak-ng did not write a WAV file")
    rate = int.from_bytes(wav[24:28], "little")
    data = wav.find(b"data", 12)
    if data < 0 or rate <= 0:
        raise VoiceUnavailable("espeak-ng wrote a WAV file without audio")
    pcm = wav[data + 8 :]
    return pcm[: len(pcm) - len(pcm) % 2], rate


def espeak_path() -> str | None:
    """Where espeak-ng is installed (``None``: it is not)."""
    return shutil.which("espeak-ng")


async def speak(text: str, voice: str, rate: int) -> bytes:
    """``text`` read aloud by ``voice`` (an xAI voice name) as PCM16 at ``rate`` Hz.

    Raises:
        VoiceUnavailable: espeak-ng is not installed, failed, or took too long.
    """
    program = espeak_path()
    if program is None:
        raise VoiceUnavailable(
            "espeak-ng is not installed: apt-get install espeak-ng (or make system-deps) "
            "for spoken answers; answering with transcripts only"
        )
    name, pitch, speed = ESPEAK_VOICES.get(voice, ESPEAK_VOICES["Ara"])
    args = [program, "--stdout", "-v", name, "-p", pitch, "-s", speed, "--stdin"]
    said = text[:MAX_SPOKEN_CHARS]
    for sign, words in _SAID:
        said = said.replace(sign, words)
    process = await asyncio.create_subprocess_exec(
        *args,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        async with asyncio.timeout(SPEAK_TIMEOUT_S):
            wav, _ = await process.communicate(said.encode())
    except BaseException as exc:
        if process.returncode is None:
            process.kill()
            await asyncio.shield(process.wait())
        if isinstance(exc, TimeoutError):
            raise VoiceUnavailable(f"espeak-ng took longer than {SPEAK_TIMEOUT_S:g} s") from None
        raise
    if process.returncode != 0:
        raise VoiceUnavailable(f"espeak-ng failed (exit status {process.returncode})")
    pcm, source_rate = _wav_pcm(wav)
    return await asyncio.to_thread(resample, pcm, source_rate, rate)
