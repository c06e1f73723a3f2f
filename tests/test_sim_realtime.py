"""The simulator's ``/v1/realtime``, refereed by the official ``openai`` SDK's realtime client.

The SDK is used unchanged (only its base URLs point at the simulator); raw aiohttp
sockets say what it cannot (a subprotocol token, a cut connection, close codes).
"""

from __future__ import annotations

import asyncio
import base64
import json
from typing import Any

import pytest

from agentrt.sim.realtime import tokens
from agentrt.sim.realtime.ears import Ears, session_words
from tests.conftest import running_sim
from tests.simrest_helpers import KEY, rest_sim
from tests.voicesim_helpers import (
    WEATHER_TOOL,
    collect,
    question,
    raw_socket,
    realtime,
    send_audio,
)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:websockets")


def _types(events: list[dict[str, Any]]) -> list[str]:
    return [e["type"] for e in events]


def _audio(events: list[dict[str, Any]]) -> bytes:
    return b"".join(
        base64.b64decode(e["delta"]) for e in events if e["type"] == "response.output_audio.delta"
    )


def _user_item(text: str) -> dict[str, Any]:
    return {"type": "message", "role": "user", "content": [{"type": "input_text", "text": text}]}


async def _ask(conn: Any, text: str) -> None:
    """The SDK's way: one user message, then a response."""
    await conn.conversation.item.create(item=_user_item(text))
    await conn.response.create()


async def _ask_raw(ws: Any, text: str) -> None:
    """The same over a raw socket."""
    await ws.send_json({"type": "conversation.item.create", "item": _user_item(text)})
    await ws.send_json({"type": "response.create"})


async def test_session_update_is_answered_with_the_session() -> None:
    async with rest_sim() as sim, realtime(sim) as conn:
        created = await collect(conn, "session.created")
        assert created[-1]["session"]["voice"] == "Ara"
        await conn.session.update(
            session={
                "type": "realtime",
                "instructions": "Be brief.",
                "audio": {
                    "output": {"voice": "rex", "format": {"type": "audio/pcm", "rate": 16000}}
                },
            }
        )
        updated = (await collect(conn, "session.updated"))[-1]["session"]
        assert updated["voice"] == "Rex"
        assert updated["instructions"] == "Be brief."
        assert updated["audio"]["output"]["format"]["rate"] == 16000


async def test_text_in_gives_speech_and_its_transcript_out() -> None:
    async with rest_sim() as sim, realtime(sim) as conn:
        await conn.session.update(
            session={
                "type": "realtime",
                "audio": {"output": {"format": {"type": "audio/pcm", "rate": 16000}}},
            }
        )
        await _ask(conn, "hello there")
        events = await collect(conn, "response.done")
    done = events[-1]["response"]
    assert done["status"] == "completed"
    transcript = next(e for e in events if e["type"] == "response.output_audio_transcript.done")
    assert "hello there" in transcript["transcript"]
    deltas = "".join(
        e["delta"] for e in events if e["type"] == "response.output_audio_transcript.delta"
    )
    assert deltas == transcript["transcript"]
    audio = _audio(events)
    seconds = len(audio) / 2 / 16000
    assert 1.0 < seconds < 10.0  # real speech, at the session's rate
    assert (
        max(
            abs(int.from_bytes(audio[i : i + 2], "little", signed=True))
            for i in range(0, len(audio), 200)
        )
        > 1000
    )
    assert done["usage"]["output_token_details"]["audio_tokens"] > 0


async def test_text_only_session_streams_text() -> None:
    async with rest_sim() as sim, realtime(sim) as conn:
        await conn.session.update(session={"type": "realtime", "output_modalities": ["text"]})
        await _ask(conn, "hi")
        events = await collect(conn, "response.done")
    assert "response.output_audio.delta" not in _types(events)
    text = next(e for e in events if e["type"] == "response.output_text.done")["text"]
    assert "hi" in text


async def test_spoken_question_reaches_a_tool_and_a_spoken_answer_with_its_result() -> None:
    rate = 24000
    async with rest_sim() as sim, realtime(sim) as conn:
        await conn.session.update(
            session={
                "type": "realtime",
                "instructions": "You tell people the weather.",
                "tools": [WEATHER_TOOL],
            }
        )
        await collect(conn, "session.updated")
        await send_audio(conn.send, await question("What is the weather in Paris?", rate), rate)
        events = await collect(conn, "response.done")
        types = _types(events)
        assert types.index("input_audio_buffer.speech_started") < types.index(
            "input_audio_buffer.speech_stopped"
        )
        heard = next(
            e
            for e in events
            if e["type"] == "conversation.item.input_audio_transcription.completed"
        )
        assert "weather" in heard["transcript"].lower()
        call = next(e for e in events if e["type"] == "response.function_call_arguments.done")
        assert call["name"] == "get_weather"
        assert json.loads(call["arguments"]) == {"city": "Paris"}
        await conn.conversation.item.create(
            item={
                "type": "function_call_output",
                "call_id": call["call_id"],
                "output": json.dumps({"sky": "cloudy"}),
            }
        )
        await conn.response.create()
        answer = await collect(conn, "response.done")
    assert answer[-1]["response"]["status"] == "completed"
    spoken = _audio(answer)
    listening_for, _ = session_words(  # what the client knows: the session, not the answer
        ["You tell people the weather.", "get_weather", WEATHER_TOOL["description"], "city"]
    )
    heard_back = await Ears().hear(spoken, rate, listening_for)
    assert "cloudy" in heard_back


