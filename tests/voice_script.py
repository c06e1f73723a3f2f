"""A scripted conversation for the voice agent's tests, on top of tests/realtime_server.py.

``use_script(monkeypatch)`` makes every :class:`~tests.realtime_server.ScriptedRealtime`
started in the test hold a :class:`ScriptedConversation`: with ``server.script`` unset
it behaves exactly as the base one; with a :class:`Script` it asks for the scripted
function calls in each response and emulates server VAD (speech starts at the first
audio that is not silence; 500 ms of silence, over one or many appends, ends the turn: speech_stopped, committed,
the transcript, and a response), as a real server does.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests import realtime_server
from tests.realtime_server import DELTA_PCM, ScriptedRealtime

__all__ = ["Script", "ScriptedConversation", "scripted", "use_script"]

VAD_SILENCE_MS = 500


@dataclass
class Script:
    """What the model does: ``calls[i]`` are the calls of response ``i + 1`` (none after)."""

    calls: list[list[tuple[str, str]]] = field(
        default_factory=lambda: [[("get_weather", '{"city": "Paris"}')]]
    )
    always: tuple[str, str] | None = None  # call this in every response (a model in a loop)
    hold: bool = False  # after the first audio, wait for the user to speak over it


class ScriptedConversation(realtime_server._Conversation):
    """The base conversation, or the script's when the server has one."""

    @property
    def script(self) -> Script | None:
        return getattr(self.server, "script", None)

    async def _handle(self, event: dict[str, Any]) -> bool:
        if self.script is None or event.get("type") != "input_audio_buffer.append":
            return await super()._handle(event)
        audio = base64.b64decode(event["audio"])
        self.audio += len(audio)
        audio_in = self.session.get("audio", {}).get("input", {})
        if not audio_in.get("turn_detection"):
            return False
        rate = audio_in.get("format", {}).get("rate", 24000)
        quiet = 0 if any(audio) else getattr(self, "quiet", 0) + len(audio)
        self.quiet = quiet  # bytes of silence since the last sound
        if quiet == 0 and not self.speaking:
            self.speaking = True
            start = {"item_id": "item_u1", "audio_start_ms": 0}
            await self.send({"type": "input_audio_buffer.speech_started", **start})
        elif self.speaking and quiet >= rate * 2 * VAD_SILENCE_MS // 1000:
            self.quiet = 0
            await self._committed()
            return await self._respond()
        return False

    async def _respond(self) -> bool:
        script = self.script
        if script is None:
            return await super()._respond()
        self.responses += 1
        rid = f"resp_{self.responses}"
        await self.send({"type": "response.created", "response": {"id": rid}})
        if script.hold:
            return await self._held(rid, f"item_a{self.responses}")
        text = f"It is {self.outputs[-1]} in Paris." if self.outputs else "Let me check."
        if await self._speak(rid, f"item_a{self.responses}", text):
            return True
        calls = script.calls[self.responses - 1] if self.responses <= len(script.calls) else []
        if script.always is not None:
            calls = [script.always]
        for i, (name, arguments) in enumerate(calls):
            ids = {"response_id": rid, "item_id": f"item_fc{i}", "output_index": 1 + i}
            await self.send(
                {
                    "type": "response.function_call_arguments.done",
                    **ids,
                    "call_id": f"call_{self.responses}_{i}",
                    "name": name,
                    "arguments": arguments,
                }
            )
        usage = {"total_tokens": 10, "input_tokens": 7, "output_tokens": 3}
        done = {"id": rid, "status": "completed", "usage": usage}
        await self.send({"type": "response.done", "response": done})
        return False

    async def _held(self, rid: str, item: str) -> bool:
        """One audio delta, then still "speaking" until the client cancels (barge-in)."""
        ids = {"response_id": rid, "item_id": item, "output_index": 0, "content_index": 0}
        delta = base64.b64encode(DELTA_PCM).decode()
        await self.send({"type": "response.output_audio.delta", **ids, "delta": delta})
        async for msg in self.ws:
            event = json.loads(msg.data)
            self.server.received.append(event)
            if event["type"] == "input_audio_buffer.append" and any(
                base64.b64decode(event["audio"])
            ):
                start = {"item_id": "item_u2", "audio_start_ms": 0}
                await self.send({"type": "input_audio_buffer.speech_started", **start})
            elif event["type"] == "response.cancel":
                done = {"id": rid, "status": "cancelled", "usage": {}}
                await self.send({"type": "response.done", "response": done})
                return False
        return True


def use_script(monkeypatch: pytest.MonkeyPatch) -> None:
    """Servers started from now on (in this test) hold a :class:`ScriptedConversation`."""
    monkeypatch.setattr(realtime_server, "_Conversation", ScriptedConversation)


def scripted(script: Script | None = None, **knobs: Any) -> ScriptedRealtime:
    """A server that follows ``script`` (default: one get_weather call, then the answer)."""
    server = ScriptedRealtime(realtime_server.Knobs(**knobs))
    server.script = script or Script()  # type: ignore[attr-defined]
    return server
