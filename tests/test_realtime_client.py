"""The realtime client end to end against a real scripted WebSocket server (tests/realtime_server.py)."""

from __future__ import annotations

import asyncio
import json

import pytest

from agentrt import errors
from agentrt.xai.client import Client
from agentrt.xai.realtime.config import SessionConfig
from agentrt.xai.realtime.events import (
    AudioCommitted,
    AudioDelta,
    AudioDone,
    Event,
    FunctionCall,
    FunctionCallDelta,
    InputTranscript,
    OtherEvent,
    RateLimits,
    ResponseCreated,
    ResponseDone,
    ServerError,
    SessionUpdated,
    SpeechStarted,
    SpeechStopped,
    TranscriptDelta,
    TranscriptDone,
)
from agentrt.xai.realtime.service import websocket_url
from agentrt.xai.tool_specs import FunctionTool
from tests.realtime_server import DELTA_PCM, INPUT_TRANSCRIPT, Knobs, ScriptedRealtime

WEATHER = FunctionTool(name="get_weather", parameters={"type": "object"})


def rest_client(server: ScriptedRealtime, **kw: object) -> Client:
    return Client(protocol="rest", endpoint=server.url, api_key=server.key, **kw)  # type: ignore[arg-type]


async def until_done(live: object) -> list[Event]:
    """The events up to and including the next ResponseDone."""
    out: list[Event] = []
    async for event in live:  # type: ignore[attr-defined]
        out.append(event)
        if isinstance(event, ResponseDone):
            return out
    raise AssertionError(f"no response.done in {out}")


async def test_a_voice_turn_with_a_function_call_round_trip() -> None:
    async with ScriptedRealtime() as server, rest_client(server) as client:
        config = SessionConfig(voice="rex", instructions="Be brief.", tools=(WEATHER,))
        async with client.realtime.connect(model="grok-voice-x", session=config) as live:
            assert live.session["audio"]["output"]["voice"] == "Rex"
            assert live.session["tools"][0]["name"] == "get_weather"
            await live.append_audio(b"\x01\x00" * 4800)
            await live.commit_audio()
            first = await until_done(live)
            call = next(e for e in first if isinstance(e, FunctionCall))
            await live.send_function_output(call.call_id, "sunny")
            await live.create_response()
            second = await until_done(live)
    kinds = [type(e) for e in first]
    assert kinds[:4] == [SpeechStarted, SpeechStopped, AudioCommitted, InputTranscript]
    assert InputTranscript("item_u1", INPUT_TRANSCRIPT) in first
    assert ResponseCreated("resp_1") in first
    assert RateLimits in kinds
    audio = b"".join(e.audio for e in first if isinstance(e, AudioDelta))
    assert audio == DELTA_PCM * 2
    assert AudioDone("resp_1", "item_a1") in first
    assert TranscriptDelta("resp_1", "item_a1", "Let me check.") in first
    assert FunctionCallDelta("resp_1", "item_fc", "call_1", '{"city":') in first
    assert call == FunctionCall("resp_1", "item_fc", "call_1", "get_weather", '{"city": "Paris"}')
    assert TranscriptDone("resp_2", "item_a2", "It is sunny in Paris.") in second
    assert second[-1] == ResponseDone(
        "resp_2", "completed", {"total_tokens": 42, "input_tokens": 30, "output_tokens": 12}
    )
    sent = [e["type"] for e in server.received]
    assert sent[0] == "session.update"
    assert "response.create" in sent
    assert server.received[0]["session"]["audio"]["input"]["format"] == {
        "type": "audio/pcm",
        "rate": 24000,
    }
    assert server.auth_headers == [f"Bearer {server.key}"]
    assert server.extensions == [None]  # no permessage-deflate offered (CPU per audio delta)
    assert server.closes == [1000]  # the client closed with a close frame


