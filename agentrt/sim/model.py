"""The deterministic model behind the simulator: a prompt in, a reply out.

No randomness unless the request carries a seed; the same prompt always gives
the same reply. What it does, in order:

* last turn from the user (or system) and function tools offered: it calls the
  tools the user's text refers to (see :mod:`agentrt.sim.arguments`), several
  at once when parallel tool calls are allowed;
* last turns are tool results: it answers in text that quotes every value it
  got back verbatim, or with JSON valid against the requested schema, filled
  from those results and from the prompt where names match;
* otherwise it answers in text (or schema-valid JSON) about the user's text,
  using the server-side tools offered (web search …) when the text asks for
  them (see :mod:`agentrt.sim.server_tools`); what it read in attached files
  and collections (a :class:`~agentrt.sim.grounding.Grounding`, made by
  :mod:`agentrt.sim.chat_sources`) becomes the answer, quoted and cited.

Reasoning models think first (``reasoning`` in the reply). Token counts come
from :mod:`agentrt.sim.tokens`, the same tokenizer ``TokenizeText`` uses.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, Literal

from agentrt.sim.arguments import FunctionTool, build_calls, extract_candidates
from agentrt.sim.grounding import Attachment, CollectionsQuery, Grounding
from agentrt.sim.jsonfill import fill, invalid_instance, normalize_key
from agentrt.sim.server_tools import ServerToolUse, use_server_tools
from agentrt.sim.tokens import count_tokens, tokenize
from agentrt.sim.toolplan import Decision, History, canonical, flat_fields, plan_calls

__all__ = [
    "Finish",
    "Prompt",
    "Quirks",
    "Reply",
    "Role",
    "ToolCallOut",
    "Turn",
    "prompt_tokens",
    "respond",
]

Role = Literal["user", "assistant", "system", "developer", "tool"]
Finish = Literal["stop", "tool_calls", "length"]

_FILLER = [
    "",
    "the",
    "simulator",
    "streams",
    "deterministic",
    "tokens",
    "so",
    "tests",
    "and",
    "benchmarks",
    "stay",
    "repeatable",
    "while",
    "the",
    "client",
    "measures",
    "latency",
    "throughput",
    "and",
    "correctness",
    "of",
    "every",
    "chunk",
][1:]
_EFFORT_SENTENCES = {"none": 1, "low": 1, "medium": 2, "high": 3, "xhigh": 4}


@dataclass(frozen=True, kw_only=True)
class ToolCallOut:
    """A function call the model makes (or made, in an earlier turn)."""

    id: str
    name: str
    arguments: str


@dataclass(frozen=True, kw_only=True)
class Turn:
    """One message of the conversation, reduced to what the model reads."""

    role: Role
    text: str
    tool_calls: tuple[ToolCallOut, ...] = ()
    tool_call_id: str | None = None
    images: tuple[str, ...] = ()  # how the model describes each picture shown (seeing.py)

    @cached_property
    def tokens(self) -> int:
        """Prompt tokens of this message: its text plus its tool calls' names and arguments.

        Counted once: a conversation's messages come back with every call.
        """
        return count_tokens(self.text) + sum(_call_tokens(c) for c in self.tool_calls)


@dataclass(frozen=True, kw_only=True)
class Prompt:
    """Everything of a chat request that decides the reply."""

    model: str
    turns: tuple[Turn, ...]
    tools: tuple[FunctionTool, ...] = ()
    tool_choice: str = "auto"  # "auto", "none", "required" or a function name
    parallel_tool_calls: bool = True
    response_schema: Mapping[str, Any] | None = None
    json_object: bool = False
    max_tokens: int | None = None
    seed: int | None = None
    reasoning: bool = False
    effort: str = "medium"
    cached_turns: int = 0
    image_parts: int = 0
    server_tools: tuple[str, ...] = ()  # server-side tool kinds offered ("web_search", …)
    collections: CollectionsQuery | None = None  # the collections_search tool offered
    attachments: tuple[Attachment, ...] = ()  # the file parts of every message
    tool_outputs: bool = False  # include the server-side search tools' results
    inline_citations: bool = False  # include inline citations
    logprobs: bool = False  # report each output token's log probability
    top_logprobs: int = 0  # ... and this many alternatives per token
    priority: bool = False  # service_tier SERVICE_TIER_PRIORITY asked


@dataclass(frozen=True, kw_only=True)
class Quirks:
    """Ways to make the model misbehave or shape its output (faults, load tests)."""

    malformed_tool_args: bool = False
    unknown_tool: bool = False
    invalid_output: bool = False
    output_tokens: int | None = None


@dataclass(frozen=True, kw_only=True)
class Reply:
    """What the model says: reasoning, text, tool calls, why it stopped, and token counts."""

    reasoning: str
    content: str
    tool_calls: tuple[ToolCallOut, ...]
    finish: Finish
    prompt_tokens: int
    cached_prompt_tokens: int
    completion_tokens: int
    reasoning_tokens: int
    server_tools: tuple[ServerToolUse, ...] = ()
    # why each function tool was called or not: diagnostics, not part of the reply's value
    explain: tuple[Decision, ...] = field(default=(), compare=False)


def respond(prompt: Prompt, quirks: Quirks = Quirks(), grounding: Grounding | None = None) -> Reply:
    """The model's reply to ``prompt``, having read ``grounding``; deterministic in all three."""
    pending = _pending_results(prompt.turns)
    used: tuple[ServerToolUse, ...] = ()
    calls, decisions = _tool_calls(prompt)
    if calls:
        content, plan = "", f"I will call {', '.join(sorted({c.name for c in calls}))}."
    elif pending:
        content, plan = (
            _answer_from_results(prompt, pending),
            "I have the tool results; I will report them.",
        )
    else:
        content, plan = _answer(prompt, quirks), "I will answer directly."
        used = _server_tools(prompt)
        if grounding is not None:
            plain = prompt.response_schema is None and not prompt.json_object
            if plain and quirks.output_tokens is None:
                content, read = grounding.answer, grounding.uses
            else:  # the answer is not the one the citations point into
                read = tuple(replace(u, cites=()) for u in grounding.uses)
            used = (*read, *used)
        if used:
            plan = f"I used {', '.join(u.kind for u in used)} on the server."
            sources = [s for u in used for s in u.sources]
            plain = prompt.response_schema is None and not prompt.json_object
            if sources and plain and quirks.output_tokens is None:
                content += " Sources: " + ", ".join(sources) + "."
    if prompt.image_parts and not calls:
        content = _with_images(prompt, content)
    calls, content = _apply_quirks(prompt, quirks, calls, content)
    finish: Finish = "tool_calls" if calls else "stop"
    if not calls and prompt.max_tokens is not None and count_tokens(content) > prompt.max_tokens:
        content, finish = "".join(tokenize(content)[: prompt.max_tokens]), "length"
    reasoning = _reasoning(prompt, plan) if prompt.reasoning else ""
    return Reply(
        reasoning=reasoning,
        content=content,
        tool_calls=calls,
        finish=finish,
        prompt_tokens=prompt_tokens(prompt.turns),
        cached_prompt_tokens=prompt_tokens(prompt.turns[: prompt.cached_turns]),
        completion_tokens=count_tokens(content) + sum(_call_tokens(c) for c in calls),
        reasoning_tokens=count_tokens(reasoning),
        server_tools=() if calls else used,
        explain=decisions,
    )


