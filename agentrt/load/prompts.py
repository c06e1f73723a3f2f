"""The prompts a load test sends: one text, or a JSONL corpus, with templating.

A corpus file has one prompt per line, in any of these forms::

    "Summarise the plot of Hamlet."
    {"prompt": "Tell me about {{city}}.", "city": "Lisbon", "system": "Be brief.", "max_tokens": 64}
    {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}]}

Placeholders are ``{{name}}`` (double braces, so JSON and code in prompts stay
as they are). A name is another key of the same line or a built-in:
``request_number`` (0-based), ``timestamp_unix`` (float seconds) or ``uuid``.
Requests take the lines round robin: request ``i`` uses line ``i mod lines``.
Every placeholder is checked when the corpus loads, not when it is sent.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agentrt.errors import UsageError

__all__ = ["BUILTINS", "ROLES", "Corpus", "Prompt", "Template"]

BUILTINS = ("request_number", "timestamp_unix", "uuid")
ROLES = ("system", "user", "assistant")
_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_]\w*)\s*\}\}")
_RESERVED = frozenset({"prompt", "messages", "system", "max_tokens"})
_MAX_TOKENS = 2**31 - 1  # the proto's max_tokens is an int32


@dataclass(frozen=True, kw_only=True, slots=True)
class Prompt:
    """One rendered prompt: ``(role, text)`` messages and an optional token limit."""

    messages: tuple[tuple[str, str], ...]
    max_tokens: int | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Template:
    """One corpus line: message templates split at their placeholders, and its variables."""

    messages: tuple[tuple[str, tuple[str, ...]], ...]
    variables: Mapping[str, str]
    max_tokens: int | None = None

    @classmethod
    def parse(cls, item: Any, *, where: str) -> Template:
        """Build a template from one decoded JSONL item; ``where`` names it in errors."""
        if isinstance(item, str):
            item = {"prompt": item}
        if not isinstance(item, dict):
            raise UsageError(f"{where}: expected a string or an object, got {type(item).__name__}")
        pairs = _messages(item, where)
        variables = {k: _text(v) for k, v in item.items() if k not in _RESERVED}
        max_tokens = item.get("max_tokens")
        if max_tokens is not None and not (
            isinstance(max_tokens, int)
            and not isinstance(max_tokens, bool)
            and 1 <= max_tokens <= _MAX_TOKENS
        ):
            raise UsageError(
                f"{where}: max_tokens must be a positive integer, at most {_MAX_TOKENS:,}"
            )
        compiled = []
        for role, text in pairs:
            parts = tuple(_PLACEHOLDER.split(text))
            for name in parts[1::2]:
                if name not in variables and name not in BUILTINS:
                    known = ", ".join(sorted({*variables, *BUILTINS}))
                    raise UsageError(
                        f"{where}: placeholder {{{{{name}}}}} has no value; known: {known}"
                    )
            compiled.append((role, parts))
        return cls(messages=tuple(compiled), variables=variables, max_tokens=max_tokens)

    def render(self, number: int) -> Prompt:
        """The prompt for request ``number``."""
        values: dict[str, str] | None = None
        out = []
        for role, parts in self.messages:
            if len(parts) == 1:
                out.append((role, parts[0]))
                continue
            if values is None:
                values = {**self.variables, **_builtins(number)}
            text = "".join(p if i % 2 == 0 else values[p] for i, p in enumerate(parts))
            out.append((role, text))
        return Prompt(messages=tuple(out), max_tokens=self.max_tokens)


def _builtins(number: int) -> dict[str, str]:
    return {
        "request_number": str(number),
        "timestamp_unix": f"{time.time():.6f}",
        "uuid": str(uuid.uuid4()),
    }


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _messages(item: dict[str, Any], where: str) -> list[tuple[str, str]]:
    if ("prompt" in item) == ("messages" in item):
        raise UsageError(f"{where}: give exactly one of 'prompt' or 'messages'")
    if "prompt" in item:
        if not isinstance(item["prompt"], str) or not item["prompt"]:
            raise UsageError(f"{where}: 'prompt' must be a non-empty string")
        system = item.get("system")
        if system is not None and not isinstance(system, str):
            raise UsageError(f"{where}: 'system' must be a string")
        head = [("system", system)] if system else []
        return [*head, ("user", item["prompt"])]
    messages = item["messages"]
    if not isinstance(messages, list) or not messages:
        raise UsageError(f"{where}: 'messages' must be a non-empty list")
    out = []
    for n, m in enumerate(messages):
        if not isinstance(m, dict) or m.get("role") not in ROLES:
            raise UsageError(f"{where}: messages[{n}] needs a role, one of {', '.join(ROLES)}")
        if not isinstance(m.get("content"), str):
            raise UsageError(f"{where}: messages[{n}].content must be a string")
        out.append((m["role"], m["content"]))
    return out


class Corpus:
    """The prompt templates of a run, taken round robin by request number."""

    def __init__(self, templates: Sequence[Template]) -> None:
        if not templates:
            raise UsageError("the prompt corpus is empty: give --prompt TEXT or a non-empty file")
        self.templates = tuple(templates)

    def __len__(self) -> int:
        return len(self.templates)

    @classmethod
    def from_prompt(cls, text: str) -> Corpus:
        """A corpus of one prompt (``--prompt TEXT``; built-in placeholders only)."""
        return cls([Template.parse({"prompt": text}, where="--prompt")])

    @classmethod
    def from_jsonl(cls, text: str, *, source: str = "<corpus>") -> Corpus:
        """Parse JSONL text; blank lines and lines starting with ``#`` are skipped."""
        templates = []
        for lineno, line in enumerate(text.splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            where = f"{source}:{lineno}"
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                raise UsageError(f"{where}: not valid JSON: {exc.msg}") from None
            templates.append(Template.parse(item, where=where))
        return cls(templates)

    @classmethod
    def from_file(cls, path: str | Path) -> Corpus:
        """Read a JSONL corpus file."""
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot read prompts file {path}: {exc.strerror}") from None
        except UnicodeDecodeError:
            raise UsageError(f"cannot read prompts file {path}: not UTF-8 text") from None
        return cls.from_jsonl(text, source=str(path))

    def render(self, number: int) -> Prompt:
        """The prompt for request ``number``."""
        return self.templates[number % len(self.templates)].render(number)
