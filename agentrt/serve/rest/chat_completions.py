"""``POST /v1/chat/completions``: run the agent named by ``model``: :class:`ChatEndpoint`.

``messages`` end with the user's message (the run's input); the ones before
are its history. The answer is one assistant message (a structured-output
agent's JSON as its text). Streamed, it is ``chat.completion.chunk`` s of text
then ``data: [DONE]``; the agent's own tool calls are not sent as
``tool_calls`` (an OpenAI client would try to run them), use ``/v1/responses``
to see them. ``stream_options.include_usage`` adds the usage chunk.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from aiohttp import web

from agentrt.agents.events import TextDelta
from agentrt.errors import AgentError
from agentrt.serve.rest.body import optional_bool, read_json, required_str, string_map
from agentrt.serve.rest.errors import ApiError, error_body
from agentrt.serve.rest.messages import chat_messages
from agentrt.serve.rest.responses import refuse_tools
from agentrt.serve.rest.run import RunRequest, answer_text, prepare, run_failed
from agentrt.serve.rest.streaming import stream_run

if TYPE_CHECKING:
    from agentrt.agents.events import AgentEvent
    from agentrt.serve.rest.run import PreparedRun
    from agentrt.serve.service import AgentsService
    from agentrt.xai.chat_response import Usage

__all__ = ["ChatChunks", "ChatEndpoint", "chat_usage", "run_request"]

Event = dict[str, Any]


def chat_usage(usage: Usage) -> dict[str, Any]:
    """Token usage in chat completions' form."""
    return {
        "prompt_tokens": usage.prompt_tokens,
        "completion_tokens": usage.completion_tokens,
        "total_tokens": usage.total_tokens
        or usage.prompt_tokens + usage.completion_tokens + usage.reasoning_tokens,
        "prompt_tokens_details": {"cached_tokens": usage.cached_prompt_text_tokens},
        "completion_tokens_details": {"reasoning_tokens": usage.reasoning_tokens},
    }


def _include_usage(body: dict[str, Any]) -> bool:
    options = body.get("stream_options")
    if options is None:
        return False
    if not isinstance(options, dict):
        raise ApiError(400, "'stream_options' must be an object", param="stream_options")
    return optional_bool(options, "include_usage")


def run_request(body: dict[str, Any]) -> tuple[RunRequest, bool]:
    """The run a chat completions request asks for, and whether to stream its usage."""
    agent = required_str(body, "model")
    refuse_tools(body)
    if body.get("n") not in (None, 1):
        raise ApiError(400, "'n' must be 1: an agent run gives one answer", param="n")
    text, history, media = chat_messages(body.get("messages"))
    request = RunRequest(
        agent=agent,
        input=text,
        history=history,
        variables=string_map(body, "variables"),
        metadata=string_map(body, "metadata"),
        stream=optional_bool(body, "stream"),
        media=media,
    )
    return request, _include_usage(body)


class ChatChunks:
    """One run's ``chat.completion.chunk`` events (unnamed, then ``[DONE]``)."""

    named, done_marker = False, True

    def __init__(self, *, completion_id: str, model: str, include_usage: bool) -> None:
        self.include_usage = include_usage
        self._head = {
            "id": completion_id,
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": model,
        }

    def _chunk(self, delta: dict[str, Any], finish_reason: str | None = None) -> Event:
        choice = {"index": 0, "delta": delta, "finish_reason": finish_reason, "logprobs": None}
        return {**self._head, "choices": [choice]}

    def started(self) -> list[Event]:
        """The assistant's role, first."""
        return [self._chunk({"role": "assistant", "content": ""})]

    def on(self, event: AgentEvent) -> list[Event]:
        """A chunk per piece of answer text; nothing for the other events."""
        if type(event) is TextDelta:
            return [self._chunk({"content": event.text})]
        return []

    def completed(self, usage: Usage) -> list[Event]:
        """The finish reason, then the usage when it was asked for."""
        chunks = [self._chunk({}, "stop")]
        if self.include_usage:
            chunks.append({**self._head, "choices": [], "usage": chat_usage(usage)})
        return chunks

    def failed(self, failure: ApiError) -> list[Event]:
        """An error event: OpenAI clients raise it."""
        return [error_body(failure)]


class ChatEndpoint:
    """Serves ``POST /v1/chat/completions`` for the agents of ``service``."""

    def __init__(self, service: AgentsService) -> None:
        self.service = service

    async def post(self, request: web.Request) -> web.StreamResponse:
        """Run the agent: a ``chat.completion``, or its chunks."""
        service = self.service
        body = await read_json(request, service.limits.max_message_bytes)
        run_args, include_usage = run_request(body)
        run = prepare(service, run_args, request.headers)
        with service.slots.take():
            if run_args.stream:
                chunks = ChatChunks(
                    completion_id=f"chatcmpl-{run.run_id}",
                    model=run.served.name,
                    include_usage=include_usage,
                )
                return await stream_run(request, run, chunks, scrub=service.scrub)
            return await self._unary(run)

    async def _unary(self, run: PreparedRun) -> web.Response:
        try:
            result = await run.agent.run(run.request.given, **run.kwargs)
        except AgentError as exc:
            raise run_failed(run, exc) from None
        message = {"role": "assistant", "content": answer_text(run, result), "refusal": None}
        completion = {
            "id": f"chatcmpl-{run.run_id}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": run.served.name,
            "choices": [
                {"index": 0, "message": message, "finish_reason": "stop", "logprobs": None}
            ],
            "usage": chat_usage(result.usage),
        }
        return web.json_response(completion)
