"""The agent spec format, version 1, as pydantic models (strict: unknown keys are errors).

These models are the contract for agent files: ``agentrt schema`` prints their
JSON Schema, and the loader (:mod:`agentrt.specs.loader`) validates every file
against them before it resolves imports and sub-agents. Loading, resolving and
building agents live elsewhere; this module only says what a valid file is.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PrivateAttr,
    Tag,
    WithJsonSchema,
    model_validator,
)

from agentrt.specs.durations import PATTERN as DURATION_PATTERN
from agentrt.specs.durations import seconds_in
from agentrt.telemetry.redaction import NO_REDACTIONS, Redactions
from agentrt.xai.realtime.config import VOICES

__all__ = [
    "BUILTIN_TOOLS",
    "MAX_DURATION",
    "TOOL_KINDS",
    "TOOL_TAGS",
    "TURN_DETECTIONS",
    "AgentToolSpec",
    "AttachmentSearchSpec",
    "BuiltinToolSpec",
    "CodeExecutionSpec",
    "CollectionsSearchSpec",
    "Duration",
    "FunctionToolSpec",
    "GuardrailsSpec",
    "HistorySpec",
    "ImageGenerationSpec",
    "ImportPath",
    "LimitsSpec",
    "McpServerSpec",
    "McpSpec",
    "Names",
    "OutputSpec",
    "SettingsSpec",
    "SpecDocument",
    "ToolSpec",
    "Voice",
    "WebSearchSpec",
    "WebSearchUserLocation",
    "XSearchSpec",
    "parse_duration",
]

_IMPORT_PATH = r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*:[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$"
_NAME = r"^[a-z0-9_-]{1,64}$"
_TOOL_NAME = r"^[A-Za-z0-9_-]{1,64}$"
_INT32 = 2**31 - 1
MAX_DURATION = 7 * 24 * 3600.0
"""The longest duration a spec may give (a week), for run and tool timeouts."""


def parse_duration(value: Any) -> float:
    """Turn ``"5s"``, ``"2m"``, ``"1m30s"``, ``"250ms"``, ``"1h"`` or a number of seconds into seconds."""
    if isinstance(value, bool):
        raise ValueError("expected a duration like '5s', '2m' or '120s'")
    seconds = None
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str):
        seconds = seconds_in(value, bare_number=False)
    if seconds is None or not math.isfinite(seconds):
        raise ValueError(f"expected a duration like '5s', '2m' or '120s', got {value!r}")
    if seconds <= 0:
        raise ValueError(f"expected a duration above zero, got {value!r}")
    if seconds > MAX_DURATION:
        raise ValueError(f"expected a duration of at most 7 days (168h), got {value!r}")
    return seconds


Duration = Annotated[
    float,
    BeforeValidator(parse_duration),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": DURATION_PATTERN, "examples": ["5s", "2m", "1m30s"]},
                {"type": "number", "exclusiveMinimum": 0, "maximum": MAX_DURATION},
            ],
            "description": "a duration: '250ms', '5s', '2m', '1h', '1m30s', or seconds",
        }
    ),
]
"""Seconds, written in a spec as ``5s``, ``2m``, ``120s``, ``250ms`` or a number."""


def _check_import_path(value: str) -> str:
    if not re.match(_IMPORT_PATH, value):
        raise ValueError(f"expected an import path 'module:attribute', got {value!r}")
    return value


ImportPath = Annotated[
    str,
    AfterValidator(_check_import_path),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": _IMPORT_PATH,
            "description": "a Python object as 'module:attribute'; the spec's directory is importable",
        }
    ),
]
"""A Python object named ``module:attribute`` (or ``package.module:Class.attr``)."""


def _unique(values: list[str] | None) -> list[str] | None:
    if values is not None:
        seen: set[str] = set()
        for value in values:
            if value in seen:
                raise ValueError(f"{value!r} is listed twice; list each value once")
            seen.add(value)
    return values


Names = Annotated[
    list[str] | None,
    AfterValidator(_unique),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
                {"type": "null"},
            ]
        }
    ),
]
"""A list of strings, each given once."""


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or re.search(r"\s", value):
        raise ValueError(f"expected an http:// or https:// URL with a host, got {value!r}")
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    # Set on every part of a loaded spec (see ResolvedSpec): values from ${ENV} stay out of repr.
    _shown: Redactions = PrivateAttr(default=NO_REDACTIONS)

    def __repr__(self) -> str:
        return self._shown.text(super().__repr__())

    def __str__(self) -> str:
        return self._shown.text(super().__str__())

    def _show_through(self, shown: Redactions) -> None:
        """Make this part, and every part inside it, show ``shown``'s secrets as markers."""
        self._shown = shown
        for name in type(self).model_fields:
            for part in _parts(getattr(self, name)):
                part._show_through(shown)


