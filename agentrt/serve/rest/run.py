"""One run asked for over HTTP, checked and prepared: :class:`RunRequest`, :func:`prepare`.

The same rules as the gRPC door (:mod:`agentrt.serve.service`): refused while
draining (503), the agent named by ``model`` (404 naming the served agents),
the server's request limits (400), the agent built from the caller's
``variables``. A unary run's deadline is the client's own timeout when it
sends one (OpenAI's SDKs send ``x-stainless-read-timeout``), never beyond the
spec's; a streamed run has the spec's (a read timeout spans one event, not the run).
"""

from __future__ import annotations

import math
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from agentrt.errors import AgentError, RunTimeout, UsageError
from agentrt.serve.rest.errors import ApiError
from agentrt.serve.service import DEADLINE_MARGIN_S

if TYPE_CHECKING:
    from agentrt.agents.agent import Agent
    from agentrt.agents.run_result import RunResult
    from agentrt.serve.catalog import ServedAgent
    from agentrt.serve.service import AgentsService
    from agentrt.xai.messages import Content, Message

__all__ = ["TIMEOUT_HEADERS", "PreparedRun", "RunRequest", "answer_text", "prepare", "run_failed"]

TIMEOUT_HEADERS = ("x-stainless-read-timeout", "x-stainless-timeout")
"""The headers in which OpenAI's SDKs send their request timeout, in seconds."""


@dataclass(frozen=True, kw_only=True)
class RunRequest:
    """What a request asks to run, whatever the API it came through.

    Attributes:
        agent: the agent's name (the request's ``model``).
        input: the user's message.
        history: the conversation before it (the caller's extra instructions first).
        variables: values for the spec's ``{placeholders}``.
        metadata: passed to the agent's tools.
        stream: whether to answer with server-sent events.
        media: the pictures and files that go with the input.
    """

    agent: str
    input: str
    history: tuple[Message, ...]
    variables: dict[str, str]
    metadata: dict[str, str]
    stream: bool
    media: tuple[Content, ...] = ()

    @property
    def given(self) -> str | Message:
        """What the run is given: the input, or a user message of it and its media."""
        if not self.media:
            return self.input
        from agentrt.xai.messages import user

        return user(self.input, *self.media)


@dataclass(frozen=True, kw_only=True)
class PreparedRun:
    """A run ready to start: the agent and the keyword arguments of its run."""

    request: RunRequest
    served: ServedAgent
    agent: Agent[Any]
    kwargs: dict[str, Any]

    @property
    def run_id(self) -> str:
        """The run's id."""
        run_id: str = self.kwargs["run_id"]
        return run_id


def _deadline(headers: Mapping[str, str]) -> float | None:
    """The monotonic time the run must end by, from the client's timeout (if it sent one)."""
    raw = next((headers[h] for h in TIMEOUT_HEADERS if h in headers), None)
    try:
        seconds = float(raw) if raw else math.nan
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or seconds <= 0:
        return None
    return time.monotonic() + seconds - min(DEADLINE_MARGIN_S, seconds / 10)


def prepare(service: AgentsService, request: RunRequest, headers: Mapping[str, str]) -> PreparedRun:
    """Check ``request`` against the server's state and limits and build its agent.

    Raises:
        ApiError: 503 draining; 404 no such agent; 400 over a limit or a bad variable.
    """
    if service.draining:
        raise ApiError(503, "the server is shutting down; send the run elsewhere", code="draining")
    served = service.catalog.get(request.agent)
    if served is None:
        known = ", ".join(service.catalog.names)
        raise ApiError(
            404,
            f"no agent named {request.agent!r} (model is the agent's name; "
            f"this server runs: {known})",
            param="model",
            code="model_not_found",
        )
    try:
        service.limits.check(
            input=request.input,
            run_id="",
            variables=request.variables,
            metadata=request.metadata,
        )
        agent = served.agent(request.variables)
    except UsageError as exc:
        raise ApiError(400, str(exc), code="invalid_value") from None
    kwargs = {
        "client": service.client,
        "run_id": uuid.uuid4().hex,
        "metadata": request.metadata,
        "deadline": None if request.stream else _deadline(headers),
        "history": request.history,
    }
    return PreparedRun(request=request, served=served, agent=agent, kwargs=kwargs)


def answer_text(run: PreparedRun, result: RunResult[Any]) -> str:
    """The run's answer as text: a structured-output agent's answer as compact JSON."""
    if run.served.structured and result.output is not None:
        import json

        from agentrt.agents.run_summary import jsonable

        return json.dumps(jsonable(result.output), separators=(",", ":"), ensure_ascii=False)
    return result.output if isinstance(result.output, str) else result.text


def run_failed(run: PreparedRun, exc: AgentError) -> ApiError:
    """A run that failed as an agent run: 504 out of time, else 500 naming the failure."""
    message = f"the agent run failed: {run.agent.redactions.text(str(exc))}"
    if isinstance(exc, RunTimeout):
        return ApiError(504, message, code="run_timeout")
    return ApiError(500, message, code=type(exc).__name__)
