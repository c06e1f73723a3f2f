"""The simulator's Chat service: completions (unary, streamed, deferred) and stored responses."""

from __future__ import annotations

import asyncio
import itertools
import os
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterable
from functools import lru_cache
from typing import NamedTuple

import grpc
from agentrt_protos.xai.api.v1 import chat_pb2, deferred_pb2, usage_pb2

from agentrt.sim.catalogue import find_model
from agentrt.sim.chat_sources import ChatSources
from agentrt.sim.compact import compact_context
from agentrt.sim.decode import prompt_from_request, turns_from_messages
from agentrt.sim.encode import ResponseMeta, chunk_stream, completion_response, usage_of
from agentrt.sim.explain import EXPLAIN_HEADER, explain_json, wants_explain, write_explain
from agentrt.sim.faults import CallPlan, FaultInjector
from agentrt.sim.grounding import Grounding
from agentrt.sim.knobs import MAX_RESPONSE_TOKENS
from agentrt.sim.model import Prompt, Reply, respond
from agentrt.sim.script import Script
from agentrt.sim.status import SimStatus
from agentrt.sim.store import CompletionStore, DeferredStore, Stored

__all__ = ["Call", "ChatService", "text_metadata"]

Context = grpc.aio.ServicerContext[object, object]
Admit = Callable[[Context], None]

_ID_PREFIX = str(uuid.uuid4())[:24]  # a version-4 UUID's first 80 bits, drawn once per process
_ID_NUMBERS = itertools.count()


def _new_prefix() -> None:
    """A forked child draws its own prefix: it must not repeat its parent's ids."""
    global _ID_PREFIX, _ID_NUMBERS
    _ID_PREFIX, _ID_NUMBERS = str(uuid.uuid4())[:24], itertools.count()


os.register_at_fork(after_in_child=_new_prefix)


def _new_id() -> str:
    """A unique id formatted as a UUID: the process's random prefix and a 48-bit counter.

    ``str(uuid.uuid4())`` per call costs a few µs; this is a tenth of that.
    """
    return f"{_ID_PREFIX}{next(_ID_NUMBERS) & 0xFFFF_FFFF_FFFF:012x}"


class Call(NamedTuple):
    """What one model call works from (:meth:`ChatService.prepare` makes it).

    A named tuple, not a frozen dataclass: made for every call, and three times cheaper.
    """

    plan: CallPlan
    prompt: Prompt
    reply: Reply
    meta: ResponseMeta
    delay_s: float  # a scripted turn's extra delay
    history: tuple[chat_pb2.Message, ...]  # the stored conversation previous_response_id named


@lru_cache(maxsize=64)
def _fingerprint(model: str) -> str:
    entry = find_model(model, "language")
    return entry.fingerprint if entry else "fp_sim"


def text_metadata(context: Context) -> dict[str, str]:
    """The call's text metadata (binary ``-bin`` values left out), keys lower case."""
    return {k: v for k, v in (context.invocation_metadata() or ()) if isinstance(v, str)}


def _answered(
    request: chat_pb2.GetCompletionsRequest, history: tuple[chat_pb2.Message, ...]
) -> int:
    """The assistant turns in the call's conversation (a per-conversation script's cursor)."""
    role = chat_pb2.ROLE_ASSISTANT
    return sum(m.role == role for m in history) + sum(m.role == role for m in request.messages)


async def _stall_for_deadline(plan: CallPlan, context: Context) -> None:
    remaining = context.time_remaining()
    cap = plan.deadline_stall_ms / 1000
    await asyncio.sleep(cap if remaining is None else min(remaining, cap))
    raise SimStatus(grpc.StatusCode.DEADLINE_EXCEEDED, "simulated fault: deadline exceeded")


