"""Runs as the Responses API's objects: :func:`response_object`, :class:`ResponseEvents`.

A run's output items, in order: a ``function_call`` item per tool call the
agent made (its own tools, already run by the server), a
``function_call_output`` item with what the tool returned, and a ``message``
item per stretch of answer text (the last one is the final answer; for a
structured-output agent its text is the JSON). Streamed, each item is opened
(``response.output_item.added``), filled (``response.output_text.delta``,
``response.function_call_arguments.done``) and closed
(``response.output_item.done``) between ``response.created`` and
``response.completed`` (or ``response.failed``), with ``sequence_number`` s.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from agentrt.agents.events import RunFinished, TextDelta, ToolCallFinished, ToolCallStarted

if TYPE_CHECKING:
    from agentrt.agents.dispatch import ToolCallRecord
    from agentrt.agents.events import AgentEvent
    from agentrt.serve.rest.errors import ApiError
    from agentrt.xai.chat_response import Usage

__all__ = [
    "ResponseEvents",
    "call_item",
    "message_item",
    "output_item",
    "response_object",
    "usage_object",
]

Event = dict[str, Any]


def usage_object(usage: Usage) -> dict[str, Any]:
    """Token usage in the Responses API's form."""
    output = usage.completion_tokens + usage.reasoning_tokens
    return {
        "input_tokens": usage.prompt_tokens,
        "input_tokens_details": {"cached_tokens": usage.cached_prompt_text_tokens},
        # OpenAI's output_tokens include the reasoning (agentrt's completion_tokens do not)
        "output_tokens": output,
        "output_tokens_details": {"reasoning_tokens": usage.reasoning_tokens},
        "total_tokens": usage.total_tokens or usage.prompt_tokens + output,
    }


def message_item(item_id: str, text: str, status: str = "completed") -> dict[str, Any]:
    """An assistant message item with one ``output_text`` part."""
    content = [{"type": "output_text", "text": text, "annotations": [], "logprobs": []}]
    return {
        "type": "message",
        "id": item_id,
        "role": "assistant",
        "status": status,
        "content": content if status == "completed" else [],
    }


def call_item(call_id: str, name: str, arguments: str, status: str) -> dict[str, Any]:
    """A ``function_call`` item: a call the agent made to one of its own tools."""
    return {
        "type": "function_call",
        "id": f"fc_{call_id}",
        "call_id": call_id,
        "name": name,
        "arguments": arguments,
        "status": status,
    }


def output_item(record: ToolCallRecord) -> dict[str, Any]:
    """A ``function_call_output`` item: what the tool returned (or its error), as the model saw it."""
    return {
        "type": "function_call_output",
        "id": f"fco_{record.call_id}",
        "call_id": record.call_id,
        "output": record.output,
        "status": "completed" if record.ok else "incomplete",
    }


