"""``POST /v1/responses``: run the agent named by ``model``: :class:`ResponsesEndpoint`.

``input`` is the user's text, or a list of input items whose last is the
user's message (the earlier ones are the run's history); ``instructions`` are
added to the agent's own. The agent's tools, model settings and output format
are its own: a request's ``tools`` must be empty, and sampling fields are
ignored. The server keeps no responses, so ``previous_response_id`` is
refused: send the conversation back in ``input`` instead.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from aiohttp import web

from agentrt.errors import AgentError
from agentrt.serve.rest.body import optional_bool, optional_str, read_json, required_str, string_map
from agentrt.serve.rest.errors import ApiError
from agentrt.serve.rest.messages import response_input
from agentrt.serve.rest.response_events import (
    ResponseEvents,
    call_item,
    message_item,
    output_item,
    response_object,
)
from agentrt.serve.rest.run import RunRequest, answer_text, prepare, run_failed
from agentrt.serve.rest.streaming import stream_run
from agentrt.xai.messages import system

if TYPE_CHECKING:
    from agentrt.agents.run_result import RunResult
    from agentrt.serve.rest.run import PreparedRun
    from agentrt.serve.service import AgentsService

__all__ = ["ResponsesEndpoint", "refuse_tools", "run_request"]


def refuse_tools(body: dict[str, Any]) -> None:
    """Refuse tools sent by the caller: a served agent runs its own."""
    tools = body.get("tools")
    if tools not in (None, []):
        raise ApiError(
            400,
            "'tools' must be empty: a served agent calls its own tools, on the server",
            param="tools",
            code="invalid_value",
        )


def run_request(body: dict[str, Any]) -> tuple[RunRequest, str]:
    """The run a Responses API request asks for, and its extra instructions."""
    agent = required_str(body, "model")
    if body.get("previous_response_id") is not None:
        raise ApiError(
            400,
            "'previous_response_id' is not supported: this server keeps no responses; "
            "send the earlier conversation in 'input'",
            param="previous_response_id",
            code="invalid_value",
        )
    refuse_tools(body)
    text, history, media = response_input(body.get("input"))
    instructions = optional_str(body, "instructions")
    if instructions:
        history = (system(instructions), *history)
    request = RunRequest(
        agent=agent,
        input=text,
        history=history,
        variables=string_map(body, "variables"),
        metadata=string_map(body, "metadata"),
        stream=optional_bool(body, "stream"),
        media=media,
    )
    return request, instructions


def _output(run: PreparedRun, result: RunResult[Any]) -> list[dict[str, Any]]:
    """The tool calls and their outputs in order, then the answer."""
    items: list[dict[str, Any]] = []
    for record in result.tool_calls:
        items.append(call_item(record.call_id, record.name, record.arguments, "completed"))
        items.append(output_item(record))
    items.append(message_item(f"msg_{run.run_id}", answer_text(run, result)))
    return items


class ResponsesEndpoint:
    """Serves ``POST /v1/responses`` for the agents of ``service``."""

    def __init__(self, service: AgentsService) -> None:
        self.service = service

    async def post(self, request: web.Request) -> web.StreamResponse:
        """Run the agent: a ``response`` object, or its stream events."""
        service = self.service
        body = await read_json(request, service.limits.max_message_bytes)
        run_args, instructions = run_request(body)
        run = prepare(service, run_args, request.headers)
        with service.slots.take():
            if run_args.stream:
                shapes = ResponseEvents(
                    response_id=f"resp_{run.run_id}",
                    model=run.served.name,
                    instructions=instructions,
                    metadata=run_args.metadata,
                )
                return await stream_run(request, run, shapes, scrub=service.scrub)
            return await self._unary(run, instructions)

    async def _unary(self, run: PreparedRun, instructions: str) -> web.Response:
        try:
            result = await run.agent.run(run.request.given, **run.kwargs)
        except AgentError as exc:
            raise run_failed(run, exc) from None
        response = response_object(
            response_id=f"resp_{run.run_id}",
            model=run.served.name,
            created_at=int(time.time()),
            output=_output(run, result),
            status="completed",
            usage=result.usage,
            instructions=instructions,
            metadata=run.request.metadata,
        )
        return web.json_response(response)
