"""A failed durable run as the agentrt error it stands for: :func:`run_error`.

The workflow fails with an ``ApplicationError`` whose ``type`` is an agentrt
error class name and whose details carry the partial run and extra fields;
this module builds that error again on the caller's side (with the partial
:class:`~agentrt.agents.run_result.RunResult` attached), so ``agentrt run --temporal``
exits and prints exactly as a local run would: 1 for agent failures
(``ToolFailed``, ``MaxTurnsExceeded`` ...), 3 for the model call's RPC errors.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agentrt import errors

if TYPE_CHECKING:
    from agentrt.agents.run_result import RunResult

__all__ = ["run_error"]


def run_error(exc: BaseException) -> errors.AgentrtError:
    """The agentrt error for a ``WorkflowFailureError`` (or anything else a run's result raised)."""
    from temporalio.exceptions import ApplicationError

    cause: BaseException | None = exc
    while cause is not None and not isinstance(cause, ApplicationError):
        cause = getattr(cause, "cause", None)  # WorkflowFailureError -> ... -> ApplicationError
    if isinstance(cause, ApplicationError):
        details = list(cause.details)
        partial = _partial(details[0] if details else None)
        extra = details[1] if len(details) > 1 and isinstance(details[1], dict) else {}
        return _typed(cause.type or "AgentError", cause.message, partial, extra)
    return errors.AgentError(f"the durable run ended without a result: {_reason(exc)}")


def _reason(exc: BaseException) -> str:
    inner = getattr(exc, "cause", None)
    return f"{exc}: {inner}" if inner is not None else str(exc)


def _partial(data: Any) -> RunResult[Any] | None:
    if not isinstance(data, dict):
        return None
    from agentrt.durable.codec import run_result
    from agentrt.durable.payloads import RunOutput

    try:
        return run_result(RunOutput(**data))
    except (TypeError, KeyError, ValueError):
        return None


def _typed(
    kind: str, message: str, partial: RunResult[Any] | None, extra: dict[str, Any]
) -> errors.AgentrtError:
    cls = getattr(errors, kind, None)
    if not (isinstance(cls, type) and issubclass(cls, errors.AgentrtError)):
        return errors.AgentError(f"{kind}: {message}", result=partial)
    if cls is errors.OutputValidationError:
        return errors.OutputValidationError(
            message,
            raw=str(extra.get("raw", "")),
            reason=str(extra.get("reason", "")),
            result=partial,
        )
    if cls is errors.StreamInterrupted:
        inner = errors.TransportError(message, code="UNAVAILABLE")
        return errors.StreamInterrupted(int(extra.get("chunks") or 0), inner)
    if cls is errors.SessionConflict:
        return errors.SessionConflict(
            str(extra.get("session_id", "")),
            expected=int(extra.get("expected") or 0),
            found=int(extra.get("found") or 0),
            result=partial,
        )
    if cls is errors.GuardrailTripped:
        return errors.GuardrailTripped(
            str(extra.get("guardrail", "")),
            str(extra.get("reason", "")),
            kind=str(extra.get("kind", "input")),
            result=partial,
        )
    if cls is errors.HookFailed:
        reason = str(extra.get("reason", message))
        return errors.HookFailed(str(extra.get("hook", "")), reason, result=partial)
    if cls is errors.BudgetExceeded:
        estimated = extra.get("estimated")
        return errors.BudgetExceeded(
            message,
            limit=str(extra.get("limit", "")),
            budget=float(extra.get("budget") or 0),
            spent=float(extra.get("spent") or 0),
            estimated=None if estimated is None else float(estimated),
            result=partial,
        )
    if issubclass(cls, errors.AgentError):
        return cls(message, result=partial)
    if issubclass(cls, errors.RPCError):
        return cls(message, code=str(extra.get("code") or "UNKNOWN"))
    if cls is errors.UsageError:
        return errors.UsageError(message)
    return errors.AgentError(f"{kind}: {message}", result=partial)
