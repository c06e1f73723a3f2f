"""Voice agents: a text :class:`~agentrt.agents.agent.Agent`'s instructions and tools in a
realtime (speech-to-speech) session.

::

    voice = VoiceAgent(agent, voice="Rex", turn_detection="push_to_talk")
    async with Client() as client:
        result = await voice.run_audio(pcm16, 16000, client=client)  # one spoken question
        result.audio, result.transcript, result.tool_calls, result.time_to_first_audio_s

        async with voice.session(client=client) as live:    # a microphone
            await live.feed(chunk)                           # PCM16 at live.input_rate
            async for out in live:                           # AudioOut, ToolStarted, ...
                ...
            await live.interrupt(played_ms)                  # barge-in

The agent's function tools go to the session as its tools (the same schemas a
text run declares) and run through the same dispatch (see
:mod:`agentrt.agents.voice_engine`). Server-side tools, files, collections and
structured output have no realtime counterpart: such an agent is refused with a
:class:`~agentrt.errors.UsageError` naming what to remove.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

from agentrt.agents.agent import Agent
from agentrt.agents.tools import Tool
from agentrt.agents.voice_engine import VoiceEngine
from agentrt.agents.voice_events import ResponseFinished, VoiceNotice, VoiceOutput
from agentrt.agents.voice_result import VoiceResult
from agentrt.agents.voice_session import LiveVoiceSession
from agentrt.errors import AgentError, InvalidRequest, RunTimeout, ServerError, UsageError
from agentrt.telemetry.tracing import activate, telemetry_of
from agentrt.xai.deadline import current_deadline
from agentrt.xai.realtime.audio import resample
from agentrt.xai.realtime.config import DEFAULT_RATE, SessionConfig
from agentrt.xai.realtime.events import MALFORMED

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from agentrt.telemetry.runs import AgentRun
    from agentrt.xai.client import Client
    from agentrt.xai.realtime.session import RealtimeSession

__all__ = ["TRAILING_SILENCE_MS", "TURN_DETECTIONS", "VAD_GRACE_S", "TurnDetection", "VoiceAgent"]

TurnDetection = Literal["server_vad", "push_to_talk"]
TURN_DETECTIONS: tuple[TurnDetection, ...] = ("server_vad", "push_to_talk")
TRAILING_SILENCE_MS = 600
"""Silence ``run_audio`` sends after the question under server VAD, so the server hears it end."""
VAD_GRACE_S = 3.0
"""Under server VAD, seconds after that silence before ``run_audio`` commits the turn itself."""


class VoiceAgent:
    """An agent that listens and speaks, over xAI's realtime API.

    Args:
        agent: the agent whose instructions, function tools and limits apply.
        voice: Ara (default), Rex, Sal, Eve or Leo (any case).
        turn_detection: ``"server_vad"`` (the server hears the user stop) or
            ``"push_to_talk"`` (the client commits the audio and asks for the answer).
        model: the realtime model (default: the agent's model name).
        rate: Hz of the session's audio, in and out (8000-48000, default 24000).

    Raises:
        UsageError: an unknown voice or turn detection, or an agent with tools or
            features a realtime session cannot carry.
    """

    def __init__(
        self,
        agent: Agent[Any],
        *,
        voice: str = "Ara",
        turn_detection: TurnDetection = "server_vad",
        model: str | None = None,
        rate: int = DEFAULT_RATE,
    ) -> None:
        if not isinstance(agent, Agent):
            raise UsageError(f"VoiceAgent takes an Agent, got {type(agent).__name__}")
        if turn_detection not in TURN_DETECTIONS:
            raise UsageError(
                f"turn_detection must be 'server_vad' or 'push_to_talk', got {turn_detection!r}"
            )
        _check_voice_able(agent)
        self.agent = agent
        self.turn_detection = turn_detection
        self.model = model or (agent.model if isinstance(agent.model, str) else None)
        self.config = SessionConfig(
            voice=voice,
            instructions=agent.instructions,
            tools=tuple(t.declaration() for t in agent.tools.functions.values()),
            turn_detection="server_vad" if turn_detection == "server_vad" else None,
            input_rate=rate,
            output_rate=rate,
        )

    def __repr__(self) -> str:
        return (
            f"VoiceAgent(agent={self.agent.name!r}, voice={self.config.voice!r}, "
            f"turn_detection={self.turn_detection!r})"
        )

    @property
    def voice(self) -> str:
        """The voice, in its canonical case."""
        return self.config.voice

    def session(self, *, client: Client, run_id: str | None = None) -> LiveVoiceSession:
        """A live conversation (a microphone): ``async with voice.session(client=c) as live``."""
        return LiveVoiceSession(self, client, run_id or os.urandom(16).hex())

    async def enter(
        self, stack: contextlib.AsyncExitStack, client: Client, run_id: str
    ) -> tuple[RealtimeSession, AgentRun | None]:
        """Open the conversation's ``invoke_agent`` span and its realtime session on ``stack``.

        The session (and its ``realtime {model}`` span) nests under the run's span.
        """
        trace = stack.enter_context(self.traced(client, run_id))
        with activate(trace):
            session = client.realtime.connect(model=self.model, session=self.config)
            rt = await stack.enter_async_context(session)
        return rt, trace

    async def run_audio(
        self,
        pcm16: bytes,
        rate: int = DEFAULT_RATE,
        *,
        client: Client,
        run_id: str | None = None,
        timeout: float | None = None,  # noqa: ASYNC109 - the run's whole budget, like limits.timeout
        on_output: Callable[[VoiceOutput], None] | None = None,
    ) -> VoiceResult:
        """Answer one spoken question (a whole utterance) and collect the spoken answer.

        The audio is resampled to the session's rate and sent; under push-to-talk it
        is committed and a response asked for, under server VAD
        :data:`TRAILING_SILENCE_MS` of silence follows so the server hears the turn
        end. Tool calls run until a response asks for none.

        Args:
            pcm16: the question, PCM16 mono at ``rate`` Hz.
            rate: its sample rate.
            client: the client that reaches the realtime API.
            run_id: the conversation's id (default: a fresh one).
            timeout: seconds for the whole run (default: ``agent.limits.timeout``); an
                active :func:`agentrt.xai.deadline.budget` caps it.
            on_output: called with each output as it happens (what was heard, tools
                started and finished, transcripts, audio), e.g. to show progress.

        Raises:
            UsageError: audio that is not PCM16 bytes, a bad rate.
            MaxTurnsExceeded, ToolLoopDetected, RunTimeout, UnknownToolError: with the
                partial :class:`VoiceResult` as ``result``.
            AgentError: the response failed, or the session ended before an answer.
            RPCError, StreamInterrupted: the connection failed or dropped.
        """
        audio = resample(pcm16, rate, self.config.input_rate)
        if not audio:
            raise UsageError("the question has no audio (0 samples)")
        budget = self.agent.limits.timeout if timeout is None else timeout
        if budget is not None and not budget > 0:
            raise UsageError(f"timeout must be > 0 seconds, got {budget!r}")
        caller = current_deadline()  # an active budget() scope caps the run too
        if caller is not None:
            left = max(0.0, caller.at - time.monotonic())
            budget = left if budget is None else min(budget, left)
        run_id = run_id or os.urandom(16).hex()
        engine: VoiceEngine | None = None
        scope = asyncio.timeout(budget)
        try:
            async with scope, contextlib.AsyncExitStack() as stack:
                rt, trace = await self.enter(stack, client, run_id)
                engine = VoiceEngine(
                    self.agent, rt, client=client, run_id=run_id, trace=trace, timeout=budget
                )
                return await _converse(self, engine, audio, on_output)
        except TimeoutError:
            if not scope.expired():
                raise
            if engine is not None:
                raise engine.timeout_error() from None
            raise RunTimeout(
                f"agent {self.agent.name!r} ran out of its {budget:g} s budget while connecting"
            ) from None

    def traced(self, client: Any, run_id: str) -> AbstractContextManager[Any]:
        """The conversation's ``invoke_agent`` span (a no-op while telemetry is off)."""
        agent = self.agent
        return telemetry_of(client).agent_run(
            agent=agent.name,
            model=self.model or "",
            conversation_id=run_id,
            instructions=agent.instructions,
            redactions=agent.redactions,
        )


def _check_voice_able(agent: Agent[Any]) -> None:
    """Refuse what a realtime session cannot carry, naming it."""
    others = [t for t in agent.tools.items if not isinstance(t, Tool)]
    if others:
        kinds = ", ".join(sorted({type(t).__name__ for t in others}))
        raise UsageError(
            f"agent {agent.name!r}: voice agents run function tools only; remove the "
            f"server-side tools ({kinds})"
        )
    asking = sorted(t.name for t in agent.tools.items if isinstance(t, Tool) and t.needs_approval)
    if asking:
        # A voice session cannot pause for a person yet; running such a tool unasked is worse.
        raise UsageError(
            f"agent {agent.name!r}: voice agents cannot wait for a person's approval yet; "
            f"tool(s) {', '.join(asking)} need one: run them in a text agent, or drop needs_approval"
        )
    if agent._setup.output is not None:
        raise UsageError(
            f"agent {agent.name!r}: a voice agent speaks its answer; remove output_type/output_schema"
        )
    if agent.files or agent._collections:
        raise UsageError(
            f"agent {agent.name!r}: voice agents take no files or collections; remove them"
        )


async def _converse(
    voice: VoiceAgent,
    engine: VoiceEngine,
    audio: bytes,
    on_output: Callable[[VoiceOutput], None] | None,
) -> VoiceResult:
    """Send the question while reading the answer; the result once a response asks for no tool."""
    try:
        async with asyncio.TaskGroup() as tg:
            sender = tg.create_task(_speak(voice, engine, audio), name="voice:send")
            async with contextlib.aclosing(engine.outputs()) as outputs:
                async for out in outputs:
                    if on_output is not None:
                        on_output(out)
                    if _answered(voice, engine, out):
                        sender.cancel()
                        return engine.result()
            raise AgentError(
                f"agent {voice.agent.name!r}: the server ended the session before answering",
                result=engine.result(),
            )
    except BaseExceptionGroup as group:
        raise _first(group) from None


def _answered(voice: VoiceAgent, engine: VoiceEngine, out: VoiceOutput) -> bool:
    """True at the final response; raises for a failed one or a server's ``error`` event."""
    if isinstance(out, VoiceNotice) and out.code != MALFORMED:  # a garbled frame is skipped
        cls = InvalidRequest if out.error_type == "invalid_request_error" else ServerError
        raise cls(f"the realtime server said: {out.message}", code=out.code or "400")
    if not isinstance(out, ResponseFinished) or not out.final:
        return False
    if out.status == "failed":
        raise AgentError(
            f"agent {voice.agent.name!r}: the realtime response failed", result=engine.result()
        )
    return True


def _first(group: BaseExceptionGroup[BaseException]) -> BaseException:
    """The error that ended a task group (not the cancellations it caused)."""
    for exc in group.exceptions:
        if isinstance(exc, BaseExceptionGroup):
            return _first(exc)
        if not isinstance(exc, asyncio.CancelledError):
            return exc
    return group.exceptions[0]


async def _speak(voice: VoiceAgent, engine: VoiceEngine, audio: bytes) -> None:
    """Send the question, then end the turn the way the session's turn detection wants."""
    rt = engine.rt
    await rt.append_audio(audio)
    if voice.turn_detection == "push_to_talk":
        await rt.commit_audio()
        engine.turn_ended()
        await rt.create_response()
        return
    silence = bytes(2 * (rt.config.input_rate * TRAILING_SILENCE_MS // 1000))
    await rt.append_audio(silence)
    engine.turn_ended(time.monotonic())
    try:
        await asyncio.wait_for(engine.committed.wait(), VAD_GRACE_S)
    except TimeoutError:  # the server's VAD never ended the turn: end it ourselves
        await rt.commit_audio()
        await rt.create_response()
