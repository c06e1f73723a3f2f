"""Hostile input to the simulator's ``/v1/realtime``: each bad event gets one ``error`` event.

Tables of cases, one line each: the socket stays open and keeps serving after every one.
"""

from __future__ import annotations

import base64
import contextlib
import gc
import json
import warnings
from typing import Any

import aiohttp
import pytest

from agentrt.sim.realtime.ears import Ears
from tests.simrest_helpers import KEY, rest_sim
from tests.voicesim_helpers import collect, raw_socket

_USER = {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "hi"}]}


def _update(**session: Any) -> dict[str, Any]:
    return {"type": "session.update", "session": {"type": "realtime", **session}}


def _rate(side: str, rate: Any) -> dict[str, Any]:
    return _update(audio={side: {"format": {"type": "audio/pcm", "rate": rate}}})


EVENTS: list[tuple[str, Any, str]] = [
    ("not json", "{nope", "invalid_json"),
    ("json array", "[1, 2]", "invalid_event"),
    ("no type", {"event_id": "e1"}, "missing_required_parameter"),
    ("empty type", {"type": ""}, "missing_required_parameter"),
    ("unknown type", {"type": "session.explode"}, "unknown_event"),
    ("audio not base64", {"type": "input_audio_buffer.append", "audio": "%%%"}, "invalid_value"),
    ("audio a number", {"type": "input_audio_buffer.append", "audio": 12}, "invalid_value"),
    ("odd-length pcm", {"type": "input_audio_buffer.append", "audio": "AAAA"}, "invalid_value"),
    ("unknown voice", _update(voice="Bob"), "invalid_value"),
    ("voice not a string", _update(audio={"output": {"voice": ["Ara"]}}), "invalid_value"),
    ("input rate 0", _rate("input", 0), "invalid_value"),
    ("input rate -1", _rate("input", -1), "invalid_value"),
    ("output rate 10^9", _rate("output", 10**9), "invalid_value"),
    ("rate a string", _rate("output", "24000"), "invalid_value"),
    (
        "format not pcm",
        _update(audio={"input": {"format": {"type": "audio/pcmu"}}}),
        "invalid_value",
    ),
    (
        "threshold 2",
        _update(turn_detection={"type": "server_vad", "threshold": 2}),
        "invalid_value",
    ),
    (
        "silence -5 ms",
        _update(turn_detection={"type": "server_vad", "silence_duration_ms": -5}),
        "invalid_value",
    ),
    ("huge instructions", _update(instructions="x" * 200_000), "invalid_value"),
    ("tools not a list", _update(tools={"name": "x"}), "invalid_value"),
    ("tool of unknown type", _update(tools=[{"type": "teleport"}]), "invalid_value"),
    ("modalities odd", _update(output_modalities=["smell"]), "invalid_value"),
    ("session not an object", {"type": "session.update", "session": 3}, "invalid_value"),
    ("item not an object", {"type": "conversation.item.create", "item": "hi"}, "invalid_value"),
    (
        "item of unknown type",
        {"type": "conversation.item.create", "item": {"type": "x"}},
        "invalid_value",
    ),
    (
        "item role odd",
        {"type": "conversation.item.create", "item": {**_USER, "role": "god"}},
        "invalid_value",
    ),
    (
        "item no content",
        {"type": "conversation.item.create", "item": {**_USER, "content": []}},
        "invalid_value",
    ),
    (
        "item huge text",
        {
            "type": "conversation.item.create",
            "item": {**_USER, "content": [{"type": "input_text", "text": "y" * 200_000}]},
        },
        "invalid_value",
    ),
    (
        "call output no id",
        {
            "type": "conversation.item.create",
            "item": {"type": "function_call_output", "output": "1"},
        },
        "invalid_value",
    ),
    (
        "previous item unknown",
        {"type": "conversation.item.create", "item": _USER, "previous_item_id": "nope"},
        "invalid_value",
    ),
    (
        "truncate unknown item",
        {"type": "conversation.item.truncate", "item_id": "nope", "audio_end_ms": 1},
        "invalid_value",
    ),
    ("delete unknown item", {"type": "conversation.item.delete", "item_id": 7}, "invalid_value"),
    ("cancel with none running", {"type": "response.cancel"}, "response_cancel_not_active"),
    (
        "commit an empty buffer",
        {"type": "input_audio_buffer.commit"},
        "input_audio_buffer_commit_empty",
    ),
    ("response not an object", {"type": "response.create", "response": [1]}, "invalid_value"),
    (
        "response modalities odd",
        {"type": "response.create", "response": {"output_modalities": "audio"}},
        "invalid_value",
    ),
]


async def _still_serving(ws: aiohttp.ClientWebSocketResponse) -> None:
    await ws.send_json(_update(instructions="still here"))
    events = await collect(ws, "session.updated")
    assert events[-1]["session"]["instructions"] == "still here"