class ChatService:
    """Handlers of ``xai_api.Chat``; state (stores, call counters) lives here."""

    def __init__(
        self,
        *,
        injector: FaultInjector,
        script: Script | None,
        admit: Admit,
        sources: ChatSources | None = None,
        explain: bool = False,
    ) -> None:
        self.explain = explain  # every call: x-sim-explain trailer and a line on stderr
        self.injector = injector
        self.script = script
        self.admit = admit
        self.sources = sources  # attached files and collections (None: the model reads none)
        self.completions = CompletionStore()
        self.deferred = DeferredStore()

    async def prepare(self, request: chat_pb2.GetCompletionsRequest, context: Context) -> Call:
        """Admit the call, apply its error faults, read the prompt and make the reply.

        Both doors (gRPC here, the REST door in :mod:`agentrt.sim.rest`) start a model call
        with this, so faults, the script, admission and stores apply the same over either.

        Raises:
            SimStatus: the key is wrong, a fault fired, or the request is bad.
        """
        self.admit(context)
        metadata = text_metadata(context)
        plan = self.injector.plan(metadata)
        if plan.error is not None:
            if plan.error == "deadline":
                await _stall_for_deadline(plan, context)
            plan.raise_error()
        self.injector.fail_model(metadata, request.model, plan)
        history: tuple[chat_pb2.Message, ...] = ()
        if request.HasField("previous_response_id"):
            history = tuple(self.completions.get(request.previous_response_id).history())
        prompt = prompt_from_request(request, history)
        delay_s = 0.0
        if self.script is not None:
            turn = self.script.next_turn(_answered(request, history))
            delay_s = turn.delay_ms / 1000
            if turn.error is not None:
                await asyncio.sleep(delay_s)
                raise SimStatus(turn.error, turn.message)
            reply = turn.reply(prompt)
        else:
            grounding: Grounding | None = None
            if self.sources is not None and (prompt.collections or prompt.attachments):
                grounding = self.sources.ground(prompt)
            reply = respond(prompt, plan.quirks, grounding)
            if self.explain or wants_explain(metadata):
                self._explain(context, reply, plan.call_number)
        meta = ResponseMeta(
            response_id=_new_id(),
            model=prompt.model,
            fingerprint=_fingerprint(prompt.model),
            created=int(time.time()),
            outputs=max(1, request.n) if request.HasField("n") else 1,
            top_logprobs=prompt.top_logprobs if prompt.logprobs else None,
            service_tier=(
                usage_pb2.SERVICE_TIER_PRIORITY
                if prompt.priority
                else usage_pb2.SERVICE_TIER_DEFAULT
            ),
        )
        if meta.outputs * reply.completion_tokens > MAX_RESPONSE_TOKENS:
            raise SimStatus(
                grpc.StatusCode.INVALID_ARGUMENT,
                f"n={meta.outputs} answers of {reply.completion_tokens} tokens are more than "
                f"{MAX_RESPONSE_TOKENS:,} tokens in all: lower n or x-sim-output-tokens",
            )
        return Call(
            plan=plan, prompt=prompt, reply=reply, meta=meta, delay_s=delay_s, history=history
        )

    def _explain(self, context: Context, reply: Reply, call_number: int) -> None:
        """Send why the model chose its tools as a trailer (and, with --explain, to stderr)."""
        text = explain_json(reply.explain)
        setter = getattr(context, "set_trailing_metadata", None)
        if setter is not None:  # the REST door's context has no trailers
            setter(((EXPLAIN_HEADER, text),))
        if self.explain:
            write_explain(call_number, text)

    @staticmethod
    def usage(call: Call) -> usage_pb2.SamplingUsage:
        """The usage ``call`` reports (every output, image parts and price included)."""
        return usage_of(
            call.reply,
            outputs=call.meta.outputs,
            image_parts=call.prompt.image_parts,
            model=call.meta.model,
        )

    def finish(
        self, call: Call, request: chat_pb2.GetCompletionsRequest
    ) -> chat_pb2.GetChatCompletionResponse:
        """The unary response of ``call``, stored when the request set ``store_messages``."""
        usage = self.usage(call)
        response = completion_response(call.reply, call.meta, usage)
        if request.store_messages:
            messages = (*call.history, *request.messages)
            self.completions.put(Stored(messages=messages, response=response))
        return response

    @staticmethod
    def generation_s(call: Call) -> float:
        """How long ``call``'s whole answer takes to generate (TTFT, inter-token gaps, script)."""
        realism = call.plan.realism
        if not (realism.ttft_ms or realism.itl_ms):
            return call.delay_s  # the common case, per call: no pacing
        chunks = -(
            -(call.reply.completion_tokens + call.reply.reasoning_tokens)
            // realism.tokens_per_chunk
        )
        return call.delay_s + (realism.ttft_ms + realism.itl_ms * max(chunks - 1, 0)) / 1000

    async def get_completion(
        self, request: chat_pb2.GetCompletionsRequest, context: Context
    ) -> chat_pb2.GetChatCompletionResponse:
        """``GetCompletion``: the whole answer, after the simulated generation time."""
        call = await self.prepare(request, context)
        wait = self.generation_s(call)
        if wait > 0:
            await asyncio.sleep(wait)
        return self.finish(call, request)

    async def get_completion_chunk(
        self, request: chat_pb2.GetCompletionsRequest, context: Context
    ) -> AsyncIterator[bytes]:
        """``GetCompletionChunk``: pre-serialized chunks, paced by TTFT and inter-token delay."""
        try:
            call = await self.prepare(request, context)
        except SimStatus as status:
            await context.abort(
                status.code, status.details, trailing_metadata=status.trailing_metadata()
            )
        realism = call.plan.realism
        usage = self.usage(call)
        chunks: Iterable[bytes] = chunk_stream(
            call.reply, call.meta, usage, tokens_per_chunk=realism.tokens_per_chunk
        )
        abort_after = call.plan.abort_after
        if abort_after is not None:
            chunks = list(itertools.islice(chunks, abort_after))
            abort_after = len(chunks)
        first = (realism.ttft_ms / 1000) + call.delay_s
        if first > 0:
            await asyncio.sleep(first)
        gap = realism.itl_ms / 1000
        if gap > 0:
            for i, chunk in enumerate(chunks):
                if i:
                    await asyncio.sleep(gap)
                yield chunk
        else:
            for chunk in chunks:
                yield chunk
        if abort_after is not None:
            await context.abort(
                grpc.StatusCode.UNAVAILABLE,
                f"simulated fault: stream aborted after {abort_after} chunks "
                f"(call {call.plan.call_number})",
            )
        if request.store_messages:
            self.finish(call, request)

    async def start_deferred(
        self, request: chat_pb2.GetCompletionsRequest, context: Context
    ) -> deferred_pb2.StartDeferredResponse:
        """``StartDeferredCompletion``: answer now, report DONE after the generation time."""
        call = await self.prepare(request, context)
        response = self.finish(call, request)
        request_id = _new_id()
        self.deferred.put(request_id, self.generation_s(call), response)
        return deferred_pb2.StartDeferredResponse(request_id=request_id)

    async def get_deferred(
        self, request: deferred_pb2.GetDeferredRequest, context: Context
    ) -> chat_pb2.GetDeferredCompletionResponse:
        """``GetDeferredCompletion``: PENDING or DONE."""
        self.admit(context)
        return self.deferred.get(request.request_id)

    async def get_stored(
        self, request: chat_pb2.GetStoredCompletionRequest, context: Context
    ) -> chat_pb2.GetChatCompletionResponse:
        """``GetStoredCompletion``: a response stored with ``store_messages``."""
        self.admit(context)
        return self.completions.get(request.response_id).response

    async def compact_context(
        self, request: chat_pb2.CompactContextRequest, context: Context
    ) -> chat_pb2.CompactContextResponse:
        """``CompactContext``: the conversation made shorter, its facts kept (:mod:`.compact`)."""
        self.admit(context)
        turns, _ = turns_from_messages(request.input)
        return compact_context(request, turns)

    async def delete_stored(
        self, request: chat_pb2.DeleteStoredCompletionRequest, context: Context
    ) -> chat_pb2.DeleteStoredCompletionResponse:
        """``DeleteStoredCompletion``."""
        self.admit(context)
        self.completions.delete(request.response_id)
        return chat_pb2.DeleteStoredCompletionResponse(response_id=request.response_id)