def _with_images(prompt: Prompt, content: str) -> str:
    """``content`` after a sentence on the pictures the last user message showed (plain text)."""
    if prompt.response_schema is not None or prompt.json_object:
        return content
    for turn in reversed(prompt.turns):
        if turn.role == "user":
            if not turn.images:
                return content
            return f"I see {'; and '.join(turn.images)}. {content}"
    return content


def _server_tools(prompt: Prompt) -> tuple[ServerToolUse, ...]:
    if not prompt.server_tools or prompt.tool_choice == "none" or not prompt.turns:
        return ()
    if prompt.turns[-1].role != "user":
        return ()
    return use_server_tools(prompt.turns[-1].text, prompt.server_tools)


def _call_tokens(call: ToolCallOut) -> int:
    return count_tokens(call.name) + count_tokens(call.arguments)


def prompt_tokens(turns: tuple[Turn, ...]) -> int:
    """Prompt tokens of ``turns``: their text plus the names and arguments of their tool calls."""
    return sum([t.tokens for t in turns]) if turns else 0


def _pending_results(turns: tuple[Turn, ...]) -> list[tuple[str, str]]:
    """(tool name, result text) of the tool results after the last assistant turn."""
    results: list[Turn] = []
    for turn in reversed(turns):
        if turn.role != "tool":
            break
        results.append(turn)
    if not results:
        return []
    names = {c.id: c.name for t in turns if t.role == "assistant" for c in t.tool_calls}
    return [(names.get(t.tool_call_id or "", "the tool"), t.text) for t in reversed(results)]


