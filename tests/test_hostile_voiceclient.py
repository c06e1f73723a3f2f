"""Hostile input to the realtime client, as tables: the next case of a class is one line.

Bad settings and arguments are one-line UsageErrors; odd WAV files are refused or read
sensibly; whatever a server sends (bad JSON, wrong shapes, binary frames, huge or forged
frames) becomes a typed event or a typed error, never a raw exception; no key in any text.
"""

from __future__ import annotations

import io
import json
import struct
import wave
from pathlib import Path
from typing import Any

import pytest

from agentrt import errors
from agentrt.xai.client import Client
from agentrt.xai.config import ClientConfig, rest_base_url
from agentrt.xai.realtime.audio import pcm_ms, read_wav, resample, write_wav
from agentrt.xai.realtime.config import SessionConfig
from agentrt.xai.realtime.events import (
    MALFORMED,
    AudioDelta,
    OtherEvent,
    ResponseDone,
    ServerError,
    parse_event,
)
from agentrt.xai.realtime.service import ClientSecret
from tests.realtime_server import Knobs, ScriptedRealtime

# -- settings ----------------------------------------------------------------------------------

BAD_REST_ENDPOINTS = [
    "ftp://h/v1",
    "http://",
    "not a url",
    "http://127.0.0.1:0/v1",
    "http://h/v1?x=1",
    "http://user:pw@h/v1",
    "http://h:99999/v1",
]


@pytest.mark.parametrize("url", BAD_REST_ENDPOINTS)
def test_a_bad_rest_endpoint_is_a_usage_error_naming_it(url: str) -> None:
    with pytest.raises(errors.UsageError, match="rest_endpoint"):
        Client(endpoint="127.0.0.1:9", api_key="k", rest_endpoint=url)


@pytest.mark.parametrize("url", BAD_REST_ENDPOINTS[:3])
def test_a_bad_rest_endpoint_in_the_environment_too(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AGENTRT_REST_ENDPOINT", url)
    with pytest.raises(errors.UsageError, match="rest_endpoint"):
        Client(endpoint="127.0.0.1:9", api_key="k")


@pytest.mark.parametrize(
    ("config", "env", "expected"),
    [
        (ClientConfig(endpoint="api.x.ai:443"), None, "https://api.x.ai/v1"),
        (ClientConfig(endpoint="eu.api.x.ai:443"), None, "https://api.x.ai/v1"),
        (ClientConfig(endpoint="http://127.0.0.1:8/v1"), None, "http://127.0.0.1:8/v1"),
        (
            ClientConfig(endpoint="127.0.0.1:9", rest_endpoint="http://127.0.0.1:7/v1"),
            "http://e/v1",
            "http://127.0.0.1:7/v1",
        ),
        (ClientConfig(endpoint="127.0.0.1:9"), "http://e:5/v1", "http://e:5/v1"),
        (ClientConfig(endpoint="127.0.0.1:9"), None, errors.UsageError),
        (ClientConfig(endpoint="proxy.example:443"), None, errors.UsageError),
    ],
)
def test_the_rest_base_url(
    config: ClientConfig, env: str | None, expected: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    if env is None:
        monkeypatch.delenv("AGENTRT_REST_ENDPOINT", raising=False)
    else:
        monkeypatch.setenv("AGENTRT_REST_ENDPOINT", env)
    if isinstance(expected, str):
        assert rest_base_url(config) == expected
    else:
        with pytest.raises(expected, match="rest_endpoint"):
            rest_base_url(config)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"voice": "Bob"},
        {"voice": ""},
        {"voice": 3},
        {"input_rate": 0},
        {"input_rate": 7999},
        {"output_rate": 48001},
        {"output_rate": 24000.0},
        {"input_rate": True},
        {"input_rate": "24000"},
        {"turn_detection": "semantic_vad"},
        {"turn_detection": "push_to_talk"},
        {"temperature": 3},
        {"temperature": float("nan")},
        {"tools": ({"name": "f"},)},
        {"instructions": None},
    ],
)
def test_a_bad_session_config_is_one_usage_error(kwargs: dict[str, Any]) -> None:
    with pytest.raises(errors.UsageError) as caught:
        SessionConfig(**kwargs)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"model": " "},
        {"model": "m" * 300},
        {"token": ""},
        {"token": "ek_1\r\nX-Evil: 1"},
        {"token": "ek_ü"},
        {"session": {"voice": "Ara"}},
        {"timeout": 0},
        {"timeout": -5.0},
    ],
)
def test_bad_connect_arguments_are_usage_errors(kwargs: dict[str, Any]) -> None:
    client = Client(protocol="rest", endpoint="http://127.0.0.1:9/v1", api_key="k")
    with pytest.raises(errors.UsageError):
        client.realtime.connect(**kwargs)


@pytest.mark.parametrize("seconds", [0, 9, 7201, 600.0, True, "600", -1])
async def test_a_bad_token_lifetime_is_a_usage_error(seconds: Any) -> None:
    async with Client(protocol="rest", endpoint="http://127.0.0.1:9/v1", api_key="k") as client:
        with pytest.raises(errors.UsageError, match="expires_after_s"):
            await client.realtime.create_client_secret(expires_after_s=seconds)


