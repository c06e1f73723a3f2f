"""The voice agent's side of a realtime conversation: events in, outputs and tool runs out.

:class:`VoiceEngine` reads a :class:`~agentrt.xai.realtime.session.RealtimeSession`'s
events and yields :mod:`agentrt.agents.voice_events` outputs. When a response ends
with function calls it runs them through the text agent's
:func:`~agentrt.agents.dispatch.dispatch` (argument validation, per-tool timeouts,
errors given back to the model as the call's output, sync tools on the tool
threads, ``execute_tool`` spans), sends each output as a ``function_call_output``
item and asks for the next response with ``response.create``.

The agent's :class:`~agentrt.agents.limits.Limits` apply per user turn (one
question and the responses that answer it): ``max_turns`` bounds the responses,
``max_identical_tool_calls`` the repeated calls, ``timeout`` the time from the end
of the user's speech to the final response (tools get what is left).

Barge-in: :meth:`VoiceEngine.interrupt` cancels the response in progress
(``response.cancel``) and truncates the assistant's audio item at what was played
(``conversation.item.truncate``); a ``speech_started`` event while an answer is
still playing does the same, estimating what was played from the wall clock
(audio is played as fast as it is spoken).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncGenerator
from contextlib import aclosing
from typing import TYPE_CHECKING, Any

from agentrt.agents.dispatch import ToolCallRecord, dispatch
from agentrt.agents.limits import canonical_arguments, max_turns_message, tool_loop_message
from agentrt.agents.tools import ToolContext
from agentrt.agents.voice_events import (
    AnswerTranscript,
    AudioOut,
    Interrupted,
    ResponseFinished,
    ToolFinished,
    ToolStarted,
    UserSpeaking,
    UserTranscript,
    VoiceNotice,
    VoiceOutput,
)
from agentrt.agents.voice_result import VoiceResult, add_usage
from agentrt.agents.voice_telemetry import ResponseSpan
from agentrt.errors import MaxTurnsExceeded, RunTimeout, ToolLoopDetected, UnknownToolError
from agentrt.telemetry.tracing import activate, telemetry_of
from agentrt.xai.messages import ToolCall
from agentrt.xai.realtime.events import (
    AudioCommitted,
    AudioDelta,
    FunctionCall,
    InputTranscript,
    ResponseCreated,
    ResponseDone,
    ServerError,
    SpeechStarted,
    SpeechStopped,
    TranscriptDelta,
    TranscriptDone,
)

if TYPE_CHECKING:
    from agentrt.agents.agent import Agent
    from agentrt.telemetry.runs import AgentRun
    from agentrt.xai.realtime.session import RealtimeSession

__all__ = ["VoiceEngine"]


class VoiceEngine:
    """The state of one voice conversation and the loop that answers its events.

    Args:
        agent: whose tools, limits and name apply.
        rt: the entered realtime session.
        client: the client (tools get it through their ``ToolContext``).
        run_id: the conversation's id (tools' ``ToolContext.run_id``).
        trace: the conversation's ``invoke_agent`` span, when telemetry is on.
        timeout: seconds a user turn may take to its final response (default:
            ``agent.limits.timeout``).
        keep_audio: keep the answers' audio for :meth:`result` (one question's worth in
            ``run_audio``; a live session, which may last hours, keeps none).
    """

    def __init__(
        self,
        agent: Agent[Any],
        rt: RealtimeSession,
        *,
        client: Any,
        run_id: str,
        trace: AgentRun | None = None,
        timeout: float | None = None,
        keep_audio: bool = True,
    ) -> None:
        self.agent = agent
        self.keep_audio = keep_audio
        self.rt = rt
        self.rate = rt.config.output_rate
        self.trace = trace
        self._telemetry = telemetry_of(client)
        self._context = ToolContext(agent=agent.name, run_id=run_id, client=client)
        self.started = time.monotonic()
        self.timeout = agent.limits.timeout if timeout is None else timeout
        self.committed = asyncio.Event()  # the server took the user's audio as a turn
        # the whole conversation
        self.audio = bytearray()
        self.answers: list[str] = []
        self.heard: list[str] = []
        self.records: list[ToolCallRecord] = []
        self.usage: dict[str, Any] = {}
        self.responses = 0
        self.first_audio_s: float | None = None
        # the user turn in progress
        self.turn_end: float | None = None
        self.turn_end_first: float | None = None  # time to first audio counts from here
        self.deadline: float | None = None
        self.turn_responses = 0
        self.seen_calls: dict[tuple[str, str], int] = {}
        # the response in progress
        self.response_id = ""
        self.active = False
        self.calls: list[ToolCall] = []
        self.span: ResponseSpan | None = None
        self.asked_at: float | None = None  # when the response was asked for (turn end, tools)
        self.spoke = False  # its first audio came
        self.cancelled: set[str] = set()
        # the assistant audio item being played: id, bytes delivered, when its first came
        self.item = ""
        self.item_bytes = 0
        self.item_since = 0.0

    # -- the user's turn --------------------------------------------------------------------

    def turn_ended(self, at: float | None = None) -> None:
        """The user stopped speaking (a commit sent, or the server heard it): limits restart."""
        if self.turn_end is not None and self.turn_responses == 0:
            return  # the same turn, told twice (speech_stopped then committed)
        self.turn_end = self.asked_at = time.monotonic() if at is None else at
        if self.turn_end_first is None:
            self.turn_end_first = self.turn_end
        timeout = self.timeout
        self.deadline = None if timeout is None else self.turn_end + timeout
        self.turn_responses = 0
        self.seen_calls.clear()

    # -- events -------------------------------------------------------------------------------

    async def outputs(self) -> AsyncGenerator[VoiceOutput, None]:
        """Read events until the server closes the session, yielding what they mean."""
        try:
            async with aclosing(self._read()) as outputs:
                async for out in outputs:
                    yield out
        except BaseException as exc:
            span, self.span = self.span, None
            if span is not None:  # the session ended mid-response: its span ends too
                failed = None if isinstance(exc, GeneratorExit) else exc
                span.end("incomplete", {}, failed)
            raise

    async def _read(self) -> AsyncGenerator[VoiceOutput, None]:
        async for event in self.rt:
            if isinstance(event, AudioDelta):
                yield self._audio(event)
            elif isinstance(event, ResponseDone):
                finished, calls = self._response_done(event)
                yield finished
                if calls:
                    self._count_repeats(calls)
                    for c in calls:
                        yield ToolStarted(call_id=c.id, name=c.name, arguments=c.arguments)
                    for record in await self._run_tools(calls):
                        yield ToolFinished(record=record)
                    await self._next_response()
            elif isinstance(event, SpeechStarted):
                cut = await self._barge_in()
                if cut is not None:
                    yield cut
                yield UserSpeaking(event.item_id)
            else:
                said = await self._other(event)
                if said is not None:
                    yield said

    def _audio(self, event: AudioDelta) -> AudioOut:
        now = time.monotonic()
        if event.item_id != self.item:
            self.item, self.item_bytes, self.item_since = event.item_id, 0, now
        if not self.spoke:  # the response's first audio: how long after it was asked for
            self.spoke = True
            if self.span is not None and self.asked_at is not None:
                self.span.first_audio(max(0.0, now - self.asked_at))
        if self.first_audio_s is None:
            self.first_audio_s = now
        self.item_bytes += len(event.audio)
        if self.keep_audio:
            self.audio += event.audio
        return AudioOut(event.response_id, event.item_id, event.audio, self.rate)

    async def _other(self, event: object) -> VoiceOutput | None:
        if isinstance(event, TranscriptDelta):
            return AnswerTranscript(event.response_id, event.text, final=False)
        if isinstance(event, TranscriptDone):
            self.answers.append(event.text)
            return AnswerTranscript(event.response_id, event.text, final=True)
        if isinstance(event, FunctionCall):
            self.calls.append(
                ToolCall(id=event.call_id, name=event.name, arguments=event.arguments)
            )
            return None
        if isinstance(event, ResponseCreated):
            self._response_created(event.response_id)
            return None
        if isinstance(event, InputTranscript):
            self.heard.append(event.text)
            return UserTranscript(event.item_id, event.text)
        if isinstance(event, SpeechStopped | AudioCommitted):
            self.turn_ended()
            if isinstance(event, AudioCommitted):
                self.committed.set()
            return None
        if isinstance(event, ServerError):
            return VoiceNotice(error_type=event.type, code=event.code or "", message=event.message)
        return None

    def _response_created(self, response_id: str) -> None:
        if self.turn_end is None:
            self.turn_ended()  # a response the client did not see a turn for (text, a tool)
        self.responses += 1
        self.turn_responses += 1
        self.response_id, self.active, self.calls, self.spoke = response_id, True, [], False
        self.committed.set()  # the server took the turn, whether or not it said "committed"
        model = self.rt.model
        self.span = ResponseSpan(self._telemetry, self.trace, model=model, response_id=response_id)

    def _response_done(self, event: ResponseDone) -> tuple[ResponseFinished, list[ToolCall]]:
        """The response's end, and the calls to run now (none when it was cut or final)."""
        add_usage(self.usage, event.usage)
        self.active = False
        if self.span is not None:
            self.span.end(event.status, event.usage)
            self.span = None
        calls, self.calls = self.calls, []
        if event.status != "completed" or event.response_id in self.cancelled:
            calls = []  # a cancelled response's calls are not run
        if not calls:
            self.turn_end = None  # the next turn's limits start at its own end of speech
        finished = ResponseFinished(
            response_id=event.response_id, status=event.status, usage=event.usage, final=not calls
        )
        return finished, calls

    async def _next_response(self) -> None:
        """Ask for the response that reads the tools' outputs, within ``max_turns``."""
        if self.turn_responses >= self.agent.limits.max_turns:
            raise MaxTurnsExceeded(
                max_turns_message(self.agent.name, self.agent.limits.max_turns),
                result=self.result(),
            )
        self.asked_at = time.monotonic()
        await self.rt.create_response()

    # -- tools --------------------------------------------------------------------------------

    def _count_repeats(self, calls: list[ToolCall]) -> None:
        limit = self.agent.limits.max_identical_tool_calls
        for c in calls:
            key = (c.name, canonical_arguments(c.arguments))
            count = self.seen_calls[key] = self.seen_calls.get(key, 0) + 1
            if limit is not None and count > limit:
                raise ToolLoopDetected(
                    tool_loop_message(c.name, c.arguments, count), result=self.result()
                )

    async def _run_tools(self, calls: list[ToolCall]) -> list[ToolCallRecord]:
        limits = self.agent.limits
        if self.deadline is not None and self.deadline <= time.monotonic():
            raise self.timeout_error()
        try:
            with activate(self.trace):  # execute_tool spans nest under the run's
                records = await dispatch(
                    calls,
                    self.agent.tools,
                    turn=self.turn_responses,
                    max_concurrency=limits.max_tool_concurrency,
                    deadline=self.deadline,
                    unknown_tool=limits.unknown_tool,
                    context=self._context,
                    max_result_chars=limits.max_tool_result_chars,
                )
        except TimeoutError as e:
            raise self.timeout_error() from e
        except UnknownToolError as e:
            e.result = self.result()
            raise
        self.records.extend(records)
        for r in records:
            await self.rt.send_function_output(r.call_id, r.output)
        return records

    def timeout_error(self) -> RunTimeout:
        """The error of a turn that ran out of ``limits.timeout``, with the partial result."""
        budget = self.timeout or 0.0
        return RunTimeout(
            f"agent {self.agent.name!r} ran out of its {budget:g} s budget "
            f"in response {self.turn_responses}",
            result=self.result(),
        )

    # -- barge-in -----------------------------------------------------------------------------

    def _delivered_ms(self) -> int:
        return int(self.item_bytes / 2 / self.rate * 1000)

    async def _barge_in(self) -> Interrupted | None:
        """The user spoke over the answer: cut it where the wall clock says it was played."""
        if not self.item:
            return None
        played = int((time.monotonic() - self.item_since) * 1000)
        if self.active or played < self._delivered_ms():
            return await self.interrupt(played)
        return None

    async def interrupt(self, played_ms: int | None = None) -> Interrupted | None:
        """Cancel the response in progress and truncate its audio at ``played_ms``.

        Args:
            played_ms: how much of the current answer item was played (default: all
                that arrived). Clamped to what arrived.

        Returns:
            What was cut, or ``None`` when no answer was playing.
        """
        delivered = self._delivered_ms()
        played = delivered if played_ms is None else max(0, min(int(played_ms), delivered))
        response_id = self.response_id
        if self.active and response_id not in self.cancelled:
            self.cancelled.add(response_id)
            await self.rt.cancel_response()
        elif not self.item or played >= delivered:
            return None
        item, self.item = self.item, ""
        if item:
            await self.rt.truncate(item, played)
        return Interrupted(response_id=response_id, item_id=item, played_ms=played)

    # -- results ------------------------------------------------------------------------------

    def result(self) -> VoiceResult:
        """What the conversation has done so far (errors carry it too)."""
        ttfa = None
        if self.first_audio_s is not None:
            start = self.turn_end_first if self.turn_end_first is not None else self.started
            ttfa = max(0.0, self.first_audio_s - start)
        return VoiceResult(
            audio=bytes(self.audio),
            rate=self.rate,
            transcript=" ".join(t for t in self.answers if t),
            input_transcript=" ".join(t for t in self.heard if t),
            tool_calls=tuple(self.records),
            usage=json.loads(json.dumps(self.usage)),
            time_to_first_audio_s=ttfa,
            responses=self.responses,
            duration=time.monotonic() - self.started,
        )