def _last_user_text(turns: tuple[Turn, ...]) -> str:
    for turn in reversed(turns):
        if turn.role == "user":
            return turn.text
    return turns[-1].text if turns else ""


def _digest(prompt: Prompt, *extra: object) -> str:
    basis = repr((prompt.model, [(t.role, t.text) for t in prompt.turns], prompt.seed, extra))
    return hashlib.sha256(basis.encode()).hexdigest()


def _tool_calls(prompt: Prompt) -> tuple[tuple[ToolCallOut, ...], tuple[Decision, ...]]:
    """This turn's function calls and why (see :mod:`agentrt.sim.toolplan`)."""
    if not prompt.tools or prompt.tool_choice == "none" or not prompt.turns:
        return (), ()
    if prompt.turns[-1].role not in ("user", "system", "developer", "tool"):
        return (), ()
    text = _last_user_text(prompt.turns)
    required: str | bool = prompt.tool_choice if prompt.tool_choice != "auto" else False
    if required == "required":
        required = True
    planned = plan_calls(
        text,
        prompt.tools,
        _history(prompt.turns),
        parallel=prompt.parallel_tool_calls,
        required=required,
        instructions=" ".join(t.text for t in prompt.turns if t.role in ("system", "developer")),
    )
    out = tuple(
        ToolCallOut(id=f"call_{_digest(prompt, i)[:24]}", name=name, arguments=arguments)
        for i, (name, arguments) in enumerate(planned.calls)
    )
    return out, planned.decisions


def _history(turns: tuple[Turn, ...]) -> History:
    """The calls made so far and the results since the last user message (newest first)."""
    last_user = max((i for i, t in enumerate(turns) if t.role == "user"), default=-1)
    names = {c.id: c.name for t in turns if t.role == "assistant" for c in t.tool_calls}
    made = frozenset(
        (c.name, canonical(c.arguments))
        for t in turns
        if t.role == "assistant"
        for c in t.tool_calls
    )
    since = frozenset(
        c.name for t in turns[last_user + 1 :] if t.role == "assistant" for c in t.tool_calls
    )
    results = []
    for t in reversed(turns[last_user + 1 :]):
        if t.role == "tool":
            try:
                value = json.loads(t.text)
            except ValueError:
                continue
            results.append((names.get(t.tool_call_id or "", ""), flat_fields(value)))
    return History(
        made=made,
        since_user=since,
        results=tuple(results),
        follow_up=bool(turns) and turns[-1].role == "tool",
    )


def _verbatim(text: str) -> Any:
    """The JSON value of ``text`` with every number kept as its original digits, or None."""
    try:
        return json.loads(text, parse_int=str, parse_float=str, parse_constant=str)
    except ValueError:
        return None


def _leaves(value: Any, prefix: str = "") -> list[tuple[str, str]]:
    if isinstance(value, dict):
        return [leaf for k, v in value.items() for leaf in _leaves(v, f"{prefix}{k}.")]
    if isinstance(value, list):
        return [leaf for i, v in enumerate(value) for leaf in _leaves(v, f"{prefix}{i}.")]
    shown = (
        {True: "true", False: "false", None: "null"}.get(value, value)
        if not isinstance(value, str)
        else value
    )
    return [(prefix.rstrip("."), str(shown))]


