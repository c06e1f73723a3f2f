"""Every telemetry name agentrt emits: GenAI semantic conventions (v1.41 names) and agentrt's own.

Span operation names, attribute keys (:class:`Attr`), metric names and their
bucket boundaries, and the content-capture switch and limit. The facade
(:mod:`agentrt.telemetry.tracing`) re-exports them all; the span recorders import them
from here, so they never import the facade.
"""

from __future__ import annotations

__all__ = [
    "AGENT_DURATION",
    "CAPTURE_CONTENT_ENV",
    "DURATION_BUCKETS",
    "INSTRUMENTATION_NAME",
    "MAX_CONTENT_CHARS",
    "OPERATION_DURATION",
    "OP_CHAT",
    "OP_EXECUTE_TOOL",
    "OP_INVOKE_AGENT",
    "OP_REALTIME",
    "PROVIDER",
    "TIME_PER_OUTPUT_CHUNK",
    "TIME_TO_FIRST_CHUNK",
    "TOKEN_BUCKETS",
    "TOKEN_USAGE",
    "TOOL_DURATION",
    "Attr",
]

PROVIDER = "x_ai"
"""``gen_ai.provider.name`` of every xAI call."""
OP_CHAT = "chat"
OP_INVOKE_AGENT = "invoke_agent"
OP_EXECUTE_TOOL = "execute_tool"
OP_REALTIME = "realtime"
"""``gen_ai.operation.name`` of a realtime (voice) session."""
INSTRUMENTATION_NAME = "agentrt"


class Attr:
    """Span and metric attribute keys (GenAI semantic conventions)."""

    OPERATION = "gen_ai.operation.name"
    PROVIDER = "gen_ai.provider.name"
    REQUEST_MODEL = "gen_ai.request.model"
    REQUEST_TEMPERATURE = "gen_ai.request.temperature"
    REQUEST_TOP_P = "gen_ai.request.top_p"
    REQUEST_MAX_TOKENS = "gen_ai.request.max_tokens"
    REQUEST_SEED = "gen_ai.request.seed"
    REQUEST_STOP = "gen_ai.request.stop_sequences"
    REQUEST_FREQUENCY_PENALTY = "gen_ai.request.frequency_penalty"
    REQUEST_PRESENCE_PENALTY = "gen_ai.request.presence_penalty"
    REQUEST_CHOICE_COUNT = "gen_ai.request.choice.count"
    REQUEST_STREAM = "gen_ai.request.stream"
    OUTPUT_TYPE = "gen_ai.output.type"
    RESPONSE_ID = "gen_ai.response.id"
    RESPONSE_MODEL = "gen_ai.response.model"
    RESPONSE_FINISH_REASONS = "gen_ai.response.finish_reasons"
    RESPONSE_TIME_TO_FIRST_CHUNK = "gen_ai.response.time_to_first_chunk"
    USAGE_INPUT = "gen_ai.usage.input_tokens"
    USAGE_OUTPUT = "gen_ai.usage.output_tokens"
    USAGE_REASONING = "gen_ai.usage.reasoning.output_tokens"
    USAGE_CACHE_READ = "gen_ai.usage.cache_read.input_tokens"
    USAGE_COST = "agentrt.usage.cost_usd"
    """US dollars the model service reported for a call (chat span) or a run (invoke_agent
    span, sub-agents included); set only when the service reported a cost (the
    conventions define no cost attribute; named for agentrt)."""
    CONVERSATION_ID = "gen_ai.conversation.id"
    AGENT_NAME = "gen_ai.agent.name"
    AGENT_DESCRIPTION = "gen_ai.agent.description"
    TOOL_NAME = "gen_ai.tool.name"
    TOOL_CALL_ID = "gen_ai.tool.call.id"
    TOOL_TYPE = "gen_ai.tool.type"
    TOOL_DESCRIPTION = "gen_ai.tool.description"
    TOOL_CALL_ARGUMENTS = "gen_ai.tool.call.arguments"
    TOOL_CALL_RESULT = "gen_ai.tool.call.result"
    TOOL_DEFINITIONS = "gen_ai.tool.definitions"
    INPUT_MESSAGES = "gen_ai.input.messages"
    OUTPUT_MESSAGES = "gen_ai.output.messages"
    SYSTEM_INSTRUCTIONS = "gen_ai.system_instructions"
    TOKEN_TYPE = "gen_ai.token.type"
    SERVER_ADDRESS = "server.address"
    SERVER_PORT = "server.port"
    ERROR_TYPE = "error.type"
    RPC_SYSTEM = "rpc.system"
    RPC_SERVICE = "rpc.service"
    RPC_METHOD = "rpc.method"


OPERATION_DURATION = "gen_ai.client.operation.duration"
TOKEN_USAGE = "gen_ai.client.token.usage"
TIME_TO_FIRST_CHUNK = "gen_ai.client.operation.time_to_first_chunk"
TIME_PER_OUTPUT_CHUNK = "gen_ai.client.operation.time_per_output_chunk"
AGENT_DURATION = "agentrt.agent.duration"
"""Seconds per agent run (the conventions define no agent metric; named for agentrt)."""
TOOL_DURATION = "agentrt.tool.duration"
"""Seconds per tool call (the conventions define no tool metric; named for agentrt)."""

DURATION_BUCKETS: tuple[float, ...] = (
    0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
)  # fmt: skip
"""The conventions' boundaries for operation duration, time to first chunk and per chunk."""
TOKEN_BUCKETS: tuple[float, ...] = tuple(float(4**i) for i in range(14))
"""The conventions' boundaries for token usage: 1, 4, 16, … 67108864."""

CAPTURE_CONTENT_ENV = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"
MAX_CONTENT_CHARS = 16_384
"""Longest captured content attribute; longer ones are cut and end with a marker."""
