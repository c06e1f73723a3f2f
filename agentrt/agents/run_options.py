"""A run's options beyond the plain loop (session, hooks, deps), put onto its RunLoop."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from agentrt.agents import run_extras
from agentrt.agents.hooks import HookRunner
from agentrt.agents.resume import restore, resumption
from agentrt.agents.session import Session, SessionStore
from agentrt.agents.session_run import Chain, SessionMode, SessionRun, stores_completions
from agentrt.errors import UsageError
from agentrt.xai.messages import Message

if TYPE_CHECKING:
    from agentrt.agents.guardrails import Guardrails
    from agentrt.agents.run_loop import RunLoop

__all__ = ["AgentParts", "RunOptions", "input_text", "resume_loop"]


class AgentParts(Protocol):
    """What these options need of the agent (``Agent`` is above this module)."""

    name: str
    hooks: Any
    hook_timeout: float
    guards: Guardrails | None


@dataclass(frozen=True, slots=True)
class RunOptions:
    """``run(..., session=, session_mode=, hooks=, deps=)``."""

    session: Session | tuple[SessionStore, str] | None
    session_mode: SessionMode
    hooks: Any
    deps: Any

    def apply(self, agent: AgentParts, loop: RunLoop, input: Any, history: Any = None) -> None:
        """Make ``loop`` an extended run with these options and the agent's hooks and guardrails.

        Raises:
            UsageError: both a session and ``history=`` (the session is the history).
        """
        if self.session is not None and history is not None:
            raise UsageError("give session= or history=, not both: a session is its own history")
        loop.ext = run_extras
        loop.deps = self.deps
        loop.hooks = HookRunner.of(agent.hooks, self.hooks, timeout=agent.hook_timeout)
        loop.guards = agent.guards
        loop.input_text = input_text(input)
        if self.session is not None:
            run = SessionRun(Session.of(self.session), self.session_mode, loop.input_text)
            loop.session = run
            loop.prepare = run.prepare(loop.prepare)


def input_text(input: Any) -> str:
    """The user's text of a run's input (a message's text; the last user message of several)."""
    if isinstance(input, str):
        return input
    if isinstance(input, Message):
        return input.text
    users = [m for m in input if isinstance(m, Message) and m.role == "user"]
    return users[-1].text if users else ""


def resume_loop(
    agent: AgentParts, loop: RunLoop, state: Any, decisions: Any, options: RunOptions
) -> None:
    """Make ``loop`` (built with no input) continue ``state`` with ``decisions``."""
    plan = resumption(state, decisions, agent.name)
    at = 1 if loop.messages and loop.messages[0].role == "system" else 0
    loop.messages[at:] = state.messages
    restore(loop, state)
    mark = state.session
    if mark is None and options.session is not None:
        raise UsageError("the paused run was not on a session: resume it without session=")
    RunOptions(None, options.session_mode, options.hooks, options.deps).apply(agent, loop, "")
    loop.resuming = plan
    if mark is None:
        return
    if options.session is None:
        raise UsageError(
            f"the paused run is on session {mark.session_id!r}: resume it with "
            f"session=(store, {mark.session_id!r})"
        )
    session = Session.of(options.session)
    if session.session_id != mark.session_id:
        raise UsageError(
            f"the paused run is on session {mark.session_id!r}, not {session.session_id!r}"
        )
    loop.input_text = mark.input
    loop.session = SessionRun(
        session,
        options.session_mode,
        mark.input,
        expected=mark.expected_turns,
        history_len=mark.history_len,
    )
    if options.session_mode != "resend" and (
        options.session_mode != "auto" or stores_completions(loop.model)
    ):
        last = state.response_ids[-1] if state.response_ids else None
        loop.chain = Chain(last, at + len(state.messages))  # the paused turn's response was stored