@pytest.mark.parametrize(("case", "sent", "code"), EVENTS, ids=[c[0] for c in EVENTS])
async def test_bad_event_gets_one_error_event_and_the_socket_serves_on(
    case: str, sent: Any, code: str
) -> None:
    async with rest_sim() as sim, raw_socket(sim) as ws:
        await collect(ws, "session.created")
        await (ws.send_str(sent) if isinstance(sent, str) else ws.send_json(sent))
        error = (await collect(ws, "error"))[-1]["error"]
        assert error["code"] == code, error
        assert error["message"]
        await _still_serving(ws)


async def test_binary_message_is_refused_with_an_error_event() -> None:
    async with rest_sim() as sim, raw_socket(sim) as ws:
        await ws.send_bytes(b"\x00\x01")
        assert (await collect(ws, "error"))[-1]["error"]["message"].startswith(
            "send events as text"
        )
        await _still_serving(ws)


async def test_a_message_past_the_size_cap_closes_the_socket_not_the_server() -> None:
    async with rest_sim() as sim:
        async with raw_socket(sim) as ws:
            huge = json.dumps({"type": "input_audio_buffer.append", "audio": "A" * (9 << 20)})
            with contextlib.suppress(ConnectionError):  # the server may close before it is sent
                await ws.send_str(huge)
            events = await collect(ws, "never")
            assert events[-1]["type"] == "closed"
            assert events[-1]["code"] in (1006, 1009)  # too big, or cut before the close frame
        async with raw_socket(sim) as ws:
            await _still_serving(ws)


async def test_thirty_minutes_of_audio_fill_the_buffer_then_an_error() -> None:
    rate = 8000
    async with rest_sim() as sim, raw_socket(sim) as ws:
        await ws.send_json(
            _update(
                turn_detection=None,
                audio={"input": {"format": {"type": "audio/pcm", "rate": rate}}},
            )
        )
        await collect(ws, "session.updated")
        chunk = base64.b64encode(b"\0" * (rate * 2 * 150)).decode()  # 2.5 minutes
        for _ in range(12):  # 30 minutes
            await ws.send_json({"type": "input_audio_buffer.append", "audio": chunk})
        await ws.send_json({"type": "input_audio_buffer.clear"})
        events = await collect(ws, "input_audio_buffer.cleared")
        errors = [e["error"]["code"] for e in events if e["type"] == "error"]
        assert errors == ["input_audio_buffer_full"] * 6
        await _still_serving(ws)


async def test_a_storm_of_response_creates_runs_one_response() -> None:
    async with rest_sim() as sim, raw_socket(sim, itl_ms="5") as ws:
        await ws.send_json({"type": "conversation.item.create", "item": _USER})
        for _ in range(50):
            await ws.send_json({"type": "response.create"})
        events = await collect(ws, "response.done")
        busy = [e for e in events if e["type"] == "error"]
        assert len(busy) == 49
        assert {e["error"]["code"] for e in busy} == {"conversation_already_has_active_response"}
        assert [e["type"] for e in events].count("response.created") == 1
        await _still_serving(ws)


SECRETS: list[tuple[str, Any, int]] = [
    ("ttl too short", {"expires_after": {"anchor": "created_at", "seconds": 9}}, 400),
    ("ttl too long", {"expires_after": {"anchor": "created_at", "seconds": 7201}}, 400),
    ("ttl a string", {"expires_after": {"seconds": "60"}}, 400),
    ("anchor odd", {"expires_after": {"anchor": "now", "seconds": 60}}, 400),
    ("session voice odd", {"session": {"voice": "Bob"}}, 400),
    ("session rate 0", {"session": {"audio": {"input": {"format": {"rate": 0}}}}}, 400),
    ("body not an object", [1], 400),
]


@pytest.mark.parametrize(("case", "body", "status"), SECRETS, ids=[c[0] for c in SECRETS])
async def test_bad_client_secret_request_is_an_openai_error(
    case: str, body: Any, status: int
) -> None:
    async with (
        rest_sim() as sim,
        aiohttp.ClientSession() as http,
        http.post(
            f"{sim.rest_url}/realtime/client_secrets",
            json=body,
            headers={"Authorization": f"Bearer {KEY}"},
        ) as resp,
    ):
        assert resp.status == status
        assert (await resp.json())["error"]["message"]


async def test_client_secret_needs_the_api_key() -> None:
    async with (
        rest_sim() as sim,
        aiohttp.ClientSession() as http,
        http.post(f"{sim.rest_url}/realtime/client_secrets", json={}) as resp,
    ):
        assert resp.status == 401


