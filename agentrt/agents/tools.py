"""Tools: define and list them (calling them lives in :mod:`agentrt.agents.dispatch`).

::

    @tool(timeout=5)
    async def get_weather(city: str, unit: Literal["C", "F"] = "C") -> dict[str, float]:
        '''Current weather in a city.

        Args:
            city: City name, e.g. "Paris".
            unit: Temperature unit.
        '''

    tools = Toolset([get_weather, web_search_tool])   # local and server-side tools side by side
    tools.declarations()                              # what goes into the request

A :class:`Tool` is built from any sync or async function: name, description
(the docstring), JSON Schema of the parameters (from the type hints), strict
mode when the schema allows it. xAI's server-side tools
(:mod:`agentrt.xai.tool_specs`: ``WebSearch``, ``XSearch``, ``CodeExecution``,
``CollectionsSearch``, ``MCP``, ``ImageGeneration``) are declared beside local
ones and passed through to the request; :func:`server_tool` builds them by name.
"""

from __future__ import annotations

import dataclasses
import time
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from inspect import iscoroutinefunction
from typing import TYPE_CHECKING, Any, Generic, cast, overload

from typing_extensions import TypeVar

from agentrt.agents.schema import FunctionSchema, function_schema
from agentrt.errors import UsageError

if TYPE_CHECKING:
    from agentrt.xai.chat_response import Usage
    from agentrt.xai.tool_specs import FunctionTool, ToolSpec

__all__ = [
    "SERVER_TOOL_KINDS",
    "ApprovalCheck",
    "RunContext",
    "Tool",
    "ToolContext",
    "Toolset",
    "server_tool",
    "tool",
    "weak_sink",
]

Deps = TypeVar("Deps", default=Any)


@dataclass(frozen=True, slots=True, kw_only=True)
class ToolContext(Generic[Deps]):
    """What a tool may learn about the call it serves; ask for it with a parameter typed
    ``ToolContext`` (or ``RunContext[MyDeps]``: the same class). Hooks and guardrails get it too.

    Attributes:
        call_id: the model's tool call id (with ``run_id``, an idempotency key).
        tool_name: the tool's name.
        agent: the calling agent's name.
        run_id: the agent run's id.
        turn: the turn (1-based) that asked for the call.
        deadline: ``time.monotonic()`` value by which the run must end, or ``None``.
        metadata: caller-supplied values (e.g. from ``agentrt serve`` requests).
        client: the client the run uses (sub-agents reuse it).
        deps: the run's ``deps=`` value (typed by ``Agent[Out, Deps]``), ``None`` if not given.
    """

    call_id: str = ""
    tool_name: str = ""
    agent: str = ""
    run_id: str = ""
    turn: int = 0
    deadline: float | None = None
    metadata: Mapping[str, str] = field(default_factory=dict)
    client: Any = field(default=None, repr=False)
    usage_sink: Callable[[Usage], None] | None = field(default=None, repr=False)
    deps: Deps = field(default=cast("Deps", None), repr=False)

    def remaining(self) -> float | None:
        """Seconds left of the run's budget, or ``None`` when it has none."""
        return None if self.deadline is None else self.deadline - time.monotonic()

    def add_usage(self, usage: Usage) -> None:
        """Report model usage spent inside the tool (a sub-agent); it rolls up into the run."""
        if self.usage_sink is not None:
            self.usage_sink(usage)


def weak_sink(method: Callable[[Usage], None]) -> Callable[[Usage], None]:
    """A :attr:`ToolContext.usage_sink` calling the bound ``method`` without keeping its object
    alive: a run keeps its context, so a strong reference made a cycle, and each finished
    run (~40 objects) waited for the cyclic garbage collector."""
    add = weakref.WeakMethod(method)

    def sink(usage: Usage) -> None:
        method = add()
        if method is not None:  # the run lives while its tools run
            method(usage)

    return sink


RunContext = ToolContext
"""The context of a run as tools, hooks and guardrails see it (``RunContext[MyDeps]``)."""