def _parts(value: Any) -> list[_Strict]:
    if isinstance(value, _Strict):
        return [value]
    if isinstance(value, list | tuple):
        return [v for v in value if isinstance(v, _Strict)]
    return []


class _ToolOverrides(_Strict):
    name: Annotated[
        str | None, Field(pattern=_TOOL_NAME, description="the tool name the model sees")
    ] = None
    description: Annotated[str | None, Field(description="the tool description the model sees")] = (
        None
    )
    timeout: Annotated[Duration | None, Field(description="per-call timeout for this tool")] = None


def _approval_word(value: Any) -> Any:
    if isinstance(value, bool):  # YAML reads yes/no/true/false/on/off as booleans
        raise ValueError(
            f"got {value!r} (YAML reads yes/no/true/false as booleans); "
            "write 'always' or 'never', or 'module:function'"
        )
    return value


def _check_approval(value: str) -> str:
    if value in ("always", "never") or re.match(_IMPORT_PATH, value):
        return value
    raise ValueError(
        f"expected 'always', 'never' or an import path 'module:function', got {value!r}"
    )


Approval = Annotated[
    str,
    BeforeValidator(_approval_word),
    AfterValidator(_check_approval),
    WithJsonSchema(
        {
            "anyOf": [
                {"enum": ["always", "never"]},
                {"type": "string", "pattern": _IMPORT_PATH},
            ],
            "description": "ask a person before a call runs: 'always', 'never', or "
            "'module:function' (ctx, arguments) -> bool",
        }
    ),
]


class FunctionToolSpec(_ToolOverrides):
    """A Python callable as a tool: ``function: module:attribute``."""

    function: ImportPath
    approval: Annotated[
        Approval | None,
        Field(description="'always', 'never' (default: what the @tool says) or module:function"),
    ] = None


class GuardrailsSpec(_Strict):
    """Guardrails by kind, each a ``module:function`` (ctx, value) -> Trip | None."""

    input: Annotated[
        tuple[ImportPath, ...], Field(description="check the user's input beside the first call")
    ] = ()
    output: Annotated[tuple[ImportPath, ...], Field(description="check the final output")] = ()
    tools: Annotated[
        tuple[ImportPath, ...], Field(description="check each tool call's arguments before it runs")
    ] = ()


class AgentToolSpec(_ToolOverrides):
    """Another agent file used as a tool: ``agent: ./other.yaml`` (relative to this file)."""

    agent: Annotated[
        str, Field(min_length=1, description="path of another agent spec, relative to this file")
    ]


class WebSearchUserLocation(_Strict):
    """Where the user is, to localise web search results."""

    country: str | None = None
    city: str | None = None
    region: str | None = None
    timezone: str | None = None


class WebSearchSpec(_Strict):
    """xAI's server-side web search."""

    builtin: Literal["web_search"]
    allowed_domains: Names = None
    excluded_domains: Names = None
    enable_image_understanding: bool | None = None
    enable_image_search: bool | None = None
    user_location: WebSearchUserLocation | None = None


class XSearchSpec(_Strict):
    """xAI's server-side search over X posts."""

    builtin: Literal["x_search"]
    from_date: Annotated[datetime | date | None, Field(description="ISO 8601 date or time")] = None
    to_date: Annotated[datetime | date | None, Field(description="ISO 8601 date or time")] = None
    allowed_x_handles: Names = None
    excluded_x_handles: Names = None
    enable_image_understanding: bool | None = None
    enable_video_understanding: bool | None = None


class CodeExecutionSpec(_Strict):
    """xAI's server-side code execution."""

    builtin: Literal["code_execution"]


