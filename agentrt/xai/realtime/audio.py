"""PCM16 audio helpers: WAV files in and out, resampling, durations.

The realtime API speaks PCM16 little-endian mono (``bytes``, 2 bytes a sample).
numpy is imported only by the functions that need it (mixing channels, resampling).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import wave
from pathlib import Path

from agentrt.errors import UsageError

__all__ = ["MAX_FILE_RATE", "pcm_ms", "read_wav", "resample", "write_wav"]

MAX_FILE_RATE = 384000
"""The highest sample rate a WAV file may declare (anything above is a corrupt header)."""


def _check_pcm(pcm16: bytes, what: str = "pcm16") -> None:
    if not isinstance(pcm16, bytes | bytearray | memoryview):
        raise UsageError(f"{what} must be bytes of PCM16 audio, got {type(pcm16).__name__}")
    if len(pcm16) % 2:
        raise UsageError(
            f"{what} has an odd number of bytes ({len(pcm16)}): PCM16 is 2 bytes a sample"
        )


def _check_any_rate(rate: object, what: str) -> int:
    if not isinstance(rate, int) or isinstance(rate, bool) or not 0 < rate <= MAX_FILE_RATE:
        raise UsageError(
            f"{what} must be a whole number of Hz from 1 to {MAX_FILE_RATE}, got {rate!r}"
        )
    return rate


def read_wav(path: str | os.PathLike[str]) -> tuple[bytes, int]:
    """The audio of a PCM16 WAV file as mono PCM16, and its sample rate.

    Several channels are mixed down (their mean). A file cut short yields the
    whole frames it holds.

    Raises:
        UsageError: the file is missing, not a WAV, not 16-bit PCM, or corrupt.
    """
    name = os.fspath(path)
    try:
        with wave.open(name, "rb") as wav:
            width, channels, rate = wav.getsampwidth(), wav.getnchannels(), wav.getframerate()
            if width != 2:
                raise UsageError(
                    f"{name}: {8 * width}-bit samples; only 16-bit PCM WAV is supported "
                    "(convert it, e.g. sox IN -b 16 OUT.wav)"
                )
            _check_any_rate(rate, f"{name}: the sample rate")
            frames = wav.readframes(wav.getnframes())
    except (wave.Error, EOFError) as exc:
        raise UsageError(f"{name}: not a PCM WAV file ({exc or 'truncated header'})") from None
    except OSError as exc:
        raise UsageError(f"{name}: cannot read it ({exc.strerror or type(exc).__name__})") from None
    if channels < 1:
        raise UsageError(f"{name}: the header says {channels} channels")
    whole = len(frames) - len(frames) % (2 * channels)
    frames = frames[:whole]
    return (frames if channels == 1 else _mix_down(frames, channels)), rate


def _mix_down(frames: bytes, channels: int) -> bytes:
    import numpy as np

    samples = np.frombuffer(frames, dtype="<i2").reshape(-1, channels)
    mono = samples.astype(np.int32).sum(axis=1) // channels
    return bytes(mono.astype("<i2").tobytes())


def write_wav(path: str | os.PathLike[str], pcm16: bytes, rate: int) -> None:
    """Write mono PCM16 ``pcm16`` at ``rate`` Hz as a WAV file, atomically.

    The file appears whole or not at all (written beside it, then renamed).

    Raises:
        UsageError: odd-length audio, a bad rate, or a directory that cannot be written.
    """
    _check_pcm(pcm16)
    _check_any_rate(rate, "rate")
    target = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(
            dir=target.parent or ".", prefix=f".{target.name}.", suffix=".tmp"
        )
    except OSError as exc:
        raise UsageError(
            f"{target}: cannot write there ({exc.strerror or type(exc).__name__})"
        ) from None
    try:
        with os.fdopen(fd, "wb") as raw, wave.open(raw, "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(rate)
            wav.writeframes(bytes(pcm16))
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise UsageError(
                f"{target}: cannot write it ({exc.strerror or type(exc).__name__})"
            ) from None
        raise


def resample(pcm16: bytes, src_rate: int, dst_rate: int) -> bytes:
    """``pcm16`` (mono) converted from ``src_rate`` to ``dst_rate`` Hz (linear interpolation).

    Raises:
        UsageError: odd-length audio or a rate that is not a positive whole number.
    """
    _check_pcm(pcm16)
    _check_any_rate(src_rate, "src_rate")
    _check_any_rate(dst_rate, "dst_rate")
    if src_rate == dst_rate or not pcm16:
        return bytes(pcm16)
    import numpy as np

    src = np.frombuffer(pcm16, dtype="<i2").astype(np.float64)
    count = max(1, round(len(src) * dst_rate / src_rate))
    positions = np.arange(count) * (src_rate / dst_rate)
    out = np.interp(positions, np.arange(len(src)), src)
    return bytes(np.clip(np.rint(out), -32768, 32767).astype("<i2").tobytes())


def pcm_ms(pcm16: bytes, rate: int) -> float:
    """How many milliseconds ``pcm16`` (mono PCM16) lasts at ``rate`` Hz."""
    _check_any_rate(rate, "rate")
    return len(pcm16) / 2 / rate * 1000.0