async def test_speech_while_answering_cancels_the_response() -> None:
    rate = 24000
    async with rest_sim() as sim, realtime(sim, itl_ms="40", output_tokens="200") as conn:
        await _ask(conn, "tell me a long story about the sea")
        await collect(conn, "response.output_audio.delta")
        await send_audio(conn.send, await question("stop", rate), rate)
        events = await collect(conn, "response.done")
    assert "input_audio_buffer.speech_started" in _types(events)
    done = events[-1]["response"]
    assert done["status"] == "cancelled"
    assert done["status_details"]["reason"] == "turn_detected"


async def test_response_cancel_ends_the_response_as_cancelled() -> None:
    async with rest_sim() as sim, realtime(sim, itl_ms="40", output_tokens="200") as conn:
        await _ask(conn, "a story please")
        await collect(conn, "response.output_audio.delta")
        await conn.response.cancel()
        events = await collect(conn, "response.done")
    assert events[-1]["response"]["status"] == "cancelled"
    assert events[-1]["response"]["status_details"]["reason"] == "client_cancelled"


async def test_unavailable_fault_fails_the_response_with_an_error_event() -> None:
    async with rest_sim() as sim, realtime(sim, fault="unavailable") as conn:
        await _ask(conn, "hi")
        events = await collect(conn, "response.done")
    error = next(e for e in events if e["type"] == "error")
    assert error["error"]["type"] == "service_unavailable_error"
    assert events[-1]["response"]["status"] == "failed"


async def test_abort_fault_cuts_the_socket_mid_response() -> None:
    async with rest_sim() as sim, raw_socket(sim, fault="abort", abort_after="2") as ws:
        await _ask_raw(ws, "hi")
        events = await collect(ws, "response.done")
    assert events[-1]["type"] == "closed"
    assert "response.created" in _types(events)
    assert "response.done" not in _types(events)


async def test_wrong_key_gets_an_error_event_then_close_4001() -> None:
    async with rest_sim() as sim:
        async with raw_socket(sim, key="wrong") as ws:
            events = await collect(ws, "never")
        assert events[0]["type"] == "error"
        assert events[0]["error"]["code"] == "invalid_api_key"
        assert events[-1] == {"type": "closed", "code": 4001}
        async with realtime(sim, key="also-wrong") as conn:
            event = (await conn.recv()).model_dump(warnings=False)
            assert event["error"]["code"] == "invalid_api_key"


async def _mint(sim: Any, seconds: int = 60, **session: Any) -> dict[str, Any]:
    import aiohttp

    body = {"expires_after": {"anchor": "created_at", "seconds": seconds}, "session": session}
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            f"{sim.rest_url}/realtime/client_secrets",
            json=body,
            headers={"Authorization": f"Bearer {KEY}"},
        ) as resp,
    ):
        assert resp.status == 200, await resp.text()
        minted: dict[str, Any] = await resp.json()
        return minted


async def test_ephemeral_token_opens_a_session_by_header_or_subprotocol() -> None:
    async with rest_sim() as sim:
        minted = await _mint(sim, instructions="From the token.")
        assert minted["value"].startswith("ek_")
        assert minted["session"]["instructions"] == "From the token."
        async with realtime(sim, key=minted["value"]) as conn:
            created = await collect(conn, "session.created")
            assert created[-1]["session"]["instructions"] == "From the token."
        protocol = f"openai-insecure-api-key.{minted['value']}"
        async with raw_socket(sim, key=None, protocols=("realtime", protocol)) as ws:
            assert (await collect(ws, "session.created"))[-1]["type"] == "session.created"
            assert ws.protocol in ("realtime", protocol)