@pytest.mark.parametrize(
    "value",
    [
        ClientSecret("ek_SECRETVALUE", 1.0),
        Client(protocol="rest", endpoint="http://127.0.0.1:9/v1", api_key="ek_SECRETVALUE"),
        Client(endpoint="127.0.0.1:9", api_key="ek_SECRETVALUE", rest_endpoint="http://h/v1"),
    ],
)
def test_no_secret_in_any_repr(value: object) -> None:
    assert "SECRETVALUE" not in repr(value)
    if isinstance(value, Client):
        assert "SECRETVALUE" not in repr(value.realtime)
        assert "SECRETVALUE" not in repr(value.realtime.connect(token="ek_SECRETVALUE2"))


# -- audio -------------------------------------------------------------------------------------


def wav_bytes(
    *, width: int = 2, channels: int = 1, rate: int = 16000, frames: bytes = b""
) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setsampwidth(width)
        wav.setnchannels(channels)
        wav.setframerate(rate)
        wav.writeframes(frames)
    return out.getvalue()


STEREO = struct.pack("<4h", 100, 300, -100, -300)
THREE = struct.pack("<6h", 3, 6, 9, -3, -6, -9)
MONO = struct.pack("<3h", 1, 2, 3)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (wav_bytes(frames=MONO), (MONO, 16000)),
        (wav_bytes(channels=2, frames=STEREO, rate=24000), (struct.pack("<2h", 200, -200), 24000)),
        (wav_bytes(channels=3, frames=THREE), (struct.pack("<2h", 6, -6), 16000)),
        (wav_bytes(frames=b""), (b"", 16000)),
        (wav_bytes(frames=MONO)[:-1], (MONO[:4], 16000)),  # data cut mid-sample: whole samples
        (wav_bytes(width=1, frames=b"\x80\x81"), "8-bit"),
        (wav_bytes(width=4, frames=b"\0" * 8), "32-bit"),
        (wav_bytes(frames=MONO)[:30], "not a PCM WAV"),  # header cut short
        (b"ID3\x03\x00 this is an mp3", "not a PCM WAV"),
        (b"", "not a PCM WAV"),
        (wav_bytes(frames=MONO).replace(b"\x01\x00\x01\x00", b"\x03\x00\x01\x00", 1), "not a PCM"),
    ],
)
def test_odd_wav_files(tmp_path: Path, data: bytes, expected: Any) -> None:
    path = tmp_path / "in.wav"
    path.write_bytes(data)
    if isinstance(expected, tuple):
        assert read_wav(path) == expected
    else:
        with pytest.raises(errors.UsageError, match=expected):
            read_wav(path)


def test_a_missing_wav_file(tmp_path: Path) -> None:
    with pytest.raises(errors.UsageError, match="cannot read"):
        read_wav(tmp_path / "nope.wav")


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda p: write_wav(p, b"\0", 24000), "odd number"),
        (lambda p: write_wav(p, "text", 24000), "bytes"),
        (lambda p: write_wav(p, b"\0\0", 0), "rate"),
        (lambda p: write_wav(p / "no" / "dir.wav", b"\0\0", 24000), "cannot write"),
        (lambda p: resample(b"\0\0\0", 16000, 24000), "odd number"),
        (lambda p: resample(b"\0\0", -1, 24000), "src_rate"),
        (lambda p: resample(b"\0\0", 16000, 0), "dst_rate"),
        (lambda p: pcm_ms(b"\0\0", 0), "rate"),
    ],
)
def test_bad_audio_arguments(tmp_path: Path, call: Any, match: str) -> None:
    with pytest.raises(errors.UsageError, match=match):
        call(tmp_path / "out.wav")
    assert list(tmp_path.iterdir()) == []  # nothing half-written left behind


def test_audio_round_trip(tmp_path: Path) -> None:
    pcm = struct.pack("<4h", 0, 1000, -1000, 32767)
    write_wav(tmp_path / "a.wav", pcm, 16000)
    assert read_wav(tmp_path / "a.wav") == (pcm, 16000)
    up = resample(pcm, 16000, 24000)
    assert len(up) == 12
    assert pcm_ms(up, 24000) == pytest.approx(0.25)
    assert resample(pcm, 16000, 16000) == pcm


