"""The values that cross the Temporal boundary: workflow input/output and activity arguments.

Plain dataclasses of JSON-friendly fields (``str``, numbers, ``dict``, ``list``),
so Temporal's default JSON converter stores them in the workflow history as
they are. This module imports only the standard library: the workflow sandbox
loads it, and the workflow is deterministic code over these values.
Conversation messages, tool records and usage travel as dicts made by
:mod:`agentrt.durable.codec`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "APPROVE_SIGNAL",
    "DEFAULT_APPROVAL_TIMEOUT",
    "EVENTS_QUERY",
    "EXTRA_ACTIVITY",
    "MODEL_ACTIVITY",
    "PENDING_QUERY",
    "SESSION_APPEND_ACTIVITY",
    "SESSION_LOAD_ACTIVITY",
    "TOOL_ACTIVITY",
    "WORKFLOW_NAME",
    "ActivityOptions",
    "ExtraCall",
    "ModelCall",
    "ModelReply",
    "RunInput",
    "RunOutput",
    "RunPlan",
    "SessionAppend",
    "SessionHistory",
    "SessionRef",
    "ToolCallInput",
    "ToolPolicy",
    "ToolReply",
]

MODEL_ACTIVITY = "agentrt.model_call"
TOOL_ACTIVITY = "agentrt.tool_call"
EXTRA_ACTIVITY = "agentrt.run_extra"  # a hook, or the input/output guardrails
WORKFLOW_NAME = "agentrt.agent_run"
EVENTS_QUERY = "events"
PENDING_QUERY = "pending"
APPROVE_SIGNAL = "approve"
SESSION_LOAD_ACTIVITY = "agentrt.session_load"
SESSION_APPEND_ACTIVITY = "agentrt.session_append"
DEFAULT_APPROVAL_TIMEOUT = 24 * 3600.0


@dataclass(kw_only=True)
class ActivityOptions:
    """Timeouts and retries of the activities of one durable run.

    Attributes:
        model_timeout: seconds one model-call attempt may take.
        tool_timeout: seconds one tool-call attempt may take (a tool's own timeout wins).
        heartbeat_timeout: an attempt whose worker is silent this long is retried
            elsewhere (when retries are allowed); activities heartbeat 3x as often.
        model_attempts: model-call attempts on UNAVAILABLE or rate limiting.
        tool_attempts: attempts of a tool marked idempotent (others run once).
        retry_initial: seconds before the first retry (doubling after, up to 30 s).
    """

    model_timeout: float = 300.0
    tool_timeout: float = 300.0
    heartbeat_timeout: float = 30.0
    model_attempts: int = 5
    tool_attempts: int = 3
    retry_initial: float = 1.0


@dataclass(kw_only=True)
class ToolPolicy:
    """What the workflow needs to know about one tool: its timeout and whether it may be retried."""

    timeout: float | None = None
    idempotent: bool = False


@dataclass(kw_only=True)
class RunPlan:
    """The agent's limits and tool policies, fixed when the run starts (see :class:`agentrt.agents.limits.Limits`)."""

    max_turns: int = 10
    timeout: float | None = None
    max_tool_concurrency: int = 8
    output_retries: int = 1
    unknown_tool: str = "error"
    max_identical_tool_calls: int | None = 3
    tools: dict[str, ToolPolicy] = field(default_factory=dict)
    activities: ActivityOptions = field(default_factory=ActivityOptions)
    approval_timeout: float = DEFAULT_APPROVAL_TIMEOUT
    # the agent's hook names and guardrail kinds ("input", "output") run as activities
    extras: list[str] = field(default_factory=list)
    # token and cost budgets (agentrt.agents.budget); None: no limit
    max_input_tokens: int | None = None
    max_output_tokens: int | None = None
    max_cost_usd: float | None = None
    budget_scope: str = "run"


@dataclass(kw_only=True)
class SessionRef:
    """The session a durable run continues: its id and the store (a path or URL, see
    :func:`agentrt.sessions.open_store.open_store`) the workers' activities open."""

    session_id: str
    store: str


@dataclass(kw_only=True)
class RunInput:
    """What starts a durable run: the agent's name on the workers, the input, its variables."""

    agent: str
    input: str
    vars: dict[str, str] = field(default_factory=dict)
    metadata: dict[str, str] = field(default_factory=dict)
    plan: RunPlan = field(default_factory=RunPlan)
    session: SessionRef | None = None
    parts: list[dict[str, Any]] = field(default_factory=list)  # pictures, files (message JSON)


@dataclass(kw_only=True)
class SessionHistory:
    """A session's turns so far, as the conversation the run continues."""

    turns: int
    messages: list[dict[str, Any]]
    usage: list[dict[str, Any]] = field(default_factory=list)  # each turn's (budget_scope)


@dataclass(kw_only=True)
class SessionAppend:
    """The turn a finished run appends (idempotent: a retry after a crash does not add it twice)."""

    session: SessionRef
    expected_turns: int
    input: str
    messages: list[dict[str, Any]]
    response_id: str | None
    created_at: float
    usage: dict[str, int]


@dataclass(kw_only=True)
class ExtraCall:
    """A hook (``what`` = its name) or guardrails (``what`` = ``"input"``/``"output"``) to run."""

    agent: str
    vars: dict[str, str]
    what: str
    turn: int
    metadata: dict[str, str] = field(default_factory=dict)
    value: Any = None
    result: RunOutput | None = None


@dataclass(kw_only=True)
class ModelCall:
    """One model call: the conversation so far (no system message; the worker adds it)."""

    agent: str
    vars: dict[str, str]
    messages: list[dict[str, Any]]
    timeout: float | None = None
    turn: int = 0
    metadata: dict[str, str] = field(default_factory=dict)
    model_index: int = 0  # where in [model, *fallbacks] the run is (fallbacks are sticky)


@dataclass(kw_only=True)
class ModelReply:
    """A model call's answer, with the structured output already validated by the worker.

    ``valid`` is False when the answer did not match the output schema (``reason``
    says why); ``output`` is the JSON-ready final answer when it did. ``pending``
    lists the calls a person must approve first (``call_id``, ``tool``, ``arguments``,
    ``note``): the tools' ``needs_approval`` checks are user code, so the worker runs them.
    """

    response_id: str
    finish_reason: str
    message: dict[str, Any]
    content: str
    tool_calls: list[dict[str, Any]]
    usage: dict[str, Any]
    valid: bool = True
    output: Any = None
    reason: str = ""
    pending: list[dict[str, Any]] = field(default_factory=list)
    model_index: int = 0  # the model that answered (agentrt.agents.fallback)
    fallbacks: list[dict[str, Any]] = field(default_factory=list)  # taken on this call


@dataclass(kw_only=True)
class ToolCallInput:
    """One tool call of a turn."""

    agent: str
    vars: dict[str, str]
    call: dict[str, Any]
    turn: int
    timeout: float | None = None
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(kw_only=True)
class ToolReply:
    """A finished tool call: its record (a result, or an error the model reads), and the model
    usage spent inside the tool (a sub-agent), to add to the run's."""

    record: dict[str, Any]
    usage: dict[str, Any] = field(default_factory=dict)


@dataclass(kw_only=True)
class RunOutput:
    """What a durable run returns (and attaches, partial, to its typed failures)."""

    agent: str
    run_id: str
    output: Any
    text: str
    messages: list[dict[str, Any]]
    tool_calls: list[dict[str, Any]]
    usage: dict[str, Any]
    turns: int
    response_ids: list[str]
    repeated_tool_calls: list[dict[str, Any]] = field(default_factory=list)
    duration: float = 0.0
    fallbacks: list[dict[str, Any]] = field(default_factory=list)