class CollectionsSearchSpec(_Strict):
    """xAI's server-side search over your document collections."""

    builtin: Literal["collections_search"]
    collections: Annotated[
        list[Annotated[str, Field(min_length=1)]] | None,
        Field(
            min_length=1,
            description="collection names or ids (names are looked up on the management API)",
        ),
        AfterValidator(_unique),
    ] = None
    collection_ids: Annotated[
        list[Annotated[str, Field(min_length=1)]] | None,
        Field(min_length=1, description="collection ids (no management key needed)"),
        AfterValidator(_unique),
    ] = None
    limit: Annotated[
        int | None, Field(strict=True, ge=1, le=1000, description="results to return, 1 to 1000")
    ] = None
    instructions: str | None = None

    @model_validator(mode="after")
    def _one_way(self) -> CollectionsSearchSpec:
        if (self.collections is None) == (self.collection_ids is None):
            raise ValueError(
                "name the collections to search: give 'collections' (names or ids) "
                "or 'collection_ids', not both"
            )
        return self


class AttachmentSearchSpec(_Strict):
    """xAI's server-side search over files attached to the conversation."""

    builtin: Literal["attachment_search"]
    limit: Annotated[
        int | None, Field(strict=True, ge=1, le=1000, description="results to return, 1 to 1000")
    ] = None


class ImageGenerationSpec(_Strict):
    """xAI's server-side image generation."""

    builtin: Literal["image_generation"]
    action: str | None = None


class McpSpec(_Strict):
    """A remote MCP server that xAI calls on the agent's behalf."""

    builtin: Literal["mcp"]
    server_url: Annotated[
        str, AfterValidator(_http_url), Field(description="the server's http:// or https:// URL")
    ]
    server_label: str | None = None
    server_description: str | None = None
    allowed_tool_names: Names = None
    # Secrets once ${ENV_VAR}s are expanded: kept out of repr and str.
    authorization: Annotated[
        str | None, Field(description="use ${ENV_VAR}; never write a secret", repr=False)
    ] = None
    extra_headers: Annotated[dict[str, str] | None, Field(repr=False)] = None


BuiltinToolSpec = (
    WebSearchSpec
    | XSearchSpec
    | CodeExecutionSpec
    | CollectionsSearchSpec
    | AttachmentSearchSpec
    | ImageGenerationSpec
    | McpSpec
)
BUILTIN_TOOLS: dict[str, type[BaseModel]] = {
    "web_search": WebSearchSpec,
    "x_search": XSearchSpec,
    "code_execution": CodeExecutionSpec,
    "collections_search": CollectionsSearchSpec,
    "attachment_search": AttachmentSearchSpec,
    "image_generation": ImageGenerationSpec,
    "mcp": McpSpec,
}
TOOL_KINDS = ("function", "builtin", "agent")
TOOL_TAGS: dict[str, type[BaseModel]] = {
    "function tool": FunctionToolSpec,
    "agent tool": AgentToolSpec,
    **{f"builtin {name}": model for name, model in BUILTIN_TOOLS.items()},
}


def _tool_tag(value: Any) -> str | None:
    """Tag of a tool entry: ``function tool``, ``agent tool`` or ``builtin NAME``; None if unclear.

    Tags contain a space so that they can never be mistaken for a key in a
    pydantic error location.
    """
    if isinstance(value, BaseModel):
        value = value.model_dump()
    if not isinstance(value, dict):
        return None
    kinds = [k for k in TOOL_KINDS if k in value]
    if len(kinds) != 1:
        return None
    if kinds[0] == "builtin":
        name = value["builtin"]
        return f"builtin {name}" if isinstance(name, str) and name in BUILTIN_TOOLS else None
    return f"{kinds[0]} tool"


ToolSpec = Annotated[
    Annotated[FunctionToolSpec, Tag("function tool")]
    | Annotated[AgentToolSpec, Tag("agent tool")]
    | Annotated[WebSearchSpec, Tag("builtin web_search")]
    | Annotated[XSearchSpec, Tag("builtin x_search")]
    | Annotated[CodeExecutionSpec, Tag("builtin code_execution")]
    | Annotated[CollectionsSearchSpec, Tag("builtin collections_search")]
    | Annotated[AttachmentSearchSpec, Tag("builtin attachment_search")]
    | Annotated[ImageGenerationSpec, Tag("builtin image_generation")]
    | Annotated[McpSpec, Tag("builtin mcp")],
    Discriminator(
        _tool_tag,
        custom_error_type="tool_kind",
        custom_error_message="a tool needs exactly one of 'function', 'builtin' or 'agent'",
    ),
]
"""One entry of ``tools``: a function, a builtin (server-side) tool, or an agent file."""