def response_object(
    *,
    response_id: str,
    model: str,
    created_at: int,
    output: list[dict[str, Any]],
    status: str,
    usage: Usage | None = None,
    error: dict[str, Any] | None = None,
    instructions: str = "",
    metadata: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A ``response`` object (``instructions`` and ``metadata``: the request's, echoed)."""
    return {
        "id": response_id,
        "object": "response",
        "created_at": created_at,
        "status": status,
        "model": model,
        "output": output,
        "usage": None if usage is None else usage_object(usage),
        "error": error,
        "incomplete_details": None,
        "instructions": instructions or None,
        "metadata": metadata or {},
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
    }


class ResponseEvents:
    """Turns one run's agent events into the Responses API's stream events (named events).

    Args:
        response_id: the response's id.
        model: the agent's name.
        instructions: the caller's extra instructions (echoed back).
        metadata: the request's metadata (echoed back).
    """

    def __init__(
        self,
        *,
        response_id: str,
        model: str,
        instructions: str = "",
        metadata: dict[str, str] | None = None,
    ) -> None:
        self.response_id = response_id
        self.named, self.done_marker = True, False
        self.model = model
        self.instructions = instructions
        self.metadata = metadata
        self.created_at = int(time.time())
        self.output: list[dict[str, Any]] = []
        self._sequence = 0
        self._text: list[str] = []  # the open message item's text so far
        self._open_at: dict[str, Any] | None = None  # the open message item's id and index

    def _event(self, kind: str, **fields: Any) -> Event:
        self._sequence += 1
        return {"type": kind, "sequence_number": self._sequence - 1, **fields}

    def _response(self, status: str, **fields: Any) -> dict[str, Any]:
        return response_object(
            response_id=self.response_id,
            model=self.model,
            created_at=self.created_at,
            output=list(self.output),
            status=status,
            instructions=self.instructions,
            metadata=self.metadata,
            **fields,
        )

    def started(self) -> list[Event]:
        """``response.created`` and ``response.in_progress``."""
        return [
            self._event("response.created", response=self._response("in_progress")),
            self._event("response.in_progress", response=self._response("in_progress")),
        ]

    def on(self, event: AgentEvent) -> list[Event]:
        """The stream events for one agent event (none for reasoning and turn ends)."""
        if type(event) is TextDelta:  # the hot path first
            return self._delta(event.text)
        if isinstance(event, ToolCallStarted):
            return [*self._close_text(), *self._call(event)]
        if isinstance(event, ToolCallFinished):
            return [*self._close_text(), *self._item(output_item(event.record))]
        if isinstance(event, RunFinished):
            return self._close_text()
        return []

    def completed(self, usage: Usage) -> list[Event]:
        """The open text closed, then ``response.completed`` with the whole response."""
        closing = self._close_text()
        done = self._event("response.completed", response=self._response("completed", usage=usage))
        return [*closing, done]

    def failed(self, failure: ApiError) -> list[Event]:
        """The open text closed, then ``response.failed`` saying why."""
        closing = self._close_text()
        error = {"code": failure.code or "server_error", "message": failure.message}
        return [
            *closing,
            self._event("response.failed", response=self._response("failed", error=error)),
        ]

    def _where(self, item_id: str) -> dict[str, Any]:
        return {"item_id": item_id, "output_index": len(self.output) - 1}

    def _delta(self, text: str) -> list[Event]:
        where, opening = self._open_at, list[Event]()
        if where is None:
            where, opening = self._open_text()
        self._text.append(text)
        delta = self._event(
            "response.output_text.delta", **where, content_index=0, delta=text, logprobs=[]
        )
        return [*opening, delta] if opening else [delta]

    def _open_text(self) -> tuple[dict[str, Any], list[Event]]:
        """Open a message item: where it is, and the events that say so."""
        item = message_item(f"msg_{self.response_id}_{len(self.output)}", "", "in_progress")
        self.output.append(item)
        where = self._open_at = self._where(item["id"])
        part = {"type": "output_text", "text": "", "annotations": [], "logprobs": []}
        return where, [
            self._event(
                "response.output_item.added", output_index=where["output_index"], item=item
            ),
            self._event("response.content_part.added", **where, content_index=0, part=part),
        ]

    def _close_text(self) -> list[Event]:
        where = self._open_at
        if where is None:
            return []
        self._open_at = None
        text = "".join(self._text)
        self._text.clear()
        done = message_item(where["item_id"], text)
        self.output[where["output_index"]] = done
        part = done["content"][0]
        return [
            self._event(
                "response.output_text.done", **where, content_index=0, text=text, logprobs=[]
            ),
            self._event("response.content_part.done", **where, content_index=0, part=part),
            self._event("response.output_item.done", output_index=where["output_index"], item=done),
        ]

    def _call(self, event: ToolCallStarted) -> list[Event]:
        opened = call_item(event.call_id, event.name, "", "in_progress")
        self.output.append(opened)
        where = self._where(opened["id"])
        done = call_item(event.call_id, event.name, event.arguments, "completed")
        self.output[-1] = done
        return [
            self._event(
                "response.output_item.added", output_index=where["output_index"], item=opened
            ),
            self._event("response.function_call_arguments.delta", **where, delta=event.arguments),
            self._event(
                "response.function_call_arguments.done",
                **where,
                name=event.name,
                arguments=event.arguments,
            ),
            self._event("response.output_item.done", output_index=where["output_index"], item=done),
        ]

    def _item(self, item: dict[str, Any]) -> list[Event]:
        """An item complete at once: added and done together."""
        self.output.append(item)
        index = len(self.output) - 1
        return [
            self._event("response.output_item.added", output_index=index, item=item),
            self._event("response.output_item.done", output_index=index, item=item),
        ]