# -- what a server sends -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        ("not json", "not JSON"),
        ("[1, 2]", "not a JSON object"),
        ('"text"', "not a JSON object"),
        ("{}", "no 'type'"),
        ('{"type": 5}', "no 'type'"),
        ('{"type": ""}', "no 'type'"),
        ("[" * 100000 + "]" * 100000, "not JSON"),
        ('{"type": "response.output_audio.delta", "delta": "!!!not base64"}', "base64"),
        ('{"type": "response.output_audio.delta", "delta": 12}', "'delta'"),
        ('{"type": "response.output_audio.delta"}', "'delta'"),
        ('{"type": "response.done", "response": []}', "'response'"),
        ('{"type": "response.done", "response": {"id": 5}}', "'id'"),
        ('{"type": "rate_limits.updated", "rate_limits": {"a": 1}}', "rate_limits"),
        ('{"type": "input_audio_buffer.speech_started", "audio_start_ms": "9"}', "audio_start_ms"),
        ('{"type": "input_audio_buffer.speech_stopped", "audio_end_ms": true}', "audio_end_ms"),
        ('{"type": "response.function_call_arguments.done", "name": "f"}', "'call_id'"),
        ('{"type": "error", "error": "boom"}', "'error'"),
        ('{"type": "session.updated", "session": null, "x": 1}', None),
    ],
)
def test_a_malformed_event_is_one_server_error_event(raw: str, why: str | None) -> None:
    event = parse_event(raw)
    if why is None:
        assert not isinstance(event, ServerError)
        return
    assert isinstance(event, ServerError)
    assert event.code == MALFORMED
    assert event.type == "client_error"
    assert why in event.message


def test_unknown_and_known_events_parse() -> None:
    assert parse_event('{"type": "output_audio_buffer.started", "a": 1}') == OtherEvent(
        "output_audio_buffer.started", {"type": "output_audio_buffer.started", "a": 1}
    )
    delta = parse_event('{"type": "response.output_audio.delta", "delta": "AAE="}')
    assert delta == AudioDelta("", "", b"\x00\x01")
    assert "AAE" not in repr(delta)
    done = parse_event('{"type": "response.done", "response": {"id": "r", "status": "failed"}}')
    assert done == ResponseDone("r", "failed", {})


def _frame_header(length: int) -> bytes:
    """A server-to-client text frame header (FIN, no mask) claiming ``length`` bytes."""
    return b"\x81\x7f" + struct.pack(">Q", length)


SMALL = ClientConfig(endpoint="http://127.0.0.1:1/v1", max_message_bytes=1024 * 1024)


@pytest.mark.parametrize(
    ("knobs", "expected"),
    [
        (Knobs(frames=["{oops"]), ServerError),
        (Knobs(frames=[b"\x00\x01binary"]), ServerError),
        (Knobs(frames=['{"type":"response.output_audio.delta","delta":"@@"}']), ServerError),
        (Knobs(frames=['{"no":"type"}']), ServerError),
        (
            Knobs(
                frames=[json.dumps({"type": "error", "error": {"message": "sk-test-KEY-123456"}})]
            ),
            ServerError,
        ),
        (Knobs(frames=["x" * (2 * 1024 * 1024)]), errors.ResponseTooLarge),
        (Knobs(raw=_frame_header(2 * 1024**3) + b"QUFB" * 100), errors.ResponseTooLarge),
        (Knobs(raw=b"\x8f\x00garbage opcode"), errors.Unavailable),
        (Knobs(close_code=4001), errors.AuthenticationError),
        (Knobs(close_code=1001), errors.ServerError),
    ],
)
async def test_what_a_hostile_server_sends_is_typed(knobs: Knobs, expected: type) -> None:
    async with ScriptedRealtime(knobs) as server:
        config = ClientConfig(
            endpoint=server.url, api_key=server.key, max_message_bytes=SMALL.max_message_bytes
        )
        async with Client(config=config) as client, client.realtime.connect() as live:
            if issubclass(expected, errors.AgentrtError):
                with pytest.raises((errors.StreamInterrupted, expected)) as caught:
                    await live.__anext__()
                error = caught.value
                inner = error.error if isinstance(error, errors.StreamInterrupted) else error
                assert isinstance(inner, expected)
                assert server.key not in str(error)
            else:
                event = await live.__anext__()
                assert isinstance(event, expected)
                assert event.code == MALFORMED or event.message == "***"


async def test_a_malformed_event_does_not_end_the_session() -> None:
    knobs = Knobs(frames=["{oops", json.dumps({"type": "custom.thing"})], close_code=1000)
    async with (
        ScriptedRealtime(knobs) as server,
        Client(protocol="rest", endpoint=server.url, api_key=server.key) as client,
        client.realtime.connect() as live,
    ):
        events = [e async for e in live]
    assert [type(e) for e in events] == [ServerError, OtherEvent]


@pytest.mark.parametrize(
    "audio", [b"\0", "text", 12, bytearray(b"\0\0\0")], ids=["odd", "str", "int", "odd-bytearray"]
)
async def test_bad_audio_to_send_is_a_usage_error(audio: Any) -> None:
    async with (
        ScriptedRealtime() as server,
        Client(protocol="rest", endpoint=server.url, api_key=server.key) as client,
        client.realtime.connect() as live,
    ):
        with pytest.raises(errors.UsageError):
            await live.append_audio(audio)
        for bad in (lambda: live.truncate("", 1), lambda: live.truncate("i", -1)):
            with pytest.raises(errors.UsageError):
                await bad()
        with pytest.raises(errors.UsageError):
            await live.send_function_output("", "x")