def _one_of_each(tools: tuple[Any, ...]) -> tuple[Any, ...]:
    """Refuse a builtin tool given twice (an MCP server: the same URL twice)."""
    seen: dict[str, int] = {}
    for i, tool in enumerate(tools):
        builtin = getattr(tool, "builtin", None)
        if builtin is None:
            continue
        key = f"mcp {tool.server_url}" if builtin == "mcp" else builtin
        if key in seen:
            what = "the MCP server" if builtin == "mcp" else f"builtin {builtin!r}"
            raise ValueError(
                f"{what} is given twice (tools[{seen[key]}] and tools[{i}]); "
                "merge their options into one entry"
            )
        seen[key] = i
    return tools


class HistorySpec(_Strict):
    """``history:``: see :class:`agentrt.agents.history.HistoryPolicy` and docs/history.md."""

    max_tokens: Annotated[
        int, Field(gt=0, description="estimated tokens a request may carry (chars / 4)")
    ]
    strategy: Annotated[
        Literal["compact", "drop_tool_outputs", "truncate_tool_outputs", "summarize"],
        Field(description="what to do past the budget"),
    ] = "drop_tool_outputs"
    keep_last: Annotated[int, Field(ge=0, description="latest messages always sent intact")] = 4
    truncate_chars: Annotated[
        int, Field(ge=0, description="truncate_tool_outputs keeps this many characters")
    ] = 200


class OutputSpec(_Strict):
    """Structured output: an inline JSON Schema or a pydantic model, not both."""

    schema_: Annotated[
        dict[str, Any] | None,
        Field(alias="schema", description="an inline JSON Schema the final answer must match"),
    ] = None
    type: Annotated[ImportPath | None, Field(description="a pydantic model as 'module:Class'")] = (
        None
    )

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _exactly_one(self) -> OutputSpec:
        if (self.schema_ is None) == (self.type is None):
            raise ValueError(
                "give exactly one of 'schema' (inline JSON Schema) or 'type' (module:Model)"
            )
        return self


class SettingsSpec(_Strict):
    """Model settings sent with every request."""

    temperature: Annotated[float | None, Field(strict=True, ge=0, le=2)] = None
    top_p: Annotated[float | None, Field(strict=True, ge=0, le=1)] = None
    max_tokens: Annotated[int | None, Field(strict=True, ge=1, le=_INT32)] = None
    seed: Annotated[int | None, Field(strict=True, ge=-_INT32 - 1, le=_INT32)] = None
    stop: Names = None
    reasoning_effort: Literal["none", "low", "medium", "high", "xhigh"] | None = None
    parallel_tool_calls: bool | None = None


class LimitsSpec(_Strict):
    """Run limits; unset ones take the runtime's defaults."""

    max_turns: Annotated[
        int | None,
        Field(
            strict=True, ge=1, le=1000, description="model calls per run, 1 to 1000 (default 10)"
        ),
    ] = None
    timeout: Annotated[
        Duration | None, Field(description="deadline for the whole run, at most 7 days")
    ] = None
    max_tool_concurrency: Annotated[
        int | None,
        Field(
            strict=True, ge=1, le=256, description="tool calls run at once, 1 to 256 (default 8)"
        ),
    ] = None
    output_retries: Annotated[
        int | None,
        Field(
            strict=True,
            ge=0,
            le=10,
            description="repair turns for invalid output, 0 to 10 (default 1)",
        ),
    ] = None
    max_identical_tool_calls: Annotated[
        int | None,
        Field(
            strict=True,
            ge=1,
            le=1000,
            description="identical tool calls allowed per run, 1 to 1000 (default 3)",
        ),
    ] = None
    unknown_tool: Annotated[
        Literal["error", "raise"] | None,
        Field(description="a call to a tool the agent lacks: 'error' (default) or 'raise'"),
    ] = None
    max_tool_result_chars: Annotated[
        int | None,
        Field(
            strict=True,
            ge=1,
            le=20_000_000,
            description="characters of one tool result the model gets, 1 to 20000000 (default 200000)",
        ),
    ] = None
    max_input_tokens: Annotated[
        int | None,
        Field(strict=True, gt=0, description="prompt tokens per run, all calls (default: none)"),
    ] = None
    max_output_tokens: Annotated[
        int | None,
        Field(strict=True, gt=0, description="output tokens per run, all calls (default: none)"),
    ] = None
    max_cost_usd: Annotated[
        float | None,
        Field(
            strict=True,
            gt=0,
            allow_inf_nan=False,
            description="US dollars per run, as the service reports cost (default: none)",
        ),
    ] = None
    budget_scope: Annotated[
        Literal["run", "session"] | None,
        Field(description="what the budgets count: 'run' (default) or a 'session' in all"),
    ] = None