TOKENS: list[tuple[str, str | None, str]] = [
    ("no credential", None, "invalid_api_key"),
    ("wrong key", "nope", "invalid_api_key"),
    ("made-up token", "ek_made_up", "invalid_api_key"),
    ("empty bearer", "", "invalid_api_key"),
]


@pytest.mark.parametrize(("case", "key", "code"), TOKENS, ids=[c[0] for c in TOKENS])
async def test_unadmitted_socket_gets_an_error_then_4001(
    case: str, key: str | None, code: str
) -> None:
    async with rest_sim() as sim, raw_socket(sim, key=key) as ws:
        events = await collect(ws, "never")
    assert events[0]["error"]["code"] == code
    assert events[-1] == {"type": "closed", "code": 4001}


def test_token_store_is_bounded_and_makes_room_from_expired_tokens() -> None:
    from agentrt.sim.realtime.config import SessionConfig
    from agentrt.sim.realtime.tokens import StoreFull, TokenStore

    clock = [1000.0]
    store = TokenStore(capacity=2, clock=lambda: clock[0])
    first = store.mint(10, SessionConfig(model="m"))
    store.mint(60, SessionConfig(model="m"))
    with pytest.raises(StoreFull):
        store.mint(60, SessionConfig(model="m"))
    clock[0] += 11  # the first expires: its slot is free again
    assert store.check(first.value)[0] == "expired"
    store.mint(60, SessionConfig(model="m"))
    assert len(store) == 2
    assert store.check(first.value)[0] == "unknown"
    assert first.value not in repr(first)


@pytest.mark.parametrize(
    ("dbfs", "threshold", "heard"),
    [(-90, 0.5, False), (-50, 0.5, False), (-20, 0.5, True), (-50, 0.2, True), (-20, 1.0, False)],
)
def test_vad_hears_speech_by_level(dbfs: float, threshold: float, heard: bool) -> None:
    import numpy as np

    from agentrt.sim.realtime.config import TurnDetection
    from agentrt.sim.realtime.vad import EnergyVad

    rate = 16000
    tone = np.sin(np.arange(rate) * 2 * np.pi * 220 / rate) * 32768 * 10 ** (dbfs / 20) * 2**0.5
    vad = EnergyVad(TurnDetection(threshold=threshold, silence_duration_ms=200), rate)
    turns = vad.feed(tone.astype("<i2").tobytes()) + vad.feed(b"\0\0" * rate)
    assert [t.started for t in turns] == ([True, False] if heard else [])
    if heard:
        assert 1000 <= turns[1].at_ms <= 1300  # the tone's end plus the silence it waits


HUMS = [  # audio with no words in it: the ears hear nothing, they do not fail
    ("a steady hum, one second", b"\x10\x20" * 24000),
    ("a steady hum, an eighth of a second", b"\x10\x20" * 3000),
]


@pytest.mark.parametrize(("case", "pcm"), HUMS, ids=[c[0] for c in HUMS])
async def test_ears_hear_no_words_in_a_hum(case: str, pcm: bytes) -> None:
    heard = await Ears().hear(pcm, 24000, frozenset({"weather"}))
    assert isinstance(heard, str)


@pytest.mark.parametrize("last", ["input_audio_buffer.commit", "response.create"])
async def test_a_socket_closed_right_after_work_is_asked_for_leaves_no_unrun_coroutine(
    last: str,
) -> None:
    item = {"type": "conversation.item.create", "item": _USER}
    commit = {
        "type": "input_audio_buffer.append",
        "audio": base64.b64encode(b"\1\2" * 4800).decode(),
    }
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        async with rest_sim() as sim:
            for _ in range(5):
                async with raw_socket(sim) as ws:
                    await ws.send_json(_update(turn_detection=None))
                    await ws.send_json(item if last == "response.create" else commit)
                    await ws.send_json({"type": last})
        gc.collect()
    assert not [w for w in caught if "never awaited" in str(w.message)]


async def test_commits_faster_than_recognition_are_refused_not_queued() -> None:
    noise = base64.b64encode(bytes(range(256)) * 375).decode()  # 2 s of a loud buzz at 24 kHz
    async with rest_sim() as sim, raw_socket(sim) as ws:
        await ws.send_json(_update(turn_detection=None))
        await collect(ws, "session.updated")
        for _ in range(30):
            await ws.send_json({"type": "input_audio_buffer.append", "audio": noise})
            await ws.send_json({"type": "input_audio_buffer.commit"})
        await ws.send_json({"type": "input_audio_buffer.clear"})
        events = await collect(ws, "input_audio_buffer.cleared")
        refused = [e for e in events if e["type"] == "error"]
        assert refused
        assert {e["error"]["code"] for e in refused} == {"rate_limit_exceeded"}
        committed = [e for e in events if e["type"] == "input_audio_buffer.committed"]
        assert len(committed) + len(refused) == 30
