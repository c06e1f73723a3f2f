"""VoiceAgent live sessions (a microphone) against the scripted realtime server on 127.0.0.1:
typed outputs, feeding from another task, barge-in by hand and by the user's speech, and
leaving early closes the socket with nothing left running."""

from __future__ import annotations

import asyncio
import base64
from typing import Any

import pytest

from agentrt import errors
from agentrt.agents.voice_agent import VoiceAgent
from agentrt.agents.voice_events import (
    AnswerTranscript,
    AudioOut,
    Interrupted,
    ResponseFinished,
    ToolFinished,
    ToolStarted,
    UserSpeaking,
    UserTranscript,
)
from agentrt.xai.realtime.audio import pcm_ms
from tests.realtime_server import DELTA_PCM, INPUT_TRANSCRIPT
from tests.test_voice_agent import SPEECH, agent, client_of, sent, settled
from tests.voice_script import Script, scripted, use_script


@pytest.fixture(autouse=True)
def _script(monkeypatch: pytest.MonkeyPatch) -> None:
    use_script(monkeypatch)


async def test_a_live_session_yields_typed_outputs_in_order() -> None:
    voice = VoiceAgent(agent(), turn_detection="push_to_talk")
    async with (
        scripted() as server,
        client_of(server) as client,
        voice.session(client=client) as live,
    ):
        await live.feed(SPEECH, 16000)
        await live.end_turn()
        seen: list[Any] = []
        async for out in live:
            seen.append(out)
            if isinstance(out, ResponseFinished) and out.final:
                break
        result = live.result()
    kinds = [type(o) for o in seen]
    assert kinds.index(UserTranscript) < kinds.index(ToolStarted) < kinds.index(ToolFinished)
    audio = [o for o in seen if isinstance(o, AudioOut)]
    assert len(audio) == 4
    assert all(o.rate == 24000 for o in audio)
    finals = [o.text for o in seen if isinstance(o, AnswerTranscript) and o.final]
    assert finals == ["Let me check.", "It is sunny and 21 C in Paris in Paris."]
    assert [o.final for o in seen if isinstance(o, ResponseFinished)] == [False, True]
    assert result.tool_calls[0].output == "sunny and 21 C in Paris"
    assert result.audio == b""  # a live session plays its audio; it does not hoard it


async def test_interrupt_cancels_the_response_and_truncates_at_what_was_played() -> None:
    voice = VoiceAgent(agent(), turn_detection="push_to_talk")
    async with (
        scripted() as server,
        client_of(server) as client,
        voice.session(client=client) as live,
    ):
        await live.feed(SPEECH, 16000)
        await live.end_turn()
        async for out in live:
            if isinstance(out, AudioOut):
                cut = await live.interrupt(played_ms=40)
                break
        seen = []
        async for out in live:  # the rest of the first response, then the cancel's done
            seen.append(out)
            if isinstance(out, ResponseFinished) and out.status == "cancelled":
                break
    assert cut == Interrupted(response_id="resp_1", item_id="item_a1", played_ms=40)
    assert len(sent(server, "response.cancel")) == 1
    [truncate] = sent(server, "conversation.item.truncate")
    assert truncate == {
        "type": "conversation.item.truncate",
        "item_id": "item_a1",
        "content_index": 0,
        "audio_end_ms": 40,
    }
    # the cancelled response's function call was not run
    assert not any(isinstance(o, ToolStarted) for o in seen)
    assert sent(server, "conversation.item.create") == []


async def test_interrupt_clamps_played_ms_to_what_arrived_and_is_none_with_nothing_playing() -> (
    None
):
    voice = VoiceAgent(agent(), turn_detection="push_to_talk")
    async with (
        scripted() as server,
        client_of(server) as client,
        voice.session(client=client) as live,
    ):
        assert await live.interrupt(100) is None  # nothing played yet
        await live.feed(SPEECH, 16000)
        await live.end_turn()
        async for out in live:
            if isinstance(out, AudioOut):
                cut = await live.interrupt(played_ms=10**9)
                break
    delivered = int(pcm_ms(DELTA_PCM, 24000))
    assert cut is not None
    assert cut.played_ms == delivered
    assert sent(server, "conversation.item.truncate")[0]["audio_end_ms"] == delivered


