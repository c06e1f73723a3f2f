"""Lifecycle hooks: code of yours called as a run goes, the same for ``run()`` and ``stream()``.

::

    class Audit:
        async def on_tool_start(self, ctx: RunContext[Deps], call: ToolCall) -> None: ...
        def on_run_end(self, ctx: RunContext[Deps], result: RunResult[Any]) -> None: ...

    agent = Agent(..., hooks=Audit())            # every run; or agent.run(..., hooks=Audit())

Any of these methods, sync or async, each given the run's
:class:`~agentrt.agents.tools.ToolContext` (agent, run_id, turn, deps, metadata):
``on_run_start(ctx)``, ``on_turn_start(ctx)``, ``on_model_response(ctx, response)``,
``on_tool_start(ctx, call)`` (before the turn's calls run), ``on_tool_end(ctx, record)``
(after they all ended, in the model's order), ``on_turn_end(ctx)``,
``on_run_end(ctx, result)`` (a finished or paused run; not called when the run raises).

A hook that raises, or that an async hook takes longer than ``timeout`` seconds,
stops the run with :class:`~agentrt.errors.HookFailed` naming it, after the model
call and tools in flight were cancelled (never swallowed). Agent hooks run before
the run's own.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from typing import Any

from agentrt.errors import HookFailed, UsageError

__all__ = ["DEFAULT_HOOK_TIMEOUT_S", "HOOK_NAMES", "HookRunner"]

HOOK_NAMES = (
    "on_run_start",
    "on_run_end",
    "on_turn_start",
    "on_turn_end",
    "on_model_response",
    "on_tool_start",
    "on_tool_end",
)
DEFAULT_HOOK_TIMEOUT_S = 30.0


class HookRunner:
    """The hook methods of some objects, by name, and how to call them."""

    __slots__ = ("_methods", "timeout")

    def __init__(self, *objects: Any, timeout: float = DEFAULT_HOOK_TIMEOUT_S) -> None:
        self.timeout = timeout
        self._methods: dict[str, list[Callable[..., Any]]] = {}
        for obj in objects:
            if obj is None:
                continue
            found = False
            for name in HOOK_NAMES:
                fn = getattr(obj, name, None)
                if fn is None:
                    continue
                if not callable(fn):
                    raise UsageError(f"hooks: {type(obj).__name__}.{name} is not callable")
                self._methods.setdefault(name, []).append(fn)
                found = True
            if not found:
                raise UsageError(f"hooks: {type(obj).__name__} has none of {', '.join(HOOK_NAMES)}")

    @classmethod
    def of(cls, *objects: Any, timeout: float = DEFAULT_HOOK_TIMEOUT_S) -> HookRunner | None:
        """A runner for ``objects`` (``None`` ones skipped), or ``None`` when there are none."""
        if all(o is None for o in objects):
            return None
        return cls(*objects, timeout=timeout)

    def has(self, name: str) -> bool:
        """Whether any hook object has ``name``."""
        return name in self._methods

    async def call(self, name: str, *args: Any) -> None:
        """Call every ``name`` hook with ``args``.

        Raises:
            HookFailed: one raised or timed out (cancellation passes through).
        """
        for fn in self._methods.get(name, ()):
            scope = asyncio.timeout(self.timeout)
            try:
                made = fn(*args)
                if inspect.isawaitable(made):
                    async with scope:
                        await made
            except TimeoutError as e:
                if not scope.expired():  # the hook's own TimeoutError
                    raise HookFailed(name, f"TimeoutError: {str(e)[:500]}") from e
                raise HookFailed(name, f"it did not return within {self.timeout:g} s") from None
            except Exception as e:
                raise HookFailed(name, f"{type(e).__name__}: {str(e)[:500]}") from e
