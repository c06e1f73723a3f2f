"""Scripted replies: ``agentrt sim --script FILE`` replays canned turns in order.

A script is YAML or JSON: a list of turns, or a mapping with a ``turns`` list.
Each model call takes the next turn, whatever the request says::

    turns:
      - text: "Hello!"                      # a text answer
        reasoning: "Say hello."             # optional reasoning content
      - tool_calls:                         # one or more tool calls
          - name: get_weather
            arguments: {city: Paris}        # a mapping (sent as JSON) or a raw string
      - error: UNAVAILABLE                  # end the call with this gRPC status
        message: "try again"
      - delay_ms: 250                       # wait before answering (any turn)
        text: "slow answer"
        finish: length                      # optional: stop, length or tool_calls

When every turn has been used, the next call fails with FAILED_PRECONDITION
naming the script, so a test that makes one call too many fails loudly.

A mapping may also say ``per_conversation: true``: then the cursor is the
conversation's, not the server's. A call whose messages hold K assistant turns
takes turn K+1, so any number of concurrent conversations each replay the
script from its start (what a benchmark of many agent runs at once needs).
A conversation longer than the script fails as above.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc

from agentrt.errors import UsageError
from agentrt.sim.model import Finish, Prompt, Reply, ToolCallOut, prompt_tokens
from agentrt.sim.status import SimStatus
from agentrt.sim.tokens import count_tokens

__all__ = ["Script", "ScriptTurn", "load_script"]

_KEYS = frozenset({"text", "reasoning", "tool_calls", "error", "message", "delay_ms", "finish"})


@dataclass(frozen=True, kw_only=True)
class ScriptTurn:
    """One canned reply."""

    text: str = ""
    reasoning: str = ""
    tool_calls: tuple[ToolCallOut, ...] = ()
    error: grpc.StatusCode | None = None
    message: str = ""
    delay_ms: float = 0.0
    finish: Finish | None = None
    _reply: dict[str, Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # every field of this turn's Reply but the prompt's tokens: built once, at load
        template = Reply(
            reasoning=self.reasoning,
            content=self.text,
            tool_calls=self.tool_calls,
            finish=self.finish or ("tool_calls" if self.tool_calls else "stop"),
            prompt_tokens=0,
            cached_prompt_tokens=0,
            completion_tokens=count_tokens(self.text)
            + sum(count_tokens(c.name) + count_tokens(c.arguments) for c in self.tool_calls),
            reasoning_tokens=count_tokens(self.reasoning),
        )
        object.__setattr__(self, "_reply", dict(vars(template)))

    def reply(self, prompt: Prompt) -> Reply:
        """This turn as the model's :class:`Reply` to ``prompt`` (usage counted as usual).

        Per call, so made from the fields built at load, not by the frozen ``__init__``.
        """
        reply = object.__new__(Reply)
        vars(reply).update(
            self._reply,
            prompt_tokens=prompt_tokens(prompt.turns),
            cached_prompt_tokens=prompt_tokens(prompt.turns[: prompt.cached_turns]),
        )
        return reply


class Script:
    """The turns of one script and a cursor; :meth:`next_turn` fails loudly past the end."""

    def __init__(
        self, turns: Sequence[ScriptTurn], *, name: str, per_conversation: bool = False
    ) -> None:
        self.turns = tuple(turns)
        self.name = name
        self.used = 0
        self.per_conversation = per_conversation

    @property
    def remaining(self) -> int:
        """Turns not used yet (0 for a per-conversation script: each conversation has its own)."""
        return 0 if self.per_conversation else max(0, len(self.turns) - self.used)

    def next_turn(self, answered: int = 0) -> ScriptTurn:
        """The next turn; FAILED_PRECONDITION once the script has run out.

        ``answered``: the assistant turns already in the call's conversation (the
        cursor when :attr:`per_conversation`, else ignored).
        """
        index = answered if self.per_conversation else self.used
        self.used += 1
        if index >= len(self.turns):
            raise SimStatus(
                grpc.StatusCode.FAILED_PRECONDITION,
                f"script {self.name} ran out: all {len(self.turns)} turns were used and "
                f"model call {index + 1} has no scripted reply",
            )
        return self.turns[index]


def load_script(source: str | Path | Sequence[Mapping[str, Any]]) -> Script:
    """A :class:`Script` from a YAML/JSON file, or from a list of turn mappings.

    Raises:
        UsageError: the file is missing or unreadable, or a turn is malformed
            (the message names the file and the turn).
    """
    if isinstance(source, str | Path):
        path = Path(source)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"--script {path}: {exc.strerror or exc}") from None
        except UnicodeDecodeError:
            raise UsageError(f"--script {path}: not UTF-8 text") from None
        data = _parse(text, path)
        name = str(path)
    else:
        data, name = list(source), "<inline script>"
    per_conversation = False
    if isinstance(data, Mapping):
        per_conversation = data.get("per_conversation", False)
        if not isinstance(per_conversation, bool):
            raise UsageError(f"script {name}: per_conversation must be true or false")
        data = data.get("turns")
    if not isinstance(data, list) or not data:
        raise UsageError(
            f"script {name}: expected a non-empty list of turns (or a mapping with 'turns')"
        )
    turns = [_turn(t, name, i) for i, t in enumerate(data)]
    return Script(turns, name=name, per_conversation=per_conversation)


def _parse(text: str, path: Path) -> Any:
    try:
        if path.suffix.lower() == ".json":
            return json.loads(text)
        import yaml

        return yaml.safe_load(text)
    except ValueError as exc:
        raise UsageError(f"script {path}: not valid JSON: {exc}") from None
    except Exception as exc:  # yaml.YAMLError and its subclasses
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark is not None else str(path)
        what = getattr(exc, "problem", None) or " ".join(str(exc).split())
        raise UsageError(f"script {where}: not valid YAML: {what}") from None


def _turn(raw: Any, name: str, index: int) -> ScriptTurn:
    where = f"script {name}: turn {index + 1}"
    if not isinstance(raw, Mapping):
        raise UsageError(f"{where}: expected a mapping with text, tool_calls or error")
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        raise UsageError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(sorted(_KEYS))})")
    error = None
    if raw.get("error") is not None:
        code_name = str(raw["error"]).upper()
        error = getattr(grpc.StatusCode, code_name, None)
        if not isinstance(error, grpc.StatusCode) or error is grpc.StatusCode.OK:
            raise UsageError(f"{where}: error {raw['error']!r} is not a gRPC status code name")
    finish = raw.get("finish")
    if finish not in (None, "stop", "length", "tool_calls"):
        raise UsageError(f"{where}: finish must be stop, length or tool_calls")
    return ScriptTurn(
        text=str(raw.get("text", "")),
        reasoning=str(raw.get("reasoning", "")),
        tool_calls=tuple(_call(c, where, i) for i, c in enumerate(raw.get("tool_calls") or [])),
        error=error,
        message=str(raw.get("message", "")) or f"scripted error ({where})",
        delay_ms=float(raw.get("delay_ms", 0)),
        finish=finish,
    )


def _call(raw: Any, where: str, index: int) -> ToolCallOut:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("name"), str):
        raise UsageError(f"{where}: tool_calls[{index}] needs a name")
    arguments = raw.get("arguments", {})
    text = arguments if isinstance(arguments, str) else json.dumps(arguments)
    call_id = str(raw.get("id") or f"call_script_{zlib.crc32(f'{where}:{index}'.encode()):08x}")
    return ToolCallOut(id=call_id, name=raw["name"], arguments=text)
