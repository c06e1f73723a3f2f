"""A live voice conversation (a microphone): :class:`LiveVoiceSession`.

::

    async with voice_agent.session(client=client) as live:
        await live.feed(chunk)               # from the microphone, PCM16 at live.input_rate
        await live.end_turn()                # push-to-talk only: the user let go of the key
        async for out in live:               # AudioOut to play, transcripts, tools, ...
            ...
        await live.interrupt(played_ms)      # barge-in: stop the answer where playback is

Feed from one task and iterate in another (or the same): nothing runs in the
background, so leaving the ``async with`` (normally, by an error or by
cancellation) closes the socket and leaves nothing running.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol

from agentrt.agents.voice_engine import VoiceEngine
from agentrt.errors import UsageError
from agentrt.xai.realtime.audio import resample

if TYPE_CHECKING:
    from agentrt.agents.agent import Agent
    from agentrt.agents.voice_events import Interrupted, VoiceOutput
    from agentrt.agents.voice_result import VoiceResult
    from agentrt.telemetry.runs import AgentRun
    from agentrt.xai.realtime.config import SessionConfig
    from agentrt.xai.realtime.session import RealtimeSession

__all__ = ["LiveVoiceSession", "VoiceSetup"]


class VoiceSetup(Protocol):
    """What a live session needs of its :class:`~agentrt.agents.voice_agent.VoiceAgent`."""

    @property
    def agent(self) -> Agent[Any]:
        """The agent whose tools and limits apply."""
        ...

    @property
    def turn_detection(self) -> str:
        """``server_vad`` or ``push_to_talk``."""
        ...

    @property
    def config(self) -> SessionConfig:
        """The session's settings."""
        ...

    async def enter(
        self, stack: contextlib.AsyncExitStack, client: Any, run_id: str
    ) -> tuple[RealtimeSession, AgentRun | None]:
        """Open the conversation's span and realtime session on ``stack``."""
        ...


class LiveVoiceSession:
    """A voice agent's open realtime session (made by :meth:`VoiceAgent.session`).

    Attributes:
        input_rate: Hz of the audio :meth:`feed` takes by default.
        output_rate: Hz of :class:`~agentrt.agents.voice_events.AudioOut` audio.
    """

    def __init__(self, voice: VoiceSetup, client: Any, run_id: str) -> None:
        self._voice = voice
        self._client = client
        self._run_id = run_id
        self._stack = contextlib.AsyncExitStack()
        self._engine: VoiceEngine | None = None
        self._outputs: AsyncGenerator[VoiceOutput, None] | None = None
        self.input_rate = voice.config.input_rate
        self.output_rate = voice.config.output_rate

    def __repr__(self) -> str:
        state = "open" if self._engine is not None else "closed"
        return f"LiveVoiceSession(agent={self._voice.agent.name!r}, {state})"

    async def __aenter__(self) -> LiveVoiceSession:
        if self._engine is not None:
            raise UsageError("a LiveVoiceSession is entered once; call session() again")
        stack = self._stack
        try:
            rt, trace = await self._voice.enter(stack, self._client, self._run_id)
        except BaseException:
            await stack.aclose()
            raise
        self._engine = VoiceEngine(
            self._voice.agent,
            rt,
            client=self._client,
            run_id=self._run_id,
            trace=trace,
            keep_audio=False,  # a live session may last hours: the audio was played, not kept
        )
        self._outputs = self._engine.outputs()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        outputs, self._outputs = self._outputs, None
        try:
            if outputs is not None:
                await outputs.aclose()
        finally:
            await self._stack.__aexit__(exc_type, exc, tb)

    def _live(self) -> VoiceEngine:
        if self._engine is None or self._outputs is None:
            raise UsageError("the voice session is not open (use it inside 'async with')")
        return self._engine

    def __aiter__(self) -> LiveVoiceSession:
        return self

    async def __anext__(self) -> VoiceOutput:
        self._live()
        assert self._outputs is not None
        return await self._outputs.__anext__()

    async def feed(self, pcm16: bytes, rate: int | None = None) -> None:
        """Send microphone audio: PCM16 mono at ``rate`` Hz (default :attr:`input_rate`)."""
        engine = self._live()
        if rate is not None and rate != self.input_rate:
            pcm16 = resample(pcm16, rate, self.input_rate)
        await engine.rt.append_audio(pcm16)

    async def end_turn(self) -> None:
        """Push-to-talk: commit the audio fed so far and ask for the answer.

        Raises:
            UsageError: the session uses server VAD (the server ends turns itself).
        """
        engine = self._live()
        if self._voice.turn_detection != "push_to_talk":
            raise UsageError(
                "end_turn() is for push_to_talk; under server_vad the server ends turns"
            )
        await engine.rt.commit_audio()
        engine.turn_ended()
        await engine.rt.create_response()

    async def interrupt(self, played_ms: int | None = None) -> Interrupted | None:
        """Barge-in: cancel the answer in progress and cut its audio at ``played_ms``.

        Args:
            played_ms: milliseconds of the current answer item actually played
                (default: all that arrived).

        Returns:
            What was cut, or ``None`` when no answer was playing.
        """
        return await self._live().interrupt(played_ms)

    def result(self) -> VoiceResult:
        """Everything so far: transcripts, tool calls, usage (``audio`` is empty: it was played)."""
        return self._live().result()
