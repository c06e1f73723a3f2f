"""Every error agentrt raises, in one hierarchy.

::

    AgentrtError                      base; ``exit_code`` is what the CLI exits with
    ├── UsageError                    bad arguments or configuration (exit 2)
    │   └── SpecError                 an invalid agent spec; ``problems`` (agentrt.specs.problems)
    ├── RPCError                      a gRPC call failed (exit 3); code, details, request_id
    │   ├── TransportError            the call did not get an answer from the service
    │   │   ├── Unavailable           UNAVAILABLE (retried by gRPC before this is raised)
    │   │   ├── DeadlineExceeded      DEADLINE_EXCEEDED, or no budget left to start the call
    │   │   └── Cancelled             CANCELLED by the server or the network
    │   └── APIError                  the service answered with an error status
    │       ├── AuthenticationError   UNAUTHENTICATED: missing or wrong API key
    │       ├── PermissionDenied      PERMISSION_DENIED
    │       ├── RateLimited           RESOURCE_EXHAUSTED (rate limit); ``retry_after``
    │       ├── ResponseTooLarge      RESOURCE_EXHAUSTED "message larger than max"; never retried
    │       ├── InvalidRequest        INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE,
    │       │                         ALREADY_EXISTS (e.g. a unique field's value is taken)
    │       ├── NotFound              NOT_FOUND
    │       ├── Unimplemented         UNIMPLEMENTED
    │       ├── ServerError           INTERNAL, UNKNOWN, DATA_LOSS and anything else
    │       ├── IndexingFailed        a collection's document failed to index; ``documents``
    │       └── VideoFailed           a video job ended failed or expired; ``job_id``
    ├── StreamInterrupted             a stream failed after its first chunk (exit 3);
    │                                 ``chunks_received`` and the ``error`` that ended it
    ├── MCPServerError                a local MCP server could not start (exit 2); ``server``, ``reason``
    └── AgentError                    an agent run failed (exit 1); ``result``: the partial RunResult
        ├── MaxTurnsExceeded          the run used ``max_turns`` model calls without finishing
        ├── OutputValidationError     structured output still invalid after the repair turns; ``raw``
        ├── ToolLoopDetected          the model kept repeating one identical tool call
        ├── UnknownToolError          the model called a tool that does not exist (when told to raise)
        ├── ToolFailed                a durable run's tool kept failing after its retries
        ├── SessionConflict           another run appended to the session first; ``result`` kept
        ├── HookFailed                a lifecycle hook raised or hung; ``hook`` names it
        ├── GuardrailTripped          a guardrail stopped the run; ``guardrail``, ``kind``, ``reason``
        ├── RunTimeout                the run's time budget ran out; everything in flight was cancelled
        └── BudgetExceeded            a token or cost limit was (or would be) passed; ``limit``, ``budget``, ``spent``

Foreign errors (``grpc.aio.AioRpcError`` above all) are translated once, at the
transport boundary (:mod:`agentrt.xai.rpc_errors`), into the most specific class here
and raised ``from`` the original. This module imports nothing heavy: status codes
are kept as their names (``"UNAVAILABLE"``). No error message ever contains an
API key.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "APIError",
    "AgentError",
    "AgentrtError",
    "AuthenticationError",
    "BudgetExceeded",
    "Cancelled",
    "DeadlineExceeded",
    "GuardrailTripped",
    "HookFailed",
    "IndexingFailed",
    "InvalidRequest",
    "MCPServerError",
    "MaxTurnsExceeded",
    "NotFound",
    "OutputValidationError",
    "PermissionDenied",
    "RPCError",
    "RateLimited",
    "ResponseTooLarge",
    "RunTimeout",
    "ServerError",
    "SessionConflict",
    "StreamInterrupted",
    "ToolFailed",
    "ToolLoopDetected",
    "TransportError",
    "Unavailable",
    "Unimplemented",
    "UnknownToolError",
    "UsageError",
    "VideoFailed",
]


class AgentrtError(Exception):
    """Base class of every error agentrt raises."""

    exit_code: int = 1


class UsageError(AgentrtError):
    """The caller asked for something that cannot work; the message says what to fix."""

    exit_code = 2


class RPCError(AgentrtError):
    """A gRPC call failed.

    Attributes:
        code: the gRPC status code name, e.g. ``"UNAVAILABLE"``; over REST the HTTP
            status, e.g. ``"429"`` (see agentrt.xai.rest.http_errors).
        details: the status details the server (or gRPC) gave.
        request_id: the server's request id when it sent one, else ``None``.
    """

    exit_code = 3

    def __init__(
        self,
        details: str,
        *,
        code: str = "UNKNOWN",
        request_id: str | None = None,
    ) -> None:
        self.code = code
        self.details = details
        self.request_id = request_id
        suffix = f" (request id {request_id})" if request_id else ""
        super().__init__(f"{code}: {details}{suffix}")


class TransportError(RPCError):
    """The call did not get an answer from the service."""


class Unavailable(TransportError):
    """The service could not be reached (after gRPC's own retries)."""


class DeadlineExceeded(TransportError):
    """The call's deadline passed, or there was no time budget left to start it."""


class Cancelled(TransportError):
    """The call was cancelled by the server or the network (not by this process)."""


class APIError(RPCError):
    """The service answered with an error status."""


class AuthenticationError(APIError):
    """The API key is missing or wrong; set XAI_API_KEY or pass ``api_key``."""


class PermissionDenied(APIError):
    """The API key may not do this."""


class RateLimited(APIError):
    """Rate limited (RESOURCE_EXHAUSTED), still so after agentrt's own backoff.

    Attributes:
        retry_after: seconds the server asked to wait, when it said.
    """

    def __init__(
        self,
        details: str,
        *,
        code: str = "RESOURCE_EXHAUSTED",
        request_id: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(details, code=code, request_id=request_id)
        self.retry_after = retry_after


class ResponseTooLarge(APIError):
    """A message exceeded the size limit (RESOURCE_EXHAUSTED "larger than max"); never retried."""


class InvalidRequest(APIError):
    """The request was rejected as invalid; the details say what to fix."""


class NotFound(APIError):
    """The model, response id or other named thing does not exist."""


class Unimplemented(APIError):
    """The service does not implement this method."""


class ServerError(APIError):
    """The service failed internally (INTERNAL, UNKNOWN, DATA_LOSS, ...)."""


class IndexingFailed(APIError):
    """A document of a collection ended with indexing status "failed".

    Attributes:
        documents: the failed documents (``agentrt.xai.collection_types.DocumentInfo``),
            each with its ``error_message``.
    """

    def __init__(self, details: str, *, documents: tuple[Any, ...] = ()) -> None:
        super().__init__(details, code="FAILED")
        self.documents = documents


class VideoFailed(APIError):
    """A video job ended "failed" (``code``: the service's error code) or "expired".

    Attributes:
        job_id: the job's id.
    """

    def __init__(self, details: str, *, job_id: str, code: str = "FAILED") -> None:
        super().__init__(details, code=code)
        self.job_id = job_id


class StreamInterrupted(AgentrtError):
    """A stream failed after its first chunk; it is never replayed silently.

    Attributes:
        chunks_received: how many chunks arrived before the failure.
        error: the translated error that ended the stream.
    """

    exit_code = 3

    def __init__(self, chunks_received: int, error: AgentrtError) -> None:
        self.chunks_received = chunks_received
        self.error = error
        super().__init__(f"stream interrupted after {chunks_received} chunks: {error}")


# Agent-runtime errors are appended below this line.


class AgentError(AgentrtError):
    """An agent run failed.

    Attributes:
        result: what the run had done so far (a partial ``RunResult``), when known.
    """

    exit_code = 1

    def __init__(self, message: str, *, result: Any = None) -> None:
        super().__init__(message)
        self.result = result


class MaxTurnsExceeded(AgentError):
    """The run used its ``max_turns`` model calls without a final answer; raise the limit or simplify."""


class OutputValidationError(AgentError):
    """The final answer was still not valid structured output after the repair turns.

    Attributes:
        raw: the model's last answer text, as it came.
        reason: what was wrong with it.
    """

    def __init__(self, message: str, *, raw: str, reason: str, result: Any = None) -> None:
        super().__init__(message, result=result)
        self.raw = raw
        self.reason = reason


class ToolLoopDetected(AgentError):
    """The model asked for the same tool call (same name, same arguments) too many times."""


class UnknownToolError(AgentError):
    """The model called a tool the agent does not have (raised only with ``unknown_tool="raise"``)."""


class ToolFailed(AgentError):
    """A tool of a durable run (agentrt.durable) raised or timed out on every attempt it had.

    Tools marked ``idempotent`` are retried; others run once, so a side effect is never repeated.
    """


class RunTimeout(AgentError):
    """The run's time budget ran out; the model call and tools in flight were cancelled."""


class SessionConflict(AgentError):
    """Another run appended to the session while this one was going; nothing was written.

    Attributes:
        session_id: the session.
        expected: the turns this run saw when it started.
        found: the turns the store had when this run tried to append.
        result: this run's ``RunResult`` (when a run raised it), so nothing is lost.
    """

    def __init__(self, session_id: str, *, expected: int, found: int, result: Any = None) -> None:
        super().__init__(
            f"session {session_id!r} changed while this run was going "
            f"(expected {expected} turns, found {found}): run again",
            result=result,
        )
        self.session_id = session_id
        self.expected = expected
        self.found = found


class HookFailed(AgentError):
    """A lifecycle hook raised, or did not return within its time; the run was stopped.

    Attributes:
        hook: the hook's name, e.g. ``"on_tool_start"``.
    """

    def __init__(self, hook: str, message: str, *, result: Any = None) -> None:
        super().__init__(f"hook {hook} failed: {message}", result=result)
        self.hook = hook


class GuardrailTripped(AgentError):
    """A guardrail stopped the run (a guardrail that raised counts as tripped: fail closed).

    Attributes:
        guardrail: the guardrail's name (its function's name).
        kind: ``"input"``, ``"output"`` or ``"tool"``.
        reason: why it tripped.
    """

    def __init__(
        self, guardrail: str, reason: str, *, kind: str = "input", result: Any = None
    ) -> None:
        super().__init__(f"{kind} guardrail {guardrail!r} tripped: {reason}", result=result)
        self.guardrail = guardrail
        self.kind = kind
        self.reason = reason


class BudgetExceeded(AgentError):
    """A run spent, or was about to spend, more than a token or cost limit allows.

    Raised after a turn that passed the limit, or before a turn whose estimated
    need would pass it (see docs/budgets.md for the estimate).

    Attributes:
        limit: the limit's name: ``"max_input_tokens"``, ``"max_output_tokens"`` or
            ``"max_cost_usd"``.
        budget: the limit's value (tokens, or US dollars).
        spent: what was spent when the run stopped, in the limit's unit.
        estimated: what the next model call was estimated to need (``None`` when the
            run stopped because ``spent`` already passed ``budget``).
        result: the partial ``RunResult``.
    """

    def __init__(
        self,
        message: str,
        *,
        limit: str,
        budget: float,
        spent: float,
        estimated: float | None = None,
        result: Any = None,
    ) -> None:
        super().__init__(message, result=result)
        self.limit = limit
        self.budget = budget
        self.spent = spent
        self.estimated = estimated


class MCPServerError(AgentrtError):
    """A local MCP server could not start, connect or list its tools (exit 2: fix its config).

    Attributes:
        server: the server's name (``mcp_servers[].name``).
        reason: what failed, and what to fix.
    """

    exit_code = 2

    def __init__(self, server: str, reason: str) -> None:
        super().__init__(f"MCP server {server!r} cannot start: {reason}")
        self.server = server
        self.reason = reason
