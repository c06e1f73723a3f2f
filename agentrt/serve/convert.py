"""From agent runs to ``agentrt.v1`` messages: events, results, agent descriptions.

The run result mirrors ``agentrt run --json`` (:mod:`agentrt.agents.run_summary`):
output (text or structured), turns, tool calls, usage, model, response ids.
Text and reasoning deltas become one ``RunEvent`` each with the text as it
came, with no other work per chunk.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agentrt_protos.agentrt.v1 import agent_pb2 as pb
from google.protobuf import json_format

from agentrt.agents.events import (
    ReasoningDelta,
    RunFinished,
    TextDelta,
    ToolCallFinished,
    ToolCallStarted,
    TurnFinished,
)
from agentrt.telemetry.redaction import NO_REDACTIONS, Redactions

if TYPE_CHECKING:
    from agentrt.agents.dispatch import ToolCallRecord
    from agentrt.agents.events import AgentEvent
    from agentrt.agents.run_result import RunResult
    from agentrt.serve.catalog import ServedAgent
    from agentrt.xai.chat_response import Usage

__all__ = [
    "agent_details",
    "agent_summary",
    "event_message",
    "failed_status",
    "result_message",
    "tool_call_message",
    "usage_message",
]


def usage_message(usage: Usage) -> pb.Usage:
    """Token usage as ``agentrt.v1.Usage``."""
    return pb.Usage(
        input_tokens=usage.prompt_tokens,
        output_tokens=usage.completion_tokens,
        reasoning_tokens=usage.reasoning_tokens,
        cost_usd=usage.cost_usd,
    )


def tool_call_message(record: ToolCallRecord) -> pb.ToolCall:
    """One finished tool call: the result sent to the model, or the error."""
    message = pb.ToolCall(
        call_id=record.call_id,
        name=record.name,
        arguments=record.arguments,
        turn=record.turn,
        duration_s=record.duration,
    )
    if record.error is None:
        message.result = record.output
    else:
        message.error.CopyFrom(
            pb.ToolError(
                kind=record.error.kind, type=record.error.type, message=record.error.message
            )
        )
    return message


def result_message(result: RunResult[Any], *, model: str, structured: bool) -> pb.RunResult:
    """A (final or partial) run result; ``structured`` picks the output's form."""
    message = pb.RunResult(
        agent=result.agent,
        run_id=result.run_id,
        turns=result.turns,
        tool_calls=[tool_call_message(r) for r in result.tool_calls],
        usage=usage_message(result.usage),
        model=model,
        response_ids=result.response_ids,
        duration_s=result.duration,
    )
    if result.fallbacks:  # agentrt.agents.fallback
        message.fallbacks.extend(
            pb.ModelFallback(
                turn=f.turn, from_model=f.from_model, to_model=f.to_model, error=f.error
            )
            for f in result.fallbacks
        )
    output = result.output
    if structured and output is not None:
        from agentrt.agents.run_summary import jsonable

        json_format.ParseDict(jsonable(output), message.structured)
    elif isinstance(output, str):
        message.text = output
    return message


def failed_status(exc: BaseException, shown: Redactions = NO_REDACTIONS) -> pb.RunStatus:
    """The status of a run that failed as an agent run (values from ``${ENV}`` shown as markers).

    A tripped guardrail is GUARDRAIL_TRIPPED (its name, kind and reason); a failed
    hook is HOOK_FAILED naming the hook and the error's type only (what a hook
    raised may quote anything it held).
    """
    from agentrt.errors import GuardrailTripped, HookFailed

    if isinstance(exc, GuardrailTripped):
        return pb.RunStatus(
            state=pb.RunStatus.GUARDRAIL_TRIPPED,
            error_type="GuardrailTripped",
            message=shown.text(str(exc)),
            guardrail=exc.guardrail,
            guardrail_kind=exc.kind,
        )
    if isinstance(exc, HookFailed):
        cause = exc.__cause__
        what = f" ({type(cause).__name__})" if cause is not None else ""
        return pb.RunStatus(
            state=pb.RunStatus.HOOK_FAILED,
            error_type="HookFailed",
            message=f"hook {exc.hook} failed{what}",
            hook=exc.hook,
        )
    return pb.RunStatus(
        state=pb.RunStatus.FAILED, error_type=type(exc).__name__, message=shown.text(str(exc))
    )


def event_message(event: AgentEvent, *, model: str, structured: bool) -> pb.RunEvent:
    """One streamed event as ``agentrt.v1.RunEvent``."""
    if type(event) is TextDelta:  # the hot path first
        return pb.RunEvent(text_delta=event.text)
    if type(event) is ReasoningDelta:
        return pb.RunEvent(reasoning_delta=event.text)
    if isinstance(event, ToolCallStarted):
        started = pb.ToolCallStarted(
            turn=event.turn, call_id=event.call_id, name=event.name, arguments=event.arguments
        )
        return pb.RunEvent(tool_call_started=started)
    if isinstance(event, ToolCallFinished):
        return pb.RunEvent(tool_call_finished=tool_call_message(event.record))
    if isinstance(event, TurnFinished):
        turn = pb.TurnFinished(
            turn=event.turn,
            response_id=event.response_id,
            finish_reason=event.finish_reason,
            usage=usage_message(event.usage),
        )
        return pb.RunEvent(turn_finished=turn)
    if isinstance(event, RunFinished):
        result = result_message(event.result, model=model, structured=structured)
        return pb.RunEvent(run_finished=pb.RunFinished(result=result))
    raise TypeError(f"unknown agent event {type(event).__name__}")


def agent_summary(served: ServedAgent) -> pb.AgentSummary:
    """What ``ListAgents`` says about one agent."""
    limits = served.limits
    spec = served.spec  # values from ${ENV} are shown as <from $NAME>
    return pb.AgentSummary(
        name=served.name,
        description=spec.shown(spec.description),
        model=served.model,
        tools=[
            pb.ToolSummary(name=t.name, kind=t.kind, description=t.description)
            for t in served.tools
        ],
        variables=served.variables,
        structured_output=served.structured,
        limits=pb.RunLimits(
            max_turns=limits.max_turns,
            timeout_s=limits.timeout or 0.0,
            max_tool_concurrency=limits.max_tool_concurrency,
            output_retries=limits.output_retries,
        ),
    )


def agent_details(served: ServedAgent) -> pb.GetAgentResponse:
    """What ``GetAgent`` says: the summary and the JSON Schemas of variables and output."""
    message = pb.GetAgentResponse(agent=agent_summary(served))
    message.variables_schema.update(served.variables_schema())
    schema = served.output_schema()
    if schema is not None:
        message.output_schema.update(schema)
    return message