async def test_push_to_talk_text_cancel_truncate_and_an_error_event() -> None:
    async with (
        ScriptedRealtime() as server,
        rest_client(server) as client,
        client.realtime.connect(session=SessionConfig(turn_detection=None)) as live,
    ):
        await live.send_text("hello")
        await live.clear_audio()
        await live.truncate("item_a1", 120)
        await live.cancel_response()
        events = await until_done(live)
        await live.update_session(SessionConfig(voice="Eve"))
        await live._send({"type": "bogus.event"})  # the server answers with an error event
        more = [await live.__anext__(), await live.__anext__()]
    assert events[-1].status == "cancelled"  # type: ignore[union-attr]
    assert isinstance(more[0], SessionUpdated)
    assert more[0].session["audio"]["output"]["voice"] == "Eve"
    assert more[1] == ServerError(
        "invalid_request_error", "unknown_event", "unknown event 'bogus.event'"
    )
    first = server.received[0]["session"]["audio"]["input"]
    assert first["turn_detection"] is None
    item = server.received[1]["item"]
    assert item == {
        "type": "message",
        "role": "user",
        "content": [{"type": "input_text", "text": "hello"}],
    }
    truncate = next(e for e in server.received if e["type"] == "conversation.item.truncate")
    assert truncate == {
        "type": "conversation.item.truncate",
        "item_id": "item_a1",
        "content_index": 0,
        "audio_end_ms": 120,
    }
    assert server.received[-2]["session"]["audio"]["output"]["voice"] == "Eve"


async def test_iteration_ends_when_the_server_closes_normally() -> None:
    async with (
        ScriptedRealtime(Knobs(frames=['{"type":"x.y","a":1}'], close_code=1000)) as server,
        rest_client(server) as client,
        client.realtime.connect() as live,
    ):
        seen = [e async for e in live]
    assert seen == [OtherEvent("x.y", {"type": "x.y", "a": 1})]


async def test_a_socket_dropped_mid_response_raises_stream_interrupted() -> None:
    async with (
        ScriptedRealtime(Knobs(drop_after_deltas=1)) as server,
        rest_client(server) as client,
        client.realtime.connect() as live,
    ):
        await live.send_text("hi")
        await live.create_response()
        got: list[Event] = []

        async def consume() -> None:
            async for event in live:
                got.append(event)

        with pytest.raises(errors.StreamInterrupted) as caught:
            await consume()
        with pytest.raises(errors.StreamInterrupted):  # sending after the drop: the same story
            await live.append_audio(b"\0\0")
        assert [e async for e in live] == []
    assert isinstance(caught.value.error, errors.Unavailable)
    assert any(isinstance(e, AudioDelta) for e in got)
    assert caught.value.chunks_received >= 3


async def test_another_close_code_mid_session_is_typed() -> None:
    async with (
        ScriptedRealtime(Knobs(close_code=1011)) as server,
        rest_client(server) as client,
        client.realtime.connect() as live,
    ):
        with pytest.raises(errors.StreamInterrupted) as caught:
            await live.__anext__()
    assert isinstance(caught.value.error, errors.ServerError)
    assert "1011" in str(caught.value)
    assert "scripted close" in str(caught.value)


@pytest.mark.parametrize(
    ("knobs", "kind"),
    [
        (Knobs(close_4001=True), errors.AuthenticationError),
        (Knobs(http_status=401), errors.AuthenticationError),
        (Knobs(http_status=403), errors.PermissionDenied),
        (Knobs(http_status=503), errors.Unavailable),
        (Knobs(http_status=500), errors.Unavailable),
    ],
)
async def test_refused_handshakes_are_typed_and_key_free(
    knobs: Knobs, kind: type[Exception]
) -> None:
    async with ScriptedRealtime(knobs) as server, rest_client(server) as client:
        with pytest.raises(kind) as caught:
            async with client.realtime.connect():
                pass
    assert server.key not in str(caught.value)
    assert server.key not in repr(caught.value)


async def test_a_wrong_key_gets_the_servers_reason_and_4001() -> None:
    async with (
        ScriptedRealtime() as server,
        Client(protocol="rest", endpoint=server.url, api_key="sk-wrong") as client,
    ):
        with pytest.raises(errors.AuthenticationError, match=r"bad key \(close 4001\)"):
            async with client.realtime.connect():
                pass


async def test_connection_refused_is_unavailable() -> None:
    async with ScriptedRealtime() as server:
        url = server.url
    async with Client(protocol="rest", endpoint=url, api_key="sk-secret-xyz") as client:
        with pytest.raises(errors.Unavailable) as caught:
            async with client.realtime.connect():
                pass
    assert "sk-secret-xyz" not in str(caught.value)


async def test_the_connect_timeout_is_the_clients_and_the_budgets() -> None:
    from agentrt.xai.deadline import budget

    async with ScriptedRealtime(Knobs(stall_update=True)) as server:
        async with rest_client(server, timeout=0.3) as client:
            with pytest.raises(errors.DeadlineExceeded):
                async with client.realtime.connect():
                    pass
        async with rest_client(server) as client:
            loop = asyncio.get_running_loop()
            start = loop.time()
            made_outside = client.realtime.connect()  # the budget where it is entered applies
            with budget(0.3), pytest.raises(errors.DeadlineExceeded):
                async with made_outside:
                    pass
            assert loop.time() - start < 3.0
            with pytest.raises(errors.DeadlineExceeded):
                async with client.realtime.connect(timeout=0.2):
                    pass