def _answer_from_results(prompt: Prompt, pending: list[tuple[str, str]]) -> str:
    if prompt.response_schema is not None or prompt.json_object:
        return _json_answer(prompt, pending)
    parts = []
    for name, text in pending:
        value = _verbatim(text)
        if isinstance(value, dict | list) and value:
            shown = ", ".join(f"{k} = {v}" if k else v for k, v in _leaves(value))
        else:
            shown = text.strip() if not isinstance(value, str) else value
        parts.append(f"{name} returned {shown}")
    text = "Here is what I found: " + "; ".join(parts)
    return text if text.endswith((".", "!", "?")) else text + "."


def _known_values(prompt: Prompt, pending: list[tuple[str, str]]) -> dict[str, Any]:
    values: dict[str, Any] = {}

    def collect(value: Any) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                values.setdefault(normalize_key(str(k)), v)
            for v in value.values():
                collect(v)
        elif isinstance(value, list):
            for v in value:
                collect(v)

    for name, text in pending:
        value = _verbatim(text)
        values.setdefault(normalize_key(name), value if value is not None else text)
        collect(value)
    return values


def _json_answer(prompt: Prompt, pending: list[tuple[str, str]]) -> str:
    schema = prompt.response_schema
    if schema is None:
        answer = (
            _answer_from_results(replace(prompt, json_object=False), pending)
            if pending
            else _echo(prompt)
        )
        return json.dumps({"answer": answer})
    values = _known_values(prompt, pending)
    if schema.get("type") == "object" or "properties" in schema:
        text = _last_user_text(prompt.turns)
        tool = FunctionTool(name="output", description="", parameters=schema)
        candidates = extract_candidates(text)
        from_prompt = build_calls(tool, text, candidates, parallel=False)[0]
        for key, value in from_prompt.items():
            values.setdefault(normalize_key(key), value)
    return json.dumps(fill(schema, values))


def _echo(prompt: Prompt) -> str:
    words = _last_user_text(prompt.turns).split()
    short = " ".join(words[:16]) + (" …" if len(words) > 16 else "")
    return f"This is a simulated reply to: “{short}”."


def _answer(prompt: Prompt, quirks: Quirks) -> str:
    if prompt.response_schema is not None or prompt.json_object:
        return _json_answer(prompt, [])
    text = _echo(prompt)
    target = quirks.output_tokens
    if target is None:
        return text
    tokens = tokenize(text)
    if len(tokens) >= target:
        return "".join(tokens[:target])
    start = int(_digest(prompt, "filler")[:8], 16) if prompt.seed is not None else 0
    filler = [" " + _FILLER[(start + i) % len(_FILLER)] for i in range(target - len(tokens))]
    return text + "".join(filler)


def _reasoning(prompt: Prompt, plan: str) -> str:
    words = _last_user_text(prompt.turns).split()
    topic = " ".join(words[:12]) + ("…" if len(words) > 12 else "")
    sentences = [
        f"The user wrote: “{topic}”.",
        plan,
        "The answer must use only what the conversation provides.",
        "I should keep the reply short and exact.",
    ]
    return " ".join(sentences[: _EFFORT_SENTENCES.get(prompt.effort, 2) + 1])


def _apply_quirks(
    prompt: Prompt, quirks: Quirks, calls: tuple[ToolCallOut, ...], content: str
) -> tuple[tuple[ToolCallOut, ...], str]:
    if quirks.unknown_tool:
        first = (
            calls[0]
            if calls
            else ToolCallOut(id=f"call_{_digest(prompt, 'x')[:24]}", name="", arguments="{}")
        )
        calls = (replace(first, name="nonexistent_tool"), *calls[1:])
        content = ""
    if quirks.malformed_tool_args and calls:
        calls = tuple(replace(c, arguments=c.arguments[:-1] + ', "') for c in calls)
    if quirks.invalid_output and not calls:
        if prompt.response_schema is not None:
            content = invalid_instance(prompt.response_schema, json.loads(content))
        elif prompt.json_object:
            content = "this is not JSON"
    return calls, content