def _approval_rule(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, list) and all(isinstance(v, str) and v for v in value):
        return value
    raise ValueError("expected true, false or a list of tool names (globs like 'delete_*')")


class McpServerSpec(_Strict):
    """A local MCP server whose tools the agent uses: ``command`` (stdio) or ``url`` (HTTP)."""

    name: Annotated[
        str, Field(pattern=_TOOL_NAME, description="the server's name in errors and traces")
    ]
    command: Annotated[
        str | None, Field(min_length=1, description="stdio: the program that runs the server")
    ] = None
    args: Annotated[tuple[str, ...], Field(description="stdio: its arguments")] = ()
    env: Annotated[
        dict[str, str] | None,
        Field(description="stdio: variables for it (use ${ENV_VAR} for secrets)", repr=False),
    ] = None
    cwd: Annotated[
        str | None, Field(min_length=1, description="stdio: its directory, relative to this spec")
    ] = None
    url: Annotated[
        str | None,
        AfterValidator(_http_url),
        Field(description="streamable HTTP: the server's http:// or https:// endpoint"),
    ] = None
    headers: Annotated[
        dict[str, str] | None,
        Field(description="HTTP: headers on every request (use ${ENV_VAR})", repr=False),
    ] = None
    include: Annotated[Names, Field(description="tool names or globs to offer (default all)")] = (
        None
    )
    exclude: Annotated[Names, Field(description="tool names or globs not to offer")] = None
    prefix: Annotated[
        str | None,
        Field(pattern=_TOOL_NAME, description="offer the tools as prefix_tool (no collisions)"),
    ] = None
    timeout: Annotated[Duration | None, Field(description="per-call timeout (default 30s)")] = None
    startup_timeout: Annotated[
        Duration | None, Field(description="time to start and list tools (default 15s)")
    ] = None
    needs_approval: Annotated[
        bool | list[str] | None,
        BeforeValidator(_approval_rule),
        Field(description="true, false, or tool names/globs a person approves before each call"),
    ] = None

    @model_validator(mode="after")
    def _one_transport(self) -> McpServerSpec:
        if (self.command is None) == (self.url is None):
            raise ValueError("give command: (a stdio server) or url: (an HTTP server), not both")
        if self.url is not None:
            given = [k for k in ("args", "env", "cwd") if getattr(self, k)]
            if given:
                raise ValueError(f"{', '.join(given)} apply to command: servers, not url: ones")
        elif self.headers:
            raise ValueError("headers apply to url: servers, not command: ones")
        return self


def _unique_servers(servers: tuple[McpServerSpec, ...]) -> tuple[McpServerSpec, ...]:
    seen: set[str] = set()
    for s in servers:
        if s.name in seen:
            raise ValueError(f"two MCP servers are named {s.name!r}; give each its own name")
        seen.add(s.name)
    return servers


def _voice(value: Any) -> str:
    by_lower = {v.lower(): v for v in VOICES}
    found = by_lower.get(value.lower()) if isinstance(value, str) else None
    if found is None:
        raise ValueError(f"voice must be one of {', '.join(VOICES)} (any case), got {value!r}")
    return found


def _any_case(word: str) -> str:
    return "".join(f"[{c.upper()}{c.lower()}]" for c in word)


Voice = Annotated[
    str,
    BeforeValidator(_voice),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": f"^({'|'.join(_any_case(v) for v in VOICES)})$",
            "examples": list(VOICES),
            "description": f"the voice: {', '.join(VOICES)} (any case)",
        }
    ),
]
"""One of xAI's voices, written in any case, kept in its canonical one (``rex`` -> ``Rex``)."""
TURN_DETECTIONS = ("server_vad", "push_to_talk")