ApprovalCheck = Callable[[ToolContext[Any], Any], bool]
"""``needs_approval=`` as a function: ``(ctx, arguments) -> bool`` (arguments as parsed JSON)."""


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Tool:
    """A local function the model may call.

    Attributes:
        name: what the model calls it.
        description: what the model reads about it.
        parameters: JSON Schema of its arguments.
        strict: ask the model to follow the schema exactly (constrained decoding).
        timeout: seconds one call may take, or ``None`` (only the run's budget applies).
        idempotent: safe to retry (used by durable runs).
        fn: the function itself.
        is_async: whether ``fn`` is a coroutine function (else it runs in a thread).
        needs_approval: ``True`` (every call) or ``(ctx, arguments) -> bool``: a person
            decides before the call runs (see :mod:`agentrt.agents.approval`).
    """

    name: str
    description: str
    parameters: Mapping[str, Any]
    strict: bool
    timeout: float | None
    idempotent: bool
    fn: Callable[..., Any] = field(repr=False)
    is_async: bool
    schema: FunctionSchema = field(repr=False)
    needs_approval: bool | ApprovalCheck = False

    @classmethod
    def from_function(
        cls,
        fn: Callable[..., Any],
        *,
        name: str | None = None,
        description: str | None = None,
        strict: bool | None = None,
        timeout: float | None = None,
        idempotent: bool = False,
        needs_approval: bool | ApprovalCheck = False,
    ) -> Tool:
        """Build a tool from ``fn``; ``strict=None`` turns strict on when the schema allows it.

        Raises:
            UsageError: the signature cannot be a tool, ``strict=True`` on a schema
                that does not allow it, or a non-positive ``timeout``.
        """
        schema = function_schema(
            fn, name=name, description=description, context_types=(ToolContext,)
        )
        if strict and not schema.strict_compatible:
            raise UsageError(
                f"tool {schema.name!r}: strict=True needs every parameter required, without "
                "defaults, and no length/range/pattern constraints; drop strict or change the signature"
            )
        if timeout is not None and not timeout > 0:
            raise UsageError(f"tool {schema.name!r}: timeout must be > 0 seconds, got {timeout}")
        if not isinstance(needs_approval, bool) and not callable(needs_approval):
            raise UsageError(
                f"tool {schema.name!r}: needs_approval must be True, False or a function"
            )
        return cls(
            name=schema.name,
            description=schema.description,
            parameters=schema.parameters,
            strict=schema.strict_compatible if strict is None else strict,
            timeout=timeout,
            idempotent=idempotent,
            fn=fn,
            is_async=iscoroutinefunction(fn) or iscoroutinefunction(type(fn).__call__),
            schema=schema,
            needs_approval=needs_approval,
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Call the underlying function directly (the decorator keeps it usable)."""
        return self.fn(*args, **kwargs)

    def declaration(self) -> FunctionTool:
        """The function definition sent to the model."""
        from agentrt.xai.tool_specs import FunctionTool

        return FunctionTool(
            name=self.name,
            description=self.description,
            parameters=self.parameters,
            strict=self.strict,
        )


@overload
def tool(fn: Callable[..., Any], /) -> Tool: ...
@overload
def tool(
    *,
    name: str | None = None,
    description: str | None = None,
    strict: bool | None = None,
    timeout: float | None = None,
    idempotent: bool = False,
    needs_approval: bool | ApprovalCheck = False,
) -> Callable[[Callable[..., Any]], Tool]: ...
def tool(
    fn: Callable[..., Any] | None = None,
    /,
    *,
    name: str | None = None,
    description: str | None = None,
    strict: bool | None = None,
    timeout: float | None = None,
    idempotent: bool = False,
    needs_approval: bool | ApprovalCheck = False,
) -> Tool | Callable[[Callable[..., Any]], Tool]:
    """Make a :class:`Tool` of a function: ``@tool`` or ``@tool(timeout=5, needs_approval=True)``."""

    def wrap(f: Callable[..., Any]) -> Tool:
        return Tool.from_function(
            f,
            name=name,
            description=description,
            strict=strict,
            timeout=timeout,
            idempotent=idempotent,
            needs_approval=needs_approval,
        )

    return wrap if fn is None else wrap(fn)


@dataclass(frozen=True, slots=True, init=False)
class Toolset:
    """An ordered, named set of tools: local :class:`Tool` s and server-side specs.

    Plain functions are turned into tools. Two local tools with one name are refused.
    """

    items: tuple[Tool | ToolSpec, ...]
    functions: Mapping[str, Tool]
    approvals: bool  # some tool needs a person's approval (checked once per tool turn)

    def __init__(self, tools: Iterable[Tool | ToolSpec | Callable[..., Any]] = ()) -> None:
        items: list[Tool | ToolSpec] = []
        by_name: dict[str, Tool] = {}
        for t in tools:
            item = _as_tool(t)
            if isinstance(item, Tool):
                if item.name in by_name:
                    raise UsageError(f"two tools are named {item.name!r}; give one another name")
                by_name[item.name] = item
            items.append(item)
        object.__setattr__(self, "items", tuple(items))
        object.__setattr__(self, "functions", by_name)
        approvals = any(t.needs_approval is not False for t in by_name.values())
        object.__setattr__(self, "approvals", approvals)

    def get(self, name: str) -> Tool | None:
        """The local tool called ``name``, if any."""
        return self.functions.get(name)

    def declarations(self) -> tuple[ToolSpec, ...]:
        """What goes into the request's ``tools``, in order."""
        return tuple(t.declaration() if isinstance(t, Tool) else t for t in self.items)

    def describe(self) -> list[dict[str, Any]]:
        """A listing for people and CLIs: name, kind, description, schema, options."""
        out: list[dict[str, Any]] = []
        for t in self.items:
            if isinstance(t, Tool):
                out.append(
                    {
                        "name": t.name,
                        "kind": "function",
                        "description": t.description,
                        "parameters": dict(t.parameters),
                        "strict": t.strict,
                        "timeout": t.timeout,
                    }
                )
            else:
                out.append({"name": _kind_of(t), "kind": "server", "options": _public_options(t)})
        return out

    def __iter__(self) -> Iterator[Tool | ToolSpec]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __contains__(self, name: object) -> bool:
        return name in self.functions


def _as_tool(t: Tool | ToolSpec | Callable[..., Any]) -> Tool | ToolSpec:
    from agentrt.xai import tool_specs

    if isinstance(t, Tool):
        return t
    if isinstance(t, tool_specs.FunctionTool):
        raise UsageError(
            f"FunctionTool {t.name!r} has no Python function to run; use @tool on the function"
        )
    if isinstance(t, _server_classes()):
        return cast("ToolSpec", t)
    as_tool = getattr(t, "as_tool", None)  # an Agent used as a tool
    if callable(as_tool):
        made = as_tool()
        if isinstance(made, Tool):
            return made
    if callable(t):
        return Tool.from_function(t)
    raise UsageError(f"not a tool: {t!r}; pass a function, a Tool or a server-side tool spec")


def _server_classes() -> tuple[type, ...]:
    return tuple(_class_for(kind) for kind in SERVER_TOOL_KINDS)


SERVER_TOOL_KINDS = (
    "web_search",
    "x_search",
    "code_execution",
    "collections_search",
    "mcp",
    "attachment_search",
    "image_generation",
)
"""Names :func:`server_tool` accepts."""


def _class_for(kind: str) -> type:
    from agentrt.xai import tool_specs as s

    classes: dict[str, type] = {
        "web_search": s.WebSearch,
        "x_search": s.XSearch,
        "code_execution": s.CodeExecution,
        "collections_search": s.CollectionsSearch,
        "mcp": s.MCP,
        "attachment_search": s.AttachmentSearch,
        "image_generation": s.ImageGeneration,
    }
    if kind not in classes:
        raise UsageError(
            f"unknown server-side tool {kind!r}; choose one of {', '.join(SERVER_TOOL_KINDS)}"
        )
    return classes[kind]


def server_tool(kind: str, **options: Any) -> ToolSpec:
    """Declare one of xAI's server-side tools by name, e.g. ``server_tool("web_search", allowed_domains=[...])``.

    Lists become tuples. Raises :class:`UsageError` naming the valid choices for
    an unknown kind or option.
    """
    cls = _class_for(kind)
    known = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(options) - known)
    if unknown:
        valid = ", ".join(sorted(known)) or "none"
        raise UsageError(f"{kind}: unknown option(s) {', '.join(unknown)}; valid options: {valid}")
    fixed = {k: tuple(v) if isinstance(v, list) else v for k, v in options.items()}
    try:
        spec: ToolSpec = cls(**fixed)
    except TypeError as e:  # a required option is missing
        raise UsageError(f"{kind}: {e}") from None
    return spec


def _kind_of(spec: Any) -> str:
    for kind in SERVER_TOOL_KINDS:
        if type(spec) is _class_for(kind):
            return kind
    return type(spec).__name__


def _public_options(spec: Any) -> dict[str, Any]:
    """The spec's options, without secrets (MCP authorization and headers)."""
    return {
        f.name: getattr(spec, f.name)
        for f in dataclasses.fields(spec)
        if f.repr and getattr(spec, f.name) not in (None, (), "")
    }