async def test_user_speech_over_a_playing_answer_truncates_it_by_itself() -> None:
    voice = VoiceAgent(agent(), turn_detection="server_vad")
    script = Script(calls=[[]])  # a plain answer, no tool
    async with (
        scripted(script) as server,
        client_of(server) as client,
        voice.session(client=client) as live,
    ):
        await live.feed(SPEECH, 16000)
        await live.feed(bytes(24000 * 2 * 600 // 1000))  # the server hears the turn end
        seen: list[Any] = []
        async for out in live:
            seen.append(out)
            if isinstance(out, AudioOut) and sum(isinstance(o, AudioOut) for o in seen) == 2:
                await live.feed(SPEECH, 16000)  # the user speaks again at once
            if (
                isinstance(out, UserSpeaking)
                and len([o for o in seen if isinstance(o, UserSpeaking)]) == 2
            ):
                break
    cuts = [o for o in seen if isinstance(o, Interrupted)]
    assert len(cuts) == 1, seen
    [truncate] = sent(server, "conversation.item.truncate")
    assert truncate["item_id"] == "item_a1"
    # cut where the wall clock says playback was: well before all 200 ms that arrived
    assert 0 <= truncate["audio_end_ms"] < 2 * pcm_ms(DELTA_PCM, 24000)
    assert seen.index(cuts[0]) < max(i for i, o in enumerate(seen) if isinstance(o, UserSpeaking))


async def test_end_turn_is_for_push_to_talk_only() -> None:
    voice = VoiceAgent(agent(), turn_detection="server_vad")
    async with (
        scripted() as server,
        client_of(server) as client,
        voice.session(client=client) as live,
    ):
        with pytest.raises(errors.UsageError, match="push_to_talk"):
            await live.end_turn()


async def test_leaving_a_live_session_early_closes_the_socket_and_leaves_nothing() -> None:
    voice = VoiceAgent(agent(), turn_detection="push_to_talk")
    before = asyncio.all_tasks()
    async with scripted() as server, client_of(server) as client:
        async with voice.session(client=client) as live:
            await live.feed(SPEECH, 16000)
            await live.end_turn()
            async for _ in live:
                break
        await settled(server)
    assert server.closes == [1000]
    assert asyncio.all_tasks() - before - {asyncio.current_task()} == set()


async def test_a_microphone_task_feeds_while_another_iterates_under_server_vad() -> None:
    voice = VoiceAgent(agent(), turn_detection="server_vad")
    before = asyncio.all_tasks()
    async with (
        scripted() as server,
        client_of(server) as client,
        voice.session(client=client) as live,
    ):

        async def microphone() -> None:
            for _ in range(10):  # 40 ms chunks at 16 kHz, as a sound card gives them
                await live.feed(SPEECH[:1280], 16000)
            await live.feed(bytes(2 * live.input_rate * 600 // 1000))  # then the user stops

        async with asyncio.TaskGroup() as tg:
            tg.create_task(microphone())
            async for out in live:
                if isinstance(out, ResponseFinished) and out.final:
                    break
        result = live.result()
    appends = sent(server, "input_audio_buffer.append")
    assert len(appends) == 11
    assert len(base64.b64decode(appends[0]["audio"])) == 1280 * 24000 // 16000
    assert result.tool_calls[0].output == "sunny and 21 C in Paris"
    assert result.input_transcript == INPUT_TRANSCRIPT
    assert asyncio.all_tasks() - before - {asyncio.current_task()} == set()


async def test_user_speech_while_the_answer_is_still_coming_cancels_and_truncates_it() -> None:
    voice = VoiceAgent(agent(), turn_detection="server_vad")
    async with (
        scripted(Script(hold=True)) as server,
        client_of(server) as client,
        voice.session(client=client) as live,
    ):
        await live.feed(SPEECH, 16000)
        await live.feed(bytes(2 * live.input_rate * 600 // 1000))  # the server hears it end
        seen: list[Any] = []
        async for out in live:
            seen.append(out)
            if isinstance(out, AudioOut):
                await live.feed(SPEECH, 16000)  # the user talks over the answer
            if isinstance(out, ResponseFinished):
                break
    [cut] = [o for o in seen if isinstance(o, Interrupted)]
    assert (cut.response_id, cut.item_id) == ("resp_1", "item_a1")
    assert 0 <= cut.played_ms <= pcm_ms(DELTA_PCM, 24000)
    assert len(sent(server, "response.cancel")) == 1
    [truncate] = sent(server, "conversation.item.truncate")
    assert (truncate["item_id"], truncate["audio_end_ms"]) == ("item_a1", cut.played_ms)
    kinds = [type(o) for o in seen]
    assert kinds.index(Interrupted) < len(kinds) - 1 - kinds[::-1].index(UserSpeaking)
    assert seen[-1] == ResponseFinished(
        response_id="resp_1", status="cancelled", usage={}, final=True
    )