async def test_expired_token_gets_token_expired_then_close_4001(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with rest_sim() as sim:
        minted = await _mint(sim, seconds=10)
        later = tokens.now() + 11
        monkeypatch.setattr(tokens, "now", lambda: later)
        async with raw_socket(sim, key=minted["value"]) as ws:
            events = await collect(ws, "never")
        assert events[0]["error"]["code"] == "token_expired"
        assert events[-1] == {"type": "closed", "code": 4001}


async def test_dropped_socket_mid_response_leaves_nothing_running_and_the_server_serving() -> None:
    async with rest_sim() as sim:
        async with raw_socket(sim, itl_ms="30") as ws:
            await _ask_raw(ws, "a long answer please")
            await collect(ws, "response.output_audio.delta")
            transport = ws._response.connection.transport  # cut it: no close frame
            assert transport is not None
            transport.abort()
        for _ in range(250):  # the session's tasks end within 5 s of the cut
            if not any(t.get_name().startswith("sim-realtime") for t in asyncio.all_tasks()):
                break
            await asyncio.sleep(0.02)
        else:
            pytest.fail("the dropped session left tasks running")
        async with realtime(sim) as conn:
            assert (await collect(conn, "session.created"))[-1]["type"] == "session.created"


async def test_truncate_cuts_the_transcript_of_what_was_not_heard() -> None:
    async with rest_sim() as sim, realtime(sim) as conn:
        await _ask(conn, "one two three four five six")
        events = await collect(conn, "response.done")
        item = next(e for e in events if e["type"] == "response.output_item.done")["item"]
        await conn.conversation.item.truncate(item_id=item["id"], content_index=0, audio_end_ms=0)
        truncated = (await collect(conn, "conversation.item.truncated"))[-1]
        assert truncated["audio_end_ms"] == 0
        await conn.send({"type": "conversation.item.retrieve", "item_id": item["id"]})
        kept = (await collect(conn, "conversation.item.retrieved"))[-1]["item"]
    assert kept["content"][0]["transcript"] == ""


async def test_word_error_rate_on_unseen_prompts_stays_under_the_measured_bound() -> None:
    """One prompt per domain from the WER benchmark (0.30 measured on all 24, voice Ara)."""
    from benchmarks.bench_voice_wer import PROMPTS, hear, word_errors

    ears = Ears()
    edits = words = 0
    for domain, text in PROMPTS[::4]:
        heard = await hear(ears, text, "Ara", domain)
        e, w = word_errors(text, heard)
        edits, words = edits + e, words + w
    assert edits / words < 0.4, f"WER {edits / words:.2f}"


async def test_without_espeak_ng_one_error_names_the_package_and_transcripts_still_come(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from agentrt.sim.realtime import voice

    monkeypatch.setattr(voice, "espeak_path", lambda: None)
    events: list[dict[str, Any]] = []
    async with rest_sim() as sim, realtime(sim) as conn:
        for text in ("hello", "again"):
            await _ask(conn, text)
            events += await collect(conn, "response.done")
    errors = [e["error"] for e in events if e["type"] == "error"]
    assert len(errors) == 1
    assert "apt-get install espeak-ng" in errors[0]["message"]
    assert "response.output_audio.delta" not in _types(events)
    transcripts = [e for e in events if e["type"] == "response.output_audio_transcript.done"]
    assert len(transcripts) == 2


async def test_an_audio_item_is_heard_and_answered() -> None:
    rate = 24000
    pcm = await question("What is the weather in Paris?", rate)
    async with rest_sim() as sim, realtime(sim) as conn:
        await conn.session.update(session={"type": "realtime", "tools": [WEATHER_TOOL]})
        audio = base64.b64encode(pcm).decode()
        await conn.conversation.item.create(
            item={
                "type": "message",
                "role": "user",
                "content": [{"type": "input_audio", "audio": audio}],
            }
        )
        added = (await collect(conn, "conversation.item.added"))[-1]["item"]
        assert "Paris" in added["content"][0]["transcript"]
        await conn.response.create()
        events = await collect(conn, "response.done")
    call = next(e for e in events if e["type"] == "response.function_call_arguments.done")
    assert json.loads(call["arguments"]) == {"city": "Paris"}


async def test_a_client_that_does_not_read_holds_the_response_back() -> None:
    """Sends wait for the socket: the answer (~20 MB of events) is not buffered in the server."""
    async with rest_sim() as sim, raw_socket(sim, output_tokens="600") as ws:
        rate = {"type": "audio/pcm", "rate": 48000}
        await ws.send_json(
            {"type": "session.update", "session": {"audio": {"output": {"format": rate}}}}
        )
        await _ask_raw(ws, "talk")
        await asyncio.sleep(4)  # not reading: the server must be waiting on the socket
        running = [t for t in asyncio.all_tasks() if t.get_name() == "sim-realtime-response"]
        assert running, "the whole answer was buffered for a client that does not read"
        events = await collect(ws, "response.done", limit_s=40)
    assert events[-1]["response"]["status"] == "completed"
    assert len(_audio(events)) > 10_000_000


async def test_time_to_first_token_passes_before_the_first_audio() -> None:
    async with rest_sim() as sim, realtime(sim, ttft_ms="800") as conn:
        await conn.conversation.item.create(item=_user_item("hi"))
        loop = asyncio.get_running_loop()
        asked = loop.time()
        await conn.response.create()
        await collect(conn, "response.output_audio.delta")
        assert loop.time() - asked >= 0.8
        await collect(conn, "response.done")


async def test_the_cli_simulator_speaks_over_a_real_socket() -> None:
    import openai

    with running_sim("--http-port", "0", "--api-key", KEY) as sim:
        assert sim.rest_url is not None
        client = openai.AsyncOpenAI(
            base_url=sim.rest_url,
            api_key=KEY,
            websocket_base_url=sim.rest_url.replace("http://", "ws://"),
            max_retries=0,
        )
        async with client.realtime.connect(model="grok-4") as conn:
            await _ask(conn, "hi")
            events = await collect(conn, "response.done")
    assert events[-1]["response"]["status"] == "completed"
    assert len(_audio(events)) > 24000