def _model_names(value: Any) -> Any:
    """``model``: a name, or a list of distinct names (the first, then its fallbacks)."""
    if isinstance(value, str):
        if not value.strip():
            raise ValueError("an empty model name: give one, e.g. grok-4-1-fast-reasoning")
        return value
    if not isinstance(value, list | tuple):
        return value  # the type check says what it must be
    if not value:
        raise ValueError(
            "an empty list: give a model name, or a list whose first is the model "
            "and the rest its fallbacks"
        )
    for i, name in enumerate(value, 1):
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"item {i} is {name!r}: each item must be a model name")
    for i, name in enumerate(value):
        if name in value[:i]:
            raise ValueError(f"{name!r} is listed twice; list each model once")
    return tuple(value)


class SpecDocument(_Strict):
    """The fields of an agent spec file, version 1 (see docs/agent-spec.md)."""

    version: Annotated[Literal[1], Field(description="spec format version; always 1 for now")]
    name: Annotated[
        str, Field(pattern=_NAME, description="the agent's name: a-z, 0-9, '_' and '-'")
    ]
    description: Annotated[
        str, Field(description="what the agent does (shown when it is a tool)")
    ] = ""
    model: Annotated[
        str | tuple[str, ...],
        BeforeValidator(_model_names),
        Field(
            min_length=1,
            description="model name, e.g. grok-4-1-fast-reasoning, or a list: the model, "
            "then its fallbacks",
        ),
    ]
    instructions: Annotated[
        str,
        Field(description="system prompt; {placeholders} from --var, ${ENV} and ${ENV:-default}"),
    ]
    tools: Annotated[tuple[ToolSpec, ...], AfterValidator(_one_of_each)] = ()
    output: OutputSpec | None = None
    guardrails: Annotated[
        GuardrailsSpec | None, Field(description="input, output and tool guardrails")
    ] = None
    hooks: Annotated[
        ImportPath | None,
        Field(description="an object with lifecycle hook methods (on_run_start, ...)"),
    ] = None
    settings: SettingsSpec = SettingsSpec()
    limits: LimitsSpec = LimitsSpec()
    files: Annotated[
        tuple[Annotated[str, Field(min_length=1)], ...],
        Field(
            description="files attached to every run, relative to this spec "
            "(uploaded once per account and content)"
        ),
        AfterValidator(_unique),
    ] = ()
    mode: Annotated[
        Literal["text", "voice"],
        Field(
            description="'text' (default) or 'voice': a realtime speech agent "
            "(agentrt voice; its model is the realtime model, e.g. grok-voice-latest)"
        ),
    ] = "text"
    voice: Annotated[
        Voice | None, Field(description="mode: voice only: Ara (default), Rex, Sal, Eve or Leo")
    ] = None
    turn_detection: Annotated[
        Literal["server_vad", "push_to_talk"] | None,
        Field(
            description="mode: voice only: 'server_vad' (default; the server hears the user "
            "stop) or 'push_to_talk' (the client ends each turn)"
        ),
    ] = None
    mcp_servers: Annotated[
        tuple[McpServerSpec, ...],
        AfterValidator(_unique_servers),
        Field(description="local MCP servers whose tools the agent uses (docs/mcp.md)"),
    ] = ()
    history: Annotated[
        HistorySpec | None,
        Field(description="a token budget for what the model is sent, and what to do past it"),
    ] = None

    @property
    def primary_model(self) -> str:
        """The model (the first of a list)."""
        return self.model if isinstance(self.model, str) else self.model[0]

    @property
    def fallback_models(self) -> tuple[str, ...]:
        """The models after the first of ``model: [a, b, ...]`` (``Agent(models=...)``)."""
        return () if isinstance(self.model, str) else self.model[1:]

    @model_validator(mode="after")
    def _voice_fields(self) -> SpecDocument:
        if self.mode != "voice":
            given = [k for k in ("voice", "turn_detection") if getattr(self, k) is not None]
            if given:
                verb = "applies" if len(given) == 1 else "apply"
                raise ValueError(
                    f"{' and '.join(given)} {verb} to voice agents only: add 'mode: voice'"
                )
            return self
        problems = []
        if self.output is not None:
            problems.append("'output' (a voice agent speaks its answer)")
        if any(getattr(t, "builtin", None) for t in self.tools):
            problems.append("builtin tools (a realtime session runs function and agent tools)")
        if self.files:
            problems.append("'files'")
        if problems:
            them = "it" if len(problems) == 1 else "them"
            raise ValueError(
                f"a voice agent (mode: voice) cannot have {'; '.join(problems)}: remove {them}"
            )
        return self