@pytest.mark.parametrize(
    ("base", "url"),
    [
        ("http://127.0.0.1:8000/v1", "ws://127.0.0.1:8000/v1/realtime?model=m"),
        ("https://api.x.ai/v1/", "wss://api.x.ai/v1/realtime?model=m"),
        ("https://gw.example/openai/v1", "wss://gw.example/openai/v1/realtime?model=m"),
    ],
)
def test_the_websocket_url(base: str, url: str) -> None:
    assert str(websocket_url(base, "m")) == url


async def test_an_ephemeral_token_is_minted_and_connects() -> None:
    async with ScriptedRealtime() as server, rest_client(server) as client:
        secret = await client.realtime.create_client_secret(
            expires_after_s=60, session=SessionConfig(voice="Leo")
        )
        assert secret.value.startswith("ek_")
        assert secret.value not in repr(secret)
        assert secret.expires_at > 0
        async with (
            Client(protocol="rest", endpoint=server.url, api_key="sk-not-this-one") as browser,
            browser.realtime.connect(token=secret.value) as live,
        ):
            assert live.session["type"] == "realtime"
    request = server.secret_requests[0]
    assert request["expires_after"] == {"seconds": 60}  # xAI documents only the seconds
    assert request["session"]["audio"]["output"]["voice"] == "Leo"
    assert server.auth_headers == [f"Bearer {secret.value}"]


async def test_minting_with_a_wrong_key_is_authentication_error() -> None:
    async with (
        ScriptedRealtime() as server,
        Client(protocol="rest", endpoint=server.url, api_key="sk-wrong-key") as client,
    ):
        with pytest.raises(errors.AuthenticationError) as caught:
            await client.realtime.create_client_secret()
    assert "sk-wrong-key" not in str(caught.value)


async def test_a_grpc_client_uses_rest_endpoint_for_realtime() -> None:
    async with (
        ScriptedRealtime() as server,
        Client(endpoint="127.0.0.1:9", api_key=server.key, rest_endpoint=server.url) as client,
    ):
        async with client.realtime.connect() as live:
            await live.send_text("x")
        assert client.realtime.base_url == server.url
    assert json.dumps(server.received[1]).count("input_text") == 1


@pytest.mark.parametrize(
    "config",
    [
        SessionConfig(),
        SessionConfig(voice="Sal", instructions="x", tools=(WEATHER,), turn_detection=None),
        SessionConfig(transcribe_input=False, temperature=0.7),
    ],
)
def test_session_update_is_what_the_openai_sdk_types_as_ga(config: SessionConfig) -> None:
    from openai.types.realtime import SessionUpdateEvent

    event = SessionUpdateEvent.model_validate(
        {"type": "session.update", "session": config.to_json()}
    )
    session = event.session
    assert session.type == "realtime"
    assert session.audio is not None
    assert session.audio.output is not None
    assert session.audio.output.voice == config.voice
    assert [t.name for t in session.tools or []] == [t.name for t in config.tools]  # type: ignore[union-attr]


async def test_a_refused_session_update_is_invalid_request() -> None:
    async with ScriptedRealtime(Knobs(refuse_update=True)) as server, rest_client(server) as client:
        with pytest.raises(errors.InvalidRequest, match="no such voice"):
            async with client.realtime.connect():
                pass
        await asyncio.wait_for(server.ended.wait(), 5)
        assert server.closes == [1000]  # the failed session was closed, not abandoned


async def test_a_token_expiring_mid_session_is_authentication_error() -> None:
    expired = {"type": "invalid_request_error", "code": "token_expired", "message": "token expired"}
    knobs = Knobs(frames=[json.dumps({"type": "error", "error": expired})], close_code=4001)
    async with (
        ScriptedRealtime(knobs) as server,
        rest_client(server) as client,
        client.realtime.connect() as live,
    ):
        first = await live.__anext__()
        with pytest.raises(errors.AuthenticationError, match=r"token expired \(close 4001\)"):
            await live.__anext__()
        assert [e async for e in live] == []
    assert first == ServerError("invalid_request_error", "token_expired", "token expired")
